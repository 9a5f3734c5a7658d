"""Registration that finds the organisation first: search, join requests, duplicates and merging."""
import re

from community.auth.models import User
from community.extensions import db
from community.joining.models import JoinRequest
from community.notifications.models import Notification
from community.organisations.models import Organisation
from tests.factories import make_need, make_org, make_user, sign_in

NEW_PASSWORD = "Neues-Passwort-2025"


def account(**overrides) -> dict:
    data = {"name": "Anna Muster", "email": "anna@example.org", "password": NEW_PASSWORD,
            "password_confirmation": NEW_PASSWORD, "function": "Leitung Hauptamt"}
    data.update(overrides)
    return data


def confirm_address(client) -> None:
    """Follow the confirmation link of the newest mail (#24): only then do the admins see the request."""
    from community.mail.models import OutboxMail

    texts = db.session.scalars(db.select(OutboxMail.text).order_by(OutboxMail.id.desc())).all()
    link = re.findall(r"http://localhost(/confirm-email/\S+)", "\n".join(texts))[0]
    assert client.post(link).status_code == 302


def test_register_page_offers_the_search_first(client):
    page = client.get("/register").get_data(as_text=True)
    assert 'action="/register/find"' in page


def test_search_finds_by_name_official_key_and_postcode(client):
    affing = make_org(name="Gemeinde Affing", land="09", official_key="09771111", verified=True, postcode="86444")
    make_org(name="Gemeinde Weiler", land="09")
    assert "Gemeinde Affing" in client.get("/register/find?q=affing").get_data(as_text=True)
    assert "Gemeinde Affing" in client.get("/register/find?q=09771111").get_data(as_text=True)
    by_postcode = client.get("/register/find?q=86444").get_data(as_text=True)
    assert f"/register/join/{affing.id}" in by_postcode and "Weiler" not in by_postcode


def test_search_puts_the_exact_name_first(client):
    make_org(name="Gemeinde Affinger Land")
    make_org(name="Affing")
    page = client.get("/register/find?q=Affing").get_data(as_text=True)
    assert page.index(">Affing<") < page.index("Gemeinde Affinger Land")


def test_an_overlong_search_is_refused_with_a_message(client):
    response = client.get("/register/find?q=" + "x" * 101)
    assert response.status_code == 400 and "at most 100" in response.get_data(as_text=True)


def test_registering_to_join_asks_the_admins_and_creates_no_organisation(client):
    org = make_org(name="Gemeinde Affing")
    admin = make_user(org, is_org_admin=True)
    response = client.post(f"/register/join/{org.id}", data=account())
    confirm_address(client)
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 1
    user = db.session.scalar(db.select(User).filter_by(email="anna@example.org"))
    assert user.organisation_id is None
    join_request = db.session.scalar(db.select(JoinRequest))
    assert (join_request.user_id, join_request.organisation_id, join_request.status) == (user.id, org.id, "pending")
    notice = db.session.scalar(db.select(Notification).filter_by(user_id=admin.id))
    assert notice.kind == "join_request" and "Anna Muster" in notice.display_text


def test_a_bad_account_is_refused_and_nothing_is_stored(client):
    org = make_org()
    response = client.post(f"/register/join/{org.id}", data=account(password_confirmation="anders"))
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(JoinRequest.id))) == 0


def test_the_admin_approves_and_the_person_becomes_a_member(client):
    org = make_org()
    admin = make_user(org, is_org_admin=True)
    client.post(f"/register/join/{org.id}", data=account())
    confirm_address(client)
    join_request = db.session.scalar(db.select(JoinRequest))
    sign_in(client, admin)
    assert "Anna Muster" in client.get(f"/organisations/{org.id}/join-requests").get_data(as_text=True)
    assert client.post(f"/join-requests/{join_request.id}/approve").status_code == 302
    user = db.session.scalar(db.select(User).filter_by(email="anna@example.org"))
    db.session.refresh(user)
    assert user.organisation_id == org.id and not user.is_org_admin
    told = db.session.scalar(db.select(Notification).filter_by(user_id=user.id, kind="join_decided"))
    assert "member of" in told.display_text
    admin_notice = db.session.scalar(db.select(Notification).filter_by(user_id=admin.id, kind="join_request"))
    assert admin_notice.read_at is not None  # handled, so no longer unread


def test_a_second_decision_is_a_conflict(client):
    org = make_org()
    admin = make_user(org, is_org_admin=True)
    client.post(f"/register/join/{org.id}", data=account())
    join_request = db.session.scalar(db.select(JoinRequest))
    sign_in(client, admin)
    client.post(f"/join-requests/{join_request.id}/decline")
    assert client.post(f"/join-requests/{join_request.id}/approve").status_code == 409


def test_an_organisation_without_members_is_decided_by_the_platform_and_its_first_member_administers_it(client):
    org = make_org(name="Gemeinde Affing")
    platform_admin = make_user(make_org(), role="admin")
    client.post(f"/register/join/{org.id}", data=account())
    confirm_address(client)
    join_request = db.session.scalar(db.select(JoinRequest))
    assert db.session.scalar(db.select(Notification).filter_by(user_id=platform_admin.id)).kind == "join_request"
    sign_in(client, platform_admin)
    assert "Gemeinde Affing" in client.get("/admin/join-requests").get_data(as_text=True)
    client.post(f"/join-requests/{join_request.id}/approve")
    user = db.session.scalar(db.select(User).filter_by(email="anna@example.org"))
    db.session.refresh(user)
    assert user.organisation_id == org.id and user.is_org_admin


