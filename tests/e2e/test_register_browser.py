"""Registering an organisation that exists already: by its name in its Land, by its AGS and by its
postcode the form offers to join it instead, and creates nothing."""
import re

PASSWORD = "Register-2026-Bamberg"


def fill_person(page):
    page.get_by_label("Ihr Name").fill("Rita Register")
    page.get_by_label("E-Mail-Adresse").fill("rita.register@example.org")
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_label("Passwort wiederholen").fill(PASSWORD)


def offered(page) -> list[str]:
    page.locator(".join-offers").wait_for()
    return page.locator(".join-offers a[href^='/register/join/']").all_inner_texts()


def test_an_existing_name_ags_and_postcode_each_offer_to_join(page):
    page.goto("/register")
    fill_person(page)
    page.get_by_label("Name Ihrer Organisation").fill("Stadt Bamberg")
    page.select_option("#organisation_kind", "municipality")
    page.select_option("#organisation_type", "kreisfreie_stadt")
    page.select_option("#organisation_land", "09")
    page.get_by_role("button", name="Registrieren").click()
    assert "Stadt Bamberg beitreten" in offered(page)

    # The type list offers only the types of the chosen kind.
    assert page.locator("#organisation_type option[data-kind='company']").first.is_hidden()

    fill_person(page)
    page.get_by_label("Name Ihrer Organisation").fill("Digitalbüro Oberfranken")
    page.get_by_label("Amtlicher Schlüssel (AGS oder ARS), falls vorhanden").fill("09461000")
    page.get_by_role("button", name="Registrieren").click()
    assert "Stadt Bamberg beitreten" in offered(page)
    assert "Stadt Bamberg hat diesen amtlichen Schlüssel bereits" in page.content()

    fill_person(page)
    page.get_by_label("Amtlicher Schlüssel (AGS oder ARS), falls vorhanden").fill("")
    page.get_by_label("Postleitzahl", exact=True).fill("96031")
    page.get_by_role("button", name="Registrieren").click()
    assert "Stadt Bamberg beitreten" in offered(page)

    page.get_by_role("link", name="Stadt Bamberg beitreten").click()
    page.wait_for_url(re.compile(r"/register/join/\d+$"))
    assert page.get_by_label("Ihre Funktion in dieser Organisation").is_visible()
