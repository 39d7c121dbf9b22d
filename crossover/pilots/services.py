"""Pilot rules: registration, preregistration freeze, lifecycle, schedule, enrolment, erasure."""

from collections import Counter
import dataclasses
from datetime import datetime
import hashlib
import secrets

import marshmallow as ma
import sqlalchemy as sa

from crossover import audit, waves
from crossover.auth.models import Role, User
from crossover.catalogue.models import Initiative
from crossover.catalogue.services import option_keys, options
from crossover.company.bands import TENURE_BANDS
from crossover.config import local_today
from crossover.db import utcnow
from crossover.extensions import db
from crossover.instruments.models import Instrument
from crossover.instruments.services import get_instrument
from crossover.pilots import allocation
from crossover.pilots.cells import keep_cell
from crossover.pilots.enrollment_views import EnrollmentView, invitation_status, link
from crossover.pilots.models import (
    Allocation,
    Arm,
    Contact,
    Direction,
    Enrollment,
    EnrollmentUpload,
    Pilot,
    PilotFormat,
    PilotStatus,
    PrimaryTest,
    WaveWindow,
)
from crossover.seed.instrument import KEY as DEFAULT_INSTRUMENT_KEY
from crossover.surveys import tokens
from crossover.surveys.models import Invitation
from crossover.web.csv_upload import read_rows
from crossover.web.errors import Conflict, Forbidden, Invalid, NotFound

NEXT_STATUS = {
    PilotStatus.DRAFT: PilotStatus.RECRUITING,
    PilotStatus.RECRUITING: PilotStatus.RUNNING,
    PilotStatus.RUNNING: PilotStatus.CLOSED,
}
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
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: easy to read aloud
MAX_CSV_ROWS = 5000
CODE_ATTEMPTS = 3  # a CSV upload redraws its codes this often when one was already taken


# --- look-ups that enforce organization isolation -------------------------------------------


def pilots_query(actor: User) -> sa.Select:
    query = sa.select(Pilot)
    if actor.role is Role.OWNER:
        query = query.where(Pilot.organization_id == actor.organization_id)
    return query


def get_pilot(pilot_id: int, actor: User) -> Pilot:
    """A pilot the actor may see; another organization's pilot answers 404."""
    pilot = db.session.scalar(pilots_query(actor).where(Pilot.id == pilot_id))
    if pilot is None:
        raise NotFound(f"No pilot {pilot_id}.")
    return pilot


def get_owned_pilot(pilot_id: int, actor: User) -> Pilot:
    """A pilot of the actor's own organization (owners only act on their own)."""
    if actor.role is not Role.OWNER:
        raise Forbidden("Only the pilot's owners may do this.")
    return get_pilot(pilot_id, actor)


def get_owned_enrollment(enrollment_id: int, actor: User) -> Enrollment:
    if actor.role is not Role.OWNER:
        raise Forbidden("Only the pilot's owners see participants.")
    enrollment = db.session.scalar(
        sa.select(Enrollment)
        .join(Enrollment.pilot)
        .where(Enrollment.id == enrollment_id, Pilot.organization_id == actor.organization_id)
    )
    if enrollment is None:
        raise NotFound(f"No enrollment {enrollment_id}.")
    return enrollment


def list_pilots(actor: User, status: str | None = None) -> list[Pilot]:
    query = pilots_query(actor).order_by(Pilot.created_at.desc(), Pilot.id.desc())
    if status:
        query = query.where(Pilot.status == PilotStatus(status))
    return list(db.session.scalars(query))


# --- registration and editing -----------------------------------------------------------------


def default_instrument() -> Instrument | None:
    return db.session.scalar(sa.select(Instrument).where(Instrument.key == DEFAULT_INSTRUMENT_KEY))


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
    instrument = _instrument_for(data.get("instrument_id"), actor)
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


def _instrument_for(instrument_id: int | None, actor: User) -> Instrument:
    if instrument_id is None:
        instrument = default_instrument()
        if instrument is None:
            raise Invalid(
                "No default instrument; run `crossover seed`.", {"instrument_id": ["Required."]}
            )
        return instrument
    try:
        return get_instrument(instrument_id, actor)
    except NotFound:
        raise Invalid("Unknown instrument.", {"instrument_id": ["No such instrument."]}) from None


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
        pilot.instrument_id = _instrument_for(data["instrument_id"], actor).id
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


