"""Forums in the browser: a reply appears live on another reader's thread page, and a reported post is
hidden by a moderator from the review queue, with the statement of reasons and the log entry; a member
suspended while a page is open sees it turn into the reason and end date.

The UI runs in German; steps select by markup, checks read the contributions' own words.
"""
import re
import sqlite3
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.test_rooms_browser import sign_in

THREAD_LINK = re.compile(r"^/forums/threads/\d+$")
MODERATOR, MODERATOR_PASSWORD = "e2e.moderator@kommunalnetz.example", "Moderation-im-Test-2024"


@pytest.fixture(scope="module")
def accounts(live_server):
    """Three demo members (email, password) and a global moderator made with the CLI."""
    rows = (live_server.data_dir / "demo-accounts.txt").read_text().splitlines()[1:]
    members = [row.split()[:2] for row in rows if len(row.split()) > 2 and row.split()[2] == "member"]
    live_server.flask("users", "create", "--email", MODERATOR, "--password", MODERATOR_PASSWORD, "--org-id", "1",
                      "--role", "moderator")
    return {"members": members[:3], "moderator": (MODERATOR, MODERATOR_PASSWORD)}


@pytest.fixture
def open_as(browser, live_server):
    """Pages of signed-in people, each in a browser context of its own."""
    contexts = []

    def open_page(email: str, password: str):
        context = browser.new_context(base_url=live_server.url, locale="de-DE")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, email, password)
        return page

    yield open_page
    for context in contexts:
        context.close()


def first_thread(page) -> str:
    page.goto("/forums/")
    page.locator("main a[href^='/forums/']").first.click()
    links = [href for href in page.locator("main a[href^='/forums/threads/']").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))") if THREAD_LINK.match(href)]
    assert links, "no thread listed in the first forum"
    return links[0]


def reply(page, body: str) -> str:
    """Reply through the thread page's form; the id of the new post's element."""
    page.fill("#reply textarea[name=body]", body)
    page.locator("#reply button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"#post-\d+$"))
    return urlsplit(page.url).fragment


def test_a_reply_appears_live_on_the_other_readers_page(open_as, accounts):
    (writer_email, password), (reader_email, _), _ = accounts["members"]
    writer, reader = open_as(writer_email, password), open_as(reader_email, password)
    thread = first_thread(writer)
    writer.goto(thread)
    reader.goto(thread)
    expect(reader.locator("#forum-posts")).to_have_attribute("data-live", "1")
    reader.evaluate("window.stillTheSamePage = true")

    post_id = reply(writer, "Live im Forum angekommen")

    expect(reader.locator(f"#{post_id}")).to_contain_text("Live im Forum angekommen")
    assert reader.evaluate("window.stillTheSamePage === true"), "the reader's page was reloaded"


def test_a_reported_post_is_hidden_by_a_moderator_and_the_author_is_told_why(open_as, accounts):
    (author_email, password), (reporter_email, _), _ = accounts["members"]
    author = open_as(author_email, password)
    thread = first_thread(author)
    author.goto(thread)
    post_id = reply(author, "Günstige Uhren unter uhren-angebot.example")
    expect(author.locator(f"#{post_id} a[href^='/report/']")).to_have_count(0)  # not one's own
    unread = int(author.locator("#notification-count").text_content())

    reporter = open_as(reporter_email, password)
    reporter.goto(thread)
    reporter.locator(f"#{post_id} a[href^='/report/post/']").click()
    reporter.select_option("select[name=reason]", "spam")
    reporter.fill("textarea[name=text]", "Werbung für Uhren")
    reporter.locator("main form[method=post] button[type=submit]").click()
    expect(reporter.locator("main .kern-alert--success")).to_be_visible()

    moderator = open_as(*accounts["moderator"])
    moderator.goto("/moderation/queue")
    entry = moderator.locator("main li.kn-queue-entry").filter(has_text="Günstige Uhren unter uhren-angebot.example")
    expect(entry).to_contain_text("Werbung für Uhren")  # the report, with its reason and words
    expect(entry.locator(f"a[href='{thread}#{post_id}']")).to_be_visible()  # where it was written
    hide = entry.locator("form:has(input[name=action][value=hide])")
    hide.locator("input[name=reason]").fill("Werbung ist im Forum nicht erlaubt")
    hide.locator("button[type=submit]").click()
    expect(moderator.locator("main .kern-alert--success")).to_be_visible()
    expect(moderator.locator("main")).not_to_contain_text("Günstige Uhren unter uhren-angebot.example")

    reporter.goto(thread)
    expect(reporter.locator("#forum-posts")).to_be_visible()
    placeholder = reporter.locator(f"#{post_id}")  # readers see where and why, never the text (#17)
    expect(placeholder).to_contain_text("Beitrag ausgeblendet: Werbung ist im Forum nicht erlaubt")
    expect(placeholder).not_to_contain_text("Günstige Uhren")

    expect(author.locator("#notification-count")).to_have_text(str(unread + 1))  # told live, on the open page
    author.goto("/notifications")
    expect(author.locator("main")).to_contain_text("Werbung ist im Forum nicht erlaubt")
    author.goto("/account/sanctions")
    decision = author.locator("main li").filter(has_text="Werbung ist im Forum nicht erlaubt")
    expect(decision.locator("textarea[name=text]")).to_be_visible()  # the way to appeal

    moderator.goto("/moderation/log?action=hide")
    expect(moderator.locator("main table")).to_contain_text("Werbung ist im Forum nicht erlaubt")


def test_a_suspended_members_open_page_turns_into_the_reason_and_end_date(open_as, accounts, live_server):
    _, _, (member_email, password) = accounts["members"]
    with sqlite3.connect(live_server.data_dir / "e2e.sqlite") as database:
        [(member_id,)] = database.execute('SELECT id FROM "user" WHERE email = ?', (member_email,)).fetchall()
    member = open_as(member_email, password)
    member.goto("/forums/")
    member.wait_for_function("() => window.kommunalnetz && window.kommunalnetz.socket.connected")

    moderator = open_as(*accounts["moderator"])
    moderator.goto(f"/moderation/users/{member_id}/sanction")
    moderator.select_option("select[name=kind]", "suspend")
    moderator.fill("textarea[name=reason]", "Wiederholt beleidigende Beiträge")
    moderator.fill("input[name=days]", "3")
    moderator.locator("main form[method=post] button[type=submit]").click()
    expect(moderator.locator("main .kern-alert--success")).to_be_visible()

    expect(member.locator("main")).to_contain_text("Wiederholt beleidigende Beiträge")  # reloaded by the socket
    expect(member.locator("main .kern-body--large")).to_contain_text(re.compile(r"\d{2}\.\d{2}\.\d{2}"))  # until when
    # The new page's socket was refused (a refusal ends the client's attempts) and did not connect.
    member.wait_for_function("() => window.kommunalnetz && !window.kommunalnetz.socket.active")
    assert member.evaluate("() => window.kommunalnetz.socket.connected") is False
