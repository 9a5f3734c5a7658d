"""Good examples: writing (public bodies only), the review (nothing unreviewed is ever listed, searched,
matched or shown), edits of published examples, the API's errors, the pages and sanitising."""
import re
from html.parser import HTMLParser

import pytest

from community.examples.models import Example
from community.extensions import db
from community.moderation.models import ModerationAction
from community.notifications.models import Notification
from tests.factories import make_need, make_org, make_token, make_user, sign_in

API = "/api/v1/examples"
EXAMPLE = {
    "title": "Digitaler Bauantrag in sechs Monaten",
    "summary": "Wir nehmen Bauanträge nur noch digital entgegen.",
    "problem": "Bauanträge kamen in Papier, Akten wanderten zwischen Ämtern.",
    "solution": "Ein Online-Dienst für den **Bauantrag** mit Anbindung an das Fachverfahren.",
    "results": "Bearbeitungszeit von 12 auf 7 Wochen gesenkt.",
    "topics": ["ozg"], "ozg_ids": [], "partner_organisation_ids": [], "costs": "10k-50k",
    "duration_months": 6, "project_status": "completed", "lessons": "Früh mit dem Bauamt sprechen.",
    "contact_open": True,
}


@pytest.fixture
def people(app):
    town = make_org(name="Stadt Musterhausen", land="09", population_class="20k-100k", verified=True)
    centre = make_org(name="Kompetenzzentrum", kind="state", org_type="behoerde")
    vendor = make_org(name="Software GmbH", kind="company", org_type="hersteller")
    other_town = make_org(name="Gemeinde Anderswo", land="05", population_class="lt5k")
    users = {
        "author": make_user(town), "colleague": make_user(town),
        "consultant": make_user(centre, role="consultant"), "moderator": make_user(other_town, role="moderator"),
        "company": make_user(vendor), "other": make_user(other_town), "member": make_user(),
    }
    tokens = {name: {"Authorization": f"Bearer {make_token(user)}"} for name, user in users.items()}
    return users, tokens, {"town": town, "vendor": vendor, "other": other_town}


def _create(client, tokens, who="author", **overrides):
    response = client.post(API, json={**EXAMPLE, **overrides}, headers=tokens[who])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _review(client, tokens, example_id, decision="publish", who="consultant", **extra):
    return client.post(f"{API}/{example_id}/review", json={"decision": decision, **extra}, headers=tokens[who])


def _published(client, tokens, **overrides):
    created = _create(client, tokens, **overrides)
    assert _review(client, tokens, created["id"]).status_code == 200
    return created


def _listed_ids(client, tokens, who="other", **params):
    response = client.get(API, query_string=params, headers=tokens[who])
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def test_a_member_of_a_public_body_submits_an_example(client, people):
    users, tokens, orgs = people
    partner = orgs["vendor"]
    body = _create(client, tokens, partner_organisation_ids=[partner.id], ozg_ids=[10000])
    assert body["status"] == "submitted" and body["published"] is False
    assert body["partner_organisations"] == [{"id": partner.id, "name": "Software GmbH"}]
    assert body["ozg_services"] == [{"id": 10000, "name": "Elterngeld"}]
    assert body["organisation"]["name"] == "Stadt Musterhausen"
    reviewers = {n.user_id for n in Notification.query.filter_by(kind="example_submitted")}
    assert {users["consultant"].id, users["moderator"].id} <= reviewers


def test_companies_and_people_without_an_organisation_cannot_write(client, people):
    _, tokens, _ = people
    assert client.post(API, json=EXAMPLE, headers=tokens["company"]).status_code == 403
    assert client.post(API, json=EXAMPLE, headers=tokens["member"]).status_code == 403


@pytest.mark.parametrize("field, value", [
    ("title", ""), ("title", "x" * 201), ("summary", None), ("problem", 5), ("topics", []), ("topics", ["nope"]),
    ("ozg_ids", [1]), ("ozg_ids", "abc"), ("partner_organisation_ids", [999999]), ("partner_organisation_ids", [0]),
    ("partner_organisation_ids", [2**40]), ("costs", "cheap"), ("duration_months", -1), ("duration_months", "x"),
    ("project_status", "done"), ("contact_open", "maybe"), ("bogus", 1), ("title", {"nested": ["json"]}),
    ("solution", "\ud800"), ("results", "a\x00b"),
])
def test_bad_values_are_400_with_the_field(client, people, field, value):
    _, tokens, _ = people
    response = client.post(API, json={**EXAMPLE, field: value}, headers=tokens["author"])
    assert response.status_code == 400, response.get_json()
    if value != "\ud800":  # a lone surrogate is refused with the body, before any field is read
        assert field in response.get_json()["error"]["fields"]


