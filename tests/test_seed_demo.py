"""`flask seed-demo`: the demo community from the real registers, its accounts, --once and --reset.

Seeding takes seconds, so each database backend is seeded once for the whole module (`demo`);
every test here reads that database, and the tests that seed again reproduce the same data.
"""
import stat
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from community import create_app
from community.auth.models import ApiToken, User
from community.auth.services import find_user_by_email
from community.examples.models import Example
from community.extensions import db
from community.organisations.models import Organisation
from community.profiles.models import Need, Offer
from community.programmes.models import Programme
from community.taxonomy import LAND_BY_SLUG, TOPIC_BY_SLUG, population_class_of
from tests.conftest import config_with, truncate_all
from tests.factories import enrol_at_sign_in, make_token, make_user

SEED = "7"


@dataclass
class Demo:
    app: Flask
    accounts_file: Path

    def seed(self, *options: str):
        return self.app.test_cli_runner().invoke(
            args=["seed-demo", "--seed", SEED, "--accounts-file", str(self.accounts_file), *options]
        )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo(request, tmp_path_factory):
    url = "sqlite://" if request.param == "sqlite" else request.getfixturevalue("_postgres_schema")
    application = create_app(config_with(SQLALCHEMY_DATABASE_URI=url))
    with application.app_context():
        if request.param == "sqlite":
            db.create_all()
        else:
            truncate_all(db.session)
            db.session.commit()
        seeded = Demo(application, tmp_path_factory.mktemp("demo") / "demo-accounts.txt")
        result = seeded.seed("--once")
        assert result.exit_code == 0, result.output
        yield seeded
        db.session.remove()
        db.engine.dispose()


def organisations(**filters) -> list[Organisation]:
    return db.session.execute(db.select(Organisation).filter_by(**filters)).scalars().all()


def accounts(demo: Demo) -> list[tuple[str, str]]:
    """(email, password) of every account in the accounts file, below its header line."""
    rows = demo.accounts_file.read_text(encoding="utf-8").splitlines()[1:]
    return [tuple(row.split()[:2]) for row in rows]


def entries_per_organisation(model, kind: str) -> list[int]:
    return db.session.execute(
        db.select(db.func.count(model.id)).select_from(Organisation).outerjoin(model)
        .filter(Organisation.kind == kind).group_by(Organisation.id)
    ).scalars().all()


def demo_users() -> list[User]:
    return db.session.execute(db.select(User).filter(User.email.endswith("@demo.example.org"))).scalars().all()


def snapshot() -> tuple[list, list, list]:
    names = sorted(db.session.execute(db.select(Organisation.name, Organisation.official_key)).all())
    needs = sorted(db.session.execute(db.select(Need.title, Need.body)).all())
    return names, needs, sorted(user.email for user in demo_users())


def test_every_kreis_and_kreisfreie_stadt_of_the_2025_register_and_many_gemeinden_are_municipalities(demo):
    municipalities = organisations(kind="municipality")
    types = Counter(org.org_type for org in municipalities)

    # The register of 30.11.2025: 294 Kreise (Landkreise, Kreise, the Regionalverband) with their 5-digit
    # key, and 106 kreisfreie Städte, each one organisation with its Gemeinde's 12-digit key.
    assert types["landkreis"] == 294
    assert types["kreisfreie_stadt"] == 106
    assert types["gemeinde"] + types["stadt"] + types["verbandsgemeinde"] >= 480
    assert {len(org.official_key) for org in municipalities} == {5, 9, 12}
    assert {org.land for org in municipalities} == set(LAND_BY_SLUG)


def test_municipalities_carry_the_registers_figures_and_a_class_from_their_real_population(demo):
    municipalities = {org.official_key: org for org in organisations(kind="municipality")}
    bamberg = municipalities["094610000000"]

    assert (bamberg.name, bamberg.ags, bamberg.population, bamberg.postcode) == ("Stadt Bamberg", "09461000", 77150,
                                                                                 "96031")
    assert bamberg.population_class == "20k-100k"
    assert municipalities["09471"].name == "Landkreis Bamberg"
    assert all(org.population and org.postcode and org.register_state == "current"
               for org in municipalities.values())
    assert all(org.population_class == population_class_of(org.population) for org in municipalities.values())


def test_demo_texts_fit_the_kind_of_body_that_wrote_them(demo):
    town_words = ("Stadtverwaltung", "Rathaus", "Gemeinderat", "Innenstadt")
    for org in organisations(kind="municipality", org_type="landkreis"):
        texts = [org.description, *(need.body for need in org.needs), *(offer.body for offer in org.offers)]
        texts += [f"{example.title} {example.summary} {example.problem}" for example in
                  db.session.scalars(db.select(Example).filter_by(organisation_id=org.id))]
        assert not [word for word in town_words for text in texts if word in text], org.name


def test_all_sixteen_laender_are_state_bodies_funding_programmes(demo):
    laender = [org for org in organisations(kind="state") if org.official_key]
    funders = {(row.funder, row.land) for row in db.session.scalars(db.select(Programme).filter_by(is_demo=True))}

    assert sorted(org.official_key for org in laender) == sorted(LAND_BY_SLUG)
    assert all((org.name, org.official_key) in funders for org in laender)
    # The demo's funding programmes are programme records, no longer free-text offers (#28).
    assert not db.session.scalars(db.select(Offer).filter_by(offer_kind="programme")).first()