def test_members_and_admins_of_other_organisations_cannot_decide(client):
    org = make_org()
    make_user(org, is_org_admin=True)
    client.post(f"/register/join/{org.id}", data=account())
    join_request = db.session.scalar(db.select(JoinRequest))
    sign_in(client, make_user(make_org(), is_org_admin=True))
    assert client.post(f"/join-requests/{join_request.id}/approve").status_code == 404
    assert client.get(f"/organisations/{org.id}/join-requests").status_code == 404
    sign_in(client, make_user(org))
    assert client.post(f"/join-requests/{join_request.id}/approve").status_code == 404


def test_a_member_of_an_organisation_cannot_ask_to_join_another(client):
    sign_in(client, make_user(make_org()))
    assert client.post(f"/register/join/{make_org().id}").status_code == 409


def test_the_applicant_withdraws(client):
    org = make_org()
    client.post(f"/register/join/{org.id}", data=account())
    join_request = db.session.scalar(db.select(JoinRequest))
    assert "Withdraw" in client.get("/join-requests/mine").get_data(as_text=True)
    client.post(f"/join-requests/{join_request.id}/withdraw")
    db.session.refresh(join_request)
    assert join_request.status == "withdrawn"


def test_a_registered_look_alike_is_listed_and_merged(client):
    real = make_org(name="Gemeinde Affing", land="09", official_key="09771111", verified=True)
    copy = make_org(name="Affing", land="09")
    make_org(name="Gemeinde Affing", land="05")  # another Land: not a duplicate
    person = make_user(copy, is_org_admin=True)
    need = make_need(copy)
    platform_admin = make_user(make_org(name="Kompetenzzentrum"), role="admin")
    sign_in(client, platform_admin)
    page = client.get("/admin/join-requests").get_data(as_text=True)
    assert f"Merge Affing into Gemeinde Affing" in page and page.count("Merge Affing into") == 1
    client.post(f"/admin/organisations/{copy.id}/merge", data={"other": str(real.id)})
    assert db.session.get(Organisation, copy.id) is None
    db.session.refresh(person)
    db.session.refresh(need)
    assert person.organisation_id == real.id and person.is_org_admin  # the real one had no admin
    assert need.organisation_id == real.id


def test_a_pair_marked_distinct_is_no_longer_listed(client):
    real = make_org(name="Gemeinde Affing", land="09", official_key="09771111")
    copy = make_org(name="Affing", land="09")
    sign_in(client, make_user(make_org(), role="admin"))
    client.post(f"/admin/organisations/{copy.id}/distinct", data={"other": str(real.id)})
    assert "Merge Affing into" not in client.get("/admin/join-requests").get_data(as_text=True)


def test_only_platform_admins_merge(client):
    real = make_org(name="Gemeinde Affing", land="09")
    copy = make_org(name="Affing", land="09")
    sign_in(client, make_user(copy, is_org_admin=True))
    assert client.post(f"/admin/organisations/{copy.id}/merge", data={"other": str(real.id)}).status_code == 403
    assert client.get("/admin/join-requests").status_code == 403


def test_every_table_referring_to_organisations_is_moved_or_derived_on_a_merge(app):
    from community.joining.services import DERIVED_TABLES, MOVED_TABLES

    referring = {table.name for table in db.metadata.sorted_tables for key in table.foreign_keys
                 if key.column.table.name == "organisation"}
    assert referring - set(MOVED_TABLES) - set(DERIVED_TABLES) == set(), "decide what a merge does with it"


def test_a_merge_keeps_the_duplicate_s_examples_cases_events_and_checks(client):
    from community.consultations.models import Consultation
    from community.digitalcheck.models import Assessment
    from community.examples.models import Example
    from community.joining import services

    real = make_org(name="Gemeinde Affing", land="09", verified=True)
    copy = make_org(name="Affing", land="09")
    author = make_user(copy)
    example = Example(organisation_id=copy.id, author_id=author.id, title="E-Akte", project_status="done")
    case = Consultation(organisation_id=copy.id, subject="E-Akte", description="d", topics=["eakte"],
                        urgency="normal", preferred_format="video")
    own = Assessment(organisation_id=real.id, status="submitted", questionnaire_version="1", is_latest=True, scores={})
    theirs = Assessment(organisation_id=copy.id, status="submitted", questionnaire_version="1", is_latest=True,
                        scores={})
    db.session.add_all([example, case, own, theirs])
    db.session.commit()
    ids = example.id, case.id, own.id, theirs.id
    services.merge(make_user(role="admin"), copy, real)
    assert db.session.get(Example, ids[0]).organisation_id == real.id
    assert db.session.get(Consultation, ids[1]).organisation_id == real.id
    moved = db.session.get(Assessment, ids[3])
    assert moved.organisation_id == real.id and moved.is_latest is False  # its own latest stays the latest
    assert db.session.get(Assessment, ids[2]).is_latest is True
