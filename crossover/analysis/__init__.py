"""Pure statistics for crossover: arrays in, frozen dataclasses out. No Flask, no database.

Owns every test, effect size, interval, Bayes factor, pooled estimate and power calculation the
reports, the board and the company survey publish, each pinned to R in tests/analysis.

May import: nothing of crossover beyond itself (numpy and scipy only), so a script or a notebook
can use it without an app.
"""

from crossover.analysis.ancova import Ancova, ancova
from crossover.analysis.bayes import BayesFactor, jzs_bf10, paired_bf10
from crossover.analysis.correlation import Pearson, Spearman, pearson, spearman
from crossover.analysis.effect_sizes import (
    PairedEffects,
    change_effects,
    hedges_correction,
    paired_effects,
    rank_biserial,
)
from crossover.analysis.independent import WelchTest, welch
from crossover.analysis.intervals import (
    EffectIntervals,
    HodgesLehmann,
    change_intervals,
    effect_intervals,
    hodges_lehmann,
    smd_interval,
)
from crossover.analysis.meta import (
    Z_975,
    PooledEffect,
    dersimonian_laird,
    gz_variance,
    normal_interval,
    smd_variance,
)
from crossover.analysis.multiplicity import HolmSelection, benjamini_hochberg, holm, holm_select
from crossover.analysis.normality import ShapiroWilk, shapiro_wilk
from crossover.analysis.paired import (
    PairedTTest,
    SignTest,
    WilcoxonTest,
    changes,
    on_grid,
    one_sample_t,
    paired_t,
    sign_of_changes,
    sign_test,
    signed_rank,
    wilcoxon_signed_rank,
)
from crossover.analysis.power import (
    PowerResult,
    TwoArmPowerResult,
    paired_n_for_power,
    paired_power,
    two_arm_n_for_power,
    two_arm_power,
)
from crossover.analysis.ranking import competition_ranks
from crossover.analysis.reliability import cronbach_alpha
from crossover.analysis.verdict import Judgement, Rule, Verdict, judge, verdict

__all__ = [
    "Z_975",
    "Ancova",
    "BayesFactor",
    "EffectIntervals",
    "HodgesLehmann",
    "HolmSelection",
    "Judgement",
    "PairedEffects",
    "PairedTTest",
    "Pearson",
    "PooledEffect",
    "PowerResult",
    "Rule",
    "ShapiroWilk",
    "SignTest",
    "Spearman",
    "TwoArmPowerResult",
    "Verdict",
    "WelchTest",
    "WilcoxonTest",
    "ancova",
    "benjamini_hochberg",
    "change_effects",
    "change_intervals",
    "changes",
    "competition_ranks",
    "cronbach_alpha",
    "dersimonian_laird",
    "effect_intervals",
    "gz_variance",
    "hedges_correction",
    "hodges_lehmann",
    "holm",
    "holm_select",
    "judge",
    "jzs_bf10",
    "normal_interval",
    "on_grid",
    "one_sample_t",
    "paired_bf10",
    "paired_effects",
    "paired_n_for_power",
    "paired_power",
    "paired_t",
    "pearson",
    "rank_biserial",
    "shapiro_wilk",
    "sign_of_changes",
    "sign_test",
    "signed_rank",
    "smd_interval",
    "smd_variance",
    "spearman",
    "two_arm_n_for_power",
    "two_arm_power",
    "verdict",
    "welch",
    "wilcoxon_signed_rank",
]
