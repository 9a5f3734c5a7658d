"""The Socket.IO protocol of the rooms (docs/realtime.md), through Flask-SocketIO's test client."""
import pytest

from community.extensions import db, socketio
from community.rooms.messages import BODY_MAX
from community.rooms.models import Message, RoomMember
from tests.factories import make_org, make_room, make_token, make_user, socket_client


def events(client, name: str) -> list:
    """The payloads of the events `name` the client received since the last call."""
    # The test client unpacks the arguments of an event named "message" (Socket.IO's send()).
    return [event["args"] if event["name"] == "message" else event["args"][0]
            for event in client.get_received() if event["name"] == name]


def stored_messages() -> list[Message]:
    return list(db.session.scalars(db.select(Message).order_by(Message.id)))


@pytest.fixture
def people(app):
    org_a, org_b, org_c = make_org(), make_org(), make_org()
    alice, bob, carol = make_user(org_a, name="Alice Adler"), make_user(org_b, name="Bob Brandt"), make_user(org_c)
    room = make_room("partner", [alice, bob])
    return alice, bob, carol, room


def joined(app, user, room):
    client = socket_client(app, user)
    assert client.emit("join", {"room_id": room.id}, callback=True)["ok"] is True
    client.get_received()
    return client


def test_unauthenticated_connect_is_refused(app):
    assert not socket_client(app).is_connected()


def test_unknown_token_is_refused(app):
    assert not socket_client(app, token="kn_not-a-token").is_connected()


def test_token_in_auth_payload_authenticates(app, people):
    alice, _bob, _carol, room = people
    client = socket_client(app, token=make_token(alice))
    assert client.is_connected()
    assert client.emit("join", {"room_id": room.id}, callback=True)["ok"] is True


def test_join_answers_the_room_and_its_last_id(app, people):
    alice, bob, _carol, room = people
    bob_client = joined(app, bob, room)
    bob_client.emit("send", {"room_id": room.id, "body": "Hallo", "client_id": "c1"}, callback=True)
    ack = socket_client(app, alice).emit("join", {"room_id": room.id}, callback=True)
    assert ack["room"]["id"] == room.id and ack["room"]["kind"] == "partner"
    assert ack["last_id"] == stored_messages()[-1].id


def test_join_of_a_partner_room_one_is_not_in_is_forbidden(app, people):
    _alice, _bob, carol, room = people
    ack = socket_client(app, carol).emit("join", {"room_id": room.id}, callback=True)
    assert ack["error"]["code"] == "forbidden"


def test_join_of_a_missing_room_is_not_found(app, people):
    alice = people[0]
    assert socket_client(app, alice).emit("join", {"room_id": 999}, callback=True)["error"]["code"] == "not_found"


def test_everyone_may_join_a_topic_room_and_becomes_a_member(app, people):
    carol = people[2]
    topic_room = make_room("topic", topic_slug="ozg")
    assert socket_client(app, carol).emit("join", {"room_id": topic_room.id}, callback=True)["ok"] is True
    assert db.session.get(RoomMember, (topic_room.id, carol.id)) is not None


@pytest.mark.parametrize("payload", [None, "text", [1], {"room_id": "1"}, {"room_id": True}, {"room_id": 1, "x": 1}])
def test_malformed_join_payload_is_invalid(app, people, payload):
    alice = people[0]
    assert socket_client(app, alice).emit("join", payload, callback=True)["error"]["code"] == "invalid"


def test_send_stores_then_broadcasts_to_the_room(app, people):
    alice, bob, _carol, room = people
    alice_client, bob_client = joined(app, alice, room), joined(app, bob, room)
    ack = alice_client.emit("send", {"room_id": room.id, "body": "**Hallo** Bob", "client_id": "a-1"}, callback=True)
    [message] = events(bob_client, "message")
    assert ack == {"ok": True, "id": stored_messages()[0].id}
    assert message["id"] == ack["id"] and message["client_id"] == "a-1"
    assert message["body_html"] == "<p><strong>Hallo</strong> Bob</p>\n"
    assert message["author"] == {"id": alice.id, "name": alice.display_name}


