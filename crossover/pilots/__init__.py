"""Pilots: registration, preregistration, lifecycle and enrolment."""

from crossover.pilots import csv_template  # noqa: F401  (its route is on pages_bp)
from crossover.pilots.api import api_blp
from crossover.pilots.pages import pages_bp

__all__ = ["api_blp", "pages_bp"]