def transition(pilot: Pilot, to: str, *, actor: User) -> Pilot:
    """Move a pilot along draft → recruiting → running → closed."""
    target = PilotStatus(to)
    if NEXT_STATUS.get(pilot.status) is not target:
        allowed = NEXT_STATUS.get(pilot.status)
        hint = f" It can only become {allowed.value}." if allowed else " It is finished."
        raise Conflict(
            f"A {pilot.status.value} pilot cannot become {target.value}.{hint}",
            {"to": [f"Not allowed from {pilot.status.value}."]},
        )
    if pilot.status is PilotStatus.DRAFT:
        pilot.preregistered_at = utcnow()
        if pilot.randomised and pilot.allocation_seed is None:
            pilot.allocation_seed = (
                allocation.new_seed()
            )  # never in the audit log: kept until closed
    if target is PilotStatus.CLOSED:
        keep_cell(pilot)
    previous = pilot.status
    pilot.status = target
    audit.record(
        actor, "pilot.transition", "pilot", pilot.id, **{"from": previous.value, "to": target.value}
    )
    db.session.commit()
    return pilot


# --- enrolment ----------------------------------------------------------------------------------


def new_code() -> str:
    """A fresh pseudonymous enrolment code (a clash with a stored one is left to the unique key)."""
    return "P-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))  # ~39 bits


def _known_options() -> dict[str, list[str]]:
    """The keys of each option list, in display order (an error lists them so)."""
    return {kind: [o.key for o in options(kind)] for kind in ("age_band", "career_phase")}


def _rule_error(value: str, known: list[str], allowed: list[str], name: str) -> list[str]:
    """Why a value breaks an eligibility rule (unknown key, or not among the allowed); an unknown
    key is told the codes this pilot accepts."""
    if value not in known:
        valid = allowed or known
        return [f"Unknown {name} {value!r}; valid codes: {', '.join(valid)}."]
    if allowed and value not in allowed:
        return [
            f"{name.capitalize()} {value} is not eligible for this pilot (eligible: "
            f"{', '.join(allowed)})."
        ]
    return []


def _eligibility_errors(
    pilot: Pilot, row: dict, known: dict[str, list[str]] | None = None
) -> dict[str, list[str]]:
    known = known or _known_options()
    errors: dict[str, list[str]] = {}
    if problems := _rule_error(
        row["age_band"], known["age_band"], pilot.eligible_age_bands, "age band"
    ):
        errors["age_band"] = problems
    if problems := _rule_error(
        row["career_phase"], known["career_phase"], pilot.eligible_career_phases, "career phase"
    ):
        errors["career_phase"] = problems
    if pilot.eligible_tenure_bands and (
        problems := _rule_error(
            row.get("tenure_band") or "",
            list(TENURE_BANDS),
            pilot.eligible_tenure_bands,
            "tenure band",
        )
    ):
        errors["tenure_band"] = problems
    if row.get("consent") is not True:
        errors["consent"] = ["Consent is required to enrol."]
    if row.get("arm") == Arm.COMPARISON.value and not pilot.has_comparison:
        errors["arm"] = ["This pilot has no comparison arm."]
    elif row.get("arm") and pilot.randomised:
        errors["arm"] = [RANDOMISED_ARM]
    return errors


RANDOMISED_ARM = "This pilot is randomised: each person's arm is drawn, not chosen; leave arm out."


def _check_enrollable(pilot: Pilot) -> None:
    if pilot.status not in (PilotStatus.RECRUITING, PilotStatus.RUNNING):
        raise Conflict(
            f"Enrolment needs a recruiting or running pilot; this one is {pilot.status.value}.",
            {"status": [pilot.status.value]},
        )


def new_invitations(pilot: Pilot) -> list[Invitation]:
    """One invitation per wave of the pilot, each with a fresh nonce, for a new enrollment."""
    invitations = []
    for window in pilot.waves:
        nonce = tokens.new_nonce()
        invitations.append(
            Invitation(
                wave=window.wave,
                position=window.position,
                nonce=nonce,
                token_hash=tokens.hash_token(tokens.token_for(nonce)),
            )
        )
    return invitations


def _add_enrollment(pilot: Pilot, row: dict) -> Enrollment:
    now = utcnow()
    enrollment = Enrollment(
        pilot=pilot,
        code=new_code(),
        arm=Arm(row.get("arm") or Arm.PARTICIPANT.value),
        age_band=row["age_band"],
        career_phase=row["career_phase"],
        tenure_band=row.get("tenure_band") or None,
        consented_at=now,
        created_at=now,
        stratum=row.get("stratum"),
        allocation_slot=row.get("allocation_slot"),
    )
    enrollment.invitations.extend(new_invitations(pilot))
    db.session.add(enrollment)
    db.session.flush()
    if row.get("email"):
        db.session.add(Contact(enrollment_id=enrollment.id, email=row["email"].strip().lower()))
    return enrollment