def test_message_ids_increase(app, people):
    alice, _bob, _carol, room = people
    client = joined(app, alice, room)
    ids = [client.emit("send", {"room_id": room.id, "body": f"Nachricht {n}", "client_id": f"c{n}"},
                       callback=True)["id"] for n in range(3)]
    assert ids == sorted(ids) and len(set(ids)) == 3


def test_the_same_client_id_twice_stores_one_message(app, people):
    alice, bob, _carol, room = people
    alice_client, bob_client = joined(app, alice, room), joined(app, bob, room)
    first = alice_client.emit("send", {"room_id": room.id, "body": "Einmal", "client_id": "same"}, callback=True)
    second = alice_client.emit("send", {"room_id": room.id, "body": "Einmal", "client_id": "same"}, callback=True)
    assert first == second
    assert len(stored_messages()) == 1
    assert len(events(bob_client, "message")) == 1


@pytest.mark.parametrize("payload, code", [
    ({"body": ""}, "invalid"),
    ({"body": "   \n "}, "invalid"),
    ({"body": 42}, "invalid"),
    ({"body": "x", "client_id": "c" * 65}, "invalid"),
    ({"body": "x", "client_id": 7}, "invalid"),
    ({"body": "x", "extra": "field"}, "invalid"),
    ({"body": "x" * (BODY_MAX + 1)}, "too_large"),
])
def test_bad_send_payload_stores_and_broadcasts_nothing(app, people, payload, code):
    alice, bob, _carol, room = people
    alice_client, bob_client = joined(app, alice, room), joined(app, bob, room)
    ack = alice_client.emit("send", {"room_id": room.id, **payload}, callback=True)
    assert ack["error"]["code"] == code
    assert stored_messages() == []
    assert events(bob_client, "message") == []


def test_send_to_a_room_one_is_not_in_is_forbidden(app, people):
    _alice, _bob, carol, room = people
    ack = socket_client(app, carol).emit("send", {"room_id": room.id, "body": "Hallo"}, callback=True)
    assert ack["error"]["code"] == "forbidden"
    assert stored_messages() == []


def test_markup_in_a_message_is_rendered_safe(app, people):
    app.config["MODERATION_FIRST_POSTS"] = 0  # an established account: new ones may post no links at all
    alice, _bob, _carol, room = people
    client = joined(app, alice, room)
    client.emit("send", {"room_id": room.id, "body": '<script>alert(1)</script> [x](javascript:alert(1))',
                         "client_id": "xss"}, callback=True)
    [message] = events(client, "message")
    assert "<script" not in message["body_html"] and "href" not in message["body_html"]
    assert "&lt;script&gt;" in message["body_html"]


def test_sync_returns_the_gap_in_order_with_paging(app, people, monkeypatch):
    alice, bob, _carol, room = people
    sender = joined(app, bob, room)
    ids = [sender.emit("send", {"room_id": room.id, "body": f"Nr. {n}", "client_id": f"s{n}"}, callback=True)["id"]
           for n in range(5)]
    monkeypatch.setattr("community.rooms.messages.SYNC_PAGE", 2)
    client = joined(app, alice, room)
    first = client.emit("sync", {"room_id": room.id, "after_id": ids[0]}, callback=True)
    second = client.emit("sync", {"room_id": room.id, "after_id": first["messages"][-1]["id"]}, callback=True)
    assert [m["id"] for m in first["messages"]] == ids[1:3] and first["has_more"] is True
    assert [m["id"] for m in second["messages"]] == ids[3:5] and second["has_more"] is False


def test_sync_with_a_negative_after_id_is_invalid(app, people):
    alice, _bob, _carol, room = people
    ack = joined(app, alice, room).emit("sync", {"room_id": room.id, "after_id": -1}, callback=True)
    assert ack["error"]["code"] == "invalid"


