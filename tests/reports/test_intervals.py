"""Third edition through the API and the page: every effect with its interval, BF10 in words,
the deviations fixed as R has them, nothing new for a withheld group.

Pilots are built from scripted answers (all items 3 before; after, chosen items one point up or
down), so each person's change is an exact number of twelfths and R sees the same changes:
/tmp/ref21/api.R, with x <- c(3, 1, 4, 1, 5, 9, 2, 6, -3, 0) / 12:
  wilcox.test(x, conf.int = TRUE, digits.rank = 7); wilcox.test(x, alternative = "greater", …)
  the dz interval as tests/analysis/test_intervals.py (uniroot over pt(t, df, ncp), tol 1e-13)
  extractBF(ttestBF(x, nullInterval = c(0, Inf), rscale = "medium"))
  t.test(x, alternative = "greater", conf.level = 0.95)$conf.int
"""

import pytest

from crossover.extensions import db
from crossover.instruments.models import Instrument
from crossover.pilots.models import Pilot
from tests.privacy_attacker import Person
from tests.reports import people
from tests.reports.test_degenerate import Scripted


def approx(value, rel=1e-6):
    return pytest.approx(value, rel=rel, abs=1e-12)


def _answers(units: int, reverse: list[bool]) -> tuple[list[int], list[int]]:
    """Answers before (all 3) and after whose total score differs by `units` twelfths."""
    post = [3] * len(reverse)
    step = 1 if units > 0 else -1
    for index in range(abs(units)):
        post[index] += -step if reverse[index] else step  # a reverse-keyed item counts backwards
    return [3] * len(reverse), post


def _pilot(app, monkeypatch, changes: list[int], group: list[Person] | None = None) -> int:
    """A closed uncontrolled pilot whose people change by `changes` twelfths (pre and post)."""
    with app.app_context():
        instrument = db.session.scalar(
            db.select(Instrument).where(Instrument.key == "career-ownership-v1")
        )
        reverse = [item.reverse for item in instrument.items]
    script = []
    for units in changes:
        pre, post = _answers(units, reverse)
        script += [*pre, *post]
    monkeypatch.setattr(people.np.random, "default_rng", lambda seed: Scripted(script))
    return people.build_pilot(app, group or [Person("specialist", "50-54") for _ in changes])


CHANGES = [3, 1, 4, 1, 5, 9, 2, 6, -3, 0]


def test_primary_intervals_and_bf10_match_r_through_the_api(app, client, users, monkeypatch):
    pilot_id = _pilot(app, monkeypatch, CHANGES)
    report = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.owner).json
    primary = report["primary"]
    assert primary["n"] == 10 and primary["mean_change"] == approx(28 / 120)
    # dz 0.825276366486452; its interval by pt(ncp) inversion, gz's that times J
    assert primary["dz"] == approx(0.825276366486452)
    assert (primary["dz_ci_low"], primary["dz_ci_high"]) == (
        approx(0.0841839722342545),
        approx(1.53357795027036),
    )
    assert (primary["gz_ci_low"], primary["gz_ci_high"]) == (
        approx(0.0769682031856041),
        approx(1.40212841167576),
    )
    # wilcox.test(x, conf.int = TRUE, digits.rank = 7): ties and a zero, so the normal
    # approximation inverted with uniroot (tol.root 1e-4; same doubles here, so pinned at 1e-6)
    assert primary["hodges_lehmann"] == {
        "estimate": approx(0.25),
        "ci_low": approx(0.0416454009756964),
        "ci_high": approx(0.499973684324393),
        "conf_level": 0.95,
        "method": "normal",
    }
    assert primary["p_wilcoxon"] == approx(0.0189068765042032)
    # ttestBF(x, nullInterval = c(0, Inf)): 5.33984529160673, error 5.7e-06
    assert primary["bf10"] == approx(5.33984529160673, 5.7e-6)
    assert (primary["bf10_prior"], primary["bf10_reading"]) == ("positive", "evidence_for_effect")
    # t.test(x, alternative = "greater")$conf.int
    assert primary["ci_test_low"] == approx(0.0694379960606887)
    # the verdict is untouched by BF10, and subscales carry intervals but no BF10
    assert report["verdict"]["value"] == "small_success"
    assert all(s["bf10"] is None and "dz_ci_low" in s for s in report["subscales"])


def test_followups_and_subgroups_carry_the_test_interval_and_effect_intervals(
    app, client, users, monkeypatch
):
    pilot_id = _pilot(app, monkeypatch, CHANGES)
    report = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.owner).json
    primary = report["primary"]
    # everyone is a specialist aged 50–54: those subgroups are the pairs themselves
    specialist = next(g for g in report["subgroups"]["career_phase"] if g["key"] == "specialist")
    band = next(g for g in report["subgroups"]["age_band"] if g["key"] == "50-54")
    for group in (specialist, band):
        assert group["suppressed"] is False and group["n"] == 10
        assert (group["ci_test_low"], group["ci_test_high"], group["ci_test_sided"]) == (
            primary["ci_test_low"],
            None,
            "greater",
        )
        for key in ("gz", "dz_ci_low", "dz_ci_high", "gz_ci_low", "gz_ci_high", "hodges_lehmann"):
            assert group[key] == primary[key]
    # nobody answered a follow-up: withheld, every new figure null
    for followup in report["followups"]:
        assert followup["suppressed"] is True and followup["hodges_lehmann"] is None
        assert followup["dz_ci_low"] is None and followup["ci_test_low"] is None


