"""Suggestions a person can read (#27): the overview lists the newest needs first, a page at a time, each
with its best few cards and a link to the need's own paged page; identical offers of several providers are
one card with "n providers"; explanations are whole words as written in the suggested entry, never stems."""
import re
from datetime import timedelta

import pytest

from community.extensions import db
from community.models_base import utcnow
from community.search.words import surface_words
from community.suggestions import services
from tests.factories import make_need, make_offer, make_org, make_user, sign_in

NOW = utcnow().replace(microsecond=0)
OFFER = dict(title="Bauantragsverfahren digital", body="Wir digitalisieren Ihre Bauvorlagen und Baupläne, "
             "mit Schnittstelle zum Fachverfahren der Bauaufsicht.", topics=["ozg"])


@pytest.fixture
def world(app):
    home = make_org(name="Gemeinde Planfeld", land="05")
    member = make_user(home)
    needs = []
    for n in range(7):
        need = make_need(home, title=f"Digitale Bauakte Bauamt {n}", body="Bauvorlagen und Baupläne digital "
                         f"prüfen, Fachverfahren der Bauaufsicht anbinden, Teil {n}.", topics=["ozg"])
        need.created_at = NOW - timedelta(days=10 - n)  # need 6 is the newest
        needs.append(need)
    db.session.commit()
    vendors = [make_org(name=f"Anbieter {n} GmbH", kind="company", org_type="hersteller", land="05")
               for n in range(4)]
    offers = [make_offer(vendor, **OFFER) for vendor in vendors]  # the same offer, four providers
    for n in range(12):
        other = make_org(name=f"Softwarehaus {n}", kind="company", org_type="hersteller", land="05")
        make_offer(other, title=f"Fachverfahren Bauaufsicht Modul {n}", body=f"Modul {n} für Bauvorlagen: "
                   f"Prüfung {n * 'x'}, Baupläne und Bescheide, eigene Funktion {n}.", topics=["ozg"])
    return {"home": home, "member": member, "needs": needs, "offers": offers}


def test_overview_lists_the_newest_needs_first_a_page_at_a_time(client, world):
    sign_in(client, world["member"])
    page = client.get("/suggestions").text
    shown = re.findall(r"Digitale Bauakte Bauamt (\d)", page.split('id="needs-heading"')[1])
    assert list(dict.fromkeys(shown)) == ["6", "5", "4", "3", "2"]
    second = client.get("/suggestions?page=2").text
    assert list(dict.fromkeys(re.findall(r"Digitale Bauakte Bauamt (\d)", second.split('id="needs-heading"')[1]))) \
        == ["1", "0"]


def test_overview_shows_a_few_cards_per_need_and_links_to_its_own_page(client, world):
    sign_in(client, world["member"])
    page = client.get("/suggestions").text
    need = world["needs"][6]
    article = page.split(f'id="need-{need.id}"')[1].split("</article>")[0]
    assert article.count('class="suggestion"') <= 2 * services.OVERVIEW_SHOWN
    assert f'href="/suggestions/needs/{need.id}"' in article


def test_a_needs_own_page_is_paged_and_has_every_suggestion(client, world):
    sign_in(client, world["member"])
    need = world["needs"][6]
    first = client.get(f"/suggestions/needs/{need.id}?per_page=5")
    assert first.status_code == 200
    assert first.text.count('class="suggestion"') == 5  # offers; no peers (nobody else has the need)
    total = int(re.search(r"(\d+) suggestions", first.text).group(1))
    assert total == 13  # twelve modules and one card for the four identical offers
    last = client.get(f"/suggestions/needs/{need.id}?per_page=5&page=3").text
    assert last.count('class="suggestion"') == 3


def test_a_needs_page_of_another_organisation_is_404(client, world):
    sign_in(client, make_user(make_org()))
    assert client.get(f"/suggestions/needs/{world['needs'][0].id}").status_code in (404, 409)


def test_identical_offers_of_several_providers_are_one_card(client, world):
    sign_in(client, world["member"])
    page = client.get(f"/suggestions/needs/{world['needs'][6].id}").text
    assert page.count(">Bauantragsverfahren digital<") == 1
    assert "4 providers with the same offer" in page
    for n in range(4):
        assert f"Anbieter {n} GmbH" in page


def test_explanations_are_whole_words_of_the_suggested_entry(client, world):
    sign_in(client, world["member"])
    result = services.suggestions_for(world["member"], page=1)
    shown = [s for group in result.needs for items in group.by_relation.values() for s in items]
    assert shown
    for suggestion in shown:
        assert suggestion.words
        surface = set(surface_words(f"{suggestion.target.title}\n{suggestion.target.body}"))
        for word in suggestion.words:
            assert word in surface, (word, suggestion.target.title)
    page = client.get("/suggestions").text
    for words in re.findall(r"Shared words: ([^;<]+)", page):
        for word in words.strip().split(", "):
            assert word not in ("Plaene", "Bauvor", "Fach", "Bauvorlag", "Bauplaen"), word
            assert word[0].isupper() or word[0].isdigit() or word.islower()
