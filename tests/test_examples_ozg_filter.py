"""The good examples' OZG filter offers only services municipalities provide, as a searchable field (#24)."""
from community.profiles import catalogue
from tests.factories import make_org, make_user
from tests.test_examples_reuse import make_example

ELTERNGELD = 10000  # LeiKa type 2/3: provided by the Länder and municipalities


def test_the_catalogue_knows_which_services_municipalities_provide():
    names = {service.name for service in catalogue.MUNICIPAL}
    assert "Elterngeld" in names and "Wohngeld" in names
    assert "Alkopopsteuer" not in names and "Abfallentsorgung in der Hohen See" not in names
    assert 400 < len(catalogue.MUNICIPAL) < len(catalogue.SERVICES)
    # Authors may still name any service of the catalogue; only the filter is narrowed.
    assert {10358, 10484} <= catalogue.SERVICE_IDS


def test_the_filter_is_a_searchable_field_of_municipal_services_only(client, app):
    page = client.get("/examples/").get_data(as_text=True)
    assert 'list="examples-ozg-services"' in page and 'name="ozg"' in page
    assert '<option value="Elterngeld">' in page
    assert "Alkopopsteuer" not in page and "Hohen See" not in page


def test_a_typed_name_filters_and_an_unknown_one_is_said(client, app):
    town = make_org(verified=True)
    author = make_user(town)
    with_service = make_example(town, author, title="Elterngeld digital", ozg_ids=[ELTERNGELD])
    make_example(town, author, title="Ohne OZG-Leistung")
    for typed in ("Elterngeld", "elterngeld"):
        page = client.get("/examples/", query_string={"ozg": typed}).get_data(as_text=True)
        assert "Elterngeld digital" in page and "Ohne OZG-Leistung" not in page
        assert 'value="Elterngeld"' in page  # the field keeps the choice
    assert with_service.id
    page = client.get("/examples/", query_string={"ozg": "Alkopopsteuer"}).get_data(as_text=True)
    assert "Alkopopsteuer" in page and ("Choose one of the suggestions" in page or "Vorschläge" in page)
    assert "Ohne OZG-Leistung" in page  # the refused filter is not applied
