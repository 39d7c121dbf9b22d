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
from itertools import combinations, product

import numpy as np
from scipy.stats import rankdata

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
    sessions: tuple = ()  # minutes of each logged session (the owner's choice)
    matched: bool = False  # matched with a mentor (implied by sessions)
    answers: dict | None = None  # wave → the answer to every item; None: random answers

    def dose(self, variable: str) -> int:
        """What the owner set for this person: sessions logged, or their minutes."""
        return len(self.sessions) if variable == "sessions" else sum(self.sessions)

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
    for variable in ("sessions", "minutes"):
        for name, members in dose_groups(report, people, variable).items():
            scores[name] = members
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


BRUTE_FORCE_GROUPS = 12  # 3^12 combinations, met in the middle; more groups: find_leak_by_rank


def leaks(report: dict, people: list[Person]) -> list[Leak]:
    """Every family of the report in which some combination singles out fewer than K people,
    head counts included, and every dose correlation that narrows one person's rank of change
    to fewer than K places."""
    k = report["pilot"]["privacy_k"]
    families = published_families(report, people)
    families["head counts"] = published_counts(report, people)
    found = [
        find_leak(name, groups, k)
        if len(_distinct(groups)) <= BRUTE_FORCE_GROUPS
        else find_leak_by_rank(name, groups, k)
        for name, groups in families.items()
    ]
    return [leak for leak in found if leak is not None] + rank_leaks(report, people)


def assert_no_one_singled_out(report: dict, people: list[Person]) -> None:
    found = leaks(report, people)
    assert not found, "; ".join(str(leak) for leak in found)


# --- what the owner sets per person, and head counts ----------------------------------------------


def dose_groups(report: dict, people: list[Person], variable: str) -> dict[str, np.ndarray]:
    """The pairs in each group of a published dose correlation, as the attacker places people:
    it knows what the owner set for each, and the published group bounds (without them, every
    distinct value is its own group: rho then depends on the values themselves)."""
    dose = report["dose"]
    correlation = dose.get(variable)
    if not isinstance(correlation, dict) or not _published(correlation.get("rho")):
        return {}
    pairs = lambda p: p.arm == "participant" and p.paired  # noqa: E731
    bounds = correlation.get("groups") or [
        {"low": v, "high": v} for v in sorted({p.dose(variable) for p in people if pairs(p)})
    ]
    return {
        f"dose {variable} {g['low']}-{g['high']}": _vector(
            people, lambda p, g=g: pairs(p) and g["low"] <= p.dose(variable) <= g["high"]
        )
        for g in bounds
    }


def published_counts(report: dict, people: list[Person]) -> dict[str, np.ndarray]:
    """Every group whose head count the report shows (a count is the sum of 1 over the group, so
    sums and differences of shown counts are counts of the people they leave), over everyone
    enrolled, both arms."""
    participant = lambda p: p.arm == "participant"  # noqa: E731
    comparison = lambda p: p.arm == "comparison"  # noqa: E731
    pre = lambda p: participant(p) and p.answered("pre")  # noqa: E731
    post = lambda p: participant(p) and p.answered("post")  # noqa: E731
    pairs = lambda p: participant(p) and p.paired  # noqa: E731
    groups: dict[str, np.ndarray] = {}

    def shown(name, figure, keep):
        if _published(figure):
            groups[name] = _vector(people, keep)

    counts, attrition = report["counts"], report["attrition"]
    shown("enrolled", counts["enrolled"], participant)
    shown("enrolled", attrition["enrolled"], participant)
    shown("answered pre", counts["pre"], pre)
    shown("answered post", counts["post"], post)
    shown("answered post", attrition["with_post"], post)
    shown("no post", attrition["without_post"], lambda p: participant(p) and not p.answered("post"))
    shown("pairs", counts["pairs"], pairs)
    shown("pairs", report["primary"]["n"], pairs)
    shown("pairs", report["dose"]["n"], pairs)
    shown("non-completers", attrition["non_completers_pre_mean"], lambda p: pre(p) and not post(p))
    for followup in report["followups"]:
        wave = followup["wave"]
        shown(wave, followup["n"], lambda p, w=wave: pre(p) and p.answered(w))
    for entry in report["reliability"]:
        wave = entry["wave"]
        shown(f"respondents {wave}", entry["n"], lambda p, w=wave: p.answered(w))
    for dimension in ("career_phase", "age_band"):
        for cell in report["subgroups"][dimension]:
            key = cell["key"]
            shown(
                f"{dimension}={key}",
                cell["n"],
                lambda p, d=dimension, key=key: pairs(p) and getattr(p, d) == key,
            )
    for section in (report.get("comparison"), report.get("ancova")):
        if section:
            shown("comparison pairs", section["n_comparison"], lambda p: comparison(p) and p.paired)
            shown("pairs", section["n_participant"], pairs)
    concerns = report["concerns"]
    shown("intake", concerns["overall"]["n"], lambda p: bool(p.concerns))
    for cell in concerns["by_career_phase"]:
        key = cell["key"]
        shown(
            f"intake {key}",
            cell["n"],
            lambda p, key=key: bool(p.concerns) and p.career_phase == key,
        )
    for variable in ("sessions", "minutes"):
        correlation = report["dose"].get(variable) or {}
        for g in correlation.get("groups") or []:
            shown(
                f"dose {variable} {g['low']}-{g['high']}",
                g["n"],
                lambda p, g=g, v=variable: pairs(p) and g["low"] <= p.dose(v) <= g["high"],
            )
    section = report.get("allocation") or {}
    for row in section.get("balance") or []:
        stratum = dict(part.split("=") for part in row["stratum"].split("|"))
        inside = lambda p, s=stratum: all(getattr(p, f) == v for f, v in s.items())  # noqa: E731
        shown(f"stratum {row['stratum']}", row["n"], inside)
        for arm in ("participant", "comparison"):
            shown(
                f"stratum {row['stratum']} {arm}",
                row[arm],
                lambda p, i=inside, a=arm: i(p) and p.arm == a,
            )
    return groups


