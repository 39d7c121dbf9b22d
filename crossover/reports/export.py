"""Long-format CSV export: one row per participant and wave (UTF-8 with BOM for Excel)."""
import csv
import io

import sqlalchemy as sa

from crossover import audit
from crossover.auth.models import User
from crossover.extensions import db
from crossover.instruments.models import Instrument
from crossover.pilots.models import Enrollment, Pilot
from crossover.surveys.models import Response


def export_csv(pilot: Pilot, *, actor: User) -> str:
    """The pilot's responses as CSV text, starting with a BOM; the export is audit-logged."""
    instrument = db.session.get(Instrument, pilot.instrument_id)
    item_keys = [item.key for item in instrument.items]
    subscales = instrument.subscales
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["code", "arm", "age_band", "career_phase", "wave", "submitted_at", "total", *subscales,
                     *item_keys, "concerns", "note"])
    rows = db.session.execute(
        sa.select(Enrollment.code, Enrollment.arm, Enrollment.age_band, Enrollment.career_phase, Response.wave,
                  Response.submitted_at, Response.scores, Response.answers, Response.concerns, Response.note)
        .join(Response, Response.enrollment_id == Enrollment.id)
        .where(Enrollment.pilot_id == pilot.id)
        .order_by(Enrollment.code, Response.submitted_at)
    )
    for row in rows:
        scores, answers = row.scores or {}, row.answers or {}
        writer.writerow([
            row.code, row.arm.value, row.age_band, row.career_phase, row.wave,
            row.submitted_at.isoformat(timespec="seconds"), _number(scores.get("total")),
            *(_number(scores.get(s)) for s in subscales), *(answers.get(k, "") for k in item_keys),
            ";".join(row.concerns or []), _no_formula(row.note or ""),
        ])
    audit.record(actor, "pilot.export", "pilot", pilot.id)
    db.session.commit()
    return out.getvalue()


def _number(value) -> str:
    return "" if value is None else repr(float(value))


def _no_formula(text: str) -> str:
    # A free-text cell starting with = + - @ would run as a formula in Excel (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
