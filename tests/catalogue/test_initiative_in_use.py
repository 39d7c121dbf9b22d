"""V7: an initiative another organization's pilot uses cannot be moved, retired or rewritten by an
owner (409); admins may change it, and closed pilots keep the grid cell they ran in."""

import re

import pytest

from tests.factories import make_pilot

JA = {"Accept-Language": "ja"}
# globex (owner2) adds the entry; acme (owner) runs pilots of it.
ENTRY = {
    "venue": "public",
    "level": "middle",
    "title_ja": "商店街の事業承継支援",
    "title_en": "Helping a shopping street with succession",
    "description_ja": "地域の店主と組む。",
    "description_en": "Work with local shopkeepers.",
    "effects": ["meaning"],
}
CHANGES = [
    {"venue": "peer"},
    {"level": "firm"},
    {"status": "retired"},
    {"status": "validated"},
    {"title_ja": "書き換え"},
    {"title_en": "Rewritten"},
    {"description_ja": "別物"},
    {"description_en": "Something else"},
    {"effects": ["meaning", "network"]},
]


def _entry(client, headers) -> dict:
    response = client.post("/api/v1/initiatives", headers=headers, json=ENTRY)
    assert response.status_code == 201, response.json
    return response.json


def _cell(body: dict) -> tuple[str, str]:
    return body["venue"], body["level"]


def _board_cell(client, users, pilot_id) -> tuple[str, str]:
    board = client.get("/api/v1/evidence", headers=users.reviewer).json
    return _cell(next(p for p in board["pilots"] if p["id"] == pilot_id))


def _report_cell(client, headers, pilot_id) -> tuple[str, str]:
    return _cell(client.get(f"/api/v1/pilots/{pilot_id}/report", headers=headers).json["pilot"])


@pytest.mark.parametrize("status", ["draft", "running", "closed"])
def test_owner_cannot_change_an_initiative_another_organizations_pilot_uses(client, users, status):
    entry = _entry(client, users.owner2)
    make_pilot(client, users.owner, status=status, initiative_id=entry["id"])
    url = f"/api/v1/initiatives/{entry['id']}"
    for change in CHANGES:
        response = client.patch(url, headers=users.owner2, json=change)
        assert response.status_code == 409, (change, response.json)
        assert response.json["status"] == "Conflict" and list(response.json["errors"]) == list(
            change
        )
    both = client.patch(
        url, headers=users.owner2, json={"venue": "peer", "status": "retired", "title_en": "x"}
    )
    assert both.status_code == 409 and sorted(both.json["errors"]) == [
        "status",
        "title_en",
        "venue",
    ]
    assert client.get(url, headers=users.owner2).json == entry  # nothing changed
    # What it already says is not a change: a form that sends every field unchanged is accepted.
    same = {key: entry[key] for key in ENTRY} | {"status": entry["status"]}
    assert client.patch(url, headers=users.owner2, json=same).status_code == 200


def test_owner_changes_freely_what_only_its_own_pilots_use(client, users):
    entry = _entry(client, users.owner2)
    own = make_pilot(client, users.owner2, status="closed", initiative_id=entry["id"])
    running = make_pilot(
        client, users.owner2, status="running", initiative_id=entry["id"], title="Second round"
    )
    url = f"/api/v1/initiatives/{entry['id']}"
    for change in CHANGES:
        response = client.patch(url, headers=users.owner2, json=change)
        assert response.status_code == 200, (change, response.json)
    moved = client.get(url, headers=users.owner2).json
    assert (
        _cell(moved) == ("peer", "firm")
        and moved["status"] == "validated"
        and moved["title_en"] == "Rewritten"
    )
    # Its closed pilot stays where it ran; the running one goes with the initiative.
    assert _report_cell(client, users.owner2, own["id"]) == ("public", "middle")
    assert _report_cell(client, users.owner2, running["id"]) == ("peer", "firm")
    # An owner of another organization may still not edit it at all.
    assert client.patch(url, headers=users.owner, json={"title_en": "x"}).status_code == 403


def test_admin_moves_an_initiative_and_closed_pilots_stay_in_their_cell(client, users):
    entry = _entry(client, users.owner2)
    closed = make_pilot(
        client, users.owner, status="closed", initiative_id=entry["id"], title="Ran in public"
    )
    running = make_pilot(
        client, users.owner, status="running", initiative_id=entry["id"], title="Still running"
    )
    url = f"/api/v1/initiatives/{entry['id']}"
    moved = client.patch(
        url, headers=users.admin, json={"venue": "peer", "level": "firm", "title_en": "Moved"}
    )
    assert moved.status_code == 200 and _cell(moved.json) == ("peer", "firm")
    assert _board_cell(client, users, closed["id"]) == ("public", "middle")
    assert _report_cell(client, users.reviewer, closed["id"]) == ("public", "middle")
    assert _report_cell(client, users.owner, closed["id"]) == ("public", "middle")
    # A pilot still running had not finished anywhere: it closes in the cell the initiative has
    # then.
    assert _report_cell(client, users.owner, running["id"]) == ("peer", "firm")
    client.post(
        f"/api/v1/pilots/{running['id']}/transitions", headers=users.owner, json={"to": "closed"}
    )
    assert (
        client.patch(
            url, headers=users.admin, json={"venue": "startup", "status": "retired"}
        ).status_code
        == 200
    )
    assert _board_cell(client, users, closed["id"]) == ("public", "middle")
    assert _board_cell(client, users, running["id"]) == ("peer", "firm")
    board = client.get("/api/v1/evidence", headers=users.reviewer).json
    assert _board_count(board, "public", "middle") == 1 and _board_count(board, "peer", "firm") == 1
    assert _board_count(board, "startup", "firm") == 0
    # The initiative's evidence is listed in each cell its pilots ran in, not where it is now.
    assert sorted(_cell(i) for i in board["initiatives"] if i["initiative_id"] == entry["id"]) == [
        ("peer", "firm"),
        ("public", "middle"),
    ]


