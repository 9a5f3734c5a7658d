"""Forums through HTTP: topic forums, threads, replies, quotes, edits, solutions, watching, live posts."""
import pytest

from community.extensions import db
from community.forums import services
from community.forums.models import Forum, Post, Thread
from community.notifications.models import Notification
from tests.factories import make_org, make_user, sign_in, socket_client


@pytest.fixture
def forum(app):
    services.ensure_topic_forums()
    return db.session.scalars(db.select(Forum).filter_by(topic="ozg")).one()


@pytest.fixture
def member(app):
    """A member of a verified organisation with enough approved posts: posts go live at once."""
    return make_user(make_org(verified=True), name="Lena Hoffmann")


def _thread(client, forum, title="XRechnung im Rathaus", body="Wer hat Erfahrung mit **XRechnung**?"):
    return client.post(f"/forums/{forum.id}/new", data={"title": title, "body": body})


def _approved(user, n=3):
    """Give the user n published posts, so the new-account rules no longer apply."""
    thread = Thread(forum_id=services.get_forum(1).id, author_id=user.id, title="Vorstellung")
    for _ in range(n):
        thread.posts.append(Post(author_id=user.id, body="Hallo", status="published"))
    thread.posts[0].is_opening = True
    db.session.add(thread)
    db.session.commit()


def test_topic_forums_are_created_once(app):
    assert services.ensure_topic_forums() == 11
    assert services.ensure_topic_forums() == 0


def test_forum_list_creates_the_topic_forums_on_first_access(client):
    response = client.get("/forums/")
    assert response.status_code == 200
    assert "Citizen services / OZG" in response.text


def test_member_of_verified_organisation_posts_a_thread_that_is_published(client, forum, member):
    sign_in(client, member)
    response = _thread(client, forum)
    assert response.status_code == 302
    thread = db.session.scalars(db.select(Thread)).one()
    assert thread.opening_post.status == "published"
    page = client.get(f"/forums/threads/{thread.id}").text
    assert "<strong>XRechnung</strong>" in page


def test_empty_and_oversized_posts_are_refused(client, forum, member):
    sign_in(client, member)
    assert _thread(client, forum, body="").status_code == 422
    assert _thread(client, forum, body="x" * 20_001).status_code == 422
    assert db.session.scalar(db.select(db.func.count(Thread.id))) == 0


def test_script_and_javascript_links_are_sanitised(client, forum, member):
    _approved(member)
    sign_in(client, member)
    _thread(client, forum, body="<script>alert(1)</script> [klick](javascript:alert(1))")
    thread = db.session.scalars(db.select(Thread).filter_by(title="XRechnung im Rathaus")).one()
    page = client.get(f"/forums/threads/{thread.id}").text
    assert "<script>alert(1)" not in page
    assert "href=\"javascript" not in page


def test_new_member_of_unverified_organisation_waits_for_approval(client, forum):
    newcomer = make_user(make_org(verified=False))
    sign_in(client, newcomer)
    _thread(client, forum)
    thread = db.session.scalars(db.select(Thread)).one()
    assert thread.opening_post.status == "pending"
    assert client.get(f"/forums/threads/{thread.id}").status_code == 200  # its author sees it
    other = make_user(make_org(verified=True))
    sign_in(client, other)
    assert client.get(f"/forums/threads/{thread.id}").status_code == 404


def test_new_accounts_cannot_post_links(client, forum):
    sign_in(client, make_user(make_org(verified=True)))
    response = _thread(client, forum, body="Siehe https://example.org")
    assert response.status_code == 422
    assert "cannot post links" in response.text


def test_reply_updates_counts_and_quote_prefills_the_form(client, forum, member):
    sign_in(client, member)
    _thread(client, forum)
    thread = db.session.scalars(db.select(Thread)).one()
    assert client.post(f"/forums/threads/{thread.id}/replies", data={"body": "Wir nutzen sie seit 2020."}).status_code == 302
    assert thread.reply_count == 1
    page = client.get(f"/forums/threads/{thread.id}?quote={thread.opening_post.id}").text
    assert "&gt; Wer hat Erfahrung" in page


