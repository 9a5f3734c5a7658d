"""Neutrality under a forum thread (#27): peers (public bodies, their needs) and good examples come first;
offers of providers sit in their own labelled section, a few, only those that fit the asker's Land
(nationwide or the same Land), and carry no invitation button."""
import pytest

from community.examples.models import Example
from community.extensions import db
from community.forums import services as forums
from community.forums.models import Forum, Post, Thread
from community.models_base import utcnow
from community.signals import entry_changed
from tests.factories import make_need, make_offer, make_org, make_user, sign_in

TEXT = "Ladesäulen für E-Autos am Rathaus: Ladeinfrastruktur planen, Förderung und Abrechnung der Ladesäulen."


@pytest.fixture
def world(app):
    asker_org = make_org(name="Gemeinde Fragedorf", land="05", verified=True)
    asker = make_user(asker_org)
    peer = make_org(name="Stadt Nachbarsheim", land="05", verified=True)
    make_need(peer, title="Ladesäulen am Bürgerbüro", body=TEXT, topics=["mobilitaet"])
    programme = make_org(name="Landesprogramm Bayern", kind="state", org_type="", land="09")
    make_offer(programme, title="Förderprogramm Ladesäulen Bayern", body=TEXT, topics=["mobilitaet"])
    far = make_org(name="Strom Süd GmbH", kind="company", org_type="hersteller", land="09")
    make_offer(far, title="Ladesäulen Komplettpaket Süd", body=TEXT, topics=["mobilitaet"])
    vendors = []
    for n in range(5):
        vendor = make_org(name=f"Ladetechnik {n} GmbH", kind="company", org_type="hersteller",
                          land="05" if n % 2 else None)
        make_offer(vendor, title=f"Ladesäulen Angebot {n}", body=f"{TEXT} Variante {n}, eigenes Modell {n * 'x'}.",
                   topics=["mobilitaet"])
        vendors.append(vendor)
    example = Example(organisation_id=peer.id, status="published", title="Ladesäulen am Rathausplatz",
                      summary=TEXT, problem="", solution="", results="", lessons="", topics=["mobilitaet"],
                      ozg_ids=[], partner_organisation_ids=[], project_status="completed", contact_open=True)
    example.published = {"title": example.title, "summary": TEXT, "topics": ["mobilitaet"]}
    example.published_at = utcnow()
    db.session.add(example)
    db.session.commit()
    entry_changed.send(example)
    forums.ensure_topic_forums()
    forum = db.session.scalars(db.select(Forum).filter_by(topic="mobilitaet")).one()
    thread = Thread(forum_id=forum.id, author_id=asker.id, title="Wer hat Erfahrung mit Ladesäulen?")
    thread.posts.append(Post(author_id=asker.id, body=TEXT, is_opening=True))
    db.session.add(thread)
    db.session.commit()
    return {"asker": asker, "thread": thread, "example": example}


def test_peers_and_examples_come_before_a_labelled_section_of_fitting_offers(client, world):
    matches = forums.matches_for(world["asker"], world["thread"])
    assert [hit.organisation.name for hit in matches.peers] == ["Stadt Nachbarsheim"] * len(matches.peers)
    assert matches.peers and matches.examples[0].id == world["example"].id
    assert 0 < len(matches.offers) <= forums.VENDOR_OFFERS_SHOWN
    for hit in matches.offers:
        assert hit.organisation.land in (None, "05")

    sign_in(client, world["asker"])
    page = client.get(f"/forums/threads/{world['thread'].id}").text
    assert page.index('id="matches-heading"') < page.index('id="offers-heading"')
    offers = page.split('id="offers-heading"')[1].split("</section>")[0]
    assert "Offers of providers" in page and "recommends none of them" in offers
    assert "Invite to this thread" not in offers
    assert "Landesprogramm Bayern" not in page and "Strom Süd GmbH" not in page
    assert "Invite to this thread" in page.split('id="matches-heading"')[1].split("</section>")[0]


def test_a_shared_fragment_alone_is_no_match_under_a_thread(app):
    asker_org = make_org(name="Gemeinde Kitadorf", land="05")
    asker = make_user(asker_org)
    vendor = make_org(name="Vergabe Consult GmbH", kind="company", org_type="berater", land="05")
    make_offer(vendor, title="Vergabeberatung für Kommunen", body="Ausschreibungen, Vergabeverfahren, "
               "Beschaffung nach UVgO und VgV.", topics=["finanzen"])
    kita = make_org(name="Kita-Software GmbH", kind="company", org_type="hersteller", land="05")
    make_offer(kita, title="Kita-Platzvergabe online", body="Eltern melden ihr Kind online für einen Kita-Platz "
               "an; die Platzvergabe der Kindertagesstätten läuft digital.", topics=["soziales"])
    forums.ensure_topic_forums()
    forum = db.session.scalars(db.select(Forum).filter_by(topic="soziales")).one()
    thread = Thread(forum_id=forum.id, author_id=asker.id, title="Kita-Platzvergabe digital")
    thread.posts.append(Post(author_id=asker.id, is_opening=True, body="Wie organisieren Sie die "
                             "Kita-Platzvergabe? Wir suchen ein Verfahren für die Anmeldung in der Kindertagesstätte."))
    db.session.add(thread)
    db.session.commit()
    names = [hit.organisation.name for hit in forums.matches_for(asker, thread).offers]
    assert "Kita-Software GmbH" in names
    assert "Vergabe Consult GmbH" not in names
