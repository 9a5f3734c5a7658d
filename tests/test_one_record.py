"""One organisation, one record: registration finds the organisation by name and Land, official key or
postcode before it creates anything; the admins' duplicate list compares like with like; the type fits the
kind; a join request says what the person does."""
from community.auth.models import User
from community.extensions import db
from community.joining.models import JoinRequest
from community.organisations.models import Organisation
from tests.factories import make_org, make_user, sign_in
from tests.test_joining import confirm_address

PASSWORD = "Neues-Passwort-2025"


def registration(**overrides) -> dict:
    data = {"name": "Bernd Beispiel", "email": "bernd@example.org", "password": PASSWORD,
            "password_confirmation": PASSWORD, "organisation_name": "Digitalstadt Forchheim",
            "organisation_kind": "municipality", "organisation_type": "stadt", "organisation_land": "09"}
    data.update(overrides)
    return data


def bamberg() -> Organisation:
    return make_org(name="Stadt Bamberg", land="09", org_type="kreisfreie_stadt", official_key="094610000000",
                    ags="09461000", postcode="96031", population=77150, population_class="20k-100k",
                    register_state="current", verified=True)


def organisations() -> int:
    return db.session.scalar(db.select(db.func.count(Organisation.id)))


def nobody_registered() -> bool:
    return db.session.scalar(db.select(User).filter_by(email="bernd@example.org")) is None


def test_the_same_name_in_the_same_land_offers_to_join_and_creates_nothing(client):
    city = bamberg()

    response = client.post("/register", data=registration(organisation_name="Stadt Bamberg",
                                                           organisation_type="kreisfreie_stadt"))

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="/register/join/{city.id}"' in page
    assert "say why yours is a different organisation" in page
    assert organisations() == 1 and nobody_registered()


def test_another_land_is_another_organisation(client):
    bamberg()

    response = client.post("/register", data=registration(organisation_name="Stadt Bamberg", organisation_land="05"))

    assert response.status_code == 302 and organisations() == 2


def test_a_different_organisation_of_the_same_name_needs_a_reason_which_the_admins_see(client):
    bamberg()
    without_reason = client.post("/register", data=registration(organisation_name="Bamberg",
                                                                 different_organisation="y"))
    assert without_reason.status_code == 422 and organisations() == 1

    response = client.post("/register", data=registration(
        organisation_name="Bamberg", organisation_type="kreisfreie_stadt", different_organisation="y",
        distinct_reason="Wir sind der Zweckverband, nicht die Stadt."))

    assert response.status_code == 302
    created = db.session.scalar(db.select(Organisation).filter_by(name="Bamberg"))
    assert created.distinct_reason == "Wir sind der Zweckverband, nicht die Stadt."
    client.post("/logout")
    sign_in(client, make_user(make_org(name="Kompetenzzentrum", kind="company", org_type="beratung"), role="admin"))
    page = client.get("/admin/join-requests").get_data(as_text=True)
    assert "Wir sind der Zweckverband, nicht die Stadt." in page
    assert "A merge keeps Stadt Bamberg and moves the members, needs, offers and requests of Bamberg to it" in page
    assert "Wir sind der Zweckverband, nicht die Stadt." in client.get("/admin/organisations").get_data(as_text=True)


def test_an_official_key_already_taken_is_refused_naming_the_organisation_and_offering_to_join(client):
    city = bamberg()

    for key in ("09461000", "094610000000", "09461"):
        response = client.post("/register", data=registration(
            organisation_key=key, different_organisation="y", distinct_reason="Wir sind anders."))

        page = response.get_data(as_text=True)
        assert response.status_code == 422, key
        assert "Stadt Bamberg already has this official key" in page
        assert f'href="/register/join/{city.id}"' in page
    assert organisations() == 1 and nobody_registered()


def test_the_same_postcode_offers_to_join(client):
    city = bamberg()

    response = client.post("/register", data=registration(organisation_postcode="96031"))

    assert response.status_code == 422
    assert f'href="/register/join/{city.id}"' in response.get_data(as_text=True)
    assert organisations() == 1


def test_a_company_cannot_be_a_gemeinde(client):
    response = client.post("/register", data=registration(organisation_name="Beispiel GmbH",
                                                           organisation_kind="company", organisation_type="gemeinde"))

    assert response.status_code == 422
    assert "This type does not fit the kind of organisation." in response.get_data(as_text=True)
    assert organisations() == 0


def test_the_type_list_names_its_kind_for_the_page_script(client):
    page = client.get("/register").get_data(as_text=True)

    assert 'data-types-of="organisation_kind"' in page
    assert '<option data-kind="company" value="hersteller">' in page
    assert "js/register.js" in page


def test_the_duplicate_list_compares_only_the_same_kind_and_type(client):
    bamberg()
    make_org(name="Landkreis Bamberg", land="09", org_type="landkreis", official_key="09471", verified=True)
    make_org(name="Bamberg", land="09", org_type="kreisfreie_stadt")  # registered by someone, unverified
    make_org(name="Bamberg", kind="company", org_type="hersteller", land="09")
    sign_in(client, make_user(make_org(name="Kompetenzzentrum", kind="company", org_type="beratung"), role="admin"))

    page = client.get("/admin/join-requests").get_data(as_text=True)

    assert "Merge Bamberg into Stadt Bamberg" in page
    assert "into Landkreis Bamberg" not in page
    assert page.count("Merge Bamberg into") == 1


def test_a_join_request_asks_the_persons_function_and_shows_it_to_the_deciders(client):
    city = bamberg()
    admin = make_user(city, is_org_admin=True)

    refused = client.post(f"/register/join/{city.id}", data={
        "name": "Bernd Beispiel", "email": "bernd@example.org", "password": PASSWORD,
        "password_confirmation": PASSWORD})
    assert refused.status_code == 422 and nobody_registered()

    client.post(f"/register/join/{city.id}", data={
        "name": "Bernd Beispiel", "email": "bernd@example.org", "password": PASSWORD,
        "password_confirmation": PASSWORD, "function": "Leitung IT"})

    join_request = db.session.scalar(db.select(JoinRequest))
    assert join_request.function == "Leitung IT" and join_request.user.job_title == "Leitung IT"
    confirm_address(client)  # the deciders see a request once its author's address is confirmed (#24)
    client.post("/logout")
    sign_in(client, admin)
    assert "Leitung IT" in client.get(f"/organisations/{city.id}/join-requests").get_data(as_text=True)
