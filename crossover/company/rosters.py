"""A round's roster: one CSV of employees, every row checked first, then added in one commit.

The company's own employee id (`employee_ref`) is never stored: each row keeps a keyed hash of
it (`person_key`), equal for the same person in every round of the organisation, so a panel can
be linked across rounds. Nobody but the employee ever holds a row's survey link: the answer to
an upload counts the rows and those without an e-mail address, and the links leave the service
only by mail (crossover.outbox) or, for workplaces without e-mail, in an operator's audited
file for sealed paper delivery (crossover.company.paper). The roster is fixed once the first
invitation has gone out; engagement scores are given once (crossover.company.round_state).
"""

from collections.abc import Callable
import dataclasses
from datetime import datetime
import hashlib
import hmac
import math

from flask import current_app
import marshmallow as ma
import sqlalchemy as sa

from crossover import audit
from crossover.auth.models import User
from crossover.catalogue.bands import AGE_BANDS, TENURE_BANDS
from crossover.catalogue.services import option_keys
from crossover.company import round_state
from crossover.company.models import RosterContact, RosterMember, RosterUpload, SurveyRound
from crossover.db import utcnow
from crossover.extensions import db
from crossover.surveys import tokens
from crossover.web.csv_upload import read_rows
from crossover.web.errors import Conflict, Invalid

# A 100,000-employee company is a normal case; twice that fits the request body limit
# (ROSTER_MAX_CONTENT_LENGTH, 32 MiB: about 160 bytes a row).
MAX_ROSTER_ROWS = 200_000
BATCH = 5_000  # rows per INSERT executemany
PROGRESS_EVERY = 10_000
REQUIRED = {"employee_ref", "age_band", "tenure_band", "unit"}
MAX_REF, MAX_UNIT, MAX_PHASE = 100, 100, 32

Progress = Callable[[str, int, int], None]  # (stage "checked" | "inserted", done, total)


def person_key(organization_id: int, employee_ref: str) -> str:
    """The stored stand-in for an employee id: HMAC-SHA256 under the secret key, per org."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"employee:{organization_id}:{employee_ref}".encode()
    return hmac.digest(key, message, "sha256").hex()  # one-shot C HMAC: 100,000 rows per file


def _number(text: str) -> float | None:
    """A finite number, or None (blank, words, NaN and infinities are not scores)."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _ref_problems(ref: str) -> list[str]:
    if not ref:
        return ["employee_ref: Required."]
    if len(ref) > MAX_REF:
        return [f"employee_ref: Longer than maximum length {MAX_REF}."]
    return []


def _engagement_problems(text: str) -> list[str]:
    if text and _number(text) is None:
        return ["engagement: Must be a finite number."]
    return []


def _row_problems(raw: dict, phases: set[str]) -> list[str]:
    """Every problem of one roster row, each as 'column: message'."""
    problems = _ref_problems(raw.get("employee_ref", ""))
    age, tenure = raw.get("age_band", ""), raw.get("tenure_band", "")
    if age not in AGE_BANDS:
        problems.append(f"age_band: Unknown age band {age!r}.")
    if tenure not in TENURE_BANDS:
        problems.append(f"tenure_band: Unknown tenure band {tenure!r}.")
    unit = raw.get("unit", "")
    if not unit:
        problems.append("unit: Required.")
    elif len(unit) > MAX_UNIT:
        problems.append(f"unit: Longer than maximum length {MAX_UNIT}.")
    if (phase := raw.get("career_phase", "")) and phase not in phases:
        problems.append(f"career_phase: Unknown career phase {phase!r}.")
    if email := raw.get("email", ""):
        try:
            ma.validate.Email()(email)
        except ma.ValidationError:
            problems.append(f"email: {email!r} is not a valid e-mail address.")
    return problems + _engagement_problems(raw.get("engagement", ""))


def _duplicate_problem(key: str, line: int, seen: dict[str, int], on_roster: set[str]) -> list:
    if key in on_roster:
        return ["employee_ref: Already on this round's roster."]
    if (first := seen.setdefault(key, line)) != line:
        return [f"employee_ref: Duplicate of line {first}."]
    return []


