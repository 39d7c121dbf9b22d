"""`crossover import-roster` (progress, the links file) and the demo's company surveys."""

import csv

import sqlalchemy as sa

from crossover.company.models import (
    CompanySurvey,
    RosterContact,
    RosterMember,
    RoundResponse,
    SurveyRound,
)
from crossover.config import local_today
from crossover.extensions import db
from tests.company.flows import make_round, make_survey, roster_csv


def test_import_roster_prints_progress_and_writes_the_links(app, client, users, tmp_path):
    round_ = make_round(client, users.owner, make_survey(client, users.owner)["id"])
    source = tmp_path / "roster.csv"
    source.write_bytes(roster_csv(10_001))
    result = app.test_cli_runner().invoke(
        args=["crossover", "import-roster", str(round_["id"]), str(source)]
    )
    assert result.exit_code == 0, result.output
    assert "checked     10,000 / 10,001 rows" in result.output
    assert "inserted    10,001 / 10,001 rows" in result.output
    assert "Added 10,001 employees to round 2026" in result.output
    with (tmp_path / "roster.links.csv").open(encoding="utf-8-sig") as f:
        links = list(csv.reader(f))
    assert links[0] == ["employee_ref", "url"] and links[1][0] == "E00000" and len(links) == 10_002
    token = links[1][1].rsplit("/", 1)[1]
    assert client.get(f"/api/v1/surveys/{token}").json["kind"] == "company"

    again = app.test_cli_runner().invoke(
        args=["crossover", "import-roster", str(round_["id"]), str(source)]
    )
    assert again.exit_code == 1 and "already uploaded" in again.output


def test_import_roster_names_bad_lines_and_unknown_rounds(app, client, users, tmp_path):
    round_ = make_round(client, users.owner, make_survey(client, users.owner)["id"])
    source = tmp_path / "bad.csv"
    source.write_bytes(roster_csv(3).replace(b"40-44", b"41"))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["crossover", "import-roster", str(round_["id"]), str(source)])
    assert result.exit_code == 1 and "line 3: age_band: Unknown age band '41'." in result.output
    missing = runner.invoke(args=["crossover", "import-roster", "999", str(source)])
    assert missing.exit_code == 1 and "No survey round 999" in missing.output


def _company_counts() -> dict:
    return {
        model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (CompanySurvey, SurveyRound, RosterMember, RosterContact, RoundResponse)
    }


def test_demo_adds_company_surveys_once(app, runner):
    assert runner.invoke(args=["crossover", "demo"]).exit_code == 0
    with app.app_context():
        first = _company_counts()
        rounds = db.session.execute(
            sa.select(SurveyRound.label, SurveyRound.closes_on, sa.func.count(RoundResponse.id))
            .join(RoundResponse, RoundResponse.round_id == SurveyRound.id)
            .group_by(SurveyRound.id, SurveyRound.label, SurveyRound.closes_on)
        ).all()
        today = local_today()
        db.session.remove()
    assert first["company_surveys"] == 5 and first["survey_rounds"] == 15
    by_label: dict[str, list[int]] = {}
    for label, closes_on, answered in rounds:
        by_label.setdefault(label, []).append(answered)
        assert (closes_on < today) == (label != "2026")  # 2026 is open
    assert sorted(by_label) == ["2024", "2025", "2026"]
    assert all(sum(n >= 5 for n in counts) >= 3 for counts in by_label.values())
    assert first["roster_contacts"] == 400  # the demo owner's open round has addresses

    assert runner.invoke(args=["crossover", "demo"]).exit_code == 0
    with app.app_context():
        assert _company_counts() == first
        db.session.remove()
