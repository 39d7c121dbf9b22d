"""Pilot reports: statistics from stored scores, with small-group suppression; CSV export.

Owns a pilot's report (the primary test and verdict, follow-ups, subgroups, comparison arm,
dose, attrition, head counts as reviewers see them), its pages, API and CSV export.

May import: pilots and mentoring (what a report reads), the collection and foundation rooms,
web, config, extensions and waves. Never company, evidence or focus.
"""

from crossover.reports.api import api_blp
from crossover.reports.pages import pages_bp

__all__ = ["api_blp", "pages_bp"]
