"""Pilots: registration, preregistration, lifecycle and enrolment.

Owns pilots with their preregistration, schedule of waves and allocation, enrolments (one by
one and by CSV), contacts, and their pages and API. It lends the collection rooms its survey
links and mail (registered when the app is built, crossover.modules). Rooms above add to its
list page and a pilot's page through list_context and detail_context (crossover.pilots.pages).

May import: the collection rooms (surveys, instruments, outbox), the foundation (privacy,
analysis, catalogue, auth, audit), web, config, db, extensions and waves. Never another study.
"""

# The route modules add their pages to pages_bp; imported here so each is registered.
from crossover.pilots import (  # noqa: F401
    csv_template,
    enrolment_pages,
    lifecycle_pages,
    registration_pages,
)
from crossover.pilots.api import api_blp
from crossover.pilots.pages import pages_bp

__all__ = ["api_blp", "pages_bp"]
