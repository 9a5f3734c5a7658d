"""One moderation system: reports, the queue, actions, statements of reasons, appeals, sanctions, the log."""
from datetime import timedelta

import pytest

from community.errors import NotFound, PermissionDenied
from community.extensions import db
from community.forums import services as forums
from community.forums.models import Forum, Post
from community.models_base import utcnow
from community.moderation import sanctions, services
from community.moderation.models import AppendOnlyViolation, ModerationAction, ModeratorAssignment, Sanction
from community.notifications.models import Notification
from community.rooms.models import Message
from tests.factories import PASSWORD, make_org, make_room, make_token, make_user, sign_in


@pytest.fixture
def world(app):
    forums.ensure_topic_forums()
    forum, other_forum = db.session.scalars(db.select(Forum).order_by(Forum.id).limit(2)).all()
    author = make_user(make_org(verified=True), name="Lena Hoffmann")
    thread = forums.create_thread(author, forum, {"title": "OZG-Leistung Wohngeld", "body": "Erfahrungen?"})
    post = forums.reply(author, thread, {"body": "Ein Beitrag"})
    forum_moderator = make_user(make_org())
    db.session.add(ModeratorAssignment(user_id=forum_moderator.id, forum_id=forum.id))
    other_moderator = make_user(make_org())
    db.session.add(ModeratorAssignment(user_id=other_moderator.id, forum_id=other_forum.id))
    db.session.commit()
    return {"forum": forum, "other_forum": other_forum, "thread": thread, "post": post, "author": author,
            "forum_moderator": forum_moderator, "other_moderator": other_moderator,
            "moderator": make_user(role="moderator"), "second_moderator": make_user(role="moderator"),
            "reporter": make_user(make_org()), "reporter2": make_user(make_org())}


def _report(world, who="reporter", reason="spam"):
    return services.report(world[who], {"item_type": "post", "item_id": world["post"].id, "reason": reason,
                                        "text": "Werbung"})


def test_duplicate_reports_merge_with_count_and_reporters(world):
    first = _report(world)
    second = _report(world, "reporter2", "insult")
    assert first.id == second.id and second.count == 2
    assert {entry.reporter_id for entry in second.reporters} == {world["reporter"].id, world["reporter2"].id}


def test_the_same_person_reporting_twice_counts_once(world):
    _report(world)
    assert _report(world).count == 1


def test_report_of_a_missing_item_is_not_found(world):
    with pytest.raises(NotFound):
        services.report(world["reporter"], {"item_type": "post", "item_id": 999999, "reason": "spam"})


def test_report_of_a_deleted_item_is_a_clear_404_over_http(client, world):
    services.act(world["moderator"], {"action": "delete", "item_type": "post", "item_id": world["post"].id,
                                      "reason": "Spam"})
    sign_in(client, world["reporter"])
    response = client.post(f"/report/post/{world['post'].id}", data={"reason": "spam"})
    assert response.status_code == 404


def test_queue_lists_reported_items_oldest_first_for_moderators_of_their_forum(world):
    _report(world)
    entries = services.queue(world["forum_moderator"]).items
    assert [(entry.kind, entry.item.id) for entry in entries] == [("report", world["post"].id)]
    assert services.queue(world["other_moderator"]).items == []


def test_queue_is_forbidden_to_members(client, world):
    sign_in(client, world["reporter"])
    assert client.get("/moderation/queue").status_code == 403


def test_hide_tells_the_author_why_and_closes_the_report(world):
    _report(world)
    outcome = services.act(world["forum_moderator"], {"action": "hide", "item_type": "post",
                                                      "item_id": world["post"].id, "reason": "Werbung"})
    assert outcome.action is not None and world["post"].status == "hidden"
    assert services.queue(world["forum_moderator"]).items == []
    notice = db.session.scalars(db.select(Notification).filter_by(user_id=world["author"].id, kind="moderation")).one()
    assert "Werbung" in notice.display_text and "appeal" in notice.display_text


def test_a_hidden_post_leaves_a_placeholder_with_the_reason_for_readers(client, world):
    world["post"].body = "Kaufen Sie jetzt unser Produkt"
    db.session.commit()
    services.act(world["moderator"], {"action": "hide", "item_type": "post", "item_id": world["post"].id,
                                      "reason": "Werbung ohne Bezug"})
    reader = make_user(make_org())
    for viewer in (None, reader):
        if viewer:
            sign_in(client, viewer)
        page = client.get(f"/forums/threads/{world['thread'].id}").get_data(as_text=True)
        assert f'id="post-{world["post"].id}"' in page
        assert "Post hidden: Werbung ohne Bezug" in page and "Kaufen Sie jetzt" not in page
    sign_in(client, world["moderator"])
    page = client.get(f"/forums/threads/{world['thread'].id}").get_data(as_text=True)
    assert "Kaufen Sie jetzt" in page and "Post hidden:" not in page  # moderators still see the text
    services.act(world["moderator"], {"action": "unhide", "item_type": "post", "item_id": world["post"].id,
                                      "reason": "Irrtum"})
    sign_in(client, reader)
    page = client.get(f"/forums/threads/{world['thread'].id}").get_data(as_text=True)
    assert "Kaufen Sie jetzt" in page and "Post hidden:" not in page


