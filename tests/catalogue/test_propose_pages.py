"""Owners propose catalogue entries from the catalogue pages; admins edit shipped ones."""

import re

from tests.conftest import Users

JA = {"Accept-Language": "ja"}


def _browser(app, email):
    client = app.test_client()
    Users(app, client).login(email)
    return client


def _proposal(**overrides) -> dict:
    form = {
        "venue": "community",
        "level": "loose",
        "title_ja": "地域の先輩と話す会",
        "title_en": "Talks with local seniors",
        "description_ja": "",
        "description_en": "",
        "status": "validated",
    }
    form.update(overrides)
    return form


def test_owner_proposes_an_idea_from_the_catalogue(app, client, users):
    owner = _browser(app, "owner@acme.example")
    grid = owner.get("/", headers=JA).get_data(as_text=True)
    assert 'href="/initiatives/new"' in grid and "取り組みを提案する" in grid
    form = owner.get("/initiatives/new?venue=community&level=loose", headers=JA).get_data(
        as_text=True
    )
    assert 'name="status"' not in form  # an owner's proposal is an idea
    response = owner.post("/initiatives/new", data=_proposal())
    assert response.status_code == 302
    new_id = int(re.search(r"/initiatives/(\d+)$", response.location).group(1))
    body = client.get(f"/api/v1/initiatives/{new_id}", headers=users.owner).json
    assert body["status"] == "idea" and body["title_en"] == "Talks with local seniors"
    detail = owner.get(f"/initiatives/{new_id}").get_data(as_text=True)
    assert f"/initiatives/{new_id}/edit" in detail  # its organization may edit it


def test_a_proposal_with_errors_keeps_what_was_typed(app, users):
    owner = _browser(app, "owner@acme.example")
    response = owner.post(
        "/initiatives/new", data=_proposal(title_en="", venue="nowhere"), headers=JA
    )
    assert response.status_code in (404, 422)
    assert "地域の先輩と話す会" in response.get_data(as_text=True)


def test_reviewers_do_not_propose(app, users):
    reviewer = _browser(app, "reviewer@example.com")
    assert reviewer.get("/initiatives/new").status_code == 403
    assert 'href="/initiatives/new"' not in reviewer.get("/").get_data(as_text=True)


def test_admin_sees_the_edit_link_of_a_shipped_initiative(app, client, users):
    shipped = client.get("/api/v1/initiatives?page_size=1", headers=users.admin).json[0]
    admin = _browser(app, "admin@example.com")
    assert f"/initiatives/{shipped['id']}/edit" in admin.get(
        f"/initiatives/{shipped['id']}"
    ).get_data(as_text=True)
    owner = _browser(app, "owner@acme.example")
    assert f"/initiatives/{shipped['id']}/edit" not in owner.get(
        f"/initiatives/{shipped['id']}"
    ).get_data(as_text=True)
