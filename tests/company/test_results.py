"""Round results, trend and disclosure of a two-round company survey, pinned to R.

The data are tests/company/people.py; tests/company/reference.R computes every reference value
from the same rows (written out with `python tests/company/dump_for_r.py`); each figure below
carries the R call that gave it.
"""

import pytest

from crossover.audit import AuditEvent
from crossover.extensions import db
from tests.company.flows import disclosure_table

REL = 1e-7


def close(value, expected, rel=REL):
    assert value == pytest.approx(expected, rel=rel, abs=1e-12), (value, expected)


@pytest.fixture
def results(client, users, company):
    response = client.get(f"/api/v1/rounds/{company['first']}/results", headers=users.owner)
    assert response.status_code == 200, response.json
    return response.json


def test_participation_counts_the_roster_and_respondents(results):
    participation = results["participation"]
    assert (participation["invited"], participation["responded"]) == (120, 103)
    close(participation["rate"], 103 / 120)
    by_unit = {g["key"]: (g["invited"], g["responded"]) for g in participation["by_unit"]}
    assert by_unit == {"Ops, East": (40, 35), "R&D": (40, 34), "Sales": (40, 34)}
    by_age = {g["key"]: (g["invited"], g["responded"]) for g in participation["by_age_band"]}
    assert by_age == {"30-34": (60, 52), "45-49": (60, 51)}
    by_tenure = {g["key"]: (g["invited"], g["responded"]) for g in participation["by_tenure_band"]}
    assert by_tenure == {"3-5": (60, 52), "11-20": (60, 51)}


# a <- r1[r1$responded == 1, ]; c(mean(x), sd(x), t.test(x)$conf.int) for each scale
SCALES = {
    "total": (3.26456310679612, 0.576574663084831, 3.15187758807702, 3.37724862551521),
    "vision": (3.26860841423948, 0.931251474157345, 3.08660500316018, 3.45061182531879),
    "agency": (3.23624595469256, 0.946995096256413, 3.05116561648423, 3.42132629290088),
    "learning": (3.25242718446602, 0.887416287644192, 3.07899090449156, 3.42586346444048),
    "connection": (3.30097087378641, 0.90087655583888, 3.12490392444556, 3.47703782312726),
}


def test_total_and_subscales_match_r(results):
    scales = {"total": results["total"], **{s["key"]: s for s in results["subscales"]}}
    assert list(scales) == list(SCALES)
    for key, (mean, sd, low, high) in SCALES.items():
        scale = scales[key]
        assert scale["n"] == 103
        for name, expected in zip(
            ("mean", "sd", "ci_low", "ci_high"), (mean, sd, low, high), strict=True
        ):
            close(scale[name], expected)


def test_map_cells_and_margins_match_r(results):
    cells = {(c["age_band"], c["tenure_band"]): c for c in results["map"]["cells"]}
    assert len(cells) == 60  # every age band × tenure band, empty ones with n 0
    # mean(a$total[a$age == g & a$tenure == h])
    expected = {
        ("30-34", "3-5"): (26, 3.50961538461538),
        ("30-34", "11-20"): (26, 2.96474358974359),
        ("45-49", "3-5"): (26, 3.50641025641026),
        ("45-49", "11-20"): (25, 3.07),
    }
    for key, (n, mean) in expected.items():
        assert cells[key]["n"] == n and not cells[key]["suppressed"]
        close(cells[key]["mean"], mean)
    empty = cells[("20-24", "0-2")]
    assert (empty["n"], empty["mean"], empty["suppressed"]) == (0, None, False)
    rows = {r["age_band"]: r for r in results["map"]["rows"]}
    close(rows["30-34"]["mean"], 3.23717948717949)  # mean(a$total[a$age == "30-34"])
    close(rows["45-49"]["mean"], 3.29248366013072)
    columns = {c["tenure_band"]: c for c in results["map"]["columns"]}
    close(columns["3-5"]["mean"], 3.50801282051282)  # mean(a$total[a$tenure == "3-5"])
    close(columns["11-20"]["mean"], 3.01633986928105)


# e$engagement <- e$engagement_group (the scores coarsened into ten groups of K, see
#   tests/company/dump_for_r.py); p <- cor.test(e$engagement, y); s <- cor.test(e$engagement,
#   y, method = "spearman", exact = FALSE); c(p$estimate, p$conf.int, p$p.value, s$estimate,
#   s$p.value)
CORRELATIONS = {
    "total": (
        0.715736835017095,
        0.606175145080789,
        0.79863972970214,
        1.96187972701568e-17,
        0.632937397143946,
        7.33809679654249e-13,
    ),
    "vision": (
        0.591302988367499,
        0.449178600049053,
        0.704240236773411,
        4.82686461791229e-11,
        0.60128565353997,
        1.86881324699726e-11,
    ),
    "agency": (
        0.297002836336896,
        0.109788527859716,
        0.463865717630833,
        0.00231508071061523,
        0.238551937328097,
        0.015239626979725,
    ),
    "learning": (
        0.525211727054806,
        0.369214555202363,
        0.652423171973037,
        1.22840026251667e-08,
        0.542451104088001,
        3.24729313814117e-09,
    ),
    "connection": (
        0.39151806706166,
        0.214224879181599,
        0.543837066037178,
        4.32344288232833e-05,
        0.34196986241736,
        0.00040704383442192,
    ),
}
FIELDS = ("pearson_r", "ci_low", "ci_high", "p_pearson", "spearman_rho", "p_spearman")


