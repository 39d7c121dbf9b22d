"""Malformed input of any kind answers 4xx on both engines, never 500 (issue 15, V4).

One test per cause found: NUL characters, JSON nested thousands deep, lone surrogates,
integers of thousands of digits, a CSV field over the csv module's limit, the pages'
number parsing, and ids beyond the INTEGER range. Run with CROSSOVER_TEST_DATABASE_URL
for PostgreSQL, where NUL and out-of-range ids used to fail in the database driver.
"""

import io
import json

import pytest
from sqlalchemy import exc as sa_exc

from crossover.web.errors import UNCHECKED_INPUT
from tests.factories import enroll, make_mentor, make_pilot
from tests.test_errors import assert_error_shape

THOUSANDS_OF_DIGITS = "9" * 5000
BEYOND_INTEGER = 2**40
EN = {"Accept-Language": "en"}
JA = {"Accept-Language": "ja"}


@pytest.fixture
def world(app, client, users):
    """A running pilot with one enrolled person (their survey tokens) and a mentor of another
    organization."""
    app.config["PROPAGATE_EXCEPTIONS"] = (
        False  # a server error must show as a 500, not as a raised exception
    )
    pilot = make_pilot(client, users.owner, status="running")
    person = enroll(client, users.owner, pilot["id"])
    mentor = make_mentor(client, users.owner2)
    tokens = {i["wave"]: i["token"] for i in person["invitations"]}
    return {"pilot": pilot, "person": person, "mentor": mentor, "tokens": tokens, "users": users}


def _instrument(name="Q"):
    return {
        "name": name,
        "scale_min": 1,
        "scale_max": 5,
        "items": [{"key": "a", "text_ja": "問", "text_en": "Item", "subscale": "s"}],
    }


def _initiative(title_ja="社外"):
    return {"venue": "peer", "level": "loose", "title_ja": title_ja, "title_en": "Outside"}


def _raw_json(client, url, text, headers=None):
    return client.post(url, data=text, content_type="application/json", headers=headers or {})


# --- NUL characters (PostgreSQL text cannot hold them) ---------------------------------------

NUL_REQUESTS = {
    "token email (anonymous)": (
        "post",
        "/api/v1/auth/token",
        None,
        {"email": "a\u0000@x.com", "password": "x"},
        "email",
    ),
    "survey note (anonymous)": (
        "post",
        "/api/v1/surveys/{intake}",
        None,
        {"concerns": ["network"], "note": "a\u0000b"},
        "note",
    ),
    "initiative title": (
        "post",
        "/api/v1/initiatives",
        "owner",
        _initiative("社\u0000外"),
        "title_ja",
    ),
    "mentor name": (
        "post",
        "/api/v1/mentors",
        "owner",
        {"name": "Sato\u0000", "capacity": 2},
        "name",
    ),
    "instrument item text": (
        "post",
        "/api/v1/instruments",
        "owner",
        {**_instrument(), "items": [{**_instrument()["items"][0], "text_en": "I\u0000"}]},
        "items.0.text_en",
    ),
    "catalogue search ?q=%00": ("get", "/api/v1/initiatives?q=%00", "owner", None, "q"),
    "mentor search ?q=%00": ("get", "/api/v1/mentors?q=a%00", "owner", None, "q"),
}


@pytest.mark.parametrize("case", NUL_REQUESTS.values(), ids=NUL_REQUESTS.keys())
def test_nul_characters_are_422_naming_the_field(client, world, case):
    method, url, role, payload, field = case
    headers = getattr(world["users"], role) if role else {}
    url = url.format(**world["tokens"])
    response = getattr(client, method)(
        url, headers=headers, **({"json": payload} if payload is not None else {})
    )
    body = assert_error_shape(response, 422)
    assert body["errors"][field] == ["Must not contain NUL characters."]
    assert field in body["message"]


