"""The visibility of needs and offers, walked through every read path.

An organisation ("Stadt Geheimhausen") has a need and an offer of each visibility, each titled with a marker
word. Then every reader (logged out, an outsider with a matching need and offer, a colleague, a consultant
of the competence centre with and without the organisation sharing its Digital-Check) walks the pages,
the directory, search, suggestions, live matches in a room, the start page, notifications and mails,
consultation links, the Digital-Check recommendations, the API lists and details, and the export. The
walk fails if an `organisation` entry shows anywhere it must not, and checks that it shows where it must
(otherwise a walk that sees nothing would pass too)."""
import pytest

from community.consultations import links
from community.digitalcheck import builtin_sources
from community.digitalcheck.models import Assessment
from community.extensions import db
from community.insights import services as insights
from community.mail.models import OutboxMail
from community.notifications.models import Notification
from community.profiles import services as profiles
from community.profiles import visibility
from community.rooms import live
from community.suggestions import services as suggestions
from tests.factories import make_org, make_room, make_token, make_user, sign_in

TEXT = ("Wir brauchen eine Datensicherung gegen Ransomware mit Offline-Kopien und einen geübten Notfallplan "
        "für die Wiederherstellung der Fachverfahren.")
MARKERS = {"public": "Offenkundig", "members": "Mitgliederweit", "organisation": "Hausintern"}


def _title(kind: str, visibility_slug: str) -> str:
    return f"{MARKERS[visibility_slug]} {'Datensicherung Notfallplan' if kind == 'need' else 'Datensicherung Dienst'}"


@pytest.fixture
def world(app):
    owner_org = make_org(name="Stadt Geheimhausen", land="09", population_class="20k-100k")
    outsider_org = make_org(name="Gemeinde Nebenan", land="09", population_class="20k-100k")
    centre = make_org(name="Kompetenzzentrum", kind="state", org_type="behoerde")
    people = {
        "anonymous": None,
        "outsider": make_user(outsider_org),
        "member": make_user(owner_org),
        "consultant": make_user(centre, role="consultant"),
    }
    # The outsider has a need and an offer that match, so suggestions and notices reach for the owner's.
    for kind in ("need", "offer"):
        profiles.create_entry(people["outsider"], outsider_org, kind, {
            "title": "Datensicherung Notfallplan Ransomware", "body": TEXT, "topics": ["sicherheit"]})
    entries = {}
    for kind in ("need", "offer"):
        for slug in MARKERS:
            # Through the service, as a user would: the signals (matching index, match notices) fire.
            entries[kind, slug] = profiles.create_entry(people["member"], owner_org, kind, {
                "title": _title(kind, slug), "body": TEXT, "topics": ["sicherheit"], "visibility": slug})
    return owner_org, outsider_org, people, entries


def _share(organisation, shared: bool) -> None:
    db.session.add(Assessment(organisation_id=organisation.id, questionnaire_version="1", share_with_centre=shared))
    db.session.commit()


def _pages(client, owner_org, entries) -> str:
    """Everything the browser shows this reader on the read paths, one text."""
    seen = []
    for path in ("/", f"/organisations/{owner_org.id}", "/organisations?q=Geheimhausen", "/search?q=Datensicherung",
                 "/search?q=Notfallplan&kind=need", "/search?q=Datensicherung&kind=offer", "/suggestions",
                 "/notifications", "/account/export"):
        response = client.get(path)
        if response.status_code == 200:
            seen.append(response.get_data(as_text=True))
    return "\n".join(seen)


def _api(client, token, owner_org) -> str:
    if token is None:
        return ""
    headers = {"Authorization": f"Bearer {token}"}
    seen = []
    for path in (f"/api/v1/organisations/{owner_org.id}", "/api/v1/search?q=Datensicherung",
                 "/api/v1/search?q=Notfallplan&kind=need", "/api/v1/suggestions", "/api/v1/needs", "/api/v1/offers",
                 "/api/v1/notifications"):
        response = client.get(path, headers=headers)
        if response.status_code == 200:
            seen.append(response.get_data(as_text=True))
    return "\n".join(seen)


def _may_see(who: str, slug: str, shared: bool) -> bool:
    if slug == "public":
        return True
    if who == "anonymous":
        return False
    if slug == "members":
        return True
    return who == "member" or (who == "consultant" and shared)


@pytest.mark.parametrize("shared", [False, True], ids=["not-shared", "shared-with-centre"])
def test_an_entry_shows_only_to_whom_its_visibility_allows_on_every_read_path(client, world, shared):
    owner_org, outsider_org, people, entries = world
    _share(owner_org, shared)
    for who, user in people.items():
        if user is None:
            client.get("/logout")
            with client.session_transaction() as session:
                session.clear()
        else:
            sign_in(client, user)
        token = make_token(user) if user is not None else None
        pages = _pages(client, owner_org, entries)
        api = _api(client, token, owner_org)
        for (kind, slug), entry in entries.items():
            allowed = _may_see(who, slug, shared)
            where = f"{who} / {kind} {slug} (shared={shared})"
            # The entry's own page and its API detail: 404 when hidden, so its existence leaks nowhere.
            page = client.get(f"/{kind}s/{entry.id}")
            assert (page.status_code == 200) == allowed, where
            if token is not None:
                detail = client.get(f"/api/v1/{kind}s/{entry.id}", headers={"Authorization": f"Bearer {token}"})
                assert detail.status_code == (200 if allowed else 404), where
                if allowed:
                    assert detail.get_json()["visibility"] == slug
            # The organisation page lists what the reader may see, and nothing shows what it may not.
            if allowed:
                assert entry.title in pages, where
            else:
                assert entry.title not in pages, where
                assert entry.title not in api, where
            # The one filter answers alike in SQL and per object.
            listed = profiles.list_entries(owner_org, kind, user, per_page=50).items
            assert (entry in listed) == allowed, where
            assert visibility.can_see(user, entry) == allowed, where


