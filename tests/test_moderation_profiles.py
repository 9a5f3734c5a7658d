"""A profile text hidden by moderation, then edited by its organisation: the edit waits for review and is
neither lost nor published early; unhiding or approving publishes the newest text."""
import pytest

from community.extensions import db
from community.organisations.models import Organisation
from tests.factories import make_org, make_token, make_user, sign_in

OLD, NEW = "Wir verkaufen Wunderpillen", "Wir digitalisieren die Bauantragsstelle."


@pytest.fixture
def hidden_profile(app):
    """An organisation whose description a moderator hid; its admin and the moderator's API token."""
    org = make_org(description=OLD)
    admin = make_user(org, is_org_admin=True)
    token = make_token(make_user(role="moderator"))
    assert act(app, token, "hide", org, reason="Werbung")["changed"]
    return {"org": org, "admin": admin, "token": token}


def act(app, token: str, action: str, org, reason: str = "", **extra) -> dict:
    response = app.test_client().post("/api/v1/moderation/actions", headers={"Authorization": f"Bearer {token}"},
                                      json={"action": action, "item_type": "profile", "item_id": org.id,
                                            "reason": reason, **extra})
    assert response.status_code in (200, 201), response.json
    return response.json


def edit_description(client, org, text: str):
    form = {"name": org.name, "org_type": org.org_type, "land": org.land, "description": text,
            "description_visibility": "public", "contact_visibility": "members", "topics": ["ozg"]}
    return client.post(f"/organisations/{org.id}/edit", data=form)


def public_page(app, org) -> str:
    return app.test_client().get(f"/organisations/{org.id}").text


def queue(app, token: str) -> list[dict]:
    return app.test_client().get("/api/v1/moderation/queue",
                                 headers={"Authorization": f"Bearer {token}"}).json["items"]


def test_the_edit_form_shows_the_organisation_its_hidden_text_and_why_it_is_not_shown(client, hidden_profile):
    sign_in(client, hidden_profile["admin"])
    page = client.get(f"/organisations/{hidden_profile['org'].id}/edit").text
    assert OLD in page and "Moderation has hidden this description" in page


def test_an_edit_while_hidden_stays_hidden_and_waits_in_the_queue(app, client, hidden_profile):
    org, token = hidden_profile["org"], hidden_profile["token"]
    sign_in(client, hidden_profile["admin"])

    assert edit_description(client, org, NEW).status_code == 302

    assert NEW not in public_page(app, org) and OLD not in public_page(app, org)
    entries = [entry for entry in queue(app, token) if entry["item_type"] == "profile"]
    assert [(entry["kind"], entry["item_id"], entry["text"]) for entry in entries] == [("pending", org.id, NEW)]


@pytest.mark.parametrize("action", ["approve", "unhide"])
def test_publishing_after_an_edit_shows_the_edit_not_the_old_text(app, client, hidden_profile, action):
    org, token = hidden_profile["org"], hidden_profile["token"]
    sign_in(client, hidden_profile["admin"])
    edit_description(client, org, NEW)

    assert act(app, token, action, org)["changed"]

    page = public_page(app, org)
    assert NEW in page and OLD not in page
    assert [entry for entry in queue(app, token) if entry["item_type"] == "profile"] == []


def test_saving_other_fields_while_hidden_neither_loses_the_text_nor_asks_for_review(app, client, hidden_profile):
    org, token = hidden_profile["org"], hidden_profile["token"]
    sign_in(client, hidden_profile["admin"])
    edit_description(client, org, OLD)  # the form carries the withheld text unchanged

    assert [entry for entry in queue(app, token) if entry["item_type"] == "profile"] == []
    assert act(app, token, "unhide", org)["changed"]
    assert OLD in public_page(app, org)


def test_an_api_edit_while_hidden_waits_for_review_too(app, hidden_profile):
    org = hidden_profile["org"]
    response = app.test_client().patch("/api/v1/profile", json={"description": NEW},
                                       headers={"Authorization": f"Bearer {make_token(hidden_profile['admin'])}"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).description == ""
    assert NEW not in public_page(app, org)


def test_deleting_a_pending_edit_keeps_the_profile_hidden_and_clears_the_queue(app, client, hidden_profile):
    org, token = hidden_profile["org"], hidden_profile["token"]
    sign_in(client, hidden_profile["admin"])
    edit_description(client, org, NEW)

    assert act(app, token, "delete", org, reason="Wieder Werbung")["changed"]

    assert NEW not in public_page(app, org)
    assert [entry for entry in queue(app, token) if entry["item_type"] == "profile"] == []


def test_a_moderators_edit_of_a_hidden_profile_keeps_it_hidden_until_unhidden(app, hidden_profile):
    org, token = hidden_profile["org"], hidden_profile["token"]
    act(app, token, "edit", org, reason="Werbung entfernt", text="Gemeindeverwaltung")
    assert "Gemeindeverwaltung" not in public_page(app, org)

    act(app, token, "unhide", org)

    assert "Gemeindeverwaltung" in public_page(app, org)


def test_the_organisations_admins_get_the_statement_of_reasons_and_may_appeal(app, hidden_profile):
    from community.notifications.models import Notification

    admin, org = hidden_profile["admin"], hidden_profile["org"]
    member = make_user(org)
    [notice] = db.session.scalars(db.select(Notification).filter_by(user_id=admin.id)).all()
    assert "Werbung" in notice.display_text and "appeal" in notice.display_text
    assert db.session.scalars(db.select(Notification).filter_by(user_id=member.id)).all() == []

    admin_client, member_client = app.test_client(), app.test_client()
    sign_in(admin_client, admin)
    page = admin_client.get("/account/sanctions").text
    assert "Werbung" in page and "hidden ·" in page  # the decision in words, not its code
    assert f'<a href="/organisations/{org.id}">{org.name}</a>' in page
    action_id = int(page.split("/account/sanctions/")[1].split("/appeal")[0])
    sign_in(member_client, member)
    refused = member_client.post(f"/account/sanctions/{action_id}/appeal", data={"text": "Ich auch"})
    assert refused.status_code == 403
    appealed = admin_client.post(f"/account/sanctions/{action_id}/appeal", data={"text": "Das ist unser Angebot."})
    assert appealed.status_code == 302
    second_moderator = make_token(make_user(role="moderator"))  # never the one who hid it
    assert [entry["kind"] for entry in queue(app, second_moderator)] == ["appeal"]
