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
