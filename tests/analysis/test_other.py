"""Welch, Spearman, p.adjust, Cronbach's alpha, DerSimonian–Laird, ranks and the verdict.

R 4.2.2 / metafor 3.8-1 / psych, script /tmp/ref/other.R (x = changes of "small", y = of
"twelfths").
"""

import pytest

from crossover.analysis import (
    Rule,
    Verdict,
    benjamini_hochberg,
    competition_ranks,
    cronbach_alpha,
    dersimonian_laird,
    gz_variance,
    holm,
    judge,
    normal_interval,
    smd_variance,
    spearman,
    verdict,
    welch,
)
from tests.analysis.datasets import DATASETS


def approx(value):
    return pytest.approx(value, rel=1e-6, abs=1e-12)


def _changes(name):
    pre, post = DATASETS[name]
    return [b - a for a, b in zip(pre, post, strict=True)]


X, Y = _changes("small"), _changes("twelfths")


def test_welch_matches_r():
    # t.test(x, y): t, df, p, conf.int
    result = welch(X, Y)
    assert result.t == approx(1.86255685291068) and result.df == approx(11.0787018615592)
    assert result.p == approx(0.089236590028182)
    assert (result.ci_low, result.ci_high) == (
        approx(-0.0448180656141805),
        approx(0.540929176725292),
    )
    # t.test(x, y, alternative = "greater")$p.value
    assert welch(X, Y, direction="increase").p == approx(0.044618295014091)
    # metafor::escalc("SMD", m1i, sd1i, n1i, m2i, sd2i, n2i)$yi  (Hedges' g)
    assert result.hedges_g == approx(0.824905372932388)


def test_welch_without_spread_is_clear():
    result = welch([1, 1, 1], [1, 1])
    assert result.t is None and result.p is None and result.note
    with pytest.raises(ValueError):
        welch([1], [1, 2])


def test_spearman_matches_r():
    sessions = [3, 1, 0, 4, 2, 2, 5, 0, 3, 1]
    minutes = [180, 60, 0, 240, 90, 120, 300, 0, 150, 45]
    # cor.test(x, sessions, method = "spearman", exact = FALSE)
    assert (spearman(X, sessions).rho, spearman(X, sessions).p) == (
        approx(0.920314678709773),
        approx(0.000160083225681468),
    )
    # cor.test(x, minutes, method = "spearman", exact = FALSE)
    assert (spearman(X, minutes).rho, spearman(X, minutes).p) == (
        approx(0.887542093772894),
        approx(0.000609665957324321),
    )
    assert spearman(X, [2] * 10).rho is None and spearman([1, 2], [3, 4]).rho is None


def test_p_adjust_matches_r():
    p = [0.01, 0.04, 0.03, None, 0.2, 0.04, 0.5]
    # p.adjust(c(0.01, 0.04, 0.03, NA, 0.2, 0.04, 0.5), "holm")
    assert holm(p) == [
        approx(0.06),
        approx(0.16),
        approx(0.15),
        None,
        approx(0.4),
        approx(0.16),
        approx(0.5),
    ]
    # p.adjust(..., "BH")
    assert benjamini_hochberg(p) == [
        approx(0.06),
        approx(0.06),
        approx(0.06),
        None,
        approx(0.24),
        approx(0.06),
        approx(0.5),
    ]
    assert holm([]) == [] and benjamini_hochberg([None]) == [None]
    with pytest.raises(ValueError):
        holm([1.5])


def test_cronbach_alpha_matches_r():
    items = [
        [4, 5, 4, 3],
        [3, 3, 4, 2],
        [5, 5, 4, 4],
        [2, 3, 2, 2],
        [4, 4, 5, 3],
        [3, 2, 3, 3],
        [5, 4, 5, 5],
        [1, 2, 2, 1],
    ]
    # psych::alpha(items)$total$raw_alpha
    assert cronbach_alpha(items) == approx(0.930966469428008)
    assert cronbach_alpha([[3, 3], [3, 3]]) is None and cronbach_alpha([[1, 2, 3]]) is None


GZ = [0.42, 0.15, 0.61, -0.05, 0.33]
N = [24, 40, 18, 30, 52]


def test_dersimonian_laird_matches_metafor():
    vi = [gz_variance(g, n) for g, n in zip(GZ, N, strict=True)]
    # rma(gz, vi = 1/n + gz^2/(2n), method = "DL")
    result = dersimonian_laird(GZ, vi)
    assert result.estimate == approx(0.25899735773204) and result.se == approx(0.100526168960291)
    assert (result.ci_low, result.ci_high) == (
        approx(0.0619696870660812),
        approx(0.456025028397999),
    )
    assert result.tau2 == approx(0.016749220953738) and result.i2 == approx(33.4636220386657)
    assert result.q == approx(6.01174894480203) and result.p == approx(0.00998300920138971)
    # rma(gz[1:3], vi[1:3], method = "DL")
    three = dersimonian_laird(GZ[:3], vi[:3])
    assert (three.estimate, three.tau2, three.i2) == (
        approx(0.337588160961813),
        approx(0.0135917380113032),
        approx(24.237957390701),
    )
    assert (three.ci_low, three.ci_high) == (approx(0.0739633621847404), approx(0.601212959738886))


