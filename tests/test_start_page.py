"""The start page of signed-in people at /: what is new for them, in panels features can add to."""
from community.extensions import db
from community.notifications.services import notify
from community.rooms.models import Message
from community.start.panels import PANELS, register_panel
from tests.factories import make_org, make_room, make_user, sign_in


def test_anonymous_visitors_see_the_public_home_page(client):
    assert "Welcome," not in client.get("/").get_data(as_text=True)


def test_an_empty_start_page_says_so(client):
    sign_in(client, make_user(make_org(), name="Anna Muster"))
    page = client.get("/").get_data(as_text=True)
    assert "Welcome, Anna Muster" in page and "Nothing new since your last visit." in page


def test_contact_requests_replies_suggestions_and_unread_rooms_are_shown(client):
    home, vendor = make_org(name="Gemeinde Aachtal"), make_org(name="Akten GmbH", kind="company", org_type="hersteller")
    me, asker = make_user(home), make_user(vendor)
    sign_in(client, asker)
    client.post("/contacts/new", data={"to_organisation_id": home.id, "message": "Hallo, sprechen wir?"})
    notify([me.id], "forum_post", "New post in “%(title)s” by %(name)s", "/forums/threads/1",
           title="Wohngeld digital", name="Lena")
    notify([me.id], "match", "New post in “%(title)s” by %(name)s", "/suggestions", title="E-Akte", name="X")
    room = make_room(members=[me, asker], title="Partnerraum Akten")
    db.session.add(Message(room_id=room.id, author_id=asker.id, body="Guten Tag"))
    db.session.commit()
    sign_in(client, me)
    page = client.get("/").get_data(as_text=True)
    assert "Akten GmbH would like to get in touch" in page
    assert "Replies on threads you watch" in page and "Wohngeld digital" in page
    assert "New suggestions since your last visit" in page and "E-Akte" in page
    assert "Rooms with unread messages" in page and "Partnerraum Akten" in page and "1 unread message" in page


def test_other_features_add_panels(client, app):
    register_panel("trainings", "Upcoming trainings", "start/_notifications.html", lambda user: [], order=60)
    try:
        sign_in(client, make_user(make_org()))
        assert "Upcoming trainings" not in client.get("/").get_data(as_text=True)  # nothing to show: left out
    finally:
        PANELS.pop("trainings")
