"""Roster CSVs: every row checked first with each error named by line and column (API and the
Japanese page), all or nothing, the same file once (later or at the same moment), big files."""

import io
import threading

import pytest
import sqlalchemy as sa

from crossover.auth.models import Role
from crossover.company import rosters
from crossover.company.models import RosterContact, RosterMember, RosterUpload
from crossover.extensions import db
from tests.company.flows import HEADER, make_round, make_survey, member_tokens, roster_csv, upload
from tests.conftest import Users
from tests.pilots.test_uploads import _post_file

JA = {"Accept-Language": "ja"}


def _counts(app) -> dict[str, int]:
    with app.app_context():
        counts = {
            model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (RosterMember, RosterContact, RosterUpload)
        }
        db.session.remove()
    return counts


@pytest.fixture
def round_(client, users):
    return make_round(client, users.owner, make_survey(client, users.owner)["id"])


BAD = (
    HEADER
    + "\nE1,30-34,6-10,営業部,,a@example.com,4"
    + "\nE2,38,6-10,営業部,,,"  # line 3: age band
    + "\nE3,30-34,7,,,,"  # line 4: tenure band and unit
    + "\nE1,30-34,6-10,営業部,,,"  # line 5: duplicate of line 2
    + "\nE5,30-34,6-10,営業部,nobody,not-mail,NaN"  # line 6: phase, email, engagement
    + "\n,30-34,6-10,営業部,,,"  # line 7: no ref
    + "\n"
).encode()


def test_every_bad_row_is_named_by_line_and_column_and_nothing_is_stored(
    app, client, users, round_
):
    answer = upload(client, users.owner, round_["id"], BAD)
    assert answer.status_code == 422
    errors = answer.json["errors"]
    assert errors == {
        "line 3": ["age_band: Unknown age band '38'."],
        "line 4": ["tenure_band: Unknown tenure band '7'.", "unit: Required."],
        "line 5": ["employee_ref: Duplicate of line 2."],
        "line 6": [
            "career_phase: Unknown career phase 'nobody'.",
            "email: 'not-mail' is not a valid e-mail address.",
            "engagement: Must be a finite number.",
        ],
        "line 7": ["employee_ref: Required."],
    }  # line 2 is fine; every other line is reported at once
    assert _counts(app) == {"roster_members": 0, "roster_contacts": 0, "roster_uploads": 0}


def test_a_ref_already_on_the_round_is_named(client, users, round_):
    assert upload(client, users.owner, round_["id"], roster_csv(2)).status_code == 201
    again = upload(client, users.owner, round_["id"], roster_csv(2, start=1))
    assert again.status_code == 422
    assert again.json["errors"] == {
        "line 2": [
            "employee_ref: Already on this round's roster.",
            "email: Already the address of another employee of this round.",
        ]
    }


def test_one_mailbox_gets_one_link(client, users, round_):
    """F4 at its cheapest: invented employees sharing the owner's own mailbox."""
    data = HEADER + "\nA1,30-34,6-10,開発,,hr@example.com,\nA2,30-34,6-10,開発,,HR@example.com,\n"
    refused = upload(client, users.owner, round_["id"], data.encode())
    assert refused.status_code == 422
    assert refused.json["errors"] == {"line 3": ["email: Same address as line 2."]}


@pytest.mark.parametrize(
    "data, key, text",
    [
        (HEADER.encode() + b"\nE1,30-34,6-10,\x81\x20,,,\n", "line 2", "Unreadable bytes"),
        (b"employee_ref,age_band\nE1,30-34\n", "file", "Missing column(s): tenure_band, unit."),
        (HEADER.encode() + b"\n", "file", "No employees in the file."),
        (HEADER.encode() + b"\nE1,30-34,6-10,\x00,,,\n", "line 2", "NUL characters"),
    ],
)
def test_unreadable_files_are_422_naming_the_file_or_line(client, users, round_, data, key, text):
    answer = upload(client, users.owner, round_["id"], data)
    assert answer.status_code == 422 and text in " ".join(answer.json["errors"][key])


def test_too_many_rows(client, users, round_, monkeypatch):
    monkeypatch.setattr(rosters, "MAX_ROSTER_ROWS", 3)
    answer = upload(client, users.owner, round_["id"], roster_csv(4))
    assert answer.status_code == 422 and answer.json["errors"] == {
        "file": ["At most 3 rows per file."]
    }


def test_japanese_page_names_each_line_and_column_and_keeps_the_page(app, client, users, round_):
    users.login("owner@acme.example")
    page = client.post(
        f"/company/rounds/{round_['id']}/roster",
        data={"file": (io.BytesIO(BAD), "roster.csv")},
        content_type="multipart/form-data",
        headers=JA,
    )
    html = page.get_data(as_text=True)
    assert html.count("3行目: 年齢層") == 1  # beside the form only; the headline stays short
    assert page.status_code == 422 and 'id="roster-errors"' in html
    assert "5行にエラーがあります。誰も追加していません。" in html
    assert "3行目: 年齢層: 「38」は選択肢にありません。" in html
    assert "4行目: 勤続年数: 「7」は選択肢にありません。 部署: 必須です。" in html
    assert "5行目: 社員ID（employee_ref）: 2行目と同じ社員です。" in html
    assert "6行目:" in html and "エンゲージメント・スコア: 数値を入力してください。" in html
    assert "age_band:" not in html and "Unknown" not in html
    assert _counts(app)["roster_members"] == 0


