"""English all the way (#24, point 6): topic forums are named in the reader's language, whatever language they
were created in, and the stored title does not change; the good examples' pages carry no German word in English."""
from community.extensions import db
from community.forums import services as forums
from community.forums.models import Forum
from tests.factories import make_org, make_user, sign_in
from tests.test_examples_reuse import make_example


def test_topic_forums_are_named_in_the_readers_language(client, app):
    forums.ensure_topic_forums()  # created in German, the default language
    forum = db.session.scalar(db.select(Forum).filter_by(topic="eakte"))
    stored = forum.title
    sign_in(client, make_user(make_org()), locale="en")
    index = client.get("/forums/").get_data(as_text=True)
    assert "E-files &amp; internal processes" in index
    assert "E-files &amp; internal processes" in client.get(f"/forums/{forum.id}").get_data(as_text=True)
    sign_in(client, make_user(make_org()), locale="de")
    assert "E-Akte" in client.get("/forums/").get_data(as_text=True)
    db.session.refresh(forum)
    assert forum.title == stored  # reading in another language changes nothing stored


def test_a_forum_an_admin_named_keeps_its_name(app):
    forum = Forum(slug="ratsarbeit", title="Digitale Ratsarbeit")
    assert forum.label == "Digitale Ratsarbeit"


def test_the_example_page_in_english_has_no_german_labels(client, app):
    town = make_org(verified=True)
    example = make_example(town, make_user(town))
    sign_in(client, make_user(make_org()), locale="en")
    page = client.get(f"/examples/{example.id}").get_data(as_text=True)
    assert "Re-use: contact the authors" in page and "Nachnutzen" not in page
    listing = client.get("/examples/").get_data(as_text=True)
    assert "Federal state" in listing and ">Land<" not in listing