def test_real_it_service_providers_are_companies_with_two_to_five_offers(demo):
    providers = organisations(kind="company", org_type="it_dienstleister")

    assert len(providers) >= 20
    assert "https://lwl.org" in {org.website for org in providers}
    assert {2, 5} <= set(entries_per_organisation(Offer, "company")) <= {2, 3, 4, 5}


def test_municipalities_with_demo_needs_have_one_to_three_and_the_rest_of_the_register_none(demo):
    needs = entries_per_organisation(Need, "municipality")

    assert set(needs) == {0, 1, 2, 3}
    assert len([count for count in needs if count]) >= 294 + 106 + 480


def test_needs_and_offers_cover_every_topic(demo):
    for model in (Need, Offer):
        topics = {topic for (listed,) in db.session.execute(db.select(model.topics)) for topic in listed}
        assert topics == set(TOPIC_BY_SLUG), model.__name__


def test_public_bodies_are_verified_but_a_few_and_invented_vendors_are_not(demo):
    municipalities = organisations(kind="municipality")
    unverified = [org for org in municipalities if not org.verified]

    assert 0 < len(unverified) < len(municipalities) / 10
    assert all(org.is_demo for org in organisations())
    assert not [org for org in organisations(kind="company", org_type="hersteller") if org.verified]


def test_accounts_file_is_private_and_lists_every_demo_account(demo):
    mode = stat.S_IMODE(demo.accounts_file.stat().st_mode)

    assert mode == 0o600
    assert sorted(email for email, _ in accounts(demo)) == sorted(user.email for user in demo_users())
    assert len(demo_users()) == 15  # 12 of the community, 3 consultants of the competence centre
    assert len({password for _, password in accounts(demo)}) == 1


def test_every_demo_account_logs_in_with_the_password_from_the_file(demo):
    for email, password in accounts(demo):
        client = demo.app.test_client()
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, email
        user = find_user_by_email(email)
        if user.role in demo.app.config["SECOND_FACTOR_ROLES"]:  # admins, consultants, moderators enrol first
            assert response.location.endswith("/login/second-factor"), email
            enrol_at_sign_in(client, user)
        assert client.get("/account/").status_code == 200, email


def test_platform_staff_and_organisation_admins_have_their_roles(demo):
    roles = Counter((user.role, user.is_org_admin, user.organisation_id is not None) for user in demo_users())

    assert roles == {("admin", False, False): 1, ("moderator", False, False): 1,
                     ("member", True, True): 5, ("member", False, True): 5, ("consultant", False, True): 3}


def test_seed_demo_once_leaves_present_demo_data_alone(demo):
    before = snapshot()

    result = demo.seed("--once")

    assert result.exit_code == 0
    assert snapshot() == before


def test_seed_demo_without_once_or_reset_refuses_to_seed_twice(demo):
    before = snapshot()

    result = demo.seed()

    assert result.exit_code != 0
    assert "--reset" in result.output
    assert snapshot() == before


def test_reset_with_the_same_seed_gives_the_same_organisations_and_needs(demo):
    before = snapshot()

    result = demo.seed("--reset")

    assert result.exit_code == 0, result.output
    assert snapshot() == before


def test_reset_removes_what_demo_accounts_own_but_keeps_people_who_joined_a_demo_organisation(demo):
    demo_org = organisations(kind="municipality")[0]
    person = make_user(demo_org, email="echt@example.org")
    make_token(demo_users()[0])

    result = demo.seed("--reset")

    assert result.exit_code == 0, result.output
    db.session.refresh(person)
    assert person.organisation_id is None
    assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 0
    db.session.delete(person)  # leave the module's database as seeded
    db.session.commit()


def test_at_least_300_demo_municipalities_have_a_submitted_digital_check(demo):
    from community.digitalcheck.models import Assessment

    latest = db.session.scalars(db.select(Assessment).filter(Assessment.is_latest.is_(True))).all()
    assert len(latest) >= 300 and all(row.is_demo and row.is_submitted for row in latest)


def test_every_land_has_demo_companies_of_every_type_so_no_filter_shows_an_empty_land(demo):
    """A Bavarian municipality filtering companies in Bayern finds some: invented ones, marked as demo.
    Federal bodies belong to no Land, so only the other kinds are filtered by Land."""
    from community.organisations.services import directory

    for land in LAND_BY_SLUG:
        for kind in ("municipality", "state", "company"):
            assert directory({"land": land, "kind": kind}).total > 0, (land, kind)
        for org_type in ("hersteller", "beratung", "it_dienstleister"):
            found = organisations(kind="company", land=land, org_type=org_type)
            assert found, (land, org_type)
            assert all(org.is_demo for org in found)
    invented = [org for org in organisations(kind="company") if "Fiktives Unternehmen (Demodaten)" in org.description]
    assert len({org.land for org in invented}) == len(LAND_BY_SLUG)
    assert not [org for org in invented if org.verified]
    with demo.app.test_client() as client:
        page = client.get("/organisations", query_string={"kind": "company", "land": "09"}).get_data(as_text=True)
        bavarian = sorted(org.name for org in organisations(kind="company", land="09"))
        assert bavarian[0] in page
