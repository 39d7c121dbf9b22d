"""The shared mentor pool, cross-organization matches and session logs.

Owns mentors (with what other organisations may see of them), matches of enrolled people to
mentors, and their sessions, with pages and API; and what it adds to a pilot's page: its matches
and the picker of participants without a mentor (pilot_matches, match_picker).

May import: pilots (a match joins an enrolment), the foundation rooms, web, config, db and
extensions. Never company, reports, evidence or focus.
"""

from crossover.mentoring import pilot_matches
from crossover.mentoring.api import api_blp
from crossover.mentoring.pages import pages_bp

pilot_matches.register()

__all__ = ["api_blp", "pages_bp"]
