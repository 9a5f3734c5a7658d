"""The start page of signed-in people at /: what is new for them, in panels features can add to; the
next steps of a new public body, the pending join request and a company's checklist (#24)."""
import re
from datetime import timedelta

from community.consultations.models import Consultation
from community.digitalcheck import services as digitalcheck
from community.events import services as events
from community.events.models import Event
from community.extensions import db
from community.joining.models import JoinRequest
from community.models_base import utcnow
from community.notifications.services import notify
from community.rooms.models import Message
from community.start.panels import PANELS, register_panel
from community.suggestions.models import ContactRequest
from tests.factories import make_need, make_offer, make_org, make_room, make_user, sign_in

STEPS = ["Complete your profile", "Take the Digital Compass", "Ask for a first consultation",
         "Find peers with the same needs"]


def test_anonymous_visitors_see_the_public_home_page(client):
    assert "Welcome," not in client.get("/").get_data(as_text=True)


def test_an_empty_start_page_says_so(client):
    # Without an organisation there are no next steps (a public body has them until done, a company its
    # checklist, each tested below), so nothing is new.
    sign_in(client, make_user(name="Anna Muster"))
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


def _done(page: str) -> list[str]:
    return re.findall(r'<li class="kn-step-done"><span aria-hidden="true">✓</span> (.*?) <span', page)


def test_a_new_municipality_sees_its_next_steps_in_order(client):
    sign_in(client, make_user(make_org()))
    page = client.get("/").get_data(as_text=True)
    assert "Your next steps" in page and "Nothing new since your last visit." not in page
    positions = [page.index(step) for step in STEPS]
    assert positions == sorted(positions)
    assert _done(page) == []


def test_each_step_is_ticked_off_once_its_data_exists(client):
    org = make_org()
    user = make_user(org)
    sign_in(client, user)
    digitalcheck.start_assessment(user)
    db.session.commit()
    assert _done(client.get("/").get_data(as_text=True)) == ["Take the Digital Compass"]
    db.session.add(ContactRequest(from_org_id=make_org().id, to_org_id=org.id))
    db.session.add(Consultation(organisation_id=org.id, requester_id=user.id, subject="E-Akte", description="Hilfe",
                                urgency="medium", preferred_format="video"))
    db.session.commit()
    assert _done(client.get("/").get_data(as_text=True)) == STEPS[1:]
    org.description, org.topics = "Eine Gemeinde.", ["eakte"]
    db.session.commit()
    assert "Complete your profile" not in " ".join(_done(client.get("/").get_data(as_text=True)))
    org.contact_email = "rathaus@aachtal.example"
    db.session.commit()
    assert "Your next steps" not in client.get("/").get_data(as_text=True)


def test_a_pending_join_request_says_what_happens_now_and_meanwhile(client):
    org = make_org(name="Gemeinde Aachtal")
    user = make_user()
    db.session.add(JoinRequest(user_id=user.id, organisation_id=org.id))
    db.session.commit()
    sign_in(client, user)
    page = client.get("/").get_data(as_text=True)
    assert "Your join request is waiting" in page and "You have asked to join Gemeinde Aachtal" in page
    assert "Its administrators decide on the request" in page and "Meanwhile you can:" in page
    assert "The Digital Compass, suggestions and contact requests open once the request is approved" in page
    assert "Nothing new since your last visit." not in page


def test_vendors_see_the_needs_their_offers_could_meet_first_and_a_checklist(client):
    vendor = make_org(name="Akten GmbH", kind="company", org_type="hersteller", topics=[])
    seller = make_user(vendor)
    make_offer(vendor, title="Dokumentenmanagement für Kommunen")
    make_need(make_org(name="Gemeinde Aachtal"), title="E-Akte und Dokumentenmanagement einführen")
    sign_in(client, seller)
    page = client.get("/").get_data(as_text=True)
    assert "Your next steps" not in page
    needs = page.index("Needs of others that your offers could meet")
    checklist = page.index("Your profile checklist")
    assert needs < checklist and "E-Akte und Dokumentenmanagement einführen" in page
    for item in ("Describe your company", "Give a website or contact address", "Name the topics you work on"):
        assert page.index(item) > checklist
    assert _done(page) == ["Publish your first offer"]
    first_panel = re.search(r'<h2 class="kern-title" id="panel-([a-z_]+)"', page).group(1)
    assert first_panel == "offer_needs"


def test_trainings_are_in_date_order(client):
    centre = make_user(make_org(name="Kompetenzzentrum", kind="state", org_type="behoerde"), role="consultant")
    home = make_org(topics=["finanzen"])
    member = make_user(home)

    def event(title, days):
        start = utcnow().replace(microsecond=0) + timedelta(days=days)
        row = Event(title=title, description="Ausschreibungen und Beschaffung", topics=["finanzen"], starts_at=start,
                    ends_at=start + timedelta(hours=2), organiser_id=centre.id,
                    organisation_id=centre.organisation_id, capacity=10, location="Rathaus")
        db.session.add(row)
        db.session.commit()
        return row

    later = event("Vergaberecht im Herbst", 30)
    sooner = event("Vergaberecht kompakt", 3)
    events.register(member, later.id)
    sign_in(client, member)
    page = client.get("/").get_data(as_text=True)
    assert "Upcoming trainings" in page
    assert page.index(sooner.title) < page.index(later.title)


def test_on_the_suggestions_page_a_company_sees_the_needs_its_offers_could_meet_first(client):
    vendor = make_org(name="Akten GmbH", kind="company", org_type="hersteller")
    make_offer(vendor, title="Dokumentenmanagement für Kommunen")
    make_need(make_org(name="Gemeinde Aachtal"), title="E-Akte und Dokumentenmanagement einführen")
    sign_in(client, make_user(vendor))
    page = client.get("/suggestions").get_data(as_text=True)
    assert page.index('id="offers-heading"') < page.index('id="needs-heading"')
    assert "<h3" in page and "&lt;h3" not in page  # the sections are markup, not escaped text
    home = make_org()
    make_need(home)
    make_offer(home)
    sign_in(client, make_user(home))
    page = client.get("/suggestions").get_data(as_text=True)
    assert page.index('id="needs-heading"') < page.index('id="offers-heading"')
