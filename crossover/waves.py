"""The wave vocabulary: every wave a pilot has, its name, its kind, and its default window.

A pilot asks intake (concerns, no scale), pre and post (the scale), then a follow-up (the scale)
at each offset in days after it ends, named followup_<days>. Nothing else names a wave: code
compares against these constants and helpers, templates against the `waves` global
(crossover.web.ui).

To add a wave kind, touch this module (a constant, wave_names, default_schedule and, if it asks
no scale, asks_scale), its label in crossover.web.ui.LABELS["wave"] with its translations, and the
wording of the survey templates that speak of the wave (surveys/_heading.html, opening.html).
"""

from datetime import date, timedelta

INTAKE, PRE, POST = "intake", "pre", "post"
FOLLOWUP_PREFIX = "followup_"
DEFAULT_FOLLOWUP_DAYS = (30, 60)
# Not a pilot wave: the one survey of a company survey round's roster row (crossover.company).
ROUND = "round"


def followup_wave(days: int) -> str:
    return f"{FOLLOWUP_PREFIX}{days}"


def followup_days_of(wave: str) -> int | None:
    return int(wave.removeprefix(FOLLOWUP_PREFIX)) if wave.startswith(FOLLOWUP_PREFIX) else None


def asks_scale(wave: str) -> bool:
    """Whether the wave asks the instrument's items (intake asks concerns instead)."""
    return wave != INTAKE


def wave_names(followup_days: list[int]) -> list[str]:
    return [INTAKE, PRE, POST, *(followup_wave(d) for d in sorted(followup_days))]


def scale_waves(followup_days: list[int]) -> list[str]:
    """The waves that ask the scale, in schedule order."""
    return [wave for wave in wave_names(followup_days) if asks_scale(wave)]


def default_schedule(starts_on: date, ends_on: date, followup_days: list[int]) -> list[dict]:
    """Intake and pre: from enrolment to starts_on + 7; post: ends_on − 7 to ends_on + 30;
    each follow-up: from its offset after ends_on, open 14 days."""
    week = timedelta(days=7)
    windows = [
        {"wave": INTAKE, "opens_on": None, "closes_on": starts_on + week},
        {"wave": PRE, "opens_on": None, "closes_on": starts_on + week},
        {"wave": POST, "opens_on": ends_on - week, "closes_on": ends_on + timedelta(days=30)},
    ]
    for days in sorted(followup_days):
        opens = ends_on + timedelta(days=days)
        windows.append(
            {
                "wave": followup_wave(days),
                "opens_on": opens,
                "closes_on": opens + timedelta(days=14),
            }
        )
    return windows
