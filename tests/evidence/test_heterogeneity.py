"""Pooling, third edition: Cochran's Q with df and p, SE and z, the prediction interval (none below
three pilots), through the API and in words on cell and initiative pages.

The figures are analysis.dersimonian_laird's, pinned to metafor's rma(method = "DL") and
predict() in tests/analysis/test_intervals.py; here they must reach the API unchanged.
"""

import pytest

from crossover import analysis
from crossover.simulate import PilotSpec
from tests.evidence.test_board import _pilots

THREE = [
    PilotSpec("acme", "community-external-mentoring", "A1", "mentoring", 30, 0.9),
    PilotSpec("globex", "community-external-mentoring", "G1", "mentoring", 24, 0.0),
    PilotSpec("acme", "community-external-mentoring", "A2", "mentoring", 26, 0.4),
]
EN, JA = {"Accept-Language": "en"}, {"Accept-Language": "ja"}


def _pool(body, venue="community", level="loose"):
    cell = next(c for c in body["cells"] if c["venue"] == venue and c["level"] == level)
    return cell["uncontrolled"]


def test_q_se_z_and_prediction_interval_reach_the_api(app, client, users):
    _pilots(app, THREE)
    body = client.get("/api/v1/evidence", headers=users.reviewer).json
    rows = [p for p in body["pilots"] if not p["suppressed"]]
    assert len(rows) == 3
    expected = analysis.dersimonian_laird(
        [r["effect"] for r in rows], [analysis.gz_variance(r["effect"], r["n"]) for r in rows]
    )
    pool = _pool(body)
    assert pool["k"] == 3 and pool["q_df"] == 2
    for key in ("q", "q_p", "se", "z", "pi_low", "pi_high", "estimate", "tau2"):
        assert pool[key] == pytest.approx(getattr(expected, key), rel=1e-12, abs=1e-15), key
    # the prediction interval holds the confidence interval, widened by τ²
    assert pool["pi_low"] <= pool["ci_low"] and pool["pi_high"] >= pool["ci_high"]
    # an initiative's pool carries the same fields
    initiative = next(i for i in body["initiatives"] if i["uncontrolled"]["k"] == 3)
    assert initiative["uncontrolled"]["pi_low"] == pool["pi_low"]


def test_cell_page_reads_the_prediction_and_heterogeneity_in_words(app, client, users):
    _pilots(app, THREE)
    users.login("reviewer@example.com")
    en = client.get("/evidence/community/loose", headers=EN).get_data(as_text=True)
    assert "The next pilot\u2019s effect is expected between" in en and "Cochran\u2019s Q" in en
    ja = client.get("/evidence/community/loose", headers=JA).get_data(as_text=True)
    assert "次の実験の効果は" in ja and "CochranのQ" in ja


def test_below_three_pilots_the_page_says_why_there_is_no_prediction(app, client, users):
    _pilots(app, THREE[:2])
    body = client.get("/api/v1/evidence", headers=users.reviewer).json
    pool = _pool(body)
    assert pool["k"] == 2 and pool["pi_low"] is None and pool["pi_high"] is None
    assert pool["q_df"] == 1 and pool["q_p"] is not None
    users.login("reviewer@example.com")
    en = client.get("/evidence/community/loose", headers=EN).get_data(as_text=True)
    assert "it needs at least three pilots" in en and "expected between" not in en
    ja = client.get("/evidence/community/loose", headers=JA).get_data(as_text=True)
    assert "少なくとも3件の実験が必要です" in ja


def test_one_pilot_has_metafor_s_q_and_no_prediction(app, client, users):
    _pilots(app, THREE[:1])
    pool = _pool(client.get("/api/v1/evidence", headers=users.reviewer).json)
    # rma(yi, vi, method = "DL") with k = 1: QE = 0 on 0 df, QEp = 1
    assert (pool["k"], pool["q"], pool["q_df"], pool["q_p"]) == (1, 0, 0, 1)
    assert pool["pi_low"] is None
    empty = _pool(client.get("/api/v1/evidence", headers=users.reviewer).json, "group", "firm")
    assert empty["k"] == 0 and empty["q"] is None and empty["pi_low"] is None
