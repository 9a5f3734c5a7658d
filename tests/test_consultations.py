"""First consultations: requesting, the workflow (every move by each side), the conversation and the
internal notes that never leave the consultants, and companies and other municipalities kept out."""
import pytest

from community.consultations import workflow
from community.notifications.models import Notification
from tests.factories import make_need, make_offer, make_org, make_token, make_user, sign_in

API = "/api/v1/consultations"
REQUEST = {"subject": "E-Akte einführen", "description": "Wie fangen wir an?", "topics": ["eakte"],
           "urgency": "normal", "preferred_format": "video"}


@pytest.fixture
def people(app):
    town = make_org(name="Gemeinde Musterdorf", land="09")
    centre = make_org(name="Kompetenzzentrum", kind="state", org_type="behoerde")
    vendor = make_org(name="Software GmbH", kind="company", org_type="hersteller")
    other_town = make_org(name="Gemeinde Anderswo")
    users = {
        "requester": make_user(town), "colleague": make_user(town),
        "consultant": make_user(centre, role="consultant"), "admin": make_user(role="admin"),
        "company": make_user(vendor), "other": make_user(other_town), "moderator": make_user(other_town, role="moderator"),
    }
    tokens = {name: {"Authorization": f"Bearer {make_token(user)}"} for name, user in users.items()}
    return users, tokens, town


def _file(client, tokens, **overrides):
    response = client.post(API, json={**REQUEST, **overrides}, headers=tokens["requester"])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _move(client, tokens, case_id, who, to, **extra):
    return client.post(f"{API}/{case_id}/transitions", json={"to": to, **extra}, headers=tokens[who])


def _to(client, tokens, case_id, status):
    """Walk a case along the main path up to `status` (as the consultant)."""
    path = {"accepted": [("accepted", {})],
            "scheduled": [("accepted", {}), ("scheduled", {"scheduled_for": "2026-03-01T10:00:00Z"})],
            "advised": [("accepted", {}), ("scheduled", {"scheduled_for": "2026-03-01T10:00"}),
                        ("advised", {"advice": "Start small."})]}
    for to, extra in path.get(status, []):
        assert _move(client, tokens, case_id, "consultant", to, **extra).status_code == 200


def test_a_member_of_a_public_body_requests_a_consultation(client, people):
    users, tokens, town = people
    need = make_need(town)
    case = _file(client, tokens, need_ids=[need.id])
    assert case["status"] == "requested" and case["need_ids"] == [need.id]
    assert case["history"][0]["to"] == "requested" and case["history"][0]["by"] == users["requester"].name
    assert Notification.query.filter_by(user_id=users["consultant"].id, kind="consult_request").count() == 1


@pytest.mark.parametrize("field, value", [
    ("urgency", "medium"), ("preferred_format", "letter"), ("topics", ["nope"]), ("topics", []),
    ("subject", ""), ("subject", "x" * 201), ("need_ids", ["a"]), ("assessment_id", 0), ("bogus", 1),
])
def test_bad_values_are_400_with_the_field(client, people, field, value):
    _, tokens, _ = people
    response = client.post(API, json={**REQUEST, field: value}, headers=tokens["requester"])
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]


def test_needs_of_another_organisation_cannot_be_attached(client, people):
    _, tokens, _ = people
    foreign = make_need(make_org())
    response = client.post(API, json={**REQUEST, "need_ids": [foreign.id]}, headers=tokens["requester"])
    assert response.status_code == 400 and "need_ids" in response.get_json()["error"]["fields"]


def test_only_the_latest_digital_check_of_the_organisation_can_be_attached(client, people):
    users, tokens, town = people
    from community.digitalcheck.models import Assessment
    from community.extensions import db

    latest = Assessment(organisation_id=town.id, status="submitted", questionnaire_version="1", is_latest=True,
                        scores={})
    foreign = Assessment(organisation_id=make_org().id, status="submitted", questionnaire_version="1",
                         is_latest=True, scores={})
    db.session.add_all([latest, foreign])
    db.session.commit()
    assert _file(client, tokens, assessment_id=latest.id)["assessment_id"] == latest.id
    response = client.post(API, json={**REQUEST, "assessment_id": foreign.id}, headers=tokens["requester"])
    assert response.status_code == 400 and "assessment_id" in response.get_json()["error"]["fields"]