def test_history_pages_back_before_an_id(app, people, monkeypatch):
    alice, _bob, _carol, room = people
    client = joined(app, alice, room)
    ids = [client.emit("send", {"room_id": room.id, "body": f"Nr. {n}", "client_id": f"h{n}"}, callback=True)["id"]
           for n in range(4)]
    monkeypatch.setattr("community.rooms.messages.HISTORY_PAGE", 2)
    ack = client.emit("history", {"room_id": room.id, "before_id": ids[3]}, callback=True)
    assert [m["id"] for m in ack["messages"]] == ids[1:3] and ack["has_more"] is True


def test_edit_own_message_broadcasts_the_update(app, people):
    alice, bob, _carol, room = people
    alice_client, bob_client = joined(app, alice, room), joined(app, bob, room)
    message_id = alice_client.emit("send", {"room_id": room.id, "body": "Tippfeler", "client_id": "e"},
                                   callback=True)["id"]
    assert alice_client.emit("edit", {"message_id": message_id, "body": "Tippfehler"}, callback=True)["ok"]
    [updated] = events(bob_client, "message_updated")
    assert updated["id"] == message_id and updated["body_html"] == "<p>Tippfehler</p>\n"
    assert updated["edited_at"] is not None


def test_edit_of_anothers_message_is_forbidden(app, people):
    alice, bob, _carol, room = people
    message_id = joined(app, alice, room).emit("send", {"room_id": room.id, "body": "Meins", "client_id": "m"},
                                               callback=True)["id"]
    ack = joined(app, bob, room).emit("edit", {"message_id": message_id, "body": "Deins"}, callback=True)
    assert ack["error"]["code"] == "forbidden"
    assert db.session.get(Message, message_id).body == "Meins"


def test_delete_own_message_broadcasts_the_deletion(app, people):
    alice, bob, _carol, room = people
    alice_client, bob_client = joined(app, alice, room), joined(app, bob, room)
    message_id = alice_client.emit("send", {"room_id": room.id, "body": "Weg damit", "client_id": "d"},
                                   callback=True)["id"]
    assert alice_client.emit("delete", {"message_id": message_id}, callback=True)["ok"]
    assert events(bob_client, "message_deleted") == [{"id": message_id, "room_id": room.id}]


def test_delete_of_anothers_message_is_forbidden(app, people):
    alice, bob, _carol, room = people
    message_id = joined(app, alice, room).emit("send", {"room_id": room.id, "body": "Meins", "client_id": "m"},
                                               callback=True)["id"]
    ack = joined(app, bob, room).emit("delete", {"message_id": message_id}, callback=True)
    assert ack["error"]["code"] == "forbidden"
    assert db.session.get(Message, message_id).deleted_at is None


def test_message_of_a_room_one_cannot_see_is_not_found(app, people):
    alice, _bob, carol, room = people
    message_id = joined(app, alice, room).emit("send", {"room_id": room.id, "body": "Privat", "client_id": "p"},
                                               callback=True)["id"]
    ack = socket_client(app, carol).emit("delete", {"message_id": message_id}, callback=True)
    assert ack["error"]["code"] == "not_found"