def enroll(pilot: Pilot, data: dict, *, actor: User) -> Enrollment:
    """Enrol one eligible, consenting person; returns the enrollment with its invitations."""
    _check_enrollable(pilot)
    errors = _eligibility_errors(pilot, data)
    if errors:
        raise Invalid(
            "Not eligible for this pilot: " + " ".join(m for ms in errors.values() for m in ms),
            errors,
        )
    row = dict(data)
    if pilot.randomised:
        allocation.assign(pilot, [row])
    enrollment = _add_enrollment(pilot, row)
    audit.record(actor, "enrollment.create", "enrollment", enrollment.id, pilot=pilot.id)
    if pilot.randomised:
        audit.record(
            actor,
            "enrollment.allocate",
            "enrollment",
            enrollment.id,
            **_allocation_details(pilot, row),
        )
    db.session.commit()
    return enrollment


def _allocation_details(pilot: Pilot, row: dict) -> dict:
    return {
        "pilot": pilot.id,
        "arm": row["arm"],
        "stratum": row["stratum"],
        "slot": row["allocation_slot"],
    }


_CSV_TRUE = {"yes", "y", "true", "1", "はい", "同意"}


def _csv_rows(content: bytes) -> list[tuple[int, dict]]:
    return read_rows(
        content,
        {"age_band", "career_phase", "consent"},
        MAX_CSV_ROWS,
        "No participants in the file.",
    )


def _csv_row_errors(pilot: Pilot, raw: dict, known: dict[str, list[str]]) -> tuple[dict, list[str]]:
    row = {
        "age_band": raw.get("age_band", ""),
        "career_phase": raw.get("career_phase", ""),
        "tenure_band": raw.get("tenure_band") or None,
        "consent": raw.get("consent", "").lower() in _CSV_TRUE,
        "arm": raw.get("arm") or None,
        "email": raw.get("email") or None,
    }
    problems = [
        f"{field}: {m}" for field, ms in _eligibility_errors(pilot, row, known).items() for m in ms
    ]
    row["arm"] = row["arm"] or Arm.PARTICIPANT.value
    if row["arm"] not in {a.value for a in Arm}:
        valid = [a.value for a in Arm] if pilot.has_comparison else [Arm.PARTICIPANT.value]
        problems.append(f"arm: Unknown arm {row['arm']!r}; valid codes: {', '.join(valid)}.")
    if row["email"]:
        try:
            ma.validate.Email()(row["email"])
        except ma.ValidationError:
            problems.append(f"email: {row['email']!r} is not a valid e-mail address.")
    return row, problems


class DuplicateUpload(Conflict):
    """The same file was already enrolled for this pilot; carries that earlier upload."""

    def __init__(self, upload: EnrollmentUpload):
        super().__init__(
            f"This file was already uploaded for this pilot at {upload.uploaded_at.isoformat()} "
            f"({upload.enrolled} people enrolled); nobody was enrolled again.",
            {"file": ["The same file was already enrolled for this pilot."]},
        )
        self.upload = upload


EnrolledRow = EnrollmentView  # one person a CSV upload enrolled, as the answer shows them


@dataclasses.dataclass
class CsvUploadResult:
    """What an accepted upload answers: its record and the people it enrolled."""

    upload: EnrollmentUpload
    enrollments: list[EnrolledRow]

    @property
    def enrolled(self) -> int:
        return self.upload.enrolled


def earlier_upload(pilot: Pilot, digest: str) -> EnrollmentUpload | None:
    """The accepted upload of this exact file (by SHA-256) for this pilot, if any."""
    return db.session.scalar(
        sa.select(EnrollmentUpload).where(
            EnrollmentUpload.pilot_id == pilot.id, EnrollmentUpload.sha256 == digest
        )
    )


def _new_codes(count: int) -> list[str]:
    """Distinct new codes; a clash with a stored one is left to the unique key (enroll_csv
    retries)."""
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(new_code())
    return list(codes)


