"""Focus areas: from a company survey's weak spot to actions and pilots, and back to the next
round's figures."""

from crossover.focus.api import api_blp
from crossover.focus.pages import pages_bp

__all__ = ["api_blp", "pages_bp"]