def test_a_body_that_is_not_an_object_is_400(client, people):
    _, tokens, _ = people
    assert client.post(API, json=[1, 2], headers=tokens["author"]).status_code == 400
    broken = client.post(API, data="{", headers={**tokens["author"], "Content-Type": "application/json"})
    assert broken.status_code == 400


def test_own_organisation_is_no_partner(client, people):
    _, tokens, orgs = people
    response = client.post(API, json={**EXAMPLE, "partner_organisation_ids": [orgs["town"].id]},
                           headers=tokens["author"])
    assert response.status_code == 400 and "partner_organisation_ids" in response.get_json()["error"]["fields"]


def test_unpublished_examples_are_seen_only_by_their_organisation_and_the_reviewers(client, people):
    _, tokens, _ = people
    created = _create(client, tokens)
    draft = _create(client, tokens, draft=True, title="Entwurf")
    assert draft["status"] == "draft"
    for who in ("other", "company"):
        assert client.get(f"{API}/{created['id']}", headers=tokens[who]).status_code == 404
        assert client.get(f"{API}/{draft['id']}", headers=tokens[who]).status_code == 404
        assert _listed_ids(client, tokens, who) == []
    assert client.get(f"{API}/{draft['id']}", headers=tokens["colleague"]).get_json()["status"] == "draft"
    assert set(_listed_ids(client, tokens, "colleague")) == {created["id"], draft["id"]}
    assert client.get(f"{API}/{created['id']}", headers=tokens["consultant"]).status_code == 200
    assert client.get(f"{API}/2147483647", headers=tokens["author"]).status_code == 404
    assert client.get(f"{API}/99999999999999999999", headers=tokens["author"]).status_code == 404
    # Beyond the id columns no route matches (community.validation.IdConverter): never a 500.
    assert client.patch(f"{API}/99999999999999999999", json={}, headers=tokens["author"]).status_code in (404, 405)
    assert client.get("/examples/99999999999999999999").status_code == 404
    assert client.get(f"/examples/{created['id']}").status_code == 404


def test_publishing_makes_it_public_logs_and_notifies_the_author(client, people):
    users, tokens, _ = people
    created = _create(client, tokens)
    response = _review(client, tokens, created["id"], reason="Gut belegt")
    assert response.status_code == 200 and response.get_json()["status"] == "published"
    assert client.get(f"{API}/{created['id']}", headers=tokens["company"]).get_json()["title"] == EXAMPLE["title"]
    assert _listed_ids(client, tokens, "other") == [created["id"]]
    entry = ModerationAction.query.filter_by(item_type="example", item_id=created["id"]).one()
    assert entry.action == "publish" and entry.moderator_id == users["consultant"].id and entry.reason == "Gut belegt"
    note = Notification.query.filter_by(kind="example_reviewed", user_id=users["author"].id).one()
    assert note.url == f"/examples/{created['id']}"
    assert client.get(f"/examples/{created['id']}").status_code == 200


def test_returning_needs_a_reason_and_tells_the_author_why(client, people):
    users, tokens, _ = people
    created = _create(client, tokens)
    missing = _review(client, tokens, created["id"], "return")
    assert missing.status_code == 400 and "reason" in missing.get_json()["error"]["fields"]
    response = _review(client, tokens, created["id"], "return", who="moderator", reason="Bitte Zahlen nennen")
    assert response.status_code == 200 and response.get_json()["status"] == "returned"
    assert response.get_json()["review_reason"] == "Bitte Zahlen nennen"
    assert ModerationAction.query.filter_by(item_type="example", action="return").count() == 1
    note = Notification.query.filter_by(kind="example_reviewed", user_id=users["author"].id).one()
    assert note.params["reason"] == "Bitte Zahlen nennen"
    assert _listed_ids(client, tokens, "other") == []
    assert _review(client, tokens, created["id"]).status_code == 409  # returned: nothing waits for review


@pytest.mark.parametrize("who", ["author", "colleague", "other", "company"])
def test_only_consultants_and_moderators_review(client, people, who):
    _, tokens, _ = people
    created = _create(client, tokens)
    assert _review(client, tokens, created["id"], who=who).status_code == 403


@pytest.mark.parametrize("body", [{"decision": "maybe"}, {}, {"decision": "publish", "extra": 1},
                                  {"decision": "return", "reason": 7}])