def test_nul_characters_in_page_forms_and_queries_are_refused_in_the_visitors_language(
    client, world
):
    login = client.post("/login", data={"email": "a\x00@x.com", "password": "x"}, headers=JA)
    assert (
        login.status_code == 422
        and "NUL" in login.get_data(as_text=True)
        and "email" in login.get_data(as_text=True)
    )
    world["users"].login("owner@acme.example")
    search = client.get("/initiatives?q=%00", headers=EN)
    assert search.status_code == 422 and "Must not contain NUL characters." in search.get_data(
        as_text=True
    )


# --- JSON nested thousands deep (RecursionError in the parser) -------------------------------


@pytest.mark.parametrize("depth", [33, 969, 100_000])
def test_deeply_nested_json_is_400_before_parsing(client, world, depth):
    url = f"/api/v1/surveys/{world['tokens']['pre']}"  # anonymous: the participant's survey
    text = '{"answers": {"vision_1": ' + "[" * depth + "]" * depth + "}}"
    body = assert_error_shape(_raw_json(client, url, text), 400)
    assert "32" in body["message"] and body["errors"] == {"body": ["At most 32 levels of nesting."]}


def test_json_nested_within_the_limit_reaches_validation(client, world):
    url = f"/api/v1/surveys/{world['tokens']['pre']}"
    text = (
        '{"answers": {"vision_1": ' + "[" * 30 + "]" * 30 + "}}"
    )  # 32 levels with the two objects
    assert _raw_json(client, url, text).status_code == 422
    brackets_in_strings = json.dumps({"note": "[" * 1000 + '\\"{' * 300, "concerns": ["network"]})
    answered = _raw_json(
        client, f"/api/v1/surveys/{world['tokens']['intake']}", brackets_in_strings
    )
    assert answered.status_code == 201, answered.json


# --- lone surrogates (not encodable as UTF-8) ------------------------------------------------


@pytest.mark.parametrize(
    "url, role, text, field",
    [
        ("/api/v1/auth/token", None, '{"email": "x\\ud83d", "password": "x"}', "email"),
        (
            "/api/v1/initiatives",
            "owner",
            json.dumps(_initiative()).replace("Outside", "x\\ud83d"),
            "title_en",
        ),
        ("/api/v1/mentors", "owner", '{"name": "\\udc00", "capacity": 2}', "name"),
        ("/api/v1/mentors", "owner", '{"name": "Sato", "capacity": 2, "x\\ud83d": 1}', "x\ufffd"),
    ],
    ids=["token email (anonymous)", "initiative title", "mentor name", "a key"],
)
def test_lone_surrogates_are_422_naming_the_field(client, world, url, role, text, field):
    headers = getattr(world["users"], role) if role else {}
    body = assert_error_shape(_raw_json(client, url, text, headers), 422)
    assert body["errors"][field] == ["Must be valid Unicode text (no lone surrogates)."]


# --- integers of thousands of digits (Python refuses to convert them) -------------------------


def test_integer_of_thousands_of_digits_is_422_naming_the_field(client, world):
    owner = world["users"].owner
    text = f'{{"name": "Sato", "capacity": {THOUSANDS_OF_DIGITS}}}'
    body = assert_error_shape(_raw_json(client, "/api/v1/mentors", text, owner), 422)
    assert body["errors"] == {"capacity": ["Number out of range."]}
    answers = f'{{"answers": {{"vision_1": -{THOUSANDS_OF_DIGITS}}}}}'
    body = assert_error_shape(
        _raw_json(client, f"/api/v1/surveys/{world['tokens']['pre']}", answers), 422
    )
    assert body["errors"] == {"answers.vision_1": ["Number out of range."]}
    power = client.get(f"/api/v1/power?dz=0.3&n={THOUSANDS_OF_DIGITS}")
    assert_error_shape(power, 422)


def test_non_json_numbers_are_400(client, world):
    for constant in ("NaN", "Infinity", "-Infinity"):
        text = f'{{"name": "Sato", "capacity": {constant}}}'
        body = assert_error_shape(
            _raw_json(client, "/api/v1/mentors", text, world["users"].owner), 400
        )
        assert constant in body["message"]


