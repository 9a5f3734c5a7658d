"""The translation catalogues: German is complete and correct, pages follow the chosen language.

The catalogue checks read files only (no app, no database); the page checks run on both databases
with `german_client`, which has the production default locale (TestConfig reads English ids).
When a check of the German catalogue fails, run `make translations` and translate the listed ids in
community/translations/de/LC_MESSAGES/messages.po (see docs/translations.md).
"""
import re
from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from tests.factories import make_need, make_org

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "community" / "translations"
LOCALES = ("de", "en")
# %(name)s with optional flags, width and precision ("%(seconds).1f"), and the escaped "%%".
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%%")
MARKUP = re.compile(r"<[^>]*>")


def catalogue(locale: str):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=locale)


def translated(message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(strings) and not message.fuzzy


def pairs(message):
    """(English, German) text pairs of a message: one, or singular and plural."""
    if isinstance(message.id, (list, tuple)):
        return list(zip(message.id, message.string))
    return [(message.id, message.string)]


@pytest.fixture(scope="module")
def source_ids() -> set:
    """Every message id in the code and templates now, extracted with the project's babel.cfg."""
    with open(ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(ROOT, method_map, options_map):
        msgid = message[0] if isinstance(message, (list, tuple)) else message
        found.add((msgid, context))
    return found


@pytest.fixture(scope="module")
def german():
    return catalogue("de")


def test_every_message_id_has_a_german_translation(source_ids, german):
    missing = sorted(
        msgid for msgid, context in source_ids
        if (message := german.get(msgid, context)) is None or not translated(message)
    )
    assert not missing, (
        f"{len(missing)} message ids have no (or only a fuzzy) German translation; run `make translations` "
        "and translate them in community/translations/de/LC_MESSAGES/messages.po:\n"
        + "\n".join(f"  {msgid!r}" for msgid in missing)
    )


def test_german_translations_keep_the_placeholders_of_their_id(german):
    broken = [
        f"  {english!r} -> {text!r}"
        for message in german if message.id and translated(message)
        for english, text in pairs(message)
        if sorted(PLACEHOLDER.findall(english)) != sorted(PLACEHOLDER.findall(text))
    ]
    assert not broken, "German translations with other placeholders than their id:\n" + "\n".join(broken)


def test_german_translations_add_no_markup(german):
    broken = [
        f"  {english!r} -> {text!r}"
        for message in german if message.id and translated(message)
        for english, text in pairs(message)
        if MARKUP.findall(english) != MARKUP.findall(text)
    ]
    assert not broken, "German translations whose markup differs from their id:\n" + "\n".join(broken)


def compiled_texts(mo_file) -> dict:
    """{(id, context): translation} of a compiled catalogue's messages (not its header); plurals as tuples."""
    def as_tuple(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    return {
        (as_tuple(message.id), message.context): as_tuple(message.string)
        for message in read_mo(mo_file) if message.id
    }


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogue_matches_its_po_file(locale):
    fresh = BytesIO()
    write_mo(fresh, catalogue(locale))  # what `pybabel compile` writes
    fresh.seek(0)
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo", "rb") as mo:
        committed = compiled_texts(mo)
    expected = compiled_texts(fresh)

    stale = sorted(str(key[0]) for key in expected.keys() | committed.keys() if expected.get(key) != committed.get(key))
    assert not stale, (
        f"{locale}/messages.mo is out of date with messages.po; run `make translations`. Differing ids:\n"
        + "\n".join(f"  {msgid}" for msgid in stale)
    )


PAGES = [
    # path, German text, English text
    ("/", "Anmelden", "Log in"),
    ("/", "Verzeichnis", "Directory"),
    ("/login", "Passwort vergessen?", "Forgot your password?"),
    ("/organisations", "Verzeichnis der Organisationen", "Directory of organisations"),
    ("/organisations", "IT-Sicherheit", "IT security"),  # a lazy taxonomy label in the topic filter
]


@pytest.mark.parametrize("path, german_text, english_text", PAGES)
def test_pages_render_in_german_by_default(german_client, path, german_text, english_text):
    page = german_client.get(path).get_data(as_text=True)

    assert '<html lang="de">' in page
    assert german_text in page
    assert english_text not in page


@pytest.mark.parametrize("path, german_text, english_text", PAGES)
def test_pages_render_in_english_after_switching_the_language(german_client, path, german_text, english_text):
    german_client.post("/language/en")

    page = german_client.get(path).get_data(as_text=True)

    assert '<html lang="en">' in page
    assert english_text in page
    assert german_text not in page


@pytest.mark.parametrize("locale, shown", [("de", "25.11.2026"), ("en", "Nov 25, 2026")])
def test_dates_follow_the_locale(german_client, locale, shown):
    need = make_need(make_org(), updated_at=datetime(2026, 11, 25, 12, 0))
    german_client.post(f"/language/{locale}")

    page = german_client.get(f"/needs/{need.id}").get_data(as_text=True)

    assert shown in page


def test_a_language_chosen_before_signing_in_becomes_the_accounts(german_client):
    from community.extensions import db
    from tests.factories import login, make_org, make_user

    newcomer, settled = make_user(make_org()), make_user(make_org(), locale="de")
    for user in (newcomer, settled):
        german_client.post("/logout")
        german_client.post("/language/en", data={"next": "/"})
        login(german_client, user)
    db.session.expire_all()
    assert (newcomer.locale, settled.locale) == ("en", "de")


def test_a_language_chosen_before_registering_becomes_the_accounts(german_client):
    from community.auth.models import User
    from community.extensions import db

    german_client.post("/language/en", data={"next": "/"})
    response = german_client.post("/register", data={
        "name": "Erika Neu", "email": "erika@example.org", "password": "Ein-sicheres-Passwort-1",
        "password_confirmation": "Ein-sicheres-Passwort-1", "organisation_name": "Gemeinde Neuhausen",
        "organisation_kind": "municipality", "organisation_type": "gemeinde", "organisation_land": "09"})
    assert response.status_code == 302
    assert db.session.scalars(db.select(User.locale).filter_by(email="erika@example.org")).one() == "en"
