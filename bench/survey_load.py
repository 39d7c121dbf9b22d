"""Benchmark: survey submissions under gunicorn with 50 concurrent clients (wrk), against a
trivial GET.

    python bench/survey_load.py [--database-url URL] [--seconds 10] [--connections 50] [--workers 2]

Creates a running pilot with enough enrolled people that every request answers a fresh
invitation, serves the app with gunicorn on 127.0.0.1, drives POST /api/v1/surveys/<token> with
wrk (each request a different token) and a trivial GET (a static file) with the same load,
then checks the database: every 201 is one stored response, nothing duplicated. Needs Debian's wrk.
"""

# ruff: noqa: E402 (this checkout goes on sys.path before its packages are imported)
import argparse
import io
import json
from pathlib import Path
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's crossover and tests/serving.py, however started

import sqlalchemy as sa

from crossover import create_app
from crossover.auth import services as auth_services
from crossover.auth.models import Role
from crossover.extensions import db
from crossover.seed import seed_all
from crossover.surveys.models import Response
from tests.serving import Gunicorn

ANSWERS = {f"{s}_{i}": 4 for s in ("vision", "agency", "learning", "connection") for i in (1, 2, 3)}
LUA = """
local tokens = {}
local counter = 0
local thread_index = 0
setup = function(thread) thread:set("id", thread_index); thread_index = thread_index + 1 end
init = function(args)
  for line in io.lines("%(tokens)s") do tokens[#tokens + 1] = line end
  counter = id
end
request = function()
  counter = counter + %(threads)d
  local token = tokens[(counter %% #tokens) + 1]
  return wrk.format("POST", "/api/v1/surveys/" .. token, {["Content-Type"] = "application/json"},
    '%(body)s')
end
response = function(status, headers, body)
  if status ~= 201 and status ~= 409 then io.write("unexpected " .. status .. "\\n") end
end
"""


def prepare(url: str, people: int, tmp: Path) -> Path:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "load",
            "TESTING": True,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_all()
        org = auth_services.create_org("load", "Load")
        auth_services.create_user("owner@load.example", "load password 1", Role.OWNER, org)
    client = app.test_client()
    token = client.post(
        "/api/v1/auth/token", json={"email": "owner@load.example", "password": "load password 1"}
    ).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    initiative = client.get("/api/v1/initiatives?page_size=1", headers=headers).json[0]["id"]
    today = time.strftime("%Y-%m-%d")
    pilot = client.post(
        "/api/v1/pilots",
        headers=headers,
        json={
            "initiative_id": initiative,
            "title": "load",
            "format": "other",
            "planned_n": people,
            "starts_on": today,
            "ends_on": "2099-12-31",
        },
    ).json
    for to in ("recruiting", "running"):
        client.post(f"/api/v1/pilots/{pilot['id']}/transitions", headers=headers, json={"to": to})
    tokens = []
    for batch in range(people // 5000):  # the CSV upload takes 5,000 rows at a time
        # each file differs (an identical file is enrolled once per pilot, then answers 409)
        rows = (
            "age_band,career_phase,consent\n"
            + f"{50 + 5 * batch}-{54 + 5 * batch},post_off,yes\n" * 5000
        )
        created = client.post(
            f"/api/v1/pilots/{pilot['id']}/enrollments/csv",
            headers=headers,
            data={"file": (io.BytesIO(rows.encode()), "p.csv")},
            content_type="multipart/form-data",
        ).json
        tokens += [
            i["token"]
            for e in created["enrollments"]
            for i in e["invitations"]
            if i["wave"] == "pre"
        ]
    path = tmp / "tokens.txt"
    path.write_text("\n".join(tokens) + "\n")
    with app.app_context():
        db.engine.dispose()
    return path


def wrk(args: list[str]) -> dict:
    out = subprocess.run(["wrk", *args], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: (.*)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {
        "rps": rps,
        "p99_ms": float(p99.group(1)) * scale,
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket.group(1) if socket else "none",
        "requests": total,
        "unexpected": out.count("unexpected"),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        url = args.database_url or f"sqlite:///{tmp / 'load.sqlite'}"
        tokens = prepare(url, 15000, tmp)
        (tmp / "post.lua").write_text(
            LUA % {"tokens": tokens, "threads": 2, "body": json.dumps({"answers": ANSWERS})}
        )
        env = {
            "DATABASE_URL": url,
            "CROSSOVER_SECRET_KEY": "load",
            "CROSSOVER_RATELIMIT_ENABLED": "false",
        }
        with Gunicorn(tmp, env, workers=args.workers) as server:
            common = ["-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency"]
            get = wrk([*common, f"{server.url}/static/survey.css"])
            post = wrk([*common, "-s", str(tmp / "post.lua"), server.url])
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "load", "TESTING": True})
        with app.app_context():
            stored = db.session.scalar(sa.select(sa.func.count()).select_from(Response))
            distinct = db.session.scalar(
                sa.select(sa.func.count(sa.distinct(Response.invitation_id)))
            )
            db.engine.dispose()
        print(
            f"database: {url.split(':')[0]}; gunicorn workers: {args.workers}; clients: "
            f"{args.connections}"
        )
        print(f"GET  /static/survey.css {get['rps']:8.0f} req/s  p99 {get['p99_ms']:6.1f} ms")
        print(
            f"POST /api/v1/surveys/.. {post['rps']:8.0f} req/s  p99 {post['p99_ms']:6.1f} ms  "
            f"({100 * post['rps'] / get['rps']:.0f}% of GET)"
        )
        print(
            f"POST requests {post['requests']}, non-2xx {post['non_2xx']} "
            "(409 = a token wrk reused), "
            f"socket errors {post['socket_errors']}, unexpected statuses {post['unexpected']}"
        )
        print(
            f"stored responses {stored}, distinct invitations {distinct}, "
            f"duplicates {stored - distinct}; "
            f"201s = requests − non-2xx = {post['requests'] - post['non_2xx']}"
        )


if __name__ == "__main__":
    main()
