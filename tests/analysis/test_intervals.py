"""Third edition: effect intervals, Hodges–Lehmann, BF10, heterogeneity, ANCOVA checks, Holm for
the company items — against R 4.2.2 (metafor 3.8-1, BayesFactor 0.9.12-4.4).

Scripts (/tmp/ref21/*.R) read the CSVs written by `python -m tests.analysis.datasets DIR`:
  hl.R     wilcox.test(post, pre, paired = TRUE, conf.int = TRUE, digits.rank = 7)
           -> $estimate, $conf.int, attr(, "conf.level")
  dz.R     MBESS is not in Debian, so conf.limits.nct's answer is found directly:
           f <- function(ncp, p) pt(t, df, ncp) - p
           uniroot(f, c(t - 5, t + 5), p = 0.975 (lower) / 0.025 (upper), tol = 1e-13,
                   extendInt = "yes")$root / sqrt(n); gz's interval is that times
           J = 1 - 3 / (4 (n - 1) - 1)
  bf.R     extractBF(ttestBF(x = post, y = pre, paired = TRUE, rscale = "medium",
                             nullInterval = NULL | c(0, Inf) | c(-Inf, 0)))$bf and $error
  edge.R   the same on the one-sample changes of datasets.EDGE_CHANGES (wilcox.test(x, …),
           ttestBF(x, …))
  meta.R   r <- rma(yi, vi, method = "DL"); r$QE, r$QEp, r$se, r$zval; predict(r)$pi.lb/pi.ub;
           escalc("SMD", …)$yi ± qnorm(0.975) * sqrt($vi)
  ancova.R lm(post ~ pre + arm): coef()["pre"], summary()$r.squared;
           anova(lm(post ~ pre * arm))["pre:arm", "Pr(>F)"]
  holm.R   p <- sapply(items, function(i) cor.test(engagement, i)$p.value); p.adjust(p, "holm")
"""

import math

import numpy as np
import pytest

from crossover.analysis import (
    ancova,
    change_intervals,
    changes,
    dersimonian_laird,
    gz_variance,
    hodges_lehmann,
    holm_select,
    jzs_bf10,
    one_sample_t,
    paired_bf10,
    paired_t,
    pearson,
    signed_rank,
    welch,
)
from crossover.analysis.bayes import reading
from crossover.analysis.intervals import noncentrality_interval, pt_noncentral, qsignrank
from crossover.analysis.roots import uniroot
from tests.analysis.datasets import (
    ANCOVA_ARM,
    ANCOVA_POST,
    ANCOVA_PRE,
    DATASETS,
    EDGE_CHANGES,
    ENGAGEMENT,
    ITEMS,
    SLOPES_ARM,
    SLOPES_POST,
    SLOPES_PRE,
)


def approx(value, rel=1e-6):
    return pytest.approx(value, rel=rel, abs=1e-12)


def maybe(value, rel=1e-6):
    return None if value is None else approx(value, rel)


def raw_changes(name):
    """post − pre as R computes it (no grid): the same doubles R's wilcox.test sees."""
    pre, post = DATASETS[name]
    return np.array(post) - np.array(pre)


# --- R's uniroot -----------------------------------------------------------------------------


def test_uniroot_takes_r_s_steps():
    # f <- function(x) x^3 - 2*x - 5; uniroot(f, c(2, 3))$root; uniroot(f, c(2, 3), tol = 1e-4)
    assert uniroot(lambda x: x**3 - 2 * x - 5, 2, 3) == 2.0945412049478809
    assert uniroot(lambda x: x**3 - 2 * x - 5, 2, 3, tol=1e-4) == 2.0945512665841388
    # uniroot(function(x) cos(x) - x, c(0, 1), tol = 1e-3)$root
    assert uniroot(lambda x: math.cos(x) - x, 0, 1, tol=1e-3) == 0.73909105828536981
    # a step: uniroot(function(x) ifelse(x < 0.3, 1, -1), c(0, 1), tol = 1e-4)$root
    assert uniroot(lambda x: 1 if x < 0.3 else -1, 0, 1, tol=1e-4) == 0.29998779296875
    with pytest.raises(ValueError):
        uniroot(lambda x: x + 5, 0, 1)


