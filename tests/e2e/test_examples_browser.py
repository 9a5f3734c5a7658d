"""A good example from submission through review to re-use, each person in a browser of their own: the
demo Gemeinde's admin writes it, a demo consultant returns it and then publishes the edit, a member of
the demo Landkreis finds it, finds it helpful, asks a question and sends a "Nachnutzen" request, which
the Gemeinde accepts through the double opt-in contact requests."""
from tests.e2e.test_consultations_browser import CONSULTANT, REQUESTER as AUTHOR, demo_password
from tests.e2e.test_forums_browser import open_as  # noqa: F401

READER = "landkreis.mitglied@demo.example.org"
TITLE = "Browsertest: Sperrmüll online anmelden"


def test_an_example_from_submission_through_review_to_re_use(open_as, live_server):  # noqa: F811
    password = demo_password(live_server)
    author, consultant, reader = open_as(AUTHOR, password), open_as(CONSULTANT, password), open_as(READER, password)

    author.goto("/examples/new")
    author.fill("#title", TITLE)
    author.fill("#summary", "Sperrmülltermine werden online gebucht.")
    author.fill("#problem", "Anmeldungen kamen per Telefon, Termine wurden auf Zetteln notiert.")
    author.fill("#solution", "Ein Online-Formular mit **Terminwahl** und Anbindung an die Tourenplanung.")
    author.check("#topic-ozg")
    author.select_option("#project_status", "completed")
    author.locator("main form button[value=submit]").click()
    author.wait_for_url("**/examples/*")
    example_path = "/" + author.url.split("/", 3)[3]
    assert "in Prüfung" in author.locator("main").inner_text()

    reader.goto(example_path)
    assert TITLE not in reader.content()  # nothing unreviewed is shown

    consultant.goto("/examples/review")
    consultant.locator(f"main a[href='{example_path}/review']").click()
    consultant.check("#decision-return")
    consultant.fill("#reason", "Bitte nennen Sie Zahlen zu den Ergebnissen.")
    consultant.locator("main form button[type=submit]").click()
    consultant.wait_for_url("**/examples/review")

    author.goto(example_path)
    assert "Bitte nennen Sie Zahlen" in author.locator("main").inner_text()
    author.goto(f"{example_path}/edit")
    author.fill("#results", "Die Hotline bekommt 60 % weniger Anrufe.")
    author.locator("main form button[value=submit]").click()
    author.wait_for_url(f"**{example_path}")

    consultant.goto(f"{example_path}/review")
    consultant.check("#decision-publish")
    consultant.locator("main form button[type=submit]").click()
    consultant.wait_for_url("**/examples/review")

    reader.goto("/examples/?q=Sperrmüll")
    reader.locator(f"main a[href='{example_path}']").click()
    assert "60 % weniger Anrufe" in reader.locator("main").inner_text()
    assert reader.locator("main strong", has_text="Terminwahl").count() == 1  # Markdown, rendered
    reader.locator(f"form[action='{example_path}/helpful'] button").click()
    assert "1 Person fand das hilfreich" in reader.locator("main").inner_text()
    reader.locator("summary", has_text="Nachnutzen").click()
    reader.fill("#interest-message", "Wir möchten Ihr Formular gern nachnutzen.")
    reader.locator(f"form[action='{example_path}/interest'] button[type=submit]").click()
    reader.wait_for_url("**/contacts*")
    assert "Wir möchten Ihr Formular gern nachnutzen." in reader.locator("main").inner_text()

    author.goto("/contacts?direction=incoming")
    request = author.locator("main li", has_text="Wir möchten Ihr Formular gern nachnutzen.")
    request.locator("button", has_text="Annehmen").click()
    reader.goto("/contacts?direction=outgoing")
    assert "angenommen" in reader.locator("main li", has_text="nachnutzen").first.inner_text()

    reader.goto(example_path)
    reader.locator(f"main a[href='{example_path}/thread']").click()  # a form: nothing is published yet (#24)
    reader.fill("#question", "Wie lange hat die Einführung gedauert?")
    reader.locator(f"form[action='{example_path}/thread'] button[type=submit]").click()
    reader.wait_for_url("**/forums/threads/*")
    assert TITLE in reader.locator("h1").inner_text()
    assert "Wie lange hat die Einführung gedauert?" in reader.locator("main").inner_text()
