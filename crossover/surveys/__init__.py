"""Participant surveys: the token-only API and the phone-first pages."""

from crossover.surveys.api import api_blp
from crossover.surveys.pages import pages_bp

__all__ = ["api_blp", "pages_bp"]
