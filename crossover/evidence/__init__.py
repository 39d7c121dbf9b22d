"""The consortium evidence board, and what it adds to the catalogue and pilot list pages.

Owns the board (cells of the grid with pooled effects, heterogeneity and the next pilot's
expected range), initiative contributions, and the providers it registers on the catalogue's
and the pilots' pages (crossover.evidence.contributions).

May import: pilots (closed pilots' reports feed the board), the collection and foundation rooms,
web, config, extensions and waves. Never company, focus or mentoring.
"""

from crossover.evidence import contributions
from crossover.evidence.api import api_blp
from crossover.evidence.pages import pages_bp

contributions.register()

__all__ = ["api_blp", "pages_bp"]
