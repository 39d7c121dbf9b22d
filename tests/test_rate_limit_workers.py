"""The sign-in limit holds in total across gunicorn workers and both sign-in routes (Redis storage).

gunicorn runs 2 workers on the machine's Redis. Fifteen wrong passwords for one account,
alternating POST /api/v1/auth/token and POST /login over fresh connections, get exactly ten
refusals and then 429s; another account signs in from the same address. Needs Redis at
CROSSOVER_TEST_REDIS_URL (default redis://127.0.0.1:6379/0): skipped when unreachable, except
under CI=true where that is a failure. Only keys carrying this run's unique id are touched.
"""

import http.client
import json
import os
from pathlib import Path
import re
import socket
from urllib.parse import urlencode, urlsplit
import uuid

import pytest

from crossover.auth.models import Role
from tests.conftest import PASSWORD, POSTGRES_URL, Users
from tests.serving import Gunicorn

REDIS_URL = os.environ.get("CROSSOVER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LIMIT = 10
TRIES = 15
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class Redis:
    """Just enough of the Redis protocol to ping and delete keys, without a client library."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.address = (parts.hostname or "127.0.0.1", parts.port or 6379)
        self.db = (parts.path or "/0").lstrip("/") or "0"

    def command(self, *args: str):
        with socket.create_connection(self.address, timeout=2) as sock:
            stream = sock.makefile("rb")
            sock.sendall(self._encode("SELECT", self.db) + self._encode(*args))
            self._reply(stream)
            return self._reply(stream)

    @staticmethod
    def _encode(*args: str) -> bytes:
        parts = [f"*{len(args)}\r\n".encode()]
        for arg in args:
            data = str(arg).encode()
            parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
        return b"".join(parts)

    def _reply(self, stream):
        line = stream.readline().rstrip(b"\r\n")
        kind, rest = line[:1], line[1:]
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b"+":
            return rest.decode()
        if kind == b":":
            return int(rest)
        if kind == b"$":
            return None if int(rest) < 0 else stream.read(int(rest) + 2)[:-2].decode()
        if kind == b"*":
            return [self._reply(stream) for _ in range(int(rest))]
        raise RuntimeError(f"unexpected Redis reply {line!r}")

    def delete_matching(self, pattern: str) -> int:
        cursor, deleted = "0", 0
        while True:
            cursor, keys = self.command("SCAN", cursor, "MATCH", pattern, "COUNT", "1000")
            if keys:
                deleted += self.command("DEL", *keys)
            if cursor == "0":
                return deleted


@pytest.fixture
def redis():
    client = Redis(REDIS_URL)
    try:
        client.command("PING")
    except OSError as error:
        reason = f"Redis at {REDIS_URL} is unreachable ({error}); the cross-worker limit needs it"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return client


@pytest.fixture
def shared_app(make_app, tmp_path):
    """An app whose database a separate gunicorn can open: a SQLite file or the PostgreSQL one."""
    uri = POSTGRES_URL or f"sqlite:///{tmp_path / 'limit.sqlite'}"
    return make_app(SQLALCHEMY_DATABASE_URI=uri), uri


def _request(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None
) -> http.client.HTTPResponse:
    """One request over a fresh connection (so gunicorn may hand it to any worker)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.body = response.read()
        return response
    finally:
        connection.close()


def token_attempt(server: Gunicorn, worker: int, email: str, password: str) -> int:
    """POST /api/v1/auth/token, served by the given worker."""
    body = json.dumps({"email": email, "password": password}).encode()
    with server.routed_to(worker):
        return _request(
            server.port, "POST", "/api/v1/auth/token", body, {"Content-Type": "application/json"}
        ).status


def page_attempt(server: Gunicorn, worker: int, email: str, password: str) -> int:
    """Sign in on the page as a browser does (form, CSRF token, cookie); the POST served by
    worker."""
    form = _request(server.port, "GET", "/login")
    cookie = "; ".join(c.split(";", 1)[0] for c in form.headers.get_all("Set-Cookie") or [])
    csrf = CSRF_FIELD.search(form.body.decode()).group(1)
    body = urlencode({"csrf_token": csrf, "email": email, "password": password}).encode()
    with server.routed_to(worker):
        return _request(
            server.port,
            "POST",
            "/login",
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        ).status


def _outcome(status: int) -> str:
    # The page may show its error with 401 or 200; a sign-in would redirect (302/303).
    return {401: "refused", 200: "refused", 429: "limited"}.get(status, f"HTTP {status}")


def _sign_in_workers(access_log: Path) -> list[str]:
    """The worker pid ("<pid>") behind each POST /login or POST /api/v1/auth/token, sorted."""
    lines = [line.split() for line in access_log.read_text().splitlines()]
    return sorted(
        f[0] for f in lines if f[1:3] in (["POST", "/login"], ["POST", "/api/v1/auth/token"])
    )


def test_failed_sign_ins_are_limited_in_total_across_workers_and_routes(
    shared_app, redis, tmp_path
):
    app, uri = shared_app
    run = uuid.uuid4().hex[:12]
    victim, bystander = f"victim-{run}@acme.example", f"bystander-{run}@acme.example"
    users = Users(app, app.test_client())
    users.create(victim, Role.OWNER, "acme")
    users.create(bystander, Role.OWNER, "acme")
    env = {
        "DATABASE_URL": uri,
        "CROSSOVER_SECRET_KEY": "limit-test",
        "CROSSOVER_RATELIMIT_ENABLED": "true",
        "CROSSOVER_RATELIMIT_STORAGE_URI": REDIS_URL,
        "CROSSOVER_RATELIMIT_KEY_PREFIX": f"crossover-test-{run}",
        "CROSSOVER_AUTH_RATE_LIMIT": f"{LIMIT} per minute",
    }
    access_log = tmp_path / "access.log"
    server = Gunicorn(
        tmp_path,
        env,
        workers=2,
        extra_args=(
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(p)s %(m)s %(U)s %(s)s",
        ),
    )
    try:
        with server:
            workers = server.worker_pids()
            # Routes alternate every try, workers every two: each worker sees both routes.
            plan = [
                (page_attempt if i % 2 else token_attempt, workers[i // 2 % 2])
                for i in range(TRIES + 1)
            ]
            outcomes = [
                _outcome(attempt(server, worker, victim, "wrong password"))
                for attempt, worker in plan[:TRIES]
            ]
            bystander_status = token_attempt(server, plan[TRIES][1], bystander, PASSWORD)
    finally:
        redis.delete_matching(f"*{run}*")
    assert _sign_in_workers(access_log) == sorted(
        f"<{worker}>" for _, worker in plan
    )  # both workers served
    assert outcomes == ["refused"] * LIMIT + ["limited"] * (TRIES - LIMIT)
    assert bystander_status == 201
