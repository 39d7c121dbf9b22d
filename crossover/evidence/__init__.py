"""The consortium evidence board, and what it adds to the catalogue and pilot list pages."""

from crossover.evidence import contributions
from crossover.evidence.api import api_blp
from crossover.evidence.pages import pages_bp

contributions.register()

__all__ = ["api_blp", "pages_bp"]
