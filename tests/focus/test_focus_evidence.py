"""The initiative page counts companies that ran a pilot from a focus area, per subscale, from
three companies only and naming none."""

from datetime import date

import sqlalchemy as sa

from crossover.auth.models import Role
from crossover.company.models import SurveyRound
from crossover.extensions import db
from crossover.focus.models import FocusArea
from crossover.pilots.models import Pilot
from tests.company import factories
from tests.factories import PREREGISTRATION, initiative_id, make_pilot

SLUGS = ("acme", "globex", "initech")


def _pilot_from_focus(app, client, users, slug: str, index: int) -> None:
    email = f"owner{index}@{slug}.example"
    users.create(email, Role.OWNER, slug)
    headers = users.headers(email)
    pilot = make_pilot(
        client,
        headers,
        status="recruiting",
        format="other",
        preregistration={**PREREGISTRATION, "outcome": "agency"},
    )
    with app.app_context():
        org = factories.organization(slug)
        survey = factories.add_survey(org)
        survey_round = SurveyRound(
            company_survey_id=survey.id,
            organization_id=org.id,
            label="2025",
            opens_on=date(2025, 4, 1),
            closes_on=date(2025, 4, 30),
            instrument_id=survey.instrument_id,
        )
        db.session.add(survey_round)
        db.session.flush()
        area = FocusArea(
            organization_id=org.id,
            company_survey_id=survey.id,
            round_id=survey_round.id,
            scale="agency",
            baseline={},
        )
        db.session.add(area)
        db.session.flush()
        db.session.execute(
            sa.update(Pilot).where(Pilot.id == pilot["id"]).values(focus_area_id=area.id)
        )
        db.session.commit()


def test_initiative_page_counts_companies_from_three(app, client, users):
    mentoring = initiative_id(client, users.owner)
    for index, slug in enumerate(SLUGS[:2]):
        _pilot_from_focus(app, client, users, slug, index)
    users.login("reviewer@example.com")
    page = client.get(f"/initiatives/{mentoring}", headers={"Accept-Language": "ja"}).text
    assert 'id="initiative-focus"' not in page  # two companies: not shown
    _pilot_from_focus(app, client, users, SLUGS[2], 2)
    page = client.get(f"/initiatives/{mentoring}", headers={"Accept-Language": "ja"}).text
    section = page[page.index('id="initiative-focus"') :]
    section = section[: section.index("</section>")]
    assert "3 社が重点課題から実験を実施" in section
    assert all(name not in section for name in ("Acme", "Globex", "Initech"))
