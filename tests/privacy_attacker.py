"""The attacker of DESIGN.md "Privacy and access", as a test helper.

It knows who is in a pilot (the test built the people) and reads one report as the API returned
it. A group counts as published when its figures are not null. Within a family of groups that
publish the same per-person variable, means × n give sums over each group and SDs give sums of
squares, so every sum or difference of published groups is a figure about the people it does
not cancel out. The attacker tries every combination with coefficients in {-1, 0, +1} and fails
the test when one leaves 1..K-1 people.

Families (the threat model the service defends, written out independently of its code):
- "scores": the primary outcome's pairs (also subscales, dose, the comparison's participant
  side, attrition's completers), every visible career-phase and age-band cell, the comparison
  arm's pairs and attrition's non-completers (pre scores). Pre, post and change share one family:
  subtracting a change from a post mean gives a pre mean, so they combine freely.
- one family per follow-up wave: only that wave's figures involve that wave's answers, so no
  other published figure can cancel them out (each follow-up group must hold K people itself).
- "concerns": the intake respondents overall and per career phase (counts per concern).

Brute force, not linear algebra: people with the same memberships are merged into one column
(they can never be told apart), then every combination is enumerated, half against half.
"""

from dataclasses import dataclass, field
from itertools import product

import numpy as np

SCALE_WAVES = ("pre", "post")


@dataclass
class Person:
    """One enrolled person as the test created them."""

    career_phase: str
    age_band: str
    arm: str = "participant"
    waves: frozenset = frozenset(
        {"pre", "post"}
    )  # scale waves answered (pre, post, followup_30, …)
    concerns: tuple = ()  # empty: no intake answer
    label: str = field(default="", compare=False)

    @property
    def paired(self) -> bool:
        return {"pre", "post"} <= self.waves

    def answered(self, wave: str) -> bool:
        return wave in self.waves


@dataclass
class Leak:
    family: str
    groups: dict  # group name → coefficient
    people: list[int]  # indices into the people list

    def __str__(self) -> str:
        combination = " ".join(f"{'+' if c > 0 else '-'}{name}" for name, c in self.groups.items())
        return f"{self.family}: {combination} leaves {len(self.people)} people {self.people}"


def _vector(people: list[Person], keep) -> np.ndarray:
    return np.array([1 if keep(p) else 0 for p in people], dtype=np.int64)


def _published(figure) -> bool:
    return figure is not None


def published_families(report: dict, people: list[Person]) -> dict[str, dict[str, np.ndarray]]:
    """Every group the report publishes, as membership vectors over `people`, by family."""
    participant = lambda p: p.arm == "participant"  # noqa: E731
    pairs = lambda p: participant(p) and p.paired  # noqa: E731
    scores: dict[str, np.ndarray] = {}
    if _published(report["primary"]["mean_change"]):
        scores["pairs"] = _vector(people, pairs)
    for dimension in ("career_phase", "age_band"):
        for cell in report["subgroups"][dimension]:
            if _published(cell["mean_change"]):
                key = cell["key"]
                scores[f"{dimension}={key}"] = _vector(
                    people, lambda p, d=dimension, k=key: pairs(p) and getattr(p, d) == k
                )
    for subscale in report["subscales"]:
        if _published(subscale["mean_change"]):
            scores[f"subscale {subscale['outcome']}"] = _vector(people, pairs)
    comparison = report.get("comparison")
    if comparison and _published(comparison["mean_change_participant"]):
        scores["comparison: participants"] = _vector(people, pairs)
    if comparison and _published(comparison["mean_change_comparison"]):
        scores["comparison: comparison arm"] = _vector(
            people, lambda p: p.arm == "comparison" and p.paired
        )
    attrition = report["attrition"]
    if _published(attrition["completers_pre_mean"]):
        scores["attrition: completers"] = _vector(people, pairs)
    if _published(attrition["non_completers_pre_mean"]):
        scores["attrition: non-completers"] = _vector(
            people, lambda p: participant(p) and p.answered("pre") and not p.answered("post")
        )
    if _published(report["dose"].get("total_sessions")):
        scores["dose"] = _vector(people, pairs)
    families = {"scores": scores}
    for followup in report["followups"]:
        if _published(followup["mean_change"]):
            wave = followup["wave"]
            families[wave] = {
                wave: _vector(
                    people, lambda p, w=wave: participant(p) and p.answered("pre") and p.answered(w)
                )
            }
    concerns: dict[str, np.ndarray] = {}
    if _published(report["concerns"]["overall"]["n"]):
        concerns["concerns overall"] = _vector(people, lambda p: bool(p.concerns))
    for cell in report["concerns"]["by_career_phase"]:
        if _published(cell["n"]) or _published(cell["items"]):
            concerns[f"concerns career_phase={cell['key']}"] = _vector(
                people, lambda p, k=cell["key"]: bool(p.concerns) and p.career_phase == k
            )
    families["concerns"] = concerns
    return families


def _distinct(groups: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One name per distinct membership vector (a second copy adds nothing in {-1, 0, +1})."""
    seen: dict[bytes, str] = {}
    for name, vector in groups.items():
        seen.setdefault(vector.tobytes(), name)
    return {name: groups[name] for name in seen.values()}


def _columns(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[list[int]]]:
    """Merge people with identical memberships: distinct columns, their sizes, who is in each."""
    distinct, inverse, sizes = np.unique(matrix, axis=1, return_inverse=True, return_counts=True)
    members = [np.flatnonzero(inverse.ravel() == j).tolist() for j in range(distinct.shape[1])]
    return distinct, sizes, members


def _all_combinations(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every {-1, 0, +1} combination of `rows`: the coefficients and the resulting vectors."""
    coefficients = np.array(list(product((-1, 0, 1), repeat=rows.shape[0])), dtype=np.int64)
    if not rows.shape[0]:  # no rows: only the empty combination
        return np.zeros((1, 0), dtype=np.int64), np.zeros((1, rows.shape[1]), dtype=np.int64)
    return coefficients, coefficients @ rows


def find_leak(family: str, groups: dict[str, np.ndarray], k: int) -> Leak | None:
    """The first combination of the family's groups that leaves 1..k-1 people, if any."""
    groups = _distinct(groups)
    if not groups:
        return None
    names = list(groups)
    columns, sizes, members = _columns(np.vstack([groups[name] for name in names]))
    half = len(names) // 2
    left_coefficients, left = _all_combinations(columns[:half])
    right_coefficients, right = _all_combinations(columns[half:])
    for row, left_vector in enumerate(left):
        touched = (left_vector + right) != 0  # every right-half combination at once
        people = touched @ sizes
        hits = np.flatnonzero((people >= 1) & (people < k))
        if hits.size:
            hit = hits[0]
            coefficients = np.concatenate([left_coefficients[row], right_coefficients[hit]])
            singled_out = sorted(i for j in np.flatnonzero(touched[hit]) for i in members[j])
            return Leak(
                family,
                {n: int(c) for n, c in zip(names, coefficients, strict=True) if c},
                singled_out,
            )
    return None


def leaks(report: dict, people: list[Person]) -> list[Leak]:
    """Every family of the report in which some combination singles out fewer than K people."""
    k = report["pilot"]["privacy_k"]
    found = (
        find_leak(name, groups, k) for name, groups in published_families(report, people).items()
    )
    return [leak for leak in found if leak is not None]


def assert_no_one_singled_out(report: dict, people: list[Person]) -> None:
    found = leaks(report, people)
    assert not found, "; ".join(str(leak) for leak in found)
