"""Needs and offers in the browser: detail pages, add, edit, close/reopen, delete, permissions."""
import pytest

from community.extensions import db
from community.profiles.models import Need, Offer
from community.signals import entry_changed, entry_deleted
from tests.factories import login, make_need, make_offer, make_org, make_user

MAKERS = {"need": make_need, "offer": make_offer}
MODELS = {"need": Need, "offer": Offer}


def entry_form(kind: str, **overrides) -> dict:
    data = {"title": "Digitale Bauakte", "body": "Erste Zeile\nZweite Zeile", "topics": ["eakte", "ozg"],
            "ozg_ids": ["10000", "10003"], "visibility": "public"}
    data["urgency" if kind == "need" else "offer_kind"] = "high" if kind == "need" else "product"
    data.update(overrides)
    return data


def stored(kind: str, entry_id: int):
    db.session.expire_all()
    return db.session.get(MODELS[kind], entry_id)


def count(kind: str) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(MODELS[kind])).scalar_one()


def person(role: str, org):
    """A user in `role` relative to `org`, or None for an anonymous visitor."""
    return {
        "anonymous": lambda: None,
        "member": lambda: make_user(org),
        "org_admin": lambda: make_user(org, is_org_admin=True),
        "other_member": lambda: make_user(make_org()),
        "platform_admin": lambda: make_user(None, role="admin"),
    }[role]()


def as_role(client, role: str, org):
    user = person(role, org)
    if user is not None:
        login(client, user)
    return user


# Detail pages


@pytest.mark.parametrize("kind", ["need", "offer"])
def test_detail_page_shows_the_entry(client, kind):
    org = make_org(name="Gemeinde Hier")
    entry = MAKERS[kind](org, title="Digitale Bauakte", topics=["eakte"], ozg_ids=[10003])
    response = client.get(f"/{kind}s/{entry.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Digitale Bauakte" in page and "Gemeinde Hier" in page
    assert "Geburtsanzeige" in page  # OZG service 10003
    assert "E-files &" in page


@pytest.mark.parametrize("kind", ["need", "offer"])
def test_members_only_entry_is_404_for_visitors(client, kind):
    entry = MAKERS[kind](make_org(), visibility="members")
    assert client.get(f"/{kind}s/{entry.id}").status_code == 404


def test_members_only_entry_is_shown_to_logged_in_users(client):
    entry = make_need(make_org(), title="Intern", visibility="members")
    login(client, make_user(make_org()))
    assert client.get(f"/needs/{entry.id}").status_code == 200


def test_unknown_entry_is_404(client):
    assert client.get("/offers/999").status_code == 404


def test_a_need_id_is_not_an_offer(client):
    need = make_need(make_org())
    assert client.get(f"/offers/{need.id}").status_code == 404


def test_title_and_body_are_escaped(client):
    org = make_org()
    entry = make_need(org, title="<script>alert(1)</script>", body="<img src=x onerror=alert(2)>")
    detail = client.get(f"/needs/{entry.id}").get_data(as_text=True)
    overview = client.get(f"/organisations/{org.id}").get_data(as_text=True)
    for page in (detail, overview):
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in detail
    assert "&lt;img src=x onerror=alert(2)&gt;" in detail


# Adding


def test_form_offers_topics_and_the_grouped_ozg_catalogue(client):
    org = make_org()
    login(client, make_user(org))
    page = client.get(f"/organisations/{org.id}/needs/new").get_data(as_text=True)
    assert 'name="topics" type="checkbox" value="eakte"' in page
    assert '<optgroup label="Familie &amp; Kind">' in page
    assert page.count("<option ") >= 557 + 3 + 2  # services, urgencies, visibilities
    assert "/static/js/profiles.js" in page


@pytest.mark.parametrize("kind", ["need", "offer"])
def test_member_adds_an_entry(client, kind):
    org = make_org()
    author = make_user(org)
    login(client, author)
    response = client.post(f"/organisations/{org.id}/{kind}s/new", data=entry_form(kind))
    entry = db.session.execute(db.select(MODELS[kind])).scalar_one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/{kind}s/{entry.id}"
    assert (entry.organisation_id, entry.author_id, entry.status) == (org.id, author.id, "open")
    assert (entry.title, entry.topics, entry.ozg_ids) == ("Digitale Bauakte", ["eakte", "ozg"], [10000, 10003])
    assert (entry.urgency if kind == "need" else entry.offer_kind) == ("high" if kind == "need" else "product")


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("other_member", 403), ("platform_admin", 403), ("org_admin", 302)],
)
def test_who_may_add_entries(client, role, status):
    org = make_org()
    as_role(client, role, org)
    response = client.post(f"/organisations/{org.id}/needs/new", data=entry_form("need"))
    assert response.status_code == status
    assert count("need") == (1 if role == "org_admin" else 0)