def _insert_enrollments(pilot: Pilot, rows: list[dict], now: datetime) -> list[dict]:
    """Insert the enrollments in one executemany; returns them as inserted, each with its id."""
    values = [
        {
            "pilot_id": pilot.id,
            "code": code,
            "arm": Arm(row["arm"]),
            "age_band": row["age_band"],
            "career_phase": row["career_phase"],
            "tenure_band": row.get("tenure_band"),
            "consented_at": now,
            "created_at": now,
            "stratum": row.get("stratum"),
            "allocation_slot": row.get("allocation_slot"),
        }
        for row, code in zip(rows, _new_codes(len(rows)), strict=True)
    ]
    # Core, not the ORM: no object per row. The ids are read back by code (SQLite cannot return
    # an executemany's ids in order); the rows of this upload share the pilot and the timestamp.
    db.session.execute(sa.insert(Enrollment.__table__), values)
    ids = dict(
        db.session.execute(
            sa.select(Enrollment.code, Enrollment.id).where(
                Enrollment.pilot_id == pilot.id, Enrollment.created_at == now
            )
        ).all()
    )
    for value in values:
        value["id"] = ids[value["code"]]
    return values


def _insert_invitations(
    pilot: Pilot, enrollments: list[dict], now: datetime
) -> dict[int, list[str]]:
    """One invitation per wave for each enrollment, in one executemany; returns each one's
    tokens."""
    values, tokens_of = [], {}
    for enrollment in enrollments:
        nonces = [tokens.new_nonce() for _ in pilot.waves]
        tokens_of[enrollment["id"]] = [tokens.token_for(nonce) for nonce in nonces]
        values += [
            {
                "enrollment_id": enrollment["id"],
                "wave": window.wave,
                "position": window.position,
                "nonce": nonce,
                "token_hash": tokens.hash_token(token),
                "created_at": now,
            }
            for window, nonce, token in zip(
                pilot.waves, nonces, tokens_of[enrollment["id"]], strict=True
            )
        ]
    db.session.execute(sa.insert(Invitation.__table__), values)
    return tokens_of


def _insert_contacts(enrollments: list[dict], rows: list[dict]) -> None:
    values = [
        {"enrollment_id": enrollment["id"], "email": row["email"].strip().lower()}
        for enrollment, row in zip(enrollments, rows, strict=True)
        if row.get("email")
    ]
    if values:
        db.session.execute(sa.insert(Contact.__table__), values)


def _fresh_rows(
    pilot: Pilot, enrollments: list[dict], rows: list[dict], tokens_of: dict[int, list[str]]
) -> list[EnrolledRow]:
    """The answer's view of new enrollments: they share one creation time, so each wave's status
    too."""
    fresh = [
        EnrolledRow(
            id=e["id"],
            pilot_id=pilot.id,
            code=e["code"],
            arm=e["arm"],
            age_band=e["age_band"],
            career_phase=e["career_phase"],
            tenure_band=e["tenure_band"],
            consented_at=e["consented_at"],
            created_at=e["created_at"],
            has_contact=bool(row.get("email")),
            pilot=pilot,
        )
        for e, row in zip(enrollments, rows, strict=True)
    ]
    if not fresh:
        return fresh
    today, created_on = local_today(), fresh[0].created_at.date()
    shared = [
        (w, w.opens_on or created_on, invitation_status(w, fresh[0], False, today))
        for w in pilot.waves
    ]
    for person in fresh:
        person.links = [
            link(token, window, opens_on, status, {})
            for (window, opens_on, status), token in zip(shared, tokens_of[person.id], strict=True)
        ]
    return fresh


def _record_upload(
    pilot: Pilot, digest: str, rows: list[dict], actor: User, now: datetime
) -> EnrollmentUpload:
    arms = Counter(row["arm"] for row in rows)
    upload = EnrollmentUpload(
        pilot_id=pilot.id,
        sha256=digest,
        uploaded_by_id=actor.id,
        uploaded_at=now,
        enrolled=len(rows),
        summary={
            "with_email": sum(1 for row in rows if row.get("email")),
            "arms": dict(sorted(arms.items())),
        },
    )
    db.session.add(upload)
    # Written first: a simultaneous upload of the same file waits here on the unique key.
    db.session.flush()
    return upload


