"""The evidence board: pooled figures, BH across closed pilots, suppression, filters, access."""

import pytest
from sqlalchemy import event

from crossover import analysis
from crossover.extensions import db
from crossover.simulate import PilotSpec, simulate_pilot


def _pilots(app, specs):
    with app.app_context():
        from crossover.auth.services import create_org, get_org_by_slug

        for spec in specs:
            try:
                get_org_by_slug(spec.org_slug)
            except Exception:
                create_org(spec.org_slug, spec.org_slug.title())
        ids = [simulate_pilot(spec, seed=i).id for i, spec in enumerate(specs)]
        db.session.commit()
        return ids


SPECS = [
    PilotSpec("acme", "community-external-mentoring", "A1", "mentoring", 30, 0.3),
    PilotSpec("globex", "community-external-mentoring", "G1", "mentoring", 24, 0.1),
    PilotSpec(
        "acme",
        "community-external-mentoring",
        "A2 controlled",
        "mentoring",
        20,
        0.4,
        comparison_n=20,
    ),
    PilotSpec("globex", "peer-career-interview", "G2", "career_interview", 28, 0.0),
    PilotSpec("acme", "peer-career-interview", "A3 tiny", "career_interview", 3, 0.5),
    PilotSpec("acme", "internal-lunch-dialogue", "A4 running", "other", 30, 0.2, status="running"),
]


@pytest.fixture
def board(app, client, users):
    ids = _pilots(app, SPECS)
    response = client.get("/api/v1/evidence", headers=users.reviewer)
    assert response.status_code == 200
    return ids, response.json


def _cell(board, venue, level):
    return next(c for c in board["cells"] if c["venue"] == venue and c["level"] == level)


def test_only_closed_pilots_and_all_21_cells(board):
    _, body = board
    assert len(body["cells"]) == 21
    assert {p["title"] for p in body["pilots"]} == {"A1", "G1", "A2 controlled", "G2", "A3 tiny"}


def test_pooled_gz_per_cell_keeps_designs_apart(board):
    _, body = board
    pilots = {p["title"]: p for p in body["pilots"]}
    cell = _cell(body, "community", "loose")
    assert cell["pilots"] == 3 and cell["organizations"] == 2
    expected = analysis.dersimonian_laird(
        [pilots["A1"]["effect"], pilots["G1"]["effect"]],
        [analysis.gz_variance(pilots[t]["effect"], pilots[t]["n"]) for t in ("A1", "G1")],
    )
    uncontrolled = cell["uncontrolled"]
    assert uncontrolled["k"] == 2 and uncontrolled["estimate"] == pytest.approx(
        expected.estimate, rel=1e-12
    )
    assert (uncontrolled["ci_low"], uncontrolled["tau2"], uncontrolled["i2"]) == pytest.approx(
        (expected.ci_low, expected.tau2, expected.i2), rel=1e-12, abs=1e-15
    )
    controlled = cell["controlled"]
    assert controlled["k"] == 1 and controlled["estimate"] == pytest.approx(
        pilots["A2 controlled"]["effect"]
    )
    assert pilots["A2 controlled"]["design"] == "controlled"
    assert cell["pairs"] == pilots["A1"]["n"] + pilots["G1"]["n"] + pilots["A2 controlled"]["n"]


def test_pilot_effect_is_the_reports_gz(app, client, users, board):
    ids, body = board
    report = client.get(f"/api/v1/pilots/{ids[0]}/report", headers=users.reviewer).json
    pilot = next(p for p in body["pilots"] if p["id"] == ids[0])
    assert pilot["effect"] == pytest.approx(report["primary"]["gz"], rel=1e-12)
    assert pilot["p"] == pytest.approx(report["primary"]["p_primary"], rel=1e-12)
    assert pilot["verdict"] == report["verdict"]["value"] and pilot["n"] == report["primary"]["n"]


def test_benjamini_hochberg_across_closed_pilots(board):
    _, body = board
    p = [row["p"] for row in body["pilots"]]
    assert [row["p_bh"] for row in body["pilots"]] == pytest.approx(
        analysis.benjamini_hochberg(p), nan_ok=False
    )
    assert sum(x is not None for x in p) == 4  # the tiny pilot has no p at all


def test_small_pilot_is_withheld_and_never_pooled(board):
    _, body = board
    tiny = next(p for p in body["pilots"] if p["title"] == "A3 tiny")
    assert tiny["suppressed"] and tiny["n"] is None and tiny["effect"] is None and tiny["p"] is None
    assert tiny["verdict"] == "insufficient_data"
    cell = _cell(body, "peer", "loose")
    g2 = next(p for p in body["pilots"] if p["title"] == "G2")
    assert cell["withheld_pilots"] == 1 and cell["pairs"] == g2["n"]  # the tiny pilot adds nothing
    assert cell["uncontrolled"]["k"] == 1 and cell["uncontrolled"]["pairs"] == g2["n"]


