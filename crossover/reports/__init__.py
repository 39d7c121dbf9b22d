"""Pilot reports: statistics from stored scores, with small-group suppression; CSV export."""

from crossover.reports.api import api_blp
from crossover.reports.pages import pages_bp

__all__ = ["api_blp", "pages_bp"]
