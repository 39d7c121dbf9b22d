"""Small-group suppression: any aggregate over fewer than K people is withheld.

Complementary suppression: when exactly one group of a breakdown is withheld, the next smallest
is withheld too, so the hidden figures cannot be recovered by subtracting the visible groups from
the visible total.
"""
from collections.abc import Callable


def withheld(fields: list[str], **keep) -> dict:
    """A withheld aggregate: every number null, `suppressed: true`."""
    return {**{name: None for name in fields}, **keep, "suppressed": True}


def suppress_breakdown(groups: list[dict], k: int, blank: Callable[[dict], dict]) -> list[dict]:
    """Withhold groups under k people, plus one more when a single group would be recoverable.

    Each group dict carries its size in "n"; `blank` turns a group into its withheld form.
    """
    small = [g for g in groups if 0 < g["n"] < k]
    visible = [g for g in groups if g["n"] >= k]
    if len(small) == 1 and visible:
        small.append(min(visible, key=lambda g: g["n"]))
    hidden = {id(g) for g in small}
    return [blank(g) if id(g) in hidden else g for g in groups]