def _email_problem(email: str, line: int, seen: dict[str, int], taken: set[str]) -> list:
    """One link per mailbox: several rows sent to one address would give whoever reads it
    several answers (the owner inventing employees that share its own mailbox)."""
    if not email:
        return []
    address = email.lower()
    if address in taken:
        return ["email: Already the address of another employee of this round."]
    if (first := seen.setdefault(address, line)) != line:
        return [f"email: Same address as line {first}."]
    return []


def _round_emails(round_id: int) -> set[str]:
    return set(
        db.session.scalars(
            sa.select(RosterContact.email)
            .join(RosterMember, RosterMember.id == RosterContact.member_id)
            .where(RosterMember.round_id == round_id)
        )
    )


def _round_keys(round_id: int) -> set[str]:
    return set(
        db.session.scalars(
            sa.select(RosterMember.person_key).where(RosterMember.round_id == round_id)
        )
    )


@dataclasses.dataclass
class CheckedRow:
    ref: str
    key: str
    raw: dict


def _checked_rows(round_: SurveyRound, content: bytes, progress: Progress | None) -> list:
    """Every row of the file checked, or Invalid naming every bad line and column."""
    rows = read_rows(content, REQUIRED, MAX_ROSTER_ROWS, "No employees in the file.")
    phases = option_keys("career_phase")
    on_roster, seen = _round_keys(round_.id), {}
    taken, seen_emails = _round_emails(round_.id), {}
    checked, errors = [], {}
    for done, (line, raw) in enumerate(rows, start=1):
        ref = raw.get("employee_ref", "")
        key = person_key(round_.organization_id, ref)
        problems = _row_problems(raw, phases)
        if ref:
            problems += _duplicate_problem(key, line, seen, on_roster)
        problems += _email_problem(raw.get("email", ""), line, seen_emails, taken)
        if problems:
            errors[f"line {line}"] = problems
        else:
            checked.append(CheckedRow(ref, key, raw))
        if progress and (done % PROGRESS_EVERY == 0 or done == len(rows)):
            progress("checked", done, len(rows))
    if errors:
        raise Invalid(f"{len(errors)} row(s) have errors; nobody was added.", errors)
    return checked


class DuplicateRosterUpload(Conflict):
    """The same file was already added to this round; carries that earlier upload."""

    def __init__(self, upload: RosterUpload):
        super().__init__(
            f"This file was already uploaded for this round at {upload.uploaded_at.isoformat()} "
            f"({upload.added} employees added); nobody was added again.",
            {"file": ["The same file was already uploaded for this round."]},
        )
        self.upload = upload


@dataclasses.dataclass
class RosterResult:
    """An accepted upload, and how many of its rows have no e-mail address (no link yet)."""

    upload: RosterUpload
    without_email: int

    @property
    def added(self) -> int:
        return self.upload.added


def bump_data_version(round_: SurveyRound) -> None:
    """Mark the round's results as changed (in the upload's transaction): cached results of a
    closed round are recomputed."""
    db.session.execute(
        sa.update(SurveyRound)
        .where(SurveyRound.id == round_.id)
        .values(data_version=SurveyRound.data_version + 1)
    )


def earlier_upload(round_id: int, digest: str) -> RosterUpload | None:
    return db.session.scalar(
        sa.select(RosterUpload).where(
            RosterUpload.round_id == round_id, RosterUpload.sha256 == digest
        )
    )


def _member_values(round_id: int, row: CheckedRow, now: datetime) -> dict:
    nonce = tokens.new_nonce()
    engagement = row.raw.get("engagement", "")
    values = {
        "round_id": round_id,
        "person_key": row.key,
        "age_band": row.raw["age_band"],
        "tenure_band": row.raw["tenure_band"],
        "unit": row.raw["unit"],
        "career_phase": row.raw.get("career_phase") or None,
        "engagement": _number(engagement) if engagement else None,
        "nonce": nonce,
        "token_hash": tokens.hash_token(tokens.token_for(nonce)),
        "created_at": now,
    }
    return values


