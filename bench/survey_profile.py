"""Benchmark: the CPU cost of one survey submission in-process, with no server and no network.

    python bench/survey_profile.py [--database-url URL] [--requests 2000] [--profile]

Calls the WSGI app directly (as a gunicorn sync worker would) for POST /api/v1/surveys/<token>,
each request a fresh invitation, and for the trivial GET the load test compares against (a static
file). Prints microseconds per request (wall and CPU of this process), so a change can be judged
on a busy machine where wrk's figures wander. --profile runs the POSTs under pyinstrument and
prints its tree (pip install pyinstrument; not a project dependency).
"""

# ruff: noqa: E402 (this checkout goes on sys.path before its packages are imported)
import argparse
import io
import json
import os
from pathlib import Path
import re
import sys
import tempfile
import time

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkzeug.test import EnvironBuilder

from bench.survey_load import ANSWERS, prepare
from crossover import create_app

WARM = 200
BODY = json.dumps({"answers": ANSWERS}).encode()


def _environ(method: str, path: str, body: bytes | None = None) -> dict:
    builder = EnvironBuilder(
        method=method, path=path, data=body, content_type="application/json" if body else None
    )
    try:
        return builder.get_environ()
    finally:
        builder.close()


def call(app, environ: dict) -> str:
    """One request through the WSGI app; its status line. The body is read as a server would."""
    environ = dict(environ)
    if "wsgi.input" in environ:
        environ["wsgi.input"] = io.BytesIO(BODY)
    status = []
    body = app(environ, lambda s, h, e=None: status.append(s))
    try:
        for _chunk in body:
            pass
    finally:
        if hasattr(body, "close"):
            body.close()
    return status[0]


def timed(app, environs: list[dict], expect: str) -> tuple[float, float]:
    """Microseconds per request, wall and CPU."""
    wall, cpu = time.perf_counter(), time.process_time()
    for environ in environs:
        status = call(app, environ)
        if not status.startswith(expect):
            raise SystemExit(f"unexpected {status} for {environ['PATH_INFO']}")
    n = len(environs)
    return (time.perf_counter() - wall) * 1e6 / n, (time.process_time() - cpu) * 1e6 / n


# Where one POST's time goes: each sample counts for the innermost of these it ran under.
BUCKETS = [  # (label, function name, file path fragment)
    ("gunicorn-less WSGI + Flask dispatch, contexts", "Flask.wsgi_app", "flask/app.py"),
    ("input hygiene (before_request)", "check_request", "crossover/web/input.py"),
    ("other before_request hooks", "Flask.preprocess_request", "flask/app.py"),
    ("webargs: read JSON + schema load", "wrapper", "webargs/core.py"),
    ("flask-smorest response dump + jsonify", "wrapper", "flask_smorest/response.py"),
    ("view (other)", "Survey.post", "crossover/surveys/api.py"),
    ("token -> link query", "find_invitation", "crossover/surveys/services.py"),
    ("  of which BEGIN", "_sqlite_begin", "crossover/db.py"),
    ("validate + score + build rows", "prepare", "crossover/surveys/services.py"),
    ("insert response + copies", "add_with_copies", "crossover/surveys/store.py"),
    ("insert response + copies", "insert_with_copies", "crossover/surveys/store.py"),
    ("commit", "scoped_session.commit", "sqlalchemy/orm/scoping.py"),
    ("next wave (token HMAC)", "next_open_wave", "crossover/surveys/services.py"),
    ("after_request (headers, session)", "Flask.process_response", "flask/app.py"),
    ("teardown (session remove)", "Flask.do_teardown_appcontext", "flask/app.py"),
]


def _bucket(frame, current: str) -> str:
    name = f"{frame.class_name}.{frame.function}" if frame.class_name else frame.function
    for label, function, path in BUCKETS:
        if name == function and path in (frame.file_path or ""):
            return label
    return current


def print_buckets(root, wall_us: float) -> None:
    """CPU microseconds of one POST per bucket, scaled from the profile to the unprofiled time."""
    totals: dict[str, float] = {}

    def walk(frame, current: str) -> None:
        label = _bucket(frame, current)
        own = frame.time - sum(child.time for child in frame.children)
        totals[label] = totals.get(label, 0.0) + own
        for child in frame.children:
            walk(child, label)

    walk(root, "harness")
    whole = sum(totals.values())
    for label, _f, _p in [("harness", "", ""), *BUCKETS]:
        if label in totals:
            print(f"{totals.pop(label) * wall_us / whole:8.0f} µs  {label}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--requests", type=int, default=2000, help="timed POSTs (and GETs)")
    parser.add_argument("--rounds", type=int, default=5, help="the best round is reported")
    parser.add_argument("--profile", action="store_true", help="then profile as many POSTs")
    parser.add_argument("--profile-all", action="store_true", help="library frames too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        url = args.database_url or f"sqlite:///{tmp / 'load.sqlite'}"
        needed = WARM + args.requests * (2 if args.profile else 1)
        tokens = prepare(url, 5000 * -(-needed // 5000), tmp).read_text().split()
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "load"})
        app.config["RATELIMIT_ENABLED"] = False
        posts = [_environ("POST", f"/api/v1/surveys/{t}", BODY) for t in tokens[:needed]]
        get = _environ("GET", "/static/survey.css")
        timed(app, posts[:WARM], "201")  # warm: caches, pool, first-request work
        timed(app, [get] * WARM, "200")
        per_round = args.requests // args.rounds
        rounds = []  # (GET wall, GET CPU, POST wall, POST CPU), µs per request
        for r in range(args.rounds):
            batch = posts[WARM + r * per_round : WARM + (r + 1) * per_round]
            rounds.append((*timed(app, [get] * per_round, "200"), *timed(app, batch, "201")))
        get_wall, get_cpu, post_wall, post_cpu = min(rounds, key=lambda r: r[1] + r[3])
        median_post_cpu = sorted(r[3] for r in rounds)[len(rounds) // 2]
        if args.profile:
            profile(app, posts[WARM + args.requests :], args.profile_all, post_cpu)
        print(
            f"database: {url.split(':')[0]}; best of {args.rounds} rounds of {per_round} "
            f"requests; load average {os.getloadavg()[0]:.2f}"
        )
        print(f"GET  /static/survey.css  {get_wall:7.0f} µs wall  {get_cpu:7.0f} µs CPU")
        print(
            f"POST /api/v1/surveys/..  {post_wall:7.0f} µs wall  {post_cpu:7.0f} µs CPU  "
            f"(median round {median_post_cpu:.0f} µs CPU; GET/POST CPU "
            f"{100 * get_cpu / post_cpu:.0f}%)"
        )


def profile(app, posts: list[dict], show_all: bool, post_cpu: float) -> None:
    """Profile POSTs on this thread's CPU clock and print the tree and the buckets."""
    from pyinstrument import Profiler
    from pyinstrument.stack_sampler import get_stack_sampler

    # Sampled on the CPU clock, other processes on a busy machine cost the profile nothing (a
    # wait on the database is not counted either).
    get_stack_sampler().timer_func = time.thread_time
    with Profiler(interval=0.0005) as profiler:
        timed(app, posts, "201")
    text = profiler.output_text(show_all=show_all, time="percent_of_total")
    for line in text.splitlines():  # branches under 0.5% left out
        if not (m := re.search(r"(\d+\.\d)%", line)) or float(m.group(1)) >= 0.5:
            print(line)
    print_buckets(profiler.last_session.root_frame(), post_cpu)


if __name__ == "__main__":
    main()
