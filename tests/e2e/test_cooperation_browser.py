"""From a need to a cooperation room, each person in a browser of their own: the demo Gemeinde's admin sees
"Nachbarn mit demselben Bedarf" on its need, proposes a cooperation, a member of the neighbouring
municipality (the demo's neighbour has no member, so one is created with `flask users create`) accepts,
and both meet in the shared room."""
import sqlite3

from community.cooperation.demo import NEIGHBOUR_NEEDS, OWN_NEED
from tests.e2e.test_consultations_browser import REQUESTER as PROPOSER, demo_password
from tests.e2e.test_forums_browser import open_as  # noqa: F401

PARTNER = "isb.nachbar@example.org"
PARTNER_PASSWORD = "Nachbar-Kooperation-2026"
NEED_TITLE = OWN_NEED["title"]


def _ids(live_server) -> tuple[int, int]:
    """The demo Gemeinde's cooperation need and the organisation of its first neighbour (demo.py wrote both)."""
    with sqlite3.connect(live_server.data_dir / "e2e.sqlite") as connection:
        need_id = connection.execute("SELECT id FROM need WHERE title = ?", (NEED_TITLE,)).fetchone()[0]
        titles = [text["title"] for text in NEIGHBOUR_NEEDS]
        neighbour = connection.execute(
            f"SELECT organisation_id FROM need WHERE title IN ({', '.join('?' * len(titles))}) ORDER BY id LIMIT 1",
            titles).fetchone()[0]
    return need_id, neighbour


def test_from_a_need_to_a_cooperation_room(open_as, live_server):  # noqa: F811
    need_id, neighbour_id = _ids(live_server)
    created = live_server.flask("users", "create", "--email", PARTNER, "--password", PARTNER_PASSWORD,
                                "--org-id", str(neighbour_id), "--name", "Nina Nachbar")
    assert created.returncode == 0, created.stdout + created.stderr
    proposer = open_as(PROPOSER, demo_password(live_server))

    proposer.goto(f"/needs/{need_id}")
    section = proposer.locator("section.cooperation-neighbours")
    assert "Nachbarn mit demselben Bedarf" in section.inner_text()
    section.get_by_role("link", name="Kooperation vorschlagen").click()
    proposer.wait_for_url(f"**/needs/{need_id}/cooperation")
    proposer.fill("#message", "Teilen wir uns die Stelle über eine Zweckvereinbarung?")
    if proposer.locator("#forward_to_centre").count():  # neighbours of the demo without members: via the centre
        proposer.check("#forward_to_centre")
    proposer.locator("main form button[type=submit]").click()
    proposer.wait_for_load_state()
    assert "/contacts" in proposer.url, proposer.locator("main").inner_text()
    assert "Kooperationsvorschlag" in proposer.locator("main").inner_text()

    partner = open_as(PARTNER, PARTNER_PASSWORD)
    partner.goto("/contacts?direction=incoming")
    assert "Teilen wir uns die Stelle" in partner.locator("main").inner_text()
    partner.locator("main form[action$='/accept'] button").first.click()
    partner.get_by_role("link", name="Unterhaltung öffnen").first.click()
    partner.wait_for_url("**/rooms/*")
    assert "Kooperation: " in partner.locator("main h1").inner_text()
    room_path = "/" + partner.url.split("/", 3)[3]

    proposer.goto(room_path)
    assert "Kooperation: " in proposer.locator("main h1").inner_text()
