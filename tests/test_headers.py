"""Security headers on every response, cookie flags, exports that are never cached."""

from pathlib import Path
import re

import pytest

from crossover import create_app
from crossover.auth.models import Role
from tests.conftest import PASSWORD, Users, _test_config
from tests.factories import enroll, make_pilot

TEMPLATES = Path(__file__).resolve().parent.parent / "crossover" / "templates"
OWNER = "owner@acme.example"


def _csp(response) -> dict[str, list[str]]:
    directives = (
        part.strip().split() for part in response.headers["Content-Security-Policy"].split(";")
    )
    return {name: values for name, *values in directives}


def _survey_path(client, users) -> str:
    pilot = make_pilot(client, users.owner, status="running")
    person = enroll(client, users.owner, pilot["id"])
    return next(f"/s/{i['token']}" for i in person["invitations"] if i["wave"] == "pre")


def _closed(response):
    response.close()  # a static file's handle; the headers stay readable
    return response


@pytest.fixture
def responses(client, users):
    """One response of each kind: pages signed in and out, the survey, API, static, errors."""
    survey = _survey_path(client, users)
    anonymous = {
        "sign-in page": client.get("/login"),
        "survey page": client.get(survey),
        "API JSON": client.get("/api/v1/reference"),
        "API error": client.get("/api/v1/auth/me"),
        "static file": _closed(client.get("/static/style.css")),
        "page 404": client.get("/no-such-page"),
    }
    users.login(OWNER)
    return anonymous | {
        "signed-in page": client.get("/pilots"),
        "pilot form": client.get("/pilots/new"),
    }


def test_every_response_forbids_framing_and_sniffing(responses):
    for kind, response in responses.items():
        assert response.headers.get("X-Frame-Options") == "DENY", kind
        assert response.headers.get("X-Content-Type-Options") == "nosniff", kind
        assert _csp(response)["frame-ancestors"] == ["'none'"], kind


def test_content_security_policy_is_restrictive(responses):
    for kind, response in responses.items():
        csp = _csp(response)
        assert csp["default-src"] == ["'self'"], kind
        assert csp["script-src"] == ["'self'"], kind  # no inline scripts, no eval
        assert csp["style-src"] == ["'self'"], kind  # no <style> elements or foreign sheets
        assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"], kind
        assert csp["form-action"] == ["'self'"], kind


def test_survey_pages_send_no_referrer_and_others_same_origin(responses):
    for kind, response in responses.items():
        expected = "no-referrer" if kind == "survey page" else "same-origin"
        assert response.headers.get("Referrer-Policy") == expected, kind


def test_survey_api_sends_no_referrer(client, users):
    token = _survey_path(client, users).removeprefix("/s/")
    assert client.get(f"/api/v1/surveys/{token}").headers["Referrer-Policy"] == "no-referrer"


def test_templates_have_no_inline_scripts_or_event_handlers():
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0):
                offenders.append(f"{path.name}: {match.group(0)}")
        offenders += [f"{path.name}: {m.group(0)}" for m in re.finditer(r"\son[a-z]+\s*=", text)]
        offenders += [f"{path.name}: javascript: URL" for _ in re.finditer(r"javascript:", text)]
    assert not offenders


def _session_cookie_header(app) -> str:
    client = app.test_client()
    Users(app, client).create(OWNER, Role.OWNER, "acme")
    response = client.post("/login", data={"email": OWNER, "password": PASSWORD})
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))


def test_session_cookie_is_httponly_and_samesite_lax(app):
    cookie = _session_cookie_header(app)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP in development: configurable, see below


def test_session_cookie_is_secure_when_configured(make_app):
    cookie = _session_cookie_header(make_app(SESSION_COOKIE_SECURE=True))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookie_flag_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("CROSSOVER_SESSION_COOKIE_SECURE", "true")
    app = create_app(_test_config())
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert (
        app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax" and app.config["REMEMBER_COOKIE_HTTPONLY"]
    )


def test_export_is_never_cached(client, users):
    pilot = make_pilot(client, users.owner, status="running")
    enroll(client, users.owner, pilot["id"])
    response = client.get(f"/api/v1/pilots/{pilot['id']}/export.csv", headers=users.owner)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
