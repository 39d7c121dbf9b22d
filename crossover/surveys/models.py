"""What the survey side stores of its own: partial answers saved while a participant answers."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crossover.db import utcnow
from crossover.extensions import db


class SurveyDraft(db.Model):
    """Answers given so far to one invitation, so a reopened link resumes where it stopped.

    A draft is never counted anywhere (reports read responses only) and is deleted in the same
    transaction that stores the response.
    """

    __tablename__ = "survey_drafts"
    invitation_id: Mapped[int] = mapped_column(sa.ForeignKey("invitations.id"), primary_key=True)
    answers: Mapped[dict] = mapped_column(default=dict)
    concerns: Mapped[list] = mapped_column(default=list)
    note: Mapped[str | None] = mapped_column(sa.Text)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
