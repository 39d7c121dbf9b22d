"""The verdict block of a report: the judgement, the numbers that decided it, the rule in words,
on the basis the pilot's design gives (ANCOVA, comparison arm or paired changes).

The rule is carried as ``{"key", "label_ja", "label_en"}`` (the house's key/label triplet): the
key names the branch of ``analysis.judge`` (stable, for programs), the labels are the sentence a
reader sees, with the p, α, effect and threshold that decided it, in both languages.
"""

import math

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crossover import analysis
from crossover.analysis import Rule
from crossover.reports.gather import PilotData
from crossover.web.ui import effect_number, p_statement


def verdict_block(
    *,
    n: int,
    k: int,
    basis: str,
    test: str,
    p: float | None,
    effect: float | None,
    effect_name: str,
    alpha: float,
    min_effect: float,
    direction: str,
    constant_change: float | None = None,
) -> dict:
    judgement = analysis.judge(
        n=n,
        k=k,
        p=p,
        effect=effect,
        alpha=alpha,
        min_effect=min_effect,
        direction=direction,
        constant_change=constant_change,
    )
    words = {
        "n": n,
        "k": k,
        "p": p,
        "alpha": alpha,
        "effect": effect,
        "effect_name": effect_name,
        "min_effect": min_effect,
        "direction": direction,
        "constant_change": constant_change,
    }
    labels = {}
    for language in ("ja", "en"):
        with force_locale(language):
            labels[f"label_{language}"] = rule_sentence(judgement.rule, **words)
    return {
        "value": judgement.verdict.value,
        "basis": basis,
        "test": test,
        "p": p,
        "alpha": alpha,
        "direction": direction,
        "effect": effect,
        "effect_name": effect_name,
        "min_effect": min_effect,
        "rule": {"key": judgement.rule.value, **labels},
    }


def _number(value: float) -> str:
    """A threshold as it was preregistered (0.05, 0.2): no padding zeros."""
    return f"{value:g}"


EFFECT_NAMES = {
    "dz": "dz",
    "hedges_g": "Hedges\u2019 g",
    "ancova_d": _l("standardised d (ANCOVA)"),
}


def effect_label(effect_name: str) -> str:
    """The readable name of an effect key ('ancova_d' is for programs, not readers)."""
    return str(EFFECT_NAMES.get(effect_name, effect_name))


def _p_phrase(p: float | None, alpha: float) -> str:
    # p printed as on every page (crossover.web.ui.p_statement): "p < 0.001", "p = 0.012".
    if p is None:
        return _("no p (the test is undefined when every change is the same)")
    if p < alpha:
        return _("%(p)s, below α %(alpha)s", p=p_statement(p), alpha=_number(alpha))
    return _("%(p)s, not below α %(alpha)s", p=p_statement(p), alpha=_number(alpha))


def _effect_phrase(
    effect: float | None,
    effect_name: str,
    min_effect: float,
    direction: str,
    constant_change: float | None,
) -> str:
    if effect is None and constant_change:
        return _(
            "every change is the same (%(change)s), which meets the effect condition",
            change=f"{constant_change:+.2f}",
        )
    hoped = -effect if direction == "decrease" else effect
    name = effect_label(effect_name)
    name = f"−{name}" if direction == "decrease" else name
    if math.isfinite(hoped) and hoped >= min_effect:
        return _(
            "%(name)s = %(effect)s ≥ %(min)s",
            name=name,
            effect=effect_number(hoped),
            min=_number(min_effect),
        )
    return _(
        "%(name)s = %(effect)s < %(min)s",
        name=name,
        effect=effect_number(hoped),
        min=_number(min_effect),
    )


def _where(rule: Rule, direction: str) -> str:
    """Which way the result went. A one-sided preregistration names its direction; a two-sided
    one hoped for nothing in particular, so only the observed way is said (a rise, a fall)."""
    hoped_way = rule is not Rule.SIGNIFICANT_WRONG_WAY
    rise = hoped_way != (direction == "decrease")
    if direction == "two-sided":
        return _("with a rise") if rise else _("with a fall")
    if hoped_way:
        return (
            _("in the preregistered direction (a rise)")
            if rise
            else _("in the preregistered direction (a fall)")
        )
    return (
        _("against the preregistered direction (a rise)")
        if rise
        else _("against the preregistered direction (a fall)")
    )


def rule_sentence(
    rule: Rule, *, n, k, p, alpha, effect, effect_name, min_effect, direction, constant_change
) -> str:
    """The branch taken, with its numbers, in the current locale."""
    if rule is Rule.TOO_FEW_PAIRS:
        # Without n: a reviewer reads no head count under K (the pairs, or the smaller arm's).
        return _("Fewer than %(k)s complete pairs: too few to judge.", k=k)
    if rule is Rule.NO_EFFECT_SIZE:
        return _("No effect size could be computed: no evidence either way.")
    p_words = _p_phrase(p, alpha)
    effect_words = _effect_phrase(effect, effect_name, min_effect, direction, constant_change)
    where = _where(rule, direction)
    if rule is Rule.SIGNIFICANT_AND_LARGE:
        return _(
            "%(p)s %(where)s, and %(effect)s: a small success.",
            p=p_words,
            where=where,
            effect=effect_words,
        )
    if rule is Rule.SIGNIFICANT_BUT_SMALL:
        return _(
            "%(p)s %(where)s, but %(effect)s: no evidence of a change that matters.",
            p=p_words,
            where=where,
            effect=effect_words,
        )
    if rule is Rule.SIGNIFICANT_WRONG_WAY:
        return _("%(p)s %(where)s: adverse.", p=p_words, where=where)
    if rule is Rule.LARGE_NOT_SIGNIFICANT:
        return _(
            "%(effect)s %(where)s, but %(p)s: promising.",
            p=p_words,
            where=where,
            effect=effect_words,
        )
    return _("%(p)s and %(effect)s: no evidence.", p=p_words, effect=effect_words)


def report_verdict(
    data: PilotData, primary: dict, comparison: dict | None, ancova: dict | None, k: int
) -> dict:
    """The report's verdict, on the ANCOVA, else the comparison arm, else the paired changes."""
    pilot = data.pilot
    common = dict(k=k, alpha=pilot.alpha, min_effect=pilot.min_dz, direction=pilot.direction.value)
    if ancova is not None:  # a randomised pilot's verdict rests on the ANCOVA
        n = min(ancova["n_participant"] or 0, ancova["n_comparison"] or 0)
        return verdict_block(
            n=n,
            basis="ancova",
            test="ancova",
            p=ancova["p"],
            effect=ancova["standardized"],
            effect_name="ancova_d",
            **common,
        )
    if comparison is not None:
        n = min(comparison["n_participant"] or 0, comparison["n_comparison"] or 0)
        # both arms without spread: the difference itself decides the effect condition
        constant = comparison["difference"] if n and comparison["hedges_g"] is None else None
        return verdict_block(
            n=n,
            basis="comparison",
            test="welch",
            p=comparison["p"],
            effect=comparison["hedges_g"],
            effect_name="hedges_g",
            constant_change=constant,
            **common,
        )
    n = primary["n"] or 0
    constant = primary["mean_change"] if n and primary["sd_change"] == 0 else None
    return verdict_block(
        n=n,
        basis="paired",
        test=pilot.primary_test.value,
        p=primary["p_primary"],
        effect=primary["dz"],
        effect_name="dz",
        constant_change=constant,
        **common,
    )
