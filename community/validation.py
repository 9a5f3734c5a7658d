"""Validation of plain input (form data, JSON bodies, import rows) against small declarative schemas,
and the edge checks every input passes: bounded ids (the `int` URL converter, parse_id) and parsed
JSON (json_problem: depth, lone surrogates).

Services validate here, so the HTML forms, the API and the importer enforce the same rules
and report the same field errors.
"""
import builtins
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

from community.errors import ValidationError
from community.i18n import lazy_plain


def _encodable(text: str) -> bool:
    """False for a lone surrogate ("\\ud800", which JSON can carry), which no database or page can store."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class Text:
    max_length: int
    required: bool = False
    min_length: int = 0
    multiline: bool = False

    def clean(self, value):
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise ValueError(_l("Must be text."))
        value = value.strip() if not self.multiline else value.strip("\n\r\t ")
        if "\x00" in value or not _encodable(value):
            raise ValueError(_l("Contains invalid characters."))
        if self.required and not value:
            raise ValueError(_l("This field is required."))
        if value and len(value) < self.min_length:
            raise ValueError(lazy_plain("Must be at least %(n)s characters long.", n=self.min_length))
        if len(value) > self.max_length:
            raise ValueError(lazy_plain("Must be at most %(n)s characters long.", n=self.max_length))
        return value


@dataclass(frozen=True)
class OneOf:
    choices: Iterable[str]
    required: bool = False
    default: str | None = None

    def clean(self, value):
        if value in (None, ""):
            if self.required:
                raise ValueError(_l("This field is required."))
            return self.default
        if not isinstance(value, str) or value not in set(self.choices):
            raise ValueError(lazy_plain("Unknown value: %(value)s.", value=str(value)[:50]))
        return value


@dataclass(frozen=True)
class ManyOf:
    choices: Iterable[str]
    max_items: int = 20
    required: bool = False
    coerce: type = str

    def clean(self, value):
        if value is None or value == "":
            value = []
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, (list, tuple)):
            raise ValueError(_l("Must be a list."))
        if len(value) > self.max_items:  # as sent: twelve copies of one value are still twelve
            raise ValueError(lazy_plain("Choose at most %(n)s.", n=self.max_items))
        allowed = set(self.choices)
        cleaned = []
        for item in value:
            if self.coerce is int and isinstance(item, str) and item.isdigit():
                item = int(item)
            if isinstance(item, bool) or not isinstance(item, self.coerce) or item not in allowed:
                raise ValueError(lazy_plain("Unknown value: %(value)s.", value=str(item)[:50]))
            if item not in cleaned:
                cleaned.append(item)
        if self.required and not cleaned:
            raise ValueError(_l("Choose at least one."))
        if len(cleaned) > self.max_items:
            raise ValueError(lazy_plain("Choose at most %(n)s.", n=self.max_items))
        return cleaned


@dataclass(frozen=True)
class Number:
    """A whole number within bounds, given as a JSON number or as text from a form."""

    minimum: int
    maximum: int
    required: bool = False

    def clean(self, value):
        if value in (None, ""):
            if self.required:
                raise ValueError(_l("This field is required."))
            return None
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # JSON Schema's integer: 71.0 is the same number as 71
        if isinstance(value, bool) or not isinstance(value, int) or not self.minimum <= value <= self.maximum:
            raise ValueError(lazy_plain("Enter a whole number from %(low)s to %(high)s.", low=self.minimum,
                                        high=self.maximum))
        return value


MAX_ID = 2**31 - 1


def Id(required: bool = False) -> Number:  # noqa: N802  (reads like the other rules in a schema)
    """A database id: a positive whole number that fits the id columns of both databases."""
    return Number(1, MAX_ID, required=required)


class IdList:
    """A list of database ids: JSON numbers, digits from a form, or digits separated by commas."""

    def __init__(self, max_items: int):
        self.max_items = max_items

    def clean(self, value):
        if value in (None, ""):
            return []
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, (list, tuple)):
            raise ValueError(_l("Must be a list."))
        cleaned = []
        for item in value:
            if isinstance(item, str) and item.isdigit() and len(item) < 12:
                item = int(item)
            if isinstance(item, bool) or not isinstance(item, int) or not 1 <= item <= MAX_ID:
                raise ValueError(lazy_plain("Unknown value: %(value)s.", value=str(item)[:50]))
            if item not in cleaned:
                cleaned.append(item)
        if len(cleaned) > self.max_items:
            raise ValueError(lazy_plain("Choose at most %(n)s.", n=self.max_items))
        return cleaned


class IdConverter(IntegerConverter):
    """The app's `int` URL converter: numbers beyond MAX_ID match no route (404), so no id reaches a
    query that PostgreSQL (int4) or SQLite (int8) would refuse with an error."""

    # Only the numbers 0..MAX_ID (2147483647) match at all. A number that matched the pattern but failed
    # the bound would leave the other methods' rules of the path matching, so PATCH /x/99999999999 got
    # 405 instead of 404.
    regex = (r"0*(?:\d{1,9}|1\d{9}|20\d{8}|21[0-3]\d{7}|214[0-6]\d{6}|2147[0-3]\d{5}|21474[0-7]\d{4}"
             r"|214748[0-2]\d{3}|2147483[0-5]\d{2}|21474836[0-3]\d|214748364[0-7])")

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, *args, **kwargs)
        self.max = MAX_ID if self.max is None else builtins.min(self.max, MAX_ID)


def parse_id(text) -> int | None:
    """An id from a query string or form field, or None when it is none or beyond MAX_ID."""
    if not isinstance(text, str) or not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


JSON_MAX_DEPTH = 32
_SURROGATE = re.compile("[\ud800-\udfff]")


def json_problem(value, max_depth: int = JSON_MAX_DEPTH, max_int: int | None = None) -> str | None:
    """Why parsed JSON is refused, or None: nesting deeper than `max_depth`, a lone surrogate in a string
    or key (no database stores it), or a whole number beyond `max_int`. Iterative: no recursion limit."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth >= max_depth:
                return "too_deep"
            children = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in children:
                if isinstance(key, str) and _SURROGATE.search(key):
                    return "surrogate"
                stack.append((child, depth + 1))
        elif isinstance(item, str):
            if _SURROGATE.search(item):
                return "surrogate"
        elif max_int is not None and isinstance(item, int) and not isinstance(item, bool) and abs(item) > max_int:
            return "too_big"
    return None


