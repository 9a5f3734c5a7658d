"""A first consultation from filing to closing, with the requester and a consultant each in a browser
context of their own (the demo's Gemeinde admin and the demo competence centre's consultant)."""
import json
import re
import sqlite3
from contextlib import closing

from icalendar import Calendar
from playwright.sync_api import expect

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


def _latest_check_path(page) -> str:
    page.goto("/digital-check/")
    links = [href for href in page.locator("main a[href^='/digital-check/']").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))") if re.fullmatch(r"/digital-check/\d+", href)]
    assert links, "the demo Gemeinde has no submitted Digital Compass"
    return links[0]


def _rows(live_server, sql: str, *args) -> list:
    with closing(sqlite3.connect(live_server.data_dir / "e2e.sqlite")) as database:
        return database.execute(sql, args).fetchall()


def test_the_advice_loop_from_the_check_to_the_follow_up(open_as, live_server):  # noqa: F811
    """Request from the Digital Compass → accept → schedule (the mail states the local time and carries an
    invitation that parses) → advise with a result whose recommendation is found by search → the municipality
    marks a measure done → the follow-up reminder reaches both sides → the next check shows the effect."""
    password = demo_password(live_server)
    requester = open_as(REQUESTER, password)
    consultant = open_as(CONSULTANT, password)

    requester.goto(_latest_check_path(requester))
    requester.get_by_role("link", name="Erstberatung anfragen").first.click()
    requester.fill("#subject", "Browsertest: Ergebnisbericht")
    requester.locator("main form button[type=submit]").click()
    requester.wait_for_url(re.compile(r".*/consultations/\d+$"))
    case_path = "/" + requester.url.split("/", 3)[3]
    case_id = int(case_path.rsplit("/", 1)[1])
    expect(requester.locator("#case-answer-due")).to_contain_text("Arbeitstagen")

    consultant.goto(case_path)
    consultant.locator("button[data-move=accepted]").click()
    consultant.fill("#scheduled_for", "2026-12-16T10:00")
    consultant.fill("#meeting_details", "https://video.example.org/erstberatung")
    consultant.locator("button[data-move=scheduled]").click()
    expect(consultant.locator("#case-scheduled-for")).to_have_text("Mi, 16.12.2026, 10:00 Uhr")
    text, invitation = _rows(live_server, "SELECT m.text, m.calendar FROM mail_outbox m JOIN user u ON u.id = m.user_id "
                                          "WHERE u.email = ? AND m.calendar IS NOT NULL ORDER BY m.id DESC", REQUESTER)[0]
    assert "Mi, 16.12.2026, 10:00 Uhr" in text
    entry = Calendar.from_ical(invitation).walk("VEVENT")[0]
    assert entry.decoded("dtstart").isoformat() == "2026-12-16T09:00:00+00:00"
    assert str(entry["location"]) == "https://video.example.org/erstberatung"

    consultant.goto(case_path)
    consultant.fill("#link_q", "Informationssicherheit")
    consultant.locator("#recommendation-search button[type=submit]").click()
    consultant.locator("#advise-recommendations input[name=recommendation]").first.check()
    consultant.fill("#advice", "Beginnen Sie mit der Basis-Absicherung.")
    consultant.fill("#situation", "Zwei Stellen in der IT sind unbesetzt.")
    consultant.fill("#measure-1-title", "Informationssicherheitsbeauftragten benennen")
    consultant.fill("#follow_up_on", "2027-06-16")
    consultant.locator("button[data-move=advised]").click()
    expect(consultant.locator("#case-status")).to_have_text("beraten")
    expect(consultant.locator("#case-measures")).to_contain_text("Informationssicherheitsbeauftragten benennen")

    requester.goto(case_path)
    expect(requester.locator("#case-advice")).to_contain_text("Basis-Absicherung")
    measure = requester.locator("#case-measures select[name=status]").first
    measure.select_option("done")
    requester.locator("#case-measures form button[type=submit]").first.click()
    expect(requester.locator("#case-measures select[name=status]").first).to_have_value("done")

    reminded = live_server.flask("consultations", "remind-follow-ups", "--on", "2027-06-16").stdout
    assert "reminded: " in reminded and not reminded.strip().endswith(": 0")
    told = {email for (email,) in _rows(
        live_server, "SELECT u.email FROM notification n JOIN user u ON u.id = n.user_id "
                     "WHERE n.kind = 'consult_follow_up' AND n.url LIKE ?", f"%/consultations/{case_id}")}
    assert REQUESTER in told and CONSULTANT in told

    # The municipality's next check (written here straight into the database, as its answers would score) shows
    # what changed since the check the consultation rested on.
    with closing(sqlite3.connect(live_server.data_dir / "e2e.sqlite")) as database:
        database.row_factory = sqlite3.Row
        (attached,) = database.execute("SELECT assessment_id FROM consultation WHERE id = ?", (case_id,)).fetchone()
        old = dict(database.execute("SELECT * FROM assessment WHERE id = ?", (attached,)).fetchone())
        scores = {slug: (None if score is None else min(100.0, score + 10)) for slug, score in
                  json.loads(old["scores"]).items()}
        new = {**old, "id": None, "scores": json.dumps(scores), "is_latest": 1,
               "submitted_at": "2027-06-20 09:00:00.000000", "created_at": "2027-06-20 08:00:00.000000",
               "updated_at": "2027-06-20 09:00:00.000000"}
        database.execute("UPDATE assessment SET is_latest = 0 WHERE organisation_id = ?", (old["organisation_id"],))
        cursor = database.execute(f"INSERT INTO assessment ({', '.join(new)}) VALUES ({', '.join('?' * len(new))})",
                                  tuple(new.values()))
        database.commit()
    requester.goto(f"/digital-check/{cursor.lastrowid}")
    expect(requester.locator("#consultation-effect")).to_contain_text("Wirkung der Erstberatung")
    expect(requester.locator("#consultation-effect")).to_contain_text("(+10)")
