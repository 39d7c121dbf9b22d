"""Registering and editing a pilot: its design, eligibility, preregistration and wave
schedule, and which of them freeze once it leaves draft."""

import sqlalchemy as sa

from crossover import audit, waves
from crossover.auth.models import Role, User
from crossover.catalogue.bands import TENURE_BANDS
from crossover.catalogue.models import Initiative
from crossover.catalogue.services import option_keys
from crossover.extensions import db
from crossover.instruments.models import Instrument
from crossover.instruments.services import chosen_instrument
from crossover.pilots.models import (
    Allocation,
    Direction,
    Enrollment,
    Pilot,
    PilotFormat,
    PilotStatus,
    PrimaryTest,
    WaveWindow,
)
from crossover.surveys.models import Invitation
from crossover.web.errors import Conflict, Forbidden, Invalid

MID_SENIOR = ["45-49", "50-54", "55-59", "60-64", "65+"]
# Changing these after draft would change what was preregistered or who was compared.
FROZEN_FIELDS = {
    "initiative_id",
    "instrument_id",
    "format",
    "has_comparison",
    "planned_n",
    "starts_on",
    "ends_on",
    "eligibility",
    "followup_days",
    "preregistration",
}


def _check_keys(values: list[str], kind: str, field: str) -> list[str]:
    unknown = sorted(set(values) - option_keys(kind))
    if unknown:
        raise Invalid(f"Unknown {field}.", {field: [f"Unknown key {k!r}." for k in unknown]})
    return list(dict.fromkeys(values))


def _default_eligibility(pilot: Pilot) -> None:
    """Mentoring and career-interview pilots are for mid-senior staff (45+); others for all."""
    is_mid_senior = pilot.format in (PilotFormat.MENTORING, PilotFormat.CAREER_INTERVIEW)
    pilot.eligible_age_bands = list(MID_SENIOR) if is_mid_senior else []
    pilot.eligible_career_phases = []


def _apply_eligibility(pilot: Pilot, eligibility: dict) -> None:
    """Set the rules named; an empty list means everyone."""
    if "age_bands" in eligibility:
        pilot.eligible_age_bands = _check_keys(
            eligibility["age_bands"], "age_band", "eligibility.age_bands"
        )
    if "career_phases" in eligibility:
        pilot.eligible_career_phases = _check_keys(
            eligibility["career_phases"], "career_phase", "eligibility.career_phases"
        )
    if "tenure_bands" in eligibility:
        pilot.eligible_tenure_bands = _tenure_bands(eligibility["tenure_bands"])


def _tenure_bands(values: list[str] | None) -> list[str] | None:
    """The company survey's tenure bands a pilot enrols (None or empty: every tenure)."""
    if not values:
        return None
    unknown = sorted(set(values) - set(TENURE_BANDS))
    if unknown:
        raise Invalid(
            "Unknown eligibility.tenure_bands.",
            {"eligibility.tenure_bands": [f"Unknown key {k!r}." for k in unknown]},
        )
    return list(dict.fromkeys(values))


def _apply_preregistration(pilot: Pilot, prereg: dict) -> None:
    if "outcome" in prereg:
        pilot.outcome = prereg["outcome"]
    if "direction" in prereg:
        pilot.direction = Direction(prereg["direction"])
    if "alpha" in prereg:
        pilot.alpha = prereg["alpha"]
    if "test" in prereg:
        pilot.primary_test = PrimaryTest(prereg["test"])
    if "min_dz" in prereg:
        pilot.min_dz = prereg["min_dz"]
    if "allocation" in prereg:
        pilot.allocation = (
            None if prereg["allocation"] is None else Allocation(prereg["allocation"])
        )
    if "strata" in prereg:
        pilot.strata = None if prereg["strata"] is None else list(dict.fromkeys(prereg["strata"]))


def _check_outcome(pilot: Pilot, instrument: Instrument) -> None:
    allowed = ["total", *instrument.subscales]
    if pilot.outcome not in allowed:
        raise Invalid(
            "The primary outcome is not one of the questionnaire's outcomes.",
            {"preregistration.outcome": [f"Use one of the outcomes: {', '.join(allowed)}."]},
        )


def _apply_schedule(pilot: Pilot, windows: list[dict] | None) -> None:
    """Set the wave schedule: the defaults, overridden by the given windows."""
    expected = waves.wave_names(pilot.followup_days)
    given = {w["wave"]: w for w in windows or []}
    unknown = sorted(set(given) - set(expected))
    if unknown:
        raise Invalid(
            "Unknown wave.", {"schedule": [f"This pilot has no wave {w!r}." for w in unknown]}
        )
    defaults = {
        w["wave"]: w
        for w in waves.default_schedule(pilot.starts_on, pilot.ends_on, pilot.followup_days)
    }
    current = {w.wave: w for w in pilot.waves}
    windows_out = []
    for position, name in enumerate(expected):
        source = given.get(name) or (
            {"opens_on": current[name].opens_on, "closes_on": current[name].closes_on}
            if name in current and windows is not None
            else defaults[name]
        )
        window = current.get(name) or WaveWindow(wave=name)
        window.position, window.opens_on, window.closes_on = (
            position,
            source["opens_on"],
            source["closes_on"],
        )
        windows_out.append(window)
    pilot.waves = windows_out


