"""One reading of a pilot report: the headline's effect words follow the verdict's rule, p prints
the same way everywhere, a one-sided test says so, a two-sided one names no hoped-for direction,
and keys (strata, ANCOVA's d) are shown by their labels."""

import re

import pytest

from crossover.analysis import Rule
from crossover.reports.verdicts import rule_sentence, verdict_block
from tests.reports.test_report import _simulated

JA = {"Accept-Language": "ja"}
COHEN_WORDS = ("小さい効果", "中程度の効果", "大きい効果")


def _page(client, pilot_id, lang="ja") -> str:
    return client.get(f"/pilots/{pilot_id}/report", headers={"Accept-Language": lang}).get_data(
        as_text=True
    )


def _section(page: str, start: str, end: str = "</section>") -> str:
    return page.split(start)[1].split(end)[0]


def _report(client, users, pilot_id) -> dict:
    return client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.owner).json


def test_one_sided_success_reads_one_way_in_headline_rule_and_details(app, client, users):
    pilot_id = _simulated(app, users, n=60, effect=0.9)
    report = _report(client, users, pilot_id)
    assert report["verdict"]["value"] == "small_success" and report["primary"]["p_primary"] < 1e-3
    users.login("owner@acme.example")
    page = _page(client, pilot_id)
    headline = _section(page, 'id="verdict"')
    assert "小さな成功" in headline and not any(w in headline for w in COHEN_WORDS)
    test = _section(page, 'id="headline-test">', "</dd>")
    assert "対応のあるt検定: p &lt; 0.001" in test and "片側検定：上昇だけを検定" in test
    effect = _section(page, 'id="headline-effect">', "</dd>")
    assert f"dz = {report['primary']['dz']:.3f}" in effect
    # the rule prints p as the headline does: never "p 0.000624" beside "p < 0.001"
    rule = _section(page, 'id="verdict-rule">', "</p>")
    assert "p &lt; 0.001（有意水準 α 0.05 未満）" in rule and "事前登録した方向（上昇）で" in rule
    assert not re.search(r"p 0\.\d", rule)
    # every other effect size sits in details, each with its line of explanation
    details = _section(page, 'id="effect-details">', "</details>")
    for name in ("Hedges の gz", "順位双列相関 r", "ウィルコクソンの V", "シャピロ・ウィルク検定"):
        assert name in details
    assert details.count("<dd>") == 5
    assert "Holm法" in _section(page, 'id="subscales"')
    # p is one-sided, intervals two-sided: said beside the tables that show both
    assert "p（片側）" in _section(page, 'id="followups"') and 'id="followup-sided-note"' in page
    # scores with two decimals, effects with three
    primary = _section(page, 'id="primary"')
    c = report["primary"]
    assert f"{c['mean_change']:.2f} [{c['ci_low']:.2f}, {c['ci_high']:.2f}]" in primary


def test_two_sided_preregistration_never_speaks_of_an_expected_direction(app, client, users):
    pilot_id = _simulated(app, users, n=60, effect=-0.9, direction="two-sided")
    report = _report(client, users, pilot_id)
    verdict = report["verdict"]
    assert verdict["value"] == "adverse" and verdict["rule"]["key"] == "significant_wrong_way"
    assert "低下の方向で p < 0.001" in verdict["rule"]["label_ja"]
    assert "with a fall" in verdict["rule"]["label_en"]
    users.login("owner@acme.example")
    for lang in ("ja", "en"):
        page = _page(client, pilot_id, lang)
        for phrase in ("期待", "事前登録した方向", "事前登録と逆", "hoped", "preregistered dir"):
            assert phrase not in page, (lang, phrase)
        assert "片側" not in page and "one-sided" not in page
    page = _page(client, pilot_id)
    assert "得点が下がる方向の効果" in _section(page, 'id="headline-effect-words">', "<")


