"""Benchmark: the report of one pilot with N pairs, against the bare statistics on in-memory arrays.

    python bench/report_bench.py [--sizes 2500 5000 10000] [--repeat 15] [--database-url URL]
                                 [--reviewer]

Prints, per size: the report's p50 (whole build_report: queries, statistics, suppression), the
p50 of the same report computed from arrays already in memory (build_report with the gathered
data passed in: every statistic, no score loading), their ratio, and the number of SQL
statements one report issues. DESIGN.md asks for ratio ≤ 5 and p50 < 150 ms at 10,000 pairs.
--reviewer builds the report as a reviewer reads it (head counts through their own search).
"""

import argparse
import statistics
import tempfile
import time

from sqlalchemy import event

from crossover import create_app
from crossover.auth.services import create_org
from crossover.extensions import db
from crossover.reports import services
from crossover.reports.gather import gather
from crossover.seed import seed_all
from crossover.simulate import PilotSpec, simulate_pilot


def bare_statistics(data, pilot, reviewer: bool = False) -> None:
    """Every statistic of the report on arrays already in memory (no score loading)."""
    services.build_report(pilot, data, reviewer_counts=reviewer)


def p50(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[2500, 5000, 10000])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database-url")
    parser.add_argument("--reviewer", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
        with app.app_context():
            db.drop_all()
            db.create_all()
            seed_all()
            create_org("bench", "Bench")
            statements = []
            event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
            print(f"database: {db.engine.url.get_backend_name()}")
            print(f"{'pairs':>7} {'report p50':>11} {'bare p50':>9} {'ratio':>6} {'queries':>8}")
            for seed, size in enumerate(args.sizes):
                # ~8% do not answer after: enrol enough people for `size` pairs
                spec = PilotSpec(
                    "bench",
                    "community-external-mentoring",
                    f"bench {size}",
                    "other",
                    int(size / 0.85),
                    0.2,
                )
                pilot = simulate_pilot(spec, seed)
                db.session.commit()
                build = lambda pilot=pilot: services.build_report(  # noqa: E731
                    pilot, reviewer_counts=args.reviewer
                )
                report = build()
                data = gather(pilot)
                statements.clear()
                build()
                queries = len(statements)
                report_ms = p50(build, args.repeat)
                bare_ms = p50(
                    lambda data=data, pilot=pilot: bare_statistics(data, pilot, args.reviewer),
                    args.repeat,
                )
                print(
                    f"{report['counts']['pairs']:>7} {report_ms:>9.1f}ms {bare_ms:>7.1f}ms "
                    f"{report_ms / bare_ms:>6.2f} {queries:>8}"
                )
                db.session.expunge_all()
            db.engine.dispose()


if __name__ == "__main__":
    main()
