"""The shared mentor pool, cross-organization matches and session logs."""

from crossover.mentoring.api import api_blp
from crossover.mentoring.pages import pages_bp

__all__ = ["api_blp", "pages_bp"]
