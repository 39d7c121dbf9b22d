"""Every API error has the DESIGN.md shape; pages get HTML."""


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