def test_every_integer_the_api_accepts_fits_an_integer_column(client):
    """The base schema bounds every Integer field, so no number reaches a column it overflows."""
    spec = client.get("/api/v1/openapi.json").json
    unbounded = []

    def visit(node, where):
        if isinstance(node, dict):
            if "$ref" in node:
                name = node["$ref"].rsplit("/", 1)[1]
                return visit(spec["components"]["schemas"][name], name)
            if node.get("type") == "integer" and not (
                node.get("minimum", -(2**63)) >= -(2**31)
                and node.get("maximum", 2**63) <= 2**31 - 1
            ):
                unbounded.append(where)
            for key, child in node.items():
                visit(child, f"{where}.{key}")
        elif isinstance(node, list):
            for index, child in enumerate(node):
                visit(child, f"{where}.{index}")

    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            # flask-smorest's own pagination: a page past the last row is simply empty
            # (crossover.db.page_of)
            parameters = [
                p for p in operation.get("parameters", []) if p["name"] not in ("page", "page_size")
            ]
            visit(parameters, f"{method} {path}")
            visit(operation.get("requestBody", {}), f"{method} {path} body")
    assert unbounded == []


# --- a CSV field over the csv module's limit (131,072 characters) ----------------------------


def test_csv_field_over_the_limit_is_422_naming_the_line(client, world):
    pilot_id = world["pilot"]["id"]
    text = (
        "age_band,career_phase,consent\n50-54,post_off,yes\n50-54,post_off," + "y" * 140_000 + "\n"
    )
    upload = client.post(
        f"/api/v1/pilots/{pilot_id}/enrollments/csv",
        headers=world["users"].owner,
        data={"file": (io.BytesIO(text.encode()), "people.csv")},
        content_type="multipart/form-data",
    )
    body = assert_error_shape(upload, 422)
    assert (
        list(body["errors"]) == ["line 3"]
        and "field larger than field limit" in body["errors"]["line 3"][0]
    )

    world["users"].login("owner@acme.example")
    page = client.post(
        f"/pilots/{pilot_id}/enroll-csv",
        data={"file": (io.BytesIO(text.encode()), "people.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    # Answered in place (issue 11: the message in view, no redirect past it)
    assert page.status_code == 422 and "Line 3" in page.get_data(as_text=True)


def test_csv_with_a_nul_character_is_422_naming_the_line(client, world):
    text = "age_band,career_phase,consent\n50-54,post_off,yes\n50-54,post\x00off,yes\n"
    upload = client.post(
        f"/api/v1/pilots/{world['pilot']['id']}/enrollments/csv",
        headers=world["users"].owner,
        data={"file": (io.BytesIO(text.encode()), "people.csv")},
        content_type="multipart/form-data",
    )
    assert assert_error_shape(upload, 422)["errors"] == {
        "line 3": ["NUL characters are not allowed."]
    }


# --- the pages' number parsing ('--5', '³', thousands of digits) ------------------------------

UNREADABLE_NUMBERS = ["--5", "³", "٣", "1e3", THOUSANDS_OF_DIGITS]


@pytest.mark.parametrize(
    "typed",
    UNREADABLE_NUMBERS,
    ids=["double-minus", "superscript", "arabic", "exponent", "5000-digits"],
)
def test_unreadable_numbers_in_pages_are_named_by_their_label(client, world, typed):
    pilot_id, tokens = world["pilot"]["id"], world["tokens"]
    survey = client.post(
        f"/s/{tokens['pre']}", data={"answer_vision_1": typed}
    )  # the participant's own page
    assert survey.status_code == 422 and 'id="q-vision_1"' in survey.get_data(as_text=True)

    world["users"].login("owner@acme.example")
    mentor = client.post("/mentors", data={"name": "Sato", "capacity": typed}, headers=EN)
    assert mentor.status_code == 422
    assert (
        "Capacity (participants at once): enter a whole number in digits (0-9)."
        in mentor.get_data(as_text=True)
    )
    mentor_ja = client.post("/mentors", data={"name": "Sato", "capacity": typed}, headers=JA)
    assert "同時に担当できる人数：半角数字の整数で入力してください。" in mentor_ja.get_data(
        as_text=True
    )

    new = client.post(
        "/pilots/new",
        headers=EN,
        data={"title": "x", "planned_n": typed, "min_dz": typed, "followup_days": f"30, {typed}"},
    )
    page = new.get_data(as_text=True)
    assert new.status_code == 422
    assert "Planned pairs (n): enter a whole number in digits (0-9)." in page
    assert "Smallest effect of interest (dz): enter a number in digits (0-9)." in page
    assert "enter whole numbers in digits (0-9), separated by commas." in page

    matched = client.post(
        f"/pilots/{pilot_id}/match",
        data={"enrollment_id": typed, "mentor_id": typed},
        headers=EN,
        follow_redirects=True,
    )
    assert matched.status_code == 200 and "Choose a participant and a mentor." in matched.get_data(
        as_text=True
    )


def test_page_numbers_accept_a_sign_and_ascii_digits(client, world):
    world["users"].login("owner@acme.example")
    assert client.post("/mentors", data={"name": "Sato", "capacity": " +3 "}).status_code == 302
    minus = client.post("/mentors", data={"name": "Sato", "capacity": "-3"}, headers=EN)
    # The schema's range, worded for people and naming the field's label (issue 11)
    text = minus.get_data(as_text=True)
    assert (
        minus.status_code == 422
        and "Capacity (participants at once): Enter a value from 1 to 50." in text
    )


# --- ids beyond the INTEGER range --------------------------------------------------------------


@pytest.mark.parametrize("id_text", [str(BEYOND_INTEGER), str(2**31), THOUSANDS_OF_DIGITS])
def test_ids_beyond_the_integer_range_are_404(client, world, id_text):
    users = world["users"]
    assert_error_shape(client.get(f"/api/v1/pilots/{id_text}", headers=users.owner), 404)
    assert_error_shape(client.get(f"/api/v1/initiatives/{id_text}", headers=users.owner), 404)
    users.login("owner@acme.example")
    assert client.get(f"/pilots/{id_text}").status_code == 404


def test_ids_beyond_the_integer_range_in_bodies_and_forms_are_refused(client, world):
    users, pilot_id = world["users"], world["pilot"]["id"]
    api = client.post(
        f"/api/v1/pilots/{pilot_id}/matches",
        headers=users.owner,
        json={"enrollment_id": BEYOND_INTEGER, "mentor_id": BEYOND_INTEGER},
    )
    assert set(assert_error_shape(api, 422)["errors"]) == {"enrollment_id", "mentor_id"}
    users.login("owner@acme.example")
    page = client.post(
        f"/pilots/{pilot_id}/match",
        headers=EN,
        follow_redirects=True,
        data={"enrollment_id": str(BEYOND_INTEGER), "mentor_id": str(world["mentor"]["id"])},
    )
    assert page.status_code == 200 and "Choose a participant and a mentor." in page.get_data(
        as_text=True
    )


# --- defence in depth: a value the database refuses ---------------------------------------------


def test_a_value_the_database_refuses_is_400_and_logged_as_a_missing_check(make_app, caplog):
    app = make_app()

    @app.get("/api/v1/overflow")
    def overflow():
        raise sa_exc.DataError(
            "INSERT INTO t VALUES (?)", (BEYOND_INTEGER,), Exception("integer out of range")
        )

    app.config["PROPAGATE_EXCEPTIONS"] = False
    body = assert_error_shape(app.test_client().get("/api/v1/overflow"), 400)
    assert "integer out of range" not in body["message"]
    assert [r.levelname for r in caplog.records if UNCHECKED_INPUT in r.getMessage()] == ["ERROR"]
