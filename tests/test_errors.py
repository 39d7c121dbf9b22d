"""Every API error has the DESIGN.md shape; pages get HTML."""

from flask import abort


def assert_error_shape(response, code):
    assert response.status_code == code
    assert response.is_json, response.data[:200]
    body = response.json
    assert set(body) == {"code", "status", "message", "errors"}
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], dict)
    return body


def test_no_token_is_401_with_bearer_challenge(client):
    response = client.get("/api/v1/grid")
    assert_error_shape(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_garbage_token_is_401(client):
    assert_error_shape(client.get("/api/v1/grid", headers={"Authorization": "Bearer nope"}), 401)
    assert_error_shape(client.get("/api/v1/grid", headers={"Authorization": "Basic abc"}), 401)


def test_wrong_role_is_403(client, users):
    body = assert_error_shape(
        client.post("/api/v1/initiatives", headers=users.reviewer, json={}), 403
    )
    assert "role" in body["message"]


def test_malformed_json_is_400_json(client, users):
    response = client.post(
        "/api/v1/initiatives",
        headers=users.owner,
        data="{not json",
        content_type="application/json",
    )
    body = assert_error_shape(response, 400)
    assert "JSON" in body["message"]


def test_unknown_field_is_422_naming_it(client, users):
    payload = {"venue": "peer", "level": "loose", "title_ja": "a", "title_en": "b", "colour": "red"}
    body = assert_error_shape(
        client.post("/api/v1/initiatives", headers=users.owner, json=payload), 422
    )
    assert body["errors"] == {"colour": ["Unknown field."]}
    assert "colour" in body["message"]


def test_bad_enum_is_422_naming_it(client, users):
    payload = {
        "venue": "peer",
        "level": "loose",
        "title_ja": "a",
        "title_en": "b",
        "status": "done",
    }
    body = assert_error_shape(
        client.post("/api/v1/initiatives", headers=users.owner, json=payload), 422
    )
    assert list(body["errors"]) == ["status"]


def test_missing_required_fields_are_named(client, users):
    body = assert_error_shape(client.post("/api/v1/initiatives", headers=users.owner, json={}), 422)
    assert {"venue", "level", "title_ja", "title_en"} <= set(body["errors"])


def test_unknown_api_route_is_json_404(client):
    assert_error_shape(client.get("/api/v1/no-such-thing"), 404)


def test_out_of_range_id_is_404_not_500(client, users):
    assert_error_shape(
        client.get("/api/v1/initiatives/9223372036854775808", headers=users.owner), 404
    )
    assert_error_shape(client.get("/api/v1/initiatives/99999", headers=users.owner), 404)


def test_wrong_method_is_405_with_allow(client, users):
    response = client.delete("/api/v1/grid", headers=users.owner)
    assert_error_shape(response, 405)
    assert "GET" in response.headers["Allow"]


def test_oversized_body_is_413_json(client, users):
    response = client.post(
        "/api/v1/initiatives",
        headers=users.owner,
        data="x" * (3 * 1024 * 1024),
        content_type="application/json",
    )
    assert_error_shape(response, 413)


def test_unhandled_exception_is_json_500_without_internals(make_app):
    app = make_app()

    @app.get("/api/v1/explode")
    def explode():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    body = assert_error_shape(client.get("/api/v1/explode"), 500)
    assert "boom" not in body["message"]


def test_page_errors_are_html(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.content_type.startswith("text/html")


# --- error pages: Japanese titles, a way back that fits the reader ------------------------------

JA = {"Accept-Language": "ja"}


def _title_and_heading(page: str) -> tuple[str, str]:
    title = page.split("<title>")[1].split("</title>")[0]
    heading = page.split("<h1>")[1].split("</h1>")[0].strip()
    return title, heading


def test_page_404_is_japanese_with_a_way_back(client, users):
    page = client.get("/no-such-page", headers=JA).get_data(as_text=True)
    assert _title_and_heading(page) == (
        "ページが見つかりません · crossover",
        "ページが見つかりません",
    )
    assert "Not Found" not in page and "404 ·" not in page
    assert 'id="way-back" href="/login"' in page or 'href="/login" id="way-back"' in page
    users.login("owner@acme.example")
    page = client.get("/no-such-page", headers=JA).get_data(as_text=True)
    assert 'id="way-back"' in page and "カタログに戻る" in page


def test_page_403_is_japanese(client, users):
    users.login("reviewer@example.com")
    response = client.get("/pilots/new", headers=JA)
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert _title_and_heading(page)[1] == "このページを開く権限がありません"
    assert "Forbidden" not in page


def test_participant_errors_offer_no_way_into_staff_pages(client):
    response = client.get("/s/not-a-real-token", headers=JA)
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert _title_and_heading(page)[1] == "ページが見つかりません"
    assert "アンケートのリンクは無効です" in page
    assert "/catalogue" not in page and 'href="/"' not in page and "/login" not in page
    assert 'class="site-header"' not in page  # the survey's own header: brand and language only


def test_page_410_and_500_are_japanese(make_app):
    app = make_app()

    @app.get("/gone")
    def gone():
        abort(410)

    @app.get("/s/explode/thanks")
    def explode():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    page = client.get("/gone", headers=JA).get_data(as_text=True)
    assert _title_and_heading(page)[1] == "このページはもう利用できません" and "Gone" not in page
    response = client.get("/s/explode/thanks", headers=JA)
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "boom" not in page and "Internal" not in page
    assert _title_and_heading(page)[1] == "エラーが発生しました" and "/login" not in page
