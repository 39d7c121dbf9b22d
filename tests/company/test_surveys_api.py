"""Company surveys through the API, end to end: survey → round → roster → answers by token →
stored RoundResponse (total and packed record); roles; rounds' rules."""

from datetime import timedelta
from fractions import Fraction
import io

import numpy as np
import pytest
import sqlalchemy as sa

from crossover.audit import AuditEvent
from crossover.company.models import RosterMember, RoundDraft, RoundResponse, SurveyRound
from crossover.company.rosters import person_key
from crossover.extensions import db
from crossover.instruments.models import Instrument
from crossover.surveys.packed import RecordLayout
from tests.company.flows import (
    ANSWERS,
    make_round,
    make_survey,
    member_tokens,
    roster_csv,
    setup_round,
    upload,
)
from tests.factories import TODAY


def test_create_survey_defaults_to_the_shipped_scale_and_lists_it(app, client, users):
    survey = make_survey(client, users.owner)
    assert survey["rounds"] == [] and survey["title"] == "キャリア・オーナーシップ調査"
    with app.app_context():
        shipped = db.session.scalar(
            sa.select(Instrument.id).where(Instrument.key == "career-ownership-v1")
        )
    assert survey["instrument_id"] == shipped
    listed = client.get("/api/v1/company-surveys", headers=users.owner).json
    assert [s["id"] for s in listed] == [survey["id"]]
    assert client.get("/api/v1/company-surveys", headers=users.owner2).json == []
    one = client.get(f"/api/v1/company-surveys/{survey['id']}", headers=users.owner).json
    assert one["id"] == survey["id"]


def test_round_freezes_the_instrument_and_refuses_a_reused_label_or_reversed_dates(client, users):
    survey = make_survey(client, users.owner)
    round_ = make_round(client, users.owner, survey["id"], label="2026")
    assert round_["instrument_id"] == survey["instrument_id"] and round_["label"] == "2026"
    again = client.post(
        f"/api/v1/company-surveys/{survey['id']}/rounds",
        headers=users.owner,
        json={"label": "2026", "opens_on": "2026-01-01", "closes_on": "2026-01-31"},
    )
    assert again.status_code == 409 and "label" in again.json["errors"]
    reversed_ = client.post(
        f"/api/v1/company-surveys/{survey['id']}/rounds",
        headers=users.owner,
        json={"label": "2027", "opens_on": "2027-02-01", "closes_on": "2027-01-31"},
    )
    assert reversed_.status_code == 422 and list(reversed_.json["errors"]) == ["closes_on"]
    listed = client.get(f"/api/v1/company-surveys/{survey['id']}", headers=users.owner).json
    assert [r["label"] for r in listed["rounds"]] == ["2026"]


def test_roster_answer_carries_no_link_and_stores_only_keyed_hashes(app, client, users):
    survey = make_survey(client, users.owner)
    round_ = make_round(client, users.owner, survey["id"])
    data = roster_csv(3) + b"E00003,30-34,6-10,Sales,,,\n"
    response = upload(client, users.owner, round_["id"], data)
    answer = response.json
    assert response.status_code == 201 and set(answer) == {"added", "upload", "without_email"}
    assert answer["added"] == 4 and answer["upload"]["added"] == 4
    assert answer["without_email"] == 1
    body = response.get_data(as_text=True)
    assert not any(token in body for token in member_tokens(app, round_["id"]))
    assert "/s/" not in body
    with app.app_context():
        members = db.session.scalars(sa.select(RosterMember).order_by(RosterMember.id)).all()
        round_row = db.session.get(SurveyRound, round_["id"])
        expected = [person_key(round_row.organization_id, f"E{i:05d}") for i in range(4)]
        assert [m.person_key for m in members] == expected
        assert [m.engagement for m in members] == [3.0, 3.5, 4.0, None]
        stored = " ".join(
            str(v) for m in members for v in (m.person_key, m.nonce, m.token_hash, m.unit)
        )
        assert "E0000" not in stored  # the ref itself is nowhere
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "company.roster_upload")
        )
        assert event.details["rows"] == 4 and event.details["with_email"] == 3
        db.session.remove()


