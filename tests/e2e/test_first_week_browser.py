"""A municipal user's first week in Chromium: join the organisation from the register, contact a
partner from its page, the start page after login, the legal pages from the footer, a search
filtered by Land and type, and companies in Bayern (the room's clock and typing notice are in
test_rooms_browser.py)."""
import re

from tests.e2e.test_forums_browser import accounts, open_as  # noqa: F401  (fixtures)

PASSWORD = "Erste-Woche-2026"


def test_registration_finds_the_organisation_and_asks_to_join(page):
    page.goto("/register")
    page.get_by_label("Name, amtlicher Schlüssel (AGS) oder Postleitzahl").fill("Gemeinde")
    page.get_by_role("button", name="Meine Organisation suchen").click()
    page.locator("main a[href^='/register/join/']").first.click()
    page.get_by_label("Ihr Name").fill("Erna Erstwoche")
    page.get_by_label("E-Mail-Adresse").fill("erna.erstwoche@example.org")
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_label("Passwort wiederholen").fill(PASSWORD)
    page.get_by_label("Ihre Funktion in dieser Organisation").fill("Leitung Hauptamt")
    page.get_by_role("button", name="Um Beitritt bitten").click()
    page.wait_for_url(re.compile(r"/join-requests/mine$"))
    assert "Anfrage zurückziehen" in page.content()


def test_contact_from_an_organisation_page(open_as, accounts):  # noqa: F811
    member = open_as(*accounts["members"][0])
    member.goto("/account/")
    own = member.locator("main a[href^='/organisations/']").first.get_attribute("href")
    other = "/organisations/2" if own != "/organisations/2" else "/organisations/3"
    member.goto(other)
    member.locator("main a.contact-link").first.click()
    member.wait_for_url(re.compile(r"/contacts/new\?to=\d+"))
    assert member.locator("textarea[name='message']").is_visible()


def test_the_start_page_greets_a_signed_in_member(open_as, accounts):  # noqa: F811
    member = open_as(*accounts["members"][0])
    member.goto("/")
    assert member.locator("h1").inner_text().startswith("Willkommen")


def test_the_legal_pages_are_one_click_away_in_the_footer(page):
    page.goto("/login")
    for link, heading, expected in (("Impressum", "Impressum", "Angaben gemäß § 5 DDG"),
                                    ("Datenschutz", "Datenschutz", "Verantwortlicher"),
                                    ("Erklärung zur Barrierefreiheit", "Erklärung zur Barrierefreiheit",
                                     "Schlichtungsverfahren")):
        page.locator("footer").get_by_role("link", name=link).click()
        assert page.locator("h1").inner_text() == heading
        assert expected in page.locator("main").inner_text()


def test_search_filters_by_land_and_type_and_names_a_true_total(page):
    page.goto("/search?q=Portal")  # Bavarian vendors of the demo offer portals, as do others
    page.get_by_label("Typ", exact=True).select_option("offer")
    page.get_by_label("Land", exact=True).select_option("09")
    page.locator("main form[role=search] button[type=submit]").click()
    page.wait_for_url(re.compile(r"land=09"))
    status = page.locator("main p[role=status]").first.inner_text()
    assert re.match(r"^(Mehr als )?[\d.]+ Ergebnis", status), status
    assert page.locator("ol.search-results > li").count() > 0


def test_a_bavarian_member_finds_companies_in_bayern(page):
    page.goto("/organisations?kind=company&land=09")
    rows = page.locator("main table tbody tr")
    assert rows.count() > 0
    assert all("Bayern" in row for row in rows.all_inner_texts())
