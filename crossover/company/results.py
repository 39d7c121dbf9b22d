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
from crossover.catalogue.bands import AGE_BANDS, TENURE_BANDS
from crossover.company import engagement
from crossover.company import participation as participation_counts
from crossover.company import suppression as groups
from crossover.company.models import RoundResponse, SurveyRound
from crossover.company.rounds import roster_of
from crossover.config import privacy_k
from crossover.extensions import db
from crossover.instruments.models import Instrument
from crossover.privacy.suppression import SMALL, withheld
from crossover.surveys.bulk import concat_bytes
from crossover.surveys.packed import RecordLayout

SUMMARY = ["n", "mean", "sd", "ci_low", "ci_high"]
CORRELATION = ["n", "pearson_r", "ci_low", "ci_high", "p_pearson", "spearman_rho", "p_spearman"]


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


def gather(survey_round: SurveyRound) -> RoundData:
    """The round's roster (kept between uploads, crossover.company.roster_cache) and its
    responses (read afresh, in one statement)."""
    instrument = db.session.get(Instrument, survey_round.instrument_id)
    layout = RecordLayout.of(instrument)
    roster = roster_of(survey_round)
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


@dataclass
class Privacy:
    """The groups the round publishes, and which of them to withhold and why."""

    reasons: dict[tuple, str]
    respondents: dict[tuple, int]
    invited: dict[tuple, int]

    def shown(self, key: tuple) -> bool:
        return key not in self.reasons and self.respondents.get(key, 0) > 0


def judge_privacy(
    data: RoundData,
    bins: np.ndarray,
    k: int,
    panel: np.ndarray | None = None,
    settled: dict | None = None,
) -> Privacy:
    """Withhold small groups and those that would give a small one away (see suppression).

    `bins`: each roster row's engagement group (-1: no score; all 0: the engaged respondents
    as one group); `panel`: 1 for roster rows who also answered the previous round (None: no
    panel is published with this round); `settled`: the reasons judged without engagement
    groups and panel (see suppression.protect)."""
    n_bins = int(bins.max()) + 1 if bins.size and bins.max() >= 0 else 0
    n_bins = n_bins if n_bins >= 2 else 0  # one group is the engaged respondents themselves
    ages, tenures = range(len(AGE_BANDS)), range(len(TENURE_BANDS))
    score_keys = [
        groups.TOTAL,
        *(groups.cell(a, t) for a in ages for t in tenures),
        *(groups.age_row(a) for a in ages),
        *(groups.tenure_column(t) for t in tenures),
        groups.ENGAGED,
        *(groups.engagement_bin(b) for b in range(n_bins)),
        *([groups.PANEL] if panel is not None else []),
    ]
    # Engagement groups publish no count (see below); the panel's count is of people who
    # answered both rounds, its own variable, and needs K respondents itself.
    count_keys = [
        *(key for key in score_keys if key[0] not in ("bin", "panel")),
        *(groups.unit_group(u) for u in range(len(data.units))),
    ]
    score_only = [key for key in score_keys if key[0] in ("bin", "panel")]
    respondent = data.respondent_rows
    engaged = np.where(np.isfinite(data.engagement), 0, -1)
    no_unit = np.full(data.age.size, -1)
    invited_atoms = groups.Atoms.of_people(data.age, data.tenure, data.unit, engaged)
    answered_atoms = groups.Atoms.of_people(
        data.age[respondent], data.tenure[respondent], data.unit[respondent], engaged[respondent]
    )
    score_atoms = groups.Atoms.of_people(
        data.age[respondent],
        data.tenure[respondent],
        no_unit[respondent],
        bins[respondent],
        panel=None if panel is None else panel[respondent],
    )
    every_key = [*count_keys, *score_only]
    respondents = {
        **answered_atoms.group_sizes(count_keys),
        **score_atoms.group_sizes(score_only),
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
        settled,
    )
    return Privacy(reasons, respondents, invited)


