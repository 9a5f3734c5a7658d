"""Search people can trust: word and compound matches before fragments, near-duplicates collapsed,
a true total (or "more than"), filters by kind, topic and Land, whole-word highlighting; the API alike."""
import re

import pytest

from community.search import services
from tests.factories import make_need, make_offer, make_org, make_token, make_user


def _titles(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", title) for title in re.findall(r'<h2 class="kern-title"><a href="[^"]+">(.*?)</a></h2>', page)]


def _search(client, query, **params) -> str:
    response = client.get("/search", query_string={"q": query, **params})
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_a_fragment_match_never_outranks_a_word_match(client):
    make_org(name="Gemeinde Weingarten", description="Weingarten liegt am Weinberg, mit Garten und Weingärten.")
    town = make_org(name="Stadt Aachtal")
    make_need(town, title="Betreuung organisieren", body="Anmeldung für den Kindergarten digital, ohne Papier.")
    make_offer(make_org(name="Kita Software GmbH", kind="company", org_type="hersteller"),
               title="Kindergartenplätze online vergeben", body="Portal für Eltern.")
    titles = _titles(_search(client, "Kindergarten"))
    assert "Gemeinde Weingarten" in titles, titles  # found through the shared "garten", so it must come last
    assert "Kindergartenplätze online vergeben" in titles
    word_hits = [t for t in titles if t != "Gemeinde Weingarten"]
    assert titles[:len(word_hits)] == word_hits


def test_word_and_compound_levels_use_the_index_vocabulary(app):
    from community.suggestions import engine

    make_org(name="Gemeinde Weingarten", description="Wein und Garten, Bau und Akte.")
    words = services.QueryWords(engine.engine().index(), "Kindergarten Akte")
    assert words.level("Kindergarten") == ("word", 0)
    assert words.level("Kindergartenplätze")[0] == "compound"
    assert words.level("Weingarten") == (None, -1)
    assert words.level("Bauakte")[0] == "compound"
    assert words.level("Kontakte") == (None, -1)
    kita = services.QueryWords(engine.engine().index(), "Kita")
    assert kita.level("Kindertagesstätte") == ("word", 0)  # a synonym is a whole-word hit
    assert kita.level("Kitzingen") == (None, -1)
    assert services.QueryWords(engine.engine().index(), "Kita", synonyms=False).level("Kindertagesstätte")[0] is None
    # A room's talk about "Kinderbetreuung" is met by an entry about Kitas, and says so in words.
    assert services.QueryWords(engine.engine().index(), "Kinderbetreuung").words_met("Platzvergabe für Kitas") == ["Kitas"]


def test_kita_kindergarten_and_kinderbetreuung_find_the_same_kita_entry(client):
    make_org(name="Gemeinde Weingarten", description="Weinbau und Gärten am Rhein.")
    make_org(name="Ortsgemeinde Kinderbeuern", description="Kleine Gemeinde an der Mosel.")
    make_org(name="Stadt Kitzingen", description="Große Kreisstadt am Main.")
    make_need(make_org(name="Stadt Aachtal"), title="Platzvergabe für Kitas",
              body="Eltern sollen ihr Kind online für einen Platz vormerken.")
    make_need(make_org(name="Stadt Brunnental"), title="E-Akte einführen", body="Papierakten ablösen.")
    for query in ("Kita", "Kindergarten", "Kinderbetreuung", "Kindertagesstätte"):
        titles = _titles(_search(client, query))
        assert titles[0] == "Platzvergabe für Kitas", (query, titles)


def test_ladesaeulen_find_ladeinfrastruktur_before_unrelated_entries(client):
    make_need(make_org(name="Stadt Brunnental"), title="E-Akte im Standesamt einführen",
              body="Wir wollen Personenstandsregister elektronisch führen.")
    make_org(name="Bundesamt für Sicherheit in der Informationstechnik",
             description="Das BSI berät Kommunen zu Informationssicherheit und Cyberangriffen.")
    make_org(name="Stadt Ladenburg", description="Römerstadt am Neckar.")
    make_offer(make_org(name="Ladeverbund Süd GmbH", kind="company", org_type="hersteller"),
               title="Ladeinfrastruktur für Kommunen", body="Öffentliche Ladepunkte planen und betreiben.")
    titles = _titles(_search(client, "Ladesäulen"))
    assert titles[0] == "Ladeinfrastruktur für Kommunen", titles


def test_a_fragment_only_organisation_stays_off_the_first_page_of_word_hits(client):
    make_org(name="Gemeinde Weingarten", description="Weingarten am Rhein.")
    for n in range(21):
        make_need(make_org(name=f"Stadt Beispiel {n}"), title=f"Kindergarten Nummer {n}",
                  body=f"Anmeldung im Kindergarten, Gruppe {n}x{n}, eigener Text {n * 7}.")
    first = _titles(_search(client, "Kindergarten", per_page=20))
    assert "Gemeinde Weingarten" not in first and len(first) == 20
    assert "Gemeinde Weingarten" in _titles(_search(client, "Kindergarten", per_page=20, page=2))


def test_near_duplicates_collapse_into_one_hit_with_a_count(client):
    text = ("Wir suchen eine Lösung für den digitalen Bauantrag mit Anbindung an das Fachverfahren der unteren "
            "Bauaufsicht, elektronische Bauakte und Beteiligung der Fachstellen.")
    for n in range(6):
        make_need(make_org(name=f"Gemeinde Kopie {n}"), title="Digitaler Bauantrag", body=text + f" Gemeinde {n}.")
    make_need(make_org(name="Stadt Eigen"), title="Bauantrag online", body="Ganz anderer Text zum Bauantrag im Portal.")
    page = _search(client, "Bauantrag", kind="need")
    assert _titles(page).count("Digitaler Bauantrag") == 1 and "Bauantrag online" in _titles(page)
    assert "5 similar" in page
    assert "2 results" in page


def test_the_total_is_true_and_a_capped_total_says_more_than(client, monkeypatch):
    for n in range(5):
        make_need(make_org(), title=f"Glasfaser Ausbau {n}", body=f"Eigener Text {n} über Leerrohre, Trassen Nr. {n}x{n}.")
    page = _search(client, "Glasfaser", per_page=2)
    assert "5 results" in page
    monkeypatch.setattr(services, "CANDIDATES", 3)
    page = _search(client, "Glasfaser", per_page=2)
    assert "More than 3 results" in page


def test_filters_by_kind_topic_and_land(client):
    bavarian = make_org(name="Markt Bayernhausen", land="09")
    saxon = make_org(name="Stadt Sachsenau", land="14")
    make_need(bavarian, title="Schulnetz Bayern", body="WLAN für Schulen.", topics=["schule"])
    make_need(saxon, title="Schulnetz Sachsen", body="WLAN für Schulen.", topics=["infrastruktur"])
    make_offer(make_org(kind="company", org_type="hersteller", land="09"), title="WLAN-Paket", body="WLAN für Schulen.")
    assert _titles(_search(client, "WLAN Schulen", land="09", kind="need")) == ["Schulnetz Bayern"]
    assert _titles(_search(client, "WLAN Schulen", topic="infrastruktur")) == ["Schulnetz Sachsen"]
    assert _titles(_search(client, "WLAN Schulen", kind="offer")) == ["WLAN-Paket"]
    assert client.get("/search", query_string={"q": "WLAN", "land": "99"}).status_code == 400


def test_highlighting_marks_whole_words_not_pieces(client):
    make_need(make_org(), title="Bauakte digital", body="Die Bauakte und der Bau des Archivs; Kontakte zur Bauaufsicht.")
    page = _search(client, "Bau")
    assert "<mark>Bauakte</mark>" in page and "<mark>Bau</mark>akte" not in page
    assert "<mark>Kontakte</mark>" not in page


def test_the_api_reports_a_true_total_more_similar_and_filters(client):
    user = make_user(make_org())
    token = make_token(user)
    text = "Gemeinsame Beschaffung einer Software für die Kfz-Zulassung mit Online-Terminvergabe und Gebührenkasse."
    for n in range(3):
        make_need(make_org(land="09"), title="Kfz-Zulassung online", body=text)
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get("/api/v1/search", query_string={"q": "Zulassung", "land": "09"}, headers=headers).get_json()
    assert body["total"] == 1 and body["more"] is False and body["items"][0]["similar"] == 2
    assert len(body["items"][0]["similar_ids"]) == 2
    bad = client.get("/api/v1/search", query_string={"q": "Zulassung", "kind": ["x"]}, headers=headers)
    assert bad.status_code == 400 and "kind" in bad.get_json()["error"]["fields"]


def test_organisations_with_alike_descriptions_are_never_merged(client):
    for land in ("Hessen", "Sachsen", "Bayern"):
        make_org(name=f"Land {land}", kind="state", description="Das Land fördert die Digitalisierung seiner Kommunen "
                 "mit Programmen für Breitband, Schulen und Online-Dienste.")
    titles = _titles(_search(client, "Digitalisierung Kommunen", kind="organisation"))
    assert {"Land Hessen", "Land Sachsen", "Land Bayern"} <= set(titles)
