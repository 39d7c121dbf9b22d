"""Enrolling a CSV file: every row or nobody, in bulk inserts, and each file only once
(recorded by its SHA-256)."""

from collections import Counter
import dataclasses
from datetime import datetime
import hashlib

import marshmallow as ma
import sqlalchemy as sa

from crossover import audit
from crossover.auth.models import User
from crossover.config import local_today
from crossover.db import utcnow
from crossover.extensions import db
from crossover.pilots import allocation
from crossover.pilots.enrollment_views import EnrollmentView, invitation_status, link
from crossover.pilots.enrolment import (
    allocation_details,
    check_enrollable,
    eligibility_errors,
    known_options,
    new_code,
)
from crossover.pilots.models import Arm, Contact, Enrollment, EnrollmentUpload, Pilot
from crossover.surveys import tokens
from crossover.surveys.models import Invitation
from crossover.web.csv_upload import read_rows
from crossover.web.errors import Conflict, Invalid

MAX_CSV_ROWS = 5000
CODE_ATTEMPTS = 3  # a CSV upload redraws its codes this often when one was already taken

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
        f"{field}: {m}" for field, ms in eligibility_errors(pilot, row, known).items() for m in ms
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
                (e["id"], allocation_details(pilot, row))
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
    check_enrollable(pilot)
    known = known_options()
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