def test_qsignrank_matches_r():
    # qsignrank(c(0.025, 0.05, 0.5, 0.975), 10) = 9 11 27 46; qsignrank(0.025, 3) = 0
    assert [qsignrank(p, 10) for p in (0.025, 0.05, 0.5, 0.975)] == [9, 11, 27, 46]
    assert qsignrank(0.025, 3) == 0


# --- dz and gz intervals ----------------------------------------------------------------------

# dz.R: name -> (dz low, dz high, gz low, gz high)
R_DZ = {
    "small": (0.179244256511441, 1.69206178327525, 0.163880463096175, 1.54702791613737),
    "twelfths": (0.200381047613937, 1.54899074637785, 0.186400974524593, 1.44092162453754),
    "large": (0.108772069323999, 0.632259842390055, 0.107383489715607, 0.624188440146778),
    "tied": (0.116864877468741, 0.641145937359106, 0.115372985415949, 0.632961095605585),
}


@pytest.mark.parametrize("name", list(R_DZ))
def test_dz_and_gz_intervals_invert_the_noncentral_t(name):
    pre, post = DATASETS[name]
    result = change_intervals(changes(pre, post))
    assert (result.dz_low, result.dz_high, result.gz_low, result.gz_high) == tuple(
        approx(v) for v in R_DZ[name]
    )


def test_noncentral_t_as_r_computes_it():
    # pt(2, 5, 1.3); pt(-1, 3, 0.5); pt(45, 2, 40) (R's normal approximation beyond ncp 37.62);
    # pt(-1, 4, 41) = 0
    assert pt_noncentral(2, 5, 1.3) == approx(0.6940313101331792)
    assert pt_noncentral(-1, 3, 0.5) == approx(0.0921212098143628)
    assert pt_noncentral(45, 2, 40) == approx(0.4889306194626374)
    assert pt_noncentral(-1, 4, 41) == 0
    low, high = noncentrality_interval(3.01359602572895, 9)
    assert pt_noncentral(3.01359602572895, 9, low) == approx(0.975, 1e-12)
    assert pt_noncentral(3.01359602572895, 9, high) == approx(0.025, 1e-12)


# --- Hodges–Lehmann ---------------------------------------------------------------------------

# hl.R: name -> (estimate, ci low, ci high); all at conf.level 0.95
R_HL = {
    "small": (0.4, 0.075, 0.7),  # exact: Walsh averages
    "twelfths": (0.16667405816156, 0.0833151860465143, 0.250026871266107),  # ties and zeros
    "large": (0.215075324036379, 0.0550130371836923, 0.384963078039542),  # n = 60
    "tied": (0.229940360191128, 0.0600110368196629, 0.390028084000644),
}


@pytest.mark.parametrize("name", list(R_HL))
def test_hodges_lehmann_matches_wilcox_test_conf_int(name):
    result = hodges_lehmann(raw_changes(name))
    assert (result.estimate, result.ci_low, result.ci_high) == tuple(approx(v) for v in R_HL[name])
    assert result.conf_level == 0.95 and result.exact is (name == "small")


def test_hodges_lehmann_on_the_grid():
    # The product ranks changes put on the scale's grid. R on those exact twelfths:
    # x <- round((post - pre) * 12) / 12; wilcox.test(x, conf.int = TRUE, digits.rank = 7)
    # estimate 0.166676968050915, conf.int 0.0833022968189844 0.250018512654351. Against R on the
    # raw doubles (above) the roots move within their step by up to uniroot's tol.root = 1e-4.
    pre, post = DATASETS["twelfths"]
    result = hodges_lehmann(changes(pre, post, grid=12))
    assert result.estimate == approx(0.166676968050915)
    assert (result.ci_low, result.ci_high) == (
        approx(0.0833022968189844),
        approx(0.250018512654351),
    )
    assert result.estimate == pytest.approx(R_HL["twelfths"][0], abs=1e-4)


