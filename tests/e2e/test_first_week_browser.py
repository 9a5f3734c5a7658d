"""A municipal user's first week in Chromium: join the organisation from the register, contact a
partner from its page, and the start page after login."""
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