def test_same_person_has_the_same_key_in_every_round_of_the_organisation(app, client, users):
    survey = make_survey(client, users.owner)
    first = make_round(client, users.owner, survey["id"], label="2025")
    second = make_round(client, users.owner, survey["id"], label="2026", opens=31, closes=60)
    other_org = make_round(client, users.owner2, make_survey(client, users.owner2)["id"])
    for round_, headers in ((first, users.owner), (second, users.owner), (other_org, users.owner2)):
        assert upload(client, headers, round_["id"], roster_csv(2)).status_code == 201
    with app.app_context():
        keys = {
            rid: set(
                db.session.scalars(
                    sa.select(RosterMember.person_key).where(RosterMember.round_id == rid)
                )
            )
            for rid in (first["id"], second["id"], other_org["id"])
        }
        db.session.remove()
    assert keys[first["id"]] == keys[second["id"]]
    assert not keys[first["id"]] & keys[other_org["id"]]  # another organisation cannot link


def test_answering_a_roster_link_stores_a_round_response_with_total_and_packed_record(
    app, client, users
):
    _, round_, _ = setup_round(client, users.owner, rows=2)
    token = member_tokens(app, round_["id"])[0]
    survey = client.get(f"/api/v1/surveys/{token}?lang=en")
    assert survey.status_code == 200
    view = survey.json
    assert view["kind"] == "company" and view["round_label"] == "2026"
    assert view["title"] == "キャリア・オーナーシップ調査" and view["pilot_title"] is None
    assert view["status"] == "open" and len(view["items"]) == 12 and view["draft"] is None

    answers = {**ANSWERS, "vision_1": 5, "agency_2": 1, "learning_3": 4}
    draft = client.put(f"/api/v1/surveys/{token}/draft", json={"answers": {"vision_1": 5}})
    assert draft.status_code == 200 and draft.json["answers"] == {"vision_1": 5}
    # The browser that saved it gets it back (its HttpOnly cookie)...
    assert client.get(f"/api/v1/surveys/{token}").json["draft"]["answers"] == {"vision_1": 5}

    stored = client.post(f"/api/v1/surveys/{token}", json={"answers": answers})
    assert stored.status_code == 201, stored.json
    assert stored.json["next"] is None

    with app.app_context():
        response = db.session.scalar(sa.select(RoundResponse))
        member = db.session.get(RosterMember, response.member_id)
        instrument = db.session.get(Instrument, round_["instrument_id"])
        layout = RecordLayout.of(instrument)
        recoded = [(6 - answers[i.key]) if i.reverse else answers[i.key] for i in instrument.items]
        assert response.round_id == round_["id"] and response.answers == answers
        assert response.total == float(Fraction(sum(recoded), len(recoded)))
        records = layout.unpack(response.packed)
        assert records.ids.tolist() == [member.id]
        assert records.scores[0, 0] == response.total
        assert records.items[0].tolist() == recoded
        assert np.isclose(
            records.scores[0, 1:],
            [
                np.mean(
                    [r for r, i in zip(recoded, instrument.items, strict=True) if i.subscale == s]
                )
                for s in instrument.subscales
            ],
        ).all()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RoundDraft)) == 0
        db.session.remove()

    twice = client.post(f"/api/v1/surveys/{token}", json={"answers": answers})
    assert twice.status_code == 409
    assert client.put(f"/api/v1/surveys/{token}/draft", json={"answers": {}}).status_code == 409
    assert client.get(f"/api/v1/surveys/{token}").json["status"] == "answered"


def test_roster_link_checks_each_answer_and_the_window(app, client, users):
    _, round_, _ = setup_round(client, users.owner, rows=1)
    token = member_tokens(app, round_["id"])[0]
    bad = client.post(
        f"/api/v1/surveys/{token}", json={"answers": {**ANSWERS, "vision_1": 9, "extra": 1}}
    )
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"vision_1", "extra"}
    missing = dict(ANSWERS)
    del missing["agency_1"]
    assert client.post(f"/api/v1/surveys/{token}", json={"answers": missing}).json["errors"] == {
        "agency_1": ["Missing answer."]
    }

    survey = make_survey(client, users.owner, title="Later")
    later = make_round(client, users.owner, survey["id"], opens=3, closes=10)
    closed = make_round(client, users.owner, survey["id"], label="2025", opens=-30, closes=-1)
    for round_, state in ((later, "not_open"), (closed, "closed")):
        assert upload(client, users.owner, round_["id"], roster_csv(1)).status_code in (201, 409)
        if state == "closed":  # a closed round's roster is fixed: its link is added behind
            _add_member_behind_the_service(app, round_["id"])
        token = member_tokens(app, round_["id"])[0]
        assert client.get(f"/api/v1/surveys/{token}").json["status"] == state
        assert client.post(f"/api/v1/surveys/{token}", json={"answers": ANSWERS}).status_code == 409


def test_unknown_token_is_404(client):
    assert client.get("/api/v1/surveys/" + "x" * 32).status_code == 404


# --- roles ----------------------------------------------------------------------------------------