# --- the edges: n = 2, 3, ties, one non-zero change, all zero, all equal ----------------------

# edge.R: wilcox.test(x, conf.int = TRUE, digits.rank = 7): V, p (two-sided), estimate,
# conf.int, conf.level; p for alternative = "greater" and "less"
R_EDGE_WILCOXON = {
    "n2": (3, 0.5, 0.5, 0.25, 0.75, 0.5, 0.25, 1),
    "n3": (5, 0.5, 0.4375, -0.25, 1, 0.75, 0.25, 0.875),
    "n4": (9, 0.25, 0.5625, -0.25, 1, 0.88, 0.125, 0.9375),
    "tied5": (
        13,
        0.167546277488617,
        0.250011278093018,
        1.80127189262728e-05,
        0.5,
        0.8,
        0.0837731387443086,
        0.951155020326922,
    ),
    # zeros dropped: one change ranked, no interval (NaN) and the midrange as the estimate
    "one_nonzero": (1, 1, 0.5, None, None, None, 0.5, 0.977249868051821),
    # nothing ranked: V = 0; one-sided p = 1 (z = ∓0.5 / 0), two-sided p NaN (z = 0 / 0)
    "all_zero": (0, None, None, None, None, None, 1, 1),
    "all_equal": (
        21,
        0.0196561572501699,
        0.25,
        None,
        None,
        None,
        0.00982807862508494,
        0.994858017445792,
    ),
    "steep3": (
        6,
        0.173568166555922,
        1.03451779686442,
        1,
        1,
        0,
        0.0867840832779608,
        0.971620276806993,
    ),
    "two_values": (
        10,
        0.0889730117018133,
        1.00006485048969,
        1,
        1,
        0,
        0.0444865058509067,
        0.981182343106343,
    ),
}


@pytest.mark.parametrize("name", list(R_EDGE_WILCOXON))
def test_wilcoxon_and_hodges_lehmann_at_the_edges(name):
    v, p, estimate, low, high, level, p_greater, p_less = R_EDGE_WILCOXON[name]
    x = EDGE_CHANGES[name]
    test = signed_rank(x)
    assert test.v == v and test.p == maybe(p)
    assert signed_rank(x, direction="increase").p == approx(p_greater)
    assert signed_rank(x, direction="decrease").p == approx(p_less)
    hl = hodges_lehmann(x)
    assert (hl.estimate, hl.ci_low, hl.ci_high) == (maybe(estimate), maybe(low), maybe(high))
    assert hl.conf_level == maybe(level)


# edge.R: t.test(x)$statistic, $parameter; the dz interval as in dz.R; gz's (n > 2 only: J = 0 at
# n = 2, where gz itself is not given)
R_EDGE_T = {
    "n2": (2, 1, -0.795927953502019, 3.54396840148719, None, None),
    "n3": (
        1.14707866935281,
        2,
        -0.674310643969081,
        1.88900759383199,
        -0.385320367982332,
        1.07943291076114,
    ),
    "n4": (
        1.8516401995451,
        3,
        -0.325594300583982,
        2.08893998663576,
        -0.236795854970169,
        1.51922908118964,
    ),
    "one_nonzero": (
        1,
        4,
        -0.502709953817684,
        1.34959566844088,
        -0.402167963054147,
        1.07967653475271,
    ),
    "steep3": (37, 2, 3.35211299736809, 39.6566121362642, 1.91549314135319, 22.6609212207224),
    "two_values": (5, 3, 0.362743813425362, 4.61383036594981, 0.263813682491172, 3.35551299341804),
}


@pytest.mark.parametrize("name", list(R_EDGE_T))
def test_t_and_effect_intervals_at_the_edges(name):
    t, df, *interval = R_EDGE_T[name]
    x = EDGE_CHANGES[name]
    test = one_sample_t(x)
    assert (test.t, test.df) == (approx(t), df)
    result = change_intervals(x)
    assert (result.dz_low, result.dz_high, result.gz_low, result.gz_high) == tuple(
        maybe(v) for v in interval
    )


