"""Small helpers that build test data through the public API, as a client would."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

# The service keeps survey windows and "the future" in its own calendar (Asia/Tokyo), which is
# a day ahead of UTC for nine hours of every day; tests must use the same calendar.
TODAY = datetime.now(ZoneInfo("Asia/Tokyo")).date()


def initiative_id(client, headers, key="community-external-mentoring") -> int:
    items = client.get("/api/v1/initiatives?page_size=100", headers=headers).json
    return next(i["id"] for i in items if i["key"] == key)


PREREGISTRATION = {
    "outcome": "total",
    "direction": "increase",
    "alpha": 0.05,
    "test": "paired_t",
    "min_dz": 0.3,
}
# A comparison arm the owner fills by choice (a non-randomised comparison), as before issue 13.
ASSIGNED = {**PREREGISTRATION, "allocation": "assigned"}


def pilot_payload(client, headers, **overrides) -> dict:
    payload = {
        "initiative_id": initiative_id(client, headers),
        "title": "External mentoring 2026",
        "format": "mentoring",
        "planned_n": 30,
        "starts_on": (TODAY - timedelta(days=2)).isoformat(),
        "ends_on": (TODAY + timedelta(days=60)).isoformat(),
        "preregistration": dict(PREREGISTRATION),
    }
    payload.update(overrides)
    return payload


def make_pilot(client, headers, status="draft", **overrides) -> dict:
    response = client.post(
        "/api/v1/pilots", headers=headers, json=pilot_payload(client, headers, **overrides)
    )
    assert response.status_code == 201, response.json
    pilot = response.json
    for to in ("recruiting", "running", "closed"):
        if pilot["status"] == status:
            break
        moved = client.post(
            f"/api/v1/pilots/{pilot['id']}/transitions", headers=headers, json={"to": to}
        )
        assert moved.status_code == 200, moved.json
        pilot = moved.json
    return pilot


def enroll(client, headers, pilot_id, **overrides) -> dict:
    payload = {"age_band": "50-54", "career_phase": "post_off", "consent": True}
    payload.update(overrides)
    response = client.post(f"/api/v1/pilots/{pilot_id}/enrollments", headers=headers, json=payload)
    assert response.status_code == 201, response.json
    return response.json


def make_mentor(client, headers, **overrides) -> dict:
    payload = {
        "name": "Sato Hanako",
        "expertise": ["キャリア相談", "finance"],
        "languages": ["ja"],
        "capacity": 2,
    }
    payload.update(overrides)
    response = client.post("/api/v1/mentors", headers=headers, json=payload)
    assert response.status_code == 201, response.json
    return response.json
