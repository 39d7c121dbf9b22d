"""The pilot report: shape, agreement with the analysis functions, suppression, access, export."""

import csv
import io

from markupsafe import escape
import numpy as np
import pytest
from scipy import stats
import sqlalchemy as sa

from crossover import analysis
from crossover.audit import AuditEvent
from crossover.extensions import db
from crossover.simulate import PilotSpec, simulate_pilot
from tests.factories import TODAY, enroll, make_mentor, make_pilot

DESIGN_KEYS = {
    "pilot",
    "counts",
    "primary",
    "subscales",
    "followups",
    "subgroups",
    "reliability",
    "attrition",
    "concerns",
    "verdict",
}
OUTCOME_KEYS = {
    "outcome",
    "n",
    "pre_mean",
    "post_mean",
    "mean_change",
    "sd_change",
    "ci_low",
    "ci_high",
    "t",
    "df",
    "p_t",
    "wilcoxon_v",
    "p_wilcoxon",
    "dz",
    "gz",
    "rank_biserial",
    "shapiro_w",
    "p_shapiro",
    "p_primary",
}


def _simulated(app, users, **spec):
    """A closed pilot of acme with simulated people (seeded), readable by acme's owner."""
    defaults = dict(
        org_slug="acme",
        initiative_key="community-external-mentoring",
        title="Simulated",
        format="mentoring",
        n=40,
        effect=0.3,
    )
    with app.app_context():
        pilot = simulate_pilot(PilotSpec(**(defaults | spec)), seed=7)
        db.session.commit()
        return pilot.id


def _pairs_from_export(
    client, headers, pilot_id, outcome="total", arm="participant", second="post"
):
    text = client.get(f"/api/v1/pilots/{pilot_id}/export.csv", headers=headers).data.decode(
        "utf-8-sig"
    )
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["arm"] == arm]
    first = {r["code"]: float(r[outcome]) for r in rows if r["wave"] == "pre"}
    later = {r["code"]: float(r[outcome]) for r in rows if r["wave"] == second}
    codes = sorted(first.keys() & later.keys())
    return np.array([first[c] for c in codes]), np.array([later[c] for c in codes])


def test_report_shape_and_numbers_agree_with_analysis(app, client, users):
    pilot_id = _simulated(app, users)
    report = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.owner).json
    assert set(report) >= DESIGN_KEYS
    primary = report["primary"]
    assert set(primary) >= OUTCOME_KEYS and primary["suppressed"] is False
    pre, post = _pairs_from_export(client, users.owner, pilot_id)
    assert report["counts"]["pairs"] == primary["n"] == pre.size
    t = analysis.paired_t(pre, post, direction="increase")
    w = analysis.wilcoxon_signed_rank(pre, post, direction="increase")
    effects = analysis.paired_effects(pre, post)
    assert primary["t"] == pytest.approx(t.t, rel=1e-12) and primary["p_t"] == pytest.approx(
        t.p, rel=1e-12
    )
    assert primary["wilcoxon_v"] == w.v and primary["p_wilcoxon"] == pytest.approx(w.p, rel=1e-12)
    assert primary["dz"] == pytest.approx(effects.dz) and primary["p_primary"] == primary["p_t"]
    assert primary["pre_mean"] == pytest.approx(pre.mean()) and primary[
        "post_mean"
    ] == pytest.approx(post.mean())
    assert (
        report["pilot"]["design"] == "uncontrolled pre/post"
        and "regression to the mean" in report["pilot"]["warning"]
    )
    assert report["comparison"] is None


def test_subscales_are_holm_adjusted(app, client, users):
    pilot_id = _simulated(app, users)
    report = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.owner).json
    assert [s["outcome"] for s in report["subscales"]] == [
        "vision",
        "agency",
        "learning",
        "connection",
    ]
    raw = [s["p_primary"] for s in report["subscales"]]
    assert [s["p_holm"] for s in report["subscales"]] == pytest.approx(analysis.holm(raw))
    pre, post = _pairs_from_export(client, users.owner, pilot_id, outcome="agency")
    assert report["subscales"][1]["mean_change"] == pytest.approx(float((post - pre).mean()))