@pytest.mark.parametrize("name", ["all_zero", "all_equal"])
def test_no_spread_no_t_no_df_no_interval_no_bayes_factor(name):
    # t.test(x): "data are essentially constant" (all zero: t = NaN); ttestBF stops too
    x = EDGE_CHANGES[name]
    test = one_sample_t(x, direction="increase")
    assert test.t is None and test.df is None and test.p is None and test.note
    assert paired_t([1.0] * len(x), 1.0 + np.array(x)).df is None
    assert change_intervals(x).dz_low is None and change_intervals(x).gz_low is None
    assert paired_bf10(x).bf10 is None and paired_bf10(x).note


# --- BF10 -------------------------------------------------------------------------------------

# bf.R / edge.R: extractBF(...)$bf with, beside it, the $error BayesFactor reports; pinned at
# max(1e-6, that error): R integrates with integrate()'s default tolerance and says how far its
# own answer may be off. steep3 (t = 37) takes BayesFactor's Savage–Dickey approximation for the
# one-sided priors (error NA: pinned at 1e-4).
R_BF = {
    ("small", "two-sided"): (4.57710193235159, 8.52e-08),
    ("small", "increase"): (9.0437013044582, 6.53e-07),
    ("small", "decrease"): (0.11050256041606, 4.95e-05),
    ("twelfths", "two-sided"): (5.68855756125489, 3.33e-08),
    ("twelfths", "increase"): (11.2799343325092, 3.37e-06),
    ("twelfths", "decrease"): (0.0971807902238293, 2.02e-05),
    ("large", "two-sided"): (5.88298215429657, 3.80e-09),
    ("large", "increase"): (11.727420820361, 2.13e-06),
    ("large", "decrease"): (0.0385434884123947, 5.29e-06),
    ("tied", "two-sided"): (6.91568750050506, 3.15e-09),
    ("tied", "increase"): (13.7934503398198, 3.15e-06),
    ("tied", "decrease"): (0.0379246612678193, 6.49e-06),
}
R_EDGE_BF = {
    ("n2", "two-sided"): (1.0429221586764, 4.63e-04),
    ("n2", "increase"): (1.76179662822552, 2.51e-05),
    ("n2", "decrease"): (0.324047688490546, 1.13e-06),
    ("n3", "two-sided"): (0.716606085224509, 5.17e-05),
    ("n3", "increase"): (1.14417692467499, 1.58e-08),
    ("n3", "decrease"): (0.289035245759431, 1.40e-06),
    ("tied5", "two-sided"): (1.0698653309478, 1.56e-04),
    ("one_nonzero", "two-sided"): (0.576313648884445, 7.71e-05),
    ("one_nonzero", "increase"): (0.911969053290548, 5.94e-06),
    ("one_nonzero", "decrease"): (0.240658246303829, 2.51e-06),
    ("steep3", "two-sided"): (25.1378440428454, 4.04e-04),
    ("steep3", "increase"): (50.2573459861724, 1e-4),
    ("steep3", "decrease"): (0.0183420995183832, 1e-4),
    ("two_values", "two-sided"): (5.27194434750206, 2.41e-06),
    ("two_values", "decrease"): (0.195020444057866, 2.55e-04),
}


@pytest.mark.parametrize("name, direction", list(R_BF))
def test_bf10_matches_ttestbf(name, direction):
    bf, error = R_BF[(name, direction)]
    result = paired_bf10(raw_changes(name), direction=direction)
    assert result.bf10 == approx(bf, max(1e-6, error))
    assert result.null_interval == {"increase": (0, math.inf), "decrease": (-math.inf, 0)}.get(
        direction
    )


@pytest.mark.parametrize("name, direction", list(R_EDGE_BF))
def test_bf10_at_the_edges(name, direction):
    bf, error = R_EDGE_BF[(name, direction)]
    assert paired_bf10(EDGE_CHANGES[name], direction=direction).bf10 == approx(bf, max(1e-6, error))