def test_hide_needs_a_reason(world):
    with pytest.raises(Exception) as error:
        services.act(world["moderator"], {"action": "hide", "item_type": "post", "item_id": world["post"].id})
    assert "reason" in error.value.fields


def test_second_hide_is_a_no_op_and_logs_once(world):
    data = {"action": "hide", "item_type": "post", "item_id": world["post"].id, "reason": "Spam"}
    services.act(world["moderator"], data)
    second = services.act(world["second_moderator"], data)
    assert second.action is None and "already" in second.message
    assert db.session.scalar(db.select(db.func.count(ModerationAction.id)).filter_by(action="hide")) == 1


def test_unhide_restores_the_post(world):
    data = {"item_type": "post", "item_id": world["post"].id, "reason": "Spam"}
    services.act(world["moderator"], {**data, "action": "hide"})
    services.act(world["moderator"], {**data, "action": "unhide"})
    assert world["post"].status == "published"


def test_forum_moderator_cannot_act_in_another_forum(client, world):
    sign_in(client, world["other_moderator"])
    response = client.post("/moderation/actions", data={"action": "hide", "item_type": "post",
                                                        "item_id": world["post"].id, "reason": "x"})
    assert response.status_code == 403


def test_edit_with_reason_keeps_a_revision(world):
    services.act(world["moderator"], {"action": "edit", "item_type": "post", "item_id": world["post"].id,
                                      "reason": "Telefonnummer entfernt", "text": "Gekürzt"})
    assert world["post"].body == "Gekürzt" and world["post"].revisions[-1].body == "Ein Beitrag"


def test_lock_stops_replies_from_members(world):
    services.act(world["forum_moderator"], {"action": "lock", "item_type": "thread", "item_id": world["thread"].id})
    with pytest.raises(PermissionDenied):
        forums.reply(world["reporter"], world["thread"], {"body": "Noch etwas"})


def test_move_to_another_forum_needs_moderation_rights_there(world):
    with pytest.raises(PermissionDenied):
        services.act(world["forum_moderator"], {"action": "move", "item_type": "thread",
                                                "item_id": world["thread"].id, "forum_id": world["other_forum"].id})
    services.act(world["moderator"], {"action": "move", "item_type": "thread", "item_id": world["thread"].id,
                                      "forum_id": world["other_forum"].id})
    assert world["thread"].forum_id == world["other_forum"].id


def test_slow_mode_allows_one_post_per_interval(world):
    services.act(world["moderator"], {"action": "slow_mode", "item_type": "thread", "item_id": world["thread"].id,
                                      "seconds": 60})
    forums.reply(world["reporter"], world["thread"], {"body": "Eins"})
    with pytest.raises(forums.RateLimited):
        forums.reply(world["reporter"], world["thread"], {"body": "Zwei"})


def test_room_slow_mode_goes_through_the_room_post_rule(world):
    from community import policy

    room = make_room("partner", [world["author"], world["reporter"]])
    services.act(world["moderator"], {"action": "slow_mode", "item_type": "room", "item_id": room.id, "seconds": 60})
    assert policy.can(world["reporter"], "room.post", room)
    db.session.add(Message(room_id=room.id, author_id=world["reporter"].id, body="Hallo"))
    db.session.commit()
    assert not policy.can(world["reporter"], "room.post", room)


def test_room_message_can_be_hidden_and_shown_again(world):
    room = make_room("partner", [world["author"], world["reporter"]])
    message = Message(room_id=room.id, author_id=world["author"].id, body="Beleidigung")
    db.session.add(message)
    db.session.commit()
    data = {"item_type": "message", "item_id": message.id, "reason": "Beleidigung"}
    services.act(world["moderator"], {**data, "action": "hide"})
    assert message.deleted_at is not None
    services.act(world["moderator"], {**data, "action": "unhide"})
    assert message.deleted_at is None


def test_profile_text_can_be_hidden_and_restored(world):
    org = make_org(description="Wir verkaufen Wunderpillen")
    data = {"item_type": "profile", "item_id": org.id, "reason": "Spam"}
    services.act(world["moderator"], {**data, "action": "hide"})
    assert org.description == ""
    services.act(world["moderator"], {**data, "action": "unhide"})
    assert org.description == "Wir verkaufen Wunderpillen"


def test_forum_moderator_cannot_moderate_profiles(world):
    org = make_org(description="Text")
    with pytest.raises(PermissionDenied):
        services.act(world["forum_moderator"], {"action": "hide", "item_type": "profile", "item_id": org.id,
                                                "reason": "x"})


