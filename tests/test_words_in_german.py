"""Every status, kind and action a reader sees is a word of their language (#26): each notification message, case
status, measure status, responsible side, link kind and moderation action has a German text, and none of them is
the English id or the slug shown as is."""
import ast
import pathlib

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext

import community

ROOT = pathlib.Path(community.__file__).parent
CATALOGUE = {message.id: message.string for message in read_po(
    (ROOT / "translations" / "de" / "LC_MESSAGES" / "messages.po").open("rb")) if message.id}


def notification_messages():
    """The message ids passed to notify() as N_("...") (or a module constant set to one)."""
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {target.id: node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                     for target in node.targets if isinstance(target, ast.Name)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and (getattr(node.func, "id", None) == "notify"
                                                    or getattr(node.func, "attr", None) == "notify")):
                continue
            if len(node.args) < 3:
                continue
            message = node.args[2]
            if isinstance(message, ast.Name):
                message = constants.get(message.id)
            if isinstance(message, ast.Call) and getattr(message.func, "id", None) == "N_":
                yield path.relative_to(ROOT.parent).as_posix(), message.args[0].value


MESSAGES = sorted(set(notification_messages()))


def test_the_walk_finds_the_messages():
    assert len(MESSAGES) > 30


@pytest.mark.parametrize("where, message", MESSAGES)
def test_every_notification_message_is_german(where, message):
    assert CATALOGUE.get(message), f"{where}: {message!r} has no German text"


def _words():
    from community.consultations import results, services
    from community.moderation.services import ACTION_LABELS, OUTCOME_WORDS

    yield from (("case status", slug, word) for slug, word in services.STATUS_WORDS.items())
    yield from (("measure status", slug, word) for slug, word in results.STATUS_WORDS.items())
    yield from (("responsible", slug, word) for slug, word in results.RESPONSIBLE_WORDS.items())
    yield from (("moderation action", slug, word) for slug, word in ACTION_LABELS.items())
    yield from (("report outcome", slug, word) for slug, word in OUTCOME_WORDS.items())


def test_every_status_kind_and_action_reads_in_german(app):
    from community.consultations.links import LINK_KINDS, kind_label

    english_left = []
    with app.test_request_context(), force_locale("de"):
        for what, slug, word in _words():
            german = gettext(word)
            if german in (word, slug) or not german:
                english_left.append(f"{what} {slug}: {german!r}")
        for kind in LINK_KINDS:
            german = kind_label(kind)
            if not german or german == kind:
                english_left.append(f"link kind {kind}: {german!r}")
    assert english_left == []
