"""The company survey's third-edition figures through the API, pinned to R on tests/company's
data: the trend's Welch g with its interval, the panel's dz/gz intervals, and the item
correlations adjusted by Holm so that "what to work on" lists only what survives it."""

import pytest

TOL = 1e-6


def test_trend_gives_every_effect_its_interval(client, users, company):
    trend = client.get(f"/api/v1/company-surveys/{company['survey']}/trend", headers=users.owner)
    change = trend.json["changes"][0]
    welch = change["welch"]
    # library(metafor); e <- escalc("SMD", m1i = 3.235119047619048, sd1i = 0.6101426552651926,
    #   n1i = 112, m2i = 3.264563106796117, sd2i = 0.5765746630848307, n2i = 103)
    # e$yi + c(0, -1, 1) * qnorm(0.975) * sqrt(e$vi)
    assert welch["g"] == pytest.approx(-0.0493690394649079, abs=TOL)
    assert welch["g_ci_low"] == pytest.approx(-0.316981128353372, abs=TOL)
    assert welch["g_ci_high"] == pytest.approx(0.218243049423556, abs=TOL)
    panel = change["panel"]
    # t <- -0.47365826043132736; df <- 79; n <- 80 (the panel's paired t)
    # uniroot(function(ncp) pt(t, df, ncp) - 0.975, c(-50, 50), tol = 1e-13)$root / sqrt(n)
    # uniroot(function(ncp) pt(t, df, ncp) - 0.025, c(-50, 50), tol = 1e-13)$root / sqrt(n)
    assert panel["dz_ci_low"] == pytest.approx(-0.27207517653347, abs=TOL)
    assert panel["dz_ci_high"] == pytest.approx(0.166496147845795, abs=TOL)
    j = 1 - 3 / (4 * 79 - 1)
    assert panel["gz"] == pytest.approx(panel["dz"] * j, abs=1e-12)
    assert panel["gz_ci_low"] == pytest.approx(panel["dz_ci_low"] * j, abs=1e-12)


def test_what_to_work_on_lists_only_items_that_survive_holm(client, users, company):
    results = client.get(f"/api/v1/rounds/{company['first']}/results", headers=users.owner).json
    items = {item["key"]: item for item in results["engagement"]["items"]}
    # p <- the 12 items' cor.test(engagement group value, item)$p.value (pinned in test_results);
    # p.adjust(p, "holm")
    expected = {
        "vision_2": 3.6927033635879e-14,
        "learning_1": 3.6927033635879e-14,
        "vision_1": 2.55730087827179e-12,
        "connection_2": 2.55730087827179e-12,
        "learning_2": 5.7726934891043e-06,
        "agency_1": 1.04414453340567e-05,
        "agency_2": 3.61324476466503e-05,
        "connection_1": 3.61324476466503e-05,
        "vision_3": 0.0740295800396481,
        "learning_3": 0.0740295800396481,
        "agency_3": 0.000517604373561992,
        "connection_3": 0.000378099460606257,
    }
    for key, p_holm in expected.items():
        assert items[key]["p_holm"] == pytest.approx(p_holm, rel=TOL), key
        assert items[key]["work_on"] is (p_holm < 0.05), key
    # learning_3 has p 0.037 before the adjustment: on its own it would have been listed
    assert items["learning_3"]["p_pearson"] < 0.05 and not items["learning_3"]["work_on"]
    assert items["vision_3"]["reverse"] and not items["vision_1"]["reverse"]

    users.login("owner@acme.example")
    page = client.get(
        f"/company/rounds/{company['first']}/results", headers={"Accept-Language": "ja"}
    ).get_data(as_text=True)
    start = page.index('id="items-list"')
    listed = page[start : page.index("</ol>", start)]
    assert listed.count("<li>") == 10 and "Holm 補正後" in listed and "逆転項目" in listed
    assert "Holm 法" in page
