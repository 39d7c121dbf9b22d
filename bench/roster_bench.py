"""Benchmark: a company survey roster of N rows, imported by the service and by the API.

    python bench/roster_bench.py [--database-url URL] [--rows 100000]

Builds a fresh database (drops every table at URL: use a scratch database), one owner, a company
survey and two rounds, and a roster CSV of N employees (bands, unit, e-mail, engagement). Then
times (1) `rosters.import_roster` on the first round, the service `crossover import-roster`
calls, printing its progress, and (2) one POST /api/v1/rounds/<id>/roster of the same file on
the second round through Flask's test client (checks, inserts, commit and the JSON answer: counts,
never a link), and an engagement CSV for every row of the first round (whose roster came without
scores: engagement is given once per round). Prints seconds and rows/s
for each, and the SQL statements of the API upload.
Bars: 100,000 rows under 60 s (issue 14); 5,000 rows under 5 s (DESIGN.md) on either engine.
"""

import argparse
import io
import tempfile
import time

# A sibling script: run as `python bench/roster_bench.py`, its folder is on sys.path.
from enrol_csv_bench import engine_name, owner_app
from sqlalchemy import event

from crossover.catalogue.bands import AGE_BANDS, TENURE_BANDS
from crossover.company import rosters
from crossover.company.models import SurveyRound
from crossover.extensions import db

UNITS = ["営業本部 第一営業部", "開発本部 ソフトウェア開発部", "製造本部 品質管理部", "人事部"]


def roster_csv(rows: int, engagement: bool = True) -> bytes:
    lines = ["employee_ref,age_band,tenure_band,unit,career_phase,email,engagement"]
    lines += [
        f"EMP{i:07d},{AGE_BANDS[i % 10]},{TENURE_BANDS[i % 6]},{UNITS[i % 4]},,"
        f"employee{i:07d}@example.co.jp,{50 + (i * 37) % 50 / 2 if engagement else ''}"
        for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def make_rounds(client, headers) -> list[int]:
    survey = client.post("/api/v1/company-surveys", headers=headers, json={"title": "Bench"}).json
    ids = []
    for label in ("service", "api"):
        response = client.post(
            f"/api/v1/company-surveys/{survey['id']}/rounds",
            headers=headers,
            json={"label": label, "opens_on": "2026-01-01", "closes_on": "2099-12-31"},
        )
        ids.append(response.json["id"])
    return ids


def progress(stage: str, done: int, total: int) -> None:
    print(f"  {stage:<8} {done:>9,} / {total:,} rows", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
        app, client, headers, _ = owner_app(url)
        engine = engine_name(app)
        service_round, api_round = make_rounds(client, headers)
        body = roster_csv(args.rows)
        print(f"roster of {args.rows:,} rows, {len(body) / 2**20:.1f} MiB ({engine})")

        with app.app_context():
            round_ = db.session.get(SurveyRound, service_round)
            start = time.perf_counter()
            without_scores = roster_csv(args.rows, engagement=False)
            result = rosters.import_roster(round_, without_scores, actor=None, progress=progress)
            elapsed = time.perf_counter() - start
            assert result.added == args.rows
            db.session.remove()
        print(f"service: {elapsed:.2f} s, {args.rows / elapsed:,.0f} rows/s")

        scores = "employee_ref,engagement\n" + "".join(
            f"EMP{i:07d},{i % 97 / 10}\n" for i in range(args.rows)
        )
        with app.app_context():
            round_ = db.session.get(SurveyRound, service_round)
            start = time.perf_counter()
            matched = rosters.upload_engagement(round_, scores.encode(), actor=None)["matched"]
            elapsed = time.perf_counter() - start
            assert matched == args.rows
            db.session.remove()
        print(f"engagement CSV: {elapsed:.2f} s, {args.rows / elapsed:,.0f} rows/s")

        with app.app_context():
            sql = db.engine
        statements = []
        event.listen(sql, "before_cursor_execute", lambda *a: statements.append(1))
        start = time.perf_counter()
        response = client.post(
            f"/api/v1/rounds/{api_round}/roster",
            headers=headers,
            data={"file": (io.BytesIO(body), "roster.csv")},
            content_type="multipart/form-data",
        )
        elapsed = time.perf_counter() - start
        assert response.status_code == 201, response.get_data(as_text=True)[:500]
        assert response.json["added"] == args.rows
        print(
            f"API:     {elapsed:.2f} s, {args.rows / elapsed:,.0f} rows/s, "
            f"{len(statements)} SQL statements, answer {len(response.data) / 2**20:.1f} MiB"
        )
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
