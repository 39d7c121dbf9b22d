"""A pilot invitation as the participant survey reads and stores it: the pilots' kind of survey
link (crossover.surveys.kinds), registered by crossover.modules before the company's.

Reading is one query for every wave of the person's pilot; storing writes the surveys' Response
with its analysis copies (crossover.surveys.store) and drops the invitation's draft, in the
caller's transaction. Drafts are the surveys' SurveyDraft rows, one per invitation.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from crossover import waves
from crossover.extensions import db
from crossover.instruments.models import Instrument
from crossover.pilots.models import Enrollment, Pilot, PilotStatus, WaveWindow
from crossover.surveys import store
from crossover.surveys.kinds import Checked, Link, Window
from crossover.surveys.models import Invitation, Response, SurveyDraft


def _link_query() -> sa.Select:
    """One query, one row per wave of the pilot with the person's invitation to it: everything a
    submission, its checks and the next open wave need. Built once: building costs more than
    running."""
    mine, theirs = aliased(Invitation), aliased(Invitation)
    return (
        sa.select(
            mine.id,
            mine.enrollment_id,
            mine.wave,
            Enrollment.created_at,
            Pilot.id,
            Pilot.title,
            Pilot.status,
            Pilot.instrument_id,
            Instrument.created_at,
            WaveWindow.wave,
            WaveWindow.opens_on,
            WaveWindow.closes_on,
            theirs.nonce,
            sa.exists().where(Response.invitation_id == theirs.id),
            sa.exists().where(SurveyDraft.invitation_id == mine.id),
        )
        .join(Enrollment, Enrollment.id == mine.enrollment_id)
        .join(Pilot, Pilot.id == Enrollment.pilot_id)
        .join(Instrument, Instrument.id == Pilot.instrument_id)
        .join(WaveWindow, WaveWindow.pilot_id == Pilot.id)
        .join(
            theirs,
            sa.and_(theirs.enrollment_id == mine.enrollment_id, theirs.wave == WaveWindow.wave),
        )
        .where(mine.token_hash == sa.bindparam("token_hash"))
        .order_by(WaveWindow.position)
    )


LINK_QUERY = _link_query()


class PilotLinks:
    """One wave of one enrolled person: row_id is the invitation, person_id the enrollment,
    study_id and title the pilot's."""

    name = "pilot"
    closed_noun = "pilot"

    def find(self, token_hash: str) -> Link | None:
        rows = db.session.execute(LINK_QUERY, {"token_hash": token_hash}).all()
        if not rows:
            return None
        first = rows[0]
        enrolled_on = first[3].date()
        windows = tuple(Window(r[9], r[10] or enrolled_on, r[11], r[12], r[13]) for r in rows)
        return Link(
            row_id=first[0],
            person_id=first[1],
            wave=first[2],
            study_id=first[4],
            title=first[5],
            closed=first[6] is PilotStatus.CLOSED,
            instrument_id=first[7],
            instrument_created_at=first[8],
            windows=windows,
            has_draft=first[14],
            kind=self,
            pilot_title=first[5],
        )

    def new_response(
        self, link: Link, checked: Checked, submitted_at: datetime
    ) -> store.NewResponse:
        fields = dict(
            invitation_id=link.row_id,
            enrollment_id=link.person_id,
            pilot_id=link.study_id,
            wave=link.wave,
            submitted_at=submitted_at,
        )
        if not waves.asks_scale(link.wave):
            return store.intake_values(checked.concerns, checked.note, **fields)
        instrument = checked.instrument
        return store.scored_values(instrument, checked.answers, layout=instrument.layout, **fields)

    def store(self, link: Link, response: store.NewResponse) -> None:
        store.insert_with_copies(db.session, response)
        if link.has_draft:  # read with the link, in this transaction: most submissions have none
            db.session.execute(
                sa.delete(SurveyDraft).where(SurveyDraft.invitation_id == link.row_id)
            )

    def draft_of(self, link: Link) -> SurveyDraft | None:
        return db.session.get(SurveyDraft, link.row_id)

    def save_draft(self, link: Link, checked: Checked, saved_at: datetime) -> None:
        fields = checked.draft_fields()
        if not link.has_draft:
            db.session.add(SurveyDraft(invitation_id=link.row_id, saved_at=saved_at, **fields))
            try:
                db.session.commit()
                return
            except sa.exc.IntegrityError:
                db.session.rollback()  # another tab saved this link's first draft a moment before
        db.session.execute(
            sa.update(SurveyDraft)
            .where(SurveyDraft.invitation_id == link.row_id)
            .values(**fields, saved_at=saved_at)
        )
        db.session.commit()


PILOT_LINKS = PilotLinks()
