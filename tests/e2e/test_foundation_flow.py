"""A new municipality in the browser: register, log in, edit the profile, add a need, find it in the directory.

The UI runs in German (the default); the steps select fields by name, not by label, so the test
reads the same in both languages. Set UPDATE_SCREENSHOT=1 to refresh the README's screenshot.
"""
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import expect

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"
PASSWORD = "Ein-sicheres-Passwort-42"


def submit(page, method: str = "post"):
    page.locator(f"main form[method={method}] button[type=submit]").first.click()


def register(page, name: str, email: str, organisation: str):
    page.goto("/register")
    page.fill("input[name=name]", name)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_confirmation]", PASSWORD)
    page.fill("input[name=organisation_name]", organisation)
    page.select_option("select[name=organisation_kind]", "municipality")
    page.select_option("select[name=organisation_type]", "gemeinde")
    page.select_option("select[name=organisation_land]", "05")
    page.locator("form[action='/register'] button[type=submit]").click()


def test_register_login_edit_profile_add_need_find_in_directory(page):
    register(page, "Petra Beispiel", "petra@gemeinde-am-see.example", "Gemeinde Am See")
    expect(page.locator("header")).to_contain_text("Petra Beispiel")

    page.locator("header form[action='/logout'] button").click()
    expect(page.locator("header")).not_to_contain_text("Petra Beispiel")

    page.goto("/login")
    page.fill("input[name=email]", "petra@gemeinde-am-see.example")
    page.fill("input[name=password]", PASSWORD)
    submit(page)
    expect(page.locator("header")).to_contain_text("Petra Beispiel")

    page.get_by_role("link", name="Meine Organisation").click()
    org_url = page.url
    org_path = urlsplit(org_url).path
    page.locator(f"a[href='{org_path}/edit']").click()
    page.fill("textarea[name=description]", "Wir digitalisieren unser Bürgerbüro und suchen Partner für die E-Akte.")
    page.locator("input[name=topics][value=eakte]").check()
    page.locator("input[name=topics][value=ozg]").check()
    submit(page)
    expect(page.locator("main")).to_contain_text("Wir digitalisieren unser Bürgerbüro")

    page.locator(f"a[href='{org_path}/needs/new']").first.click()
    page.fill("input[name=title]", "Elektronische Akte im Bauamt einführen")
    page.fill("textarea[name=body]", "Wir suchen Erfahrungen mit dem Dokumentenmanagement im Bauamt.")
    submit(page)
    page.goto(org_url)
    expect(page.locator("main")).to_contain_text("Elektronische Akte im Bauamt einführen")

    page.goto("/organisations")
    page.fill("main input[name=q]", "Am See")
    submit(page, "get")
    expect(page).to_have_url(re.compile(r"q=Am\+See"))
    result = page.get_by_role("link", name="Gemeinde Am See")
    expect(result).to_be_visible()

    if os.environ.get("UPDATE_SCREENSHOT") == "1":
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto("/organisations")
        page.screenshot(path=str(SCREENSHOT))


def test_pages_have_labelled_fields_and_a_skip_link(page):
    for path in ("/", "/register", "/login", "/organisations"):
        page.goto(path)
        expect(page.locator("a.kn-skip-link")).to_have_attribute("href", "#main")
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')]
                   .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
                   .map(el => el.name)"""
        )
        assert unlabelled == [], f"{path}: fields without a label: {unlabelled}"
