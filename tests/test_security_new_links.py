"""New accounts post no links, judged on the rendered HTML (docs/security.md, hole 6): whatever Markdown turns
into an <a>, reference-style and protocol-relative links included, in forums and rooms alike."""
import pytest

from community.extensions import db
from community.forums import services as forums
from community.forums.models import Forum
from community.rendering import contains_link
from community.rooms.models import Message
from tests.factories import make_org, make_room, make_user, sign_in, socket_client

LINKS = [
    "[hier][r]\n\n[r]: //evil.example",
    "[hier][r]\n\n[r]: https://evil.example",
    "[hier]\n\n[hier]: /relative/path",
    "[x](//evil.example/angebot)",
    "<https://evil.example>",
    "<mail@evil.example>",
    "[x]( <//evil.example> )",
    "![bild](//evil.example/a.png) [y](HTTPS://EVIL.EXAMPLE)",
    "siehe https://evil.example",
]
NOT_LINKS = ["Kein Link, nur Text über E-Akte.", "[nur eckige Klammern]", "Code: `[x](//evil.example)`"]


@pytest.mark.parametrize("text", LINKS)
def test_every_link_markdown_renders_counts(text):
    assert contains_link(text)


@pytest.mark.parametrize("text", NOT_LINKS)
def test_text_without_a_rendered_link_is_no_link(text):
    assert not contains_link(text)


@pytest.mark.parametrize("body", LINKS[:4])
def test_a_new_account_cannot_post_a_reference_or_protocol_relative_link_in_a_forum(client, body):
    forums.ensure_topic_forums()
    forum = db.session.scalars(db.select(Forum).filter_by(topic="ozg")).one()
    sign_in(client, make_user(make_org(verified=True)))
    response = client.post(f"/forums/{forum.id}/new", data={"title": "Frage zur E-Akte", "body": body})
    assert response.status_code == 422
    assert "cannot post links" in response.text


@pytest.mark.parametrize("body", LINKS[:4])
def test_a_new_account_cannot_post_such_links_in_a_room(app, body):
    alice = make_user(make_org())
    room = make_room("partner", [alice])
    socket = socket_client(app, alice)
    ack = socket.emit("send", {"room_id": room.id, "body": body}, callback=True)
    assert ack["error"]["code"] == "invalid" and "links" in ack["error"]["fields"]["body"]
    assert db.session.scalars(db.select(Message)).all() == []


def _publish_everywhere(client, user, text):
    """A new account's text with a link, once in each kind of published text (API); the statuses."""
    from tests.factories import make_token

    headers = {"Authorization": f"Bearer {make_token(user)}"}
    when = "2027-03-01T10:00:00+01:00"
    answers = {
        "event": client.post("/api/v1/events", headers=headers, json={
            "title": "Schulung", "description": text, "format": "onsite", "starts_at": when,
            "ends_at": "2027-03-01T12:00:00+01:00", "location": "Rathaus", "capacity": 5}),
        "need": client.post("/api/v1/needs", headers=headers, json={"title": "Bedarf E-Akte", "body": text}),
        "offer": client.post("/api/v1/offers", headers=headers, json={"title": "Angebot E-Akte", "body": text}),
        "example": client.post("/api/v1/examples", headers=headers, json={
            "title": "Digitaler Bauantrag", "summary": "Kurz.", "problem": text, "solution": "Lösung.",
            "topics": ["ozg"], "project_status": "completed"}),
    }
    return {kind: (response.status_code, (response.get_json() or {}).get("error", {}).get("fields", {}))
            for kind, response in answers.items()}


@pytest.mark.parametrize("text", [LINKS[1], LINKS[3], LINKS[8]])
def test_the_link_rule_covers_every_text_a_new_account_publishes(client, text):
    from community.organisations import services as organisations
    from community.errors import ValidationError

    user = make_user(make_org(name="Stadt Neuling", verified=True))
    refused = _publish_everywhere(client, user, text)
    assert refused == {"event": (400, refused["event"][1]), "need": (422, refused["need"][1]),
                       "offer": (422, refused["offer"][1]), "example": (400, refused["example"][1])}
    assert "description" in refused["event"][1] and "body" in refused["need"][1] and "problem" in refused["example"][1]
    admin = make_user(user.organisation, is_org_admin=True)
    with pytest.raises(ValidationError) as error:
        organisations.update_organisation(admin, user.organisation, {"description": text}, partial=True)
    assert "description" in error.value.fields


def test_an_established_account_and_plain_text_pass_the_link_rule(client, app):
    app.config["MODERATION_FIRST_POSTS"] = 0  # every account counts as established
    user = make_user(make_org(name="Stadt Alt", verified=True))
    assert {kind: status for kind, (status, _) in _publish_everywhere(client, user, LINKS[1]).items()} == {
        "event": 201, "need": 201, "offer": 201, "example": 201}
    app.config.pop("MODERATION_FIRST_POSTS")
    other = make_user(make_org(name="Stadt Neu", verified=True))
    assert {kind: status for kind, (status, _) in _publish_everywhere(client, other, NOT_LINKS[0]).items()} == {
        "event": 201, "need": 201, "offer": 201, "example": 201}
