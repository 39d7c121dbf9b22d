"""Accounts, roles and sign-in.

Owns organisations, users and roles, sessions and API tokens, sign-in rate limits, account links
(invitation, password reset; crossover.auth.accounts) and the access decorators every room's
views use (crossover.auth.access).

May import: audit, outbox (account mail goes out through it), web, config, db and extensions.
Never a study: the rooms above check roles through auth.access.
"""

from crossover.auth.api import api_blp
from crossover.auth.pages import pages_bp

__all__ = ["api_blp", "pages_bp"]
