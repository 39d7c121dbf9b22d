"""Participant surveys: the token-only API and the phone-first pages.

A collection room. It owns invitations, stored responses with their analysis copies (scores,
packed records, concern rows), drafts, survey tokens and draft keys, and answers a token for
whichever study it belongs to through the kinds of link the studies register (kinds.py).

May import: the package root's config, db, extensions and waves; catalogue (the intake's concerns);
instruments (the questionnaire a survey asks); the request edge (web). Never a study (pilots,
mentoring, company, reports, evidence, focus): they import surveys and plug into it.
"""

from crossover.surveys.api import api_blp
from crossover.surveys.pages import pages_bp

__all__ = ["api_blp", "pages_bp"]
