"""Sign-in pages: CSRF, language, redirects, rate limit."""

from tests.conftest import PASSWORD


def test_login_page_defaults_to_browser_language(client):
    assert "ログイン" in client.get("/login", headers={"Accept-Language": "ja"}).get_data(
        as_text=True
    )
    assert "Sign in" in client.get("/login", headers={"Accept-Language": "en-US,en"}).get_data(
        as_text=True
    )


def test_language_switch_is_remembered(client):
    client.get("/lang/en?next=/login")
    assert "Sign in" in client.get("/login", headers={"Accept-Language": "ja"}).get_data(
        as_text=True
    )
    client.get("/lang/ja")
    assert "ログイン" in client.get("/login", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )


def test_pages_require_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and response.location.startswith("/login")


def test_sign_in_and_out(client, users):
    response = client.post(
        "/login?next=/initiatives", data={"email": "owner@acme.example", "password": PASSWORD}
    )
    assert response.status_code == 302 and response.location == "/initiatives"
    assert client.get("/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_rerenders_form(client, users):
    response = client.post("/login", data={"email": "owner@acme.example", "password": "nope"})
    assert response.status_code == 401
    assert 'value="owner@acme.example"' in response.get_data(as_text=True)


def test_next_cannot_redirect_off_site(client, users):
    response = client.post(
        "/login?next=//evil.example/x", data={"email": "owner@acme.example", "password": PASSWORD}
    )
    assert response.location == "/"


def test_forms_need_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/login", data={"email": "a@b.example", "password": "x"})
    assert response.status_code == 400
    assert response.content_type.startswith("text/html")
    page = client.get("/login").get_data(as_text=True)
    assert 'name="csrf_token"' in page


def test_login_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, AUTH_RATE_LIMIT="2 per minute")
    client = app.test_client()
    codes = [
        client.post("/login", data={"email": "a@b.example", "password": "x"}).status_code
        for _ in range(3)
    ]
    assert codes == [401, 401, 429]