def test_bad_review_bodies_are_400(client, people, body):
    _, tokens, _ = people
    created = _create(client, tokens)
    response = client.post(f"{API}/{created['id']}/review", json=body, headers=tokens["consultant"])
    assert response.status_code == 400


def test_an_edit_of_a_published_example_goes_to_review_and_the_published_version_stays(client, people):
    _, tokens, _ = people
    created = _published(client, tokens)
    response = client.patch(f"{API}/{created['id']}", json={"title": "Geheimer neuer Titel", "summary": "Xylophon"},
                            headers=tokens["colleague"])
    assert response.status_code == 200
    assert response.get_json()["status"] == "submitted" and response.get_json()["title"] == "Geheimer neuer Titel"
    seen = client.get(f"{API}/{created['id']}", headers=tokens["other"]).get_json()
    assert seen["status"] == "published" and seen["title"] == EXAMPLE["title"]
    assert _listed_ids(client, tokens, "other", q="Xylophon") == []
    assert _listed_ids(client, tokens, "other", q="Geheimer") == []
    page = client.get(f"/examples/{created['id']}").get_data(as_text=True)
    assert "Geheimer" not in page and EXAMPLE["title"] in page
    sign_in(client, people[0]["consultant"])
    review_page = client.get(f"/examples/{created['id']}/review").get_data(as_text=True)
    assert "Changed since the published version: Title, Summary" in review_page
    with client.session_transaction() as session:
        session.clear()
    assert _review(client, tokens, created["id"]).status_code == 200
    assert client.get(f"{API}/{created['id']}", headers=tokens["other"]).get_json()["title"] == "Geheimer neuer Titel"


@pytest.mark.parametrize("who, status", [("other", 404), ("company", 404), ("consultant", 403), ("moderator", 403)])
def test_only_the_organisation_edits(client, people, who, status):
    _, tokens, _ = people
    draft = _create(client, tokens, draft=True)
    assert client.patch(f"{API}/{draft['id']}", json={"title": "x"}, headers=tokens[who]).status_code == status
    published = _published(client, tokens)
    assert client.patch(f"{API}/{published['id']}", json={"title": "x"}, headers=tokens[who]).status_code == 403


def test_patch_refuses_bad_values(client, people):
    _, tokens, _ = people
    draft = _create(client, tokens, draft=True)
    response = client.patch(f"{API}/{draft['id']}", json={"topics": "nope", "title": ""}, headers=tokens["author"])
    assert response.status_code == 400 and set(response.get_json()["error"]["fields"]) == {"topics", "title"}


def test_filters_and_search(client, people):
    _, tokens, orgs = people
    first = _published(client, tokens, ozg_ids=[10000])
    other_author = make_user(orgs["other"])
    other_token = {"Authorization": f"Bearer {make_token(other_author)}"}
    second = client.post(API, json={**EXAMPLE, "title": "Mängelmelder für Straßenschäden", "topics": ["daten"],
                                    "summary": "Bürger melden Schlaglöcher."}, headers=other_token).get_json()
    assert _review(client, tokens, second["id"]).status_code == 200
    assert _listed_ids(client, tokens, "company", topic="daten") == [second["id"]]
    assert _listed_ids(client, tokens, "company", land="09") == [first["id"]]
    assert _listed_ids(client, tokens, "company", population_class="lt5k") == [second["id"]]
    assert _listed_ids(client, tokens, "company", ozg_id=10000) == [first["id"]]
    assert _listed_ids(client, tokens, "company", q="maengelmelder") == [second["id"]]
    assert _listed_ids(client, tokens, "company", q="Schlaglöcher Bürger") == [second["id"]]
    assert client.get(API, query_string={"topic": "nope"}, headers=tokens["company"]).status_code == 400
    assert client.get(API, query_string={"need_id": "x"}, headers=tokens["company"]).status_code == 400
    assert client.get(API, query_string={"need_id": 2**40}, headers=tokens["company"]).status_code == 400


