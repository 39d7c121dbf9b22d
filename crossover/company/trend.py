"""A company survey's trend: each round's mean with its CI, and each change between rounds.

Consecutive rounds are compared twice: a Welch test over everyone who answered either round
(R ``t.test(later, earlier)``, var.equal = FALSE; Hedges' g = the difference over the pooled SD
times the exact small-sample correction J, as metafor ``escalc("SMD")``), and a paired t over the
panel who answered both, linked by the hashed employee ref (R ``t.test(later, earlier, paired =
TRUE)``; dz = mean change / SD of the changes). A change of instrument version between two
rounds is a break: the comparison is still computed when both versions use the same response
scale (and marked ``break: true`` so that readers do not take an instrument change for a change
in people), and left out when the scales differ.
"""

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import sqlalchemy as sa

from crossover import analysis
from crossover.company import closed_cache
from crossover.company.models import CompanySurvey, RoundResponse, SurveyRound
from crossover.company.publication import panel_shown, published
from crossover.company.roster_cache import roster_derived
from crossover.company.round_state import is_closed
from crossover.company.rounds import roster_pairs, rounds_of
from crossover.config import privacy_k
from crossover.extensions import db
from crossover.instruments.models import Instrument
from crossover.privacy.suppression import COMPLEMENTARY, SMALL
from crossover.surveys.bulk import concat_bytes
from crossover.surveys.packed import RecordLayout, Records

WELCH = ["t", "df", "p", "ci_low", "ci_high", "g", "g_ci_low", "g_ci_high"]
# A round is comparable on the trend when at least half the invited answered and at least 30
# did: below either, who answered may differ from who was invited by more than the CI says, so
# a change involving it is shown but never called real.
MIN_RESPONSE_RATE = 0.5
MIN_RESPONDENTS = 30
PANEL = [
    "n",
    "mean_change",
    "sd_change",
    "t",
    "df",
    "p",
    "ci_low",
    "ci_high",
    "dz",
    "gz",
    "dz_ci_low",
    "dz_ci_high",
    "gz_ci_low",
    "gz_ci_high",
]


@dataclass
class RoundScores:
    survey_round: SurveyRound
    instrument: Instrument
    layout: RecordLayout
    records: Records

    @property
    def totals(self) -> np.ndarray:
        return self.records.scores[:, 0]


def round_scores(rounds: list[SurveyRound]) -> list[RoundScores]:
    """Every respondent's scores of each round, in one statement."""
    instruments = {
        i.id: i
        for i in db.session.scalars(
            sa.select(Instrument).where(Instrument.id.in_({r.instrument_id for r in rounds}))
        )
    }
    blobs = dict(
        db.session.execute(
            sa.select(RoundResponse.round_id, concat_bytes(RoundResponse.packed))
            .where(RoundResponse.round_id.in_([r.id for r in rounds]))
            .group_by(RoundResponse.round_id)
        ).all()
    )
    out = []
    for survey_round in rounds:
        instrument = instruments[survey_round.instrument_id]
        layout = RecordLayout.of(instrument)
        records = layout.unpack(bytes.fromhex(blobs.get(survey_round.id) or ""))
        out.append(RoundScores(survey_round, instrument, layout, records))
    return out


def panel_members(earlier: RoundScores, later: RoundScores) -> tuple[np.ndarray, np.ndarray]:
    """Member ids, in both rounds, of the people who answered both (same hashed ref): the
    rosters' pairs (kept between uploads, crossover.company.roster_cache) narrowed to those
    whose records both rounds hold."""
    first_ids, second_ids = roster_derived(
        "pairs",
        [earlier.survey_round, later.survey_round],
        lambda: roster_pairs(earlier.survey_round, later.survey_round),
    )
    both = np.isin(first_ids, earlier.records.ids) & np.isin(second_ids, later.records.ids)
    return first_ids[both], second_ids[both]


def _round_entry(scores: RoundScores) -> dict:
    """A round's point on the trend: exactly its published total (never what results withhold)."""
    r = scores.survey_round
    head = {
        "id": r.id,
        "label": r.label,
        "opens_on": r.opens_on.isoformat(),
        "closes_on": r.closes_on.isoformat(),
        "instrument_version": scores.instrument.version,
    }
    total = r.publication["results"]["total"]
    keep = ["n", "mean", "sd", "ci_low", "ci_high", "suppressed"]
    return {
        **head,
        **{key: total[key] for key in keep},
        **({"suppressed_reason": total["suppressed_reason"]} if total["suppressed"] else {}),
        "not_comparable": not_comparable(r.publication["results"]),
    }


