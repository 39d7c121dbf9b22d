"""Who may reach a company survey or round: only its own organisation's owners.

Reviewers and admins see the consortium view only, so they get 403 on a company's survey or
round; an owner asking for another organisation's id gets 404, as if it did not exist.
"""

import sqlalchemy as sa

from crossover.auth.models import Role, User
from crossover.company.models import CompanySurvey, SurveyRound
from crossover.extensions import db
from crossover.web.errors import Forbidden, NotFound


def _require_owner(actor: User) -> None:
    if actor.role is not Role.OWNER:
        raise Forbidden(
            "Only the company's own owners see its survey; reviewers see the consortium view."
        )


def owned_survey(survey_id: int, actor: User) -> CompanySurvey:
    """A company survey of the actor's organisation; others answer 404, non-owners 403."""
    _require_owner(actor)
    survey = db.session.scalar(
        sa.select(CompanySurvey).where(
            CompanySurvey.id == survey_id, CompanySurvey.organization_id == actor.organization_id
        )
    )
    if survey is None:
        raise NotFound(f"No company survey {survey_id}.")
    return survey


def owned_round(round_id: int, actor: User) -> SurveyRound:
    """A round of the actor's organisation; others answer 404, non-owners 403."""
    _require_owner(actor)
    found = db.session.scalar(
        sa.select(SurveyRound).where(
            SurveyRound.id == round_id, SurveyRound.organization_id == actor.organization_id
        )
    )
    if found is None:
        raise NotFound(f"No survey round {round_id}.")
    return found
