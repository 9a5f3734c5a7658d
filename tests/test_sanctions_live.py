"""A suspension or ban stops the user everywhere: open sockets hear why and are closed, new sockets are refused,
pages say why and until when (docs/moderation.md, docs/realtime.md)."""
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest
from flask import g
from socketio import packet

from community.extensions import db, socketio
from community.moderation import sanctions
from community.moderation.models import Sanction
from tests.factories import make_org, make_room, make_token, make_user, sign_in, socket_client


@pytest.fixture
def people(app):
    return {"moderator": make_user(role="moderator"), "member": make_user(make_org(), name="Lena Hoffmann"),
            "other": make_user(make_org())}


def impose(client, moderator, user, kind: str, reason: str, days: int | None = None):
    """A moderator imposes a sanction through the sanction form."""
    sign_in(client, moderator)
    data = {"kind": kind, "reason": reason, **({"days": str(days)} if days else {})}
    response = client.post(f"/moderation/users/{user.id}/sanction", data=data)
    assert response.status_code == 302, response.text
    g.pop("_login_user", None)  # the test's app context is shared with the requests (see socket_client)


def received(socket, name: str) -> list[dict]:
    # Read from the queue: get_received() refuses once the server has closed the connection.
    return [event["args"][0] for event in socket.queue if event["name"] == name]


def refusal(monkeypatch, socket, auth: dict | None = None) -> dict:
    """Connect `socket` again and return what the server refused it with (the CONNECT_ERROR data)."""
    sent = []
    send = socketio.server._send_packet
    monkeypatch.setattr(socketio.server, "_send_packet", lambda eio_sid, pkt: (sent.append(pkt), send(eio_sid, pkt)))
    g.pop("_login_user", None)
    socket.connect(auth=auth)
    assert not socket.is_connected()
    return next(pkt.data for pkt in sent if pkt.packet_type == packet.CONNECT_ERROR)


def test_a_suspension_tells_every_socket_of_the_user_why_then_closes_them(app, client, people):
    by_cookie, by_token = socket_client(app, people["member"]), socket_client(app, token=make_token(people["member"]))
    bystander = socket_client(app, people["other"])

    impose(client, people["moderator"], people["member"], "suspend", "Beleidigungen im Raum", days=7)

    suspension = db.session.scalars(db.select(Sanction)).one()
    for socket in (by_cookie, by_token):
        assert not socket.is_connected()
        [event] = received(socket, "sanction")
        assert event["code"] == "banned" and event["kind"] == "suspend"
        assert event["reason"] == "Beleidigungen im Raum"
        assert event["ends_at"] == suspension.ends_at.isoformat() + "Z"
        assert "Beleidigungen im Raum" in event["message"] and event["url"] == "/account/sanctions"
    assert bystander.is_connected() and received(bystander, "sanction") == []


def test_a_closed_socket_no_longer_receives_room_messages(app, client, people):
    member, other = people["member"], people["other"]
    room = make_room("partner", [member, other])
    listener = socket_client(app, member)
    assert listener.emit("join", {"room_id": room.id}, callback=True)["ok"]
    impose(client, people["moderator"], member, "ban", "Spam")

    speaker = socket_client(app, other)
    assert speaker.emit("join", {"room_id": room.id}, callback=True)["ok"]
    assert speaker.emit("send", {"room_id": room.id, "body": "Noch jemand da?"}, callback=True)["ok"]

    assert received(listener, "message") == []


def test_a_mute_keeps_the_socket_open(app, client, people):
    socket = socket_client(app, people["member"])
    impose(client, people["moderator"], people["member"], "mute", "Zu laut", days=1)
    assert socket.is_connected() and received(socket, "sanction") == []


def test_a_suspended_users_new_socket_is_refused_with_the_reason_and_end_date(app, client, people, monkeypatch):
    socket = socket_client(app, people["member"])
    impose(client, people["moderator"], people["member"], "suspend", "Beleidigungen", days=3)

    refused = refusal(monkeypatch, socket)

    assert refused["data"]["code"] == "banned" and refused["data"]["kind"] == "suspend"
    assert refused["data"]["reason"] == "Beleidigungen" and refused["data"]["ends_at"]
    assert "Beleidigungen" in refused["message"]


def test_a_banned_users_token_socket_is_refused_as_banned(app, client, people, monkeypatch):
    token = make_token(people["member"])
    socket = socket_client(app, token=token)
    impose(client, people["moderator"], people["member"], "ban", "Spam")

    refused = refusal(monkeypatch, socket, auth={"token": token})

    assert refused["data"]["code"] == "banned" and refused["data"]["ends_at"] is None


def test_once_lifted_the_user_connects_again(app, client, people):
    impose(client, people["moderator"], people["member"], "suspend", "x", days=1)
    sanctions.lift(people["moderator"], db.session.scalars(db.select(Sanction)).one().id, {"reason": "Versehen"})
    assert socket_client(app, people["member"]).is_connected()


def test_pages_show_a_suspended_user_the_reason_and_end_date(app, client, people):
    impose(client, people["moderator"], people["member"], "suspend", "Beleidigungen im Forum", days=7)
    sign_in(client, people["member"])

    for path in ("/forums/", "/rooms", f"/organisations/{people['member'].organisation_id}"):
        response = client.get(path)
        assert response.status_code == 403
        assert "Your account is suspended" in response.text and "Beleidigungen im Forum" in response.text
    ends_at = db.session.scalars(db.select(Sanction)).one().ends_at
    shown_in_berlin = ends_at.replace(tzinfo=timezone.utc).astimezone(ZoneInfo("Europe/Berlin"))
    assert shown_in_berlin.strftime("%-m/%-d/%y") in client.get("/forums/").text


def test_a_banned_user_is_told_so_and_may_still_read_their_decisions_and_log_out(app, client, people):
    impose(client, people["moderator"], people["member"], "ban", "Spam")
    sign_in(client, people["member"])

    assert "Your account is banned" in client.get("/").text
    assert client.get("/account/sanctions").status_code == 200
    assert client.get("/account/export").status_code == 200
    assert client.post("/logout").status_code == 302


def test_pages_are_open_again_after_the_suspension_is_lifted(app, client, people):
    impose(client, people["moderator"], people["member"], "suspend", "x", days=1)
    sanctions.lift(people["moderator"], db.session.scalars(db.select(Sanction)).one().id, {"reason": "Versehen"})
    sign_in(client, people["member"])
    assert client.get("/forums/").status_code == 200


def test_the_api_answers_a_suspended_users_token_with_banned_and_the_reason(app, client, people):
    token = make_token(people["member"])
    impose(client, people["moderator"], people["member"], "suspend", "Werbung in Räumen", days=3)

    response = app.test_client().get("/api/v1/profile", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "banned" and "suspended until" in error["message"] and "Werbung in Räumen" in error["message"]
    unknown = app.test_client().get("/api/v1/profile", headers={"Authorization": "Bearer kn_unknown"})
    assert unknown.status_code == 401


def test_a_suspended_user_may_still_delete_their_account(app, client, people):
    from tests.factories import PASSWORD

    impose(client, people["moderator"], people["member"], "suspend", "Beleidigungen", days=7)
    sign_in(client, people["member"])

    assert "Delete account" in client.get("/account/").text
    response = client.post("/account/delete", data={"password": PASSWORD})

    assert response.status_code == 302
    assert db.session.get(type(people["member"]), people["member"].id).deleted_at is not None