def test_followups_reliability_attrition_dose_concerns(app, client, users):
    pilot_id = _simulated(app, users)
    report = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.owner).json
    assert [f["wave"] for f in report["followups"]] == ["followup_30", "followup_60"]
    pre, later = _pairs_from_export(client, users.owner, pilot_id, second="followup_30")
    assert report["followups"][0]["n"] == pre.size
    assert report["followups"][0]["mean_change"] == pytest.approx(float((later - pre).mean()))
    assert [r["wave"] for r in report["reliability"]] == [
        "pre",
        "post",
        "followup_30",
        "followup_60",
    ]
    assert 0.5 < report["reliability"][0]["alpha"] < 1
    attrition = report["attrition"]
    assert attrition["enrolled"] == 40 and attrition["with_post"] + attrition["without_post"] == 40
    dose = report["dose"]
    assert dose["n"] == report["counts"]["pairs"]
    # No mentors: every pair had no session, one value, so nothing relates sessions to change.
    assert dose["suppressed"] and dose["sessions"]["suppressed_reason"] == "values_under_k"
    assert dose["total_sessions"] is None and dose["sessions"]["rho"] is None
    overall = report["concerns"]["overall"]
    assert overall["n"] == 40 and sum(1 for i in overall["items"] if i["rank"] == 1) >= 1
    ranks = [i["rank"] for i in overall["items"]]
    assert ranks == sorted(ranks)
    for item in overall[
        "items"
    ]:  # ties share the best rank: 1 + the number of strictly larger counts
        assert item["rank"] == 1 + sum(
            1 for other in overall["items"] if other["count"] > item["count"]
        )


def test_comparison_arm_report(app, client, users):
    pilot_id = _simulated(app, users, comparison_n=30, effect=0.5)
    report = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.owner).json
    comparison = report["comparison"]
    assert report["pilot"]["design"] == "controlled" and report["pilot"]["warning"] is None
    a_pre, a_post = _pairs_from_export(client, users.owner, pilot_id)
    c_pre, c_post = _pairs_from_export(client, users.owner, pilot_id, arm="comparison")
    expected = analysis.welch(a_post - a_pre, c_post - c_pre, direction="increase")
    assert comparison["difference"] == pytest.approx(expected.difference)
    assert comparison["p"] == pytest.approx(expected.p) and comparison["hedges_g"] == pytest.approx(
        expected.hedges_g
    )
    assert comparison["mean_change_participant"] == pytest.approx(expected.mean_x)
    assert report["verdict"]["basis"] == "comparison"
    assert (
        report["counts"]["enrolled"] == 40
    )  # the 40 participants; the 30 in comparison are reported apart


def test_small_pilot_is_withheld_everywhere(app, client, users):
    pilot_id = _simulated(app, users, n=4)
    report = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.reviewer).json
    primary = report["primary"]
    assert primary["suppressed"] is True and all(
        primary[key] is None for key in OUTCOME_KEYS - {"outcome"}
    )
    assert report["verdict"]["value"] == "insufficient_data"
    assert all(s["suppressed"] for s in report["subscales"])
    assert (
        report["concerns"]["overall"]["suppressed"]
        and report["concerns"]["overall"]["items"] is None
    )
    assert all(g["suppressed"] and g["n"] is None for g in report["subgroups"]["career_phase"])
    assert report["dose"]["suppressed"] and report["attrition"]["welch"]["suppressed"]


