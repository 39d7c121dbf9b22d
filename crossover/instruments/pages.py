"""Questionnaires in pages: list, read, create and edit (without JavaScript), versions, preview.

The editor is one plain form: a row per item (key, ja/en text, subscale, reverse, position to
reorder, a box to remove) plus empty rows to add, and rows of scale anchors. It is loaded with
the API's schema (InstrumentInputSchema) and saved with the API's services, so the rules are the
same; errors are shown next to the row's field, in the visitor's language, naming its label.
"""

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
import sqlalchemy as sa

from crossover.auth.access import actor, page_auth
from crossover.auth.models import Role
from crossover.extensions import db
from crossover.instruments import services
from crossover.instruments.models import Instrument
from crossover.instruments.schemas import InstrumentInputSchema
from crossover.web.errors import DomainError, Invalid
from crossover.web.forms import FormNumbers, checked, load

pages_bp = Blueprint("instruments", __name__)

ITEM_FIELDS = ("key", "text_ja", "text_en", "subscale")
ANCHOR_FIELDS = ("label_ja", "label_en")
EXTRA_ROWS = 3
MAX_ROWS = 100

FIELD_LABELS = {
    "name": _l("Name of the questionnaire"),
    "scale_min": _l("Lowest answer"),
    "scale_max": _l("Highest answer"),
    "anchors": _l("Words on the scale"),
    "items": _l("Questions"),
    "key": _l("Key"),
    "text_ja": _l("Question (Japanese)"),
    "text_en": _l("Question (English)"),
    "subscale": _l("Subscale"),
    "value": _l("Value"),
    "label_ja": _l("Words (Japanese)"),
    "label_en": _l("Words (English)"),
    "position": _l("Order"),
}
# marshmallow's and the schema's English messages, in the visitor's language.
_MESSAGES = [
    (re.compile(r"Missing data for required field\.|Field may not be null\."), _l("Fill this in.")),
    (re.compile(r"Length must be between 1 and (\d+)\."), _l("Use 1 to %(max)s characters.")),
    (
        re.compile(r"Use lowercase letters, digits and '_'\."),
        _l("Start with a lowercase letter; use lowercase letters, digits and '_'."),
    ),
    (
        re.compile(r"Must be greater than scale_min\."),
        _l("Must be greater than the lowest answer."),
    ),
    (
        re.compile(r"Must be greater than or equal to (-?\d+) and less than or equal to (-?\d+)\."),
        _l("Use a whole number from %(min)s to %(max)s."),
    ),
    (re.compile(r"Anchor values must lie on the scale\."), _l("Each value must lie on the scale.")),
    (re.compile(r"Anchor values must be distinct\."), _l("Each value may have words only once.")),
    (re.compile(r"Item keys must be distinct\."), _l("Each question needs its own key.")),
]


def _message(text: str) -> str:
    for pattern, translated in _MESSAGES:
        if match := pattern.fullmatch(text):
            names = ("min", "max")[-len(match.groups()) :] if match.groups() else ()
            numbers = dict(zip(names, match.groups(), strict=True))
            return str(translated) % numbers if numbers else str(translated)
    return text


# ---- reading the editor form ---------------------------------------------------------------


def _rows(form, prefix: str, fields: tuple[str, ...]) -> list[dict]:
    """The numbered rows a form sent (item-0-key, item-0-text_ja, …), in row order."""
    numbers = sorted(
        {
            int(m.group(1))
            for name in form
            if (m := re.fullmatch(rf"{prefix}-(\d{{1,3}})-\w+", name))
        }
    )[: MAX_ROWS + EXTRA_ROWS]
    return [
        {
            "row": n,
            **{f: form.get(f"{prefix}-{n}-{f}", "").strip() for f in fields},
            "reverse": checked(form, f"{prefix}-{n}-reverse"),
            "remove": checked(form, f"{prefix}-{n}-remove"),
            "position": form.get(f"{prefix}-{n}-position", "").strip(),
            "value": form.get(f"{prefix}-{n}-value", "").strip(),
        }
        for n in numbers
    ]


def _kept_items(rows: list[dict], numbers: FormNumbers) -> list[dict]:
    """Rows not removed and not blank, in the order their positions ask (ties keep row order)."""
    kept = [r for r in rows if not r["remove"] and any(r[f] for f in ITEM_FIELDS)]
    for r in kept:
        r["order"] = numbers.whole(
            f"item-{r['row']}-position", FIELD_LABELS["position"], key=f"item-{r['row']}-position"
        )
    return sorted(
        kept, key=lambda r: (r["order"] if r["order"] is not None else r["row"] + 1, r["row"])
    )