def test_withheld_groups_publish_no_new_figure(app, client, users, monkeypatch):
    # 7 specialists and 3 managers: the managers are small, the specialists are withheld to
    # protect them (total − specialists = managers), the total stays
    group = [Person("specialist", "50-54") for _ in range(7)] + [
        Person("in_management", "50-54") for _ in range(3)
    ]
    pilot_id = _pilot(app, monkeypatch, CHANGES, group)
    report = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.reviewer).json
    phases = {g["key"]: g for g in report["subgroups"]["career_phase"]}
    assert phases["in_management"]["suppressed_reason"] == "small"
    assert phases["specialist"]["suppressed_reason"] == "complementary"
    for g in phases.values():
        if g["suppressed"]:
            assert all(
                g[key] is None
                for key in (
                    "gz",
                    "dz_ci_low",
                    "dz_ci_high",
                    "gz_ci_low",
                    "gz_ci_high",
                    "hodges_lehmann",
                    "ci_test_low",
                    "ci_test_high",
                    "ci_test_sided",
                )
            )
    assert report["primary"]["suppressed"] is False


def test_a_small_pilot_withholds_the_new_figures_too(app, client, users, monkeypatch):
    pilot_id = _pilot(app, monkeypatch, [1, 2, 3, 4])
    report = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.owner).json
    primary = report["primary"]
    assert primary["suppressed"] is True
    for key in ("dz_ci_low", "gz_ci_high", "hodges_lehmann", "bf10", "bf10_reading", "bf10_prior"):
        assert primary[key] is None


def test_a_null_result_reads_as_evidence_for_no_effect(app, client, users, monkeypatch):
    pilot_id = _pilot(app, monkeypatch, [0, -1, 1, -1, 0, 1, -1, 0, 1, -1])
    report = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.owner).json
    # y <- c(0, -1, 1, -1, 0, 1, -1, 0, 1, -1) / 12; ttestBF(y, nullInterval = c(0, Inf)):
    # 0.243498846086888, error 1.7e-04
    assert report["primary"]["bf10"] == approx(0.243498846086888, 1.75e-4)
    assert report["primary"]["bf10_reading"] == "evidence_for_no_effect"
    assert report["verdict"]["value"] == "no_evidence"  # the verdict stands as it was
    users.login("owner@acme.example")
    ja = client.get(f"/pilots/{pilot_id}/report", headers={"Accept-Language": "ja"}).get_data(
        as_text=True
    )
    assert "効果がないことを支持する証拠" in ja and 'id="verdict-rule"' in ja
    en = client.get(f"/pilots/{pilot_id}/report", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "Evidence for no effect" in en and "BF<sub>10</sub> = 0.24" in en


def test_all_zero_changes_as_r_has_them(app, client, users, monkeypatch):
    pilot_id = _pilot(app, monkeypatch, [0] * 6)
    report = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.owner).json
    primary = report["primary"]
    # wilcox.test(rep(0, 6), alternative = "greater"): V = 0, p = 1 (the pilot hopes for a rise)
    assert primary["wilcoxon_v"] == 0 and primary["p_wilcoxon"] == 1
    # t.test stops (no spread): no t, no df; no interval, no Bayes factor, no HL estimate
    assert primary["t"] is None and primary["df"] is None and primary["p_t"] is None
    assert primary["dz_ci_low"] is None and primary["bf10"] is None
    assert primary["hodges_lehmann"]["estimate"] is None
    users.login("owner@acme.example")
    page = client.get(f"/pilots/{pilot_id}/report", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "t(None)" not in page and "Bayes factor: none" in page


def test_every_change_the_same_has_no_df_and_the_hodges_lehmann_change(
    app, client, users, monkeypatch
):
    pilot_id = _pilot(app, monkeypatch, [2] * 6)
    primary = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.owner).json["primary"]
    assert primary["t"] is None and primary["df"] is None and primary["sd_change"] == 0
    # wilcox.test(rep(2/12, 6), conf.int = TRUE): no interval (NaN), estimate the midrange 1/6
    assert primary["hodges_lehmann"]["estimate"] == approx(1 / 6)
    assert primary["hodges_lehmann"]["ci_low"] is None
    assert primary["dz_ci_low"] is None and primary["bf10"] is None


def test_the_page_explains_each_new_figure(app, client, users, monkeypatch):
    pilot_id = _pilot(app, monkeypatch, CHANGES)
    users.login("owner@acme.example")
    en = client.get(f"/pilots/{pilot_id}/report", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert 'id="intervals"' in en and 'id="bayes-factor"' in en
    assert "Evidence for an effect" in en and "noncentral t" in en and "Hodges–Lehmann" in en
    assert "0.08 [" not in en  # dz's interval is printed after dz, not instead of it
    assert "0.83 [0.08, 1.53]" in en  # dz [95%]
    ja = client.get(f"/pilots/{pilot_id}/report", headers={"Accept-Language": "ja"}).get_data(
        as_text=True
    )
    assert "効果を支持する証拠" in ja and "判定" in ja
    with app.app_context():
        assert db.session.get(Pilot, pilot_id).direction.value == "increase"