def test_examples_ranked_for_a_need_carry_score_and_terms(client, people):
    users, tokens, orgs = people
    permit = _published(client, tokens)
    _published(client, tokens, title="Schulnetz mit WLAN", summary="WLAN in allen Schulen.", topics=["bildung"],
               problem="Die Schulen hatten kein WLAN.", solution="Access Points und ein Schulnetz.", results="",
               lessons="")
    unreviewed = _create(client, tokens, title="Bauantrag digital: die Fortsetzung")
    need = make_need(orgs["other"], title="Digitaler Bauantrag gesucht",
                     body="Wir wollen Bauanträge online annehmen und an das Fachverfahren anbinden.", topics=["ozg"])
    response = client.get(API, query_string={"need_id": need.id}, headers=tokens["other"])
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert items[0]["id"] == permit["id"] and 0 < items[0]["score"] <= 1 and items[0]["terms"]
    assert unreviewed["id"] not in [item["id"] for item in items]
    assert client.get(API, query_string={"need_id": 999999}, headers=tokens["other"]).status_code == 404


def test_nothing_unreviewed_is_matched_on_the_need_page(client, people):
    users, tokens, orgs = people
    _create(client, tokens, title="Digitaler Bauantrag geheim")
    need = make_need(orgs["other"], title="Digitaler Bauantrag", body="Bauantrag online annehmen", topics=["ozg"])
    sign_in(client, users["other"])
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "geheim" not in page
    _published(client, tokens, title="Bauantrag online seit 2024")
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "Bauantrag online seit 2024" in page


class _Tags(HTMLParser):
    """Collects what a browser would act on: elements, event-handler attributes, link targets."""

    def __init__(self):
        super().__init__()
        self.tags, self.handlers, self.urls = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(name)
            if name in ("href", "src", "action") and value:
                self.urls.append(value.strip().lower())


def assert_harmless(html: str) -> None:
    main = html[html.index("<main"):html.index("</main>")]
    parser = _Tags()
    parser.feed(main)
    assert not parser.handlers
    assert not {"iframe", "svg", "img", "object", "embed"} & set(parser.tags)
    assert not [url for url in parser.urls if url.startswith(("javascript:", "//", "data:"))]
    scripts = re.findall(r"<script[^>]*>", main)
    assert all('src="/static/' in tag for tag in scripts), scripts


XSS = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '[klick](javascript:alert(1))',
       '<a href="javascript:alert(1)">x</a>', '<svg onload=alert(1)>', '"><iframe src=//evil>']


@pytest.mark.parametrize("payload", XSS)
def test_long_fields_are_sanitised_on_every_page(client, people, payload):
    users, tokens, _ = people
    long_fields = {name: f"Text {payload} Ende" for name in ("summary", "problem", "solution", "results", "lessons")}
    created = _create(client, tokens, title=f"Titel {payload}", **long_fields)
    sign_in(client, users["consultant"])
    pages = [client.get(f"/examples/{created['id']}/review").get_data(as_text=True)]
    assert _review(client, tokens, created["id"]).status_code == 200
    pages += [client.get(f"/examples/{created['id']}").get_data(as_text=True),
              client.get("/examples/").get_data(as_text=True)]
    for html in pages:
        assert_harmless(html)


def test_the_library_and_the_form_pages(client, people):
    users, tokens, _ = people
    _published(client, tokens)
    assert client.get("/examples/").status_code == 200
    assert client.get("/examples/?topic=nope").status_code == 200
    sign_in(client, users["author"])
    assert client.get("/examples/new").status_code == 200
    response = client.post("/examples/new", data={"title": "", "topics": "ozg", "project_status": "running",
                                                 "action": "submit"})
    assert response.status_code == 400 and "This field is required." in response.get_data(as_text=True)
    response = client.post("/examples/new", data={**{k: v for k, v in EXAMPLE.items() if isinstance(v, str)},
                                                 "topics": ["ozg", "eakte"], "duration_months": "4",
                                                 "contact_open": "1", "action": "draft"})
    assert response.status_code == 302
    example = Example.query.order_by(Example.id.desc()).first()
    assert example.status == "draft" and example.topics == ["ozg", "eakte"] and example.duration_months == 4
    sign_in(client, users["company"])
    assert client.get("/examples/new").status_code == 403


def test_the_review_pages(client, people):
    users, tokens, _ = people
    created = _create(client, tokens)
    sign_in(client, users["author"])
    assert client.get("/examples/review").status_code == 403
    sign_in(client, users["consultant"])
    assert EXAMPLE["title"] in client.get("/examples/review").get_data(as_text=True)
    response = client.post(f"/examples/{created['id']}/review", data={"decision": "return", "reason": ""})
    assert response.status_code == 400
    response = client.post(f"/examples/{created['id']}/review", data={"decision": "publish", "reason": ""})
    assert response.status_code == 302
    assert db.session.get(Example, created["id"]).status == "published"


