"""Nothing silent: answers to contact requests and approved held posts are told; handled notices are read."""
import pytest

from community.extensions import db
from community.forums import services as forums
from community.forums.models import Forum
from community.moderation import services as moderation
from community.notifications.models import Notification
from community.suggestions.models import ContactRequest
from tests.factories import make_org, make_user, sign_in, socket_client


def notices(user, kind):
    return db.session.scalars(db.select(Notification).filter_by(user_id=user.id, kind=kind)).all()


@pytest.fixture
def pair(app):
    home, vendor = make_org(name="Gemeinde Aachtal"), make_org(name="Akten GmbH", kind="company", org_type="hersteller")
    return {"home": home, "vendor": vendor, "asker": make_user(home), "colleague": make_user(home),
            "answerer": make_user(vendor)}


@pytest.mark.parametrize("action, word", [("accept", "accepted"), ("decline", "declined")])
def test_the_asking_organisation_hears_the_answer_and_the_request_notice_is_read(client, pair, action, word):
    sign_in(client, pair["asker"])
    client.post("/contacts/new", data={"to_organisation_id": pair["vendor"].id, "message": "Hallo, sprechen wir?"})
    request = db.session.scalars(db.select(ContactRequest)).one()
    assert notices(pair["answerer"], "contact_request")[0].read_at is None
    sign_in(client, pair["answerer"])
    assert client.post(f"/contacts/{request.id}/{action}").status_code == 302
    for member in (pair["asker"], pair["colleague"]):
        told = notices(member, "contact_answer")
        assert len(told) == 1 and f"Akten GmbH has {word} your contact request." == told[0].display_text
    db.session.expire_all()
    assert notices(pair["answerer"], "contact_request")[0].read_at is not None


def test_a_request_notice_stays_unread_while_another_request_waits(client, pair):
    third = make_user(make_org(name="Dritte Stadt"))
    for asker in (pair["asker"], third):
        sign_in(client, asker)
        client.post("/contacts/new", data={"to_organisation_id": pair["vendor"].id, "message": "Hallo!"})
    first = db.session.scalars(db.select(ContactRequest).order_by(ContactRequest.id)).first()
    sign_in(client, pair["answerer"])
    client.post(f"/contacts/{first.id}/decline")
    db.session.expire_all()
    assert any(notice.read_at is None for notice in notices(pair["answerer"], "contact_request"))


@pytest.fixture
def held(app):
    forums.ensure_topic_forums()
    forum = db.session.scalars(db.select(Forum).order_by(Forum.id)).first()
    author, watcher = make_user(make_org(), name="Lena Hoffmann"), make_user(make_org())
    thread = forums.create_thread(watcher, forum, {"title": "Wohngeld digital", "body": "Erfahrungen?"})
    forums.watch(watcher, thread)
    post = forums.reply(author, thread, {"body": "Unsere Erfahrung"})
    post.status = "pending"
    forums.recount(thread)
    db.session.commit()
    return {"author": author, "watcher": watcher, "thread": thread, "post": post,
            "moderator": make_user(role="moderator")}


def test_approving_a_held_post_tells_its_author_and_the_watchers_and_goes_out_live(app, held):
    db.session.execute(db.delete(Notification))
    db.session.commit()
    reader = socket_client(app, held["watcher"])
    reader.emit("watch_thread", {"thread_id": held["thread"].id}, callback=True)
    reader.get_received()
    moderation.act(held["moderator"], {"action": "approve", "item_type": "post", "item_id": held["post"].id})
    assert "has been approved" in notices(held["author"], "post_approved")[0].display_text
    assert len(notices(held["watcher"], "forum_post")) == 1
    events = [event for event in reader.get_received() if event["name"] == "post"]
    assert [event["args"][0]["id"] for event in events] == [held["post"].id]


def test_approving_twice_announces_once(held):
    for _ in range(2):
        moderation.act(held["moderator"], {"action": "approve", "item_type": "post", "item_id": held["post"].id})
    assert len(notices(held["author"], "post_approved")) == 1


def test_the_moderation_queue_speaks_words_not_codes(client, app):
    forums.ensure_topic_forums()
    forum = db.session.scalars(db.select(Forum).order_by(Forum.id)).first()
    author = make_user(make_org())
    thread = forums.create_thread(author, forum, {"title": "Wohngeld digital", "body": "Erfahrungen?"})
    post = forums.reply(author, thread, {"body": "Werbung hier"})
    moderation.report(make_user(make_org()), {"item_type": "post", "item_id": post.id, "reason": "off_topic"})
    sign_in(client, make_user(role="moderator"))
    page = client.get("/moderation/queue").get_data(as_text=True)
    assert "off_topic" not in page.replace('value="off_topic"', "") and "Off topic" in page
    assert f"post #{post.id}" not in page and f"Forum post no. {post.id}" in page
    approve = page[page.index('value="approve"'):]
    assert 'class="kern-btn kern-btn--primary' in approve[:approve.index("Approve")]
