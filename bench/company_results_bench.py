"""Benchmark: a company survey's round results and trend at 100,000 employees, and the consortium
view over 2,000,000 responses.

    python bench/company_results_bench.py [--employees 100000] [--consortium 2000000]
        [--repeat 7] [--database-url URL]

Prints the p50 of GET-equivalent calls and the number of SQL statements each issues: the latest
round's publication as computed once at the first read after its close (cold, and with the
roster's arrays kept), its results as every later read gets them (stored), the trend over three
published rounds cold and warm; the consortium view cold and warm.
DESIGN.md asks for results and trend under 500 ms and the consortium view under 1 s.
Data go in with bulk inserts (executemany) of rows packed as the submit path packs them.
"""

import argparse
from datetime import date
import hashlib
from pathlib import Path
import statistics
import sys
import tempfile
import time

import numpy as np
import sqlalchemy as sa
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crossover import create_app
from crossover.auth.models import Role
from crossover.auth.services import create_org, create_user
from crossover.catalogue.bands import AGE_BANDS, TENURE_BANDS
from crossover.company import consortium, disclosure, publication, results, trend
from crossover.company.models import RosterMember, RoundResponse
from crossover.extensions import db
from crossover.seed import seed_all
from tests.company import factories
from tests.company.factories import Employee

AGE_WEIGHTS = np.array([4, 8, 10, 11, 12, 12, 12, 11, 8, 2], dtype=float)


def workforce(rng, n: int, keys: list[str], shift: float) -> list[Employee]:
    """A realistic roster: age bands weighted, tenure growing with age, 30 units, engagement
    tied to the answers; 85% answer."""
    age = rng.choice(len(AGE_BANDS), n, p=AGE_WEIGHTS / AGE_WEIGHTS.sum())
    tenure = np.minimum(rng.poisson(age * 0.6), len(TENURE_BANDS) - 1)
    unit = rng.integers(0, 30, n)
    level = 3 + 0.08 * age - 0.1 * (tenure == 2) + shift + rng.normal(0, 0.5, n)
    answers = np.clip(np.rint(level[:, None] + rng.normal(0, 0.8, (n, len(keys)))), 1, 5)
    engagement = np.round(level * 10 + rng.normal(0, 6, n), 1)
    answered = rng.random(n) < 0.85
    return [
        Employee(
            ref=f"emp{i}",
            age_band=AGE_BANDS[age[i]],
            tenure_band=TENURE_BANDS[tenure[i]],
            unit=f"Unit {unit[i]:02d}",
            engagement=float(engagement[i]) if i % 50 else None,
            answers=dict(zip(keys, answers[i].astype(int).tolist(), strict=True))
            if answered[i]
            else None,
        )
        for i in range(n)
    ]


def consortium_rows(total: int, companies: int) -> None:
    """`total` responses spread over closed rounds of many companies (totals only)."""
    per = total // companies
    rng = np.random.default_rng(99)
    for c in range(companies):
        survey = factories.add_survey(factories.organization(f"member{c:03d}"))
        survey_round = factories.add_round(
            survey, "2024", [], opens_on=date(2024, 4, 1), closes_on=date(2024, 4, 30)
        )
        level = rng.normal(3.3, 0.3)
        for start in range(0, per, 50000):
            size = min(50000, per - start)
            ids = db.session.scalars(
                sa.insert(RosterMember).returning(RosterMember.id, sort_by_parameter_order=True),
                [
                    {
                        "round_id": survey_round.id,
                        "person_key": f"{c}:{start + i}",
                        "age_band": "40-44",
                        "tenure_band": "6-10",
                        "unit": "All",
                        "nonce": "0",
                        "token_hash": hashlib.sha256(
                            f"member:{c}:{start + i}".encode()
                        ).hexdigest(),
                    }
                    for i in range(size)
                ],
            ).all()
            totals = np.clip(np.rint((level + rng.normal(0, 0.6, size)) * 12) / 12, 1, 5)
            db.session.execute(
                sa.insert(RoundResponse),
                [
                    {
                        "member_id": member_id,
                        "round_id": survey_round.id,
                        "answers": {},
                        "total": float(t),
                        "packed": b"",
                    }
                    for member_id, t in zip(ids, totals, strict=True)
                ],
            )
        db.session.commit()


