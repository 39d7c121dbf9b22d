"""Accounts, roles and sign-in."""

from crossover.auth.api import api_blp
from crossover.auth.pages import pages_bp

__all__ = ["api_blp", "pages_bp"]
