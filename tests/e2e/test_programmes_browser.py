"""A member goes from an open need of their municipality to a funding programme it may apply for."""
from tests.e2e.test_consultations_browser import demo_password
from tests.e2e.test_forums_browser import open_as  # noqa: F401

MEMBER = "gemeinde.mitglied@demo.example.org"


def test_from_a_need_to_a_funding_programme(open_as, live_server):  # noqa: F811
    member = open_as(MEMBER, demo_password(live_server))
    member.goto("/")
    member.get_by_role("link", name="Meine Organisation").first.click()
    needs = member.locator("a[href*='/needs/']").evaluate_all(
        "links => [...new Set(links.map(l => l.getAttribute('href')).filter(h => /\\/needs\\/\\d+$/.test(h)))]")
    assert needs, "the demo Gemeinde has no needs"
    for href in needs:
        member.goto(href)
        if member.locator("#need-programmes a").count():
            break
    else:
        raise AssertionError("no funding programme is shown on any need of the demo Gemeinde")
    assert member.locator("#need-programmes-heading").inner_text() == "Förderprogramme für diesen Bedarf"
    link = member.locator("#need-programmes a").first
    title = link.inner_text()
    link.click()
    member.wait_for_url("**/programmes/*")
    assert member.locator("h1").inner_text() == title
    assert "Ihre Organisation ist antragsberechtigt" in member.locator("article").inner_text()
    assert member.locator("#served-heading").inner_text() == "Bedarfe, die dieses Programm decken könnte"
    assert href in member.locator("#own-needs").inner_html()
