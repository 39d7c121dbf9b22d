"""Failed sign-ins are limited per address and account, across /login and the token endpoint."""

import pytest

from crossover.auth.models import Role
from tests.conftest import PASSWORD, Users

ALICE, BOB, CAROL = "alice@acme.example", "bob@acme.example", "carol@acme.example"
WRONG = "not the password"


@pytest.fixture
def limited(make_app):
    """An app with small limits and three colleagues of one organisation."""

    def build(**config):
        defaults = {"AUTH_RATE_LIMIT": "3 per minute", "AUTH_ADDRESS_RATE_LIMIT": "20 per minute"}
        app = make_app(RATELIMIT_ENABLED=True, **{**defaults, **config})
        users = Users(app, app.test_client())
        for email in (ALICE, BOB, CAROL):
            users.create(email, Role.OWNER, "acme")
        return app

    return build


def _page(client, email, password, **kwargs):
    return client.post("/login", data={"email": email, "password": password}, **kwargs)


def _token(client, email, password, **kwargs):
    return client.post("/api/v1/auth/token", json={"email": email, "password": password}, **kwargs)


def test_page_and_token_endpoint_count_failures_together(limited):
    client = limited().test_client()
    codes = [
        _page(client, ALICE, WRONG).status_code,
        _token(client, ALICE, WRONG).status_code,
        _page(client, ALICE, WRONG).status_code,
    ]
    assert codes == [401, 401, 401]
    assert _token(client, ALICE, PASSWORD).status_code == 429
    assert _page(client, ALICE, PASSWORD).status_code == 429


def test_one_persons_failures_do_not_lock_out_colleagues_behind_the_same_address(limited):
    client = limited().test_client()
    for _ in range(3):
        _page(client, ALICE, WRONG)
    assert _page(client, ALICE, PASSWORD).status_code == 429
    assert _page(client, BOB, PASSWORD).status_code == 302
    assert _token(client, CAROL, PASSWORD).status_code == 201


def test_the_account_is_normalised_so_case_and_spaces_do_not_reset_the_count(limited):
    client = limited().test_client()
    for email in (ALICE, ALICE.upper(), f"  {ALICE}  "):
        assert _token(client, email, WRONG).status_code == 401
    assert _page(client, ALICE.title(), PASSWORD).status_code == 429


def test_only_failures_count(limited):
    client = limited().test_client()
    codes = [_page(client, ALICE, WRONG).status_code, _page(client, ALICE, WRONG).status_code]
    for _ in range(5):  # more successes than the limit: none of them counts
        codes.append(_page(client, ALICE, PASSWORD).status_code)
        codes.append(_token(client, ALICE, PASSWORD).status_code)
    codes.append(_token(client, ALICE, WRONG).status_code)
    assert codes == [401, 401] + [302, 201] * 5 + [401]
    assert _page(client, ALICE, PASSWORD).status_code == 429


def test_requests_refused_for_bad_input_do_not_count(limited):
    client = limited().test_client()
    for _ in range(5):
        assert client.post("/api/v1/auth/token", json={"email": ALICE}).status_code == 422
    assert _token(client, ALICE, PASSWORD).status_code == 201


def test_addresses_count_apart(limited):
    client = limited().test_client()
    for _ in range(3):
        _page(client, ALICE, WRONG, environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert (
        _page(client, ALICE, PASSWORD, environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 429
    )
    assert (
        _page(client, ALICE, PASSWORD, environ_base={"REMOTE_ADDR": "192.0.2.2"}).status_code == 302
    )


def test_one_address_trying_many_accounts_is_limited(limited):
    client = limited(AUTH_ADDRESS_RATE_LIMIT="4 per minute").test_client()
    codes = [_token(client, f"guess{i}@acme.example", WRONG).status_code for i in range(4)]
    assert codes == [401] * 4
    assert _page(client, BOB, PASSWORD).status_code == 429
    assert (
        _page(client, BOB, PASSWORD, environ_base={"REMOTE_ADDR": "192.0.2.9"}).status_code == 302
    )


def test_behind_a_trusted_proxy_the_forwarded_address_counts(limited):
    client = limited(PROXY_COUNT=1).test_client()
    office, home = {"X-Forwarded-For": "198.51.100.7"}, {"X-Forwarded-For": "203.0.113.5"}
    for _ in range(3):
        _page(client, ALICE, WRONG, headers=office)
    assert _page(client, ALICE, PASSWORD, headers=office).status_code == 429
    assert _page(client, ALICE, PASSWORD, headers=home).status_code == 302


def test_limited_api_answer_is_json_with_retry_after(limited):
    client = limited().test_client()
    for _ in range(3):
        _token(client, ALICE, WRONG)
    response = _token(client, ALICE, WRONG)
    assert response.status_code == 429 and "Retry-After" in response.headers
    assert response.json["code"] == 429 and response.json["status"] == "Too Many Requests"
    assert "Too many failed sign-in attempts" in response.json["message"]


@pytest.mark.parametrize(
    "language, text",
    [
        ("ja", "ログインの失敗が続いたため、一時的に受け付けを止めています。"),
        ("en", "Too many failed sign-in attempts. Please wait a few minutes and try again."),
    ],
)
def test_limited_sign_in_page_says_so_in_the_readers_language(limited, language, text):
    client = limited().test_client()
    for _ in range(3):
        _page(client, ALICE, WRONG)
    response = _page(client, ALICE, PASSWORD, headers={"Accept-Language": language})
    body = response.get_data(as_text=True)
    assert response.status_code == 429 and "Retry-After" in response.headers
    assert text in body and 'class="flash error"' in body
    assert f'value="{ALICE}"' in body and 'name="password"' in body  # the form, not an error page