def test_suggestions_and_counts_keep_the_hidden_need_inside_its_organisation(world):
    owner_org, outsider_org, people, entries = world
    hidden = entries["need", "organisation"]
    # Its own organisation still gets suggestions for it (the outsider's matching offer) ...
    own = suggestions.suggestions_for(people["member"])
    group = next(g for g in own.needs if g.entry.id == hidden.id)
    assert any(s.target.organisation_id == outsider_org.id for items in group.by_relation.values() for s in items)
    # ... but it is never suggested to anyone else.
    theirs = suggestions.suggestions_for(people["outsider"])
    assert hidden.id not in {s.target.id for s in theirs.flat() if s.target.record_prefix == "need"}
    assert entries["need", "public"].id in {s.target.id for s in theirs.flat() if s.target.record_prefix == "need"}
    # Counted for its organisation, not for others; and in the centre's k-anonymous counts.
    assert profiles.open_entry_counts([owner_org.id], people["member"])[owner_org.id]["need"] == 3
    assert profiles.open_entry_counts([owner_org.id], people["outsider"])[owner_org.id]["need"] == 2
    assert profiles.open_entry_counts([owner_org.id], None)[owner_org.id]["need"] == 1
    counted = {(row["topic"], row["land"]): row["count"] for row in insights.open_needs_by_topic_land()}
    assert counted[("sicherheit", "09")] == 4  # the owner's three and the outsider's one


def test_no_notice_or_mail_tells_another_organisation_of_a_hidden_entry(world):
    owner_org, outsider_org, people, entries = world
    hidden_titles = {entries[kind, "organisation"].title for kind in ("need", "offer")}
    outsider_ids = {people["outsider"].id}
    notices = Notification.query.filter(Notification.user_id.in_(outsider_ids)).all()
    texts = " ".join(str(vars(n)) for n in notices)
    assert entries["need", "public"].title in texts  # the public one is announced: the walk is not empty
    assert not any(title in texts for title in hidden_titles)
    mails = " ".join(f"{m.subject} {m.text} {m.html}" for m in OutboxMail.query.all())
    assert not any(title in mails for title in hidden_titles)


def test_live_matches_in_a_room_are_filtered_per_reader_even_from_the_shared_cache(world):
    owner_org, outsider_org, people, entries = world
    _share(owner_org, True)
    # Texts of their own, so the search does not fold them into the entries of the fixture.
    hidden = profiles.create_entry(people["member"], owner_org, "need", {
        "title": "Hausintern Wärmeplanung Fernwärme", "visibility": "organisation", "topics": ["energie"],
        "body": "Kommunale Wärmeplanung mit Fernwärmenetz und Abwärme aus dem Klärwerk gesucht."})
    shown = profiles.create_entry(people["member"], owner_org, "offer", {
        "title": "Offenkundig Wärmepumpen Schulen", "visibility": "public", "topics": ["energie"],
        "body": "Erfahrungen mit Wärmepumpen in Schulgebäuden und Fernwärme im Quartier teilen wir gern."})
    room = make_room("group", members=[people["outsider"], people["consultant"]], organisation_id=outsider_org.id,
                     description="Wärmeplanung Fernwärme Wärmepumpen Klärwerk Abwärme Quartier")
    # The consultant (who may see the hidden need: its organisation shares) fills the room's cache first.
    consultant_sees = {m["title"] for m in live.room_matches(people["consultant"], room)}
    outsider_sees = {m["title"] for m in live.room_matches(people["outsider"], room)}
    assert shown.title in outsider_sees and shown.title in consultant_sees  # the walk is not empty
    assert hidden.title not in outsider_sees | consultant_sees
    # A question gets its own matches, with the asker's rights.
    from community.rooms.models import Message

    question = Message(room_id=room.id, author_id=people["outsider"].id, body="Wer kennt Wärmeplanung mit Fernwärme?")
    assert hidden.title not in {m["title"] for m in live.question_matches(people["outsider"], room, question)}
    assert hidden.title in {m["title"] for m in live.question_matches(people["consultant"], room, question)}


def test_consultation_links_and_digital_check_recommendations_hide_the_entry(world):
    owner_org, outsider_org, people, entries = world
    hidden_offer = entries["offer", "organisation"]
    described = links.describe({"kind": "offer", "id": hidden_offer.id}, people["outsider"])
    assert described["title"] == "" and described["url"] == ""
    assert links.describe({"kind": "offer", "id": hidden_offer.id}, people["member"])["title"] == hidden_offer.title
    answers = {"infrastruktur.datensicherung": 0, "infrastruktur.arbeitsplaetze": 0}
    from community.digitalcheck import services as digitalcheck

    digitalcheck.create(people["outsider"], answers, submit=True)
    found = builtin_sources._offers(outsider_org, "infrastruktur", ("sicherheit",), 10)
    assert hidden_offer.title not in {item["title"] for item in found}


def test_an_outsider_cannot_post_about_or_contact_for_a_hidden_entry(client, world):
    owner_org, outsider_org, people, entries = world
    token = make_token(people["outsider"])
    headers = {"Authorization": f"Bearer {token}"}
    hidden = entries["need", "organisation"]
    for method in ("patch", "delete"):
        response = getattr(client, method)(f"/api/v1/needs/{hidden.id}", headers=headers, json={})
        assert response.status_code == 404
    response = client.post("/api/v1/contact-requests", headers=headers,
                           json={"to_organisation_id": owner_org.id, "need_id": hidden.id, "message": "Hallo!"})
    assert response.status_code in (400, 404, 422) and hidden.title not in response.get_data(as_text=True)
