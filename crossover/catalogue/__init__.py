"""The grid and the initiative catalogue."""

from crossover.catalogue.api import api_blp
from crossover.catalogue.pages import pages_bp

__all__ = ["api_blp", "pages_bp"]
