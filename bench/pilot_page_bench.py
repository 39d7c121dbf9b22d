"""Benchmark: the owner's pilot page with many enrolments.

    python bench/pilot_page_bench.py [--database-url URL] [--people 13000]

Builds a fresh database (drops every table at URL: use a scratch database), a recruiting pilot
with five waves, enrols N people with e-mails through CSV uploads of 5,000 rows, signs the
owner in and times GET /pilots/<id> (the first page) through Flask's test client. Prints the
wall time and the size of the page. DESIGN.md asks for a page that stays usable at 5,000.
"""

import argparse
import io
import tempfile
import time

# A sibling script: run as `python bench/pilot_page_bench.py`, its folder is on sys.path.
from enrol_csv_bench import PASSWORD, csv_text, engine_name, owner_app, recruiting_pilot


def enrol(client, headers, pilot_id: int, people: int) -> None:
    lines = csv_text(people).splitlines()
    header, rows = lines[0], lines[1:]
    for start in range(0, people, 5000):
        chunk = "\n".join([header, *rows[start : start + 5000]]) + "\n"
        response = client.post(
            f"/api/v1/pilots/{pilot_id}/enrollments/csv",
            headers=headers,
            data={"file": (io.BytesIO(chunk.encode()), "people.csv")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 201, response.get_data(as_text=True)[:300]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--people", type=int, default=13000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
        app, client, headers, today = owner_app(url, WTF_CSRF_ENABLED=False)
        pilot_id = recruiting_pilot(client, headers, today)
        enrol(client, headers, pilot_id, args.people)
        client.post("/login", data={"email": "owner@bench.example", "password": PASSWORD})
        client.get(f"/pilots/{pilot_id}")  # warm: templates compiled, catalogue cached
        start = time.perf_counter()
        response = client.get(f"/pilots/{pilot_id}", headers={"Accept-Language": "ja"})
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, response.status_code
        size = len(response.data)
        name = engine_name(app)
        print(
            f"pilot page with {args.people} enrolments: {elapsed:.2f} s, "
            f"{size / 1e6:.2f} MB ({size} bytes) ({name})"
        )


if __name__ == "__main__":
    main()
