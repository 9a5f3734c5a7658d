"""Live matches come from what a room talks about, never from small talk or a shared fragment (#27).

A small directory whose names and texts contain the words of arranging a meeting ("Donnersbergkreis",
"Stadt Trier", a vendor whose text says "rund um die Uhr"), and a partner room: 32 small-talk messages
get no match; 12 substantive ones each get the organisation that fits, with the words that matched.
"""
import pytest

from community.extensions import db
from community.rooms import live
from community.rooms.models import Message
from community.rooms.substance import substance
from community.search.words import QueryWords
from community.suggestions import engine
from tests.factories import make_need, make_offer, make_org, make_room, make_user

SMALL_TALK = [
    "passt Ihnen Donnerstag 10 Uhr?",
    "Hallo zusammen!",
    "Guten Morgen, liebe Kolleginnen und Kollegen",
    "Vielen Dank für die schnelle Antwort.",
    "Ja, das passt mir gut.",
    "Können wir uns nächste Woche treffen?",
    "Montag um 14:30 wäre perfekt.",
    "Super, dann bis morgen!",
    "Ich melde mich später noch mal.",
    "Okay, alles klar.",
    "Danke, gerne.",
    "Schönes Wochenende!",
    "Leider klappt es bei mir am Freitag nicht.",
    "Wie wäre es mit Mittwoch, 9 Uhr?",
    "Einverstanden, ich schicke eine Einladung.",
    "Sorry für die Verspätung.",
    "Bis gleich im Call.",
    "Prima, vielen Dank!",
    "Entschuldigung, ich bin gleich zurück.",
    "Können Sie mich kurz anrufen?",
    "Herzliche Grüße",
    "Viele Grüße und bis bald",
    "Das klingt gut, machen wir so.",
    "Ich bin ab 8 Uhr im Büro.",
    "Genau, richtig.",
    "Moin!",
    "Hello everyone, thanks!",
    "Let's meet on Thursday at 10.",
    "Gute Idee!",
    "Nein, heute nicht mehr.",
    "Stimmt, sehe ich auch so.",
    "Bis Dienstag dann!",
]

SUBSTANCE = [  # (message, the organisation that fits, a word that must be among the reasons)
    ("Wir suchen Erfahrungen mit der elektronischen Akte im Bauamt.", "Akten Digital GmbH", "Akte"),
    ("Wer hat schon einen Open-Data-Portal aufgebaut?", "Stadt Offenburg", "Portal"),
    ("Unsere Kita-Anmeldung läuft noch auf Papier.", "Kitaplaner AG", "Kita"),
    ("Wir brauchen Ladesäulen auf dem Rathausplatz.", "Ladepunkt Kommunal GmbH", "Ladesäulen"),
    ("Die Informationssicherheit nach BSI-Grundschutz ist unser Thema.", "Sicher im Netz GmbH", "Informationssicherheit"),
    ("Wie digitalisiert ihr die Bauakten?", "Akten Digital GmbH", "Bauakten"),
    ("Wir planen ein Bürgerportal für Online-Anträge.", "Stadt Offenburg", "Bürgerportal"),
    ("Die Kita-Platzvergabe soll online gehen.", "Kitaplaner AG", "Kita"),
    ("Wer kennt sich mit Ladeinfrastruktur für E-Autos aus?", "Ladepunkt Kommunal GmbH", "Ladeinfrastruktur"),
    ("Hat jemand ein Konzept für Notfallmanagement bei IT-Ausfall?", "Sicher im Netz GmbH", "Notfallmanagement"),
    ("Wir wollen unsere Akten scannen lassen.", "Akten Digital GmbH", "Akten"),
    ("Open Data: welche Datensätze veröffentlicht ihr?", "Stadt Offenburg", "Data"),
]


@pytest.fixture
def directory(app):
    make_org(name="Donnersbergkreis", land="07")
    make_org(name="Stadt Trier", land="07", description="Die Stadt Trier passt ihre Verwaltung laufend an.")
    make_offer(make_org(name="Uhrwerk IT GmbH", kind="company"), title="IT-Betrieb rund um die Uhr",
               body="Wir betreiben Rechenzentren rund um die Uhr, montags bis sonntags, mit Bereitschaft am Wochenende.")
    make_offer(make_org(name="Akten Digital GmbH", kind="company"), title="Elektronische Akte und Scannen von Bauakten",
               body="Wir führen die E-Akte ein und digitalisieren Akten, Bauakten und Grundbuchakten.", topics=["eakte"])
    make_need(make_org(name="Stadt Offenburg", land="08"), title="Open-Data-Portal und Bürgerportal",
              body="Wir bauen ein Open-Data-Portal und ein Bürgerportal für Online-Anträge auf.", topics=["ozg"])
    make_offer(make_org(name="Kitaplaner AG", kind="company"), title="Kita-Anmeldung und Kita-Platzvergabe online",
               body="Unsere Kita-Software verwaltet Anmeldungen und Platzvergabe in Kitas.", topics=["ozg"])
    make_offer(make_org(name="Ladepunkt Kommunal GmbH", kind="company"), title="Ladesäulen und Ladeinfrastruktur",
               body="Wir planen Ladesäulen und Ladeinfrastruktur für E-Autos auf kommunalen Flächen.", topics=["mobilitaet"])
    make_offer(make_org(name="Sicher im Netz GmbH", kind="company"), title="Informationssicherheit nach BSI-Grundschutz",
               body="Beratung zu Informationssicherheit und Notfallmanagement für Kommunen.", topics=["sicherheit"])
    alice, bob = make_user(make_org(name="Gemeinde Musterhausen")), make_user(make_org(name="Gemeinde Beispielstadt"))
    return alice, make_room("partner", [alice, bob], title="Musterhausen – Beispielstadt")


def said(room, author, body):
    message = Message(room_id=room.id, author_id=author.id, body=body)
    db.session.add(message)
    db.session.commit()
    return message


def test_small_talk_leaves_no_word_of_substance(directory):
    """Whatever `substance` keeps of small talk is a word the engine ignores (a stop word)."""
    index = engine.engine().index()
    assert {message: substance(message) for message in SMALL_TALK
            if QueryWords(index, substance(message)).words} == {}


def test_small_talk_never_makes_a_live_match(directory):
    alice, room = directory
    matched = {}
    for body in SMALL_TALK:
        message = said(room, alice, body)
        found = live._matches(alice, room, message.body)
        if found:
            matched[body] = [match["organisation"]["name"] for match in found]
    assert matched == {}
    assert live._matches(alice, room, live.room_context(room)) == []


@pytest.mark.parametrize("body, organisation, reason", SUBSTANCE)
def test_substance_finds_who_fits_with_the_words_that_matched(directory, body, organisation, reason):
    alice, room = directory
    found = live._matches(alice, room, said(room, alice, body).body)
    assert found, body
    assert found[0]["organisation"]["name"] == organisation
    assert any(reason in term for term in found[0]["terms"]), found[0]["terms"]
    assert all(not term.endswith("-") and not term.startswith("-") for match in found for term in match["terms"])
