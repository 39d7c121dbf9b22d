"""What a reviewer (and an owner) sees on the evidence board, a cell page, the catalogue grid, an
initiative page and the pilot list: contrast, legend, blank cells, plurals, forest plots on one
labelled scale with numbers, one number format, pilots and evidence linked, a derived status."""

import html
import re

import pytest
import sqlalchemy as sa

from crossover.catalogue.models import Initiative, InitiativeStatus
from crossover.extensions import db
from crossover.simulate import PilotSpec
from crossover.web.charts import BANDS, contrast
from crossover.web.ui import number, p_value
from tests.evidence.test_board import SPECS, _pilots

# One strong pilot alone in a cell: exactly one small success there.
SOLO = PilotSpec("globex", "group-site-visit", "Solo", "other", 40, 1.2)
EN, JA = {"Accept-Language": "en"}, {"Accept-Language": "ja"}


@pytest.fixture
def pilots(app, client, users):
    ids = _pilots(app, [*SPECS, SOLO])
    board = client.get("/api/v1/evidence", headers=users.reviewer).json
    return {p["title"]: p for p in board["pilots"]}, ids


def _page(client, url, headers=EN) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _cells(page: str) -> list[tuple[str, str]]:
    """(opening tag, inner html) of every heat-map cell."""
    return re.findall(r'(<td class="cell[^>]*>)(.*?)</td>', page, flags=re.S)


def _initiative_id(app, key: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Initiative.id).where(Initiative.key == key))