def register_pilot(data: dict, *, actor: User) -> Pilot:
    """Register a draft pilot of a catalogue initiative for the owner's organization."""
    if actor.role is not Role.OWNER:
        raise Forbidden("Only owners register pilots, for their own organization.")
    initiative = db.session.get(Initiative, data["initiative_id"])
    if initiative is None:
        raise Invalid("Unknown initiative.", {"initiative_id": ["No such initiative."]})
    instrument = chosen_instrument(data.get("instrument_id"), actor)
    pilot = Pilot(
        organization_id=actor.organization_id,
        initiative=initiative,
        instrument_id=instrument.id,
        title=data["title"].strip(),
        format=PilotFormat(data["format"]),
        has_comparison=data.get("has_comparison", False),
        planned_n=data["planned_n"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        followup_days=sorted(set(data.get("followup_days", waves.DEFAULT_FOLLOWUP_DAYS))),
        created_by_id=actor.id,
        status=PilotStatus.DRAFT,
        # set by crossover.focus only (the API's schema has no such fields)
        focus_area_id=data.get("focus_area_id"),
        rationale=data.get("rationale"),
    )
    _default_eligibility(pilot)
    _apply_eligibility(pilot, data.get("eligibility", {}))
    _apply_preregistration(pilot, data["preregistration"])
    _check_outcome(pilot, instrument)
    _apply_schedule(pilot, data.get("schedule"))
    db.session.add(pilot)
    db.session.flush()
    audit.record(actor, "pilot.register", "pilot", pilot.id)
    db.session.commit()
    return pilot


def update_pilot(pilot: Pilot, data: dict, *, actor: User) -> Pilot:
    """Change a pilot; after draft only the title and the schedule (until closed) may change."""
    if pilot.status is not PilotStatus.DRAFT:
        frozen = sorted(FROZEN_FIELDS & set(data))
        if frozen:
            raise Conflict(
                f"The pilot is {pilot.status.value}; its preregistration and design are frozen.",
                {field: ["Frozen when the pilot left draft."] for field in frozen},
            )
        if pilot.status is PilotStatus.CLOSED and "schedule" in data:
            raise Conflict(
                "A closed pilot's schedule cannot change.", {"schedule": ["The pilot is closed."]}
            )
    if "initiative_id" in data:
        if db.session.get(Initiative, data["initiative_id"]) is None:
            raise Invalid("Unknown initiative.", {"initiative_id": ["No such initiative."]})
        pilot.initiative_id = data["initiative_id"]
    if "instrument_id" in data:
        pilot.instrument_id = chosen_instrument(data["instrument_id"], actor).id
    for field in ("title", "planned_n", "starts_on", "ends_on", "has_comparison"):
        if field in data:
            setattr(pilot, field, data[field].strip() if field == "title" else data[field])
    if pilot.ends_on < pilot.starts_on:
        raise Invalid("Dates out of order.", {"ends_on": ["Must not be before starts_on."]})
    if "format" in data:
        pilot.format = PilotFormat(data["format"])
    if "eligibility" in data:
        _apply_eligibility(pilot, data["eligibility"])
    if "followup_days" in data:
        pilot.followup_days = sorted(set(data["followup_days"]))
    _apply_preregistration(pilot, data.get("preregistration", {}))
    _check_outcome(pilot, db.session.get(Instrument, pilot.instrument_id))
    if "schedule" in data or {"starts_on", "ends_on", "followup_days"} & set(data):
        # New dates in draft re-derive the defaults; explicit windows always win.
        _apply_schedule(pilot, data.get("schedule"))
    _check_enrolled_waves(pilot)
    audit.record(actor, "pilot.update", "pilot", pilot.id, fields=sorted(data))
    db.session.commit()
    return pilot


def _check_enrolled_waves(pilot: Pilot) -> None:
    """Enrolled people already hold one invitation per wave: the set of waves must stay put."""
    has_enrollments = db.session.scalar(
        sa.select(sa.exists().where(Enrollment.pilot_id == pilot.id))
    )
    if not has_enrollments:
        return
    existing = set(
        db.session.scalars(
            sa.select(Invitation.wave)
            .join(Invitation.enrollment)
            .where(Enrollment.pilot_id == pilot.id)
            .distinct()
        )
    )
    if existing and existing != {w.wave for w in pilot.waves}:
        raise Conflict(
            "People are enrolled; the pilot's waves can no longer be added or removed.",
            {"followup_days": ["Fixed once anyone is enrolled."]},
        )
