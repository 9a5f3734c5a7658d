"""The Digitalkompass in Chromium as a member of the demo Gemeinde: answer page by page, submit, see the
radar chart, adopt a proposed need and find suggestions for it; a Landkreis and a Gemeinde see different
questions (version 2: questions per org type) and answer "weiß nicht" and a target."""
import re

from tests.e2e.test_consultations_browser import REQUESTER, demo_password
from tests.e2e.test_forums_browser import open_as  # noqa: F401


def start_or_continue(page) -> None:
    page.goto("/digital-check/")
    start = page.get_by_role("button", name="Digitalkompass beginnen")
    if start.count():
        start.click()
    else:
        page.get_by_role("link", name="Digitalkompass fortsetzen").click()
    page.wait_for_url(re.compile(r"/digital-check/\d+/steps/1$"))


def test_answer_submit_see_the_chart_adopt_and_find_suggestions(open_as, live_server):  # noqa: F811
    page = open_as(REQUESTER, demo_password(live_server))
    start_or_continue(page)
    step = 1
    while page.get_by_role("button", name="Speichern und weiter").count():
        assert page.locator("progress").get_attribute("value") == str(step)
        for fieldset in page.locator("main form fieldset").all()[:-1]:  # the questions; the last is the priority
            fieldset.locator("input[type=radio]").first.check()  # level 0: "ausschließlich auf Papier" …
        page.locator("#priority-3").check()
        page.get_by_role("button", name="Speichern und weiter").click()
        step += 1
        page.wait_for_url(re.compile(rf"/steps/{step}$"))
    assert step == 11  # ten fields, then privacy and submission
    page.locator("#show_to_peers").check()
    page.get_by_role("button", name="Digitalkompass abschließen").click()
    page.wait_for_url(re.compile(r"/digital-check/\d+$"))

    radar = page.locator("svg.kn-dc-radar")
    assert radar.is_visible() and radar.locator("polygon.kn-dc-own").count() == 1
    assert page.locator("main table caption").count() >= 1
    assert "Ihre wichtigsten Handlungsfelder" in page.locator("main").inner_text()

    proposals = page.locator("#needs input[name=needs]")
    assert proposals.count() >= 1
    for index in range(1, proposals.count()):
        proposals.nth(index).uncheck()
    page.fill("#title-1", "Browsertest: Bauanträge digital annehmen")
    page.get_by_role("button", name="Gewählte Bedarfe übernehmen").click()
    adopted = page.locator("#needs a[href^='/needs/']", has_text="Browsertest: Bauanträge digital annehmen")
    assert adopted.count() == 1
    need_path = adopted.get_attribute("href")

    page.goto(need_path)
    assert "Übernommen aus dem Digitalkompass" in page.locator("main").inner_text()
    page.goto("/suggestions")
    need_id = need_path.rsplit("/", 1)[1]
    group = page.locator(f"article[aria-labelledby='need-{need_id}']")
    assert group.count() == 1
    assert group.locator("ul > li").count() >= 1  # offers or organisations with the same need


LABELS_INSIDE = """() => {
  const svg = document.querySelector('svg.kn-dc-radar').getBoundingClientRect();
  return [...document.querySelectorAll('svg.kn-dc-radar text.kn-dc-label')].map(label => {
    const box = label.getBoundingClientRect();
    return {text: label.textContent, inside: box.left >= svg.left - 1 && box.right <= svg.right + 1 &&
            box.top >= svg.top - 1 && box.bottom <= svg.bottom + 1 && box.left >= -1 &&
            box.right <= document.documentElement.clientWidth + 1};
  });
}"""


def test_radar_labels_are_never_clipped_at_any_width(open_as, live_server):  # noqa: F811
    """The demo Gemeinde's latest check at a phone's, a tablet's and a desktop's width: every label of the
    radar lies whole inside the drawing and the window, and the result offers a first consultation."""
    page = open_as(REQUESTER, demo_password(live_server))
    page.goto("/digital-check/")
    link = [href for href in page.locator("main a[href^='/digital-check/']").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))") if re.fullmatch(r"/digital-check/\d+", href)]
    assert link, "the demo Gemeinde has no submitted check"
    page.goto(link[0])
    for width in (320, 414, 768, 1024, 1440):
        page.set_viewport_size({"width": width, "height": 900})
        labels = page.evaluate(LABELS_INSIDE)
        assert labels and all(label["inside"] for label in labels), (width, labels)
        assert all("…" not in label["text"] for label in labels)
    assert page.get_by_role("link", name="Erstberatung anfragen").count() >= 1


def account_password(live_server, email: str) -> str:
    rows = (live_server.data_dir / "demo-accounts.txt").read_text().splitlines()[1:]
    return next(row.split()[1] for row in rows if row.split() and row.split()[0] == email)


def raum_step(page) -> str:
    """Open the step "Mobilität, Wärme und Planung" from the task list; its questions' text."""
    page.get_by_role("link", name="Mobilität, Wärme und Planung").first.click()
    page.wait_for_url(re.compile(r"/steps/\d+$"))
    return page.locator("main form").inner_text()


def test_a_landkreis_and_a_gemeinde_see_their_own_questions(open_as, live_server):  # noqa: F811
    district = open_as("landkreis.admin@demo.example.org",
                       account_password(live_server, "landkreis.admin@demo.example.org"))
    start_or_continue(district)
    first = district.locator("main form").inner_text()
    assert "Wie kommen Bauanträge bei Ihnen an?" in first  # the lower building authority
    assert "Quellen zu dieser Frage" in first
    text = raum_step(district)
    assert "Aufgabenträger des ÖPNV" in text and "Wärmeplanung" not in text
    # Answer the page: "weiß nicht" for the first question, level 3 for the others, a target of level 4.
    fieldsets = district.locator("main form fieldset").all()[:-1]
    fieldsets[0].get_by_label("Weiß nicht (zählt als Stufe 0)").check()
    for fieldset in fieldsets[1:]:
        fieldset.locator("input[type=radio]").nth(3).check()
    district.get_by_label("Ziel: Welche Stufe wollen Sie in zwei bis drei Jahren erreichen?").select_option("4")
    district.get_by_role("button", name="Entwurf speichern").click()
    district.wait_for_url(re.compile(r"/steps/\d+$"))
    assert district.get_by_label("Weiß nicht (zählt als Stufe 0)").first.is_checked()
    assert district.get_by_label("Ziel: Welche Stufe wollen Sie in zwei bis drei Jahren erreichen?").input_value() == "4"

    gemeinde = open_as(REQUESTER, demo_password(live_server))
    start_or_continue(gemeinde)
    assert "Wie kommen Bauanträge bei Ihnen an?" not in gemeinde.locator("main form").inner_text()
    text = raum_step(gemeinde)
    assert "Wärmeplanung" in text and "Aufgabenträger des ÖPNV" not in text