def test_page_upload_shows_no_link_and_the_same_file_adds_nobody(app, client, users, round_):
    users.login("owner@acme.example")
    data = roster_csv(3) + b"E00003,30-34,6-10,Sales,,,\n"
    answer = client.post(
        f"/company/rounds/{round_['id']}/roster",
        data={"file": (io.BytesIO(data), "roster.csv")},
        content_type="multipart/form-data",
        headers=JA,
        follow_redirects=True,
    )
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    page = answer.get_data(as_text=True)
    assert "4名を追加しました。" in page and "メールアドレスのない1名" in page
    assert 'id="refs-note"' in page and "/s/" not in page
    assert not any(token in page for token in member_tokens(app, round_["id"]))
    again = client.post(
        f"/company/rounds/{round_['id']}/roster",
        data={"file": (io.BytesIO(data), "roster.csv")},
        content_type="multipart/form-data",
        headers=JA,
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "このファイルはこのラウンドにアップロード済みで" in again
    assert _counts(app)["roster_members"] == 4


def test_same_file_again_is_409_with_the_earlier_result(app, client, users, round_):
    data = roster_csv(5)
    first = upload(client, users.owner, round_["id"], data)
    assert first.status_code == 201
    before = _counts(app)
    again = upload(client, users.owner, round_["id"], data)
    assert again.status_code == 409 and again.json["result"] == first.json["upload"]
    assert "already uploaded" in again.json["message"] and again.json["errors"]["file"]
    assert _counts(app) == before
    # the same file for another round of the organisation is another upload
    other = make_round(client, users.owner, make_survey(client, users.owner)["id"], label="x")
    assert upload(client, users.owner, other["id"], data).status_code == 201


def test_emails_go_to_contacts_in_lower_case(app, client, users, round_):
    data = (HEADER + "\nA1,30-34,6-10,開発,,Hanako@Example.COM,\nA2,65+,31+,開発,,,\n").encode()
    assert upload(client, users.owner, round_["id"], data).json["added"] == 2
    with app.app_context():
        assert db.session.scalars(sa.select(RosterContact.email)).all() == ["hanako@example.com"]
        db.session.remove()


def test_import_reports_progress_every_10000_rows(app, client, users, round_):
    from crossover.company.models import SurveyRound

    seen = []
    with app.app_context():
        found = db.session.get(SurveyRound, round_["id"])
        result = rosters.import_roster(
            found, roster_csv(20_500), actor=None, progress=lambda *a: seen.append(a)
        )
        assert result.added == 20_500
        db.session.remove()
    assert seen == [
        ("checked", 10_000, 20_500),
        ("checked", 20_000, 20_500),
        ("checked", 20_500, 20_500),
        ("inserted", 10_000, 20_500),
        ("inserted", 20_000, 20_500),
        ("inserted", 20_500, 20_500),
    ]
    assert _counts(app)["roster_contacts"] == 20_500


def test_simultaneous_uploads_of_the_same_file_add_it_once(live):
    app, base = live
    client = app.test_client()
    users = Users(app, client)
    users.create("owner@acme.example", Role.OWNER, "acme")
    headers = users.headers("owner@acme.example")
    round_ = make_round(client, headers, make_survey(client, headers)["id"])
    data = roster_csv(400)
    barrier = threading.Barrier(6)
    codes: list[int] = [0] * 6

    def post(index):
        barrier.wait()
        codes[index] = _post_file(f"{base}/api/v1/rounds/{round_['id']}/roster", headers, data)[0]

    threads = [threading.Thread(target=post, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(codes) == [201] + [409] * 5
    assert _counts(app) == {"roster_members": 400, "roster_contacts": 400, "roster_uploads": 1}


def test_a_roster_over_the_app_body_limit_is_accepted(make_app):
    """The roster endpoint alone takes files beyond MAX_CONTENT_LENGTH (here 64 KiB)."""
    app = make_app(MAX_CONTENT_LENGTH=64 * 1024)
    client = app.test_client()
    users = Users(app, client)
    users.create("owner@acme.example", Role.OWNER, "acme")
    headers = users.headers("owner@acme.example")
    round_ = make_round(client, headers, make_survey(client, headers)["id"])
    data = roster_csv(2_000)
    assert len(data) > 64 * 1024
    assert upload(client, headers, round_["id"], data).status_code == 201
    too_big = client.post(
        "/api/v1/company-surveys",
        headers=headers,
        json={"title": "x" * 100, "padding": "y" * 70_000},
    )
    assert too_big.status_code == 413  # everything else keeps the app's limit