def test_no_withheld_subgroup_can_be_recovered_by_subtraction(app, client, users):
    pilot_id = _simulated(app, users, n=60)
    report = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.owner).json
    total = report["counts"]["pairs"]
    for dimension in ("career_phase", "age_band"):
        groups = report["subgroups"][dimension]
        hidden = [g for g in groups if g["suppressed"]]
        shown = sum(g["n"] for g in groups if not g["suppressed"])
        assert all(g["n"] is None and g["mean_change"] is None for g in hidden)
        # Whatever is hidden is either nothing, or at least two groups (or empty groups).
        assert total - shown == 0 or len(hidden) >= 2
        assert all(g["n"] >= 5 for g in groups if not g["suppressed"])
    phases = report["concerns"]["by_career_phase"]
    hidden_phases = [g for g in phases if g["suppressed"]]
    shown = sum(g["n"] for g in phases if not g["suppressed"])
    assert report["concerns"]["overall"]["n"] - shown == 0 or len(hidden_phases) >= 2


def test_complementary_suppression_unit():
    from crossover.privacy.suppression import suppress_breakdown

    groups = [
        {"key": "a", "n": 10},
        {"key": "b", "n": 3},
        {"key": "c", "n": 7},
        {"key": "d", "n": 0},
    ]
    result = suppress_breakdown(
        groups, 5, lambda g: {"key": g["key"], "n": None, "suppressed": True}
    )
    assert [g.get("suppressed", False) for g in result] == [False, True, True, False]


def test_dose_correlation_uses_logged_sessions(client, users):
    pilot = make_pilot(client, users.owner, status="running")
    mentor = make_mentor(client, users.owner2, capacity=10)

    def answers(v):
        return {
            f"{s}_{i}": v for s in ("vision", "agency", "learning", "connection") for i in (1, 2, 3)
        }

    for index in range(6):
        person = enroll(client, users.owner, pilot["id"])
        links = {i["wave"]: i["token"] for i in person["invitations"]}
        client.post(f"/api/v1/surveys/{links['pre']}", json={"answers": answers(3)})
        match = client.post(
            f"/api/v1/pilots/{pilot['id']}/matches",
            headers=users.owner,
            json={"enrollment_id": person["id"], "mentor_id": mentor["id"]},
        ).json
        for _ in range(index):
            client.post(
                f"/api/v1/matches/{match['id']}/sessions",
                headers=users.owner,
                json={"held_on": TODAY.isoformat(), "minutes": 30, "mode": "online"},
            )
    report = client.get(f"/api/v1/pilots/{pilot['id']}/report", headers=users.owner).json
    assert report["counts"] == {
        "enrolled": 6,
        "pre": 6,
        "post": 0,
        "pairs": 0,
        "suppressed": False,  # the owner reads their own counts, even under K
        "suppressed_counts": {},
    }
    assert report["dose"]["suppressed"] is True  # no post answers yet: no pairs


def test_export_is_long_format_with_bom_and_audited(app, client, users):
    pilot_id = _simulated(app, users, n=6)
    response = client.get(f"/api/v1/pilots/{pilot_id}/export.csv", headers=users.owner)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert {"code", "wave", "submitted_at", "total", "vision", "vision_1", "connection_3"} <= set(
        rows[0]
    )
    assert {r["wave"] for r in rows} >= {"intake", "pre", "post"}
    with app.app_context():
        assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "pilot.export"))
    assert (
        client.get(f"/api/v1/pilots/{pilot_id}/export.csv", headers=users.reviewer).status_code
        == 403
    )
    assert (
        client.get(f"/api/v1/pilots/{pilot_id}/export.csv", headers=users.owner2).status_code == 404
    )


