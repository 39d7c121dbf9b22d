"""Survey links on paper, for workplaces without e-mail: written by an operator, audited.

Company-round links otherwise leave the service only by mail to each employee's own address
(crossover.outbox). Where employees have none, an operator with shell access writes the links of
the round's rows without an address to a file (`crossover export-links ROUND FILE`) to print and
deliver in sealed envelopes. It is recorded in the audit log and on the round (the owners'
pages say paper links were issued), and it fixes the roster like a first e-mail invitation.
The employee ids are not stored; given the roster CSV again (`--refs`), each line carries its
employee_ref, found by the same keyed hash, for addressing the envelopes.
"""

import csv
from typing import TextIO

import sqlalchemy as sa

from crossover import audit
from crossover.company import round_state
from crossover.company.models import RosterContact, RosterMember, SurveyRound
from crossover.company.rosters import MAX_ROSTER_ROWS, person_key
from crossover.db import utcnow
from crossover.extensions import db
from crossover.surveys import tokens
from crossover.web.csv_upload import read_rows
from crossover.web.errors import Conflict

COLUMNS = ("employee_ref", "age_band", "tenure_band", "unit", "url")


def _refs_by_key(round_: SurveyRound, refs_csv: bytes | None) -> dict[str, str]:
    if refs_csv is None:
        return {}
    rows = read_rows(refs_csv, {"employee_ref"}, MAX_ROSTER_ROWS, "No employees in the file.")
    return {
        person_key(round_.organization_id, raw["employee_ref"]): raw["employee_ref"]
        for _line, raw in rows
        if raw.get("employee_ref")
    }


def export_links(
    round_: SurveyRound, out: TextIO, refs_csv: bytes | None = None, operator: str | None = None
) -> int:
    """Write the links of the round's rows without an e-mail address as CSV; returns how many.
    Marks the round (paper links issued) and audits it, in one commit."""
    if round_state.is_closed(round_):
        raise Conflict("This round is closed; its links can no longer be answered.")
    refs = _refs_by_key(round_, refs_csv)
    rows = db.session.execute(
        sa.select(
            RosterMember.person_key,
            RosterMember.age_band,
            RosterMember.tenure_band,
            RosterMember.unit,
            RosterMember.nonce,
        )
        .where(
            RosterMember.round_id == round_.id,
            ~sa.exists().where(RosterContact.member_id == RosterMember.id),
        )
        .order_by(RosterMember.id)
    ).all()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for key, age, tenure, unit, nonce in rows:
        url = tokens.survey_url(tokens.token_for(nonce))
        writer.writerow((refs.get(key, ""), age, tenure, unit, url))
    if round_.paper_links_at is None:
        round_.paper_links_at = utcnow()
    audit.record(
        None,
        "company.paper_links_export",
        "survey_round",
        round_.id,
        operator=operator,
        rows=len(rows),
        with_refs=sum(1 for row in rows if row[0] in refs),
    )
    db.session.commit()
    return len(rows)