def find_leak_by_rank(family: str, groups: dict[str, np.ndarray], k: int) -> Leak | None:
    """The same question as find_leak for families too large to enumerate: some combination of
    the groups is nonzero on exactly the people of a set S of merged columns iff removing S's
    columns lowers the rank of the groups × columns matrix. Every S under k people is tried."""
    groups = _distinct(groups)
    if not groups:
        return None
    names = list(groups)
    columns, sizes, members = _columns(np.vstack([groups[name] for name in names]))
    shown = np.flatnonzero(columns.any(axis=0))
    light = [j for j in shown.tolist() if sizes[j] < k]
    full = np.linalg.matrix_rank(columns.astype(float))
    for size in range(1, k):
        for chosen in combinations(light, size):
            if sum(int(sizes[j]) for j in chosen) >= k:
                continue
            rest = np.delete(columns, list(chosen), axis=1).astype(float)
            if np.linalg.matrix_rank(rest) < full:
                people = sorted(i for j in chosen for i in members[j])
                return Leak(family, {"(by rank)": 1}, people)
    return None


def rank_leaks(report: dict, people: list[Person]) -> list[Leak]:
    """Dose correlations that narrow someone's rank of change to fewer than K places.

    The attacker knows what the owner set for each pair and, stronger than any real reader, the
    sorted changes themselves (so their ties); it tries every way of giving the change ranks to
    the published dose groups, keeps those whose rho is the published one, and collects the
    places each group's people can hold. People in one group cannot be told apart by rho."""
    k = report["pilot"]["privacy_k"]
    found = []
    for variable in ("sessions", "minutes"):
        correlation = report["dose"].get(variable) or {}
        named = dose_groups(report, people, variable)
        changes = _changes(people)
        if not named or changes is None or len(named) < 2 or sum(p.paired for p in people) > 14:
            continue  # nothing to place, or too many ways to try (the groups' test still holds)
        pairs = [i for i, p in enumerate(people) if p.arm == "participant" and p.paired]
        member_of = np.array(
            [next(g for g, v in enumerate(named.values()) if v[i]) for i in pairs], dtype=np.int64
        )
        places = _places(np.sort(changes[pairs]), member_of, correlation["rho"])
        for g, possible in places.items():
            if len(possible) < k:
                singled = [pairs[i] for i in np.flatnonzero(member_of == g)]
                found.append(Leak(f"dose {variable} rank", {list(named)[g]: 1}, singled))
    return found


def _changes(people: list[Person]) -> np.ndarray | None:
    """Post − pre of everyone whose answers the test set (None unless every pair's are set)."""
    out = np.full(len(people), np.nan)
    for i, p in enumerate(people):
        if p.paired and p.arm == "participant":
            if not p.answers or "pre" not in p.answers or "post" not in p.answers:
                return None
            out[i] = p.answers["post"] - p.answers["pre"]
    return out


def _places(sorted_changes: np.ndarray, member_of: np.ndarray, rho: float) -> dict[int, set]:
    """Per group: the places (0 = smallest change) its people hold in some assignment of the
    changes to the groups whose Spearman rho is `rho` (groups numbered from the lowest dose)."""
    change_ranks = rankdata(sorted_changes)
    group_rank = np.zeros(member_of.max() + 1)
    group_rank[member_of] = rankdata(member_of)  # the dose's average rank of each group
    sizes = np.bincount(member_of)
    assignments = np.array(list(_assignments(sorted_changes.size, sizes)))  # place → group
    dose = group_rank[assignments]
    dose = dose - dose.mean(axis=1, keepdims=True)
    centred = change_ranks - change_ranks.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (dose @ centred) / np.sqrt((dose**2).sum(axis=1) * (centred**2).sum())
    consistent = assignments[np.abs(r - rho) < 1e-9]
    return {
        g: set(np.flatnonzero((consistent == g).any(axis=0)).tolist()) for g in range(sizes.size)
    }


def _assignments(n: int, sizes: np.ndarray):
    """Every way of giving the n places to groups of the given sizes (as place → group)."""

    def fill(places: list[int], group: int, assignment: np.ndarray):
        if group == sizes.size - 1:
            assignment[places] = group
            yield assignment.copy()
            return
        for chosen in combinations(places, int(sizes[group])):
            assignment[list(chosen)] = group
            rest = [p for p in places if p not in chosen]
            yield from fill(rest, group + 1, assignment)

    yield from fill(list(range(n)), 0, np.zeros(n, dtype=np.int64))