def test_report_page_renders_headline_chart_and_tables(app, client, users):
    pilot_id = _simulated(app, users)
    users.login("owner@acme.example")
    page = client.get(f"/pilots/{pilot_id}/report", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert 'id="verdict"' in page and "<svg" in page and page.count('class="person"') >= 20
    assert "Subscales" in page and "Follow-up +30 d" in page and "regression to the mean" in page
    ja = client.get(f"/pilots/{pilot_id}/report", headers={"Accept-Language": "ja"}).get_data(
        as_text=True
    )
    assert "主要アウトカム" in ja


def test_reviewer_report_page_has_no_individual_lines(app, client, users):
    pilot_id = _simulated(app, users)
    users.login("reviewer@example.com")
    page = client.get(f"/pilots/{pilot_id}/report").get_data(as_text=True)
    assert "<svg" in page and 'class="person"' not in page


VERDICT_KEYS = {
    "value",
    "basis",
    "test",
    "p",
    "alpha",
    "direction",
    "effect",
    "effect_name",
    "min_effect",
    "rule",
}


def test_the_test_interval_and_the_verdict_explain_themselves(app, client, users):
    pilot_id = _simulated(app, users)
    report = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.owner).json
    primary, verdict = report["primary"], report["verdict"]
    pre, post = _pairs_from_export(client, users.owner, pilot_id)
    t = analysis.paired_t(pre, post, direction="increase", alpha=verdict["alpha"])
    # preregistered "increase": R t.test(alternative = "greater", conf.level = 1 - alpha),
    # upper bound Inf
    assert primary["ci_test_sided"] == "greater" and primary["ci_test_high"] is None
    assert primary["ci_test_low"] == pytest.approx(t.ci_test_low, rel=1e-12)
    assert (primary["ci_low"], primary["ci_high"]) == (
        pytest.approx(t.ci_low),
        pytest.approx(t.ci_high),
    )
    assert set(verdict) == VERDICT_KEYS
    assert (verdict["basis"], verdict["test"], verdict["effect_name"]) == (
        "paired",
        "paired_t",
        "dz",
    )
    assert verdict["p"] == primary["p_primary"] and verdict["effect"] == primary["dz"]
    assert (
        verdict["direction"] == "increase"
        and verdict["min_effect"] == report["pilot"]["preregistration"]["min_dz"]
    )
    rule = verdict["rule"]
    assert set(rule) == {"key", "label_ja", "label_en"} and rule["label_ja"] != rule["label_en"]
    assert f"α {verdict['alpha']:g}" in rule["label_en"] and "dz" in rule["label_en"]
    users.login("reviewer@example.com")  # the pilot is closed: reviewers read it
    for language in ("ja", "en"):
        page = client.get(f"/pilots/{pilot_id}/report", headers={"Accept-Language": language})
        assert page.status_code == 200 and str(escape(rule[f"label_{language}"])) in page.get_data(
            as_text=True
        )


def test_assigned_comparison_is_labelled_non_randomised(app, client, users):
    pilot_id = _simulated(
        app, users, comparison_n=30, effect=0.5
    )  # the simulator assigns by default
    report = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.owner).json
    assert report["pilot"]["allocation"] == "assigned"
    assert (
        report["pilot"]["comparison_label"]
        == report["comparison"]["label"]
        == "non-randomised comparison"
    )
    assert report["allocation"]["method"] == "assigned" and report["ancova"] is None


def test_randomised_pilot_rests_on_ancova(app, client, users):
    pilot_id = _simulated(app, users, n=40, comparison_n=40, effect=0.5, allocation="randomised")
    report = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.owner).json
    a_pre, a_post = _pairs_from_export(client, users.owner, pilot_id)
    c_pre, c_post = _pairs_from_export(client, users.owner, pilot_id, arm="comparison")
    arm = np.concatenate([np.ones(a_pre.size), np.zeros(c_pre.size)])
    fit = analysis.ancova(
        np.concatenate([a_pre, c_pre]), np.concatenate([a_post, c_post]), arm, direction="increase"
    )
    ancova = report["ancova"]
    assert ancova["n_participant"] == a_pre.size and ancova["n_comparison"] == c_pre.size
    assert ancova["coefficient"] == pytest.approx(fit.coefficient, rel=1e-9)
    assert (ancova["se"], ancova["p"]) == (
        pytest.approx(fit.se, rel=1e-9),
        pytest.approx(fit.p, rel=1e-9),
    )
    assert ancova["standardized"] == pytest.approx(fit.standardized, rel=1e-9)
    assert ancova["ci_test_sided"] == "greater" and ancova["ci_test_high"] is None
    verdict = report["verdict"]
    assert (verdict["basis"], verdict["test"], verdict["effect_name"]) == (
        "ancova",
        "ancova",
        "ancova_d",
    )
    assert verdict["p"] == ancova["p"] and verdict["effect"] == ancova["standardized"]
    assert report["comparison"]["label"] is None and report["pilot"]["allocation"] == "randomised"
    section = report["allocation"]
    assert section["method"] == "randomised" and section["strata"] == ["age_band", "career_phase"]
    assert section["seed"]  # the pilot is closed
    shown = [b for b in section["balance"] if not b["suppressed"]]
    assert shown and all(abs(b["participant"] - b["comparison"]) <= 2 for b in shown)
    assert sum(b["n"] for b in shown) <= 80


