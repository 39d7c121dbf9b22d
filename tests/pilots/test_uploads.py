"""CSV enrolment is all-or-nothing and idempotent: the same file again enrols nobody twice
(DESIGN.md "Privacy and access"), whether it comes back later, after a lost answer, or at the
same moment."""

import hashlib
import io
import threading
import urllib.error
import urllib.request
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from crossover.audit import AuditEvent
from crossover.auth.models import Role
from crossover.extensions import db
from crossover.pilots import enrolment_csv
from crossover.pilots.models import Contact, Enrollment, EnrollmentUpload
from crossover.surveys.models import Invitation
from tests.conftest import Users
from tests.factories import enroll, make_pilot

CSV = (
    b"age_band,career_phase,consent,arm,email\n50-54,post_off,yes,,a@example.com\n"
    b"60-64,reemployed,yes,participant,\n"
)
EN = {"Accept-Language": "en"}
STORED = (Enrollment, Invitation, Contact, AuditEvent, EnrollmentUpload)


def _upload(client, headers, pilot_id, data: bytes):
    return client.post(
        f"/api/v1/pilots/{pilot_id}/enrollments/csv",
        headers=headers,
        data={"file": (io.BytesIO(data), "people.csv")},
        content_type="multipart/form-data",
    )


def _page_upload(client, pilot_id, data: bytes, headers=EN) -> str:
    return client.post(
        f"/pilots/{pilot_id}/enroll-csv",
        data={"file": (io.BytesIO(data), "p.csv")},
        content_type="multipart/form-data",
        headers=headers,
        follow_redirects=True,
    ).get_data(as_text=True)


def _counts(app) -> dict[str, int]:
    """Rows of everything an upload writes (EnrollmentUpload is absent on the old schema)."""
    with app.app_context():
        counts = {
            model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in STORED
        }
        db.session.remove()
    return counts


def _people(rows: int, bad_line: int | None = None) -> bytes:
    lines = ["age_band,career_phase,consent,email"]
    lines += [f"55-59,specialist,yes,person{i}@example.com" for i in range(rows)]
    if bad_line is not None:
        lines[bad_line - 1] = "55-59,specialist,no,late@example.com"  # no consent
    return ("\n".join(lines) + "\n").encode()


# --- the same file again ------------------------------------------------------------------------


def test_same_file_again_answers_409_with_the_earlier_result_and_stores_nothing(app, client, users):
    pilot = make_pilot(client, users.owner, status="recruiting")
    first = _upload(client, users.owner, pilot["id"], CSV)
    assert first.status_code == 201 and first.json["enrolled"] == 2
    upload = first.json["upload"]
    assert upload["sha256"] == hashlib.sha256(CSV).hexdigest() and upload["enrolled"] == 2
    assert upload["with_email"] == 1 and upload["arms"] == {"participant": 2}
    before = _counts(app)

    again = _upload(client, users.owner, pilot["id"], CSV)

    assert again.status_code == 409
    assert again.json["code"] == 409 and again.json["status"] == "Conflict"
    assert "already uploaded" in again.json["message"] and again.json["errors"]["file"]
    assert again.json["result"] == upload
    assert _counts(app) == before


def test_same_file_for_another_pilot_or_a_changed_file_enrols(app, client, users):
    pilot = make_pilot(client, users.owner, status="recruiting")
    other = make_pilot(client, users.owner, status="recruiting")
    assert _upload(client, users.owner, pilot["id"], CSV).status_code == 201
    assert _upload(client, users.owner, other["id"], CSV).status_code == 201
    changed = CSV + b"45-49,specialist,yes,,\n"
    assert _upload(client, users.owner, pilot["id"], changed).json["enrolled"] == 3
    assert _counts(app)["enrollments"] == 7 and _counts(app)["enrollment_uploads"] == 3


def test_upload_answered_409_when_the_other_request_committed_after_our_check(
    app, client, users, monkeypatch
):
    """The race the unique key closes: our look-up ran before a simultaneous upload committed."""
    pilot = make_pilot(client, users.owner, status="recruiting")
    first = _upload(client, users.owner, pilot["id"], CSV).json["upload"]
    before = _counts(app)
    lookups = []
    real = enrolment_csv.earlier_upload

    def missed_first_time(pilot, digest):
        lookups.append(digest)
        return None if len(lookups) == 1 else real(pilot, digest)

    monkeypatch.setattr(enrolment_csv, "earlier_upload", missed_first_time)
    again = _upload(client, users.owner, pilot["id"], CSV)
    assert again.status_code == 409 and again.json["result"] == first
    assert len(lookups) == 2  # the insert hit the unique key, and the answer names the winner
    assert _counts(app) == before