def test_sync_brings_the_edits_and_deletions_missed_since_the_last_sync(app, people):
    alice, bob, _carol, room = people
    bob_client = joined(app, bob, room)
    kept, edited, deleted = [bob_client.emit("send", {"room_id": room.id, "body": f"Nr. {n}", "client_id": f"c{n}"},
                                             callback=True)["id"] for n in range(3)]
    alice_client = joined(app, alice, room)
    first = alice_client.emit("sync", {"room_id": room.id, "after_id": 0}, callback=True)
    assert [m["id"] for m in first["messages"]] == [kept, edited, deleted] and first["changed"] == []

    # Alice is offline now: these reach her only through the next sync.
    bob_client.emit("edit", {"message_id": edited, "body": "Nr. 1, berichtigt"}, callback=True)
    bob_client.emit("delete", {"message_id": deleted}, callback=True)
    again = alice_client.emit("sync", {"room_id": room.id, "after_id": deleted, "changed_since": first["server_time"]},
                              callback=True)

    assert again["messages"] == []
    assert [(m["id"], m["body"], m["deleted"]) for m in again["changed"]] == [
        (edited, "Nr. 1, berichtigt", False), (deleted, "", True)]
    later = alice_client.emit("sync", {"room_id": room.id, "after_id": deleted, "changed_since": again["server_time"]},
                              callback=True)
    assert later["changed"] == []


@pytest.mark.parametrize("since", ["gestern", "2026-11-25T10:00:00", "2026-11-25T10:00:00+01:00Z", 1700000000])
def test_sync_refuses_a_changed_since_that_is_no_server_time(app, people, since):
    alice, _bob, _carol, room = people
    ack = joined(app, alice, room).emit("sync", {"room_id": room.id, "after_id": 0, "changed_since": since},
                                        callback=True)
    assert ack["error"]["code"] == "invalid" and "changed_since" in ack["error"]["fields"]


def test_presence_lists_who_joined_and_drops_who_left(app, people):
    alice, bob, _carol, room = people
    alice_client = joined(app, alice, room)
    bob_client = socket_client(app, bob)
    bob_client.emit("join", {"room_id": room.id}, callback=True)
    assert {u["id"] for u in events(alice_client, "presence")[-1]["users"]} == {alice.id, bob.id}
    bob_client.disconnect()
    assert [u["id"] for u in events(alice_client, "presence")[-1]["users"]] == [alice.id]


def test_new_accounts_post_no_links_in_rooms(app, people):
    alice, bob, _carol, room = people
    alice_client, bob_client = joined(app, alice, room), joined(app, bob, room)
    link = {"room_id": room.id, "body": "Schaut mal: https://example.org/angebot", "client_id": "l1"}

    ack = alice_client.emit("send", link, callback=True)

    assert ack["error"]["code"] == "invalid" and "links" in ack["error"]["fields"]["body"]
    assert stored_messages() == [] and events(bob_client, "message") == []
    plain = alice_client.emit("send", {"room_id": room.id, "body": "Ohne Link", "client_id": "p1"}, callback=True)
    edited = alice_client.emit("edit", {"message_id": plain["id"], "body": "Doch: https://example.org"}, callback=True)
    assert edited["error"]["code"] == "invalid" and stored_messages()[0].body == "Ohne Link"

    app.config["MODERATION_FIRST_POSTS"] = 0  # no longer new
    assert alice_client.emit("send", link, callback=True)["ok"] is True


def test_presence_goes_out_at_most_once_per_interval_with_the_last_change(app, people):
    app.config["PRESENCE_INTERVAL"] = 0.5  # before the first presence() call of this app
    alice, bob, carol, _room = people
    topic_room = make_room("topic", [], topic_slug="ozg", topics=["ozg"])
    alice_client = joined(app, alice, topic_room)  # announced at once: the room was quiet
    joined(app, bob, topic_room)
    joined(app, carol, topic_room)
    assert events(alice_client, "presence") == [], "announced again within the interval"

    socketio.sleep(0.8)  # the server's own sleep: lets its timer (a greenlet under gevent) run
    announced = events(alice_client, "presence")
    assert [{user["id"] for user in event["users"]} for event in announced] == [{alice.id, bob.id, carol.id}]


def test_typing_is_relayed_to_the_others_only(app, people):
    alice, bob, _carol, room = people
    alice_client, bob_client = joined(app, alice, room), joined(app, bob, room)
    alice_client.get_received()
    assert alice_client.emit("typing", {"room_id": room.id}, callback=True)["ok"]
    assert events(bob_client, "typing") == [{"room_id": room.id, "user": {"id": alice.id, "name": alice.display_name}}]
    assert events(alice_client, "typing") == []


