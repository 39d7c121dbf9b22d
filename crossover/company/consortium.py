"""The consortium view: per round label, how the member companies' means are spread.

Only rounds whose window has closed count (a running round's figures change as people answer,
so two reads would differ by the newest answers — the pilot rule). A company counts for a label
when its closed rounds of that label hold at least K respondents together; a label is shown only
when at least three companies count. Quartiles are R's default ``quantile(type = 7)`` of the
company means; the pooled mean is over every counted respondent. No company is named, and an
owner sees only the quartile band its own mean falls in, never a figure of another company or
a rank.

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
from crossover.config import local_today, privacy_k
from crossover.extensions import db

MIN_COMPANIES = 3
BANDS = ("below_q1", "q1_to_median", "median_to_q3", "above_q3")
_CACHE_KEY = "company_round_aggregates"
_LOCK = threading.Lock()


def _cache() -> dict:
    return current_app.extensions.setdefault(_CACHE_KEY, {})


def closed_rounds(today: date) -> list[tuple[int, str, int, date]]:
    """(round id, label, organisation, closes_on) of every round whose window has closed."""
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(
                SurveyRound.id,
                SurveyRound.label,
                SurveyRound.organization_id,
                SurveyRound.closes_on,
            ).where(SurveyRound.closes_on < today)
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


def company_means(today: date | None = None) -> dict[str, dict[int, tuple[int, float]]]:
    """label → organisation → (respondents, sum of totals) over its closed rounds."""
    rounds = closed_rounds(today or local_today())
    aggregates = round_aggregates(rounds)
    out: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(lambda: [0, 0.0]))
    for round_id, label, organization_id, _closes in rounds:
        n, total, _squares = aggregates[round_id]
        entry = out[label][organization_id]
        entry[0] += n
        entry[1] += total
    return {
        label: {org: (n, total) for org, (n, total) in companies.items()}
        for label, companies in out.items()
    }


def distribution(companies: dict[int, tuple[int, float]], k: int) -> dict | None:
    """Count, quartiles and pooled mean of the counted companies' means, or None when fewer than
    three companies have K respondents."""
    counted = {org: (n, total) for org, (n, total) in companies.items() if n >= k}
    if len(counted) < MIN_COMPANIES:
        return None
    means = np.array([total / n for n, total in counted.values()])
    q1, median, q3 = quartiles(means)
    respondents = sum(n for n, _ in counted.values())
    return {
        "companies": len(counted),
        "respondents": respondents,
        "q1": q1,
        "median": median,
        "q3": q3,
        "pooled_mean": sum(total for _, total in counted.values()) / respondents,
    }


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
    """GET /consortium/company-surveys: the distribution (reviewers, admins) or the owner's own
    band per label."""
    k = privacy_k()
    labels = []
    for label, companies in sorted(company_means().items()):
        spread = distribution(companies, k)
        if actor.role is Role.OWNER:
            own = companies.get(actor.organization_id)
            if spread is None or own is None or own[0] < k:
                continue
            labels.append({"label": label, "band": band(own[1] / own[0], spread)})
        else:
            labels.append(
                {"label": label, "shown": spread is not None, **(spread or _hidden(companies))}
            )
    return {"privacy_k": k, "min_companies": MIN_COMPANIES, "labels": labels}


def _hidden(companies: dict) -> dict:
    return dict.fromkeys(["companies", "respondents", "q1", "median", "q3", "pooled_mean"])