def test_companies_cannot_request_and_never_see_a_case(client, people):
    users, tokens, _ = people
    case = _file(client, tokens)
    assert client.post(API, json=REQUEST, headers=tokens["company"]).status_code == 403
    assert client.get(API, headers=tokens["company"]).status_code == 403
    assert client.get(f"{API}/{case['id']}", headers=tokens["company"]).status_code == 404
    assert _move(client, tokens, case["id"], "company", "withdrawn").status_code == 404
    sign_in(client, users["company"])
    assert client.get("/consultations/").status_code == 403
    assert client.get("/consultations/new").status_code == 403
    assert client.get(f"/consultations/{case['id']}").status_code == 404
    assert b'href="/consultations/"' not in client.get("/").data


def test_other_municipalities_see_only_their_own(client, people):
    users, tokens, _ = people
    case = _file(client, tokens)
    assert client.get(API, headers=tokens["other"]).get_json()["total"] == 0
    assert client.get(f"{API}/{case['id']}", headers=tokens["other"]).status_code == 404
    assert client.get(f"{API}/{case['id']}", headers=tokens["moderator"]).status_code == 404
    assert client.post(f"{API}/{case['id']}/messages", json={"text": "hi"}, headers=tokens["other"]).status_code == 404
    assert client.get(API, headers=tokens["colleague"]).get_json()["total"] == 1
    assert client.get(API, headers=tokens["consultant"]).get_json()["total"] == 1


def test_the_happy_path_from_request_to_close(client, people):
    users, tokens, town = people
    need, offer = make_need(town), make_offer(make_org(kind="company", org_type="hersteller"))
    case = _file(client, tokens)
    accepted = _move(client, tokens, case["id"], "consultant", "accepted").get_json()
    assert accepted["status"] == "accepted" and accepted["assignee"] == {"id": users["consultant"].id, "name": users["consultant"].name}
    scheduled = _move(client, tokens, case["id"], "consultant", "scheduled", scheduled_for="2026-03-01T10:00:00+01:00")
    assert scheduled.get_json()["scheduled_for"] == "2026-03-01T10:00:00+01:00"
    advised = _move(client, tokens, case["id"], "consultant", "advised", advice="Start small.",
                    recommendations=[{"kind": "need", "id": need.id}, {"kind": "offer", "id": offer.id}])
    assert advised.status_code == 200
    assert [link["kind"] for link in advised.get_json()["recommendations"]] == ["need", "offer"]
    rated = client.post(f"{API}/{case['id']}/rating", json={"rating": 5, "comment": "Danke"}, headers=tokens["requester"])
    assert rated.status_code == 200 and rated.get_json()["rating"] == 5
    closed = _move(client, tokens, case["id"], "consultant", "closed").get_json()
    assert [event["to"] for event in closed["history"]] == ["requested", "accepted", "scheduled", "advised", "closed"]
    assert all(event["by"] for event in closed["history"])
    kinds = {n.kind for n in Notification.query.filter_by(user_id=users["requester"].id)}
    assert kinds == {"consult_status"}
    assert Notification.query.filter_by(user_id=users["colleague"].id, kind="consult_status").count() == 4
    assert Notification.query.filter_by(user_id=users["consultant"].id, kind="consult_rating").count() == 1


# (status the case is in, move, side that may make it)
ALLOWED = sorted(workflow.TRANSITIONS.items())


