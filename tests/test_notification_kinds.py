"""Every kind passed to `notify` has a mail category, so no notification is silently never mailed."""
import ast
import importlib
import pathlib

import pytest

import community
from community.notifications import kinds

ROOT = pathlib.Path(community.__file__).parent


def kinds_passed_to_notify():
    for path in sorted(ROOT.rglob("*.py")):
        module_name = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_notify = isinstance(node, ast.Call) and (
                getattr(node.func, "id", None) == "notify" or getattr(node.func, "attr", None) == "notify")
            if not is_notify or len(node.args) < 2:
                continue
            kind = node.args[1]
            if isinstance(kind, ast.Constant):
                yield module_name, kind.value
            elif isinstance(kind, ast.Name) and kind.id.isupper():
                yield module_name, kind.id
            elif isinstance(kind, ast.Name):
                continue  # a helper's parameter: its callers pass the constants checked here
            else:
                yield module_name, None


@pytest.mark.parametrize("module_name, kind", sorted(set(kinds_passed_to_notify()), key=str))
def test_every_notified_kind_has_a_mail_category(app, module_name, kind):
    assert kind is not None, f"{module_name} passes a computed kind to notify; name it in a constant"
    module = importlib.import_module(module_name)
    value = getattr(module, kind) if kind.isupper() else kind
    assert kinds.category_of(value) in kinds.MAIL_CATEGORIES, f"{module_name}: kind {value!r} has no mail category"


def test_a_kind_cannot_change_its_category():
    with pytest.raises(ValueError):
        kinds.register_kind("mention", kinds.EVENTS)
    with pytest.raises(ValueError):
        kinds.register_kind("something_new", "postcards")
