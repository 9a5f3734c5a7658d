"""A member finds a training recommended for their municipality, registers and downloads the .ics."""
from icalendar import Calendar

from tests.e2e.test_consultations_browser import demo_password
from tests.e2e.test_forums_browser import open_as  # noqa: F401

MEMBER = "gemeinde.mitglied@demo.example.org"


def test_find_a_recommended_training_register_and_download_the_calendar_file(open_as, live_server):  # noqa: F811
    member = open_as(MEMBER, demo_password(live_server))
    member.goto("/events/")
    assert member.locator("#recommended-heading").inner_text() == "Empfohlen für Sie"
    links = member.locator("#recommended-events a").evaluate_all("links => links.map(l => l.getAttribute('href'))")
    assert links, "no training recommended for the demo Gemeinde"
    for href in links:
        member.goto(href)
        if member.locator("form[action$='/register'] button").count():
            break
    else:
        raise AssertionError("already registered for every recommended training")
    title = member.locator("h1").inner_text()
    member.locator("form[action$='/register'] button").click()
    member.wait_for_url(f"**{href}")
    status = member.locator("#registration-status").inner_text()
    assert "Ihr Platz ist bestätigt." in status or "Warteliste" in status
    with member.expect_download() as download:
        member.locator(f"a[href='{href}.ics']").click()
    calendar = Calendar.from_ical(open(download.value.path(), "rb").read())
    (entry,) = calendar.walk("VEVENT")
    assert str(entry["summary"]) == title
    if "bestätigt" in status and member.locator("#online-link").count():
        assert member.locator("#online-link").inner_text() in str(entry["description"])
    member.goto("/events/")
    assert title in member.locator("#mine-heading + ul").inner_text()