def settle_after_bulk_load() -> None:
    """PostgreSQL: what autovacuum does soon after a bulk load, done now. Until the visibility
    map is set, index-only scans (the roster by band, the packed records) fall back to the
    heap, and the planner's estimates are those of an empty table."""
    if db.engine.dialect.name != "postgresql":
        return
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


def timed(fn, repeat: int, statements: list) -> tuple[float, int]:
    times, counts = [], []
    for _ in range(repeat):
        statements.clear()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
        counts.append(len(statements))
        db.session.expire_all()
    return statistics.median(times) * 1000, max(counts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--consortium", type=int, default=2_000_000)
    parser.add_argument("--companies", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
        with app.app_context():
            db.drop_all()
            db.create_all()
            seed_all()
            print(f"database: {db.engine.url.get_backend_name()}")
            started = time.perf_counter()
            org = create_org("bench", "Bench")
            reviewer = create_user("reviewer@bench.example", "x" * 12, Role.REVIEWER, None)
            survey = factories.add_survey(org)
            keys = factories.item_keys(factories.shipped_instrument())
            rng = np.random.default_rng(1)
            rounds = []
            for year, shift in ((2023, 0.0), (2024, 0.05), (2025, 0.1)):
                rounds.append(
                    factories.add_round(
                        survey,
                        str(year),
                        workforce(rng, args.employees, keys, shift),
                        opens_on=date(year, 4, 1),
                        closes_on=date(year, 4, 30),
                    )
                )
                db.session.commit()
            print(f"built 3 rounds of {args.employees} in {time.perf_counter() - started:.0f} s")
            started = time.perf_counter()
            consortium_rows(args.consortium, args.companies)
            print(
                f"built {args.consortium} consortium responses in "
                f"{time.perf_counter() - started:.0f} s"
            )
            settle_after_bulk_load()
            statements: list = []
            event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
            latest = rounds[-1]

            def afresh(fn, *kept):
                """Computed with every process cache emptied first but `kept`."""
                caches = {"company_closed_results", "company_roster_arrays"} - set(kept)
                return lambda: ([app.extensions.pop(c, None) for c in caches], fn())

            ms, count = timed(afresh(lambda: results.compute(latest)), args.repeat, statements)
            print(
                f"round publication ({args.employees} invited), computed once at the first read "
                f"after the close, cold: p50 {ms:.0f} ms, {count} statements"
            )
            ms, count = timed(
                afresh(lambda: results.compute(latest), "company_roster_arrays"),
                args.repeat,
                statements,
            )
            print(
                f"round publication, computed with the roster kept: p50 {ms:.0f} ms, {count} stmts"
            )
            for survey_round in rounds:
                publication.round_results(survey_round)  # each round's publication, stored once
            ms, count = timed(lambda: publication.round_results(latest), args.repeat, statements)
            print(f"round results, published (every later read): p50 {ms:.0f} ms, {count} stmts")
            ms, count = timed(afresh(lambda: trend.trend(survey)), args.repeat, statements)
            print(f"trend (3 published rounds), cold: p50 {ms:.0f} ms, {count} statements")
            ms, count = timed(lambda: trend.trend(survey), args.repeat, statements)
            print(f"trend (3 published rounds), warm: p50 {ms:.0f} ms, {count} statements")
            ms, count = timed(afresh(lambda: disclosure.rows_for(latest)), args.repeat, statements)
            print(f"disclosure rows (3 rounds), cold: p50 {ms:.0f} ms, {count} statements")
            ms, count = timed(lambda: disclosure.rows_for(latest), args.repeat, statements)
            print(f"disclosure rows (3 rounds), warm: p50 {ms:.0f} ms, {count} statements")
            app.extensions.pop("company_round_aggregates", None)
            ms, count = timed(
                lambda: (
                    app.extensions.pop("company_round_aggregates", None),
                    consortium.consortium_view(reviewer),
                ),
                args.repeat,
                statements,
            )
            print(f"consortium view, cold (aggregates in SQL): p50 {ms:.0f} ms, {count} statements")
            ms, count = timed(lambda: consortium.consortium_view(reviewer), args.repeat, statements)
            print(f"consortium view, closed rounds cached: p50 {ms:.0f} ms, {count} statements")


if __name__ == "__main__":
    main()