def _board_count(board, venue, level):
    return next(c["pilots"] for c in board["cells"] if c["venue"] == venue and c["level"] == level)


def test_v7_owner_cannot_move_and_retire_what_another_organizations_closed_pilot_ran(client, users):
    """The scenario as found: the move and the retirement were accepted and the pilot moved on
    the board."""
    entry = _entry(client, users.owner2)
    pilot = make_pilot(client, users.owner, status="closed", initiative_id=entry["id"])
    assert _board_cell(client, users, pilot["id"]) == ("public", "middle")
    url = f"/api/v1/initiatives/{entry['id']}"
    move = client.patch(url, headers=users.owner2, json={"venue": "startup", "level": "firm"})
    retire = client.patch(url, headers=users.owner2, json={"status": "retired"})
    assert (move.status_code, retire.status_code) == (409, 409)
    assert sorted(move.json["errors"]) == ["level", "venue"] and list(retire.json["errors"]) == [
        "status"
    ]
    assert _board_cell(client, users, pilot["id"]) == ("public", "middle")
    assert _cell(client.get(url, headers=users.owner2).json) == ("public", "middle")


# --- pages ---------------------------------------------------------------------------------------


def _page_client(app, users, email):
    page_client = app.test_client()
    response = page_client.post(
        "/login", data={"email": email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    return page_client


def _form(entry: dict, **changes) -> dict:
    return {
        "venue": entry["venue"],
        "level": entry["level"],
        "status": entry["status"],
        "effects": entry["effects"],
        **{f: entry[f] for f in ("title_ja", "title_en", "description_ja", "description_en")},
        **changes,
    }


def test_edit_page_refuses_an_owner_with_a_translated_message(app, client, users):
    entry = _entry(client, users.owner2)
    make_pilot(client, users.owner, status="running", initiative_id=entry["id"])
    globex = _page_client(app, users, "owner@globex.example")
    url = f"/initiatives/{entry['id']}/edit"
    assert 'id="initiative-form"' in globex.get(url, headers=JA).get_data(as_text=True)
    refused = globex.post(url, headers=JA, data=_form(entry, venue="peer", status="retired"))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert (
        "他の組織の実験がこの施策を使っているため" in page
        and page.count("他の組織の実験が使用中です。") == 2
    )
    assert _cell(client.get(f"/api/v1/initiatives/{entry['id']}", headers=users.owner2).json) == (
        "public",
        "middle",
    )
    unchanged = globex.post(url, headers=JA, data=_form(entry))
    assert unchanged.status_code == 302
    english = globex.post(
        url, headers={"Accept-Language": "en"}, data=_form(entry, title_en="Rewritten")
    )
    assert (
        english.status_code == 409
        and "you can no longer move, retire or rewrite it" in english.get_data(as_text=True)
    )


def test_edit_page_lets_the_admin_move_and_the_closed_pilot_keeps_its_cell(app, client, users):
    entry = _entry(client, users.owner2)
    pilot = make_pilot(client, users.owner, status="closed", initiative_id=entry["id"])
    admin = _page_client(app, users, "admin@example.com")
    detail = admin.get(f"/initiatives/{entry['id']}", headers=JA).get_data(as_text=True)
    assert f'href="/initiatives/{entry["id"]}/edit"' in detail
    saved = admin.post(
        f"/initiatives/{entry['id']}/edit",
        headers=JA,
        data=_form(entry, venue="peer", level="firm"),
    )
    assert saved.status_code == 302
    assert _cell(client.get(f"/api/v1/initiatives/{entry['id']}", headers=users.admin).json) == (
        "peer",
        "firm",
    )
    acme = _page_client(app, users, "owner@acme.example")
    page = acme.get(f"/pilots/{pilot['id']}", headers=JA).get_data(as_text=True)
    assert "(地域・行政・NPO × ほどほど)" in page  # where it ran, not the initiative's new cell
    reviewer = _page_client(app, users, "reviewer@example.com")
    board = reviewer.get("/evidence", headers=JA).get_data(as_text=True)
    row = re.search(rf'href="/pilots/{pilot["id"]}/report">.*?</tr>', board, re.S).group(0)
    assert "地域・行政・NPO × ほどほど" in row


def test_edit_page_is_for_those_who_may_edit(app, client, users):
    entry = _entry(client, users.owner2)
    acme = _page_client(app, users, "owner@acme.example")
    assert acme.get(f"/initiatives/{entry['id']}/edit").status_code == 403
    assert (
        acme.post(f"/initiatives/{entry['id']}/edit", data=_form(entry, venue="peer")).status_code
        == 403
    )
    assert 'href="/initiatives/{}/edit"'.format(entry["id"]) not in acme.get(
        f"/initiatives/{entry['id']}"
    ).get_data(as_text=True)
    reviewer = _page_client(app, users, "reviewer@example.com")
    assert reviewer.get(f"/initiatives/{entry['id']}/edit").status_code == 403
    globex = _page_client(app, users, "owner@globex.example")
    bad = globex.post(f"/initiatives/{entry['id']}/edit", data=_form(entry, venue="moon"))
    assert bad.status_code == 422
