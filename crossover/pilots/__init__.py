"""Pilots: registration, preregistration, lifecycle and enrolment."""

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