def test_edit_keeps_a_revision_visible_to_moderators_only(client, forum, member):
    sign_in(client, member)
    _thread(client, forum)
    post = db.session.scalars(db.select(Post)).one()
    client.post(f"/forums/posts/{post.id}/edit", data={"body": "Neuer Text"})
    assert post.body == "Neuer Text" and [r.body for r in post.revisions] == ["Wer hat Erfahrung mit **XRechnung**?"]
    assert client.get(f"/moderation/posts/{post.id}/history").status_code == 403
    sign_in(client, make_user(role="moderator"))
    assert "Wer hat Erfahrung" in client.get(f"/moderation/posts/{post.id}/history").text


def test_someone_else_cannot_edit_a_post(client, forum, member):
    sign_in(client, member)
    _thread(client, forum)
    post = db.session.scalars(db.select(Post)).one()
    sign_in(client, make_user(make_org(verified=True)))
    assert client.post(f"/forums/posts/{post.id}/edit", data={"body": "Fremd"}).status_code == 403


def test_thread_author_marks_a_reply_as_solution(client, forum, member):
    sign_in(client, member)
    _thread(client, forum)
    thread = db.session.scalars(db.select(Thread)).one()
    helper = make_user(make_org(verified=True))
    sign_in(client, helper)
    client.post(f"/forums/threads/{thread.id}/replies", data={"body": "So geht es."})
    answer = thread.posts[-1]
    assert client.post(f"/forums/posts/{answer.id}/solution").status_code == 403
    sign_in(client, member)
    client.post(f"/forums/posts/{answer.id}/solution")
    assert answer.is_solution and thread.is_solved
    listing = client.get(f"/forums/{forum.id}?sort=solved").text
    assert "XRechnung im Rathaus" in listing


def test_watchers_and_mentioned_users_are_notified(client, forum, member):
    sign_in(client, member)
    _thread(client, forum)
    thread = db.session.scalars(db.select(Thread)).one()
    writer = make_user(make_org(verified=True), name="Jonas Brandt")
    mentioned = make_user(make_org(verified=True), name="Anna Richter")
    sign_in(client, writer)
    client.post(f"/forums/threads/{thread.id}/replies", data={"body": "Frag mal @anna.richter"})
    kinds = {(n.user_id, n.kind) for n in db.session.scalars(db.select(Notification))}
    assert (member.id, "forum_post") in kinds  # the author watches her thread
    assert (mentioned.id, "mention") in kinds


def test_unanswered_sort_lists_threads_without_replies(client, forum, member):
    sign_in(client, member)
    _thread(client, forum, title="Ohne Antwort")
    _thread(client, forum, title="Mit Antwort")
    answered = db.session.scalars(db.select(Thread).filter_by(title="Mit Antwort")).one()
    client.post(f"/forums/threads/{answered.id}/replies", data={"body": "Antwort"})
    listing = client.get(f"/forums/{forum.id}?sort=unanswered").text
    assert "Ohne Antwort" in listing and "Mit Antwort" not in listing


def test_socket_client_receives_new_posts_of_a_watched_thread(app, client, forum, member):
    sign_in(client, member)
    _thread(client, forum)
    thread = db.session.scalars(db.select(Thread)).one()
    socket = socket_client(app, member)
    ack = socket.emit("watch_thread", {"thread_id": thread.id}, callback=True)
    assert ack["ok"] is True
    client.post(f"/forums/threads/{thread.id}/replies", data={"body": "Live *dabei*"})
    events = [event for event in socket.get_received() if event["name"] == "post"]
    assert events and events[-1]["args"][0]["body_html"] == "<p>Live <em>dabei</em></p>\n"


def test_socket_watch_of_an_invisible_thread_is_refused(app, client, forum):
    newcomer = make_user(make_org(verified=False))
    sign_in(client, newcomer)
    _thread(client, forum)
    thread = db.session.scalars(db.select(Thread)).one()
    socket = socket_client(app, make_user(make_org(verified=True)))
    ack = socket.emit("watch_thread", {"thread_id": thread.id}, callback=True)
    assert ack["error"]["code"] == "not_found"


def test_threads_appear_in_search(client, forum, member):
    sign_in(client, member)
    _thread(client, forum, title="Wohngeldantrag digital", body="Wer nutzt den Online-Wohngeldantrag?")
    assert "<mark>Wohngeldantrag</mark> digital" in client.get("/search?q=Wohngeldantrag").text

