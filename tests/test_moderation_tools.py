"""Moderation tools around the core: report links, lifting sanctions, moderator assignments, post limits."""
import pytest

from community import create_app, policy
from community.errors import Conflict, PermissionDenied, ValidationError
from community.extensions import db
from community.forums import services as forums
from community.forums.models import Forum
from community.moderation import sanctions, services
from community.moderation.models import ModerationAction
from community.notifications.models import Notification
from community.rooms.models import Message
from tests.conftest import config_with
from tests.factories import make_org, make_room, make_token, make_user, sign_in


def _room_with_message(author, reader):
    room = make_room("partner", [author, reader])
    message = Message(room_id=room.id, author_id=author.id, body="Hallo zusammen")
    db.session.add(message)
    db.session.commit()
    return room, message


def test_room_messages_of_others_have_a_report_link(client, app):
    author, reader = make_user(make_org()), make_user(make_org())
    room, message = _room_with_message(author, reader)
    sign_in(client, reader)
    assert f'href="/report/message/{message.id}"' in client.get(f"/rooms/{room.id}").text


def test_own_room_messages_have_no_report_link(client, app):
    author, reader = make_user(make_org()), make_user(make_org())
    room, message = _room_with_message(author, reader)
    sign_in(client, author)
    assert f"/report/message/{message.id}" not in client.get(f"/rooms/{room.id}").text


def test_reporting_ones_own_message_is_forbidden(client, app):
    author, reader = make_user(make_org()), make_user(make_org())
    _, message = _room_with_message(author, reader)
    sign_in(client, author)
    assert client.post(f"/report/message/{message.id}", data={"reason": "spam"}).status_code == 403


def test_organisation_profile_text_has_a_report_link_for_another_member(client, app):
    org = make_org(description="Wir digitalisieren Bauanträge.")
    sign_in(client, make_user(make_org()))
    assert f'href="/report/profile/{org.id}"' in client.get(f"/organisations/{org.id}").text


def test_anonymous_visitors_see_no_report_link(client, app):
    org = make_org(description="Wir digitalisieren Bauanträge.")
    assert "/report/profile/" not in client.get(f"/organisations/{org.id}").text


def test_members_see_no_report_link_on_their_own_organisation(client, app):
    org = make_org(description="Wir digitalisieren Bauanträge.")
    sign_in(client, make_user(org))
    assert "/report/profile/" not in client.get(f"/organisations/{org.id}").text


def _muted_author_in_room():
    author, reader = make_user(make_org()), make_user(make_org())
    room = make_room("partner", [author, reader])
    moderator = make_user(role="moderator")
    record = sanctions.sanction(moderator, author.id, {"kind": "mute", "reason": "Lärm", "days": 3})
    return author, room, moderator, record


def test_lifting_a_mute_restores_posting(app):
    author, room, moderator, record = _muted_author_in_room()
    assert not policy.can(author, "room.post", room)
    sanctions.lift(moderator, record.id, {"reason": "Einsicht gezeigt"})
    assert policy.can(author, "room.post", room)


def test_lifting_is_logged_and_the_user_is_told(app):
    author, _, moderator, record = _muted_author_in_room()
    sanctions.lift(moderator, record.id, {"reason": "Einsicht gezeigt"})
    entry = db.session.scalars(db.select(ModerationAction).filter_by(action="lift")).one()
    assert (entry.moderator_id, entry.subject_user_id, entry.reason) == (moderator.id, author.id, "Einsicht gezeigt")
    notices = db.session.scalars(db.select(Notification).filter_by(user_id=author.id)).all()
    assert any("lifted" in notice.display_text and "Einsicht gezeigt" in notice.display_text for notice in notices)


def test_lifting_needs_a_reason(app):
    _, _, moderator, record = _muted_author_in_room()
    with pytest.raises(ValidationError) as error:
        sanctions.lift(moderator, record.id, {"reason": ""})
    assert "reason" in error.value.fields


def test_a_lifted_sanction_cannot_be_lifted_again(app):
    _, _, moderator, record = _muted_author_in_room()
    sanctions.lift(moderator, record.id, {"reason": "Einsicht"})
    with pytest.raises(Conflict):
        sanctions.lift(moderator, record.id, {"reason": "Nochmal"})


def test_a_member_cannot_lift_a_sanction(client, app):
    _, _, _, record = _muted_author_in_room()
    sign_in(client, make_user(make_org()))
    assert client.post(f"/moderation/sanctions/{record.id}/lift", data={"reason": "Bitte"}).status_code == 403


