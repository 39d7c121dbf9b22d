"""The dose of mentoring: sessions and minutes logged per person, their ordered groups of at
least K pairs, and the rank correlation of change with them."""

import numpy as np

from crossover import analysis
from crossover.privacy.suppression import VALUES_UNDER_K, ordered_groups, withheld
from crossover.reports.gather import PilotData
from crossover.reports.head_counts import CORRELATION_FIELDS, DOSE_VARIABLES

DOSE = "dose"


def logged_dose(data: PilotData, ids: np.ndarray) -> dict[str, np.ndarray]:
    """Sessions and minutes logged for each of `ids` (none without a match)."""
    sessions = np.zeros(ids.size, dtype=np.int64)
    minutes = np.zeros(ids.size, dtype=np.int64)
    if data.sessions and ids.size:
        matched = np.fromiter(data.sessions, dtype=np.int64, count=len(data.sessions))
        logged = np.array(list(data.sessions.values()), dtype=np.int64).reshape(-1, 2)
        order = np.argsort(matched)
        matched, logged = matched[order], logged[order]
        at = np.minimum(np.searchsorted(matched, ids), matched.size - 1)
        found = matched[at] == ids
        sessions[found], minutes[found] = logged[at[found], 0], logged[at[found], 1]
    return {"sessions": sessions, "minutes": minutes}


DOSE_GROUPS = 5  # at most: each group then holds a fifth of the pairs or more (and K or more)


def dose_groups(values: dict[str, np.ndarray], k: int) -> dict[str, np.ndarray | None]:
    """Each dose variable's ordered groups (ties together) of at least k pairs and at most
    DOSE_GROUPS of them (a big pilot's minutes would otherwise give a group per value), or
    None."""
    return {
        variable: ordered_groups(v, max(k, -(-v.size // DOSE_GROUPS)))
        for variable, v in values.items()
    }


def dose_correlations(
    data: PilotData,
    k: int,
    pre: np.ndarray,
    post: np.ndarray,
    values: dict[str, np.ndarray],
    labels: dict,
    reasons: dict,
) -> dict:
    """Spearman's rho of change against each dose variable, coarsened into its ordered groups.

    Who is matched and how many sessions or minutes each person gets is the owner's choice: with
    raw values, one mentored person among six pairs fixes that person's rank of change. So rho is
    computed over the groups (each of at least K pairs, and in the score family's search), and a
    variable whose values do not form two such groups publishes nothing, saying why.
    """
    if pre.size < k:
        return {
            **withheld(["n", "total_sessions", "total_minutes"]),
            **{variable: withheld(CORRELATION_FIELDS) for variable in DOSE_VARIABLES},
        }
    change = analysis.changes(pre, post, grid=data.items[data.pilot.outcome])
    section: dict = {"n": int(pre.size)}
    for variable in DOSE_VARIABLES:
        label, value = labels[variable], values[variable]
        count = 0 if label is None else int(label.max()) + 1
        reason = VALUES_UNDER_K if label is None else None
        reason = reason or next(
            (reasons[(DOSE, variable, g)] for g in range(count) if (DOSE, variable, g) in reasons),
            None,
        )
        if reason:
            section[variable] = withheld(CORRELATION_FIELDS, reason)
            section[f"total_{variable}"] = None
            continue
        result = analysis.spearman(change, label)
        section[variable] = {
            "rho": result.rho,
            "p": result.p,
            "note": result.note,
            "groups": [
                {
                    "low": int(value[label == g].min()),
                    "high": int(value[label == g].max()),
                    "n": int(np.sum(label == g)),
                }
                for g in range(count)
            ],
            "suppressed": False,
            "suppressed_reason": None,
        }
        section[f"total_{variable}"] = int(value.sum())
    shown = [v for v in DOSE_VARIABLES if not section[v]["suppressed"]]
    section["suppressed"] = not shown
    section["suppressed_reason"] = None if shown else section["sessions"]["suppressed_reason"]
    return section
