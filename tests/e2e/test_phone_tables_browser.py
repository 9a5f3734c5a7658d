"""On a phone (390 px) wide tables scroll inside their own labelled box with a visible hint, and the page
itself never scrolls sideways: the Digital-Check comparison, the consultation desk and the insights tables
(#24). Topic chips look like chips, not like input fields."""
import re

import pytest

from tests.e2e.test_forums_browser import open_as  # noqa: F401  (fixture)
from tests.e2e.test_consultations_browser import CONSULTANT, REQUESTER, demo_password

PHONE = {"width": 390, "height": 844}
ADMIN, ADMIN_PASSWORD = "tables-admin@example.org", "tables-admin-password-1"


@pytest.fixture(scope="module")
def admin(live_server):
    live_server.flask("users", "create", "--email", ADMIN, "--password", ADMIN_PASSWORD, "--org-id", "1",
                      "--role", "admin")
    return ADMIN, ADMIN_PASSWORD


def check_tables(page) -> int:
    """Every table box on the page: a focusable, labelled region; the page no wider than the screen; where a
    table is wider than its box, the hint above it is shown. Returns how many tables overflow."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
    boxes = page.locator("main .kn-table-scroll")
    assert boxes.count() > 0, "no table on the page"
    overflowing = 0
    for i in range(boxes.count()):
        box = boxes.nth(i)
        assert box.get_attribute("role") == "region" and box.get_attribute("aria-label")
        assert box.get_attribute("tabindex") == "0"
        if box.evaluate("element => element.scrollWidth > element.clientWidth + 1"):
            overflowing += 1
            hint = box.locator("xpath=preceding-sibling::p[contains(@class, 'kn-table-hint')][1]")
            assert hint.is_visible(), "a table wider than the screen without a hint"
            assert box.evaluate("element => getComputedStyle(element).overflowX") in ("auto", "scroll")
            box.focus()
            page.keyboard.press("ArrowRight")
            page.wait_for_function("element => element.scrollLeft > 0", arg=box.element_handle())
    return overflowing


def test_wide_tables_scroll_in_their_own_box_on_a_phone(open_as, live_server, admin):  # noqa: F811
    password = demo_password(live_server)
    member = open_as(REQUESTER, password)
    member.set_viewport_size(PHONE)
    member.goto("/digital-check/")
    results = [href for href in member.locator("main a[href^='/digital-check/']").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))") if re.fullmatch(r"/digital-check/\d+", href)]
    assert results, "the demo municipality has no submitted Digital-Check"
    member.goto(results[0])
    assert check_tables(member) >= 1  # the comparison with peers

    consultant = open_as(CONSULTANT, password)
    consultant.set_viewport_size(PHONE)
    consultant.goto("/consultations/")
    assert check_tables(consultant) >= 1

    boss = open_as(*admin)
    boss.set_viewport_size(PHONE)
    boss.goto("/insights/")
    boss.locator("main details.insights-data > summary").evaluate_all("summaries => summaries.forEach(s => s.click())")
    check_tables(boss)  # the tables wait behind disclosures (#26): opened as a reader opens them
    boss.set_viewport_size({"width": 1280, "height": 800})
    assert not boss.locator("main .kn-table-hint").first.is_visible()  # the hint is for small screens


def test_topic_chips_do_not_look_like_input_fields(page):
    page.goto("/")
    chip = page.locator("main .kn-tag").first
    chip.wait_for()
    page.goto("/login")
    field_radius = page.locator("main input[name=email]").evaluate(
        "e => parseFloat(getComputedStyle(e).borderTopLeftRadius)")
    page.goto("/")
    style = page.locator("main .kn-tag").first.evaluate(
        "e => { const s = getComputedStyle(e); return {radius: parseFloat(s.borderTopLeftRadius),"
        " height: e.getBoundingClientRect().height, background: s.backgroundColor,"
        " border: s.borderTopColor} }")
    assert style["radius"] >= style["height"] / 2 - 1 > field_radius  # a pill, not a field's corner
    assert style["background"] not in ("rgba(0, 0, 0, 0)", "transparent", "rgb(255, 255, 255)")
    assert style["border"] in ("rgba(0, 0, 0, 0)", "transparent")
