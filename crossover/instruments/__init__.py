"""Versioned questionnaires.

A collection room. It owns instruments and their items, who sees which, and their versions: an
instrument a study froze is revised as a new version. Which ones are frozen, each study answers
through the function it registers (in_use.py).

May import: the package root's db and extensions; audit; auth (actors and organizations); the
request edge (web). Never a study (pilots, mentoring, company, reports, evidence, focus).
"""

from crossover.instruments.api import api_blp
from crossover.instruments.pages import pages_bp

__all__ = ["api_blp", "pages_bp"]
