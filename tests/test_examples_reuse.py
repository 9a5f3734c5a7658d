"""Re-use of good examples: "Nachnutzen" through the double opt-in contact requests (same rate limit,
details only after acceptance), "hilfreich" votes, the forum thread per example; and the hooks into the
Digital-Check recommendations, the consultations' links and the moderation log."""
import pytest

from community import create_app
from community.examples.models import Example, ExampleInterest, ExampleVote
from community.extensions import db
from community.forums.models import Thread
from community.models_base import utcnow
from community.suggestions.models import ContactRequest
from tests.conftest import config_with
from tests.factories import make_org, make_token, make_user, sign_in


def make_example(organisation, author=None, published=True, **fields):
    values = {"title": "Digitaler Bauantrag", "summary": "Bauanträge online.", "problem": "Papier.",
              "solution": "Ein Online-Dienst.", "results": "", "lessons": "", "topics": ["ozg"], "ozg_ids": [],
              "partner_organisation_ids": [], "costs": None, "duration_months": None,
              "project_status": "completed", "contact_open": True, **fields}
    example = Example(organisation_id=organisation.id, author_id=author.id if author else None,
                      status="published" if published else "submitted", **values)
    if published:
        example.published, example.published_at = dict(values), utcnow()
    db.session.add(example)
    db.session.commit()
    return example


@pytest.fixture
def world(app):
    town = make_org(name="Stadt Vorbild", verified=True)
    asker_org = make_org(name="Gemeinde Nachnutz")
    author = make_user(town, name="Anna Autorin", email="anna@vorbild.de", phone="+49 1 2")
    asker = make_user(asker_org, name="Bert Frager", email="bert@nachnutz.de")
    example = make_example(town, author)
    return {"town": town, "asker_org": asker_org, "author": author, "asker": asker, "example": example,
            "token": {"Authorization": f"Bearer {make_token(asker)}"},
            "author_token": {"Authorization": f"Bearer {make_token(author)}"}}


def _interest(client, world, example=None, message="Wir möchten Ihren Bauantrag nachnutzen.", token=None):
    example = example or world["example"]
    return client.post(f"/api/v1/examples/{example.id}/interest", json={"message": message},
                       headers=token or world["token"])


def test_nachnutzen_sends_a_double_opt_in_contact_request(client, world):
    response = _interest(client, world)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "pending" and body["to_organisation"]["id"] == world["town"].id
    assert body["contacts"] is None  # details only after acceptance
    assert "Digitaler Bauantrag" in body["message"] and "nachnutzen" in body["message"]
    request = db.session.get(ContactRequest, body["id"])
    assert ExampleInterest.query.filter_by(example_id=world["example"].id, contact_request_id=request.id).count() == 1
    # The example's organisation accepts, through the existing machinery; now the details are shared.
    sign_in(client, world["author"])
    assert client.post(f"/contacts/{request.id}/accept").status_code == 302
    accepted = client.get(f"/api/v1/contact-requests/{request.id}", headers=world["token"]).get_json()
    assert accepted["status"] == "accepted" and accepted["contacts"]


def test_a_second_request_while_one_is_pending_is_409(client, world):
    assert _interest(client, world).status_code == 201
    assert _interest(client, world).status_code == 409


@pytest.mark.parametrize("body", [{}, {"message": ""}, {"message": "x" * 1001}, {"message": 5}, {"x": 1}])
def test_bad_interest_bodies_are_400(client, world, body):
    response = client.post(f"/api/v1/examples/{world['example'].id}/interest", json=body, headers=world["token"])
    assert response.status_code == 400


def test_no_interest_in_own_unpublished_or_closed_examples(client, world):
    assert _interest(client, world, token=world["author_token"]).status_code == 403
    unpublished = make_example(world["town"], world["author"], published=False)
    assert _interest(client, world, unpublished).status_code == 404
    closed = make_example(world["town"], world["author"], contact_open=False)
    assert _interest(client, world, closed).status_code == 403
    missing = client.post("/api/v1/examples/999999/interest", json={"message": "x"}, headers=world["token"])
    assert missing.status_code == 404


@pytest.fixture
def limited_app():
    application = create_app(config_with(RATE_LIMITS_ENABLED=True, RATELIMIT_CONTACT="2 per day"))
    with application.app_context():
        db.create_all()
        yield application
        db.session.remove()
        db.engine.dispose()


def test_nachnutzen_shares_the_contact_rate_limit(limited_app):
    client = limited_app.test_client()
    home = make_org()
    asker = make_user(home)
    token = {"Authorization": f"Bearer {make_token(asker)}"}
    statuses = []

    def staffed():  # someone receives the request (an organisation without members is refused: 409)
        organisation = make_org()
        make_user(organisation)
        return organisation

    for _ in range(2):
        example = make_example(staffed())
        statuses.append(client.post(f"/api/v1/examples/{example.id}/interest", json={"message": "Hallo"},
                                    headers=token).status_code)
    response = client.post("/api/v1/contact-requests", headers=token,
                           json={"to_organisation_id": staffed().id, "message": "Hallo"})
    sign_in(client, make_user(home))
    page = client.post(f"/examples/{make_example(staffed()).id}/interest", data={"message": "Hallo"})
    assert statuses == [201, 201] and response.status_code == 429 and page.status_code == 429