def test_outsider_cannot_open_the_form(client):
    org = make_org()
    login(client, make_user(make_org()))
    assert client.get(f"/organisations/{org.id}/offers/new").status_code == 403


def test_adding_to_an_unknown_organisation_is_404(client):
    login(client, make_user(make_org()))
    assert client.get("/organisations/999/needs/new").status_code == 404


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", ""), ("title", "x" * 201), ("topics", ["eakte", "astrologie"]), ("ozg_ids", ["1"]),
     ("visibility", "secret")],
)
def test_invalid_entry_shows_the_field_error_and_writes_nothing(client, field, value):
    org = make_org()
    login(client, make_user(org))
    response = client.post(f"/organisations/{org.id}/needs/new", data=entry_form("need", **{field: value}))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert count("need") == 0


def test_invalid_entry_keeps_what_was_typed(client):
    org = make_org()
    login(client, make_user(org))
    response = client.post(f"/organisations/{org.id}/offers/new", data=entry_form("offer", title="", body="Mein Text"))
    assert "Mein Text</textarea>" in response.get_data(as_text=True)


# Editing


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("member", 200), ("org_admin", 200), ("other_member", 403), ("platform_admin", 200)],
)
def test_who_may_open_the_edit_form(client, role, status):
    org = make_org()
    need = make_need(org)
    as_role(client, role, org)
    assert client.get(f"/needs/{need.id}/edit").status_code == status


@pytest.mark.parametrize("kind", ["need", "offer"])
def test_member_edits_an_entry(client, kind):
    org = make_org()
    entry = MAKERS[kind](org)
    login(client, make_user(org))
    response = client.post(f"/{kind}s/{entry.id}/edit", data=entry_form(kind, title="Neuer Titel"))
    assert response.status_code == 302
    assert stored(kind, entry.id).title == "Neuer Titel"


def test_editing_keeps_a_solved_need_solved(client):
    org = make_org()
    need = make_need(org, status="solved")
    login(client, make_user(org))
    client.post(f"/needs/{need.id}/edit", data=entry_form("need"))
    assert stored("need", need.id).status == "solved"


@pytest.mark.parametrize("kind", ["need", "offer"])
def test_foreign_entries_cannot_be_edited_by_changing_the_id(client, kind):
    mine = make_org()
    theirs = MAKERS[kind](make_org(), title="Fremd")
    MAKERS[kind](mine)
    login(client, make_user(mine))
    response = client.post(f"/{kind}s/{theirs.id}/edit", data=entry_form(kind, title="Gekapert"))
    assert response.status_code == 403
    assert stored(kind, theirs.id).title == "Fremd"


def test_edit_form_shows_the_stored_values(client):
    org = make_org()
    need = make_need(org, title="Alter Titel", ozg_ids=[10003])
    login(client, make_user(org))
    page = client.get(f"/needs/{need.id}/edit").get_data(as_text=True)
    assert 'value="Alter Titel"' in page
    assert '<option selected value="10003">' in page


