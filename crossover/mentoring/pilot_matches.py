"""What mentoring adds to a pilot's page: its matches, the picker of participants without a
mentor (with its search) and the other organisations' available mentors.

The pilots room cannot import mentoring (mentoring builds on pilots), so this registers with the
pilot page's context providers when mentoring is imported.
"""

from flask import request

from crossover.catalogue import services as catalogue
from crossover.mentoring import match_picker, services
from crossover.pilots import pages as pilot_pages
from crossover.pilots.models import Pilot


def picker_search(args) -> match_picker.PickerSearch:
    """The match picker's search as typed (?find_code=&find_age_band=&find_phase=); a value
    that is no known option is ignored rather than refused: it is a search, not a save."""
    return match_picker.PickerSearch(
        code=(args.get("find_code") or "").strip()[:32],
        age_band=_known(args.get("find_age_band"), "age_band"),
        career_phase=_known(args.get("find_phase"), "career_phase"),
    )


def _known(value: str | None, kind: str) -> str:
    return value if value and value in {o.key for o in catalogue.options(kind)} else ""


def match_section(pilot: Pilot, is_owner: bool) -> dict:
    """The pilot page's matches section: owners see matches and the picker; everyone the
    mentors another organisation offers."""
    matches = services.list_matches(pilot) if is_owner else []
    matched = {m.enrollment_id for m in matches}
    search = picker_search(request.args)
    unmatched = (
        match_picker.unmatched_participants(pilot, matched, search=search) if is_owner else []
    )
    # Counted only when the cap is reached: below it the picker already shows everyone.
    unmatched_total = (
        match_picker.count_unmatched(pilot, matched, search)
        if len(unmatched) >= match_picker.PICKER_SIZE
        else len(unmatched)
    )
    mentors = [
        m
        for m in services.list_mentors(available=True)
        if m.organization_id != pilot.organization_id
    ]
    return dict(
        matches=matches,
        unmatched=unmatched,
        unmatched_total=unmatched_total,
        search=search,
        mentors=mentors,
    )


def register() -> None:
    pilot_pages.detail_context.append(match_section)
