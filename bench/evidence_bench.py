"""Benchmark: the evidence board over many closed pilots (default 500 pilots, 100,000 participants).

    python bench/evidence_bench.py [--pilots 500] [--per-pilot 200] [--repeat 9] \
        [--database-url URL]

Builds the data set with the seeded simulator (once; several minutes at full size), then prints
the board's p50 and the number of SQL statements one board issues. DESIGN.md asks for p50 < 500 ms.
Then the pages that show evidence beside the catalogue, as a signed-in reviewer: the grid (the
home page) and an initiative page, each with its p50.
"""

import argparse
import statistics
import tempfile
import time

import sqlalchemy as sa
from sqlalchemy import event

from crossover import create_app
from crossover.auth.models import Role
from crossover.auth.services import create_org, create_user
from crossover.catalogue.models import Initiative
from crossover.evidence import services
from crossover.extensions import db
from crossover.seed import seed_all
from crossover.simulate import PilotSpec, simulate_pilot

FORMATS = ["mentoring", "career_interview", "other"]


def build(pilots: int, per_pilot: int) -> None:
    for slug in ("org-a", "org-b", "org-c", "org-d"):
        create_org(slug, slug.upper())
    keys = list(
        db.session.scalars(
            sa.select(Initiative.key).where(Initiative.key.is_not(None)).order_by(Initiative.id)
        )
    )
    started = time.perf_counter()
    for index in range(pilots):
        spec = PilotSpec(
            f"org-{'abcd'[index % 4]}",
            keys[index % len(keys)],
            f"pilot {index}",
            FORMATS[index % 3],
            per_pilot if index % 5 else per_pilot // 2,
            effect=(index % 7 - 2) / 20,
            comparison_n=per_pilot // 2 if index % 5 == 0 else 0,
            ended_days_ago=30 + index % 300,
        )
        simulate_pilot(spec, seed=index)
        if index % 25 == 24:
            db.session.commit()
            db.session.expunge_all()
            print(f"  built {index + 1} pilots ({time.perf_counter() - started:.0f} s)", flush=True)
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pilots", type=int, default=500)
    parser.add_argument("--per-pilot", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/evidence.sqlite"
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench",
                "TESTING": True,
                "WTF_CSRF_ENABLED": False,
            }
        )
        with app.app_context():
            db.drop_all()
            db.create_all()
            seed_all()
            build(args.pilots, args.per_pilot)
            people = db.session.scalar(sa.text("SELECT count(*) FROM enrollments"))
            statements = []
            event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
            board = services.board()
            statements.clear()
            services.board()
            queries = len(statements)
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                services.board()
                times.append(time.perf_counter() - start)
            print(
                f"database: {db.engine.url.get_backend_name()}; closed pilots: "
                f"{len(board['pilots'])}; participants: {people}"
            )
            print(
                f"board p50: {statistics.median(times) * 1000:.0f} ms (min "
                f"{min(times) * 1000:.0f}, max {max(times) * 1000:.0f}); "
                f"SQL statements per board: {queries}"
            )
            time_pages(app, args.repeat)
            db.engine.dispose()


def p50_ms(fetch, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = fetch()
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (
            response.status_code,
            response.get_data(as_text=True)[-600:],
        )
    return statistics.median(times) * 1000


def time_pages(app, repeat: int) -> None:
    """p50 of the pages that compute evidence on each load, as a reviewer sees them."""
    create_user("reviewer@bench.example", "bench-password-123", Role.REVIEWER)
    db.session.commit()
    first = db.session.scalar(sa.select(Initiative.id).order_by(Initiative.id))
    browser = app.test_client()
    signed_in = browser.post(
        "/login", data={"email": "reviewer@bench.example", "password": "bench-password-123"}
    )
    assert signed_in.status_code == 302, signed_in.status_code
    for name, path in (
        ("grid page /", "/"),
        (f"initiative page /initiatives/{first}", f"/initiatives/{first}"),
    ):
        browser.get(path)  # warm
        print(f"{name} p50: {p50_ms(lambda path=path: browser.get(path), repeat):.0f} ms")


if __name__ == "__main__":
    main()
