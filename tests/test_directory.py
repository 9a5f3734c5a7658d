"""The organisation directory: filters, search, pagination, bad input and query counts."""
import re

import pytest
import sqlalchemy as sa

from community.extensions import db
from tests.factories import login, make_need, make_offer, make_org, make_user


def names_on(response) -> list[str]:
    return re.findall(r'<a href="/organisations/\d+">([^<]+)</a>', response.get_data(as_text=True))


def test_lists_organisations_by_name_with_links(client):
    second = make_org(name="Stadt Zwickau")
    first = make_org(name="Amt Achterwehr")
    page = client.get("/organisations").get_data(as_text=True)
    assert f'<a href="/organisations/{first.id}">Amt Achterwehr</a>' in page
    assert page.index("Amt Achterwehr") < page.index(second.name)


def test_shows_kind_type_state_and_topics(client):
    make_org(name="Stadt Bonn", kind="municipality", org_type="stadt", land="05", topics=["energie"])
    page = client.get("/organisations").get_data(as_text=True)
    assert "Town or city" in page
    assert "North Rhine-Westphalia" in page  # the Land in the reader's language (#24)
    assert "Energy &" in page  # the label of topic "energie"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=company", ["Digital GmbH"]),
        ("land=09", ["Markt Bayern"]),
        ("topic=energie", ["Stadt Energie"]),
        ("population_class=gt500k", ["Großstadt"]),
        ("verified=1", ["Markt Bayern"]),
        ("q=energ", ["Stadt Energie"]),
        ("kind=municipality&land=05&topic=energie", ["Stadt Energie"]),
    ],
)
def test_filters_narrow_the_list(client, query, expected):
    make_org(name="Digital GmbH", kind="company", land="05")
    make_org(name="Markt Bayern", land="09", verified=True)
    make_org(name="Stadt Energie", land="05", topics=["energie"])
    make_org(name="Großstadt", land="05", population_class="gt500k")
    assert names_on(client.get(f"/organisations?{query}")) == expected


def test_verified_no_lists_the_unverified(client):
    make_org(name="Geprüft", verified=True)
    make_org(name="Ungeprüft")
    assert names_on(client.get("/organisations?verified=0")) == ["Ungeprüft"]


def test_name_search_treats_wildcards_literally(client):
    make_org(name="Gemeinde 100% digital")
    make_org(name="Gemeinde 1000")
    assert names_on(client.get("/organisations?q=100%25")) == ["Gemeinde 100% digital"]


def test_filter_form_keeps_the_chosen_values(client):
    page = client.get("/organisations?kind=company&q=GmbH").get_data(as_text=True)
    assert '<option selected value="company">' in page
    assert 'value="GmbH"' in page


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=castle", "kind"),
        ("land=99", "land"),
        ("topic=<script>", "topic"),
        ("population_class=huge", "population_class"),
        ("verified=maybe", "verified"),
        ("q=" + "x" * 101, "q"),
    ],
)
def test_bad_filter_values_give_400_with_the_field_error(client, query, field):
    make_org(name="Gemeinde Sichtbar")
    response = client.get(f"/organisations?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in page
    assert "Gemeinde Sichtbar" not in page
    assert "<script>" not in page.split("<main", 1)[1]


def test_paginates_and_page_links_keep_the_filters(client):
    for n in range(5):
        make_org(name=f"Firma {n}", kind="company")
    make_org(name="Gemeinde Nicht Dabei")
    response = client.get("/organisations?kind=company&per_page=2&page=2")
    page = response.get_data(as_text=True)
    assert names_on(response) == ["Firma 2", "Firma 3"]
    assert "Page 2 of 3" in page
    assert 'href="/organisations?page=3&amp;kind=company&amp;per_page=2"' in page
    assert 'href="/organisations?page=1&amp;kind=company&amp;per_page=2"' in page


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999"])
def test_odd_page_numbers_never_fail(client, page):
    make_org()
    assert client.get(f"/organisations?page={page}").status_code == 200


def test_counts_open_needs_and_offers_per_organisation(client):
    org = make_org(name="Gemeinde Aktiv")
    make_need(org)
    make_need(org)
    make_need(org, status="solved")
    make_offer(org)
    page = client.get("/organisations").get_data(as_text=True)
    row = page[page.index("Gemeinde Aktiv"):].split("</tr>", 1)[0]
    assert re.findall(r'<td class="kern-table__cell--numeric">(\d+)</td>', row) == ["2", "1"]


def test_counts_leave_out_members_only_entries_for_visitors(client):
    org = make_org(name="Gemeinde Diskret")
    make_need(org, visibility="members")
    page = client.get("/organisations").get_data(as_text=True)
    row = page[page.index("Gemeinde Diskret"):].split("</tr>", 1)[0]
    assert re.findall(r'<td class="kern-table__cell--numeric">(\d+)</td>', row) == ["0", "0"]


def test_counts_include_members_only_entries_for_members(client):
    org = make_org(name="Gemeinde Diskret")
    make_need(org, visibility="members")
    login(client, make_user(make_org()))
    page = client.get("/organisations").get_data(as_text=True)
    row = page[page.index("Gemeinde Diskret"):].split("</tr>", 1)[0]
    assert re.findall(r'<td class="kern-table__cell--numeric">(\d+)</td>', row) == ["1", "0"]


def test_verified_badge_only_for_public_bodies(client):
    make_org(name="Gemeinde Echt", verified=True)
    make_org(name="Firma Auch Geprüft", kind="company", verified=True)
    page = client.get("/organisations").get_data(as_text=True)
    rows = {name: page[page.index(name):].split("</tr>", 1)[0] for name in ("Gemeinde Echt", "Firma Auch Geprüft")}
    assert "✓" in rows["Gemeinde Echt"]
    assert "✓" not in rows["Firma Auch Geprüft"]


def test_organisation_names_are_escaped(client):
    make_org(name="<script>alert(1)</script>")
    page = client.get("/organisations").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def _statements_for(client, url: str) -> int:
    statements = []

    def count(*args):
        statements.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_statement_count_does_not_grow_with_the_rows_shown(client):
    org = make_org(name="A Gemeinde", topics=["ozg", "energie"])
    make_need(org)
    few = _statements_for(client, "/organisations")
    for n in range(15):
        other = make_org(name=f"B Gemeinde {n}", topics=["daten", "ozg"])
        make_offer(other)
    assert _statements_for(client, "/organisations") == few
