"""The matching index stays consistent across processes: two applications on one database.

Each application (as each process in production) keeps its own index; changes reach the other
through the change log at its next call, snapshots let a process start without rebuilding, and
vocabulary drift triggers a rebuild.
"""
import pytest
import sqlalchemy as sa

from community import create_app
from community.extensions import db
from community.suggestions.models import MatchingChange
from tests.conftest import config_with
from tests.factories import (
    make_need,
    make_offer,
    make_org,
    make_user,
    sign_in,
)

NEED_FORM = {"title": "Regenwasserzisterne für den Bauhof", "body": "Wir planen eine Zisterne für Regenwasser "
             "zur Bewässerung der Grünflächen.", "topics": ["energie"], "urgency": "medium", "visibility": "public"}
OFFER = dict(title="Zisternen und Regenwassernutzung", body="Planung und Bau von Zisternen für Regenwasser "
             "auf kommunalen Grundstücken.", topics=["energie"])


@pytest.fixture
def apps(shared_database_url, tmp_path):
    """Two applications on one database, checking for changes at every call (no 1 s cache)."""
    config = config_with(SQLALCHEMY_DATABASE_URI=shared_database_url, MATCHING_SYNC_SECONDS=0,
                         MATCHING_INDEX_DIR=str(tmp_path / "matching"))
    first, second = create_app(config), create_app(config)
    with first.app_context():
        db.create_all()
        yield first, second
        db.session.remove()
        db.engine.dispose()
    with second.app_context():
        db.engine.dispose()


@pytest.fixture
def people(apps):
    """A municipality member (who will post a need) and a vendor member with a matching offer."""
    home, vendor = make_org(name="Gemeinde Aachtal"), make_org(name="Zisternen GmbH", kind="company")
    make_offer(vendor, **OFFER)
    make_offer(make_org(name="Netz AG", kind="company"), title="Glasfaser", body="Breitbandausbau.")
    return {"home": home, "author": make_user(home), "vendor_member": make_user(vendor)}


