"""Input hygiene at the edge: every request's strings, JSON body and ids are checked once,
before any view runs, so malformed input answers 4xx and never reaches the database.

- NUL characters (PostgreSQL text cannot hold them) and lone surrogates (not encodable
  as UTF-8) are refused in query args, form fields, path values and JSON bodies: 422
  naming each field.
- A JSON body nested deeper than MAX_JSON_DEPTH is refused before it is parsed (Python's
  parser recurses until RecursionError): 400.
- JSON integers beyond 64 bits are refused by name (Python will not even parse more
  than 4,300 digits); schemas narrow numbers further to their columns (crossover.web.api).
- <id:...> in routes accepts 1..2**31-1 only, the range of the INTEGER primary keys:
  a larger id is a 404 instead of an out-of-range error from PostgreSQL.
"""

import itertools
import json
import re

from flask import Flask, request
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter

from crossover.web import json_body
from crossover.web.errors import DomainError, Invalid

MAX_JSON_DEPTH = 32
MAX_JSON_INT = 2**63 - 1  # BIGINT: anything longer is no number a client means to send
MAX_ID = 2**31 - 1  # INTEGER, the type of every primary key
MAX_REPORTED_FIELDS = 20

# Only these bodies fill request.form (werkzeug's form parser leaves any other empty).
FORM_MIMETYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})

_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_JSON_BRACKET = re.compile(r"[\[\]{}]")
_NESTING_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class IdConverter(IntegerConverter):
    """<id:name>: ASCII digits naming a row id, 1..2**31-1; anything else does not match (404)."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, min=1, max=MAX_ID)


class BadJson(DomainError):
    """A JSON body the parser must not be handed (too deep) or cannot parse (NaN, Infinity)."""


class _OutOfRange:
    """Stands in for a JSON integer too long to convert, so the walk can name its field."""


OUT_OF_RANGE = _OutOfRange()


def forbidden_character(text: str) -> str | None:
    """'NUL' or 'surrogate' when the text holds a character no column can store, else None."""
    found = _FORBIDDEN.search(text)
    if found is None:
        return None
    return "NUL" if found.group() == "\x00" else "surrogate"


def json_depth(text: str) -> int:
    """How deeply a JSON text nests arrays and objects, counted without parsing it."""
    steps = map(_NESTING_STEP.__getitem__, _JSON_BRACKET.findall(_JSON_STRING.sub("", text)))
    return max(itertools.accumulate(steps), default=0)


def _parse_int(literal: str):
    if len(literal) > 20:
        return OUT_OF_RANGE
    value = int(literal)
    return value if -MAX_JSON_INT <= value <= MAX_JSON_INT else OUT_OF_RANGE


def _refuse_constant(name: str):
    message = _("%(name)s is not a JSON number.", name=name)
    raise BadJson(
        _("The request body is not valid JSON: %(reason)s", reason=message), {"body": [message]}
    )


def parse_json(text: str):
    """Parse a JSON body safely: depth checked first, huge integers kept as OUT_OF_RANGE."""
    if json_depth(text) > MAX_JSON_DEPTH:
        raise BadJson(
            _("The JSON body is nested more than %(depth)d levels deep.", depth=MAX_JSON_DEPTH),
            {"body": [_("At most %(depth)d levels of nesting.", depth=MAX_JSON_DEPTH)]},
        )
    return json.loads(text, parse_int=_parse_int, parse_constant=_refuse_constant)


def _printable(name: str) -> str:
    return _FORBIDDEN.sub("\ufffd", name)


def _string_problem(text: str) -> str | None:
    kind = forbidden_character(text)
    if kind == "NUL":
        return _("Must not contain NUL characters.")
    if kind == "surrogate":
        return _("Must be valid Unicode text (no lone surrogates).")
    return None


def json_problems(value) -> dict[str, list[str]]:
    """Field path → message for every key, string or integer a JSON value must not carry."""
    problems: dict[str, list[str]] = {}
    stack = [("", value)]
    while stack and len(problems) < MAX_REPORTED_FIELDS:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, child in node.items():
                name = f"{path}.{key}" if path else key
                if problem := _string_problem(key):
                    problems[_printable(name)] = [problem]
                stack.append((name, child))
        elif isinstance(node, list):
            stack.extend(
                (f"{path}.{index}" if path else str(index), child)
                for index, child in enumerate(node)
            )
        elif isinstance(node, str) and (problem := _string_problem(node)):
            problems[_printable(path) or "body"] = [problem]
        elif node is OUT_OF_RANGE:
            problems[_printable(path) or "body"] = [_("Number out of range.")]
    return problems


def fields_problems(fields: MultiDict) -> dict[str, list[str]]:
    """Field name → message for query args or form fields holding characters no column stores."""
    problems: dict[str, list[str]] = {}
    for key, values in fields.lists():
        for text in (key, *values):
            if problem := _string_problem(text):
                problems[_printable(key)] = [problem]
                break
    return problems


def _body_problems() -> dict[str, list[str]]:
    if not request.is_json:
        return {}
    try:
        text = request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError:
        return {}  # the API's own parser answers 400 for a body that is not UTF-8
    try:
        value = parse_json(text)
    except json.JSONDecodeError:
        return {}  # malformed JSON: the API's parser answers 400 with its usual message
    # Parsed as json.loads would (a body holding anything it would read differently, NaN or a
    # huge integer, is refused here), so the API reads it from here instead of parsing again.
    json_body.keep(request.environ, value)
    return json_problems(value)


def _request_problems() -> dict[str, list[str]]:
    view_args = MultiDict(
        {k: v for k, v in (request.view_args or {}).items() if isinstance(v, str)}
    )
    return {
        **fields_problems(view_args),
        **fields_problems(request.args),
        **(fields_problems(request.form) if request.mimetype in FORM_MIMETYPES else {}),
        **_body_problems(),
    }


def _check_request() -> None:
    problems = _request_problems()
    if problems:
        details = "; ".join(
            f"{name}: {messages[0]}" for name, messages in sorted(problems.items())[:5]
        )
        raise Invalid(_("Some input cannot be accepted (%(details)s)", details=details), problems)


def check_request() -> None:
    """Refuse the request when any of its input is malformed (before_request hook)."""
    try:
        _check_request()
    except DomainError:
        if not request.path.startswith("/api/"):
            raise
        # The API speaks English; pages speak the visitor's language. Checked again in English
        # rather than every request under force_locale: setting a locale costs more than a check.
        with force_locale("en"):
            _check_request()
        raise


def init_app(app: Flask) -> None:
    """Register the id converter (before any blueprint adds routes) and the request check."""
    app.url_map.converters["id"] = IdConverter
    app.before_request(check_request)
