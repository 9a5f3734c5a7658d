"""The official register (GV100AD): reading it, `flask import-register`, and updating an installation with
a newer edition (a merger, a renaming, a renumbering) without losing anything of a member's data."""
import csv
from collections import Counter

import pytest

from community.extensions import db
from community.organisations import register
from community.organisations.models import Organisation
from community.organisations.register_import import import_register
from community.organisations.services import create_organisation
from community.errors import ValidationError
from community.profiles.models import Need
from tests.factories import make_need, make_org, make_token, make_user


def gemeinde(ags, name, population, postcode, type_code="64", verband="0001", date="2025-11-30"):
    return {"ags": ags, "ars": ags[:5] + verband + ags[5:], "name": name, "type_code": type_code, "land": ags[:2],
            "kreis": ags[:5], "gemeindeverband": ags[:5] + verband, "population": str(population),
            "postcode": postcode, "reference_date": date}


KREIS = {"key": "09471", "name": "Bamberg", "type_code": "44", "land": "09", "seat": "Bamberg",
         "reference_date": "2025-11-30"}
VERBAND = {"key": "094715101", "name": "Baunach (VGem)", "type_code": "54", "kreis": "09471", "seat": "Baunach",
           "reference_date": "2025-11-30"}


def edition(*gemeinden):
    return register.build(list(gemeinden), [VERBAND], [KREIS])


def by_key() -> dict[str, Organisation]:
    return {org.official_key: org for org in db.session.scalars(db.select(Organisation))}


def test_the_bundled_register_has_every_gemeinde_verband_and_kreis_of_2025():
    found = register.bundled()
    types = Counter(entry.org_type for entry in found.entries)
    entries = {entry.official_key: entry for entry in found.entries}

    assert str(found.reference_date) == "2025-11-30"
    assert types["gemeinde"] + types["stadt"] + types["kreisfreie_stadt"] == 10_751
    assert types["kreisfreie_stadt"] == 106 and types["landkreis"] == 294
    assert types["verbandsgemeinde"] == 1_164
    bamberg = entries["094610000000"]
    assert (bamberg.name, bamberg.ags, bamberg.org_type, bamberg.population, bamberg.postcode) == (
        "Stadt Bamberg", "09461000", "kreisfreie_stadt", 77_150, "96031")
    assert bamberg.population_class == "20k-100k"
    assert entries["09471"].name == "Landkreis Bamberg" and entries["09471"].ags == "09471"
    assert entries["09471"].postcode == "96031"  # its seat is the (kreisfreie) city of Bamberg
    assert entries["010515163"].name == "Amt Burg-St. Michaelisdonn" and entries["010515163"].ags is None
    # All of Germany (83,577,140) but the 917 people of Lohheide and Osterheide, unincorporated areas.
    assert sum(entry.population for entry in found.entries if entry.ags and len(entry.ags) == 8) == 83_576_223


def test_a_gv100ad_file_as_destatis_publishes_it_reads_like_the_tables(tmp_path):
    def record(kind, key, name, type_code, verband="    ", population="", postcode=""):
        line = [" "] * 220

        def put(start, text):
            line[start - 1:start - 1 + len(text)] = list(text)
        put(1, kind), put(3, "20251130"), put(11, key), put(19, verband), put(23, name), put(123, type_code)
        put(73, "Bamberg" if kind != "60" else "")
        if population:
            put(140, population.rjust(11))
            put(166, postcode)
        return "".join(line)

    path = tmp_path / "GV100AD_30112025.txt"
    path.write_text("\r\n".join([
        record("40", "09471", "Bamberg", "44"),
        record("50", "09471", "Baunach (VGem)", "54", verband="5101"),
        record("60", "09471113", "Baunach, St", "63", verband="5101", population="4012", postcode="96148"),
    ]) + "\r\n", encoding="utf-8")

    found = {entry.official_key: entry for entry in register.read([path]).entries}

    assert found["094715101113"].name == "Stadt Baunach" and found["094715101113"].population == 4012
    assert found["094715101"].name == "Verwaltungsgemeinschaft Baunach"
    assert found["09471"].name == "Landkreis Bamberg" and found["09471"].population == 4012