def test_bf10_in_words():
    assert [reading(b) for b in (0.2, 1 / 3, 1, 3, 3.01, None)] == [
        "evidence_for_no_effect",
        "inconclusive",
        "inconclusive",
        "inconclusive",
        "evidence_for_effect",
        None,
    ]
    # a null result with many pairs is evidence for no effect: x <- qnorm(ppoints(200)) + 0.01;
    # extractBF(ttestBF(x)): $bf 0.0797972757140214, $error 0.00242 (R's own bound; it agrees to
    # 1e-9)
    x = [v + 0.01 for v in _ppoints_normal(200)]
    result = paired_bf10(x)
    assert result.bf10 == approx(0.0797972757140214, 2.42e-3)
    assert result.reading == "evidence_for_no_effect"
    with pytest.raises(ValueError):
        jzs_bf10(2.0, 1)


def _ppoints_normal(n):
    from scipy import stats

    a = 3 / 8 if n <= 10 else 0.5
    return list(stats.norm.ppf((np.arange(1, n + 1) - a) / (n + 1 - 2 * a)))


# --- heterogeneity and the prediction interval -------------------------------------------------

GZ = [0.42, 0.15, 0.61, -0.05, 0.33]
N = [24, 40, 18, 30, 52]
# meta.R: k -> (QE, QEp, se, zval, pi.lb, pi.ub)
R_META = {
    5: (
        6.01174894480203,
        0.198272571635269,
        0.100526168960291,
        2.57641726936144,
        -0.0621900417414532,
        0.580184757205533,
    ),
    3: (
        2.63984434832875,
        0.267156092802972,
        0.134504919915117,
        2.50985734332141,
        -0.0112816376770722,
        0.686457959600699,
    ),
    # k = 2: metafor predicts (pi -0.0149851282633381, 0.510687288757165); the board does not
    2: (1.0322428390218, 0.309632470843547, 0.129788126426028, 1.90965912731758, None, None),
}


@pytest.mark.parametrize("k", list(R_META))
def test_heterogeneity_and_prediction_interval_match_metafor(k):
    q, q_p, se, z, pi_low, pi_high = R_META[k]
    vi = [gz_variance(g, n) for g, n in zip(GZ[:k], N[:k], strict=True)]
    result = dersimonian_laird(GZ[:k], vi)
    assert (result.q, result.q_df, result.q_p) == (approx(q), k - 1, approx(q_p))
    assert (result.se, result.z) == (approx(se), approx(z))
    assert (result.pi_low, result.pi_high) == (maybe(pi_low), maybe(pi_high))


def test_homogeneous_pool_prediction_equals_confidence_and_one_pilot():
    homog, n = [0.30, 0.31, 0.29], [30, 35, 40]
    # rma(c(.30, .31, .29), vi, method = "DL"): QE 0.0071533387136189, QEp 0.996429719306053,
    # zval 3.00235310576645; tau2 = 0, so predict()'s pi equals the ci: 0.103984791998315,
    # 0.49502196440626
    result = dersimonian_laird(homog, [gz_variance(g, m) for g, m in zip(homog, n, strict=True)])
    assert (result.q, result.q_p, result.z) == (
        approx(0.0071533387136189),
        approx(0.996429719306053),
        approx(3.00235310576645),
    )
    assert (result.pi_low, result.pi_high) == (approx(0.103984791998315), approx(0.49502196440626))
    assert (result.pi_low, result.pi_high) == (approx(result.ci_low), approx(result.ci_high))
    # rma(0.4, 0.05, method = "DL"): QE 0, QEp 1, zval 1.78885438199983; no prediction at k = 1
    single = dersimonian_laird([0.4], [0.05])
    assert (single.q, single.q_df, single.q_p, single.z) == (0, 0, 1, approx(1.78885438199983))
    assert single.pi_low is None and single.pi_high is None
    empty = dersimonian_laird([], [])
    assert empty.q_df is None and empty.pi_low is None