def test_engagement_relation_matches_r(results):
    engagement = results["engagement"]
    assert not engagement["suppressed"] and engagement["n"] == 103
    assert engagement["coarsened"] and engagement["groups"] == 10
    scales = {"total": engagement, **{s["key"]: s for s in engagement["subscales"]}}
    for key, values in CORRELATIONS.items():
        for name, expected in zip(FIELDS, values, strict=True):
            close(scales[key][name], expected, rel=1e-6)
    # coef(lm(total ~ engagement, data = e))
    close(engagement["line"]["intercept"], 1.3629192769238)
    close(engagement["line"]["slope"], 0.335585264056609)


def test_items_are_ranked_by_pearson_r_with_ties_sharing_a_rank(results):
    items = results["engagement"]["items"]
    assert results["engagement"]["ranked_by"] == "pearson_r"
    # cor(e$engagement, e[[i]]) on recoded answers (engagement grouped), strongest first
    assert [(i["key"], i["rank"]) for i in items[:4]] == [
        ("vision_2", 1),
        ("learning_1", 1),
        ("vision_1", 3),
        ("connection_2", 3),
    ]
    by_key = {i["key"]: i for i in items}
    close(by_key["vision_2"]["pearson_r"], 0.679311870785995)
    close(by_key["vision_2"]["p_pearson"], 3.0772528029899e-15, rel=1e-6)
    close(by_key["agency_3"]["pearson_r"], -0.361896004624197)
    close(by_key["learning_2"]["pearson_r"], 0.465575277299501)
    assert items[-1]["key"] == "connection_3"  # -0.375126756741464, the weakest


def test_trend_matches_r(client, users, company):
    response = client.get(f"/api/v1/company-surveys/{company['survey']}/trend", headers=users.owner)
    assert response.status_code == 200, response.json
    trend = response.json
    first, second = trend["rounds"]
    assert (first["label"], first["n"], second["label"], second["n"]) == ("2025", 103, "2026", 112)
    close(first["mean"], 3.26456310679612)
    close(first["ci_low"], 3.15187758807702)
    close(second["mean"], 3.23511904761905)  # mean(b$total); t.test(b$total)$conf.int
    close(second["ci_low"], 3.12087565693351)
    close(second["ci_high"], 3.34936243830459)
    (change,) = trend["changes"]
    assert (change["from"], change["to"], change["break"]) == ("2025", "2026", False)
    close(change["difference"], -0.0294440591770693)
    # w <- t.test(b$total, a$total); g = d / pooled SD × exp(lgamma(df/2) − log(sqrt(df/2)) −
    # lgamma((df − 1)/2)), df = n1 + n2 − 2
    welch = change["welch"]
    close(welch["t"], -0.363772240296088)
    close(welch["df"], 212.83814789635)
    close(welch["p"], 0.71638918152109)
    close(welch["ci_low"], -0.188992567394784)
    close(welch["ci_high"], 0.130104449040645)
    close(welch["g"], -0.0493690394649079)
    # m <- merge(a, b, by = "ref"); t.test(m$total.y, m$total.x, paired = TRUE); mean(d)/sd(d)
    panel = change["panel"]
    assert (panel["n"], panel["df"]) == (80, 79)
    close(panel["mean_change"], -0.0166666666666667)
    close(panel["sd_change"], 0.314723105143859)
    close(panel["t"], -0.473658260431328)
    close(panel["p"], 0.637049993371484)
    close(panel["ci_low"], -0.0867048628553972)
    close(panel["ci_high"], 0.0533715295220638)
    close(panel["dz"], -0.0529566034214374)


def _rows(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    _definitions, header, rows = disclosure_table(body.decode("utf-8-sig"))
    return [header, *rows]


def test_disclosure_csv_has_one_row_per_round_up_to_this_one(app, client, users, company):
    response = client.get(
        f"/api/v1/rounds/{company['second']}/disclosure.csv",
        headers={**users.owner, "Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/csv"
    header, first, second = _rows(response.data)
    assert header[:3] == ["Round", "Opens on", "Closes on"]
    assert header[-2:] == ["Favourable (%)", "Correlation with engagement (r)"]
    assert first[:6] == ["2025", "2025-04-01", "2025-04-30", "120", "103", "85.8"]
    # mean, sd, t.test(x)$conf.int, 100 * mean(a$total >= 4), cor(e$engagement, e$total)
    assert first[6:] == ["3.26", "0.58", "3.15", "3.38", "16.5", "0.72"]
    # mean(b$total >= 4) = 0.160714285714286; cor(e2$engagement, e2$total) = 0.608422112469531
    assert second[:6] == ["2026", "2026-04-01", "2026-04-30", "120", "112", "93.3"]
    assert second[10:] == ["16.1", "0.61"]
    with app.app_context():
        events = db.session.query(AuditEvent).filter_by(action="round.disclosure_export").all()
        assert [e.target_id for e in events] == [company["second"]]
    only_first = client.get(
        f"/api/v1/rounds/{company['first']}/disclosure.csv",
        headers={**users.owner, "Accept-Language": "ja"},
    )
    header, *rows = _rows(only_first.data)
    assert header[0] == "回" and len(rows) == 1


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/rounds/{first}/results",
        "/api/v1/company-surveys/{survey}/trend",
        "/api/v1/rounds/{first}/disclosure.csv",
    ],
)
def test_only_the_company_s_own_owners_read_its_figures(client, users, company, path):
    url = path.format(**company)
    assert client.get(url, headers=users.owner).status_code == 200
    assert client.get(url, headers=users.reviewer).status_code == 403
    assert client.get(url, headers=users.admin).status_code == 403
    assert client.get(url, headers=users.owner2).status_code == 404
    assert client.get(url).status_code == 401
    missing = path.format(first=999999, survey=999999)
    assert client.get(missing, headers=users.owner).status_code == 404
