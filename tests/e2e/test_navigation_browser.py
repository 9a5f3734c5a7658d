"""The header navigation people scan: one line of at most six entries at 1280 px even for an admin, its groups
open with the keyboard, the search form has a submit button, and on a phone the page starts in the first third.

The live server here runs as a public body's demo, so the official-website bar and the demo note, the
tallest header a deployment can have, are both on the page."""
import pytest
from playwright.sync_api import expect

from tests.e2e.test_rooms_browser import sign_in
from tests.live_server import LiveServer

ADMIN, ADMIN_PASSWORD = "nav-admin@example.org", "nav-admin-password-1"
SHOTS = "/tmp/nav-header-shots"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("live-nav")
    server = LiveServer(f"sqlite:///{directory / 'e2e.sqlite'}", directory,
                        env={"DEMO_MODE": "1", "OPERATOR_IS_PUBLIC_BODY": "1", "OPERATOR_NAME": "Stadt Musterstadt"})
    server.flask("db", "upgrade")
    server.flask("seed-demo", "--accounts-file", str(directory / "demo-accounts.txt"))
    server.flask("users", "create", "--email", ADMIN, "--password", ADMIN_PASSWORD, "--org-id", "1", "--role", "admin")
    server.start()
    yield server
    server.stop()


def top_entries(page):
    """The wide navigation row's own entries (not the links inside its groups), with their boxes."""
    return page.locator(".kn-nav__wide > li").evaluate_all(
        "items => items.map(item => ({text: item.querySelector(':scope > a, :scope > details > summary').textContent.trim(),"
        " top: item.getBoundingClientRect().top, visible: item.getBoundingClientRect().height > 0}))")


def test_an_admin_sees_at_most_six_entries_in_one_line_at_1280(page):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, ADMIN, ADMIN_PASSWORD)
    page.goto("/")
    entries = top_entries(page)
    page.screenshot(path=f"{SHOTS}/admin-1280.png")
    assert 1 < len(entries) <= 6, entries
    assert all(entry["visible"] for entry in entries), entries
    assert len({round(entry["top"]) for entry in entries}) == 1, f"the row wraps: {entries}"
    names = [entry["text"] for entry in entries]
    assert "Kompetenzzentrum" in names and "Verwaltung" in names, names
    # Every staff tool an admin had in the row before is still in the navigation, inside its group.
    staff = page.locator(".kn-nav__wide .kn-nav__group", has_text="Verwaltung")
    for label in ("Moderation", "Ausgehende E-Mails", "Konten", "Verifizierung"):
        expect(staff.get_by_role("link", name=label, include_hidden=True)).to_have_count(1)


def test_the_groups_open_and_close_with_the_keyboard(page):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, ADMIN, ADMIN_PASSWORD)
    page.goto("/")
    centre = page.locator(".kn-nav__wide .kn-nav__group", has_text="Kompetenzzentrum")
    trainings = centre.get_by_role("link", name="Schulungen")
    expect(trainings).to_be_hidden()
    centre.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(trainings).to_be_visible()
    page.screenshot(path=f"{SHOTS}/admin-1280-centre-open.png")
    for _ in range(10):  # Tab through the group's links until the trainings link has the focus
        page.keyboard.press("Tab")
        if trainings.evaluate("link => link === document.activeElement"):
            break
    else:
        raise AssertionError("the trainings link is not reachable with Tab")
    page.keyboard.press("Escape")
    expect(trainings).to_be_hidden()
    assert centre.locator("summary").evaluate("summary => summary === document.activeElement")
    # Opening one group closes the other.
    staff = page.locator(".kn-nav__wide .kn-nav__group", has_text="Verwaltung")
    centre.locator("summary").press("Enter")
    staff.locator("summary").focus()
    page.keyboard.press("Space")
    expect(staff.get_by_role("link", name="Moderation")).to_be_visible()
    expect(trainings).to_be_hidden()
    page.keyboard.press("Tab")  # the group's first link, the verification queue
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/organisations?verified=0")


def test_the_groups_work_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="de-DE", java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto("/")
        centre = page.locator(".kn-nav__wide .kn-nav__group", has_text="Kompetenzzentrum")
        centre.locator("summary").click()
        centre.get_by_role("link", name="Praxisbeispiele").click()
        page.wait_for_url("**/examples/")
    finally:
        context.close()


def test_the_search_form_has_a_labelled_submit_button(page):
    page.goto("/")
    button = page.locator("header form[role=search] button[type=submit]")
    expect(button).to_have_accessible_name("Suchen")
    page.fill("#nav-search", "Glasfaser")
    button.click()
    page.wait_for_url("**/search?q=Glasfaser")


@pytest.mark.parametrize("signed_in", [False, True], ids=["guest", "admin"])
def test_on_a_phone_the_content_starts_in_the_first_third(page, signed_in):
    page.set_viewport_size({"width": 390, "height": 844})
    if signed_in:
        sign_in(page, ADMIN, ADMIN_PASSWORD)
    page.goto("/")
    top = page.locator("main").evaluate("main => main.getBoundingClientRect().top")
    page.screenshot(path=f"{SHOTS}/phone-{'admin' if signed_in else 'guest'}.png")
    assert top < 844 / 3, f"main starts at {top}px"
    # The groups are in the phone menu too.
    page.locator(".kn-nav__menu > summary").click()
    page.locator(".kn-nav__menu summary", has_text="Kompetenzzentrum").click()
    expect(page.locator(".kn-nav__menu").get_by_role("link", name="Schulungen")).to_be_visible()
    page.screenshot(path=f"{SHOTS}/phone-{'admin' if signed_in else 'guest'}-menu.png")


def test_the_english_row_fits_one_line_too(page):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, ADMIN, ADMIN_PASSWORD)
    page.goto("/")
    page.locator("header").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.wait_for_load_state("load")  # the stylesheets and fonts, before anything is measured
    entries = top_entries(page)
    page.screenshot(path=f"{SHOTS}/admin-1280-en.png")
    assert len(entries) <= 6 and len({round(entry["top"]) for entry in entries}) == 1, entries
