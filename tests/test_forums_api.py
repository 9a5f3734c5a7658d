"""The forum and moderation API, checked against the OpenAPI document."""
import pytest

from community.extensions import db
from community.forums import services as forums
from community.forums.models import Forum
from tests.factories import make_org, make_token, make_user
from tests.test_api_openapi import PREFIX, assert_matches_document


@pytest.fixture
def setup(app, client):
    forums.ensure_topic_forums()
    forum = db.session.scalars(db.select(Forum).filter_by(topic="ozg")).one()
    member = make_user(make_org(verified=True))
    newcomer = make_user(make_org(verified=False))
    moderator = make_user(role="moderator")
    headers = {user: {"Authorization": f"Bearer {make_token(user)}"} for user in (member, newcomer, moderator)}
    return {"forum": forum, "member": member, "newcomer": newcomer, "moderator": moderator, "headers": headers,
            "document": client.get(f"{PREFIX}/openapi.json").get_json()}


def _post_thread(client, setup, who="member", body="Wer nutzt **XÖV**?"):
    return client.post(f"{PREFIX}/forums/{setup['forum'].id}/threads", headers=setup["headers"][setup[who]],
                       json={"title": "XÖV-Standards", "body": body})


def test_forums_are_listed_paged(client, setup):
    response = client.get(f"{PREFIX}/forums?per_page=5", headers=setup["headers"][setup["member"]])
    assert response.status_code == 200 and response.get_json()["total"] == 11
    assert_matches_document(setup["document"], "/forums", "get", response)


def test_thread_is_created_with_opening_post(client, setup):
    response = _post_thread(client, setup)
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "published" and body["body_html"] == "<p>Wer nutzt <strong>XÖV</strong>?</p>\n"
    assert_matches_document(setup["document"], "/forums/{forum_id}/threads", "post", response)


def test_pending_thread_is_invisible_to_others(client, setup):
    thread = _post_thread(client, setup, "newcomer").get_json()
    assert thread["status"] == "pending"
    url = f"{PREFIX}/threads/{thread['id']}"
    assert client.get(url, headers=setup["headers"][setup["newcomer"]]).status_code == 200
    assert client.get(url, headers=setup["headers"][setup["member"]]).status_code == 404
    assert client.get(url, headers=setup["headers"][setup["moderator"]]).status_code == 200


def test_reply_and_thread_detail(client, setup):
    thread = _post_thread(client, setup).get_json()
    reply = client.post(f"{PREFIX}/threads/{thread['id']}/replies", headers=setup["headers"][setup["member"]],
                        json={"body": "Wir, seit 2021."})
    assert reply.status_code == 201
    assert_matches_document(setup["document"], "/threads/{thread_id}/replies", "post", reply)
    detail = client.get(f"{PREFIX}/threads/{thread['id']}", headers=setup["headers"][setup["member"]])
    assert [post["id"] for post in detail.get_json()["replies"]] == [reply.get_json()["id"]]
    assert_matches_document(setup["document"], "/threads/{thread_id}", "get", detail)


def test_oversized_reply_is_422(client, setup):
    thread = _post_thread(client, setup).get_json()
    response = client.post(f"{PREFIX}/threads/{thread['id']}/replies", headers=setup["headers"][setup["member"]],
                           json={"body": "x" * 20_001})
    assert response.status_code == 422 and "body" in response.get_json()["error"]["fields"]


def test_report_queue_and_action(client, setup):
    thread = _post_thread(client, setup).get_json()
    report = client.post(f"{PREFIX}/reports", headers=setup["headers"][setup["newcomer"]],
                         json={"item_type": "post", "item_id": thread["post_id"], "reason": "spam", "text": "Werbung"})
    assert report.status_code == 201
    assert_matches_document(setup["document"], "/reports", "post", report)
    moderator = setup["headers"][setup["moderator"]]
    queue = client.get(f"{PREFIX}/moderation/queue", headers=moderator)
    assert [entry["item_id"] for entry in queue.get_json()["items"]] == [thread["post_id"]]
    assert_matches_document(setup["document"], "/moderation/queue", "get", queue)
    action = {"action": "hide", "item_type": "post", "item_id": thread["post_id"], "reason": "Werbung"}
    first = client.post(f"{PREFIX}/moderation/actions", headers=moderator, json=action)
    assert first.status_code == 201
    assert_matches_document(setup["document"], "/moderation/actions", "post", first)
    second = client.post(f"{PREFIX}/moderation/actions", headers=moderator, json=action)
    assert second.status_code == 200 and second.get_json()["changed"] is False


def test_members_cannot_see_the_queue(client, setup):
    response = client.get(f"{PREFIX}/moderation/queue", headers=setup["headers"][setup["member"]])
    assert response.status_code == 403


def test_report_of_a_missing_item_is_404(client, setup):
    response = client.post(f"{PREFIX}/reports", headers=setup["headers"][setup["member"]],
                           json={"item_type": "message", "item_id": 4242, "reason": "spam"})
    assert response.status_code == 404