@dataclass
class Computed:
    """A closed round's figures as first computed, with what later judgements need: the score
    groups it published and how its engagement scores were grouped."""

    results: dict
    shown_score_keys: list[tuple]
    engagement_tops: list[float]
    panel_shown: bool | None  # None: no panel was judged
    favourable: float | None  # share of respondents at the favourable point (None: withheld)


def compute(survey_round: SurveyRound, panel: np.ndarray | None = None) -> Computed:
    """The round's results with small groups withheld; `panel` as for judge_privacy."""
    data = gather(survey_round)
    k = privacy_k()
    responded = np.zeros(data.member_ids.size, dtype=bool)
    responded[data.respondent_rows] = True
    # The map, margins and participation first (the same for every grouping tried), then each
    # grouping of the engagement scores, fewer and larger groups in turn, with the panel.
    no_groups = np.where(np.isfinite(data.engagement), 0, -1)
    settled = judge_privacy(data, no_groups, k).reasons
    chosen, privacy = None, None
    for count in engagement.GROUP_COUNTS:
        grouping = engagement.group(data.engagement, responded, k, count)
        if grouping.count < 2:
            continue
        privacy = judge_privacy(data, grouping.codes, k, panel, settled)
        bins = [groups.engagement_bin(b) for b in range(grouping.count)]
        if privacy.shown(groups.ENGAGED) and not any(key in privacy.reasons for key in bins):
            chosen = grouping
            break
    if chosen is None:
        chosen = engagement.NO_GROUPS
        privacy = judge_privacy(data, no_groups, k, panel, settled)
    results = {
        "round": round_header(survey_round, data.instrument, k),
        "participation": _participation(data, privacy),
        "total": _scale(data, 0, privacy),
        "subscales": [
            {"key": key, **_scale(data, index + 1, privacy)}
            for index, key in enumerate(data.layout.subscales)
        ],
        "map": _map(data, privacy),
        "engagement": _engagement(data, chosen, privacy),
        "item_distribution": item_distribution(data) if privacy.shown(groups.TOTAL) else [],
    }
    shown = [key for key in privacy.respondents if privacy.shown(key) and key[0] != "unit"]
    panel_shown = None if panel is None else privacy.shown(groups.PANEL)
    favourable = favourable_share(data) if privacy.shown(groups.TOTAL) else None
    return Computed(results, shown, chosen.edges(), panel_shown, favourable)


def favourable_share(data: RoundData) -> float | None:
    """Share of respondents whose total is at least the favourable point (4 on 1–5), compared
    exactly on the integer item sums: sum · 4 ≥ (4·min + 3·(max − min)) · items. A figure of
    the total group (one more variable over the same people, so it needs only the total's K)."""
    if not data.sums.shape[0]:
        return None
    layout = data.layout
    threshold = (4 * layout.scale_min + 3 * (layout.scale_max - layout.scale_min)) * int(
        layout.counts[0]
    )
    return float(np.mean(data.sums[:, 0] * 4 >= threshold))


def item_bands(layout: RecordLayout, values: np.ndarray) -> np.ndarray:
    """Each recoded answer's band: 1 favourable, 0 neutral, -1 unfavourable. On 1–5 these are
    4–5, 3 and 1–2; on another scale the answer is placed on 0–1, (v − min) / (max − min), and
    is favourable at 3/4 or more and unfavourable at 1/4 or less (1–7: 6–7, 3–5, 1–2; 1–4: 4,
    2–3, 1), compared exactly in integers."""
    position, span = 4 * (values - layout.scale_min), layout.scale_max - layout.scale_min
    return np.where(position >= 3 * span, 1, np.where(position <= span, -1, 0))


