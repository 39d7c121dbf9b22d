"""Accounts without the command line: organisations, users, one-time links, own account."""

from crossover.auth.accounts.api import api_blp
from crossover.auth.accounts.pages import pages_bp

__all__ = ["api_blp", "pages_bp"]