def _file(data: bytes) -> dict:
    return {"data": {"file": (io.BytesIO(data), "f.csv")}, "content_type": "multipart/form-data"}


def _endpoints(survey_id, round_id):
    """Each endpoint with a valid body: access is decided whatever the body says."""
    member = f"/api/v1/rounds/{round_id}/roster/1/contact"
    new_round = {"label": "2030", "opens_on": "2030-01-01", "closes_on": "2030-01-31"}
    return [
        ("get", f"/api/v1/company-surveys/{survey_id}", None),
        ("post", f"/api/v1/company-surveys/{survey_id}/rounds", {"json": new_round}),
        ("get", f"/api/v1/rounds/{round_id}", None),
        ("post", f"/api/v1/rounds/{round_id}/roster", _file(roster_csv(1, start=9))),
        (
            "post",
            f"/api/v1/rounds/{round_id}/engagement",
            _file(b"employee_ref,engagement\nE1,2\n"),
        ),
        ("get", f"/api/v1/rounds/{round_id}/invitations", None),
        ("delete", member, None),
        ("post", f"/api/v1/rounds/{round_id}/send-invitations", None),
    ]


@pytest.mark.parametrize("who, status", [("owner2", 404), ("reviewer", 403), ("admin", 403)])
def test_other_organisations_404_and_other_roles_403(client, users, who, status):
    survey, round_, _ = setup_round(client, users.owner, rows=1)
    for method, url, kwargs in _endpoints(survey["id"], round_["id"]):
        response = getattr(client, method)(url, headers=getattr(users, who), **(kwargs or {}))
        assert response.status_code == status, (method, url, response.json)
    assert client.get("/api/v1/company-surveys", headers=users.reviewer).status_code == 403
    denied = client.post("/api/v1/company-surveys", headers=users.reviewer, json={"title": "x"})
    assert denied.status_code == 403


def test_anonymous_is_401(client, users):
    survey, round_, _ = setup_round(client, users.owner, rows=1)
    for method, url, kwargs in _endpoints(survey["id"], round_["id"]):
        assert getattr(client, method)(url, **(kwargs or {})).status_code == 401, url
    assert client.get("/api/v1/company-surveys").status_code == 401


# --- invitations, engagement, erasure ----------------------------------------------------------


def test_invitations_page_has_no_refs_and_no_per_person_answered_status(app, client, users):
    _, round_, _ = setup_round(client, users.owner, rows=3)
    token = member_tokens(app, round_["id"])[1]
    client.post(f"/api/v1/surveys/{token}", json={"answers": ANSWERS})
    page = client.get(
        f"/api/v1/rounds/{round_['id']}/invitations?page=1&page_size=2", headers=users.owner
    )
    assert page.status_code == 200 and len(page.json) == 2
    assert '"total": 3' in page.headers["X-Pagination"]
    assert set(page.json[0]) == {
        "id",
        "age_band",
        "tenure_band",
        "unit",
        "career_phase",
        "has_contact",
        "sent_at",
    }
    assert page.json[0] == {**page.json[1], "id": page.json[0]["id"]} or (
        page.json[0]["age_band"] != page.json[1]["age_band"]
    )
    assert "E0000" not in page.get_data(as_text=True) and "answered" not in page.get_data(
        as_text=True
    )
    counts = client.get(f"/api/v1/rounds/{round_['id']}/participation", headers=users.owner)
    assert counts.json["responded"] is None  # three invited: fewer than K


def _add_member_behind_the_service(app, round_id: int) -> None:
    from crossover.surveys import tokens

    with app.app_context():
        nonce = tokens.new_nonce()
        db.session.add(
            RosterMember(
                round_id=round_id,
                person_key=f"behind-{round_id}",
                age_band="30-34",
                tenure_band="6-10",
                unit="Sales",
                nonce=nonce,
                token_hash=tokens.hash_token(tokens.token_for(nonce)),
            )
        )
        db.session.commit()
        db.session.remove()


def test_engagement_upload_matches_refs_on_the_roster_once(app, client, users):
    _, round_, _ = setup_round(client, users.owner, rows=3, engagement=False)
    data = b"employee_ref,engagement\nE00000,72.5\nE00002,-1e2\nNOBODY,3\n"
    answer = upload(client, users.owner, round_["id"], data, what="engagement")
    assert answer.status_code == 200 and answer.json == {"matched": 2, "unmatched": 1}
    with app.app_context():
        scores = db.session.scalars(
            sa.select(RosterMember.engagement).order_by(RosterMember.id)
        ).all()
        db.session.remove()
    assert scores == [72.5, None, -100.0]
    # F3: engagement is given once per round; a second upload changes nothing.
    again = upload(
        client, users.owner, round_["id"], b"employee_ref,engagement\nE00001,1\n", "engagement"
    )
    assert again.status_code == 409 and "一度" in again.json["message"], again.json
    with app.app_context():
        assert (
            db.session.scalars(sa.select(RosterMember.engagement).order_by(RosterMember.id)).all()
            == scores
        )
        db.session.remove()


