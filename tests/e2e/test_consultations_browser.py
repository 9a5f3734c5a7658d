"""A first consultation from filing to closing, with the requester and a consultant each in a browser
context of their own (the demo's Gemeinde admin and the demo competence centre's consultant)."""
from tests.e2e.test_forums_browser import open_as  # noqa: F401

REQUESTER, CONSULTANT = "gemeinde.admin@demo.example.org", "beratung.leitung@demo.example.org"


def demo_password(live_server) -> str:
    rows = (live_server.data_dir / "demo-accounts.txt").read_text().splitlines()[1:]
    return next(row.split()[1] for row in rows if row.split() and row.split()[0] == REQUESTER)


def test_a_request_from_filing_to_closing(open_as, live_server):  # noqa: F811
    password = demo_password(live_server)
    requester = open_as(REQUESTER, password)
    consultant = open_as(CONSULTANT, password)

    requester.goto("/consultations/new")
    requester.fill("#subject", "Browsertest: Digitale Ratsarbeit")
    requester.fill("#description", "Wir möchten Sitzungen papierlos vorbereiten.")
    requester.check("#topic-organisation")
    requester.select_option("#urgency", "high")
    requester.select_option("#preferred_format", "video")
    requester.locator("main form button[type=submit]").click()
    requester.wait_for_url("**/consultations/*")
    case_path = "/" + requester.url.split("/", 3)[3]
    assert requester.locator("#case-status").inner_text() == "angefragt"

    consultant.goto("/consultations/?status=requested&urgency=high")
    consultant.locator(f"#consultation-queue a[href='{case_path}']").click()
    consultant.locator("button[data-move=accepted]").click()
    consultant.fill("#scheduled_for", "2026-06-01T10:00")
    consultant.locator("button[data-move=scheduled]").click()
    consultant.fill("#text", "Interne Notiz: Ratsinformationssystem prüfen")
    consultant.check("#internal")
    consultant.locator("#conversation ~ form button[type=submit]").click()
    consultant.fill("#advice", "Beginnen Sie mit einem Ratsinformationssystem.")
    consultant.locator("button[data-move=advised]").click()
    assert consultant.locator("#case-status").inner_text() == "beraten"

    requester.goto(case_path)
    assert "Ratsinformationssystem." in requester.locator("#case-advice").inner_text()
    assert "Interne Notiz" not in requester.content()
    requester.select_option("#rating", "5")
    requester.fill("#comment", "Danke!")
    requester.locator("form[action$='/rating'] button[type=submit]").click()
    assert "5" in requester.locator("main").inner_text()

    consultant.goto(case_path)
    consultant.locator("button[data-move=closed]").click()
    assert consultant.locator("#case-status").inner_text() == "abgeschlossen"
    requester.goto("/consultations/")
    assert "abgeschlossen" in requester.locator("#consultation-queue").inner_text()