def test_importing_a_newer_register_with_a_merger_a_renaming_and_a_new_key_loses_nothing(app):
    first = edition(gemeinde("09471111", "Altendorf", 4000, "96146"),
                    gemeinde("09471112", "Buttenheim, M", 3500, "96155"),
                    gemeinde("09471113", "Baunach, St", 4000, "96148", type_code="63"),
                    gemeinde("09471114", "Kemmern", 2500, "96164"))
    import_register(first)
    orgs = by_key()
    altendorf, buttenheim = orgs["094710001111"], orgs["094710001112"]
    baunach, kemmern = orgs["094710001113"], orgs["094710001114"]
    members = {org.name: make_user(org, email=f"{org.id}@example.org") for org in (altendorf, buttenheim, baunach)}
    needs = {org.name: make_need(org, title=f"Bedarf von {org.name}") for org in (altendorf, buttenheim, baunach)}
    ids = {org.official_key: org.id for org in orgs.values()}

    # Altendorf merges into Buttenheim, Baunach is renamed, Kemmern is renumbered (a Kreis reform).
    second = edition(gemeinde("09471112", "Buttenheim, M", 7500, "96155"),
                     gemeinde("09471113", "Baunach am Main, St", 4000, "96148", type_code="63"),
                     gemeinde("09471120", "Kemmern", 2500, "96164"))
    report = import_register(second)

    db.session.expire_all()
    orgs = {org.id: org for org in db.session.scalars(db.select(Organisation))}
    assert report.dissolved == ["Gemeinde Altendorf"]
    assert report.renamed == [("Stadt Baunach", "Stadt Baunach am Main")]
    assert report.rekeyed == [("Gemeinde Kemmern", "094710001114", "094710001120")]
    assert report.created == 0
    altendorf = orgs[ids["094710001111"]]
    assert altendorf.register_state == "dissolved" and altendorf.name == "Gemeinde Altendorf"
    assert orgs[ids["094710001112"]].population == 7500 and orgs[ids["094710001112"]].population_class == "5k-20k"
    assert orgs[ids["094710001113"]].name == "Stadt Baunach am Main"
    assert orgs[ids["094710001114"]].official_key == "094710001120"
    assert orgs[ids["094710001114"]].ags == "09471120"
    for name, member in members.items():
        db.session.refresh(member)
        assert member.organisation_id is not None, name
    assert {need.title for need in db.session.scalars(db.select(Need))} == {f"Bedarf von {name}" for name in needs}
    assert db.session.get(Need, needs["Gemeinde Altendorf"].id).organisation_id == ids["094710001111"]


def test_importing_the_same_register_again_changes_nothing(app):
    one = edition(gemeinde("09471111", "Altendorf", 4000, "96146"))
    import_register(one)

    report = import_register(one)

    assert (report.created, report.updated, report.unchanged, report.dissolved) == (0, 0, 3, [])


def test_an_organisation_registered_with_the_ags_becomes_the_registers_entry_instead_of_a_twin(app):
    registered = make_org(name="Gemeinde Altendorf", kind="municipality", org_type="gemeinde", land="09",
                          official_key="09471111")
    member = make_user(registered)

    import_register(edition(gemeinde("09471111", "Altendorf", 4000, "96146")))

    db.session.refresh(registered)
    assert registered.official_key == "094710001111" and registered.ags == "09471111"
    assert db.session.scalar(db.select(db.func.count()).select_from(Organisation).filter_by(ags="09471111")) == 1
    assert member.organisation_id == registered.id


def test_a_second_organisation_with_an_official_key_is_refused_naming_the_first(app):
    import_register(edition(gemeinde("09471111", "Altendorf", 4000, "96146")))

    for key in ("094710001111", "09471111", "09471"):
        with pytest.raises(ValidationError) as caught:
            create_organisation({"kind": "municipality", "name": "Altendorf (neu)", "org_type": "gemeinde",
                                 "land": "09", "official_key": key})
        message = str(caught.value.fields["official_key"])
        assert "Altendorf" in message or "Landkreis Bamberg" in message, key