def test_moderator_lifts_from_the_users_sanctions_page(client, app):
    author, room, moderator, record = _muted_author_in_room()
    sign_in(client, moderator)
    page = client.get(f"/moderation/users/{author.id}/sanction").text
    assert f"/moderation/sanctions/{record.id}/lift" in page
    response = client.post(f"/moderation/sanctions/{record.id}/lift",
                           data={"reason": "Einsicht", "next": f"/moderation/users/{author.id}/sanction"})
    assert response.status_code == 302 and policy.can(author, "room.post", room)


@pytest.fixture
def two_forums(app):
    forums.ensure_topic_forums()
    forum, other_forum = db.session.scalars(db.select(Forum).order_by(Forum.id).limit(2)).all()
    author = make_user(make_org(verified=True))
    posts = [forums.reply(author, forums.create_thread(author, where, {"title": "Wohngeld", "body": "Fragen?"}),
                          {"body": "Ein Beitrag"}) for where in (forum, other_forum)]
    return forum, posts


def _hide(moderator, post):
    return services.act(moderator, {"action": "hide", "item_type": "post", "item_id": post.id, "reason": "Spam"})


def test_admin_assigned_forum_moderator_hides_posts_there_only(client, two_forums):
    forum, (post, post_elsewhere) = two_forums
    candidate = make_user(make_org())
    sign_in(client, make_user(role="admin"))
    response = client.post("/moderation/moderators", data={"email": candidate.email, "forum_id": str(forum.id)})
    assert response.status_code == 302
    assert candidate.display_name in client.get("/moderation/moderators").text
    assert _hide(candidate, post).action is not None
    with pytest.raises(PermissionDenied):
        _hide(candidate, post_elsewhere)


def test_unassigned_moderator_loses_the_forum(client, two_forums):
    forum, (post, _) = two_forums
    admin, candidate = make_user(role="admin"), make_user(make_org())
    assignment = sanctions.assign_moderator(admin, candidate.id, forum_id=forum.id)
    sign_in(client, admin)
    assert client.post(f"/moderation/moderators/{assignment.id}/remove").status_code == 302
    with pytest.raises(PermissionDenied):
        _hide(candidate, post)
    assert db.session.scalars(db.select(ModerationAction).filter_by(action="unassign")).one().subject_user_id \
        == candidate.id


def test_assigning_twice_is_a_clear_conflict(client, two_forums):
    forum, _ = two_forums
    candidate = make_user(make_org())
    sign_in(client, make_user(role="admin"))
    data = {"email": candidate.email, "forum_id": str(forum.id)}
    client.post("/moderation/moderators", data=data)
    assert client.post("/moderation/moderators", data=data).status_code == 409


def test_assignment_needs_an_existing_account(client, two_forums):
    forum, _ = two_forums
    sign_in(client, make_user(role="admin"))
    response = client.post("/moderation/moderators", data={"email": "niemand@example.org", "forum_id": str(forum.id)})
    assert response.status_code == 422 and "No account has this email address." in response.text


def test_moderators_page_is_for_admins_only(client, two_forums):
    sign_in(client, make_user(role="moderator"))
    assert client.get("/moderation/moderators").status_code == 403


@pytest.fixture
def post_limited_app():
    """Posts limited to 2 a minute; the limit counts posts in the database."""
    application = create_app(config_with(RATE_LIMITS_ENABLED=True, RATELIMIT_POST="2 per minute"))
    with application.app_context():
        db.create_all()
        yield application
        db.session.remove()
        db.engine.dispose()


def _thread_for_replies():
    forums.ensure_topic_forums()
    opener = make_user(make_org(verified=True))
    forum = db.session.scalars(db.select(Forum).order_by(Forum.id).limit(1)).one()
    return forums.create_thread(opener, forum, {"title": "Digitaler Bauantrag", "body": "Wer hat ihn?"})


def test_third_reply_in_a_minute_is_refused_with_429(post_limited_app):
    client, thread = post_limited_app.test_client(), _thread_for_replies()
    sign_in(client, make_user(make_org(verified=True)))
    responses = [client.post(f"/forums/threads/{thread.id}/replies", data={"body": f"Antwort {n}"})
                 for n in range(3)]
    assert [response.status_code for response in responses] == [302, 302, 429]
    assert responses[-1].mimetype == "text/html" and "posting too fast" in responses[-1].text


def test_third_reply_in_a_minute_over_the_api_is_429_json(post_limited_app):
    client, thread = post_limited_app.test_client(), _thread_for_replies()
    headers = {"Authorization": f"Bearer {make_token(make_user(make_org(verified=True)))}"}
    responses = [client.post(f"/api/v1/threads/{thread.id}/replies", json={"body": f"Antwort {n}"}, headers=headers)
                 for n in range(3)]
    assert [response.status_code for response in responses] == [201, 201, 429]
    assert responses[-1].get_json()["error"]["code"] == "rate_limited"