def _payload(form) -> tuple[dict, list[dict], list[dict], FormNumbers]:
    """The API's JSON shape from the form, with the rows each list entry came from."""
    numbers = FormNumbers(form)
    items = _kept_items(_rows(form, "item", ITEM_FIELDS), numbers)
    anchors = [
        r
        for r in _rows(form, "anchor", ANCHOR_FIELDS)
        if r["value"] or r["label_ja"] or r["label_en"]
    ]
    for r in anchors:
        r["number"] = numbers.whole(
            f"anchor-{r['row']}-value", FIELD_LABELS["value"], key=f"anchor-{r['row']}-value"
        )
    payload = {
        "name": form.get("name", "").strip(),
        "scale_min": numbers.whole("scale_min", FIELD_LABELS["scale_min"]),
        "scale_max": numbers.whole("scale_max", FIELD_LABELS["scale_max"]),
        "anchors": [
            {"value": r["number"], "label_ja": r["label_ja"], "label_en": r["label_en"]}
            for r in anchors
        ],
        "items": [{f: r[f] for f in ITEM_FIELDS} | {"reverse": r["reverse"]} for r in items],
    }
    return payload, items, anchors, numbers


def _placed_errors(
    error: Invalid, items: list[dict], anchors: list[dict], numbers: FormNumbers
) -> dict[str, list[str]]:
    """Schema errors ('items.2.text_ja') moved to the form row they came from, with labels;
    unreadable numbers keep FormNumbers' own message (it names the label already)."""
    placed: dict[str, list[str]] = dict(numbers.errors)
    for key, messages in error.errors.items():
        if key in numbers.errors:
            continue
        if key == "items" and any(m.startswith("Length") for m in messages):
            placed[key] = [str(_l("Write at least one question (at most 100)."))]
            continue
        parts = key.split(".")
        field, name = parts[-1], key
        if parts[0] in ("items", "anchors") and len(parts) == 3 and parts[1].isdigit():
            rows = items if parts[0] == "items" else anchors
            index = int(parts[1])
            if index < len(rows):
                name = f"{parts[0][:-1]}-{rows[index]['row']}-{field}"
        label = FIELD_LABELS.get(field, field)
        placed[name] = [
            _("%(label)s: %(message)s", label=label, message=_message(m)) for m in messages
        ]
    return placed


# ---- the editor's rows for display ------------------------------------------------------------


def _rows_of(instrument: Instrument | None) -> tuple[list[dict], list[dict]]:
    if instrument is None:
        return [], []
    items = [
        {
            "row": n,
            "key": i.key,
            "text_ja": i.text_ja,
            "text_en": i.text_en,
            "subscale": i.subscale,
            "reverse": i.reverse,
            "position": str(n + 1),
        }
        for n, i in enumerate(instrument.items)
    ]
    anchors = [
        {"row": n, "value": str(a["value"]), "label_ja": a["label_ja"], "label_en": a["label_en"]}
        for n, a in enumerate(instrument.anchors)
    ]
    return items, anchors


def _padded(rows: list[dict], extra: int) -> list[dict]:
    """The rows and `extra` blank ones after them (row numbers stay those the form sent)."""
    next_row = max((r["row"] for r in rows), default=-1) + 1
    return rows + [{"row": next_row + n, "position": str(len(rows) + n + 1)} for n in range(extra)]


def _shown_rows(form, extra: int) -> tuple[list[dict], list[dict]]:
    """After a failed save, the rows exactly as typed (removed ones dropped)."""
    items = [r for r in _rows(form, "item", ITEM_FIELDS) if not r["remove"]]
    anchors = _rows(form, "anchor", ANCHOR_FIELDS)
    return _padded(items, extra), _padded(anchors, 1)


# ---- views ------------------------------------------------------------------------------------


def _may_edit(instrument: Instrument) -> bool:
    me = actor()
    return me.role is Role.ADMIN or (
        me.role is Role.OWNER and instrument.organization_id == me.organization_id
    )


def _versions(instrument: Instrument) -> list[Instrument]:
    return list(
        db.session.scalars(
            sa.select(Instrument)
            .where(Instrument.family == instrument.family)
            .order_by(Instrument.version.desc())
        )
    )