@pytest.mark.parametrize("move, side", ALLOWED, ids=[f"{a}-{b}" for (a, b), _ in ALLOWED])
def test_every_allowed_move_by_its_side_and_refused_to_the_other(client, people, move, side):
    _, tokens, _ = people
    start, to = move
    extra = {"declined": {"reason": "Not our field."}, "scheduled": {"scheduled_for": "2026-04-01T09:00"},
             "advised": {"advice": "Do this."}}.get(to, {})
    other = "requester" if side == "consultant" else "consultant"
    case = _file(client, tokens)
    _to(client, tokens, case["id"], start)
    assert _move(client, tokens, case["id"], other, to, **extra).status_code == 403
    for outsider in ("other", "company"):
        assert _move(client, tokens, case["id"], outsider, to, **extra).status_code == 404
    response = _move(client, tokens, case["id"], side, to, **extra)
    assert response.status_code == 200 and response.get_json()["status"] == to
    if side == "consultant":
        assert _move(client, tokens, case["id"], "admin", to, **extra).status_code in (200, 409)


@pytest.mark.parametrize("start", workflow.STATUSES)
def test_moves_the_workflow_forbids_are_409(client, people, start):
    _, tokens, _ = people
    case = _file(client, tokens)
    if start in ("declined", "withdrawn", "closed"):
        _to(client, tokens, case["id"], "advised" if start == "closed" else "requested")
        side = "requester" if start == "withdrawn" else "consultant"
        extra = {"reason": "No."} if start == "declined" else {}
        assert _move(client, tokens, case["id"], side, start, **extra).status_code == 200
    else:
        _to(client, tokens, case["id"], start)
    for to in workflow.STATUSES:
        side = workflow.SIDE_OF_TARGET.get(to)
        if side is None or (start, to) in workflow.TRANSITIONS:
            continue
        extra = {"reason": "r", "scheduled_for": "2026-04-01T09:00", "advice": "a"}
        assert _move(client, tokens, case["id"], side, to, **extra).status_code == 409, (start, to)


def test_the_requested_status_is_nobody_s_move(client, people):
    _, tokens, _ = people
    case = _file(client, tokens)
    assert _move(client, tokens, case["id"], "consultant", "requested").status_code == 403
    assert _move(client, tokens, case["id"], "consultant", "nonsense").status_code == 400


@pytest.mark.parametrize("to, missing", [("declined", "reason"), ("scheduled", "scheduled_for"), ("advised", "advice")])
def test_moves_need_their_fields(client, people, to, missing):
    _, tokens, _ = people
    case = _file(client, tokens)
    _to(client, tokens, case["id"], {"declined": "requested", "scheduled": "accepted", "advised": "scheduled"}[to])
    response = _move(client, tokens, case["id"], "consultant", to)
    assert response.status_code == 400 and missing in response.get_json()["error"]["fields"]
    assert client.get(f"{API}/{case['id']}", headers=tokens["consultant"]).get_json()["status"] != to


@pytest.mark.parametrize("link", [{"kind": "training", "id": 1}, {"kind": "need", "id": 999999}, {"kind": "need"},
                                  {"kind": "need", "id": "1"}, "need:1"])
def test_recommendations_are_typed_links_to_existing_things(client, people, link):
    _, tokens, _ = people
    case = _file(client, tokens)
    _to(client, tokens, case["id"], "scheduled")
    response = _move(client, tokens, case["id"], "consultant", "advised", advice="x", recommendations=[link])
    assert response.status_code == 400 and "recommendations" in response.get_json()["error"]["fields"]


def test_other_features_register_link_kinds(client, people):
    from community.consultations.links import LINK_KINDS, register_link_kind
    from community.organisations.models import Organisation

    users, tokens, town = people
    # A kind of its own: the real ones (example, event) are registered by their features and must stay.
    register_link_kind("test_partner", Organisation, lambda row: f"/organisations/{row.id}", lambda row: row.name)
    try:
        case = _file(client, tokens)
        _to(client, tokens, case["id"], "scheduled")
        response = _move(client, tokens, case["id"], "consultant", "advised", advice="x",
                         recommendations=[{"kind": "test_partner", "id": town.id}])
        assert response.get_json()["recommendations"][0]["title"] == town.name
    finally:
        LINK_KINDS.pop("test_partner")