def test_filters_select_pilots_but_never_reveal_withheld_ones(client, users, board):
    _, everything = board
    acme = client.get("/api/v1/evidence?organization=acme", headers=users.reviewer).json
    assert {p["title"] for p in acme["pilots"]} == {"A1", "A2 controlled", "A3 tiny"}
    # BH stays the adjustment across all closed pilots, whatever the filter.
    assert {p["id"]: p["p_bh"] for p in acme["pilots"]} == {
        p["id"]: p["p_bh"] for p in everything["pilots"] if p["organization"] == "acme"
    }
    for body in (everything, acme):
        for cell in body["cells"]:
            shown = sum(
                p["n"]
                for p in body["pilots"]
                if p["venue"] == cell["venue"]
                and p["level"] == cell["level"]
                and not p["suppressed"]
            )
            assert cell["pairs"] == shown  # totals are sums of visible pilots only
    tiny_cell = [_cell(b, "peer", "loose")["pairs"] for b in (everything, acme)]
    assert tiny_cell == [next(p["n"] for p in everything["pilots"] if p["title"] == "G2"), 0]
    formats = client.get("/api/v1/evidence?format=career_interview", headers=users.reviewer).json
    assert {p["title"] for p in formats["pilots"]} == {"G2", "A3 tiny"}
    assert (
        client.get("/api/v1/evidence?ended_from=2999-01-01", headers=users.reviewer).json["pilots"]
        == []
    )
    assert client.get("/api/v1/evidence?format=retreat", headers=users.reviewer).status_code == 422


def test_nothing_identifies_a_participant(board):
    _, body = board
    text = str(body)
    assert "P-" not in text and "enrollment" not in text and "code" not in text


def test_access(client, users):
    assert client.get("/api/v1/evidence").status_code == 401
    assert client.get("/api/v1/evidence", headers=users.owner).status_code == 403
    assert client.get("/api/v1/evidence", headers=users.admin).status_code == 200
    users.login("owner@acme.example")
    assert client.get("/evidence").status_code == 403


def test_query_count_does_not_grow_with_pilots(app):
    from crossover.evidence.services import board as build_board

    counts = []
    for batch in (2, 6):
        _pilots(
            app,
            [
                PilotSpec("acme", "community-external-mentoring", f"P{batch}-{i}", "other", 6, 0.2)
                for i in range(batch)
            ],
        )
        with app.app_context():
            statements = []
            listener = lambda *a, statements=statements: statements.append(1)  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            build_board()
            event.remove(db.engine, "before_cursor_execute", listener)
            counts.append(len(statements))
    assert counts[0] == counts[1]


def test_board_and_cell_pages(app, client, users, board):
    users.login("reviewer@example.com")
    page = client.get("/evidence", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert (
        'id="heatmap"' in page and page.count('<td class="cell') == 21 and "A2 controlled" in page
    )
    by_effect = client.get("/evidence?sort=effect").get_data(as_text=True)
    assert by_effect.index("A2 controlled") < by_effect.index("G2")
    cell = client.get("/evidence/community/loose", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert (
        cell.count("<svg") >= 2
        and "Pooled (random effects)" in cell
        and "With a comparison group" in cell
    )
    assert client.get("/evidence/moon/loose").status_code == 404
    ja = client.get("/evidence", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert "エビデンス" in ja
    grid = client.get("/").get_data(as_text=True)
    assert 'href="/evidence/community/loose"' in grid


def test_randomised_pilots_are_pooled_on_the_ancova_apart(app, client, users):
    with app.app_context():
        pilot = simulate_pilot(
            PilotSpec(
                "acme",
                "community-external-mentoring",
                "Randomised",
                "mentoring",
                40,
                0.5,
                comparison_n=40,
                allocation="randomised",
            ),
            seed=3,
        )
        db.session.commit()
        pilot_id = pilot.id
    board = client.get("/api/v1/evidence", headers=users.reviewer).json
    entry = next(p for p in board["pilots"] if p["id"] == pilot_id)
    assert entry["allocation"] == "randomised" and entry["comparison_label"] is None
    report = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.reviewer).json
    assert entry["effect"] == pytest.approx(report["ancova"]["standardized"], rel=1e-12)
    assert entry["p"] == pytest.approx(report["ancova"]["p"], rel=1e-12)
    assert entry["verdict"] == report["verdict"]["value"]
    cell = next(
        c for c in board["cells"] if c["venue"] == entry["venue"] and c["level"] == entry["level"]
    )
    assert cell["randomised"]["k"] == 1 and cell["randomised"]["estimate"] == pytest.approx(
        entry["effect"]
    )
    assert cell["controlled"]["k"] == 0
