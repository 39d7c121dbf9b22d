"""A focus area's figures, read only from rounds' frozen publications.

A focus area's group is one the round published: the whole company, an age × tenure map cell,
an age row, a tenure column, or a unit (whose results publish participation counts only). Its
figure is what the publication shows for that group: the total or a subscale (n, mean, SD, CI)
and the total's favourable share for the whole company; an item's distribution where the round
publishes one; the total's n and mean for a map cell, row or column. Nothing is computed from
answers here, so a focus area can never add a group or a figure to what the round published.

The change since the baseline compares two published figures: the difference in means, with the
Welch CI from the two published n, mean and SD (R ``t.test(later, earlier)`` gives the same
interval from the answers), and the change in the favourable share.
"""

from dataclasses import dataclass
import math

from flask_babel import gettext as _
from scipy import stats

from crossover.catalogue.bands import AGE_BANDS, TENURE_BANDS
from crossover.config import privacy_k
from crossover.privacy.suppression import COMPLEMENTARY, SMALL

BASELINE = ["n", "mean", "sd", "favourable", "ci_low", "ci_high"]
# The trend's thresholds: a round under these is not comparable, its change never called real.
COMPARABLE_RATE = 0.5
COMPARABLE_RESPONDENTS = 30


@dataclass(frozen=True)
class Target:
    """What a focus area follows: a scale ("total" or a subscale) or an item, in a group."""

    scale: str | None
    item: str | None
    age_band: str | None = None
    tenure_band: str | None = None
    unit: str | None = None

    @property
    def group(self) -> str:
        if self.unit is not None:
            return "unit"
        if self.age_band and self.tenure_band:
            return "cell"
        if self.age_band:
            return "age_band"
        if self.tenure_band:
            return "tenure_band"
        return "company"


class NotPublished(Exception):
    """The round does not publish the figure asked for: `field` names the input, `rule` the
    reason (a code), `message` says it in words."""

    def __init__(self, field: str, rule: str, message: str):
        super().__init__(message)
        self.field, self.rule, self.message = field, rule, message


def _withheld_message(reason: str | None, k: int) -> str:
    if reason == COMPLEMENTARY:
        return _(
            "The round's results withhold this group so that a smaller group cannot be worked "
            "out from it; a focus area may only use a group the results publish."
        )
    return _(
        "The round's results withhold this group: it has fewer than %(k)s respondents; a focus "
        "area may only use a group the results publish.",
        k=k,
    )


def _check_shown(entry: dict | None, field: str, k: int, count: str = "n") -> dict:
    if entry is None:
        raise NotPublished(field, SMALL, _withheld_message(SMALL, k))
    if entry.get("suppressed"):
        reason = entry.get("suppressed_reason") or SMALL
        raise NotPublished(field, reason, _withheld_message(reason, k))
    if (entry.get(count) or 0) < k:
        raise NotPublished(field, SMALL, _withheld_message(SMALL, k))
    return entry


def _figure(n, mean=None, sd=None, favourable=None, ci_low=None, ci_high=None, **head) -> dict:
    return {
        **head,
        "n": n,
        "mean": mean,
        "sd": sd,
        "favourable": favourable,
        "ci_low": ci_low,
        "ci_high": ci_high,
    }


def published_figure(publication: dict, target: Target) -> dict:
    """The target's figure as the publication shows it; NotPublished when it does not."""
    results = publication["results"]
    k = results["round"].get("privacy_k") or privacy_k()
    group = target.group
    if group == "company":
        return _company_figure(publication, target, k)
    # A group narrower than the company publishes the total score only (or, for a unit, counts).
    if group == "unit":
        units = {u["key"]: u for u in results["participation"]["by_unit"]}
        entry = _check_shown(units.get(target.unit), "unit", k, count="responded")
        return _figure(entry["responded"], figure=None, group=group)
    if group == "cell":
        cells = {(c["age_band"], c["tenure_band"]): c for c in results["map"]["cells"]}
        entry = cells.get((target.age_band, target.tenure_band))
        field = "tenure_band"
    elif group == "age_band":
        entry = {r["age_band"]: r for r in results["map"]["rows"]}.get(target.age_band)
        field = "age_band"
    else:
        entry = {c["tenure_band"]: c for c in results["map"]["columns"]}.get(target.tenure_band)
        field = "tenure_band"
    entry = _check_shown(entry, field, k)
    return _figure(entry["n"], entry["mean"], figure="total", group=group)