def not_comparable(results: dict) -> list[str]:
    """Why a round's figures are not comparable across rounds (empty: comparable), from its
    publication: "response_rate" under MIN_RESPONSE_RATE, "respondents" under MIN_RESPONDENTS
    (a withheld count is under K, so under both)."""
    participation, total = results["participation"], results["total"]
    rate, n = participation.get("rate"), total.get("n")
    reasons = []
    if rate is None or rate < MIN_RESPONSE_RATE:
        reasons.append("response_rate")
    if total.get("suppressed") or n is None or n < MIN_RESPONDENTS:
        reasons.append("respondents")
    return reasons


def _total_shown(scores: RoundScores) -> bool:
    return not scores.survey_round.publication["results"]["total"]["suppressed"]


def _totals_of(scores: RoundScores, member_ids: np.ndarray) -> np.ndarray:
    return scores.totals[np.searchsorted(scores.records.ids, member_ids)]


def _welch(earlier: RoundScores, later: RoundScores, k: int) -> dict:
    """From the two rounds' totals alone (each published: the comparison adds nothing else)."""
    if not (_total_shown(earlier) and _total_shown(later)):
        return {**dict.fromkeys(WELCH), "suppressed": True, "suppressed_reason": SMALL}
    result = analysis.welch(later.totals, earlier.totals)
    return {
        "t": result.t,
        "df": result.df,
        "p": result.p,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "g": result.hedges_g,
        # g ± z √v with metafor's escalc("SMD") variance, as the board pools comparisons
        "g_ci_low": result.hedges_g_ci_low,
        "g_ci_high": result.hedges_g_ci_high,
        "note": result.note,
        "suppressed": False,
    }


def _panel(earlier: RoundScores, later: RoundScores, k: int) -> dict:
    """Shown only when the later round's publication judged it (crossover.company.publication)."""
    first_ids, second_ids = panel_members(earlier, later)
    if first_ids.size < k or not panel_shown(earlier.survey_round, later.survey_round):
        reason = SMALL if first_ids.size < k else COMPLEMENTARY
        return {**dict.fromkeys(PANEL), "suppressed": True, "suppressed_reason": reason}
    same_grid = earlier.layout.counts[0] == later.layout.counts[0]
    change = analysis.on_grid(
        _totals_of(later, second_ids) - _totals_of(earlier, first_ids),
        int(later.layout.counts[0]) if same_grid else None,
    )
    test = analysis.one_sample_t(change)
    effects = analysis.change_effects(change, with_rank_biserial=False)
    intervals = analysis.change_intervals(change)
    return {
        "n": test.n,
        "mean_change": test.mean_change,
        "sd_change": test.sd_change,
        "t": test.t,
        "df": test.df,
        "p": test.p,
        "ci_low": test.ci_low,
        "ci_high": test.ci_high,
        "dz": effects.dz,
        "gz": effects.gz,
        "dz_ci_low": intervals.dz_low,
        "dz_ci_high": intervals.dz_high,
        "gz_ci_low": intervals.gz_low,
        "gz_ci_high": intervals.gz_high,
        "note": test.note,
        "suppressed": False,
    }


def _change(earlier: RoundScores, later: RoundScores, k: int) -> dict:
    broken = earlier.instrument.id != later.instrument.id
    same_scale = (earlier.instrument.scale_min, earlier.instrument.scale_max) == (
        later.instrument.scale_min,
        later.instrument.scale_max,
    )
    head = {
        "from": earlier.survey_round.label,
        "to": later.survey_round.label,
        "break": broken,
        "comparable": not (
            not_comparable(earlier.survey_round.publication["results"])
            or not_comparable(later.survey_round.publication["results"])
        ),
    }
    if not same_scale:
        return {
            **head,
            "difference": None,
            "welch": {**dict.fromkeys(WELCH), "suppressed": False},
            "panel": {**dict.fromkeys(PANEL), "suppressed": False},
            "note": "The response scale changed; the rounds are not compared.",
        }
    welch = _welch(earlier, later, k)
    difference = None if welch["suppressed"] else float(later.totals.mean() - earlier.totals.mean())
    note = "The instrument version changed between these rounds." if broken else None
    return {
        **head,
        "difference": difference,
        "welch": welch,
        "panel": _panel(earlier, later, k),
        "note": note,
    }


def trend(survey: CompanySurvey) -> dict:
    """GET /company-surveys/<id>/trend: the closed rounds (an open round publishes nothing about
    scores), each as its publication shows it; the comparisons kept per process
    (crossover.company.closed_cache)."""
    rounds = [r for r in rounds_of(survey) if is_closed(r)]
    for survey_round in rounds:
        published(survey_round)
    figures = closed_cache.closed_or_computed("trend", rounds, lambda: _figures(rounds))
    return {"survey": {"id": survey.id, "title": survey.title, "privacy_k": privacy_k()}, **figures}


def _figures(rounds: list[SurveyRound]) -> dict:
    k = privacy_k()
    scores = round_scores(rounds)
    return {
        "rounds": [_round_entry(s) for s in scores],
        "changes": [_change(earlier, later, k) for earlier, later in pairwise(scores)],
    }
