"""Enrolling one person (eligibility, a pseudonymous code, one invitation per wave),
counting participants and erasing contact data."""

import secrets

import sqlalchemy as sa

from crossover import audit
from crossover.auth.models import User
from crossover.catalogue.bands import TENURE_BANDS
from crossover.catalogue.services import options
from crossover.db import utcnow
from crossover.extensions import db
from crossover.pilots import allocation
from crossover.pilots.models import Arm, Contact, Enrollment, Pilot, PilotStatus
from crossover.surveys import tokens
from crossover.surveys.models import Invitation
from crossover.web.errors import Conflict, Invalid

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: easy to read aloud


def new_code() -> str:
    """A fresh pseudonymous enrolment code (a clash with a stored one is left to the unique key)."""
    return "P-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))  # ~39 bits


def known_options() -> dict[str, list[str]]:
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


def eligibility_errors(
    pilot: Pilot, row: dict, known: dict[str, list[str]] | None = None
) -> dict[str, list[str]]:
    known = known or known_options()
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


def check_enrollable(pilot: Pilot) -> None:
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
    check_enrollable(pilot)
    errors = eligibility_errors(pilot, data)
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
            **allocation_details(pilot, row),
        )
    db.session.commit()
    return enrollment


def allocation_details(pilot: Pilot, row: dict) -> dict:
    return {
        "pilot": pilot.id,
        "arm": row["arm"],
        "stratum": row["stratum"],
        "slot": row["allocation_slot"],
    }


def erase_contact(enrollment: Enrollment, *, actor: User) -> Enrollment:
    """Remove contact data; the answers stay, known only by the pseudonymous code."""
    db.session.execute(sa.delete(Contact).where(Contact.enrollment_id == enrollment.id))
    if enrollment.erased_at is None:
        enrollment.erased_at = utcnow()
    audit.record(actor, "enrollment.erase", "enrollment", enrollment.id)
    db.session.commit()
    return enrollment


def count_participants(pilot: Pilot) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            Enrollment.pilot_id == pilot.id, Enrollment.arm == Arm.PARTICIPANT
        )
    )
