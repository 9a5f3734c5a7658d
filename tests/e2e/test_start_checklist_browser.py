"""The start page's checklist in Chromium (#24): a new municipality sees its next steps in order and each is
ticked off once done; a new vendor sees its profile checklist, and the needs its offers could meet come before
it. Both are reminded to confirm their address, and the confirmation link from the outbox works."""
import re
import sqlite3

from tests.e2e.test_foundation_flow import PASSWORD, submit

MUNICIPAL_STEPS = ["Vervollständigen Sie Ihr Profil", "Digitalkompass ausfüllen", "Eine Erstberatung anfragen",
                   "Andere mit denselben Bedarfen finden"]
VENDOR_STEPS = ["Beschreiben Sie Ihr Unternehmen", "Geben Sie eine Website oder Kontaktadresse an",
                "Nennen Sie die Themen, in denen Sie arbeiten", "Veröffentlichen Sie Ihr erstes Angebot"]


def register(page, name: str, email: str, organisation: str, kind: str, org_type: str, land: str | None = "05"):
    page.goto("/register")
    page.fill("input[name=name]", name)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_confirmation]", PASSWORD)
    page.fill("input[name=organisation_name]", organisation)
    page.select_option("select[name=organisation_kind]", kind)
    page.select_option("select[name=organisation_type]", org_type)
    if land:
        page.select_option("select[name=organisation_land]", land)
    page.locator("form[action='/register'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))  # new accounts start on the start page (#24)


def steps(page, panel: str) -> list[tuple[str, bool]]:
    """The panel's steps as (label, done), in the order shown."""
    items = page.locator(f"section[aria-labelledby='panel-{panel}'] ol.kn-steps > li")
    return [(text.replace("✓", "").replace("(erledigt)", "").strip(),
             "kn-step-done" in (items.nth(i).get_attribute("class") or ""))
            for i, text in enumerate(items.all_inner_texts())]


def confirmation_link(live_server, email: str) -> str:
    with sqlite3.connect(live_server.data_dir / "e2e.sqlite") as connection:
        text = connection.execute("SELECT text FROM mail_outbox WHERE recipient = ? ORDER BY id DESC",
                                  (email,)).fetchone()[0]
    return re.search(r"https?://[^/\s]+(/confirm-email/\S+)", text).group(1)


def edit_profile(page, description: str = "", website: str = "", topics=()):
    page.goto(page.locator("section[aria-labelledby] ol.kn-steps a").first.get_attribute("href"))
    if description:
        page.fill("textarea[name=description]", description)
    if website:
        page.fill("input[name=website]", website)
    for topic in topics:
        page.locator(f"input[name=topics][value={topic}]").check()
    submit(page)


def test_a_new_municipality_sees_its_next_steps_in_order_and_each_is_ticked_off(page, live_server):
    register(page, "Mia Muster", "mia@gemeinde-start.example", "Gemeinde Startdorf", "municipality", "gemeinde")
    page.goto("/")
    assert steps(page, "next_steps") == [(label, False) for label in MUNICIPAL_STEPS]
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in page.locator("main").inner_text()

    edit_profile(page, "Wir digitalisieren das Bürgerbüro.", "https://startdorf.example", ["eakte"])
    page.goto("/")
    assert steps(page, "next_steps")[0] == (MUNICIPAL_STEPS[0], True)
    assert [done for _label, done in steps(page, "next_steps")[1:]] == [False, False, False]

    page.goto(confirmation_link(live_server, "mia@gemeinde-start.example"))
    page.get_by_role("button", name="Adresse bestätigen").click()
    page.wait_for_url(re.compile(r"/$"))
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" not in page.locator("main").inner_text()


def test_a_new_vendor_sees_the_needs_first_and_a_profile_checklist(page):
    register(page, "Veit Vendor", "veit@vendor-start.example", "Start Software GmbH", "company", "hersteller",
             land=None)
    page.goto("/")
    panels = page.locator("section.start-panel h2").all_inner_texts()
    assert "Checkliste für Ihr Profil" in panels
    assert steps(page, "profile_checklist") == [(label, False) for label in VENDOR_STEPS]
    assert not page.locator("section[aria-labelledby='panel-next_steps']").count()
    # The needs its offers could meet come first, once there are any (a new vendor has no offer yet).
    if "Bedarfe anderer, die Ihre Angebote decken könnten" in panels:
        needs = panels.index("Bedarfe anderer, die Ihre Angebote decken könnten")
        assert needs < panels.index("Checkliste für Ihr Profil")

    edit_profile(page, "Wir entwickeln Fachverfahren für Kommunen.", "https://start-software.example", ["eakte"])
    page.goto("/")
    assert steps(page, "profile_checklist") == [(VENDOR_STEPS[0], True), (VENDOR_STEPS[1], True),
                                                 (VENDOR_STEPS[2], True), (VENDOR_STEPS[3], False)]
