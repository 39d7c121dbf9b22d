"""Versioned questionnaires."""

from crossover.instruments.api import api_blp
from crossover.instruments.pages import pages_bp

__all__ = ["api_blp", "pages_bp"]
