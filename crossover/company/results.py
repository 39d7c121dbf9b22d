"""A round's results: participation, scores, the age × tenure map and the engagement relation.

Read in two statements whatever the round's size (the roster grouped by age, tenure and unit with
each member's id and engagement; every response's packed record concatenated), computed with
crossover.analysis, then withheld as crossover.company.suppression decides.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.stats import rankdata
import sqlalchemy as sa

from crossover import analysis
from crossover.analysis.descriptive import least_squares_line, summarise
from crossover.company import closed_cache
from crossover.company import suppression as groups
from crossover.company.bands import AGE_BANDS, TENURE_BANDS
from crossover.company.models import RosterMember, RoundResponse, SurveyRound
from crossover.company.roster_cache import roster_derived
from crossover.config import privacy_k
from crossover.extensions import db
from crossover.instruments.models import Instrument
from crossover.reports.aggregates import concat_bytes, listed_together, split_together
from crossover.reports.privacy import withheld
from crossover.surveys.packed import RecordLayout

SUMMARY = ["n", "mean", "sd", "ci_low", "ci_high"]
CORRELATION = ["n", "pearson_r", "ci_low", "ci_high", "p_pearson", "spearman_rho", "p_spearman"]
# The scatter: mean score per bin of the roster's engagement scores, tenths at most, and as many
# as give each bin some 10·K respondents on average (a smaller bin would mostly be withheld).
ENGAGEMENT_BINS = 10
PER_BIN = 10


@dataclass
class RoundData:
    """One round's roster and responses as arrays (roster rows in member-id order)."""

    survey_round: SurveyRound
    instrument: Instrument
    layout: RecordLayout
    units: list[str]  # unit names; `unit` holds indexes into this list
    member_ids: np.ndarray
    age: np.ndarray  # index into AGE_BANDS (-1: a band outside the list)
    tenure: np.ndarray  # index into TENURE_BANDS
    unit: np.ndarray
    engagement: np.ndarray  # NaN where the company gave none
    responded: np.ndarray  # bool per roster row
    scores: np.ndarray  # respondents × scales (total first), respondents in member-id order
    items: np.ndarray  # respondents × items, recoded answers
    sums: np.ndarray  # respondents × scales, integer sums of recoded items

    @cached_property
    def respondent_rows(self) -> np.ndarray:
        return np.flatnonzero(self.responded)


def _codes(values: list[str], known: tuple[str, ...]) -> np.ndarray:
    index = {key: i for i, key in enumerate(known)}
    return np.array([index.get(v, -1) for v in values], dtype=np.int64)


@dataclass
class Roster:
    """A round's roster rows as arrays, in member-id order (see RoundData)."""

    units: tuple[str, ...]
    member_ids: np.ndarray
    age: np.ndarray
    tenure: np.ndarray
    unit: np.ndarray
    engagement: np.ndarray


def read_roster(survey_round: SurveyRound) -> Roster:
    """The round's roster, in one statement: rows grouped by age, tenure and unit, each group
    listing its members' ids and engagement scores in pairs."""
    engagement_text = sa.func.coalesce(sa.cast(RosterMember.engagement, sa.Text), "nan")
    rows = db.session.execute(
        sa.select(
            RosterMember.age_band,
            RosterMember.tenure_band,
            RosterMember.unit,
            sa.func.count(),
            *listed_together(RosterMember.id, engagement_text),
        )
        .where(RosterMember.round_id == survey_round.id)
        .group_by(RosterMember.age_band, RosterMember.tenure_band, RosterMember.unit)
    ).all()
    # One parse for all groups' lists, and each group's codes repeated over its members (a
    # 100,000-person roster comes in some 1,500 groups).
    units = sorted({row.unit for row in rows})
    unit_index = {name: i for i, name in enumerate(units)}
    counts = np.array([row[3] for row in rows], dtype=np.int64)
    # (id, engagement) per member; ids below 2^53 parse exactly as floats
    lists = [",".join(column) for column in zip(*(row[4:] for row in rows), strict=True)]
    pairs = split_together(lists, 2)
    member_ids = pairs[:, 0].astype(np.int64)
    order = np.argsort(member_ids, kind="stable")

    def per_member(codes: np.ndarray) -> np.ndarray:
        return np.repeat(codes.astype(np.int64), counts)[order]

    return Roster(
        tuple(units),
        member_ids[order],
        per_member(_codes([row.age_band for row in rows], AGE_BANDS)),
        per_member(_codes([row.tenure_band for row in rows], TENURE_BANDS)),
        per_member(np.array([unit_index[row.unit] for row in rows], dtype=np.int64)),
        pairs[order, 1],
    )