def test_engagement_given_with_the_roster_refuses_a_later_upload(client, users):
    _, round_, _ = setup_round(client, users.owner, rows=3)
    later = upload(
        client, users.owner, round_["id"], b"employee_ref,engagement\nE00001,1\n", "engagement"
    )
    assert later.status_code == 409 and list(later.json["errors"]) == ["file"]


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity", "high", ""])
def test_engagement_must_be_a_finite_number(client, users, value):
    _, round_, _ = setup_round(client, users.owner, rows=1, engagement=False)
    data = f"employee_ref,engagement\nE00000,{value}\n".encode()
    answer = upload(client, users.owner, round_["id"], data, what="engagement")
    assert answer.status_code == 422 and list(answer.json["errors"]) == ["line 2"]
    assert answer.json["errors"]["line 2"][0].startswith("engagement: ")


def test_erasing_a_contact_is_audited_and_404_for_a_row_of_another_round(app, client, users):
    survey, round_, _ = setup_round(client, users.owner, rows=2)
    other = make_round(client, users.owner, survey["id"], label="2027", opens=31, closes=60)
    rows = client.get(f"/api/v1/rounds/{round_['id']}/invitations", headers=users.owner).json
    member_id = rows[0]["id"]
    url = f"/api/v1/rounds/{round_['id']}/roster/{member_id}/contact"
    assert client.delete(url, headers=users.owner).status_code == 204
    wrong = f"/api/v1/rounds/{other['id']}/roster/{member_id}/contact"
    assert client.delete(wrong, headers=users.owner).status_code == 404
    rows = client.get(f"/api/v1/rounds/{round_['id']}/invitations", headers=users.owner).json
    assert [r["has_contact"] for r in rows] == [False, True]
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "company.contact_erase")
        )
        assert event.target_id == member_id and event.details == {"round": round_["id"]}
        db.session.remove()


def test_round_window_dates_are_calendar_days_of_the_service(app, client, users):
    survey = make_survey(client, users.owner)
    round_ = make_round(client, users.owner, survey["id"], opens=0, closes=0)
    assert round_["opens_on"] == round_["closes_on"] == TODAY.isoformat()
    assert upload(client, users.owner, round_["id"], roster_csv(1)).status_code == 201
    token = member_tokens(app, round_["id"])[0]
    assert client.get(f"/api/v1/surveys/{token}").json["status"] == "open"
    assert TODAY + timedelta(days=0) == TODAY


def test_a_new_instrument_version_applies_to_later_rounds_only(client, users):
    from tests.instruments.test_api import PAYLOAD

    instrument = client.post("/api/v1/instruments", headers=users.owner, json=PAYLOAD).json
    survey = client.post(
        "/api/v1/company-surveys",
        headers=users.owner,
        json={"title": "Short", "instrument_id": instrument["id"]},
    ).json
    first = make_round(client, users.owner, survey["id"], label="2025")
    # the round froze the instrument: editing it now makes a new version of the family
    revised = client.put(
        f"/api/v1/instruments/{instrument['id']}",
        headers=users.owner,
        json={**PAYLOAD, "name": "Short scale v2"},
    ).json
    assert revised["id"] != instrument["id"] and revised["family"] == instrument["family"]
    moved = client.patch(
        f"/api/v1/company-surveys/{survey['id']}",
        headers=users.owner,
        json={"instrument_id": revised["id"]},
    )
    assert moved.status_code == 200 and moved.json["instrument_id"] == revised["id"]
    second = make_round(client, users.owner, survey["id"], label="2026", opens=31, closes=60)
    assert (first["instrument_id"], second["instrument_id"]) == (instrument["id"], revised["id"])

    shipped = make_survey(client, users.owner)["instrument_id"]
    other_family = client.patch(
        f"/api/v1/company-surveys/{survey['id']}",
        headers=users.owner,
        json={"instrument_id": shipped},
    )
    assert other_family.status_code == 422 and list(other_family.json["errors"]) == [
        "instrument_id"
    ]
    renamed = client.patch(
        f"/api/v1/company-surveys/{survey['id']}", headers=users.owner, json={"title": "新"}
    )
    assert renamed.json["title"] == "新" and renamed.json["instrument_id"] == revised["id"]
