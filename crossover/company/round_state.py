"""Where a round stands: open or closed, roster fixed or not, engagement given or not.

These are the rules that keep the company's own HR owner from learning one employee's answers
(DESIGN.md "Privacy and access"): nothing about scores while a round is open, the roster fixed
once the first invitation has gone out (fake rows added to a running round would let the owner
answer beside one person), engagement scores given once.
"""

from datetime import date

from flask_babel import gettext as _
import sqlalchemy as sa

from crossover.company.models import RosterMember, SurveyRound
from crossover.config import local_today
from crossover.extensions import db
from crossover.outbox.models import OutboxMessage
from crossover.web.errors import Conflict


def is_closed(survey_round: SurveyRound, today: date | None = None) -> bool:
    """Closed by the owner, or its window has ended."""
    today = today or local_today()
    return survey_round.closed_at is not None or today > survey_round.closes_on


def closed_filter(today: date):
    """The SQL condition of is_closed."""
    return sa.or_(SurveyRound.closed_at.is_not(None), SurveyRound.closes_on < today)


def invitations_started(survey_round: SurveyRound) -> bool:
    """Some invitation of the round has gone out: an e-mail was sent (or is being sent), or an
    operator wrote the paper links."""
    if survey_round.paper_links_at is not None:
        return True
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists()
                .where(OutboxMessage.roster_member_id == RosterMember.id)
                .where(RosterMember.round_id == survey_round.id)
            )
        )
    )


def check_roster_open(survey_round: SurveyRound) -> None:
    """409 once the roster is fixed: after the first invitation, or once the round closed."""
    if is_closed(survey_round):
        raise Conflict(
            _("This round is closed; its roster can no longer change."),
            {"file": [_("The roster of a closed round is fixed.")]},
        )
    if invitations_started(survey_round):
        raise Conflict(
            _(
                "The roster is fixed once the round's first invitation has gone out; "
                "nobody can be added to it now."
            ),
            {"file": [_("The roster is fixed once the first invitation has gone out.")]},
        )


def check_engagement_open(survey_round: SurveyRound) -> None:
    """409 when engagement scores were already given (with the roster or one later upload) or
    the round closed."""
    if is_closed(survey_round):
        raise Conflict(
            _("This round is closed; engagement scores can no longer be given."),
            {"file": [_("Engagement scores are given before the round closes.")]},
        )
    if survey_round.engagement_given_at is not None:
        raise Conflict(
            _(
                "Engagement scores are given once per round (with the roster or one later "
                "upload); this round already has them."
            ),
            {"file": [_("Engagement scores were already given for this round.")]},
        )


def check_closed(survey_round: SurveyRound) -> None:
    """409 while the round is open: nothing about scores is published before it closes."""
    if not is_closed(survey_round):
        raise Conflict(
            _(
                "Results are published once the round closes (on %(closes)s, or when an owner "
                "closes it); until then only participation counts are shown.",
                closes=survey_round.closes_on.isoformat(),
            )
        )