def gather(survey_round: SurveyRound) -> RoundData:
    """The round's roster (kept between uploads, crossover.company.roster_cache) and its
    responses (read afresh, in one statement)."""
    instrument = db.session.get(Instrument, survey_round.instrument_id)
    layout = RecordLayout.of(instrument)
    roster = roster_derived("roster", [survey_round], lambda: read_roster(survey_round))
    packed = db.session.scalar(
        sa.select(concat_bytes(RoundResponse.packed)).where(
            RoundResponse.round_id == survey_round.id
        )
    )
    records = layout.unpack(bytes.fromhex(packed or ""))
    return RoundData(
        survey_round,
        instrument,
        layout,
        list(roster.units),
        roster.member_ids,
        roster.age,
        roster.tenure,
        roster.unit,
        roster.engagement,
        np.isin(roster.member_ids, records.ids, assume_unique=True),
        records.scores,
        records.items if records.items is not None else np.empty((0, len(layout.items))),
        np.rint(records.scores * layout.counts).astype(np.int64),
    )


# --- the figures ------------------------------------------------------------------------------


def summary_dict(values: np.ndarray) -> dict:
    result = summarise(values)
    return {
        "n": result.n,
        "mean": result.mean,
        "sd": result.sd,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
    }


def correlation_dict(x: np.ndarray, y: np.ndarray, x_ranks: np.ndarray | None = None) -> dict:
    """Pearson r with its Fisher-z CI and p (R cor.test) and Spearman's rho with p (R cor.test
    method = "spearman", exact = FALSE); `x_ranks`: x's average ranks, when already known."""
    pearson = analysis.pearson(x, y)
    spearman = analysis.spearman(x, y, x_ranks=x_ranks)
    return {
        "n": int(x.size),
        "pearson_r": pearson.r,
        "ci_low": pearson.ci_low,
        "ci_high": pearson.ci_high,
        "p_pearson": pearson.p,
        "spearman_rho": spearman.rho,
        "p_spearman": spearman.p,
    }