def _company_figure(publication: dict, target: Target, k: int) -> dict:
    results = publication["results"]
    total = _check_shown(results["total"], "scale" if target.scale else "item", k)
    if target.item is not None:
        items = {i["key"]: i for i in results.get("item_distribution") or []}
        entry = items.get(target.item)
        if entry is None:
            raise NotPublished(
                "item",
                "not_published",
                _("This round's results publish no figures for single items."),
            )
        entry = _check_shown(entry, "item", k)
        return _figure(
            entry["n"], favourable=entry.get("favourable"), figure=target.item, group="company"
        )
    if target.scale == "total":
        scale, favourable = total, publication.get("favourable")
    else:
        scale = next((s for s in results["subscales"] if s["key"] == target.scale), None)
        if scale is None:  # a later questionnaire version without this subscale
            raise NotPublished(
                "scale", "not_published", _("This round's results publish no such subscale.")
            )
        favourable = None  # the results publish the favourable share of the total only
    return _figure(
        scale["n"],
        scale["mean"],
        scale["sd"],
        favourable,
        scale["ci_low"],
        scale["ci_high"],
        figure=target.scale,
        group="company",
    )


def check_bands(target: Target) -> None:
    """Bands must be the company survey's own; a unit stands alone (the results publish no unit
    by band)."""
    if target.age_band is not None and target.age_band not in AGE_BANDS:
        raise NotPublished(
            "age_band",
            "unknown",
            _("Use one of the age bands: %(bands)s.", bands=", ".join(AGE_BANDS)),
        )
    if target.tenure_band is not None and target.tenure_band not in TENURE_BANDS:
        raise NotPublished(
            "tenure_band",
            "unknown",
            _("Use one of the tenure bands: %(bands)s.", bands=", ".join(TENURE_BANDS)),
        )
    if target.unit is not None and (target.age_band or target.tenure_band):
        raise NotPublished(
            "unit",
            "not_published",
            _(
                "The results publish units on their own, not by age or tenure band; choose a "
                "unit or a band."
            ),
        )


def comparable(publication: dict) -> bool:
    """A round of at least 30 respondents and 50% response (the trend's thresholds)."""
    total = publication["results"]["participation"]
    responded, rate = total.get("responded"), total.get("rate")
    return (
        responded is not None
        and rate is not None
        and responded >= COMPARABLE_RESPONDENTS
        and rate >= COMPARABLE_RATE
    )


def welch_interval(earlier: dict, later: dict) -> tuple[float, float] | None:
    """The 95% Welch CI of later − earlier from published n, mean and SD (R ``t.test(later,
    earlier)``'s conf.int, which depends on the answers through these alone)."""
    n1, n2 = earlier.get("n"), later.get("n")
    s1, s2 = earlier.get("sd"), later.get("sd")
    if None in (n1, n2, s1, s2) or n1 < 2 or n2 < 2:
        return None
    v1, v2 = s1**2 / n1, s2**2 / n2
    se2 = v1 + v2
    if se2 == 0:
        return None
    df = se2**2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
    half = float(stats.t.ppf(0.975, df)) * math.sqrt(se2)
    difference = later["mean"] - earlier["mean"]
    return difference - half, difference + half


def change(earlier: dict, later: dict) -> dict:
    """The change of one published figure between two rounds."""
    difference = None
    if earlier.get("mean") is not None and later.get("mean") is not None:
        difference = later["mean"] - earlier["mean"]
    interval = welch_interval(earlier, later) if difference is not None else None
    favourable = None
    if earlier.get("favourable") is not None and later.get("favourable") is not None:
        favourable = later["favourable"] - earlier["favourable"]
    return {
        "difference": difference,
        "ci_low": interval[0] if interval else None,
        "ci_high": interval[1] if interval else None,
        "favourable_change": favourable,
    }
