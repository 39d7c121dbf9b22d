"""Pure statistics for crossover: arrays in, frozen dataclasses out. No Flask, no database."""
from crossover.analysis.correlation import Pearson, Spearman, pearson, spearman
from crossover.analysis.effect_sizes import PairedEffects, hedges_correction, paired_effects, rank_biserial
from crossover.analysis.independent import WelchTest, welch
from crossover.analysis.meta import PooledEffect, dersimonian_laird, gz_variance
from crossover.analysis.multiplicity import benjamini_hochberg, holm
from crossover.analysis.normality import ShapiroWilk, shapiro_wilk
from crossover.analysis.paired import PairedTTest, SignTest, WilcoxonTest, paired_t, sign_test, wilcoxon_signed_rank
from crossover.analysis.power import PowerResult, paired_n_for_power, paired_power
from crossover.analysis.ranking import competition_ranks
from crossover.analysis.reliability import cronbach_alpha
from crossover.analysis.verdict import Verdict, verdict

__all__ = [
    "PairedEffects", "PairedTTest", "Pearson", "PooledEffect", "PowerResult", "ShapiroWilk", "SignTest", "Spearman",
    "Verdict", "WelchTest", "WilcoxonTest", "benjamini_hochberg", "competition_ranks", "cronbach_alpha",
    "dersimonian_laird", "gz_variance", "hedges_correction", "holm", "paired_effects", "paired_n_for_power",
    "paired_power", "paired_t", "pearson", "rank_biserial", "sign_test", "shapiro_wilk", "spearman", "verdict", "welch",
    "wilcoxon_signed_rank",
]
