"""Notifications: stored and delivered live, the bell and the list, and what creates them (mentions,
contact requests, new matching needs and offers), each shown in its reader's language."""
import json

import pytest
from flask import g
from flask_babel import lazy_gettext

from community.extensions import db
from community.i18n import N_
from community.notifications import services
from community.notifications.models import Notification
from community.profiles import services as profiles
from community.suggestions import contacts
from tests.factories import make_need, make_org, make_room, make_token, make_user, sign_in, socket_client


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
    assert notification.kind == "match" and "Akten GmbH" in notification.display_text


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


# --- each reader's language, whoever sent it ----------------------------------------------------


def live_texts(socket) -> list[str]:
    return [e["args"][0]["text"] for e in socket.get_received() if e["name"] == "notification"]


def list_page(app, user, locale: str) -> str:
    g.pop("_login_user", None)  # requests share the test's app context, and Flask-Login caches the user in g
    client = app.test_client()
    sign_in(client, user, locale=locale)
    return client.get("/notifications").get_data(as_text=True)


def api_texts(app, user) -> list[str]:
    # A client without a browser session: a session's language would win over the token user's.
    response = app.test_client().get("/api/v1/notifications", headers={"Authorization": f"Bearer {make_token(user)}"})
    assert response.status_code == 200
    return [item["text"] for item in response.get_json()["items"]]


READINGS = {
    "de": "Stadt Fragend möchte mit Ihrer Organisation Kontakt aufnehmen.",
    "en": "Stadt Fragend would like to get in touch with your organisation.",
}


@pytest.mark.parametrize("sender_locale, reader_locale", [("en", "de"), ("de", "en")])
def test_the_reader_gets_their_language_live_in_the_list_and_in_the_api(app, client, sender_locale,
                                                                         reader_locale):
    sender = make_user(make_org(name="Stadt Fragend"), locale=sender_locale)
    reader = make_user(make_org(), locale=reader_locale)
    live = socket_client(app, reader)
    response = client.post("/api/v1/contact-requests", headers={"Authorization": f"Bearer {make_token(sender)}"},
                           json={"to_organisation_id": reader.organisation_id, "message": "Hallo!"})
    assert response.status_code == 201
    assert live_texts(live) == [READINGS[reader_locale]]
    assert READINGS[reader_locale] in list_page(app, reader, reader_locale)
    assert api_texts(app, reader) == [READINGS[reader_locale]]


def test_without_a_stored_language_the_live_event_uses_the_default(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "de"
    reader = make_user(make_org())
    live = socket_client(app, reader)
    contacts.create_contact_request(make_user(make_org(name="Stadt Fragend"), locale="en"),
                                    {"to_organisation_id": reader.organisation_id, "message": "Hallo!"})
    assert live_texts(live) == [READINGS["de"]]


def test_a_translatable_value_follows_the_reader_too(app, client):
    author = make_user(make_org(), locale="de")
    moderator = make_user(role="moderator", locale="en")
    sign_in(client, moderator, locale="en")
    response = client.post(f"/moderation/users/{author.id}/sanction",
                           data={"kind": "mute", "reason": "Lärm", "days": "3"})
    assert response.status_code == 302
    assert api_texts(app, author) == ["Moderation: Sie wurden stummgeschaltet. Grund: Lärm"]


def test_a_topic_room_is_named_in_the_readers_language(app):
    alice = make_user(make_org(), name="Alice Adler", locale="en")
    bob = make_user(make_org(), name="Bob Brändle", locale="de")
    room = make_room("topic", [alice, bob], topic_slug="ozg")
    live = socket_client(app, bob)
    socket_client(app, alice).emit("send", {"room_id": room.id, "body": "@bob.braendle, eine Frage",
                                            "client_id": "m"}, callback=True)
    assert live_texts(live) == ["Alice Adler hat Sie in „Bürgerservice/OZG“ erwähnt"]


def test_notifications_stored_as_text_still_show(app, client):
    reader = make_user(make_org(), locale="de")
    db.session.add(Notification(user_id=reader.id, kind="mention", text="Anna hat Sie erwähnt"))
    db.session.commit()
    assert "Anna hat Sie erwähnt" in list_page(app, reader, "en")
    assert api_texts(app, reader) == ["Anna hat Sie erwähnt"]


def test_values_cannot_inject_markup(app, client):
    reader = make_user(make_org(), locale="de")
    services.notify([reader.id], "mention", N_("%(name)s mentioned you in “%(title)s”"),
                    name="<script>alert(1)</script>", title="<b>Thema</b>")
    page = list_page(app, reader, "de")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; hat Sie in „&lt;b&gt;Thema&lt;/b&gt;“ erwähnt" in page
    assert "<script>alert" not in page and "<b>Thema" not in page


def test_notify_refuses_translated_text(app):
    reader = make_user(make_org())
    with pytest.raises(TypeError):
        services.notify([reader.id], "mention", lazy_gettext("Notifications"))
    with pytest.raises(TypeError):
        services.notify([reader.id], "mention", N_("%(name)s mentioned you in “%(title)s”"),
                        name="Anna", title=lazy_gettext("Notifications"))
    assert notifications_of(reader) == []


def test_the_api_lists_only_ones_own_notifications(app, client):
    reader = make_user(make_org())
    services.notify([reader.id], "mention", "Eins")
    services.notify([make_user().id], "mention", "Fremd")
    services.notify([reader.id], "mention", "Zwei")
    assert api_texts(app, reader) == ["Zwei", "Eins"]
    assert client.get("/api/v1/notifications").status_code == 401


def test_the_data_export_has_the_notifications_in_the_exports_language(app, client):
    reader = make_user(make_org(), locale="en")
    contacts.create_contact_request(make_user(make_org(name="Stadt Fragend")),
                                    {"to_organisation_id": reader.organisation_id, "message": "Hallo!"})
    g.pop("_login_user", None)
    sign_in(client, reader, locale="de")
    exported = json.loads(client.get("/account/export").data)["notifications"]
    assert [(item["kind"], item["text"]) for item in exported] == [("contact_request", READINGS["de"])]