def test_rating_only_after_the_advice_and_only_by_the_requester(client, people):
    _, tokens, _ = people
    case = _file(client, tokens)
    rate = lambda who, value=4: client.post(f"{API}/{case['id']}/rating", json={"rating": value}, headers=tokens[who])  # noqa: E731
    assert rate("requester").status_code == 409
    _to(client, tokens, case["id"], "advised")
    assert rate("consultant").status_code == 403
    assert rate("requester", 6).status_code == 400
    assert rate("colleague").status_code == 200


def test_list_filters(client, people):
    users, tokens, _ = people
    first = _file(client, tokens)
    _file(client, tokens, urgency="high", topics=["ozg"])
    _move(client, tokens, first["id"], "consultant", "accepted")
    get = lambda query: client.get(f"{API}?{query}", headers=tokens["consultant"]).get_json()  # noqa: E731
    assert get("status=accepted")["total"] == 1
    assert get("assignee=me")["items"][0]["id"] == first["id"]
    assert get("urgency=high")["total"] == 1
    assert get("topic=ozg")["total"] == 1
    assert get("land=09")["total"] == 2 and get("land=01")["total"] == 0
    assert client.get(f"{API}?status=bogus", headers=tokens["consultant"]).status_code == 400


def test_internal_notes_never_leave_the_consultants(client, people):
    users, tokens, _ = people
    case = _file(client, tokens)
    secret = "GEHEIM-interne-Notiz"
    note = client.post(f"{API}/{case['id']}/messages", json={"text": secret, "internal": True},
                       headers=tokens["consultant"])
    assert note.status_code == 201 and note.get_json()["internal"] is True
    public = client.post(f"{API}/{case['id']}/messages", json={"text": "Hallo"}, headers=tokens["consultant"])
    assert public.status_code == 201
    assert client.post(f"{API}/{case['id']}/messages", json={"text": "x", "internal": True},
                       headers=tokens["requester"]).status_code == 403
    # The API
    assert secret in client.get(f"{API}/{case['id']}", headers=tokens["consultant"]).get_data(as_text=True)
    for who in ("requester", "colleague"):
        seen = client.get(f"{API}/{case['id']}", headers=tokens[who]).get_json()
        assert [m["text"] for m in seen["messages"]] == ["Hallo"]
        assert secret not in client.get(API, headers=tokens[who]).get_data(as_text=True)
    # Notifications
    assert not [n for n in Notification.query.all() if secret in str(n.params) or secret in n.message]
    # Pages
    sign_in(client, users["requester"])
    assert secret not in client.get(f"/consultations/{case['id']}").get_data(as_text=True)
    assert secret not in client.get("/consultations/").get_data(as_text=True)
    # The data export of everyone involved, the note's author too
    for who in ("requester", "consultant"):
        sign_in(client, users[who])
        export = client.get("/account/export")
        assert export.status_code == 200 and secret not in export.get_data(as_text=True)
    sign_in(client, users["consultant"])
    assert secret in client.get(f"/consultations/{case['id']}").get_data(as_text=True)


def test_the_conversation_notifies_the_other_side(client, people):
    users, tokens, _ = people
    case = _file(client, tokens)
    client.post(f"{API}/{case['id']}/messages", json={"text": "Frage"}, headers=tokens["requester"])
    assert Notification.query.filter_by(user_id=users["consultant"].id, kind="consult_message").count() == 1
    client.post(f"{API}/{case['id']}/messages", json={"text": "Antwort"}, headers=tokens["consultant"])
    assert Notification.query.filter_by(user_id=users["colleague"].id, kind="consult_message").count() == 1
    assert client.post(f"{API}/{case['id']}/messages", json={"text": ""}, headers=tokens["requester"]).status_code == 400