def test_responses_match_the_openapi_document(client, people):
    from tests.test_api_openapi import assert_matches_document

    users, tokens, orgs = people
    document = client.get("/api/v1/openapi.json").get_json()
    created = client.post(API, json=EXAMPLE, headers=tokens["author"])
    assert_matches_document(document, "/examples", "post", created)
    example_id = created.get_json()["id"]
    assert_matches_document(document, "/examples", "post", client.post(API, json={}, headers=tokens["author"]))
    assert_matches_document(document, "/examples/{example_id}", "get",
                            client.get(f"{API}/{example_id}", headers=tokens["colleague"]))
    assert_matches_document(document, "/examples/{example_id}/review", "post",
                            _review(client, tokens, example_id))
    assert_matches_document(document, "/examples/{example_id}/review", "post",
                            _review(client, tokens, example_id))  # 409
    assert_matches_document(document, "/examples/{example_id}", "patch",
                            client.patch(f"{API}/{example_id}", json={"title": "Neu"}, headers=tokens["author"]))
    need = make_need(orgs["other"], title="Digitaler Bauantrag", body="Bauantrag online", topics=["ozg"])
    assert_matches_document(document, "/examples", "get",
                            client.get(API, query_string={"need_id": need.id}, headers=tokens["other"]))
    assert_matches_document(document, "/examples", "get", client.get(API, headers=tokens["author"]))
    interest = client.post(f"{API}/{example_id}/interest", json={"message": "Wir möchten das nachnutzen."},
                           headers=tokens["other"])
    assert interest.status_code == 201
    assert_matches_document(document, "/examples/{example_id}/interest", "post", interest)


def test_reviews_are_in_the_moderation_log_and_linked_from_the_queue(client, people):
    users, tokens, _ = people
    created = _published(client, tokens)
    sign_in(client, users["moderator"])
    page = client.get("/moderation/log?item_type=example&action=publish").get_data(as_text=True)
    assert f'href="/examples/{created["id"]}"' in page
    assert "/examples/review" in client.get("/moderation/queue").get_data(as_text=True)


def test_the_start_page_shows_what_waits_for_review_and_examples_for_own_needs(client, people):
    users, tokens, orgs = people
    waiting = _create(client, tokens, title="Wartet auf Prüfung")
    sign_in(client, users["consultant"])
    assert "Wartet auf Prüfung" in client.get("/").get_data(as_text=True)
    assert _review(client, tokens, waiting["id"]).status_code == 200
    make_need(orgs["other"], title="Digitaler Bauantrag", body="Bauanträge online annehmen", topics=["ozg"])
    sign_in(client, users["other"])
    page = client.get("/").get_data(as_text=True)
    assert "Good examples for you" in page and f'href="/examples/{waiting["id"]}"' in page


def test_the_matching_index_holds_only_published_copies(client, people):
    from community.suggestions import engine as matching

    _, tokens, _ = people
    draft = _create(client, tokens, title="Unveröffentlicht")
    assert matching.load_records([f"example:{draft['id']}"]) == {}
    published = _published(client, tokens)
    client.patch(f"{API}/{published['id']}", json={"summary": "Zebrastreifen"}, headers=tokens["author"])
    record = matching.load_records([f"example:{published['id']}"])[f"example:{published['id']}"]
    assert "Zebrastreifen" not in record.text and EXAMPLE["summary"] in record.text
    assert matching.engine().search("Zebrastreifen", k=5, kinds=("example",))[1] == []
    assert [m.id for m in matching.engine().search("Unveröffentlicht", k=5, kinds=("example",))[1]] == []


def test_four_eyes_whoever_last_changed_an_example_cannot_approve_it(client, people):
    users, tokens, orgs = people
    reviewer = make_user(orgs["town"], role="moderator")  # a reviewer who is the author's colleague
    headers = {"Authorization": f"Bearer {make_token(reviewer)}"}
    created = _create(client, tokens)
    changed = client.patch(f"{API}/{created['id']}", json={"summary": "Meine eigene Fassung."}, headers=headers)
    assert changed.status_code == 200
    assert client.post(f"{API}/{created['id']}/review", json={"decision": "publish"}, headers=headers).status_code == 403
    assert _review(client, tokens, created["id"]).status_code == 200  # another reviewer may
    # The author's own change after a colleague's edit makes the author the last editor again.
    edited = client.patch(f"{API}/{created['id']}", json={"summary": "Zurück."}, headers=tokens["author"])
    assert edited.status_code == 200
    assert client.post(f"{API}/{created['id']}/review", json={"decision": "publish"}, headers=headers).status_code == 200
