"""What the evidence adds to pages of the domains below it: the catalogue's grid and initiative
pages, and the owners' pilot list. Registered on import (see crossover.evidence)."""

from collections import Counter

import sqlalchemy as sa

from crossover.auth.access import actor
from crossover.auth.models import Role
from crossover.catalogue import pages as catalogue_pages
from crossover.catalogue import services as catalogue
from crossover.catalogue.models import Initiative, InitiativeStatus
from crossover.config import privacy_k
from crossover.evidence import pages as evidence_pages
from crossover.evidence import progress, services
from crossover.extensions import db
from crossover.pilots import pages as pilot_pages
from crossover.pilots.access import pilots_query
from crossover.pilots.models import Pilot, PilotStatus


def _sees_evidence() -> bool:
    return actor().role in (Role.REVIEWER, Role.ADMIN)


def grid() -> dict:
    """Per cell: pilots under way and closed (where they ran), validated initiatives, and for
    reviewers and admins the small successes among reportable closed pilots."""
    overview = progress.overview()
    validated = Counter(
        (i.venue.key, i.level.key)
        for i in db.session.scalars(catalogue.initiatives_query())
        if overview.status_of(i) is InitiativeStatus.VALIDATED
    )
    return {
        "cell_progress": overview.cells,
        "validated": validated,
        "sees_verdicts": _sees_evidence(),
    }


def initiative(entry: Initiative) -> dict:
    """The status as the evidence stands, the pilots the viewer may see and, for reviewers and
    admins, the evidence of its closed pilots per cell they ran in."""
    overview = progress.overview()
    return {
        "shown_status": overview.status_of(entry),
        "progress": overview.initiatives.get(entry.id, progress.Progress()),
        "min_closed": progress.VALIDATED_MIN_CLOSED,
        "k": privacy_k(),
        "pilot_rows": _visible_pilots(entry, overview.results),
        "evidence": _evidence(entry, overview.results) if _sees_evidence() else None,
        "from_focus": from_focus_areas(entry),
    }


FOCUS_MIN_COMPANIES = 3  # a smaller count could point at a company


def from_focus_areas(entry: Initiative) -> list[tuple[str, int]]:
    """Per subscale (the pilot's primary outcome), how many companies ran a pilot of this
    initiative started from a company-survey focus area: counts of at least 3 only, no company
    named."""
    rows = db.session.execute(
        sa.select(Pilot.outcome, sa.func.count(sa.distinct(Pilot.organization_id)))
        .where(
            Pilot.initiative_id == entry.id,
            Pilot.focus_area_id.is_not(None),
            Pilot.status != PilotStatus.DRAFT,
        )
        .group_by(Pilot.outcome)
        .order_by(Pilot.outcome)
    ).all()
    return [(outcome, n) for outcome, n in rows if n >= FOCUS_MIN_COMPANIES]


def _visible_pilots(entry: Initiative, results: list[dict]) -> list[dict]:
    """Owners: their organization's pilots of this initiative; admins: all; reviewers: closed ones
    only (they see no figure of a pilot that has not closed)."""
    query = pilots_query(actor()).where(Pilot.initiative_id == entry.id)
    if actor().role is Role.REVIEWER:
        query = query.where(Pilot.status == PilotStatus.CLOSED)
    found = list(db.session.scalars(query.order_by(Pilot.ends_on.desc(), Pilot.id.desc())))
    return progress.pilot_rows(found, results)


def _evidence(entry: Initiative, results: list[dict]) -> list[dict]:
    """Per grid cell its closed pilots ran in: the reading and forest plots on one scale (from
    the closed pilots' results the page's overview has computed already)."""
    data = services.board(with_variance=True, results=results)
    summaries = [s for s in data["initiatives"] if s["initiative_id"] == entry.id]
    rows = [p for p in data["pilots"] if p["initiative_id"] == entry.id]
    groups = [
        ([p for p in rows if (p["venue"], p["level"]) == (s["venue"], s["level"])], s)
        for s in summaries
    ]
    plot = evidence_pages.forest_plots(groups)
    venues = {v.key: v for v in catalogue.venues()}
    levels = {lv.key: lv for lv in catalogue.levels()}
    return [
        {
            "summary": summary,
            "headline": evidence_pages.headline(summary),
            "venue": venues[summary["venue"]],
            "level": levels[summary["level"]],
            "plots": plot(cell_rows, summary),
        }
        for cell_rows, summary in groups
    ]


def pilot_list(listed: list[Pilot]) -> dict:
    """n (pairs when closed, else enrolled), verdict and report link per listed pilot."""
    closed = any(p.status is PilotStatus.CLOSED for p in listed)
    results = services.all_results(privacy_k()) if closed else []
    return {
        "pilot_rows": {row["pilot"].id: row for row in progress.pilot_rows(listed, results)},
        "k": privacy_k(),
    }


def register() -> None:
    catalogue_pages.grid_context.append(grid)
    catalogue_pages.initiative_context.append(initiative)
    pilot_pages.list_context.append(pilot_list)
