"""The search page: organisations, needs and offers found by the matching engine, safely highlighted."""
import pytest

from community.search.services import MAX_QUERY_CHARS, highlight
from tests.factories import make_need, make_offer, make_org, make_user, sign_in


@pytest.fixture
def catalogue(app):
    county = make_org(name="Landkreis Breitbandhausen", description="Wir bauen Glasfaser in allen Gemeinden aus.",
                      topics=["infrastruktur"])
    vendor = make_org(name="Netzbau GmbH", kind="company", org_type="hersteller")
    return {
        "county": county,
        "need": make_need(county, title="Glasfaser für Schulen", body="Anschluss aller Grundschulen an Glasfaser.",
                          topics=["infrastruktur"]),
        "offer": make_offer(vendor, title="Glasfaserausbau aus einer Hand", body="Planung und Bau von Glasfaser.",
                            topics=["infrastruktur"]),
        "members_offer": make_offer(vendor, title="Glasfaser-Wartung", body="Wartung von Glasfaser für Mitglieder.",
                                    visibility="members"),
        "closed_need": make_need(county, title="Glasfaser im Rathaus", body="Erledigt.", status="solved"),
    }


def search(client, query: str, **params) -> str:
    response = client.get("/search", query_string={"q": query, **params})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_finds_organisations_needs_and_offers_with_kind_labels(client, catalogue):
    client.post("/language/en")
    page = search(client, "Glasfaser")
    for title in ("Landkreis Breitbandhausen", "Glasfaser</mark> für Schulen", "aus einer Hand"):
        assert title in page
    for label in ("Organisation", "Need", "Offer"):
        assert f'<span class="kern-badge kern-badge--small kern-badge--info">{label}</span>' in page


def test_matched_terms_are_highlighted(client, catalogue):
    assert "<mark>Glasfaser</mark>" in search(client, "Glasfaser")


def test_members_only_entries_are_hidden_from_visitors(client, catalogue):
    assert "Glasfaser-Wartung" not in search(client, "Glasfaser Wartung")


def test_members_only_entries_are_found_by_signed_in_users(client, catalogue):
    sign_in(client, make_user(make_org()))
    assert "Wartung" in search(client, "Glasfaser Wartung")


def test_members_only_descriptions_are_not_searchable(client, app):
    make_org(name="Gemeinde Still", description="Vertrauliche Haushaltssperre", description_visibility="members")
    make_org(name="Gemeinde Offen", description="Haushaltssperre öffentlich")
    page = search(client, "Haushaltssperre")
    assert "Gemeinde Offen" in page and "Gemeinde Still" not in page


def test_closed_entries_are_not_found(client, catalogue):
    assert "im Rathaus" not in search(client, "Glasfaser Rathaus")


def test_text_with_markup_is_escaped_before_highlighting(client, app):
    org = make_org(name="Gemeinde <b>Fett</b>")
    make_need(org, title="<script>alert('Akte')</script> Aktenplan", body="<img src=x onerror=alert(1)> Aktenplan")
    page = search(client, "<script> Aktenplan")
    main = page.split("<main", 1)[1]
    assert "<script>alert" not in main and "<img src=x" not in main
    assert "&lt;<mark>script</mark>&gt;alert(&#39;Akte&#39;)&lt;/<mark>script</mark>&gt; <mark>Aktenplan</mark>" in main
    assert "&lt;img src=x onerror=alert(1)&gt; <mark>Aktenplan</mark>" in main


@pytest.mark.parametrize("query, reason", [
    ("", "Enter a word to search for."),
    ("und der die", "only very common words"),
    ("Xylophonquartett", "None of these words occurs"),
])
def test_query_that_cannot_match_gives_no_results_and_says_why(client, catalogue, query, reason):
    client.post("/language/en")
    page = search(client, query)
    assert reason in page
    assert "<mark>" not in page


def test_very_long_query_is_truncated_at_the_librarys_limit(client, catalogue):
    client.post("/language/en")
    page = search(client, "Glasfaser " * (MAX_QUERY_CHARS // 5))
    assert "shortened to its first" in page
    assert "<mark>Glasfaser</mark>" in page


def test_results_are_paged(client, catalogue):
    first = search(client, "Glasfaser", per_page=1)
    second = search(client, "Glasfaser", per_page=1, page=2)
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_navbar_has_the_search_box(client):
    assert 'action="/search"' in client.get("/").get_data(as_text=True)


def test_highlight_marks_every_term_case_insensitively_and_escapes_the_rest():
    marked = highlight("E-Akte & akte <b>", ("Akte",))
    assert str(marked) == "E-<mark>Akte</mark> &amp; <mark>akte</mark> &lt;b&gt;"


def test_highlight_never_marks_inside_an_escaped_entity():
    assert str(highlight("A & B", ("amp",))) == "A &amp; B"