def test_report_page_download_works_with_the_session_and_reads_for_people(app, client, users):
    pilot_id = _simulated(app, users, n=6)
    users.login("owner@acme.example")
    page = client.get(f"/pilots/{pilot_id}/report", headers={"Accept-Language": "ja"}).get_data(
        as_text=True
    )
    assert f'href="/pilots/{pilot_id}/export.csv"' in page  # not the bearer-token API route
    response = client.get(f"/pilots/{pilot_id}/export.csv", headers={"Accept-Language": "ja"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset, not two
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    first = rows[0]
    assert first["arm"] == "participant" and first["arm_label"] == "参加者"
    assert {r["wave_label"] for r in rows} >= {"実施前", "実施後"}
    assert all(
        r["career_phase_label"] and r["career_phase_label"] != r["career_phase"] for r in rows
    )
    assert all(r["submitted_at"].endswith("+09:00") for r in rows)  # Asia/Tokyo, with its offset
    scored = [r["total"] for r in rows if r["total"]]
    assert scored and all(len(t.split(".")[1]) == 3 for t in scored)  # 3 decimals, not 16 digits
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "pilot.export")
        ).all()
        assert [e.details["form"] for e in events] == ["readable"]
    users.login("reviewer@example.com")
    assert client.get(f"/pilots/{pilot_id}/export.csv").status_code == 403
    users.login("owner@globex.example")
    assert client.get(f"/pilots/{pilot_id}/export.csv").status_code == 404


def test_api_export_names_its_charset_once(app, client, users):
    pilot_id = _simulated(app, users, n=6)
    response = client.get(f"/api/v1/pilots/{pilot_id}/export.csv", headers=users.owner)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_report_page_prints_p_once_and_names_the_effect_as_the_verdict_does(app, client, users):
    pilot_id = _simulated(app, users, n=60, effect=0.9)
    users.login("owner@acme.example")
    ja = client.get(f"/pilots/{pilot_id}/report", headers={"Accept-Language": "ja"}).get_data(
        as_text=True
    )
    assert "p = <" not in ja and "p = &lt;" not in ja and "p &lt; 0.001" in ja
    # The verdict's rule names the headline effect (not Cohen's small / medium / large, which
    # could read 「中程度の効果」 beside 「小さな成功」); the rule of thumb is explained in details.
    words = ja.split('id="headline-effect-words">')[1].split("<")[0]
    assert words == "意味のある大きさの効果（事前登録した最小効果 0.2 以上）"
    details = ja.split('id="effect-details">')[1].split("</details>")[0]
    assert 'id="effect-thresholds"' in details and "0.5 を中" in details


def test_report_page_names_subscales_by_their_labels(app, client, users):
    pilot_id = _simulated(app, users)
    users.login("owner@acme.example")
    ja = client.get(f"/pilots/{pilot_id}/report", headers={"Accept-Language": "ja"}).get_data(
        as_text=True
    )
    subscales = ja.split('id="subscales"')[1].split("</section>")[0]
    assert "<td>見通し</td>" in subscales and "<td>社外とのつながり</td>" in subscales
    assert "<td>vision</td>" not in subscales and "<td>agency</td>" not in subscales


