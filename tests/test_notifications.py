"""Notifications: stored and delivered live, the bell and the list, and what creates them (mentions,
contact requests, new matching needs and offers)."""
import pytest

from community.extensions import db
from community.notifications import services
from community.notifications.models import Notification
from community.profiles import services as profiles
from community.suggestions import contacts
from tests.factories import make_need, make_org, make_room, make_user, sign_in, socket_client


def notifications_of(user) -> list[Notification]:
    return list(db.session.scalars(db.select(Notification).filter(Notification.user_id == user.id)))


def test_notify_stores_then_emits_to_the_users_channel(app):
    user, other = make_user(make_org()), make_user(make_org())
    own_socket, other_socket = socket_client(app, user), socket_client(app, other)
    [stored] = services.notify([user.id, user.id], "mention", "Hallo", "/rooms")
    received = [e["args"][0] for e in own_socket.get_received() if e["name"] == "notification"]
    assert received == [services.notification_to_dict(stored)]
    assert [e for e in other_socket.get_received() if e["name"] == "notification"] == []


def test_the_bell_shows_the_unread_count(app, client):
    user = make_user(make_org())
    services.notify([user.id], "mention", "Eins")
    services.notify([user.id], "mention", "Zwei")
    sign_in(client, user)
    assert 'id="notification-bell" data-unread="2"' in client.get("/rooms").get_data(as_text=True)


def test_list_shows_ones_notifications(app, client):
    user = make_user(make_org())
    services.notify([user.id], "mention", "Jemand hat dich erwähnt")
    services.notify([make_user().id], "mention", "Nicht für dich")
    sign_in(client, user)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Jemand hat dich erwähnt" in page and "Nicht für dich" not in page


def test_marking_read_lowers_the_count(app, client):
    user = make_user(make_org())
    [notification] = services.notify([user.id], "mention", "Eins", "/rooms")
    sign_in(client, user)
    response = client.post(f"/notifications/{notification.id}/read", data={"open": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/rooms")
    assert services.unread_count(user) == 0


def test_marking_anothers_notification_is_not_found(app, client):
    [notification] = services.notify([make_user().id], "mention", "Fremd")
    sign_in(client, make_user(make_org()))
    assert client.post(f"/notifications/{notification.id}/read").status_code == 404
    assert db.session.get(Notification, notification.id).read_at is None


def test_mark_all_read(app, client):
    user = make_user(make_org())
    services.notify([user.id], "mention", "Eins")
    services.notify([user.id], "mention", "Zwei")
    sign_in(client, user)
    client.post("/notifications/read")
    assert services.unread_count(user) == 0


def test_a_mention_notifies_the_mentioned_member_only(app):
    alice = make_user(make_org(), name="Alice Adler")
    bob = make_user(make_org(), name="Bob Brändle")
    outsider = make_user(make_org(), name="Carl Clever")
    room = make_room("partner", [alice, bob])
    client = socket_client(app, alice)
    client.emit("send", {"room_id": room.id, "body": "@bob.braendle und @carl.clever, schaut mal", "client_id": "m"},
                callback=True)
    assert [n.kind for n in notifications_of(bob)] == ["mention"]
    assert notifications_of(outsider) == [] and notifications_of(alice) == []


def test_a_contact_request_notifies_the_receiving_organisation(app):
    asking, asked = make_org(), make_org(name="Stadt Gefragt")
    requester = make_user(asking)
    first, second = make_user(asked), make_user(asked)
    contacts.create_contact_request(requester, {"to_organisation_id": asked.id, "message": "Hallo!"})
    assert [n.kind for n in notifications_of(first)] == ["contact_request"]
    assert len(notifications_of(second)) == 1 and notifications_of(requester) == []


@pytest.fixture
def seeker(app):
    app.config["MATCH_NOTIFY_THRESHOLD"] = 0.05
    org = make_org(name="Gemeinde Sucht")
    make_need(org, title="E-Akte einführen", body="Wir suchen Erfahrungen mit der elektronischen Akte.")
    return make_user(org)


def offer_data(**fields) -> dict:
    return {"title": "E-Akte für Kommunen", "body": "Wir führen die elektronische Akte in Kommunen ein.",
            "topics": ["eakte"], **fields}


def test_a_new_matching_offer_notifies_the_organisation_with_the_need(app, seeker):
    vendor = make_org(name="Akten GmbH", kind="company")
    profiles.create_entry(make_user(vendor), vendor, "offer", offer_data())
    [notification] = notifications_of(seeker)
    assert notification.kind == "match" and "Akten GmbH" in notification.text


def test_a_match_is_announced_once_per_organisation_and_record(app, seeker):
    vendor = make_org(kind="company")
    author = make_user(vendor)
    offer = profiles.create_entry(author, vendor, "offer", offer_data())
    profiles.update_entry(author, offer, offer_data(title="E-Akte für Kommunen, jetzt günstiger"))
    assert len(notifications_of(seeker)) == 1


def test_no_match_notice_below_the_threshold(app, seeker):
    app.config["MATCH_NOTIFY_THRESHOLD"] = 1.0
    vendor = make_org(kind="company")
    profiles.create_entry(make_user(vendor), vendor, "offer", offer_data())
    assert notifications_of(seeker) == []
