"""Long-format CSV export: one row per participant and wave (UTF-8 with BOM for Excel).

Two forms of the same rows:
- for clients (the API, `readable=False`): keys, full-precision numbers, UTC times, so a
  re-analysis reproduces the report exactly;
- for people (the report page's download, `readable=True`): the same key columns, each
  coded column followed by its label in the reader's language (keys stay so files from
  both routes join and pivot the same way), scores rounded to 3 decimals (the item scale
  has one), times in the service's time zone with their offset.
"""

import csv
import io
from zoneinfo import ZoneInfo

from flask import Response as FlaskResponse
from flask import current_app
import sqlalchemy as sa

from crossover import audit
from crossover.auth.models import User
from crossover.catalogue import services as catalogue
from crossover.extensions import db
from crossover.instruments.models import Instrument
from crossover.pilots.models import Enrollment, Pilot
from crossover.surveys.models import Response
from crossover.web.downloads import csv_download
from crossover.web.ui import label

READABLE_DIGITS = 3


def export_csv(pilot: Pilot, *, actor: User, readable: bool = False, lang: str = "en") -> str:
    """The pilot's responses as CSV text, starting with a BOM; the export is audit-logged."""
    instrument = db.session.get(Instrument, pilot.instrument_id)
    item_keys = [item.key for item in instrument.items]
    subscales = instrument.subscales
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    coded = ["arm", "age_band", "career_phase", "wave"]
    header = [c for name in coded for c in ([name, f"{name}_label"] if readable else [name])]
    writer.writerow(
        ["code", *header, "submitted_at", "total", *subscales, *item_keys, "concerns", "note"]
    )
    labeller = _Labels(lang) if readable else None
    number = _rounded if readable else _number
    rows = db.session.execute(
        sa.select(
            Enrollment.code,
            Enrollment.arm,
            Enrollment.age_band,
            Enrollment.career_phase,
            Response.wave,
            Response.submitted_at,
            Response.scores,
            Response.answers,
            Response.concerns,
            Response.note,
        )
        .join(Response, Response.enrollment_id == Enrollment.id)
        .where(Enrollment.pilot_id == pilot.id)
        .order_by(Enrollment.code, Response.submitted_at)
    )
    for row in rows:
        scores, answers = row.scores or {}, row.answers or {}
        values = {
            "arm": row.arm.value,
            "age_band": row.age_band,
            "career_phase": row.career_phase,
            "wave": row.wave,
        }
        codes = [
            v
            for name in coded
            for v in (
                [values[name], labeller.of(name, values[name])] if labeller else [values[name]]
            )
        ]
        writer.writerow(
            [
                row.code,
                *codes,
                _time(row.submitted_at, readable),
                number(scores.get("total")),
                *(number(scores.get(s)) for s in subscales),
                *(answers.get(k, "") for k in item_keys),
                ";".join(row.concerns or []),
                _no_formula(row.note or ""),
            ]
        )
    audit.record(actor, "pilot.export", "pilot", pilot.id, form="readable" if readable else "raw")
    db.session.commit()
    return out.getvalue()


class _Labels:
    """Labels of coded values in one language: catalogue options and enum labels."""

    def __init__(self, lang: str):
        self.lang = lang if lang in ("ja", "en") else "en"
        self.options = {
            kind: {o.key: getattr(o, f"label_{self.lang}") for o in catalogue.options(kind)}
            for kind in ("age_band", "career_phase")
        }

    def of(self, kind: str, value: str) -> str:
        if kind in self.options:
            return self.options[kind].get(value, value)
        return label(kind, value)


def csv_response(pilot: Pilot, body: str, suffix: str = "") -> FlaskResponse:
    """A pilot's responses as a download."""
    return csv_download(f"pilot-{pilot.id}-responses{suffix}.csv", body)


def _time(moment, readable: bool) -> str:
    if not readable:
        return moment.isoformat(timespec="seconds")
    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).isoformat(timespec="seconds")


def _number(value) -> str:
    return "" if value is None else repr(float(value))


def _rounded(value) -> str:
    return "" if value is None else f"{float(value):.{READABLE_DIGITS}f}"


def _no_formula(text: str) -> str:
    # A free-text cell starting with = + - @ would run as a formula in Excel (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
