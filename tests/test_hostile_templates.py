"""User text never reaches a page unescaped.

1. No lazy message with values goes through flask_babel's lazy_gettext: its result declares itself safe
   HTML (`__html__`), so a need title interpolated into "Fits your need “%(title)s”" was rendered raw on
   colleagues' start pages and the events list. Such messages use community.i18n.lazy_plain.
2. The demo community with a hostile payload in every free-text field of every table, rendered through
   every page the routes reach (each GET rule, with ids of the stored rows), as every kind of user and as
   a visitor: the payload never appears unescaped, and no page fails.
"""
import ast
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.routing import AnyConverter

from community import create_app
from community.auth.models import User
from community.demo import seed
from community.extensions import db
from tests.conftest import config_with
from tests.factories import sign_in

ROOT = Path(__file__).resolve().parent.parent
PAYLOAD = '<kn-hostile>"\'<meta http-equiv="refresh" content="0;url=https://evil.example">'
RAW_MARK = "<kn-hostile>"
# Columns people type into (names, titles, bodies, reasons ...), in every table that has them; codes,
# states, keys, addresses and stored message ids are not free text.
FREE_TEXT = {"advice", "body", "decline_reason", "description", "job_title", "lessons", "location",
             "name", "outcome", "previous_text", "problem", "rating_comment", "reason", "results", "review_reason",
             "solution", "summary", "title", "subject", "text", "message", "filename"}
NOT_TYPED = {("notification", "text"), ("notification", "message"), ("mail_outbox", "text"),
             ("mail_outbox", "subject"), ("api_token", "name")}
ID_TABLES = {"event_id": "event", "example_id": "example", "forum_id": "forum", "thread_id": "thread",
             "org_id": "organisation", "room_id": "room", "case_id": "consultation", "assessment_id": "assessment",
             "post_id": "post", "user_id": "user", "entry_id": None, "mail_id": "mail_outbox",
             "request_id": "contact_request", "attachment_id": "attachment"}


def test_no_lazy_message_with_values_skips_escaping():
    offenders = []
    for path in (ROOT / "community").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                   and node.module == "flask_babel" for alias in node.names if alias.name == "lazy_gettext"}
        offenders += [f"{path.relative_to(ROOT)}:{node.lineno}" for node in ast.walk(tree)
                      if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in aliases
                      and node.keywords and path.name != "i18n.py"]
    assert offenders == [], "use community.i18n.lazy_plain for messages with values: " + ", ".join(offenders)


@pytest.fixture(scope="module")
def hostile_world(tmp_path_factory):
    app = create_app(config_with(SQLALCHEMY_DATABASE_URI="sqlite://",
                                 MATCHING_INDEX_DIR=str(tmp_path_factory.mktemp("matching"))))
    with app.app_context():
        db.create_all()
        seed.seed(7)
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name in FREE_TEXT and (table.name, c.name) not in NOT_TYPED
                       and isinstance(c.type, (sa.String, sa.Text)) and not c.foreign_keys]
            if columns:
                db.session.execute(table.update().values(
                    {c.name: sa.func.coalesce(c, "") + PAYLOAD for c in columns}))
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


def _ids(table: str) -> list:
    return list(db.session.scalars(sa.text(f'SELECT id FROM "{table}" ORDER BY id LIMIT 2')))


def _urls(app) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or rule.rule.startswith("/api/"):
            continue
        if rule.rule == "/readyz":  # a probe, not a page: 503 while no job consumer beats (none here)
            continue
        choices = [{}]
        for name in rule.arguments:
            converter = rule._converters.get(name)
            if isinstance(converter, AnyConverter):
                values = list(converter.items)
            elif name in ID_TABLES:
                values = _ids(ID_TABLES[name]) if ID_TABLES[name] else _ids("need") + _ids("offer")
            elif name == "slug":
                values = ["open-needs"]
            else:
                values = []  # tokens and file names: nothing a stored text reaches
            choices = [{**choice, name: value} for choice in choices for value in values]
        for values in choices:
            with app.test_request_context():
                urls.append(app.url_for(rule.endpoint, **values))
    return sorted(set(urls))


def _people() -> list:
    demo = db.session.scalars(sa.select(User).where(seed.is_demo_account()).order_by(User.id)).all()
    chosen = {}
    for user in demo:
        chosen.setdefault((user.role, user.is_org_admin), user)
    return [None, *chosen.values()]


def test_every_page_escapes_hostile_text_in_every_field(hostile_world):
    app = hostile_world
    urls = _urls(app)
    assert len(urls) > 60
    failures = []
    for person in _people():
        client = app.test_client()
        if person is not None:
            sign_in(client, person)
        for url in urls:
            response = client.get(url)
            body = response.get_data(as_text=True) if response.mimetype.startswith(("text/", "application/json")) \
                else ""
            if response.status_code >= 500 or (response.mimetype == "text/html" and RAW_MARK in body):
                failures.append(f"{person.email if person else 'visitor'} {url}: {response.status_code}")
    assert failures == []