def test_dersimonian_laird_homogeneous_and_single():
    homog, n = [0.30, 0.31, 0.29], [30, 35, 40]
    # rma(c(.30, .31, .29), vi, method = "DL"): tau2 = 0, I2 = 0
    result = dersimonian_laird(homog, [gz_variance(g, m) for g, m in zip(homog, n, strict=True)])
    assert result.tau2 == 0 and result.i2 == 0 and result.estimate == approx(0.299503378202287)
    assert result.se == approx(0.0997562137601497)
    single = dersimonian_laird([0.4], [0.05])
    assert single.estimate == 0.4 and single.tau2 == 0 and single.k == 1
    assert dersimonian_laird([], []).estimate is None


def test_competition_ranks_match_r():
    # rank(-c(0.52, 0.31, 0.31, 0.12, 0.52, 0.05), ties.method = "min")
    assert competition_ranks([0.52, 0.31, 0.31, 0.12, 0.52, 0.05]) == [1, 3, 3, 5, 1, 6]


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        (dict(n=4, p=0.001, effect=1.0), Verdict.INSUFFICIENT_DATA),
        (dict(n=30, p=0.01, effect=0.5), Verdict.SMALL_SUCCESS),
        (
            dict(n=30, p=0.01, effect=0.1),
            Verdict.NO_EVIDENCE,
        ),  # significant but below the smallest effect
        (dict(n=30, p=0.20, effect=0.5), Verdict.PROMISING),
        (dict(n=30, p=0.20, effect=0.1), Verdict.NO_EVIDENCE),
        (dict(n=30, p=0.01, effect=-0.5, direction="two-sided"), Verdict.ADVERSE),
        (dict(n=30, p=0.01, effect=-0.5, direction="decrease"), Verdict.SMALL_SUCCESS),
        (dict(n=30, p=0.01, effect=0.5, direction="decrease"), Verdict.ADVERSE),
        (dict(n=30, p=None, effect=None), Verdict.NO_EVIDENCE),
    ],
)
def test_verdict_rules(kwargs, expected):
    arguments = dict(k=5, alpha=0.05, min_effect=0.2, direction="increase") | kwargs
    assert verdict(**arguments) is expected


def test_welch_test_interval_matches_r():
    # t.test(x, y, alternative = ALT, conf.level = 0.9)$conf.int (±Inf bounds are None)
    assert (
        welch(X, Y, direction="increase", alpha=0.1).ci_test_low,
        welch(X, Y, direction="increase", alpha=0.1).ci_test_high,
    ) == (approx(0.0665560076112545), None)
    less = welch(X, Y, direction="decrease", alpha=0.1)
    assert (less.ci_test_low, less.ci_test_high, less.ci_test_sided) == (
        None,
        approx(0.429555103499856),
        "less",
    )
    two = welch(X, Y, alpha=0.1)
    assert (two.ci_test_low, two.ci_test_high) == (
        approx(0.00903477624952706),
        approx(0.487076334861584),
    )


def test_between_arm_g_variance_matches_metafor():
    # e <- escalc("SMD", m1i = mean(x), sd1i = sd(x), n1i = 10,
    #             m2i = mean(y), sd2i = sd(y), n2i = 12,
    #             vtype = "LS"); e$yi = 0.824905372932388, e$vi = 0.198798535021804
    g = welch(X, Y).hedges_g
    assert smd_variance(g, len(X), len(Y)) == approx(0.198798535021804)
    # qnorm(0.975) = 1.95996398454005
    low, high = normal_interval(g, 0.198798535021804)
    assert (high - g) / 0.198798535021804**0.5 == approx(1.95996398454005) and g - low == approx(
        high - g
    )


@pytest.mark.parametrize(
    "kwargs, rule, expected",
    [
        (dict(n=4, p=0.001, effect=1.0), Rule.TOO_FEW_PAIRS, Verdict.INSUFFICIENT_DATA),
        (dict(n=9, p=0.01, effect=0.5), Rule.SIGNIFICANT_AND_LARGE, Verdict.SMALL_SUCCESS),
        (dict(n=9, p=0.01, effect=0.1), Rule.SIGNIFICANT_BUT_SMALL, Verdict.NO_EVIDENCE),
        (dict(n=9, p=0.01, effect=-0.5), Rule.SIGNIFICANT_WRONG_WAY, Verdict.ADVERSE),
        (dict(n=9, p=0.2, effect=0.5), Rule.LARGE_NOT_SIGNIFICANT, Verdict.PROMISING),
        (dict(n=9, p=0.2, effect=0.1), Rule.NEITHER, Verdict.NO_EVIDENCE),
        (dict(n=9, p=None, effect=None), Rule.NO_EFFECT_SIZE, Verdict.NO_EVIDENCE),
        # every change the same: no dz, the effect condition counts as met in the change's direction
        (
            dict(n=9, p=None, effect=None, constant_change=1 / 12),
            Rule.LARGE_NOT_SIGNIFICANT,
            Verdict.PROMISING,
        ),
        (
            dict(n=9, p=0.01, effect=None, constant_change=1 / 12),
            Rule.SIGNIFICANT_AND_LARGE,
            Verdict.SMALL_SUCCESS,
        ),
        (
            dict(n=9, p=0.01, effect=None, constant_change=-1 / 12),
            Rule.SIGNIFICANT_WRONG_WAY,
            Verdict.ADVERSE,
        ),
    ],
)
def test_judge_names_the_branch(kwargs, rule, expected):
    judgement = judge(k=5, alpha=0.05, min_effect=0.2, direction="increase", **kwargs)
    assert (judgement.rule, judgement.verdict) == (rule, expected)