def engagement_edges(engagement: np.ndarray, k: int) -> np.ndarray:
    """Bin edges of the scatter: quantiles of the whole roster's engagement scores (the company
    can compute them itself from its own upload), repeated edges merged."""
    given = engagement[np.isfinite(engagement)]
    count = min(ENGAGEMENT_BINS, given.size // (PER_BIN * k))
    if count < 2:
        return np.empty(0)
    inner = np.quantile(given, np.linspace(0, 1, count + 1)[1:-1])
    return np.unique(inner)


def engagement_bins(engagement: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Bin index per person (0 … len(edges)); -1 for people without an engagement score."""
    bins = np.searchsorted(edges, np.nan_to_num(engagement), side="right")
    return np.where(np.isfinite(engagement), bins, -1)


@dataclass
class Privacy:
    """The groups the round publishes, and which of them to withhold and why."""

    reasons: dict[tuple, str]
    respondents: dict[tuple, int]
    invited: dict[tuple, int]

    def shown(self, key: tuple) -> bool:
        return key not in self.reasons and self.respondents.get(key, 0) > 0


def judge_privacy(data: RoundData, bins: np.ndarray, k: int) -> Privacy:
    """Withhold small groups and those that would give a small one away (see suppression)."""
    n_bins = int(bins.max()) + 1 if bins.size and bins.max() >= 0 else 0
    ages, tenures = range(len(AGE_BANDS)), range(len(TENURE_BANDS))
    score_keys = [
        groups.TOTAL,
        *(groups.cell(a, t) for a in ages for t in tenures),
        *(groups.age_row(a) for a in ages),
        *(groups.tenure_column(t) for t in tenures),
        groups.ENGAGED,
        *(groups.engagement_bin(b) for b in range(n_bins)),
    ]
    count_keys = [
        *(key for key in score_keys if key[0] != "bin"),  # bins publish no count (see below)
        *(groups.unit_group(u) for u in range(len(data.units))),
    ]
    respondent = data.respondent_rows
    engaged = np.where(np.isfinite(data.engagement), 0, -1)
    no_unit = np.full(data.age.size, -1)
    invited_atoms = groups.Atoms.of_people(data.age, data.tenure, data.unit, engaged)
    answered_atoms = groups.Atoms.of_people(
        data.age[respondent], data.tenure[respondent], data.unit[respondent], engaged[respondent]
    )
    score_atoms = groups.Atoms.of_people(
        data.age[respondent], data.tenure[respondent], no_unit[respondent], bins[respondent]
    )
    every_key = [*count_keys, *(key for key in score_keys if key[0] == "bin")]
    respondents = {
        **answered_atoms.group_sizes(count_keys),
        **score_atoms.group_sizes(k for k in score_keys if k[0] == "bin"),
    }
    invited = invited_atoms.group_sizes(count_keys)
    present = [key for key in every_key if invited.get(key, respondents.get(key, 0)) > 0]
    reasons = groups.protect(
        score_atoms,
        invited_atoms,
        [key for key in score_keys if key in present],
        [key for key in count_keys if key in present],
        {key: respondents[key] for key in present},
        k,
    )
    return Privacy(reasons, respondents, invited)


def round_results(survey_round: SurveyRound) -> dict:
    """Everything GET /rounds/<id>/results answers, with small groups withheld; a closed round's
    answer is computed once per change (crossover.company.closed_cache)."""
    return closed_cache.closed_or_computed(
        "results", [survey_round], lambda: _computed_results(survey_round)
    )


def _computed_results(survey_round: SurveyRound) -> dict:
    data = gather(survey_round)
    k = privacy_k()
    edges = engagement_edges(data.engagement, k)
    bins = engagement_bins(data.engagement, edges)
    privacy = judge_privacy(data, bins, k)
    return {
        "round": round_header(survey_round, data.instrument, k),
        "participation": _participation(data, privacy),
        "total": _scale(data, 0, privacy),
        "subscales": [
            {"key": key, **_scale(data, index + 1, privacy)}
            for index, key in enumerate(data.layout.subscales)
        ],
        "map": _map(data, privacy),
        "engagement": _engagement(data, bins, edges, privacy, k),
    }


def round_header(survey_round: SurveyRound, instrument: Instrument, k: int) -> dict:
    return {
        "id": survey_round.id,
        "company_survey_id": survey_round.company_survey_id,
        "label": survey_round.label,
        "opens_on": survey_round.opens_on.isoformat(),
        "closes_on": survey_round.closes_on.isoformat(),
        "instrument_id": instrument.id,
        "instrument_version": instrument.version,
        "scale_min": instrument.scale_min,
        "scale_max": instrument.scale_max,
        "privacy_k": k,
    }


def _withheld(fields: list[str], reason: str, **keep) -> dict:
    return withheld(fields, reason, **keep)


def _participation(data: RoundData, privacy: Privacy) -> dict:
    def entry(group: tuple, **label) -> dict:
        invited = privacy.invited.get(group, 0)
        responded = privacy.respondents.get(group, 0)
        if group in privacy.reasons:
            # Invited counts are the company's own roster; only who answered is protected.
            return {
                **label,
                "invited": invited,
                "responded": None,
                "rate": None,
                "suppressed": True,
                "suppressed_reason": privacy.reasons[group],
            }
        return {
            **label,
            "invited": invited,
            "responded": responded,
            "rate": responded / invited if invited else None,
            "suppressed": False,
        }

    return {
        **entry(groups.TOTAL),
        "by_age_band": [
            entry(groups.age_row(a), key=band)
            for a, band in enumerate(AGE_BANDS)
            if privacy.invited.get(groups.age_row(a))
        ],
        "by_tenure_band": [
            entry(groups.tenure_column(t), key=band)
            for t, band in enumerate(TENURE_BANDS)
            if privacy.invited.get(groups.tenure_column(t))
        ],
        "by_unit": [
            entry(groups.unit_group(u), key=name)
            for u, name in enumerate(data.units)
            if privacy.invited.get(groups.unit_group(u))
        ],
    }


def _scale(data: RoundData, column: int, privacy: Privacy) -> dict:
    if groups.TOTAL in privacy.reasons:
        return _withheld(SUMMARY, privacy.reasons[groups.TOTAL])
    return {**summary_dict(data.scores[:, column]), "suppressed": False}


def _group_mean(data: RoundData, mask: np.ndarray, key: tuple, privacy: Privacy, **label) -> dict:
    if key in privacy.reasons:
        return _withheld(["n", "mean"], privacy.reasons[key], **label)
    totals = data.scores[mask, 0]
    mean = float(totals.mean()) if totals.size else None
    return {**label, "n": int(totals.size), "mean": mean, "suppressed": False}


def _map(data: RoundData, privacy: Privacy) -> dict:
    respondent = data.respondent_rows
    age, tenure = data.age[respondent], data.tenure[respondent]
    return {
        "age_bands": list(AGE_BANDS),
        "tenure_bands": list(TENURE_BANDS),
        "cells": [
            _group_mean(
                data,
                (age == a) & (tenure == t),
                groups.cell(a, t),
                privacy,
                age_band=age_band,
                tenure_band=tenure_band,
            )
            for a, age_band in enumerate(AGE_BANDS)
            for t, tenure_band in enumerate(TENURE_BANDS)
        ],
        "rows": [
            _group_mean(data, age == a, groups.age_row(a), privacy, age_band=band)
            for a, band in enumerate(AGE_BANDS)
        ],
        "columns": [
            _group_mean(data, tenure == t, groups.tenure_column(t), privacy, tenure_band=band)
            for t, band in enumerate(TENURE_BANDS)
        ],
    }


def _engagement(
    data: RoundData, bins: np.ndarray, edges: np.ndarray, privacy: Privacy, k: int
) -> dict:
    fields = [*CORRELATION, "subscales", "items", "line", "bins"]
    if groups.ENGAGED in privacy.reasons or not privacy.shown(groups.ENGAGED):
        reason = privacy.reasons.get(groups.ENGAGED, "small")
        return {**_withheld(fields, reason), "ranked_by": "pearson_r"}
    respondent = data.respondent_rows
    engagement = data.engagement[respondent]
    has = np.isfinite(engagement)
    x = engagement[has]
    scores, items = data.scores[has], data.items[has]
    line = least_squares_line(x, scores[:, 0])
    items_ranked = _items_ranked(data, x, items)
    x_ranks = rankdata(x)  # once for the total and every subscale
    return {
        **correlation_dict(x, scores[:, 0], x_ranks),
        "suppressed": False,
        "subscales": [
            {"key": key, **correlation_dict(x, scores[:, index + 1], x_ranks)}
            for index, key in enumerate(data.layout.subscales)
        ],
        "items": items_ranked,
        "ranked_by": "pearson_r",
        "line": {"intercept": line.intercept, "slope": line.slope},
        "bins": _bins(data, bins[respondent][has], scores[:, 0], edges, x, privacy),
    }


def _items_ranked(data: RoundData, x: np.ndarray, items: np.ndarray) -> list[dict]:
    """Items by their Pearson r with engagement, strongest first (recoded answers: a reverse-
    keyed item counts in the scale's direction); ties share the better rank."""
    entries = []
    for index, item in enumerate(data.layout.items):
        correlation = analysis.pearson(x, items[:, index])
        entries.append(
            {
                "key": item.key,
                "subscale": item.subscale,
                "pearson_r": correlation.r,
                "p_pearson": correlation.p,
                "mean": float(items[:, index].mean()),
            }
        )
    ordered = sorted(
        entries, key=lambda e: -e["pearson_r"] if e["pearson_r"] is not None else np.inf
    )
    ranks = analysis.competition_ranks(
        [e["pearson_r"] if e["pearson_r"] is not None else -np.inf for e in ordered]
    )
    return [{**entry, "rank": int(rank)} for entry, rank in zip(ordered, ranks, strict=True)]


def _bins(
    data: RoundData,
    bins: np.ndarray,
    totals: np.ndarray,
    edges: np.ndarray,
    x: np.ndarray,
    privacy: Privacy,
) -> list[dict]:
    """Mean score per engagement bin; a bin's count is not published (see suppression)."""
    lows = np.concatenate([[x.min()], edges]) if x.size else edges
    highs = np.concatenate([edges, [x.max()]]) if x.size else edges
    out = []
    for b in range(edges.size + 1):
        key = groups.engagement_bin(b)
        mask = bins == b
        if not mask.any():
            continue
        # Placed at the bin's middle: the respondents' own mean engagement would be a sum of a
        # figure the company holds for everyone, over who answered.
        entry = {"low": float(lows[b]), "high": float(highs[b])}
        if key in privacy.reasons:
            out.append({**entry, "mean": None, "suppressed": True})
        else:
            out.append({**entry, "mean": float(totals[mask].mean()), "suppressed": False})
    return out