def test_typing_before_joining_is_forbidden(app, people):
    alice, _bob, _carol, room = people
    assert socket_client(app, alice).emit("typing", {"room_id": room.id}, callback=True)["error"]["code"] == "forbidden"


def test_leave_removes_one_from_the_room(app, people):
    alice, bob, _carol, room = people
    alice_client, bob_client = joined(app, alice, room), joined(app, bob, room)
    assert bob_client.emit("leave", {"room_id": room.id}, callback=True)["ok"]
    alice_client.emit("send", {"room_id": room.id, "body": "Noch da?", "client_id": "l"}, callback=True)
    assert events(bob_client, "message") == []


def test_events_beyond_the_rate_limit_are_refused(app, people):
    app.config.update(RATE_LIMITS_ENABLED=True, RATELIMIT_SOCKET="3 per minute")
    alice, _bob, _carol, room = people
    client = socket_client(app, alice)
    acks = [client.emit("send", {"room_id": room.id, "body": f"Nr. {n}", "client_id": f"r{n}"}, callback=True)
            for n in range(4)]
    assert [("ok" in ack) for ack in acks] == [True, True, True, False]
    assert acks[-1]["error"]["code"] == "rate_limited"
    assert len(stored_messages()) == 3


def test_a_question_gets_matches_for_its_poster_only(app, people):
    from tests.factories import make_offer

    alice, bob, _carol, room = people
    make_offer(make_org(name="Akten GmbH", kind="company"), title="E-Akte Einführung",
               body="Wir führen die elektronische Akte in Kommunen ein.")
    alice_client, bob_client = joined(app, alice, room), joined(app, bob, room)
    alice_client.emit("send", {"room_id": room.id, "body": "Wer kennt sich mit der E-Akte aus?",
                               "client_id": "q"}, callback=True)
    [match] = events(alice_client, "match")
    assert match["text"] == "This might help: …"
    assert match["matches"][0]["organisation"]["name"] == "Akten GmbH"
    assert events(bob_client, "match") == []


def test_room_suggestions_leave_out_the_participants_and_ignore_their_names(app, people):
    """'Wer helfen könnte' never names who is already in the room, nor their offers, and matches on
    the room's talk, not on the organisations' names in a partner room's title."""
    from tests.factories import make_offer

    alice, bob, _carol, room = people
    vendor = bob.organisation
    vendor.name = "Scan Service Muster GmbH"
    room.title = f"{alice.organisation.name} – Scan Service Muster GmbH"
    make_offer(vendor, title="Scannen von Bauakten", body="Wir digitalisieren Bauakten und Grundbuchakten.")
    make_offer(make_org(name="Service Muster Scan AG", kind="company"), title="Service-Scan-Muster",
               body="Scan Service Muster GmbH Scan Service Muster.")
    helper = make_org(name="Archiv Digital GmbH", kind="company")
    make_offer(helper, title="Digitalisierung von Bauakten", body="Wir scannen Bauakten für Bauämter.")
    db.session.commit()
    alice_client = joined(app, alice, room)
    alice_client.emit("send", {"room_id": room.id, "body": "Hallo Scan Service Muster GmbH, wir haben 4000 Bauakten.",
                               "client_id": "m1"}, callback=True)
    from community.rooms import live

    matches = live.room_matches(alice, room)
    names = [match["organisation"]["name"] for match in matches]
    assert names and names[0] == "Archiv Digital GmbH"
    assert "Scan Service Muster GmbH" not in names and "Service Muster Scan AG" not in names
    alice_client.emit("send", {"room_id": room.id, "body": "Wer kennt sich mit Bauakten aus?", "client_id": "q"},
                      callback=True)
    [match] = events(alice_client, "match")
    assert {item["organisation"]["name"] for item in match["matches"]} == {"Archiv Digital GmbH"}
