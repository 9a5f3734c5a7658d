"""The data export holds what a person wrote or received: posts, room messages, contact requests,
reports and sanctions."""
from datetime import timedelta

from community.extensions import db
from community.forums import services as forums
from community.forums.models import Forum
from community.models_base import utcnow
from community.moderation import services as moderation
from community.moderation.models import Sanction
from community.rooms.models import Message
from tests.factories import make_org, make_room, make_user, sign_in


def test_the_export_holds_posts_messages_contact_requests_reports_and_sanctions(client):
    forums.ensure_topic_forums()
    forum = db.session.scalars(db.select(Forum).order_by(Forum.id)).first()
    me, other = make_user(make_org()), make_user(make_org(name="Akten GmbH"))
    thread = forums.create_thread(other, forum, {"title": "Wohngeld digital", "body": "Erfahrungen?"})
    forums.reply(me, thread, {"body": "Unsere Erfahrung mit Wohngeld"})
    room = make_room(members=[me, other])
    db.session.add(Message(room_id=room.id, author_id=me.id, body="Guten Tag aus dem Raum"))
    db.session.add(Sanction(user_id=me.id, kind="warn", reason="Ton", ends_at=utcnow() + timedelta(days=1)))
    db.session.commit()
    moderation.report(me, {"item_type": "post", "item_id": thread.opening_post.id, "reason": "spam"})
    sign_in(client, me)
    client.post("/contacts/new", data={"to_organisation_id": other.organisation_id, "message": "Hallo Akten"})
    data = client.get("/account/export").get_json()
    assert [post["body"] for post in data["forum_posts"]] == ["Unsere Erfahrung mit Wohngeld"]
    assert [message["body"] for message in data["room_messages"]] == ["Guten Tag aus dem Raum"]
    assert data["contact_requests"][0]["message"] == "Hallo Akten" and data["contact_requests"][0]["sent_by_you"]
    assert data["reports"][0]["reason"] == "spam"
    assert data["sanctions"][0]["reason"] == "Ton"


def test_the_export_leaves_out_what_others_wrote(client):
    forums.ensure_topic_forums()
    forum = db.session.scalars(db.select(Forum).order_by(Forum.id)).first()
    me, other = make_user(make_org()), make_user(make_org())
    forums.create_thread(other, forum, {"title": "Fremd", "body": "Nicht meins"})
    sign_in(client, me)
    data = client.get("/account/export").get_json()
    assert data["forum_posts"] == [] and data["room_messages"] == [] and data["sanctions"] == []