def test_invalid_edit_changes_nothing(client):
    org = make_org()
    need = make_need(org, title="Alter Titel")
    login(client, make_user(org))
    response = client.post(f"/needs/{need.id}/edit", data=entry_form("need", title="ab"))
    assert response.status_code == 422
    assert stored("need", need.id).title == "Alter Titel"


# Close, reopen, delete


@pytest.mark.parametrize(("kind", "closed"), [("need", "solved"), ("offer", "closed")])
def test_close_and_reopen(client, kind, closed):
    org = make_org()
    entry = MAKERS[kind](org)
    login(client, make_user(org))
    assert client.post(f"/{kind}s/{entry.id}/close").status_code == 302
    assert stored(kind, entry.id).status == closed
    client.post(f"/{kind}s/{entry.id}/reopen")
    assert stored(kind, entry.id).status == "open"


def test_closing_needs_a_post(client):
    org = make_org()
    need = make_need(org)
    login(client, make_user(org))
    assert client.get(f"/needs/{need.id}/close").status_code == 405
    assert stored("need", need.id).status == "open"


def test_other_organisations_cannot_close(client):
    offer = make_offer(make_org())
    login(client, make_user(make_org()))
    assert client.post(f"/offers/{offer.id}/close").status_code == 403
    assert stored("offer", offer.id).status == "open"


def test_delete_asks_for_confirmation_first(client):
    org = make_org()
    need = make_need(org, title="Weg damit")
    login(client, make_user(org))
    page = client.get(f"/needs/{need.id}/delete").get_data(as_text=True)
    assert "Delete this need?" in page and f'action="/needs/{need.id}/delete"' in page
    assert count("need") == 1


def test_member_deletes_an_entry(client):
    org = make_org()
    need = make_need(org)
    login(client, make_user(org))
    response = client.post(f"/needs/{need.id}/delete")
    assert response.headers["Location"] == f"/organisations/{org.id}"
    assert count("need") == 0


def test_other_organisations_cannot_delete(client):
    need = make_need(make_org())
    login(client, make_user(make_org()))
    assert client.post(f"/needs/{need.id}/delete").status_code == 403
    assert count("need") == 1


def test_platform_admin_may_delete(client):
    offer = make_offer(make_org())
    login(client, make_user(None, role="admin"))
    client.post(f"/offers/{offer.id}/delete")
    assert count("offer") == 0


def test_editors_see_the_actions_and_visitors_do_not(client):
    org = make_org()
    need = make_need(org)
    assert f'href="/needs/{need.id}/edit"' not in client.get(f"/needs/{need.id}").get_data(as_text=True)
    login(client, make_user(org))
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert f'href="/needs/{need.id}/edit"' in page
    assert f'action="/needs/{need.id}/close"' in page
    assert f'href="/needs/{need.id}/delete"' in page


# Announcements for the matching index


def test_adding_editing_and_closing_announce_the_entry(client):
    org = make_org()
    login(client, make_user(org))
    changed = []
    with entry_changed.connected_to(lambda sender: changed.append((sender.record_prefix, sender.id, sender.status))):
        client.post(f"/organisations/{org.id}/needs/new", data=entry_form("need"))
        client.post("/needs/1/edit", data=entry_form("need", title="Geändert"))
        client.post("/needs/1/close")
    assert changed == [("need", 1, "open"), ("need", 1, "open"), ("need", 1, "solved")]


def test_deleting_announces_kind_and_id(client):
    org = make_org()
    offer = make_offer(org)
    login(client, make_user(org))
    deleted = []
    with entry_deleted.connected_to(lambda sender, entry_id: deleted.append((sender, entry_id))):
        client.post(f"/offers/{offer.id}/delete")
    assert deleted == [("offer", offer.id)]


def test_rejected_input_announces_nothing(client):
    org = make_org()
    login(client, make_user(org))
    changed = []
    with entry_changed.connected_to(lambda sender: changed.append(sender)):
        client.post(f"/organisations/{org.id}/needs/new", data=entry_form("need", title=""))
    assert changed == []