def test_a_drawn_code_already_taken_is_drawn_again(app, client, users, monkeypatch):
    pilot = make_pilot(client, users.owner, status="recruiting")
    taken = enroll(client, users.owner, pilot["id"])["code"]
    draws = iter([taken])  # the upload's first code clashes with a stored one
    real = enrolment_csv.new_code
    monkeypatch.setattr(enrolment_csv, "new_code", lambda: next(draws, None) or real())
    answer = _upload(client, users.owner, pilot["id"], CSV)
    assert answer.status_code == 201 and answer.json["enrolled"] == 2
    assert taken not in {e["code"] for e in answer.json["enrollments"]}
    counts = _counts(app)
    assert (
        counts["enrollments"] == 3
        and counts["invitations"] == 15
        and counts["enrollment_uploads"] == 1
    )


def test_page_names_the_earlier_upload_time_and_count_in_both_languages(app, client, users):
    users.login("owner@acme.example")
    pilot = make_pilot(client, users.owner, status="recruiting")
    assert "2 people enrolled" in _page_upload(client, pilot["id"], CSV)
    before = _counts(app)
    with app.app_context():
        uploaded_at = db.session.scalar(sa.select(EnrollmentUpload.uploaded_at))
        db.session.remove()
    when = uploaded_at.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%Y-%m-%d %H:%M")

    english = _page_upload(client, pilot["id"], CSV)
    japanese = _page_upload(client, pilot["id"], CSV, headers={"Accept-Language": "ja"})

    assert (
        f"This file was already uploaded on {when} and enrolled 2 people; nobody was enrolled "
        "again." in english
    )
    assert f"このファイルは {when} にアップロード済みで、そのとき2人を登録しました。" in japanese
    assert _counts(app) == before


# --- all or nothing -----------------------------------------------------------------------------


def test_a_bad_line_stores_nothing_and_the_corrected_file_enrols(app, client, users):
    pilot = make_pilot(client, users.owner, status="recruiting")
    before = _counts(app)
    bad = _people(
        300, bad_line=301
    )  # the last row: every row is checked before anything is written
    response = _upload(client, users.owner, pilot["id"], bad)
    assert response.status_code == 422 and list(response.json["errors"]) == ["line 301"]
    assert _counts(app) == before
    # a rejected file was not recorded: sent again it is checked again, not called a duplicate
    assert _upload(client, users.owner, pilot["id"], bad).status_code == 422
    assert _upload(client, users.owner, pilot["id"], _people(300)).json["enrolled"] == 300
    after = _counts(app)
    assert after["enrollments"] == 300 and after["invitations"] == 1500 and after["contacts"] == 300
    assert after["enrollment_uploads"] == 1


def test_a_bad_line_through_the_page_stores_nothing(app, client, users):
    users.login("owner@acme.example")
    pilot = make_pilot(client, users.owner, status="recruiting")
    before = _counts(app)
    page = _page_upload(client, pilot["id"], _people(50, bad_line=20))
    assert "line 20" in page and "nobody was enrolled" in page
    assert _counts(app) == before


def test_csv_answer_matches_the_stored_enrolments_and_its_links_open_the_survey(client, users):
    pilot = make_pilot(client, users.owner, status="running")
    answer = _upload(client, users.owner, pilot["id"], CSV).json
    listed = client.get(f"/api/v1/pilots/{pilot['id']}/enrollments", headers=users.owner).json
    assert answer["enrollments"] == listed
    assert [e["has_contact"] for e in listed] == [True, False]
    for link in answer["enrollments"][1]["invitations"]:
        survey = client.get(f"/api/v1/surveys/{link['token']}")
        assert survey.status_code == 200 and survey.json["wave"] == link["wave"]


def test_audit_names_the_upload(app, client, users):
    pilot = make_pilot(client, users.owner, status="recruiting")
    upload = _upload(client, users.owner, pilot["id"], CSV).json["upload"]
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "enrollment.csv_upload")
        )
        assert event.details == {"rows": 2, "upload": upload["id"], "sha256": upload["sha256"]}
        stored = db.session.get(EnrollmentUpload, upload["id"])
        assert stored.pilot_id == pilot["id"] and stored.uploaded_by_id == event.actor_id
        db.session.remove()


# --- at the same moment -------------------------------------------------------------------------


def _post_file(url: str, headers: dict, data: bytes) -> tuple[int, bytes]:
    boundary = "crossover-upload-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_simultaneous_uploads_of_the_same_file_enrol_once(live):
    app, base = live
    client = app.test_client()
    users = Users(app, client)
    users.create("owner@acme.example", Role.OWNER, "acme")
    headers = users.headers("owner@acme.example")
    pilot = make_pilot(client, headers, status="recruiting")
    data = _people(400)
    barrier = threading.Barrier(6)
    codes: list[int] = [0] * 6

    def upload(index):
        barrier.wait()
        codes[index] = _post_file(
            f"{base}/api/v1/pilots/{pilot['id']}/enrollments/csv", headers, data
        )[0]

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)

    assert sorted(codes) == [201] + [409] * 5
    counts = _counts(app)
    assert (
        counts["enrollments"] == 400 and counts["invitations"] == 2000 and counts["contacts"] == 400
    )
    assert counts["enrollment_uploads"] == 1
