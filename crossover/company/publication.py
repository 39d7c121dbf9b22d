"""A closed round's one publication: computed once, kept in the round's row, never recomputed.

Everything an owner can read about a round's scores comes from here: its results, its entry and
its change on the trend, its row of the disclosure CSV (and the consortium counts the same
total). They are judged together, by one attacker (DESIGN.md "Privacy and access"):

- the results withhold small groups and those that would give a small one away, the engagement
  relation over ordered engagement groups of at least K (crossover.company.engagement);
- the trend shows a round's n, mean and CI exactly when its results show the total, and the
  Welch comparison of two rounds only from their two published totals;
- the panel of a change (people who answered both rounds, linked by hashed ref) publishes a sum
  over its members in each round: in the later round its group joins that round's suppression
  search, and in the earlier round it is checked against everything that round published (which
  is frozen, so the panel gives way when it would expose anyone there);
- the disclosure's favourable share, and each item's favourable / neutral / unfavourable shares,
  are more variables of the total group (published with the total, withheld with it); an
  item's change is the difference of two rounds' published shares.

Nothing about a round's scores is computed while it is open (409): two reads a minute apart
would differ by the newest answer. Once it closes, neither answers nor uploads can change its
data, and the publication made at the first read is what every later read returns.
"""

import numpy as np
import sqlalchemy as sa

from crossover.company import engagement, results, round_state
from crossover.company import suppression as groups
from crossover.company.models import RoundResponse, SurveyRound
from crossover.company.rounds import roster_pairs, rounds_of
from crossover.config import privacy_k
from crossover.db import utcnow
from crossover.extensions import db
from crossover.privacy.suppression import withhold


def published(survey_round: SurveyRound) -> dict:
    """The round's publication (409 while it is open), made at the first read after it closed."""
    round_state.check_closed(survey_round)
    if survey_round.publication is not None:
        return survey_round.publication
    publication = _plain(_compute(survey_round))
    stored = db.session.execute(
        sa.update(SurveyRound)
        .where(SurveyRound.id == survey_round.id, SurveyRound.publication.is_(None))
        .values(publication=publication, published_at=utcnow())
    ).rowcount
    db.session.commit()
    db.session.refresh(survey_round)
    if not stored:  # another request published it a moment before: that one is the publication
        return survey_round.publication
    return survey_round.publication


def _plain(value):
    """JSON-ready: NaN (which PostgreSQL's JSON refuses) as null, numpy scalars as Python's."""
    if isinstance(value, dict):
        return {key: _plain(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def _previous_closed(survey_round: SurveyRound) -> SurveyRound | None:
    """The round just before this one in its survey, when that one is closed."""
    rounds = rounds_of(survey_round.survey)
    index = rounds.index(survey_round)
    if index == 0 or not round_state.is_closed(rounds[index - 1]):
        return None
    return rounds[index - 1]


def _respondent_ids(survey_round: SurveyRound) -> np.ndarray:
    return np.fromiter(
        db.session.scalars(
            sa.select(RoundResponse.member_id).where(RoundResponse.round_id == survey_round.id)
        ),
        dtype=np.int64,
    )


def _compute(survey_round: SurveyRound) -> dict:
    previous = _previous_closed(survey_round)
    panel, panel_previous, earlier_members = None, None, None
    if previous is not None:
        earlier = published(previous)
        first_ids, second_ids = roster_pairs(previous, survey_round)
        both = np.isin(first_ids, _respondent_ids(previous)) & np.isin(
            second_ids, _respondent_ids(survey_round)
        )
        if both.any():
            data_ids = results.gather(survey_round).member_ids
            panel = np.where(np.isin(data_ids, second_ids[both]), 1, -1)
            earlier_members = first_ids[both]
    computed = results.compute(survey_round, panel)
    if previous is not None:
        shown = bool(computed.panel_shown) and _earlier_side_safe(
            previous, earlier, earlier_members
        )
        panel_previous = {"round_id": previous.id, "shown": shown}
        _changes_since(computed.results, earlier["results"])
    return {
        "results": computed.results,
        "favourable": computed.favourable,
        "score_keys": [list(key) for key in computed.shown_score_keys],
        "engagement_tops": computed.engagement_tops,
        "panel_previous": panel_previous,
    }


def _changes_since(current: dict, earlier: dict) -> None:
    """Each item's change of favourable share since the previous closed round: the difference
    of two published shares (nothing new), for items both rounds published on the same scale."""
    if (current["round"]["scale_min"], current["round"]["scale_max"]) != (
        earlier["round"]["scale_min"],
        earlier["round"]["scale_max"],
    ):
        return
    before = {item["key"]: item["favourable"] for item in earlier.get("item_distribution", [])}
    for item in current["item_distribution"]:
        if item["key"] in before:
            item["change_favourable"] = item["favourable"] - before[item["key"]]


def _earlier_side_safe(previous: SurveyRound, earlier: dict, members: np.ndarray | None) -> bool:
    """Whether a sum over the panel's members in the earlier round singles out nobody beside
    everything that round published (its score groups, as frozen)."""
    if members is None:
        return False
    k = privacy_k()
    data = results.gather(previous)
    respondent = data.respondent_rows
    bins = engagement.regroup(data.engagement, earlier["engagement_tops"])
    panel = np.where(np.isin(data.member_ids, members), 1, -1)
    atoms = groups.Atoms.of_people(
        data.age[respondent],
        data.tenure[respondent],
        np.full(respondent.size, -1),
        bins[respondent],
        panel=panel[respondent],
    )
    keys = [tuple(key) for key in earlier["score_keys"]] + [groups.PANEL]
    if atoms.group_sizes([groups.PANEL])[groups.PANEL] < k:
        return False
    return not withhold(groups.family(atoms, keys), k)


def panel_shown(earlier: SurveyRound, later: SurveyRound) -> bool:
    """Whether the trend may show the panel of these consecutive rounds (both published)."""
    judged = (later.publication or {}).get("panel_previous")
    return bool(judged and judged["round_id"] == earlier.id and judged["shown"])


def round_results(survey_round: SurveyRound) -> dict:
    """Everything GET /rounds/<id>/results answers: 409 while the round is open; once closed,
    its publication, computed once and kept (crossover.company.publication)."""
    return published(survey_round)["results"]
