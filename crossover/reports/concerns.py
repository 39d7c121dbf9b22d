"""The intake concerns: how often each concern was chosen, overall and per career phase."""

from collections import Counter

from crossover import analysis
from crossover.catalogue.services import options
from crossover.privacy.suppression import SMALL, TOTAL, Family, withheld, withhold
from crossover.reports.gather import PilotData


def _concern_table(counts: Counter, n: int, concern_options, k: int) -> dict:
    """Selection rate and competition rank of each concern among n respondents."""
    if n < k:
        return withheld(["n", "items"])
    keyed = [(o, counts.get(o.key, 0)) for o in concern_options]
    ranks = analysis.competition_ranks(
        [count for _, count in keyed]
    )  # same n: counts rank as rates
    items = [
        {
            "key": o.key,
            "label_ja": o.label_ja,
            "label_en": o.label_en,
            "count": count,
            "rate": count / n,
            "rank": rank,
        }
        for (o, count), rank in zip(keyed, ranks, strict=True)
    ]
    return {
        "n": n,
        "items": sorted(items, key=lambda item: (item["rank"], item["key"])),
        "suppressed": False,
        "suppressed_reason": None,
    }


def concern_tables(data: PilotData, k: int) -> dict:
    """Concern tables overall and per career phase: one family (the phases split the overall)."""
    concern_options = options("concern")
    overall = Counter()
    for (_, concern), count in data.concern_counts.items():
        overall[concern] += count
    parts = {phase: n for phase, n in data.intake_respondents.items() if n > 0}
    reasons = withhold(Family.from_partition(parts, total=TOTAL), k) if parts else {}
    phases = []
    for phase in options("career_phase"):
        label = {"key": phase.key, "label_ja": phase.label_ja, "label_en": phase.label_en}
        n = data.intake_respondents.get(phase.key, 0)
        reason = reasons.get(phase.key, SMALL if n < k else None)
        if reason:
            phases.append(withheld(["n", "items"], reason, **label))
            continue
        counts = Counter(
            {concern: c for (p, concern), c in data.concern_counts.items() if p == phase.key}
        )
        phases.append({**label, **_concern_table(counts, n, concern_options, k)})
    total = sum(data.intake_respondents.values())
    return {
        "overall": _concern_table(overall, total, concern_options, k),
        "by_career_phase": phases,
    }
