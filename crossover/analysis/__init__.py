"""Pure statistics for crossover: arrays in, frozen dataclasses out. No Flask, no database."""
from crossover.analysis.power import PowerResult, paired_n_for_power, paired_power

__all__ = ["PowerResult", "paired_n_for_power", "paired_power"]