# --- the comparison's Hedges' g, the ANCOVA's checks, Holm over the company items -------------


def test_welch_g_interval_uses_the_escalc_variance():
    # escalc("SMD", m1i = mean(x), sd1i = sd(x), n1i = 10, m2i = mean(y), sd2i = sd(y), n2i = 12):
    # yi 0.824905372932388, vi 0.198798535021804; summary(): ci.lb -0.0489804238972549,
    # ci.ub 1.69879116976203
    x, y = raw_changes("small"), raw_changes("twelfths")
    result = welch(x, y)
    assert result.hedges_g == approx(0.824905372932388)
    assert (result.hedges_g_ci_low, result.hedges_g_ci_high) == (
        approx(-0.0489804238972549),
        approx(1.69879116976203),
    )
    assert welch([1, 1, 1], [1, 1]).hedges_g_ci_low is None


def test_ancova_adds_pre_coefficient_r_squared_slopes_and_d_interval():
    result = ancova(ANCOVA_PRE, ANCOVA_POST, ANCOVA_ARM)
    # coef(fit)["pre"], summary(fit)$r.squared, anova(lm(post ~ pre * arm))["pre:arm", "Pr(>F)"]
    assert result.pre_coefficient == approx(0.731979230891529)
    assert result.r_squared == approx(0.725290709164484)
    assert result.slopes_p == approx(0.923747684727442) and result.slopes_note is None
    # d + c(-1, 1) * qnorm(0.975) * sqrt(v)
    assert (result.standardized_ci_low, result.standardized_ci_high) == (
        approx(0.0443455095001275),
        approx(0.835799750108021),
    )


def test_ancova_says_when_the_slopes_differ():
    result = ancova(SLOPES_PRE, SLOPES_POST, SLOPES_ARM)
    # anova(lm(post ~ pre * arm))["pre:arm", "Pr(>F)"] = 4.42988925019025e-09; coef(fit)["pre"]
    # = 1.24, summary(fit)$r.squared = 0.791918346163827, coef(fit)["arm"] = 0.421818181818182
    assert result.slopes_p == approx(4.42988925019025e-09) and "slope" in result.slopes_note
    assert result.pre_coefficient == approx(1.24) and result.r_squared == approx(0.791918346163827)
    assert result.coefficient == approx(0.421818181818182)


def test_ancova_slopes_need_a_residual_df():
    # n = 4: lm(post ~ pre * arm) fits exactly; anova() has 0 residual df and F = NaN: no slopes p
    result = ancova([1, 2, 1.5, 2.5], [1.5, 2, 1.25, 3], [1, 1, 0, 0])
    assert result.slopes_p is None and result.r_squared is not None


# holm.R: cor.test(engagement, item)$p.value for the 12 items and p.adjust(p, "holm")
R_ITEM_P = [
    2.05074226689106e-05,
    7.99682903682510e-04,
    1.12576888665907e-02,
    8.01404414083095e-01,
    3.66776188240115e-01,
    7.22818306814301e-01,
    3.61766829813252e-03,
    6.21591274108048e-01,
    1.82204367281819e-01,
    5.19623587245391e-01,
    4.40823357380483e-06,
    1.96042659272934e-01,
]
R_ITEM_HOLM = [
    0.000225581649358016,
    0.007996829036825101,
    0.090061510932725422,
    1,
    1,
    1,
    0.032559014683192639,
    1,
    1,
    1,
    0.000052898802885658,
    1,
]


def test_holm_over_the_twelve_item_correlations():
    p = [pearson(ENGAGEMENT, item).p for item in ITEMS]
    assert p == [approx(v) for v in R_ITEM_P]
    result = holm_select(p, alpha=0.05)
    assert result.adjusted == [approx(v) for v in R_ITEM_HOLM]
    # which(p.adjust(p, "holm") < 0.05) = 1 2 7 11; item 3 (raw p 0.011) drops out
    assert [i + 1 for i, keep in enumerate(result.selected) if keep] == [1, 2, 7, 11]
    # an item that does not vary has no p: not counted among the tests, never selected
    with_missing = holm_select([*p[:11], None])
    assert with_missing.selected[-1] is False and with_missing.adjusted[-1] is None


