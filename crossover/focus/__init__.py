"""Focus areas: from a company survey's weak spot to actions and pilots, and back to the next
round's figures.

Owns focus areas with their actions, the pilots linked to them, their follow-through on the next
closed round, and what they add to the company trend page (crossover.focus.follow_up).

May import: company, evidence, pilots and reports (it joins them), the collection and
foundation rooms, web, config, db and extensions. No room imports focus.
"""

from crossover.focus import follow_up
from crossover.focus.api import api_blp
from crossover.focus.pages import pages_bp

follow_up.register()

__all__ = ["api_blp", "pages_bp"]
