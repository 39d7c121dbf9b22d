"""Benchmark: one enrolment CSV of N rows with e-mails, uploaded through the API in-process.

    python bench/enrol_csv_bench.py [--database-url URL] [--rows 5000]

Builds a fresh database (drops every table at URL: use a scratch database), a recruiting pilot
with five waves, and a CSV of N eligible people each with an e-mail address, then times one
POST /api/v1/pilots/<id>/enrollments/csv through Flask's test client: parsing, checks, the
inserts, the commit and the JSON answer with every invitation link. Prints the wall time and
the number of SQL statements the upload issued. DESIGN.md asks for 5,000 rows under 5 s on
either engine.
"""

import argparse
import io
import tempfile
import time

from sqlalchemy import event

from crossover import create_app
from crossover.auth import services as auth_services
from crossover.auth.models import Role
from crossover.config import local_today
from crossover.extensions import db
from crossover.seed import seed_all

PASSWORD = "bench password 1"
BANDS = ["45-49", "50-54", "55-59", "60-64"]
PHASES = ["in_management", "post_off", "specialist", "reemployed"]


def csv_text(rows: int) -> str:
    lines = ["age_band,career_phase,consent,arm,email"]
    lines += [
        f"{BANDS[i % 4]},{PHASES[i // 4 % 4]},yes,participant,person{i}@example.com"
        for i in range(rows)
    ]
    return "\n".join(lines) + "\n"


def recruiting_pilot(client, headers, today: str) -> int:
    initiative = client.get("/api/v1/initiatives?page_size=1", headers=headers).json[0]["id"]
    pilot = client.post(
        "/api/v1/pilots",
        headers=headers,
        json={
            "initiative_id": initiative,
            "title": "CSV bench",
            "format": "other",
            "planned_n": 30,
            "starts_on": today,
            "ends_on": "2099-12-31",
            "followup_days": [30, 60],
            "preregistration": {
                "outcome": "total",
                "direction": "increase",
                "alpha": 0.05,
                "test": "paired_t",
                "min_dz": 0.3,
            },
        },
    ).json
    client.post(
        f"/api/v1/pilots/{pilot['id']}/transitions", headers=headers, json={"to": "recruiting"}
    )
    return pilot["id"]


def owner_app(url: str, **config):
    """A fresh schema at `url` (every table dropped first) with the shipped catalogue and one
    owner; returns the app, a test client, the owner's bearer headers and today (ISO)."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "TESTING": True,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "RATELIMIT_ENABLED": False,
            **config,
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_all()
        org = auth_services.create_org("bench", "Bench")
        auth_services.create_user("owner@bench.example", PASSWORD, Role.OWNER, org)
        today = local_today().isoformat()
    client = app.test_client()
    token = client.post(
        "/api/v1/auth/token", json={"email": "owner@bench.example", "password": PASSWORD}
    ).json["token"]
    return app, client, {"Authorization": f"Bearer {token}"}, today


def engine_name(app) -> str:
    with app.app_context():
        backend = db.engine.url.get_backend_name()
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(backend, backend)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
        app, client, headers, today = owner_app(url)
        with app.app_context():
            engine = db.engine
        pilot_id = recruiting_pilot(client, headers, today)
        body = csv_text(args.rows).encode()
        statements = []
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(1))
        start = time.perf_counter()
        response = client.post(
            f"/api/v1/pilots/{pilot_id}/enrollments/csv",
            headers=headers,
            data={"file": (io.BytesIO(body), "people.csv")},
            content_type="multipart/form-data",
        )
        elapsed = time.perf_counter() - start
        assert response.status_code == 201, response.get_data(as_text=True)[:500]
        assert response.json["enrolled"] == args.rows
        print(
            f"CSV {args.rows} rows: {elapsed:.2f} s ({engine_name(app)}), "
            f"{len(statements)} SQL statements"
        )
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