def test_the_page_button_sends_the_request(client, world):
    sign_in(client, world["asker"])
    page = client.get(f"/examples/{world['example'].id}").get_data(as_text=True)
    assert "Re-use: contact the authors" in page and "Nachnutzen" not in page  # English all the way (#24)
    assert client.post(f"/examples/{world['example'].id}/interest", data={"message": ""}).status_code == 400
    response = client.post(f"/examples/{world['example'].id}/interest", data={"message": "Gern nachnutzen"})
    assert response.status_code == 302 and ContactRequest.query.count() == 1
    outgoing = client.get("/contacts?direction=outgoing").get_data(as_text=True)
    assert f'href="/examples/{world["example"].id}"' in outgoing
    assert client.post(f"/examples/{world['example'].id}/interest", data={"message": "Nochmal"}).status_code == 409


def test_helpful_votes_count_once_per_person(client, world):
    sign_in(client, world["asker"])
    url = f"/examples/{world['example'].id}/helpful"
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert ExampleVote.query.count() == 1
    assert "1 person found this helpful" in client.get(f"/examples/{world['example'].id}").get_data(as_text=True)
    assert client.get(f"/api/v1/examples/{world['example'].id}", headers=world["token"]).get_json()["helpful"] == 1
    client.post(url, data={"undo": "1"})
    assert ExampleVote.query.count() == 0
    sign_in(client, world["author"])
    assert client.post(url).status_code == 403  # not for one's own organisation's example


def test_a_question_opens_a_form_and_the_thread_exists_only_once_it_is_posted(client, world):
    # #24: "Questions about this example" used to publish an empty thread in the clicker's name at once.
    url = f"/examples/{world['example'].id}/thread"
    sign_in(client, world["asker"])
    form = client.get(url)
    assert form.status_code == 200 and 'name="question"' in form.get_data(as_text=True)
    assert client.post(url, data={"question": ""}).status_code == 400
    assert Thread.query.count() == 0
    first = client.post(url, data={"question": "Wie lange hat die Einführung gedauert?"})
    assert first.status_code == 302
    thread = Thread.query.one()
    assert first.headers["Location"].endswith(f"/forums/threads/{thread.id}")
    assert "Digitaler Bauantrag" in thread.title and thread.author_id == world["asker"].id
    assert "Wie lange hat die Einführung gedauert?" in thread.opening_post.body
    sign_in(client, world["author"])
    assert client.post(url, data={"question": "Und wer hat sie begleitet?"}).status_code == 302
    assert Thread.query.count() == 1  # later questions are replies in the same thread
    assert [post.body for post in thread.posts][-1] == "Und wer hat sie begleitet?"
    unpublished = make_example(world["town"], world["author"], published=False)
    sign_in(client, world["asker"])
    assert client.post(f"/examples/{unpublished.id}/thread", data={"question": "Gibt es das?"}).status_code == 404
    assert client.get(f"/examples/{unpublished.id}/thread").status_code == 404


def test_digital_check_recommends_published_examples_per_handlungsfeld(app, world):
    from community.digitalcheck.recommendations import recommendations_for

    make_example(world["town"], world["author"], published=False, title="Geheim", topics=["ozg"])
    with app.test_request_context():
        sources = recommendations_for(world["asker_org"], "services", ("ozg",))
        found = dict((source.kind, items) for source, items in sources)
        heading = next(source.label for source, _ in sources if source.kind == "example")
        assert str(heading) == heading() == "Good examples"
        assert [item["title"] for item in found["example"]] == ["Digitaler Bauantrag"]
        assert found["example"][0]["url"] == f"/examples/{world['example'].id}"
        own = dict((source.kind, items) for source, items in recommendations_for(world["town"], "services", ("ozg",)))
        assert "example" not in own


def test_consultants_can_link_examples_in_their_advice(app, world):
    from community.consultations import links

    with app.test_request_context():
        described = links.describe({"kind": "example", "id": world["example"].id})
    assert described["title"] == "Digitaler Bauantrag" and described["url"] == f"/examples/{world['example'].id}"


def test_the_data_export_holds_the_persons_examples_and_votes(app, world):
    from community.account.services import export_user_data

    db.session.add(ExampleVote(example_id=world["example"].id, user_id=world["asker"].id))
    db.session.commit()
    assert [item["title"] for item in export_user_data(world["author"])["good_examples"]] == ["Digitaler Bauantrag"]
    assert [vote["example_id"] for vote in export_user_data(world["asker"])["helpful_votes"]] == [world["example"].id]