def test_pages_request_work_and_close(client, people):
    users, tokens, town = people
    sign_in(client, users["requester"])
    assert client.get("/consultations/new").status_code == 200
    bad = client.post("/consultations/new", data={"subject": "", "description": "d", "urgency": "normal",
                                                  "preferred_format": "phone"})
    assert bad.status_code == 400
    created = client.post("/consultations/new", data={"subject": "<script>x</script>", "description": "d",
                                                      "urgency": "normal", "preferred_format": "phone",
                                                      "topics": ["ozg"]})
    assert created.status_code == 302
    case_url = created.headers["Location"]
    page = client.get(case_url).get_data(as_text=True)
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page
    sign_in(client, users["consultant"])
    desk = client.get("/consultations/?status=requested").get_data(as_text=True)
    assert "&lt;script&gt;x" in desk
    assert client.post(case_url + "/move", data={"to": "accepted"}).status_code == 302
    assert client.post(case_url + "/move", data={"to": "scheduled"}).status_code == 400
    assert client.post(case_url + "/move", data={"to": "scheduled", "scheduled_for": "2026-05-01T10:00"}).status_code == 302
    assert client.post(case_url + "/messages", data={"text": "Notiz", "internal": "1"}).status_code == 302
    assert client.post(case_url + "/move", data={"to": "closed"}).status_code == 409
    sign_in(client, users["requester"])
    assert client.post(case_url + "/move", data={"to": "withdrawn"}).status_code == 302
    assert "withdrawn" in client.get(case_url).get_data(as_text=True)


def test_the_responses_match_the_openapi_document(client, people):
    from tests.test_api_openapi import assert_matches_document

    users, tokens, town = people
    document = client.get("/api/v1/openapi.json").get_json()
    created = client.post(API, json={**REQUEST, "need_ids": [make_need(town).id]}, headers=tokens["requester"])
    assert_matches_document(document, "/consultations", "post", created)
    case_id = created.get_json()["id"]
    assert_matches_document(document, "/consultations", "post",
                            client.post(API, json={"subject": ""}, headers=tokens["requester"]))
    assert_matches_document(document, "/consultations", "get", client.get(API, headers=tokens["consultant"]))
    _to(client, tokens, case_id, "advised")
    message = client.post(f"{API}/{case_id}/messages", json={"text": "n", "internal": True}, headers=tokens["consultant"])
    assert_matches_document(document, "/consultations/{case_id}/messages", "post", message)
    assert_matches_document(document, "/consultations/{case_id}", "get",
                            client.get(f"{API}/{case_id}", headers=tokens["consultant"]))
    assert_matches_document(document, "/consultations/{case_id}/transitions", "post",
                            _move(client, tokens, case_id, "consultant", "accepted"))
    assert_matches_document(document, "/consultations/{case_id}/rating", "post",
                            client.post(f"{API}/{case_id}/rating", json={"rating": 3}, headers=tokens["requester"]))


@pytest.mark.parametrize("given, returned, stored", [
    ("2026-12-16T10:00", "2026-12-16T10:00:00+01:00", "2026-12-16 09:00:00"),  # local winter time
    ("2026-07-01T10:00:00", "2026-07-01T10:00:00+02:00", "2026-07-01 08:00:00"),  # local summer time
    ("2026-12-16T09:00:00Z", "2026-12-16T10:00:00+01:00", "2026-12-16 09:00:00"),
    ("2026-12-16T10:00:00+01:00", "2026-12-16T10:00:00+01:00", "2026-12-16 09:00:00"),
])
def test_scheduled_for_without_offset_is_berlin_time_and_comes_back_with_its_offset(client, people, given, returned,
                                                                                      stored):
    from community.consultations.models import Consultation
    from community.extensions import db

    _, tokens, _ = people
    case = _file(client, tokens)
    _to(client, tokens, case["id"], "accepted")
    response = _move(client, tokens, case["id"], "consultant", "scheduled", scheduled_for=given)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["scheduled_for"] == returned
    assert client.get(f"{API}/{case['id']}", headers=tokens["requester"]).get_json()["scheduled_for"] == returned
    assert str(db.session.get(Consultation, case["id"]).scheduled_for) == stored


