"""Files as Japanese offices make them: Excel's cp932 CSV and UTF-16 Unicode text read through the
API and the pages for enrolment, roster and engagement; undecodable bytes named by their line,
never garbled; template CSVs with the valid codes that upload as they are once filled in."""

import codecs
import csv
import io
from pathlib import Path
import re

import pytest
import sqlalchemy as sa

from crossover.company.models import RosterMember
from crossover.extensions import db
from crossover.pilots.models import Contact, Enrollment
from crossover.web.csv_upload import read_rows
from crossover.web.errors import Invalid
from tests.company.flows import make_round, make_survey
from tests.factories import make_pilot

FIXTURES = Path(__file__).parent / "fixtures"
JA = {"Accept-Language": "ja"}
ENROLMENT = {"age_band", "career_phase", "consent"}


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _post(client, url: str, data: bytes, name: str = "people.csv", headers=None):
    return client.post(
        url,
        headers=headers or {},
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


# --- the reader ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["enrolment-excel-cp932.csv", "enrolment-excel-unicode.txt"])
def test_excel_files_read_as_excel_wrote_them(name):
    data = _fixture(name)
    assert data.startswith(codecs.BOM_UTF16_LE) == name.endswith(".txt")  # the real bytes
    rows = read_rows(data, ENROLMENT, 10, "empty")
    # the notes before the header are skipped, line numbers count them as a spreadsheet does
    assert [line for line, _ in rows] == [5, 6, 7]
    assert rows[0][1] == {
        "age_band": "45-49",
        "career_phase": "in_management",
        "consent": "はい",
        "arm": "",
        "email": "taro.yamada@example.com",
    }
    assert rows[1][1]["consent"] == "同意"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932", "utf-16"])
def test_every_encoding_gives_the_same_rows(encoding):
    text = "employee_ref,unit\r\n社員1,髙橋ラボ\r\nE2,営業部\r\n"
    rows = read_rows(text.encode(encoding), {"employee_ref", "unit"}, 10, "empty")
    assert rows == [
        (2, {"employee_ref": "社員1", "unit": "髙橋ラボ"}),
        (3, {"employee_ref": "E2", "unit": "営業部"}),
    ]


@pytest.mark.parametrize(
    "data, line",
    [
        (b"employee_ref,unit\nE1,a\nE2,\x81\x20\n", 3),  # a cp932 lead byte without its trail
        # UTF-8 Japanese, then a broken byte: refused at that line, not read as cp932 mojibake
        ("employee_ref,unit\nE1,営業部\nE2,人事部\n".encode() + b"E3,\xe5\x96\n", 4),
        (codecs.BOM_UTF16_LE + "employee_ref,unit\nE1,a\n".encode("utf-16-le") + b"\x00\xdc", 3),
        (codecs.BOM_UTF8 + b"employee_ref,unit\n\xff,a\n", 2),
    ],
)
def test_undecodable_bytes_are_refused_naming_the_line(data, line):
    with pytest.raises(Invalid) as refused:
        read_rows(data, {"employee_ref", "unit"}, 10, "empty")
    assert refused.value.status == 422
    assert list(refused.value.errors) == [f"line {line}"]
    assert "UTF-8, Shift_JIS (cp932) or UTF-16" in refused.value.errors[f"line {line}"][0]


def test_rows_of_empty_cells_are_skipped_but_a_note_after_the_header_is_data():
    data = b"employee_ref,unit\nE1,a\n,,\n#E2,b\n"
    assert read_rows(data, {"employee_ref", "unit"}, 10, "empty") == [
        (2, {"employee_ref": "E1", "unit": "a"}),
        (4, {"employee_ref": "#E2", "unit": "b"}),
    ]


# --- enrolment -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["enrolment-excel-cp932.csv", "enrolment-excel-unicode.txt"])
def test_enrolment_api_takes_excel_files(app, client, users, name):
    pilot = make_pilot(client, users.owner, status="recruiting")
    response = _post(
        client, f"/api/v1/pilots/{pilot['id']}/enrollments/csv", _fixture(name), name, users.owner
    )
    assert response.status_code == 201, response.json
    with app.app_context():
        bands = db.session.scalars(sa.select(Enrollment.age_band).order_by(Enrollment.id)).all()
        emails = set(db.session.scalars(sa.select(Contact.email)))
    assert bands == ["45-49", "50-54", "55-59"]
    assert emails == {"taro.yamada@example.com", "hanako@example.com"}


def test_enrolment_page_takes_a_cp932_file_and_says_how_many(client, users):
    pilot = make_pilot(client, users.owner, status="recruiting")
    users.login("owner@acme.example")
    response = _post(
        client,
        f"/pilots/{pilot['id']}/enroll-csv",
        _fixture("enrolment-excel-cp932.csv"),
        headers=JA,
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"], headers=JA).get_data(as_text=True)
    assert "3人を登録しました。" in page


def test_enrolment_page_names_the_unreadable_line_in_japanese(client, users):
    pilot = make_pilot(client, users.owner, status="recruiting")
    users.login("owner@acme.example")
    bad = "age_band,career_phase,consent\n45-49,post_off,はい\n".encode("cp932") + b"\x81\x20\n"
    response = _post(client, f"/pilots/{pilot['id']}/enroll-csv", bad, headers=JA)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "3行目を文字として読み取れません。" in page and "Unicode テキスト" in page
    assert "UTF-8 text" not in page and "line 3" not in page


def test_enrolment_errors_list_the_valid_codes_with_their_labels(client, users):
    pilot = make_pilot(client, users.owner, status="recruiting")  # mentoring: 45+ only
    api = _post(
        client,
        f"/api/v1/pilots/{pilot['id']}/enrollments/csv",
        b"age_band,career_phase,consent,arm\n38,boss,yes,treated\n",
        headers=users.owner,
    )
    problems = api.json["errors"]["line 2"]
    assert "age_band: Unknown age band '38'; valid codes: 45-49, 50-54, 55-59, 60-64, 65+." in (
        problems
    )
    assert any(
        p.startswith("career_phase: Unknown career phase 'boss'; valid codes: in_")
        for p in problems
    )
    assert "arm: Unknown arm 'treated'; valid codes: participant." in problems
    users.login("owner@acme.example")
    page = _post(
        client,
        f"/pilots/{pilot['id']}/enroll-csv",
        b"age_band,career_phase,consent\n38,post_off,yes\n",
        headers=JA,
    ).get_data(as_text=True)
    assert "「38」は選択肢にありません。使えるコード: 45-49（45〜49歳）、50-54（50〜54歳）" in page
    assert 'id="enrolment-template"' in page


# --- templates -----------------------------------------------------------------------------------


def _template_lines(body: bytes) -> list[list[str]]:
    assert body.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_enrolment_template_lists_this_pilots_codes_and_uploads_once_filled_in(app, client, users):
    pilot = make_pilot(client, users.owner, status="recruiting")  # 45+, no comparison arm
    users.login("owner@acme.example")
    response = client.get(f"/pilots/{pilot['id']}/enrolment-template.csv", headers=JA)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    lines = _template_lines(response.data)
    assert lines[-1] == ["age_band", "career_phase", "consent", "arm", "email"]
    notes = {(row[0], row[1]): row[2] for row in lines[:-1] if len(row) == 3}
    assert notes[("# age_band", "45-49")] == "45〜49歳" and ("# age_band", "40-44") not in notes
    assert notes[("# career_phase", "post_off")] == "役職定年後"
    assert notes[("# arm", "participant")] == "参加者" and ("# arm", "comparison") not in notes
    # Filled in below the header and saved by Excel as cp932, the template uploads as it is.
    text = response.data.decode("utf-8-sig") + "50-54,post_off,はい,,\r\n60-64,other,yes,,\r\n"
    saved = _post(client, f"/pilots/{pilot['id']}/enroll-csv", text.encode("cp932"), headers=JA)
    assert saved.status_code == 302
    with app.app_context():
        rows = db.session.scalars(sa.select(Enrollment.age_band).order_by(Enrollment.id)).all()
    assert rows == ["50-54", "60-64"]


def test_templates_are_for_owners_of_the_pilot(client, users):
    pilot = make_pilot(client, users.owner, status="recruiting")
    users.login("owner@globex.example")
    assert client.get(f"/pilots/{pilot['id']}/enrolment-template.csv").status_code == 404
    users.login("reviewer@example.com")
    assert client.get(f"/pilots/{pilot['id']}/enrolment-template.csv").status_code == 403
    assert client.get("/company/roster-template.csv").status_code == 403


def test_roster_and_engagement_templates_list_the_codes(client, users):
    users.login("owner@acme.example")
    roster = _template_lines(client.get("/company/roster-template.csv", headers=JA).data)
    assert roster[-1] == [
        "employee_ref",
        "age_band",
        "tenure_band",
        "unit",
        "career_phase",
        "email",
        "engagement",
    ]
    codes = {(row[0], row[1]) for row in roster[:-1] if len(row) == 3}
    assert {("# age_band", "20-24"), ("# age_band", "65+"), ("# tenure_band", "31+")} <= codes
    assert ("# career_phase", "reemployed") in codes
    engagement = _template_lines(client.get("/company/engagement-template.csv", headers=JA).data)
    assert engagement[-1] == ["employee_ref", "engagement"]


# --- roster and engagement -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["roster-excel-cp932.csv", "roster-excel-unicode.txt"])
def test_roster_api_takes_excel_files_without_garbling(app, client, users, name):
    round_ = make_round(client, users.owner, make_survey(client, users.owner)["id"])
    response = _post(
        client, f"/api/v1/rounds/{round_['id']}/roster", _fixture(name), name, users.owner
    )
    assert response.status_code == 201, response.json
    with app.app_context():
        units = db.session.scalars(sa.select(RosterMember.unit).order_by(RosterMember.id)).all()
    assert units == ["営業第一部", "人事部・研修課", "髙橋ラボ（開発）"]  # 髙: a cp932-only kanji
    # Engagement came with this roster: it is given once per round.
    again = _post(
        client,
        f"/api/v1/rounds/{round_['id']}/engagement",
        _fixture("engagement-excel-cp932.csv"),
        headers=users.owner,
    )
    assert again.status_code == 409


def test_engagement_api_takes_an_excel_file(client, users):
    round_ = make_round(client, users.owner, make_survey(client, users.owner)["id"])
    # The same three people as the Excel roster, without its engagement column, as UTF-8.
    rows = list(csv.reader(io.StringIO(_fixture("roster-excel-cp932.csv").decode("cp932"))))
    roster = "\n".join(",".join(row[:-1]) for row in rows).encode()
    response = _post(client, f"/api/v1/rounds/{round_['id']}/roster", roster, headers=users.owner)
    assert response.status_code == 201, response.json
    engagement = _post(
        client,
        f"/api/v1/rounds/{round_['id']}/engagement",
        _fixture("engagement-excel-cp932.csv"),
        headers=users.owner,
    )
    assert engagement.status_code == 200, engagement.json
    assert engagement.json["matched"] == 2


def test_roster_page_takes_unicode_text_and_offers_the_templates(client, users):
    round_ = make_round(client, users.owner, make_survey(client, users.owner)["id"])
    users.login("owner@acme.example")
    page = client.get(f"/company/rounds/{round_['id']}", headers=JA).get_data(as_text=True)
    assert 'href="/company/roster-template.csv"' in page
    assert 'href="/company/engagement-template.csv"' in page
    answer = _post(
        client,
        f"/company/rounds/{round_['id']}/roster",
        _fixture("roster-excel-unicode.txt"),
        "roster.txt",
        JA,
    )
    assert answer.status_code in (200, 302), answer.status_code
    after = client.get(f"/company/rounds/{round_['id']}", headers=JA).get_data(as_text=True)
    assert "髙橋ラボ（開発）" in after
    assert re.search(r'<dd id="invited">3</dd>', after)
