"""Wave names and the default wave schedule of DESIGN.md."""
from datetime import date, timedelta

INTAKE, PRE, POST = "intake", "pre", "post"
DEFAULT_FOLLOWUP_DAYS = (30, 60)


def followup_wave(days: int) -> str:
    return f"followup_{days}"


def followup_days_of(wave: str) -> int | None:
    prefix = "followup_"
    return int(wave[len(prefix):]) if wave.startswith(prefix) else None


def wave_names(followup_days: list[int]) -> list[str]:
    return [INTAKE, PRE, POST, *(followup_wave(d) for d in sorted(followup_days))]


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
        windows.append({"wave": followup_wave(days), "opens_on": opens, "closes_on": opens + timedelta(days=14)})
    return windows