def test_the_case_page_asks_and_shows_local_time_never_utc(client, people):
    users, tokens, _ = people
    case = _file(client, tokens)
    _to(client, tokens, case["id"], "accepted")
    sign_in(client, users["consultant"])
    form = client.get(f"/consultations/{case['id']}").get_data(as_text=True)
    assert 'name="scheduled_for"' in form and "UTC" not in form
    assert client.post(f"/consultations/{case['id']}/move",
                       data={"to": "scheduled", "scheduled_for": "2026-12-16T10:00"}).status_code == 302
    sign_in(client, users["requester"], locale="de")
    page = client.get(f"/consultations/{case['id']}").get_data(as_text=True)
    assert "Mi, 16.12.2026, 10:00 Uhr" in page and "UTC" not in page
    assert 'datetime="2026-12-16T10:00:00+01:00"' in page


def test_status_notifications_name_every_status_in_the_reader_s_language(client, people):
    """No English status slug in a German notification or its mail: every status a move reaches."""
    from flask_babel import force_locale

    users, tokens, _ = people
    walks = {"accepted": [], "scheduled": ["accepted"], "advised": ["accepted", "scheduled"],
             "closed": ["accepted", "scheduled", "advised"], "declined": [], "withdrawn": []}
    extra = {"scheduled": {"scheduled_for": "2026-12-16T10:00"}, "advised": {"advice": "Start small."},
             "declined": {"reason": "Not our field."}}
    reached = set()
    for target, before in walks.items():
        case = _file(client, tokens)
        for status in [*before, target]:
            who = "requester" if status == "withdrawn" else "consultant"
            assert _move(client, tokens, case["id"], who, status, **extra.get(status, {})).status_code == 200
        receiver = users["consultant"] if target == "withdrawn" else users["requester"]
        last = Notification.query.filter_by(user_id=receiver.id, kind="consult_status") \
            .order_by(Notification.id.desc()).first()
        with force_locale("de"):
            text = last.display_text
        if target == "scheduled":  # the date instead of the status word
            assert "findet am Mi, 16.12.2026, 10:00 Uhr statt" in text, text
            reached.add(target)
            continue
        assert "hat jetzt den Status" in text
        words = text.rsplit("Status", 1)[1]
        assert not any(status in words for status in workflow.STATUSES), text
        reached.add(target)
    assert reached == set(workflow.STATUSES) - {"requested"}  # requesting is announced by its own message


def test_the_scheduled_notification_and_mail_state_the_local_date_in_the_reader_s_language(client, people):
    from flask_babel import force_locale

    from community.extensions import db
    from community.mail.models import OutboxMail

    users, tokens, _ = people
    users["requester"].locale, users["colleague"].locale = "de", "en"
    db.session.commit()
    case = _file(client, tokens)
    _to(client, tokens, case["id"], "accepted")
    assert _move(client, tokens, case["id"], "consultant", "scheduled", scheduled_for="2026-12-16T10:00").status_code == 200
    notice = Notification.query.filter_by(user_id=users["requester"].id, kind="consult_status") \
        .order_by(Notification.id.desc()).first()
    with force_locale("de"):
        assert "Mi, 16.12.2026, 10:00 Uhr" in notice.display_text
    with force_locale("en"):
        assert "Wed, 12/16/2026, 10:00 AM" in notice.display_text
    mails = {mail.user_id: mail for mail in OutboxMail.query.filter(OutboxMail.user_id.in_(
        [users["requester"].id, users["colleague"].id]))}
    assert set(mails) == {users["requester"].id, users["colleague"].id}  # consultations are mailed at once
    for user_id, mail in mails.items():  # each reads the date in their own language
        expected = "Wed, 12/16/2026, 10:00 AM" if user_id == users["colleague"].id else "Mi, 16.12.2026, 10:00 Uhr"
        assert expected in mail.text, mail.text
