"""What a round's roster rows give, kept per process until a roster or engagement upload.

Results read every roster row of the round (bands, unit, engagement), and the trend pairs the
rosters of consecutive rounds by hashed ref: at 100,000 people, a few hundred milliseconds of
SQL that gives the same answer until the roster changes. Roster rows change only through the
roster and engagement uploads, and each bumps the round's `data_version` in its own
transaction, so a value kept under the round's id, creation time and data version (as read in
this request, before the roster rows) is current whenever that key matches. Responses are never
kept here: results and trend read them afresh.

Values are numpy arrays made read-only, shared by every request that finds them.
"""

from collections.abc import Callable, Sequence
import threading
from typing import TypeVar

from flask import current_app
import numpy as np

from crossover.company.models import SurveyRound

MAX_ENTRIES = 16  # a 100,000-person roster is some 2 MB of arrays
_KEY = "company_roster_arrays"
_LOCK = threading.Lock()

T = TypeVar("T")


def roster_derived(kind: str, rounds: Sequence[SurveyRound], compute: Callable[[], T]) -> T:
    """compute() (arrays, or a tuple or dataclass of arrays), or its earlier value while none
    of `rounds` has had an upload since."""
    key = (kind, *((r.id, r.created_at, r.data_version) for r in rounds))
    entries = current_app.extensions.setdefault(_KEY, {})
    found = entries.get(key)
    if found is not None:
        return found
    value = compute()
    _freeze(value)
    with _LOCK:
        if len(entries) >= MAX_ENTRIES:
            entries.clear()
        entries[key] = value
    return value


def _freeze(value) -> None:
    parts = value if isinstance(value, tuple) else vars(value).values()
    for part in parts:
        if isinstance(part, np.ndarray):
            part.flags.writeable = False