@dataclass(frozen=True)
class Flag:
    default: bool = False

    def clean(self, value):
        if value is None or value == "":
            return self.default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"1", "true", "yes", "y", "on"}:
            return True
        if isinstance(value, str) and value.lower() in {"0", "false", "no", "n", "off"}:
            return False
        raise ValueError(_l("Must be true or false."))


@dataclass(frozen=True)
class Schema:
    fields: dict = field(default_factory=dict)

    def clean(self, data: Mapping, partial: bool = False) -> dict:
        """Return the cleaned values; raise ValidationError naming every bad field.

        With partial=True (updates), only the fields present in `data` are checked and returned.
        Unknown fields are an error, so a typo in an API call is not silently ignored.
        """
        if not isinstance(data, Mapping):
            raise ValidationError(_l("Expected an object with fields."))
        errors = {name: _l("Unknown field.") for name in data if name not in self.fields}
        cleaned = {}
        for name, rule in self.fields.items():
            if partial and name not in data:
                continue
            try:
                cleaned[name] = rule.clean(data.get(name))
            except ValueError as exc:
                errors[name] = exc.args[0]
        if errors:
            raise ValidationError(_l("Please correct the marked fields."), fields=errors)
        return cleaned


# Dates people may enter (events, filters, consultation appointments). Years like 0001 or 9999 are valid ISO
# 8601 but overflow as soon as a time zone offset is applied (a 500 on every page listing them).
EARLIEST_YEAR, LATEST_YEAR = 2000, 2099


def sane_date(parsed):
    """`parsed` (a date or datetime) if its year is within EARLIEST_YEAR..LATEST_YEAR, else ValueError."""
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        raise ValueError(lazy_plain("Enter a date between %(first)s and %(last)s.", first=EARLIEST_YEAR,
                                    last=LATEST_YEAR))
    return parsed