def _hidden(world):
    return services.act(world["moderator"], {"action": "hide", "item_type": "post", "item_id": world["post"].id,
                                             "reason": "Spam"}).action


def test_appeal_goes_to_another_moderator_not_the_one_who_acted(world):
    action = _hidden(world)
    appeal = sanctions.appeal(world["author"], action.id, {"text": "Das war keine Werbung."})
    assert [entry.kind for entry in services.queue(world["second_moderator"]).items] == ["appeal"]
    assert services.queue(world["moderator"]).items == []
    with pytest.raises(PermissionDenied):
        sanctions.decide_appeal(world["moderator"], appeal.id, {"outcome": "reverted", "reason": "ok"})


def test_successful_appeal_restores_the_item(world):
    action = _hidden(world)
    appeal = sanctions.appeal(world["author"], action.id, {"text": "Bitte prüfen"})
    sanctions.decide_appeal(world["second_moderator"], appeal.id, {"outcome": "reverted", "reason": "Kein Spam"})
    assert world["post"].status == "published"


def test_only_the_author_may_appeal(world):
    action = _hidden(world)
    with pytest.raises(PermissionDenied):
        sanctions.appeal(world["reporter"], action.id, {"text": "Ich auch"})


def test_statement_of_reasons_is_on_the_authors_page(client, world):
    _hidden(world)
    sign_in(client, world["author"])
    page = client.get("/account/sanctions").text
    assert "Reason: Spam" in page and "Appeal" in page


def test_log_is_append_only(world):
    action = _hidden(world)
    action.reason = "geändert"
    with pytest.raises(AppendOnlyViolation):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(ModerationAction, action.id))
    with pytest.raises(AppendOnlyViolation):
        db.session.commit()
    db.session.rollback()


def test_log_filters_by_moderator_action_and_type(client, world):
    _hidden(world)
    services.act(world["second_moderator"], {"action": "lock", "item_type": "thread", "item_id": world["thread"].id})
    page = services.moderation_log(world["moderator"], {"moderator_id": str(world["second_moderator"].id)})
    assert [entry.action for entry in page.items] == ["lock"]
    assert [e.action for e in services.moderation_log(world["moderator"], {"item_type": "post"}).items] == ["hide"]
    sign_in(client, world["moderator"])
    assert client.get("/moderation/log?action=hide").status_code == 200
    sign_in(client, world["forum_moderator"])
    assert client.get("/moderation/log").status_code == 403


def test_suspended_user_cannot_log_in_and_sees_why(client, world):
    sanctions.sanction(world["moderator"], world["author"].id, {"kind": "suspend", "reason": "Beleidigungen", "days": 7})
    response = client.post("/login", data={"email": world["author"].email, "password": PASSWORD})
    assert response.status_code == 403 and "Beleidigungen" in response.text


def test_banned_user_api_token_stops_working(client, world):
    token = make_token(world["author"])
    sanctions.sanction(world["moderator"], world["author"].id, {"kind": "ban", "reason": "Spam"})
    response = client.get("/api/v1/forums", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403 and response.json["error"]["code"] == "banned"


def test_suspended_session_cannot_post(client, world):
    sign_in(client, world["author"])
    sanctions.sanction(world["moderator"], world["author"].id, {"kind": "suspend", "reason": "x", "days": 1})
    response = client.post(f"/forums/threads/{world['thread'].id}/replies", data={"body": "Trotzdem"})
    assert response.status_code == 403


def test_expired_suspension_no_longer_applies(world):
    db.session.add(Sanction(user_id=world["author"].id, kind="suspend", reason="x", ends_at=utcnow() - timedelta(1)))
    db.session.commit()
    assert sanctions.blocking_sanction(world["author"]) is None


def test_mute_stops_room_posts_but_not_forum_posts(world):
    from community import policy

    room = make_room("partner", [world["author"], world["reporter"]])
    sanctions.sanction(world["moderator"], world["author"].id, {"kind": "mute", "reason": "Lärm", "days": 1})
    assert not policy.can(world["author"], "room.post", room)
    assert policy.can(world["author"], "post.create", world["thread"])


def test_pending_post_is_approved_from_the_queue(world):
    newcomer = make_user(make_org(verified=False))
    pending = forums.reply(newcomer, world["thread"], {"body": "Erster Beitrag"})
    assert pending.status == "pending"
    assert [entry.kind for entry in services.queue(world["forum_moderator"]).items] == ["pending"]
    services.act(world["forum_moderator"], {"action": "approve", "item_type": "post", "item_id": pending.id})
    assert db.session.get(Post, pending.id).status == "published"


def test_approving_a_reported_item_keeps_it_and_takes_it_off_the_queue(world):
    _report(world)
    outcome = services.act(world["forum_moderator"], {"action": "approve", "item_type": "post",
                                                      "item_id": world["post"].id})
    assert outcome.action is not None and world["post"].status == "published"
    assert services.queue(world["forum_moderator"]).items == []