def test_comparison_report_relates_the_chart_to_the_headline(app, client, users):
    pilot_id = _simulated(app, users, comparison_n=30, effect=0.5)
    report = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.owner).json["comparison"]
    users.login("owner@acme.example")
    page = client.get(f"/pilots/{pilot_id}/report", headers={"Accept-Language": "ja"}).get_data(
        as_text=True
    )
    relation = page.split('id="comparison-relation">')[1].split("</p>")[0]
    assert f"参加者自身の変化（{report['mean_change_participant']:.2f} 点）" in relation
    assert f"= {report['difference']:.2f} 点多く変化" in relation


def test_reviewer_report_links_back_to_the_evidence_board(app, client, users):
    pilot_id = _simulated(app, users)
    users.login("reviewer@example.com")
    page = client.get(f"/pilots/{pilot_id}/report").get_data(as_text=True)
    assert '<a href="/evidence" id="back">' in page


def test_randomised_report_page_leads_with_the_ancova_and_shows_the_allocation(app, client, users):
    pilot_id = _simulated(app, users, n=40, comparison_n=40, effect=0.5, allocation="randomised")
    ancova = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.owner).json["ancova"]
    users.login("owner@acme.example")
    page = client.get(f"/pilots/{pilot_id}/report", headers={"Accept-Language": "ja"}).get_data(
        as_text=True
    )
    headline = page.split('class="headline-text">')[1].split("</p>")[0]
    assert "無作為割り付けの比較" in headline and f"{ancova['coefficient']:.2f} 点" in headline
    assert "キャリアオーナーシップは平均" not in headline  # not the paired sentence
    section = page.split('id="ancova">')[1].split("</section>")[0]
    # a difference of scores: two decimals, as every score on the page
    assert f"{ancova['coefficient']:.2f} [" in section and f"t({ancova['df']})" in section
    allocation = page.split('id="allocation">')[1].split("</section>")[0]
    assert "くじ" in allocation and "割り付けのシード" in allocation  # closed: the seed is shown


def test_wilcoxon_says_how_its_p_was_found_and_the_sign_test_is_reported(app, client, users):
    pilot_id = _simulated(app, users, n=30)
    primary = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.owner).json["primary"]
    pre, post = _pairs_from_export(client, users.owner, pilot_id)
    change = analysis.changes(pre, post, grid=12)
    wilcoxon = analysis.signed_rank(change, direction="increase")
    sign = analysis.sign_of_changes(change, direction="increase")
    assert primary["wilcoxon_nonzero"] == wilcoxon.n_nonzero == int((change != 0).sum())
    assert primary["wilcoxon_zeros"] == int((change == 0).sum())
    # R: exact below 50 non-zero changes without ties; these simulated changes have ties.
    assert primary["wilcoxon_method"] == ("exact" if wilcoxon.exact else "normal") == "normal"
    positive = int((change > 0).sum())
    assert (primary["sign_nonzero"], primary["sign_positive"]) == (wilcoxon.n_nonzero, positive)
    # binom.test(positive, nonzero, alternative = "greater")$p.value, as scipy computes it
    expected = stats.binomtest(positive, wilcoxon.n_nonzero, alternative="greater").pvalue
    assert primary["p_sign"] == pytest.approx(expected, rel=1e-12) and sign.p == primary["p_sign"]
    users.login("owner@acme.example")
    page = client.get(f"/pilots/{pilot_id}/report", headers={"Accept-Language": "ja"})
    text = page.get_data(as_text=True)
    assert "同順位と連続性の補正をした正規近似" in text.split('id="wilcoxon-method">')[1]
    assert f"0でない変化 {wilcoxon.n_nonzero} 件のうち {positive} 件が上昇" in text