def item_distribution(data: RoundData) -> list[dict]:
    """Per item, the shares of respondents whose recoded answer is favourable, neutral or
    unfavourable (see item_bands): figures of the total group, like the favourable share, so
    they need only the total's K. `change_favourable` is filled in by the publication."""
    bands = item_bands(data.layout, data.items)
    n = int(bands.shape[0])
    return [
        {
            "key": item.key,
            "subscale": item.subscale,
            "reverse": bool(item.reverse),
            "n": n,
            "favourable": float(np.mean(bands[:, index] == 1)),
            "neutral": float(np.mean(bands[:, index] == 0)),
            "unfavourable": float(np.mean(bands[:, index] == -1)),
            "change_favourable": None,
        }
        for index, item in enumerate(data.layout.items)
    ]


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
    return participation_counts.shaped(
        privacy.reasons, privacy.respondents, privacy.invited, data.units
    )


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


def _engagement(data: RoundData, grouping: engagement.EngagementGroups, privacy: Privacy) -> dict:
    """The engagement relation over the engagement groups (see crossover.company.engagement):
    published only while the engaged respondents and every group are."""
    fields = [*CORRELATION, "subscales", "items", "line", "bins"]
    head = {"ranked_by": "pearson_r", "coarsened": grouping.coarsened, "groups": grouping.count}
    if grouping.count < 2 or not privacy.shown(groups.ENGAGED):
        reason = privacy.reasons.get(groups.ENGAGED, SMALL)
        return {**_withheld(fields, reason), **head}
    respondent = data.respondent_rows
    codes = grouping.codes[respondent]
    has = codes >= 0
    x = grouping.values[codes[has]]
    scores, items = data.scores[has], data.items[has]
    line = least_squares_line(x, scores[:, 0])
    x_ranks = rankdata(x)  # once for the total and every subscale
    return {
        **correlation_dict(x, scores[:, 0], x_ranks),
        "suppressed": False,
        "subscales": [
            {"key": key, **correlation_dict(x, scores[:, index + 1], x_ranks)}
            for index, key in enumerate(data.layout.subscales)
        ],
        "items": _items_ranked(data, x, items),
        **head,
        "line": {"intercept": line.intercept, "slope": line.slope},
        "bins": _bins(grouping, codes[has], scores[:, 0]),
    }


# "What to work on" lists an item only when its correlation with engagement holds after Holm's
# adjustment over all the items: twelve tests at 0.05 would find one by chance half the time.
WORK_ON_ALPHA = 0.05


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
                "reverse": bool(item.reverse),
                "pearson_r": correlation.r,
                "p_pearson": correlation.p,
                "mean": float(items[:, index].mean()),
            }
        )
    selection = analysis.holm_select([e["p_pearson"] for e in entries], WORK_ON_ALPHA)
    for entry, adjusted, chosen in zip(
        entries, selection.adjusted, selection.selected, strict=True
    ):
        entry["p_holm"], entry["work_on"] = adjusted, chosen
    ordered = sorted(
        entries, key=lambda e: -e["pearson_r"] if e["pearson_r"] is not None else np.inf
    )
    ranks = analysis.competition_ranks(
        [e["pearson_r"] if e["pearson_r"] is not None else -np.inf for e in ordered]
    )
    return [{**entry, "rank": int(rank)} for entry, rank in zip(ordered, ranks, strict=True)]


def _bins(grouping: engagement.EngagementGroups, codes: np.ndarray, totals: np.ndarray) -> list:
    """Mean score per engagement group, placed by the group's range of roster scores (the
    respondents' own mean engagement would be a sum of a figure the company holds for everyone,
    over who answered); a group's count is not published."""
    sums = np.bincount(codes, weights=totals, minlength=grouping.count)
    counts = np.bincount(codes, minlength=grouping.count)
    return [
        {
            "low": float(grouping.lows[b]),
            "high": float(grouping.highs[b]),
            "value": float(grouping.values[b]),
            "mean": float(sums[b] / counts[b]),
            "suppressed": False,
        }
        for b in range(grouping.count)
    ]