# SQLite: one executemany per batch (in-process, fast), ids read back by the hashed ref (SQLite
# runs an INSERT … RETURNING row by row). PostgreSQL: COPY, with ids drawn from the table's
# sequence first (an executemany is a round trip per row there, and psycopg re-parses a long
# multi-row INSERT for every batch).
MEMBER_COLUMNS = (
    "round_id",
    "person_key",
    "age_band",
    "tenure_band",
    "unit",
    "career_phase",
    "engagement",
    "nonce",
    "token_hash",
    "created_at",
)


def _on_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _copy(table: str, columns: tuple[str, ...], rows) -> None:
    """COPY rows into a table inside the session's transaction (PostgreSQL only)."""
    driver = db.session.connection().connection.driver_connection
    with (
        driver.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _add_members(batch: list[dict]) -> list[int]:
    """Insert one batch; on PostgreSQL returns the new ids (SQLite's are read at the end)."""
    if not _on_postgres():
        db.session.execute(sa.insert(RosterMember.__table__), batch)
        return []
    ids = list(
        db.session.scalars(
            sa.text(
                "SELECT nextval(pg_get_serial_sequence('roster_members', 'id')) "
                "FROM generate_series(1, :n)"
            ),
            {"n": len(batch)},
        )
    )
    _copy(
        "roster_members",
        ("id", *MEMBER_COLUMNS),
        ((id_, *(v[c] for c in MEMBER_COLUMNS)) for id_, v in zip(ids, batch, strict=True)),
    )
    return ids


def _insert_members(round_: SurveyRound, rows: list[CheckedRow], now, progress) -> list[int]:
    """Insert the rows in batches (Core, no object per row); returns their ids."""
    ids, batch = [], []
    for done, row in enumerate(rows, start=1):
        batch.append(_member_values(round_.id, row, now))
        if len(batch) == BATCH or done == len(rows):
            ids += _add_members(batch)
            batch = []
            if progress and (done % PROGRESS_EVERY == 0 or done == len(rows)):
                progress("inserted", done, len(rows))
    if not _on_postgres():  # this upload's rows share the round and the creation time
        found = dict(
            db.session.execute(
                sa.select(RosterMember.person_key, RosterMember.id).where(
                    RosterMember.round_id == round_.id, RosterMember.created_at == now
                )
            ).all()
        )
        ids = [found[row.key] for row in rows]
    return ids


def _insert_contacts(ids: list[int], rows: list[CheckedRow]) -> int:
    values = [
        {"member_id": id_, "email": row.raw["email"].lower()}
        for id_, row in zip(ids, rows, strict=True)
        if row.raw.get("email")
    ]
    if _on_postgres():
        _copy("roster_contacts", ("member_id", "email"), (tuple(v.values()) for v in values))
        return len(values)
    for start in range(0, len(values), BATCH):
        db.session.execute(sa.insert(RosterContact.__table__), values[start : start + BATCH])
    return len(values)


def _store(round_, digest, rows, actor, progress) -> RosterResult:
    now = utcnow()
    upload = RosterUpload(
        round_id=round_.id,
        sha256=digest,
        uploaded_by_id=getattr(actor, "id", None),
        uploaded_at=now,
        added=len(rows),
    )
    db.session.add(upload)
    db.session.flush()  # first: a simultaneous upload of the same file waits on the unique key
    ids = _insert_members(round_, rows, now, progress)
    with_email = _insert_contacts(ids, rows)
    if any(row.raw.get("engagement") for row in rows):
        _mark_engagement_given(round_, now)
    bump_data_version(round_)
    audit.record(
        actor,
        "company.roster_upload",
        "survey_round",
        round_.id,
        rows=len(rows),
        with_email=with_email,
        upload=upload.id,
        sha256=digest,
    )
    return RosterResult(upload, len(rows) - with_email)


def _mark_engagement_given(round_: SurveyRound, now) -> bool:
    """Record that the round has engagement scores; False when it already had them (one
    statement, so two uploads at once cannot both be the first)."""
    changed = db.session.execute(
        sa.update(SurveyRound)
        .where(SurveyRound.id == round_.id, SurveyRound.engagement_given_at.is_(None))
        .values(engagement_given_at=now)
    ).rowcount
    return bool(changed)


def import_roster(
    round_: SurveyRound, content: bytes, *, actor: User | None, progress: Progress | None = None
) -> RosterResult:
    """Add every row of a roster CSV to the round, or nobody, in one commit.

    The same file again answers DuplicateRosterUpload (409) with the earlier result, whether it
    comes later or at the same moment (the upload's unique SHA-256 decides).
    """
    digest = hashlib.sha256(content).hexdigest()
    if (earlier := earlier_upload(round_.id, digest)) is not None:
        raise DuplicateRosterUpload(earlier)
    round_state.check_roster_open(round_)
    rows = _checked_rows(round_, content, progress)
    try:
        result = _store(round_, digest, rows, actor, progress)
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        if (earlier := earlier_upload(round_.id, digest)) is not None:
            raise DuplicateRosterUpload(earlier) from None
        raise Conflict(
            "Some of these employees were added to the round meanwhile; nobody was added. "
            "Upload the file again to see which.",
            {"file": ["Employees were added meanwhile."]},
        ) from None
    return result


# --- engagement scores uploaded later -----------------------------------------------------------


def _engagement_rows(round_: SurveyRound, content: bytes) -> dict[str, float]:
    rows = read_rows(
        content, {"employee_ref", "engagement"}, MAX_ROSTER_ROWS, "No employees in the file."
    )
    scores, seen, errors = {}, {}, {}
    for line, raw in rows:
        ref, text = raw.get("employee_ref", ""), raw.get("engagement", "")
        problems = _ref_problems(ref)
        if not text:
            problems.append("engagement: Required.")
        problems += _engagement_problems(text)
        key = person_key(round_.organization_id, ref)
        if ref:
            problems += _duplicate_problem(key, line, seen, set())
        if problems:
            errors[f"line {line}"] = problems
        else:
            scores[key] = _number(text)
    if errors:
        raise Invalid(f"{len(errors)} row(s) have errors; no engagement score was changed.", errors)
    return scores


def _set_engagement(updates: list[dict]) -> None:
    """One UPDATE per row on SQLite (fast in-process); on PostgreSQL one UPDATE … FROM a
    temporary table filled by COPY, instead of a round trip per row."""
    if not _on_postgres():
        statement = (
            sa.update(RosterMember.__table__)
            .where(RosterMember.__table__.c.id == sa.bindparam("member"))
            .values(engagement=sa.bindparam("score"))
        )
        for start in range(0, len(updates), BATCH):
            db.session.execute(statement, updates[start : start + BATCH])
        return
    db.session.execute(
        sa.text(
            "CREATE TEMPORARY TABLE engagement_scores (member_id integer, score double precision)"
            " ON COMMIT DROP"
        )
    )
    _copy("engagement_scores", ("member_id", "score"), ((u["member"], u["score"]) for u in updates))
    db.session.execute(
        sa.text(
            "UPDATE roster_members SET engagement = s.score FROM engagement_scores s"
            " WHERE roster_members.id = s.member_id"
        )
    )


def upload_engagement(round_: SurveyRound, content: bytes, *, actor: User) -> dict[str, int]:
    """Set the engagement score of every listed roster row; refs not on the roster are counted.
    Once per round, before it closes (409 otherwise)."""
    round_state.check_engagement_open(round_)
    scores = _engagement_rows(round_, content)
    members = dict(
        db.session.execute(
            sa.select(RosterMember.person_key, RosterMember.id).where(
                RosterMember.round_id == round_.id
            )
        ).all()
    )
    updates = [
        {"member": members[key], "score": score} for key, score in scores.items() if key in members
    ]
    if not _mark_engagement_given(round_, utcnow()):
        db.session.rollback()
        round_state.check_engagement_open(db.session.get(SurveyRound, round_.id))
    _set_engagement(updates)
    bump_data_version(round_)
    result = {"matched": len(updates), "unmatched": len(scores) - len(updates)}
    audit.record(actor, "company.engagement_upload", "survey_round", round_.id, **result)
    db.session.commit()
    return result
