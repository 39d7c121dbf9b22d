"""The consortium evidence board."""

from crossover.evidence.api import api_blp
from crossover.evidence.pages import pages_bp

__all__ = ["api_blp", "pages_bp"]