def test_flask_import_register_reads_the_three_tables(app, runner, tmp_path):
    for name, rows in (("gemeinden.csv", [gemeinde("09471111", "Altendorf", 4000, "96146")]),
                       ("gemeindeverbaende.csv", [VERBAND]), ("kreise.csv", [KREIS])):
        with (tmp_path / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    result = runner.invoke(args=["import-register", str(tmp_path)])

    assert result.exit_code == 0, result.output
    assert "3 organisations created" in result.output
    assert set(by_key()) == {"094710001111", "094715101", "09471"}


def test_flask_import_register_refuses_an_unreadable_file_with_a_message(app, runner, tmp_path):
    path = tmp_path / "GV100AD.txt"
    path.write_text("not a register\n", encoding="utf-8")

    result = runner.invoke(args=["import-register", str(path)])

    assert result.exit_code != 0
    assert "could not be read" in result.output


# --- finding by name, AGS or postcode in the API ------------------------------------------------------

BAMBERG_REGISTER = register.build(
    [{**gemeinde("09461000", "Bamberg", 77150, "96031", type_code="61", verband="0000")},
     gemeinde("09471111", "Altendorf", 4000, "96146")],
    [VERBAND], [KREIS, {"key": "09461", "name": "Bamberg", "type_code": "41", "land": "09", "seat": "Bamberg",
                        "reference_date": "2025-11-30"}])


@pytest.mark.parametrize("query, names", [
    ("Bamberg", {"Stadt Bamberg", "Landkreis Bamberg"}),
    ("09461000", {"Stadt Bamberg"}),  # the AGS of 8 digits
    ("094610000000", {"Stadt Bamberg"}),  # the ARS of 12
    ("09461", {"Stadt Bamberg"}),  # the Kreis key of a kreisfreie Stadt
    ("09471", {"Landkreis Bamberg"}),
    ("09471111", {"Gemeinde Altendorf"}),
    ("96031", {"Stadt Bamberg", "Landkreis Bamberg"}),  # the postcode of the seats
])
def test_the_api_finds_an_organisation_by_name_ags_or_postcode(client, query, names):
    import_register(BAMBERG_REGISTER)
    user = make_user(make_org(name="Beispiel GmbH", kind="company", org_type="hersteller"))

    response = client.get("/api/v1/organisations", query_string={"q": query, "kind": "municipality", "land": "09"},
                          headers={"Authorization": f"Bearer {make_token(user)}"})

    assert response.status_code == 200
    assert {item["name"] for item in response.get_json()["items"]} == names


def test_the_api_gives_each_organisation_its_keys_type_population_and_postcode(client):
    import_register(BAMBERG_REGISTER)
    user = make_user(make_org(name="Beispiel GmbH", kind="company", org_type="hersteller"))

    response = client.get("/api/v1/organisations", query_string={"q": "09461000"},
                          headers={"Authorization": f"Bearer {make_token(user)}"})

    item = response.get_json()["items"][0]
    assert {name: item[name] for name in ("official_key", "ags", "org_type", "population", "postcode")} == {
        "official_key": "094610000000", "ags": "09461000", "org_type": "kreisfreie_stadt", "population": 77150,
        "postcode": "96031"}
    assert item["population_class"] == "20k-100k"


def test_the_register_owns_name_key_type_and_size_of_a_municipality(client):
    import_register(BAMBERG_REGISTER)
    bamberg = by_key()["094610000000"]
    admin = make_user(bamberg, is_org_admin=True)

    response = client.patch("/api/v1/profile", json={"name": "Weltstadt Bamberg", "population_class": "gt500k"},
                            headers={"Authorization": f"Bearer {make_token(admin)}"})

    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"name", "population_class"}
    response = client.patch("/api/v1/profile", json={"description": "Welterbestadt."},
                            headers={"Authorization": f"Bearer {make_token(admin)}"})
    assert response.status_code == 200


def test_an_undescribed_municipality_of_the_register_joins_the_matching_index_once_it_says_something(app):
    from community.suggestions import engine

    import_register(edition(gemeinde("09471111", "Altendorf", 4000, "96146")))
    altendorf = by_key()["094710001111"]
    registered = make_org(name="Beispiel GmbH", kind="company", org_type="hersteller", topics=[])

    indexed = {record.id for record in engine.database_records()[1]}
    assert f"organisation:{altendorf.id}" not in indexed
    assert f"organisation:{registered.id}" in indexed  # registered by people: indexed as before

    altendorf.description = "Wir digitalisieren das Bürgerbüro."
    db.session.commit()
    assert f"organisation:{altendorf.id}" in {record.id for record in engine.database_records()[1]}