def test_hodges_lehmann_looks_up_w_only_where_it_cannot_differ():
    # Between Walsh averages W(d) is looked up, not ranked; everywhere it equals ranking bit for
    # bit, including points on and next to the steps (signif() ties there)
    from crossover.analysis.intervals import _StandardizedRankSum

    x = np.rint(np.random.default_rng(3).normal(0.3, 0.6, 300) * 12) / 12
    w = _StandardizedRankSum(x)
    assert w.walsh is not None
    probes = np.concatenate(
        [
            np.linspace(x.min(), x.max(), 997),
            np.array(w.walsh[::7]),
            np.array(w.walsh[::11]) + 1e-9,
            np.array(w.walsh[::13]) + 3e-6,
        ]
    )
    for d in probes:
        for correct in (True, False):
            assert w(d, correct) == w._compute(d, correct)


# --- the verdict's rule at the edges ------------------------------------------------------------

# t.test(x, alternative = "greater")$p.value: n2 0.147583617650433, n3 0.185029605825644,
# one_nonzero 0.186950483150029, steep3 0.000364830402462531; wilcox.test(x, alternative =
# "greater", digits.rank = 7)$p.value as in R_EDGE_WILCOXON; judged with k = 2 (the privacy K is
# at least 3 in the service, which withholds n = 2 as insufficient_data before any of this)
LARGE, SIGNIFICANT = "large_not_significant", "significant_and_large"
EDGE_VERDICTS = [
    # name, test, direction, p (R), verdict, rule
    ("n2", "paired_t", "increase", 0.147583617650433, "promising", LARGE),
    ("n3", "paired_t", "increase", 0.185029605825644, "promising", LARGE),
    ("n3", "wilcoxon", "increase", 0.25, "promising", LARGE),
    ("one_nonzero", "paired_t", "increase", 0.186950483150029, "promising", LARGE),
    ("one_nonzero", "wilcoxon", "increase", 0.5, "promising", LARGE),
    ("steep3", "paired_t", "increase", 0.000364830402462531, "small_success", SIGNIFICANT),
    # a fall hoped for, a steep rise found: pt(37, 2) = 0.999635169597537, one-sided, not adverse
    ("steep3", "paired_t", "decrease", 0.999635169597537, "no_evidence", "neither"),
    # no spread: no t, p or dz; the change itself meets the effect condition (DESIGN, 2nd ed.)
    ("all_equal", "paired_t", "increase", None, "promising", LARGE),
    ("all_equal", "paired_t", "decrease", None, "no_evidence", "neither"),
    ("all_equal", "wilcoxon", "increase", 0.00982807862508494, "small_success", SIGNIFICANT),
    # all zero: no effect at all, whatever the test (Wilcoxon's one-sided p is R's 1)
    ("all_zero", "paired_t", "increase", None, "no_evidence", "no_effect_size"),
    ("all_zero", "wilcoxon", "increase", 1, "no_evidence", "no_effect_size"),
]


@pytest.mark.parametrize("name, test, direction, p_r, expected, rule", EDGE_VERDICTS)
def test_the_verdict_at_the_edges(name, test, direction, p_r, expected, rule):
    from crossover.analysis import change_effects, judge

    x = np.array(EDGE_CHANGES[name], dtype=float)
    t = one_sample_t(x, direction=direction)
    p = t.p if test == "paired_t" else signed_rank(x, direction=direction).p
    assert p == maybe(p_r)
    dz = change_effects(x).dz
    constant = float(x[0]) if t.sd_change == 0 else None
    judgement = judge(
        n=x.size,
        k=2,
        p=p,
        effect=dz,
        alpha=0.05,
        min_effect=0.2,
        direction=direction,
        constant_change=constant,
    )
    assert (judgement.verdict.value, judgement.rule.value) == (expected, rule)
