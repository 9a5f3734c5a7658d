"""Validation of plain input (form data, JSON bodies, import rows) against small declarative schemas,
and the edge checks every input passes: bounded ids (the `int` URL converter, parse_id), bounded lists
(every list rule counts before it reads an item; Schema refuses a too long list first), bounded forms
(BoundedRequest) and parsed JSON (json_problem: depth, lone surrogates).

Services validate here, so the HTML forms, the API and the importer enforce the same rules
and report the same field errors.
"""
import builtins
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from io import BytesIO
from urllib.parse import unquote_plus
from dataclasses import dataclass, field

from flask import Request
from flask_babel import lazy_gettext as _l
from werkzeug.formparser import FormDataParser
from werkzeug.routing import IntegerConverter

from community.errors import InvalidInput, ValidationError
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


def items_as_sent(value) -> list | tuple:
    """A list input as sent: a JSON list, a form's repeated field, or text separated by commas.
    Linear in the input, so a list rule can count before it looks at any item."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, (list, tuple)):
        raise ValueError(_l("Must be a list."))
    return value


def too_many(value, max_items: int) -> bool:
    """Whether a list input holds more than max_items as sent (twelve copies of one value are still
    twelve): the check every list rule makes before any item is converted, compared or looked up."""
    try:
        return len(items_as_sent(value)) > max_items
    except ValueError:
        return False  # not a list at all: the rule itself names that


@dataclass(frozen=True)
class ManyOf:
    choices: Iterable[str]
    max_items: int = 20
    required: bool = False
    coerce: type = str

    def clean(self, value):
        value = items_as_sent(value)
        if len(value) > self.max_items:
            raise ValueError(lazy_plain("Choose at most %(n)s.", n=self.max_items))
        allowed = set(self.choices)
        cleaned = []
        for item in value:
            if self.coerce is int and isinstance(item, str) and item.isdigit():
                item = int(item)
            if isinstance(item, bool) or not isinstance(item, self.coerce) or item not in allowed:
                raise ValueError(lazy_plain("Unknown value: %(value)s.", value=str(item)[:50]))
            cleaned.append(item)
        if self.required and not cleaned:
            raise ValueError(_l("Choose at least one."))
        return list(dict.fromkeys(cleaned))  # first occurrence kept, in linear time


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
        value = items_as_sent(value)
        if len(value) > self.max_items:
            raise ValueError(lazy_plain("Choose at most %(n)s.", n=self.max_items))
        cleaned = []
        for item in value:
            if isinstance(item, str) and item.isdigit() and len(item) < 12:
                item = int(item)
            if isinstance(item, bool) or not isinstance(item, int) or not 1 <= item <= MAX_ID:
                raise ValueError(lazy_plain("Unknown value: %(value)s.", value=str(item)[:50]))
            cleaned.append(item)
        return list(dict.fromkeys(cleaned))  # first occurrence kept, in linear time


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


class BoundedFormParser(FormDataParser):
    """Werkzeug bounds the parts of a multipart form (MAX_FORM_PARTS) but reads a urlencoded body of
    MAX_CONTENT_LENGTH whole: 200,000 repeated fields that every later step (form classes, templates that
    mark the chosen options) would walk. Here the fields are counted in the raw body first; a form with
    more than MAX_FORM_PARTS is refused with 400 naming its most repeated field, before anything reads it."""

    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        body = stream.read()
        if self.max_form_parts is not None and body.count(b"&") >= self.max_form_parts:
            names = Counter(part.partition(b"=")[0] for part in body.split(b"&"))
            name = unquote_plus(names.most_common(1)[0][0].decode("latin-1"))[:50]
            raise InvalidInput(lazy_plain("Too many values for %(field)s in one form (at most %(n)s).", field=name,
                                  n=self.max_form_parts),
                               fields={name: lazy_plain("Choose at most %(n)s.", n=self.max_form_parts)})
        return super()._parse_urlencoded(BytesIO(body), mimetype, content_length, options)


class BoundedRequest(Request):
    """The app's request class (create_app): forms bounded by BoundedFormParser."""

    form_data_parser_class = BoundedFormParser


JSON_MAX_DEPTH = 32
_SURROGATE = re.compile("[\ud800-\udfff]")


def json_problem(value, max_depth: int = JSON_MAX_DEPTH, max_int: int | None = None) -> str | None:
    """Why parsed JSON is refused, or None: nesting deeper than `max_depth`, a lone surrogate in a string
    or key (no database stores it), or a whole number beyond `max_int`. Iterative, one level at a time:
    the strings of a level are searched as one text and the numbers compared in one pass, so a body of
    half a million list items costs a pass or two, not a Python step per item."""
    level = [value]
    for depth in range(max_depth + 1):
        kinds = set(map(type, level))
        if str in kinds and _SURROGATE.search("".join(item for item in level if type(item) is str)):
            return "surrogate"
        if max_int is not None and int in kinds:
            numbers = [item for item in level if type(item) is int]
            if max(max(numbers), -min(numbers)) > max_int:
                return "too_big"
        if dict not in kinds and list not in kinds:
            return None
        containers = [item for item in level if type(item) in (dict, list)]
        if depth >= max_depth:
            return "too_deep"
        level = []
        for item in containers:
            if type(item) is dict:
                keys = [key for key in item if type(key) is str]
                if keys and _SURROGATE.search("".join(keys)):
                    return "surrogate"
                level.extend(item.values())
            else:
                level.extend(item)
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
        # Before any other work: a list longer than its rule allows is refused (400) naming only
        # that field, so no item of a 60,000-id list is ever converted or compared.
        too_long = {name: lazy_plain("Choose at most %(n)s.", n=rule.max_items) for name, rule in self.fields.items()
                    if getattr(rule, "max_items", None) is not None and too_many(data.get(name), rule.max_items)}
        if too_long:
            raise InvalidInput(_l("Too many items in a list."), fields=too_long)
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