@pages_bp.route("/questionnaires")
@page_auth()
def instrument_list():
    """Shipped questionnaires and the organization's own, newest version of each."""
    latest: dict[str, Instrument] = {}
    for instrument in services.list_instruments(actor()):
        latest[instrument.family] = instrument  # listed by version, so the last one wins
    return render_template(
        "instruments/list.html", instruments=sorted(latest.values(), key=lambda i: i.name)
    )


@pages_bp.route("/questionnaires/<id:instrument_id>")
@page_auth()
def instrument_detail(instrument_id: int):
    """One version, read-only: scale, items, versions; edit, or a new version once frozen."""
    instrument = services.get_instrument(instrument_id, actor())
    return render_template(
        "instruments/detail.html",
        instrument=instrument,
        versions=_versions(instrument),
        may_edit=_may_edit(instrument),
    )


@pages_bp.route("/questionnaires/<id:instrument_id>/preview")
@page_auth()
def instrument_preview(instrument_id: int):
    """The questionnaire exactly as a participant sees it (the survey form), read-only."""
    instrument = services.get_instrument(instrument_id, actor())
    lang = "en" if str(get_locale()) == "en" else "ja"
    view = {
        "wave": "pre",
        "lang": lang,
        "pilot_title": instrument.name,
        "status": "open",
        "draft": None,
        "scale": {
            "min": instrument.scale_min,
            "max": instrument.scale_max,
            "anchors": [
                {"value": a["value"], "label": a[f"label_{lang}"]} for a in instrument.anchors
            ],
        },
        "items": [{"key": i.key, "text": getattr(i, f"text_{lang}")} for i in instrument.items],
        "concerns": [],
    }
    return render_template(
        "surveys/form.html",
        view=view,
        token=None,
        errors={},
        payload={},
        preview=True,
        back_url=url_for("instruments.instrument_detail", instrument_id=instrument.id),
    )


def _editor(instrument: Instrument | None, *, status: int = 200, errors=None, form=None, rows=None):
    if rows is None:
        items, anchors = _rows_of(instrument)
        rows = (_padded(items, EXTRA_ROWS if items else 5), _padded(anchors, 1 if anchors else 5))
    if form is None:
        form = (
            {
                "name": instrument.name,
                "scale_min": instrument.scale_min,
                "scale_max": instrument.scale_max,
            }
            if instrument
            else {"scale_min": 1, "scale_max": 5}
        )
    return render_template(
        "instruments/edit.html",
        instrument=instrument,
        form=form,
        errors=errors or {},
        items=rows[0],
        anchors=rows[1],
        new_version=bool(instrument and instrument.frozen),
    ), status


def _save(instrument: Instrument | None):
    form = request.form
    if "add_rows" in form:  # more empty rows, nothing saved
        return _editor(instrument, form=form, rows=_shown_rows(form, EXTRA_ROWS))
    payload, items, anchors, numbers = _payload(form)
    try:
        data = load(InstrumentInputSchema(), payload, numbers.errors)
        if instrument is None:
            saved = services.create_instrument(data, actor=actor())
        else:
            saved = services.revise_instrument(instrument, data, actor=actor())
    except Invalid as error:
        return _editor(
            instrument,
            status=422,
            form=form,
            rows=_shown_rows(form, 1),
            errors=_placed_errors(error, items, anchors, numbers),
        )
    except DomainError as error:
        abort(error.status)
    flash(_("Questionnaire saved (version %(version)s).", version=saved.version), "success")
    return redirect(url_for("instruments.instrument_detail", instrument_id=saved.id))


@pages_bp.route("/questionnaires/new", methods=["GET", "POST"])
@page_auth(Role.OWNER, Role.ADMIN)
def instrument_new():
    """Write a new questionnaire."""
    return _save(None) if request.method == "POST" else _editor(None)


@pages_bp.route("/questionnaires/<id:instrument_id>/edit", methods=["GET", "POST"])
@page_auth(Role.OWNER, Role.ADMIN)
def instrument_edit(instrument_id: int):
    """Edit a questionnaire; a frozen one (used by a pilot past draft) is saved as a new version."""
    instrument = services.get_instrument(instrument_id, actor())
    if not _may_edit(instrument):
        abort(403)
    return _save(instrument) if request.method == "POST" else _editor(instrument)
