"""`crossover import-roster` (progress, the links file) and the demo's company surveys."""

import csv

import sqlalchemy as sa

from crossover.audit import AuditEvent
from crossover.company.models import (
    CompanySurvey,
    RosterContact,
    RosterMember,
    RoundResponse,
    SurveyRound,
)
from crossover.config import local_today
from crossover.extensions import db
from tests.company.flows import make_round, make_survey, roster_csv, upload


def test_import_roster_prints_progress_and_writes_no_links(app, client, users, tmp_path):
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
    assert "0 without an e-mail address" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["roster.csv"]  # no file of links
    assert "/s/" not in result.output

    again = app.test_cli_runner().invoke(
        args=["crossover", "import-roster", str(round_["id"]), str(source)]
    )
    assert again.exit_code == 1 and "already uploaded" in again.output


def test_export_links_writes_paper_links_audited_and_fixes_the_roster(app, client, users, tmp_path):
    round_ = make_round(client, users.owner, make_survey(client, users.owner)["id"])
    source = tmp_path / "roster.csv"
    source.write_bytes(roster_csv(3) + roster_csv(2, start=3, email=False).split(b"\n", 1)[1])
    assert upload(client, users.owner, round_["id"], source.read_bytes()).status_code == 201
    target = tmp_path / "paper.csv"
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["crossover", "export-links", str(round_["id"]), str(target), "--refs", str(source)]
    )
    assert result.exit_code == 0, result.output
    assert "Wrote 2 links" in result.output and "/s/" not in result.output
    with target.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["employee_ref", "age_band", "tenure_band", "unit", "url"]
    assert [r[0] for r in rows[1:]] == ["E00003", "E00004"]
    token = rows[1][4].rsplit("/", 1)[1]
    assert client.get(f"/api/v1/surveys/{token}").json["kind"] == "company"
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    exists = runner.invoke(args=["crossover", "export-links", str(round_["id"]), str(target)])
    assert exists.exit_code == 1 and "exists" in exists.output
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "company.paper_links_export")
        )
        assert event.target_id == round_["id"] and event.details["rows"] == 2
        assert event.details["with_refs"] == 2 and event.details["operator"]
        db.session.remove()
    # The round's pages say so; the roster is fixed now, like after a first e-mail.
    users.login("owner@acme.example")
    page = client.get(f"/company/rounds/{round_['id']}", headers={"Accept-Language": "ja"})
    assert "紙のリンクが発行されました" in page.get_data(as_text=True)
    later = upload(client, users.owner, round_["id"], roster_csv(1, start=9))
    assert later.status_code == 409 and "名簿は確定" in later.json["message"]


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
    _demo_closed_rounds_publish_and_its_open_round_shows_no_scores(app)


def _demo_closed_rounds_publish_and_its_open_round_shows_no_scores(app):
    from crossover.demo import DEMO_PASSWORD

    client = app.test_client()
    token = client.post(
        "/api/v1/auth/token",
        json={"email": "owner@kaede-denki.example", "password": DEMO_PASSWORD},
    ).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    (survey,) = client.get("/api/v1/company-surveys", headers=headers).json
    by_label = {r["label"]: r["id"] for r in survey["rounds"]}
    for label in ("2024", "2025"):
        results = client.get(f"/api/v1/rounds/{by_label[label]}/results", headers=headers)
        assert results.status_code == 200
        assert not results.json["total"]["suppressed"] and results.json["total"]["n"] >= 5
        assert not results.json["engagement"]["suppressed"]
        again = client.get(f"/api/v1/rounds/{by_label[label]}/results", headers=headers).json
        assert again == results.json  # published once
    open_round = client.get(f"/api/v1/rounds/{by_label['2026']}/results", headers=headers)
    assert open_round.status_code == 409
    trend = client.get(f"/api/v1/company-surveys/{survey['id']}/trend", headers=headers).json
    assert [r["label"] for r in trend["rounds"]] == ["2024", "2025"]
    counts = client.get(f"/api/v1/rounds/{by_label['2026']}/participation", headers=headers)
    assert counts.status_code == 200 and counts.json["status"] == "open"
    assert "mean" not in counts.json


def test_demo_has_a_focus_area_with_an_action_a_pilot_and_a_following_round(app, runner):
    assert runner.invoke(args=["crossover", "demo"]).exit_code == 0
    assert runner.invoke(args=["crossover", "demo"]).exit_code == 0  # added once
    from crossover.demo import DEMO_PASSWORD

    client = app.test_client()
    token = client.post(
        "/api/v1/auth/token",
        json={"email": "owner@kaede-denki.example", "password": DEMO_PASSWORD},
    ).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    (survey,) = client.get("/api/v1/company-surveys", headers=headers).json
    (area,) = client.get(f"/api/v1/company-surveys/{survey['id']}/focus", headers=headers).json
    assert area["round"]["label"] == "2024" and len(area["actions"]) == 1
    (pilot,) = area["pilots"]
    assert pilot["status"] == "draft" and pilot["outcome"] == area["scale"]
    follow = area["follow_through"]
    assert follow["round"]["label"] == "2025" and follow["change"]["ci_low"] is not None
    results = client.get(f"/api/v1/rounds/{area['round']['id']}/results", headers=headers).json
    published = next(s for s in results["subscales"] if s["key"] == area["scale"])
    assert area["baseline"]["mean"] == published["mean"]
    page = client.get(f"/company/focus/{area['id']}")
    assert page.status_code in (302, 401)  # pages need a signed-in session
