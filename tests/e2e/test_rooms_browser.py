"""Two demo users in two browsers share a topic room live; the one that drops off catches up by `sync`,
new messages and deletions alike.

The page's socket (static/js/notifications.js + rooms.js) authenticates with the session cookie.
"""
import re

import pytest
from playwright.sync_api import expect

ROOM_LINK = re.compile(r"^/rooms/\d+$")


@pytest.fixture(scope="module")
def demo_members(live_server):
    """Two member accounts (email, password) from the accounts file the demo seed wrote."""
    live_server.flask("rooms", "ensure-topics")
    rows = (live_server.data_dir / "demo-accounts.txt").read_text().splitlines()[1:]
    members = [row.split()[:2] for row in rows if len(row.split()) > 2 and row.split()[2] == "member"]
    return members[:4]


# Recovery codes of the accounts that set up their second factor here, by server and address: admins,
# consultants and moderators set it up at their first sign-in, and sign in later with one code each.
RECOVERY_CODES: dict[tuple[str, str], list[str]] = {}


def sign_in(page, email: str, password: str):
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()
    if page.url.endswith("/login/second-factor"):
        _second_factor(page, (page.url.split("/login/")[0], email))
    expect(page.locator("header form[action='/logout']")).to_be_visible()


def _second_factor(page, key: tuple[str, str]) -> None:
    """Set up the second factor as a person would (the key under the QR code, a code from it), or use one
    of the recovery codes kept from that set-up."""
    import pyotp

    setup = page.locator("main figure code")
    if setup.count():
        page.fill("input[name=code]", pyotp.TOTP(setup.inner_text().strip()).now())
        page.locator("main form[method=post] button[type=submit]").click()
        RECOVERY_CODES[key] = page.locator("main ul code").all_inner_texts()
        page.locator("main a.kern-btn--primary").click()
    else:
        page.fill("input[name=code]", RECOVERY_CODES[key].pop())
        page.locator("main form[method=post] button[type=submit]").click()


def first_topic_room(page) -> str:
    page.goto("/rooms")
    links = [href for href in page.locator("main a[href^='/rooms/']").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))") if ROOM_LINK.match(href)]
    assert links, "no room listed on /rooms"
    return links[0]


def send(page, body: str):
    page.fill("#message-form textarea", body)
    page.locator("#message-form button[type=submit]").click()


def test_a_message_appears_live_and_after_going_offline_sync_catches_up(browser, live_server, demo_members):
    (first_email, password), (second_email, _) = demo_members[:2]
    writer_context = browser.new_context(base_url=live_server.url, locale="de-DE")
    reader_context = browser.new_context(base_url=live_server.url, locale="de-DE")
    try:
        writer, reader = writer_context.new_page(), reader_context.new_page()
        for page in (writer, reader):
            page.set_default_timeout(10_000)
        sign_in(writer, first_email, password)
        sign_in(reader, second_email, password)
        room = first_topic_room(writer)
        writer.goto(room)
        reader.goto(room)
        messages = reader.locator("#room-messages")

        send(writer, "Live im Raum angekommen")
        expect(messages).to_contain_text("Live im Raum angekommen")
        send(writer, "Wird gleich zurückgenommen")
        expect(messages).to_contain_text("Wird gleich zurückgenommen")

        reader_context.set_offline(True)
        expect(reader.locator("#room-status")).to_be_visible()  # the page noticed: its socket is gone
        send(writer, "Während du offline warst")
        expect(writer.locator("#room-messages")).to_contain_text("Während du offline warst")
        withdrawn = writer.locator("#room-messages li", has_text="Wird gleich zurückgenommen")
        withdrawn.get_by_role("button", name="Löschen").click()
        expect(withdrawn).to_have_count(0)
        expect(messages).not_to_contain_text("Während du offline warst")
        reader_context.set_offline(False)

        expect(messages).to_contain_text("Während du offline warst", timeout=30_000)
        expect(messages).not_to_contain_text("Wird gleich zurückgenommen")  # the deletion came with the sync
    finally:
        writer_context.close()
        reader_context.close()


def test_times_read_alike_live_and_after_reload_and_the_typing_notice_ends_on_send(browser, live_server, demo_members):
    """The reader's browser runs in UTC and English; times are still Berlin time in the page's format.
    Two other members than the test above: its events must not count against their socket rate limit."""
    (first_email, password), (second_email, _) = demo_members[2:4]
    writer_context = browser.new_context(base_url=live_server.url, locale="de-DE")
    reader_context = browser.new_context(base_url=live_server.url, locale="en-US", timezone_id="UTC")
    try:
        writer, reader = writer_context.new_page(), reader_context.new_page()
        for page in (writer, reader):
            page.set_default_timeout(10_000)
        sign_in(writer, first_email, password)
        sign_in(reader, second_email, password)
        room = first_topic_room(writer)
        writer.goto(room)
        reader.goto(room)
        # Both have joined once each sees the other present (typing goes only to those who joined).
        for page in (writer, reader):
            expect(page.locator("#room-presence li").nth(1)).to_be_attached()

        writer.locator("#message-form textarea").press_sequentially("Gleich kommt")
        typing = reader.locator("#room-typing")
        expect(typing).not_to_be_empty()
        writer.locator("#message-form button[type=submit]").click()
        live = reader.locator("#room-messages li", has_text="Gleich kommt")
        expect(live).to_have_count(1)
        expect(typing).to_be_empty(timeout=1_500)  # at once on send, not after the 4-second timeout
        writer.locator("#message-form textarea").press_sequentially("noch etwas")
        expect(typing).not_to_be_empty()
        expect(typing).to_be_empty(timeout=6_000)  # and a few seconds after the last keystroke

        live_time = live.locator("time").inner_text()
        iso = live.locator("time").get_attribute("datetime")
        berlin = reader.evaluate("""iso => new Intl.DateTimeFormat('de', {timeZone: 'Europe/Berlin',
            dateStyle: 'short', timeStyle: 'short'}).format(new Date(iso))""", iso)
        assert live_time == berlin, (live_time, berlin)
        reader.reload()
        reloaded = reader.locator("#room-messages li", has_text="Gleich kommt").locator("time")
        assert reloaded.inner_text() == live_time
    finally:
        writer_context.close()
        reader_context.close()