def _visible_text(fragment: str) -> str:
    hidden = re.sub(r'<span class="visually-hidden">.*?</span>', "", fragment, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", hidden)).strip()


# --- heat map -----------------------------------------------------------------------------------


def test_heat_map_text_meets_aa_contrast_on_every_cell_and_swatch(client, users, pilots):
    users.login("reviewer@example.com")
    page = _page(client, "/evidence")
    styled = [tag for tag, _ in _cells(page) if "style=" in tag]
    assert styled  # cells with pilots carry their colours
    for tag in styled:
        background = re.search(r"background: (#[0-9a-f]{6})", tag).group(1)
        text = re.search(r"[; ]color: (#[0-9a-f]{6})", tag).group(1)
        assert contrast(background, text) >= 4.5, tag
    legend = page[page.index('id="heatmap-legend"') :]
    swatches = re.findall(
        r"<li style=\"background: (#[0-9a-f]{6}); color: (#[0-9a-f]{6})\"", legend
    )
    assert len(swatches) == len(BANDS) == 7
    assert all(contrast(bg, fg) >= 4.5 for bg, fg in swatches)
    for band in BANDS:  # and on the colours the scale can emit at all
        assert contrast(band.background, band.text) >= 4.5, band


def test_heat_map_legend_explains_colours_k_and_diamond(client, users, pilots):
    users.login("reviewer@example.com")
    page = _page(client, "/evidence")
    legend = page[page.index('id="heatmap-legend"') :]
    assert "Large rise" in legend and "Large fall" in legend and "0.20 … 0.49" in legend
    assert "<dt>k</dt>" in legend and "number of closed pilots pooled" in legend
    assert "<dt>◆</dt>" in legend and "comparison group" in legend
    ja = _page(client, "/evidence", JA)
    assert "ヒートマップの読み方" in ja and "大きく上昇" in ja


def test_empty_cells_are_blank(client, users, pilots):
    users.login("reviewer@example.com")
    page = _page(client, "/evidence")
    cells = _cells(page)
    empty = [inner for tag, inner in cells if "empty" in tag]
    assert len(cells) == 21 and len(empty) == 21 - 3  # 3 cells hold closed pilots
    assert all(_visible_text(inner) == "" for inner in empty)
    assert "k = 0" not in page and "·" not in "".join(inner for _, inner in cells)


def test_small_successes_are_counted_with_plurals(client, users, pilots):
    results, _ = pilots
    assert results["Solo"]["verdict"] == "small_success"
    users.login("reviewer@example.com")
    page = _page(client, "/evidence")
    solo = next(inner for tag, inner in _cells(page) if 'data-venue="group"' in tag)
    assert "1 small success<" in solo and "1 small successes" not in page
    community = next(inner for tag, inner in _cells(page) if 'data-venue="community"' in tag)
    assert "2 small successes" in community
    assert "小さな成功 1件" in _page(client, "/evidence", JA)


# --- forest plots -------------------------------------------------------------------------------


def _plots(page: str) -> list[str]:
    return re.findall(r'<svg[^>]*class="chart forest".*?</svg>', page, flags=re.S)


def _ticks(svg: str) -> list[str]:
    return re.findall(r'class="tick">([^<]*)<', svg)


def test_forest_plots_of_a_page_share_one_named_scale(client, users, pilots):
    users.login("reviewer@example.com")
    page = _page(client, "/evidence/community/loose")
    plots = _plots(page)
    assert len(plots) == 4  # cell: comparison + uncontrolled; the initiative's: the same two
    assert len({tuple(_ticks(svg)) for svg in plots}) == 1
    ticks = [float(t) for t in _ticks(plots[0])]
    assert ticks[0] == -ticks[-1] and 0.0 in ticks
    axes = [re.search(r'class="axis">([^<]*)<', svg).group(1) for svg in plots]
    assert "Hedges&#x27; g, participants" in axes[0] and "Hedges&#x27; g_z" in axes[1]


def test_forest_rows_show_estimate_ci_n_and_weight(client, users, pilots):
    results, _ = pilots
    users.login("reviewer@example.com")
    page = _page(client, "/evidence/community/loose")
    uncontrolled = _plots(page)[1]
    values = re.findall(r'class="value[^"]*"[^>]*>([^<]*)<', uncontrolled)
    a1 = results["A1"]
    interval = f"{number(a1['effect'])} [{number(a1['ci_low'])}, {number(a1['ci_high'])}]"
    assert str(a1["n"]) in values and interval in values
    weights = [v for v in values if v.endswith("%")]
    assert len(weights) == 3 and weights[-1] == "100%"  # two pilots and the pooled row
    assert abs(sum(float(w[:-1]) for w in weights[:-1]) - 100) <= 1


def test_one_pilot_is_not_pooled_again(client, users, pilots):
    users.login("reviewer@example.com")
    page = _page(client, "/evidence/community/loose")
    comparison, uncontrolled = _plots(page)[:2]
    assert "diamond" not in comparison and 'class="label pooled"' not in comparison
    assert "diamond" in uncontrolled
    assert "nothing to pool" in page
    # The cell's reading names the one pilot's effect, not a "pooled" one.
    assert "(effect of the one pilot " in page


# --- numbers ------------------------------------------------------------------------------------


def test_one_number_format_no_negative_zero_and_p_kept_together(client, users, pilots):
    assert number(-0.004) == "0.00" and number(-0.0) == "0.00" and number(-0.006) == "-0.01"
    assert number(-0.4, 0) == "0" and number(None) == "—"
    assert p_value(0.0004) == "<\u00a00.001" and p_value(0.0123) == "0.012"
    users.login("reviewer@example.com")
    for url in ("/evidence", "/evidence/community/loose"):
        page = _page(client, url)
        assert "-0.00" not in page and "-0.0<" not in page
    board = _page(client, "/evidence")
    assert "&lt;\u00a00.001" in board and "&lt; 0.001" not in board


# --- catalogue ----------------------------------------------------------------------------------


def _grid_cell(page: str, venue: str, level: str) -> str:
    return re.search(
        rf'<td class="cell[^"]*" data-venue="{venue}" data-level="{level}">(.*?)</td>', page, re.S
    ).group(1)


def test_catalogue_cells_show_pilots_closed_validated_and_successes(client, users, pilots):
    users.login("reviewer@example.com")
    grid = _page(client, "/")
    community = _visible_text(_grid_cell(grid, "community", "loose"))
    assert "3 pilots · 3 closed" in community and "1 validated" in community
    assert "2 small successes" in community
    lunch = _visible_text(_grid_cell(grid, "internal", "loose"))
    assert "1 pilot · 0 closed" in lunch
    client.get("/logout")
    users.login("owner@acme.example")
    owner_grid = _page(client, "/")
    assert "3 pilots · 3 closed" in owner_grid and "small success" not in owner_grid


def test_initiative_status_follows_its_pilots_and_keeps_the_stored_choice(
    app, client, users, pilots
):
    users.login("reviewer@example.com")
    mentoring = _initiative_id(app, "community-external-mentoring")
    page = _page(client, f"/initiatives/{mentoring}")
    status = re.search(r'id="initiative-status">(.*?)</dd>', page, re.S).group(1)
    assert status.startswith("Validated") and "registered as: Idea" in status
    assert "at least 2 closed pilots with 5 or more people each" in page
    lunch = _page(client, f"/initiatives/{_initiative_id(app, 'internal-lunch-dialogue')}")
    assert re.search(r'id="initiative-status">Piloting', lunch)
    interview = _page(client, f"/initiatives/{_initiative_id(app, 'peer-career-interview')}")
    assert re.search(r'id="initiative-status">Piloting', interview)  # one reportable pilot only
    with app.app_context():
        stored = db.session.get(Initiative, mentoring).status
    assert stored is InitiativeStatus.IDEA  # shown, never written
    assert "検証済み" in _page(client, f"/initiatives/{mentoring}", JA)


def test_initiative_page_lists_pilots_by_role_and_links_evidence(app, client, users, pilots):
    results, ids = pilots
    mentoring = _initiative_id(app, "community-external-mentoring")
    lunch = _initiative_id(app, "internal-lunch-dialogue")
    users.login("reviewer@example.com")
    page = _page(client, f"/initiatives/{mentoring}")
    listed = page[page.index('id="initiative-pilots"') : page.index('id="initiative-evidence"')]
    for title in ("A1", "G1", "A2 controlled"):
        assert f'href="/pilots/{results[title]["id"]}/report"' in listed
    assert "Globex" in listed
    evidence = page[page.index('id="initiative-evidence"') :]
    assert 'href="/evidence/community/loose"' in evidence and len(_plots(evidence)) == 2
    running = _page(client, f"/initiatives/{lunch}")
    assert "A4 running" not in running and "enrolled" not in running  # reviewers: closed only
    client.get("/logout")
    users.login("owner@acme.example")
    own = _page(client, f"/initiatives/{mentoring}")
    assert "A1" in own and "A2 controlled" in own and ">G1<" not in own
    assert 'id="initiative-evidence"' not in own and "No evidence" not in own
    running = _page(client, f"/initiatives/{lunch}")
    assert "A4 running" in running and "30 enrolled" in running
    assert f'href="/pilots/{ids[5]}"' in running


def test_pilot_list_shows_n_verdict_and_report_link(client, users, pilots):
    results, ids = pilots
    users.login("owner@acme.example")
    page = _page(client, "/pilots")
    rows = {
        _visible_text(re.search(r"<td>(.*?)</td>", row, re.S).group(1)): row
        for row in re.findall(r"<tr>(.*?)</tr>", page, re.S)[1:]
    }
    a1 = rows["A1"]
    assert f"{results['A1']['n']} people" in _visible_text(a1) and "Small success" in a1
    assert f'href="/pilots/{results["A1"]["id"]}/report"' in a1
    assert "n &lt; 5" in rows["A3 tiny"] or "n < 5" in rows["A3 tiny"]
    assert "Not enough data" in rows["A3 tiny"]
    assert "30 enrolled" in _visible_text(rows["A4 running"])
    assert "Not closed yet" in rows["A4 running"]
    assert f'href="/pilots/{ids[5]}/report"' in rows["A4 running"]
    ja = _page(client, "/pilots", JA)
    assert "登録 30人" in ja and "小さな成功" in ja