def test_verdict_words_follow_the_rule_not_cohens_thresholds(app, client, users):
    """dz 0.56 is 'medium' by Cohen, but a promising verdict is called promising."""
    pilot_id = _simulated(app, users, n=8, effect=0.25)
    report = _report(client, users, pilot_id)
    users.login("owner@acme.example")
    page = _page(client, pilot_id)
    words = _section(page, 'id="headline-effect-words">', "<")
    expected = {
        "significant_and_large": "意味のある大きさの効果（事前登録した最小効果 0.2 以上）",
        "large_not_significant": "意味のある大きさだが、偶然の範囲を超えるとは示せていない",
        "significant_but_small": "意味のある大きさ（0.2）に届かない効果",
        "neither": "意味のある大きさの効果は見られない",
    }
    assert words == expected[report["verdict"]["rule"]["key"]]
    assert not any(w in _section(page, 'id="verdict"') for w in COHEN_WORDS)


@pytest.mark.parametrize(
    "direction, rule, effect, where_ja, where_en",
    [
        ("increase", Rule.SIGNIFICANT_WRONG_WAY, -0.5, "事前登録と逆の方向（低下）", "against"),
        ("decrease", Rule.SIGNIFICANT_AND_LARGE, -0.5, "事前登録した方向（低下）", "(a fall)"),
        ("two-sided", Rule.SIGNIFICANT_AND_LARGE, 0.5, "上昇の方向で", "with a rise"),
        ("two-sided", Rule.SIGNIFICANT_WRONG_WAY, -0.5, "低下の方向で", "with a fall"),
    ],
)
def test_rule_sentences_name_the_direction_as_preregistered(
    app, direction, rule, effect, where_ja, where_en
):
    with app.test_request_context():
        block = verdict_block(
            n=30,
            k=5,
            basis="paired",
            test="paired_t",
            p=0.000624,
            effect=effect,
            effect_name="dz",
            alpha=0.05,
            min_effect=0.2,
            direction=direction,
        )
    assert block["rule"]["key"] == rule.value
    assert where_ja in block["rule"]["label_ja"] and where_en in block["rule"]["label_en"]
    assert "p < 0.001" in block["rule"]["label_en"] and "0.000624" not in block["rule"]["label_en"]
    if direction == "two-sided":
        assert "期待" not in block["rule"]["label_ja"]
        assert "hoped" not in block["rule"]["label_en"]


def test_ancova_effect_is_named_in_words_not_by_its_key(app):
    with app.test_request_context(headers=JA):
        sentence = rule_sentence(
            Rule.SIGNIFICANT_AND_LARGE,
            n=40,
            k=5,
            p=0.012,
            alpha=0.05,
            effect=0.41,
            effect_name="ancova_d",
            min_effect=0.2,
            direction="increase",
            constant_change=None,
        )
    assert "ancova_d" not in sentence and "標準化効果 d（ANCOVA） = 0.410 ≥ 0.2" in sentence
    assert "p = 0.012（有意水準 α 0.05 未満）" in sentence


def test_randomised_report_labels_strata_and_its_effect(app, client, users):
    pilot_id = _simulated(app, users, n=40, comparison_n=40, effect=0.5, allocation="randomised")
    users.login("owner@acme.example")
    page = _page(client, pilot_id)
    assert "ancova_d" not in page
    allocation = _section(page, 'id="allocation">')
    assert "age_band=" not in allocation and "career_phase=" not in allocation
    assert re.search(r"<td>\d\d〜\d\d歳 × ", allocation) or "65歳以上 × " in allocation
    effect = _section(page, 'id="headline-effect">', "</dd>")
    assert "標準化効果 d（ANCOVA） = " in effect
    test = _section(page, 'id="headline-test">', "</dd>")
    assert test.startswith("共分散分析") and "片側検定" in test


def test_evidence_board_filter_names_formats_by_their_labels(client, users):
    users.login("reviewer@example.com")
    page = client.get("/evidence", headers=JA).get_data(as_text=True)
    select = _section(page, '<select id="format"', "</select>")
    assert ">社外メンタリング</option>" in select
    assert ">越境キャリア・インタビュー</option>" in select
    assert ">mentoring<" not in select and ">career_interview<" not in select
