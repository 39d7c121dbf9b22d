"""The grid and the initiative catalogue.

Owns venues, levels, reference options (age bands, career phases, concerns, formats, effects),
the workforce bands (catalogue.bands), initiatives with their pages and API, and the option
labels it lends the request edge (catalogue.labels). Rooms above add to its pages through
grid_context and initiative_context (crossover.catalogue.pages).

May import: auth, audit, web, config, db and extensions. Never a study.
"""

from crossover.catalogue.api import api_blp
from crossover.catalogue.pages import pages_bp

__all__ = ["api_blp", "pages_bp"]
