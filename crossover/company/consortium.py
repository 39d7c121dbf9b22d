"""The consortium view: per round label, how the member companies' means are spread.

Only closed rounds count (a running round's figures change as people answer, so two reads would
differ by the newest answers — the pilot rule). Each company-round contributes on its own, only
with at least K respondents (its total, which its own publication always shows): pooling a
company's rounds of one label across its surveys would let a one-person round move the pooled
figure by exactly that person. A label is shown only when at least five companies contribute:
then its count of contributions, respondents and pooled mean. Quartiles only from ten
companies, and never an order statistic (with R's default ``quantile(type = 7)`` a quartile
whose position falls on one contribution — the median of 11, the first quartile of 13 — would
be that company's mean; such a quartile is the midpoint of its two neighbours instead), so no
company's mean can be computed from the view. No company is named, and an owner sees only the
quartile band its own rounds fall in, never a figure of another company or a rank.

The aggregate is computed in SQL over ``round_responses(round_id, total)`` (count, sum, sum of
squares per round, an index-only scan), and a closed round's aggregate is kept per application:
nobody can answer a closed round, so it never changes.
"""

from collections import defaultdict
from datetime import date
import threading

from flask import current_app
import numpy as np
import sqlalchemy as sa

from crossover.analysis.descriptive import quartiles
from crossover.auth.models import Role, User
from crossover.company.models import RoundResponse, SurveyRound
from crossover.company.round_state import closed_filter
from crossover.config import local_today, privacy_k
from crossover.extensions import db

MIN_COMPANIES = 5
MIN_FOR_QUARTILES = 10
BANDS = ("below_q1", "q1_to_median", "median_to_q3", "above_q3")
_CACHE_KEY = "company_round_aggregates"
_LOCK = threading.Lock()


def _cache() -> dict:
    return current_app.extensions.setdefault(_CACHE_KEY, {})


def closed_rounds(today: date) -> list[tuple[int, str, int, date]]:
    """(round id, label, organisation, closes_on) of every closed round."""
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(
                SurveyRound.id,
                SurveyRound.label,
                SurveyRound.organization_id,
                SurveyRound.closes_on,
            ).where(closed_filter(today))
        )
    ]


def round_aggregates(
    rounds: list[tuple[int, str, int, date]],
) -> dict[int, tuple[int, float, float]]:
    """(n, sum, sum of squares) of the totals of each round, from the cache or one statement."""
    cache = _cache()
    missing = [r[0] for r in rounds if (r[0], r[3]) not in cache]
    if missing:
        fresh = dict.fromkeys(missing, (0, 0.0, 0.0))
        for chunk in (missing[i : i + 5000] for i in range(0, len(missing), 5000)):
            fresh.update(
                {
                    round_id: (int(n), float(total), float(squares))
                    for round_id, n, total, squares in db.session.execute(
                        sa.select(
                            RoundResponse.round_id,
                            sa.func.count(),
                            sa.func.sum(RoundResponse.total),
                            sa.func.sum(RoundResponse.total * RoundResponse.total),
                        )
                        .where(RoundResponse.round_id.in_(chunk))
                        .group_by(RoundResponse.round_id)
                    )
                }
            )
        closes = {r[0]: r[3] for r in rounds}
        with _LOCK:
            cache.update({(rid, closes[rid]): value for rid, value in fresh.items()})
    return {r[0]: cache[(r[0], r[3])] for r in rounds}


def company_means(today: date | None = None) -> dict[str, list[tuple[int, int, float]]]:
    """label → every closed company-round of that label: (organisation, respondents, sum of
    totals)."""
    rounds = closed_rounds(today or local_today())
    aggregates = round_aggregates(rounds)
    out: dict[str, list] = defaultdict(list)
    for round_id, label, organization_id, _closes in rounds:
        n, total, _squares = aggregates[round_id]
        out[label].append((organization_id, n, total))
    return dict(out)


def private_quartiles(values: np.ndarray) -> tuple[float, float, float]:
    """R type 7 quartiles, except that one falling exactly on an order statistic (an integer
    position) is the midpoint of its two neighbours: never one company's own mean."""
    x = np.sort(values)
    out = []
    for p, value in zip((0.25, 0.5, 0.75), quartiles(x), strict=True):
        h = (x.size - 1) * p  # 0-based position
        if float(h).is_integer():
            i = int(h)
            value = float((x[i - 1] + x[i + 1]) / 2)
        out.append(value)
    return tuple(out)


def distribution(contributions: list[tuple[int, int, float]], k: int) -> dict | None:
    """Count, pooled mean and (from ten companies) quartiles of the company-rounds with K
    respondents, or None when fewer than five companies contribute."""
    counted = [(org, n, total) for org, n, total in contributions if n >= k]
    companies = len({org for org, _, _ in counted})
    if companies < MIN_COMPANIES:
        return None
    respondents = sum(n for _, n, _ in counted)
    spread = {
        "companies": companies,
        "contributions": len(counted),
        "respondents": respondents,
        "q1": None,
        "median": None,
        "q3": None,
        "pooled_mean": sum(total for _, _, total in counted) / respondents,
    }
    if companies >= MIN_FOR_QUARTILES:
        means = np.array([total / n for _, n, total in counted])
        spread["q1"], spread["median"], spread["q3"] = private_quartiles(means)
    return spread


def band(mean: float, spread: dict) -> str:
    """Where a company's mean falls among the quartiles (a boundary belongs to the band above)."""
    if mean < spread["q1"]:
        return BANDS[0]
    if mean < spread["median"]:
        return BANDS[1]
    if mean < spread["q3"]:
        return BANDS[2]
    return BANDS[3]


def consortium_view(actor: User) -> dict:
    """GET /consortium/company-surveys: the distribution (reviewers, admins) or, per label, the
    band of each of the owner's own contributing rounds."""
    k = privacy_k()
    labels = []
    for label, contributions in sorted(company_means().items()):
        spread = distribution(contributions, k)
        if actor.role is Role.OWNER:
            own = [
                (n, total)
                for org, n, total in contributions
                if org == actor.organization_id and n >= k
            ]
            if spread is None or spread["q1"] is None or not own:
                continue
            for n, total in own:
                labels.append({"label": label, "band": band(total / n, spread)})
        else:
            labels.append({"label": label, "shown": spread is not None, **(spread or _hidden())})
    return {
        "privacy_k": k,
        "min_companies": MIN_COMPANIES,
        "min_for_quartiles": MIN_FOR_QUARTILES,
        "labels": labels,
    }


def _hidden() -> dict:
    return dict.fromkeys(
        ["companies", "contributions", "respondents", "q1", "median", "q3", "pooled_mean"]
    )