def client_of(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def suggestions(client) -> str:
    response = client.get("/suggestions")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_need_created_through_one_process_is_suggested_by_the_other(apps, people):
    first, second = apps
    author, vendor = client_of(first, people["author"]), client_of(second, people["vendor_member"])
    assert NEED_FORM["title"] not in suggestions(vendor)  # the second process has built its index
    assert author.post(f"/organisations/{people['home'].id}/needs/new", data=NEED_FORM).status_code == 302
    assert NEED_FORM["title"] in suggestions(vendor)


def test_need_deleted_through_one_process_disappears_from_the_other(apps, people):
    first, second = apps
    author, vendor = client_of(first, people["author"]), client_of(second, people["vendor_member"])
    author.post(f"/organisations/{people['home'].id}/needs/new", data=NEED_FORM)
    assert NEED_FORM["title"] in suggestions(vendor)
    need_id = db.session.scalar(sa.text("SELECT max(id) FROM need"))
    assert author.post(f"/needs/{need_id}/delete").status_code == 302
    assert NEED_FORM["title"] not in suggestions(vendor)


def test_solved_need_disappears_from_the_other_process(apps, people):
    first, second = apps
    author, vendor = client_of(first, people["author"]), client_of(second, people["vendor_member"])
    author.post(f"/organisations/{people['home'].id}/needs/new", data=NEED_FORM)
    assert NEED_FORM["title"] in suggestions(vendor)
    need_id = db.session.scalar(sa.text("SELECT max(id) FROM need"))
    author.post(f"/needs/{need_id}/close")
    assert NEED_FORM["title"] not in suggestions(vendor)


def test_organisation_profile_change_is_searchable_in_the_other_process(apps, people):
    first, second = apps
    admin = make_user(people["home"], is_org_admin=True)
    editor, visitor = client_of(first, admin), second.test_client()
    assert "Gemeinde Aachtal" not in visitor.get("/search?q=Streuobstwiesen").get_data(as_text=True)
    editor.post(f"/organisations/{people['home'].id}/edit", data={
        "name": "Gemeinde Aachtal", "land": "05", "description": "Wir pflegen Streuobstwiesen.",
        "description_visibility": "public", "contact_visibility": "members", "topics": ["energie"]})
    assert "Gemeinde Aachtal" in visitor.get("/search?q=Streuobstwiesen").get_data(as_text=True)


def test_process_starts_from_the_snapshot(apps, people):
    first, second = apps
    make_need(people["home"], title=NEED_FORM["title"], body=NEED_FORM["body"], topics=["energie"])
    assert first.test_cli_runner().invoke(args=["matching", "rebuild"]).exit_code == 0
    # Changed behind the engine's back (no signal): an index built from the database would not
    # match this offer with the need any more; the snapshot still does.
    db.session.execute(sa.text("UPDATE offer SET body = 'Breitband'"))
    db.session.commit()
    assert NEED_FORM["title"] in suggestions(client_of(second, people["vendor_member"]))


def test_process_replays_the_changes_made_after_the_snapshot(apps, people):
    first, second = apps
    assert first.test_cli_runner().invoke(args=["matching", "rebuild"]).exit_code == 0
    client_of(first, people["author"]).post(f"/organisations/{people['home'].id}/needs/new", data=NEED_FORM)
    assert NEED_FORM["title"] in suggestions(client_of(second, people["vendor_member"]))


def test_every_committed_change_is_logged(apps, people):
    author = client_of(apps[0], people["author"])
    author.post(f"/organisations/{people['home'].id}/needs/new", data=NEED_FORM)
    assert db.session.scalars(sa.select(MatchingChange.record_id)).all() == ["need:1"]


def test_vocabulary_drift_rebuilds_the_index(apps, people):
    first, _second = apps
    author, searcher = client_of(first, people["author"]), first.test_client()
    assert "</mark> Kurs" not in searcher.get("/search?q=Obstbaumschnitt").get_data(as_text=True)
    for n in range(3):  # words the built index has never seen
        author.post(f"/organisations/{people['home'].id}/needs/new", data={
            **NEED_FORM, "title": f"Obstbaumschnitt Kurs {n}", "body": "Obstbaumschnitt auf Streuobstwiesen."})
    assert "<mark>Obstbaumschnitt</mark> Kurs 0" in searcher.get("/search?q=Obstbaumschnitt").get_data(as_text=True)


def test_rebuild_makes_running_processes_reload(apps, people):
    first, second = apps
    vendor = client_of(second, people["vendor_member"])
    author = client_of(first, people["author"])
    author.post(f"/organisations/{people['home'].id}/needs/new", data=NEED_FORM)
    assert NEED_FORM["title"] in suggestions(vendor)
    # A bulk change without signals (an import, say), then the rebuild that announces it.
    db.session.execute(sa.text("UPDATE need SET title = 'Zisterne nach dem Import'"))
    db.session.commit()
    assert first.test_cli_runner().invoke(args=["matching", "rebuild"]).exit_code == 0
    assert "Zisterne nach dem Import" in suggestions(vendor)


def test_change_whose_log_row_commits_late_is_still_replayed(apps, people):
    """Transaction A takes change id 1, B takes id 2 and commits first: 1 must not be skipped."""
    first, _second = apps
    vendor = client_of(first, people["vendor_member"])
    assert NEED_FORM["title"] not in suggestions(vendor)
    late = make_need(people["home"], title=NEED_FORM["title"], body=NEED_FORM["body"], topics=["energie"])
    db.session.add(MatchingChange(id=2, record_id=f"organisation:{people['home'].id}"))
    db.session.commit()
    assert NEED_FORM["title"] not in suggestions(vendor)  # id 2 applied, id 1 still awaited
    db.session.add(MatchingChange(id=1, record_id=f"need:{late.id}"))
    db.session.commit()
    assert NEED_FORM["title"] in suggestions(vendor)


def test_import_reaches_running_processes_without_a_rebuild_command(apps, people, tmp_path):
    first, second = apps
    vendor = client_of(second, people["vendor_member"])
    assert "Zisternenbau im Gewerbegebiet" not in suggestions(vendor)
    rows = tmp_path / "import.jsonl"
    rows.write_text(
        '{"kind": "municipality", "name": "Gemeinde Importtal", "org_type": "gemeinde", "land": "05",'
        ' "needs": [{"title": "Zisternenbau im Gewerbegebiet", "body": "Regenwasser und Zisternen f\\u00fcr'
        ' die Gr\\u00fcnfl\\u00e4chen", "topics": ["energie"]}]}\n',
        encoding="utf-8",
    )
    result = first.test_cli_runner().invoke(args=["import-organisations", str(rows)])
    assert result.exit_code == 0, result.output
    assert "Zisternenbau im Gewerbegebiet" in suggestions(vendor)