def _store_csv(pilot: Pilot, digest: str, rows: list[dict], actor: User) -> CsvUploadResult:
    now = utcnow()
    if pilot.randomised:  # in file order, as if each row were enrolled alone
        allocation.assign(pilot, rows)
    upload = _record_upload(pilot, digest, rows, actor, now)
    enrollments = _insert_enrollments(pilot, rows, now)
    if pilot.randomised:
        audit.record_many(
            actor,
            "enrollment.allocate",
            "enrollment",
            [
                (e["id"], _allocation_details(pilot, row))
                for e, row in zip(enrollments, rows, strict=True)
            ],
        )
    tokens_of = _insert_invitations(pilot, enrollments, now)
    _insert_contacts(enrollments, rows)
    audit.record(
        actor,
        "enrollment.csv_upload",
        "pilot",
        pilot.id,
        rows=len(rows),
        upload=upload.id,
        sha256=digest,
    )
    return CsvUploadResult(upload, _fresh_rows(pilot, enrollments, rows, tokens_of))


def enroll_csv(pilot: Pilot, content: bytes, *, actor: User) -> CsvUploadResult:
    """Enrol every row of a CSV, or nobody, in one commit; the same file twice enrols nobody again.

    Each bad row is reported by its line number. An accepted file is recorded by its SHA-256, so a
    retry (say after a proxy timed out) answers DuplicateUpload (409) with the earlier result.
    """
    digest = hashlib.sha256(content).hexdigest()
    if (earlier := earlier_upload(pilot, digest)) is not None:
        raise DuplicateUpload(
            earlier
        )  # first: a retry learns the earlier result whatever happened since
    _check_enrollable(pilot)
    known = _known_options()
    checked = [(line, *_csv_row_errors(pilot, raw, known)) for line, raw in _csv_rows(content)]
    errors = {f"line {line}": problems for line, _, problems in checked if problems}
    if errors:
        raise Invalid(f"{len(errors)} row(s) have errors; nobody was enrolled.", errors)
    rows = [row for _, row, _ in checked]
    for attempt in range(1, CODE_ATTEMPTS + 1):
        try:
            result = _store_csv(pilot, digest, rows, actor)
            db.session.commit()
            return result
        except sa.exc.IntegrityError:
            db.session.rollback()
            # The same file committed by a simultaneous request after our check?
            if (earlier := earlier_upload(pilot, digest)) is not None:
                raise DuplicateUpload(earlier) from None
            # Else a drawn code was taken (about 5,000 × stored codes / 30⁸): draw them again.
            if attempt == CODE_ATTEMPTS:
                raise


def erase_contact(enrollment: Enrollment, *, actor: User) -> Enrollment:
    """Remove contact data; the answers stay, known only by the pseudonymous code."""
    db.session.execute(sa.delete(Contact).where(Contact.enrollment_id == enrollment.id))
    if enrollment.erased_at is None:
        enrollment.erased_at = utcnow()
    audit.record(actor, "enrollment.erase", "enrollment", enrollment.id)
    db.session.commit()
    return enrollment


PICKER_SIZE = 200


def count_participants(pilot: Pilot) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            Enrollment.pilot_id == pilot.id, Enrollment.arm == Arm.PARTICIPANT
        )
    )


@dataclasses.dataclass(frozen=True, slots=True)
class PickerSearch:
    """What the owner typed to find a participant for the match picker (any part may be blank)."""

    code: str = ""  # part of the enrolment code, any case
    age_band: str = ""
    career_phase: str = ""

    @property
    def active(self) -> bool:
        return bool(self.code or self.age_band or self.career_phase)


def _unmatched_query(pilot: Pilot, matched: set[int], search: PickerSearch | None):
    search = search or PickerSearch()
    query = sa.select(Enrollment).where(
        Enrollment.pilot_id == pilot.id, Enrollment.arm == Arm.PARTICIPANT
    )
    if matched:
        query = query.where(Enrollment.id.not_in(matched))
    if search.code:
        # autoescape: a typed % or _ is a character to find, not a wildcard.
        query = query.where(
            sa.func.upper(Enrollment.code).contains(search.code.upper(), autoescape=True)
        )
    if search.age_band:
        query = query.where(Enrollment.age_band == search.age_band)
    if search.career_phase:
        query = query.where(Enrollment.career_phase == search.career_phase)
    return query


def unmatched_participants(
    pilot: Pilot,
    matched: set[int],
    limit: int = PICKER_SIZE,
    search: PickerSearch | None = None,
) -> list[Enrollment]:
    """Participants without a match fitting the search, oldest first, at most `limit`."""
    query = _unmatched_query(pilot, matched, search)
    return list(db.session.scalars(query.order_by(Enrollment.id).limit(limit)))


def count_unmatched(pilot: Pilot, matched: set[int], search: PickerSearch | None = None) -> int:
    """How many fit the search: the picker says so when its cap hides some."""
    query = _unmatched_query(pilot, matched, search)
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
