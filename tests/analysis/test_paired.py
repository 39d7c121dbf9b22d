"""Paired t, Wilcoxon, sign test, effect sizes and Shapiro–Wilk against R 4.2.2.

Reference values: /tmp/ref/paired.R reads the CSVs written by tests/analysis/datasets.py and prints
  t.test(post, pre, paired = TRUE, alternative = ALT)            -> t, df, p_t
  t.test(post, pre, paired = TRUE)$conf.int                       -> ci
  wilcox.test(post, pre, paired = TRUE, digits.rank = 7, alternative = ALT) -> V, p_w
  shapiro.test(post - pre); binom.test(sum(d > 0), sum(d != 0), alternative = ALT)
  dz = mean(d) / sd(d); gz = dz * (1 - 3 / (4 * (n - 1) - 1))
  rb: r <- rank(abs(signif(d[d != 0], 7))); (sum(r[d > 0]) - sum(r[d < 0])) / sum(r)
"""

import numpy as np
import pytest

from crossover.analysis import (
    change_effects,
    changes,
    one_sample_t,
    paired_effects,
    paired_t,
    shapiro_wilk,
    sign_test,
    signed_rank,
    wilcoxon_signed_rank,
)
from tests.analysis.datasets import CONSTANT_POST, CONSTANT_PRE, DATASETS


def approx(value):
    return pytest.approx(value, rel=1e-6, abs=1e-12)


# name: {direction: (t, df, p_t, V, p_w)}, mean, sd, ci, shapiro (W, p), sign (greater, two),
# (dz, gz, rb), exact?
R = {
    "small": dict(
        tests={
            "increase": (3.01359602572895, 9, 0.00731516922113584, 49, 0.013671875),
            "two-sided": (3.01359602572895, 9, 0.0146303384422717, 49, 0.02734375),
            "decrease": (3.01359602572895, 9, 0.992684830778864, 49, 0.990234375),
        },
        mean=0.38,
        sd=0.398748040747538,
        ci=(0.0947528353089769, 0.665247164691023),
        shapiro=(0.957982992144431, 0.762651373103219),
        sign=(0.0546875, 0.109375),
        effects=(0.952982738893486, 0.871298504131187, 0.781818181818182),
        exact=True,
    ),
    "twelfths": dict(  # ties (1/12 changes differing in the last bits) and two zero changes
        tests={
            "increase": (3.07852675300601, 11, 0.00524943944744947, 50, 0.0110847539337322),
            "two-sided": (3.07852675300601, 11, 0.0104988788948989, 50, 0.0221695078674644),
            "decrease": (3.07852675300601, 11, 0.994750560552551, 50, 0.991608469474993),
        },
        mean=0.131944444444444,
        sd=0.148470031212869,
        ci=(0.0376110871347539, 0.226277801754135),
        shapiro=(0.864219422117665, 0.0552311184574064),
        sign=(0.0546875, 0.109375),
        effects=(0.888694124777743, 0.826692209095575, 0.818181818181818),
        exact=False,
    ),
    "large": dict(  # n = 60, no ties: normal approximation with continuity correction
        tests={
            "increase": (2.88142361664427, 59, 0.0027561531241743, 1266, 0.00493655711675201),
            "two-sided": (2.88142361664427, 59, 0.00551230624834859, 1266, 0.00987311423350402),
            "decrease": (2.88142361664427, 59, 0.997243846875826, 1266, 0.995167691556315),
        },
        mean=0.218333333333333,
        sd=0.586933041734938,
        ci=(0.0667124510864516, 0.369954215580215),
        shapiro=(0.953696499513737, 0.0233183389691402),
        sign=(0.0775009520016304, 0.155001904003261),
        effects=(0.3719901893544, 0.367241378426471, 0.383606557377049),
        exact=False,
    ),
    "tied": dict(  # n = 60 with ties and one zero
        tests={
            "increase": (2.94741041702544, 59, 0.00229202049655801, 1234.5, 0.00421519976058502),
            "two-sided": (2.94741041702544, 59, 0.00458404099311601, 1234.5, 0.00843039952117003),
            "decrease": (2.94741041702544, 59, 0.997707979503442, 1234.5, 0.995877591356727),
        },
        mean=0.223333333333333,
        sd=0.586933041734938,
        ci=(0.0717124510864515, 0.374954215580215),
        shapiro=(0.953696499513737, 0.0233183389691402),
        sign=(0.0587386751225293, 0.117477350245059),
        effects=(0.380509048652592, 0.375651486329368, 0.394915254237288),
        exact=False,
    ),
}
CASES = [(name, direction) for name in R for direction in ("increase", "two-sided", "decrease")]


@pytest.mark.parametrize("name, direction", CASES)
def test_paired_t_matches_r(name, direction):
    pre, post = DATASETS[name]
    t, df, p_t, _, _ = R[name]["tests"][direction]
    result = paired_t(pre, post, direction=direction)
    assert (result.t, result.df, result.p) == (approx(t), df, approx(p_t))
    assert result.mean_change == approx(R[name]["mean"]) and result.sd_change == approx(
        R[name]["sd"]
    )
    assert (result.ci_low, result.ci_high) == (approx(R[name]["ci"][0]), approx(R[name]["ci"][1]))


@pytest.mark.parametrize("name, direction", CASES)
def test_wilcoxon_matches_r(name, direction):
    pre, post = DATASETS[name]
    *_, v, p_w = R[name]["tests"][direction]
    result = wilcoxon_signed_rank(pre, post, direction=direction)
    assert result.v == v and result.p == approx(p_w) and result.exact is R[name]["exact"]


def test_wilcoxon_ties_changes_equal_in_exact_arithmetic():
    pre, post = DATASETS["twelfths"]
    result = wilcoxon_signed_rank(pre, post)
    assert result.zeros == 2 and result.n_nonzero == 10 and result.ties


@pytest.mark.parametrize("name", list(R))
def test_effects_shapiro_and_sign_test_match_r(name):
    pre, post = DATASETS[name]
    dz, gz, rb = R[name]["effects"]
    effects = paired_effects(pre, post)
    assert (effects.dz, effects.gz, effects.rank_biserial) == (approx(dz), approx(gz), approx(rb))
    change = [b - a for a, b in zip(pre, post, strict=True)]
    w, p = R[name]["shapiro"]
    result = shapiro_wilk(change)
    assert (result.w, result.p) == (approx(w), approx(p))
    greater, two = R[name]["sign"]
    assert sign_test(pre, post, direction="increase").p == approx(greater)
    assert sign_test(pre, post).p == approx(two)


def test_all_equal_changes_give_a_clear_result_not_nan():
    result = paired_t(CONSTANT_PRE, CONSTANT_POST, direction="increase")
    assert result.mean_change == 0.25 and result.sd_change == 0.0
    assert result.t is None and result.p is None and result.ci_low is None and "same" in result.note
    effects = paired_effects(CONSTANT_PRE, CONSTANT_POST)
    assert effects.dz is None and effects.gz is None and effects.rank_biserial == 1.0
    assert shapiro_wilk([0.25] * 6).w is None
    # wilcox.test(post, pre, paired = TRUE): all six changes tie -> V = 21, p = 0.0196561572501699
    wilcoxon = wilcoxon_signed_rank(CONSTANT_PRE, CONSTANT_POST)
    assert wilcoxon.v == 21 and wilcoxon.p == approx(0.0196561572501699)


def test_all_zero_changes():
    result = wilcoxon_signed_rank([1, 2, 3], [1, 2, 3])
    assert result.n_nonzero == 0 and result.p is None and result.note
    assert paired_t([1, 2, 3], [1, 2, 3]).t is None
    assert paired_effects([1, 2, 3], [1, 2, 3]).rank_biserial is None
    assert sign_test([1, 2, 3], [1, 2, 3]).p is None


def test_small_n():
    # t.test(c(2, 3.5), c(1, 2), paired = TRUE): t = 5, df = 1, p = 0.125665916378002
    result = paired_t([1, 2], [2, 3.5])
    assert result.t == approx(5) and result.df == 1 and result.p == approx(0.125665916378002)
    # wilcox.test(c(2, 3.5), c(1, 2), paired = TRUE): V = 3, p = 0.5 (exact)
    wilcoxon = wilcoxon_signed_rank([1, 2], [2, 3.5])
    assert wilcoxon.v == 3 and wilcoxon.p == approx(0.5) and wilcoxon.exact
    with pytest.raises(ValueError):
        paired_t([1], [2])
    with pytest.raises(ValueError):
        paired_t([1, 2], [1, float("nan")])
    with pytest.raises(ValueError):
        paired_t([1, 2], [1, 2, 3])


# R: ci <- t.test(post, pre, paired = TRUE, alternative = ALT, conf.level = 1 - alpha)$conf.int
# (script /tmp/ci.R built from tests/analysis/datasets.py; ±Inf bounds are None here)
R_TEST_CI = {
    ("small", "increase", 0.05): (0.148853254231089, None),
    ("small", "increase", 0.1): (0.205606711681405, None),
    ("small", "decrease", 0.05): (None, 0.611146745768911),
    ("small", "decrease", 0.1): (None, 0.554393288318595),
    ("small", "two-sided", 0.05): (0.0947528353089769, 0.665247164691023),
    ("small", "two-sided", 0.1): (0.148853254231089, 0.611146745768911),
    ("twelfths", "increase", 0.05): (0.0549735282558029, None),
    ("twelfths", "decrease", 0.1): (None, 0.190380531015488),
    ("twelfths", "two-sided", 0.1): (0.0549735282558029, 0.208915360633086),
    ("large", "increase", 0.1): (0.120126895255153, None),
    ("large", "decrease", 0.05): (None, 0.344956614235801),
    ("large", "two-sided", 0.05): (0.0667124510864516, 0.369954215580215),
    ("tied", "increase", 0.05): (0.0967100524308661, None),
    ("tied", "decrease", 0.1): (None, 0.321539771411514),
    ("tied", "two-sided", 0.1): (0.0967100524308661, 0.349956614235801),
}
SIDED = {"increase": "greater", "decrease": "less", "two-sided": "two-sided"}


@pytest.mark.parametrize("name, direction, alpha", list(R_TEST_CI))
def test_the_test_interval_matches_r(name, direction, alpha):
    pre, post = DATASETS[name]
    low, high = R_TEST_CI[(name, direction, alpha)]
    result = paired_t(pre, post, direction=direction, alpha=alpha)
    assert result.ci_test_sided == SIDED[direction]
    assert result.ci_test_low == (None if low is None else approx(low))
    assert result.ci_test_high == (None if high is None else approx(high))
    # the descriptive two-sided 95% CI stays as it was
    assert (result.ci_low, result.ci_high) == (approx(R[name]["ci"][0]), approx(R[name]["ci"][1]))
    # a p below alpha never sits beside a test interval containing 0
    if result.p < alpha:
        assert (low or 0) > 0 or (high or 0) < 0


def test_one_sample_forms_agree_with_the_paired_ones():
    pre, post = DATASETS["tied"]
    change = changes(pre, post)
    assert one_sample_t(change, direction="increase") == paired_t(pre, post, direction="increase")
    assert signed_rank(change) == wilcoxon_signed_rank(pre, post)
    assert change_effects(change) == paired_effects(pre, post)


def test_changes_on_the_grid_of_the_items():
    # Means of 12 items: +1 item point for everyone differs in the last bits as doubles.
    pre = [s / 12 for s in range(20, 26)]
    post = [(s + 1) / 12 for s in range(20, 26)]
    assert len({b - a for a, b in zip(pre, post, strict=True)}) > 1
    for grid in (12, None):
        change = changes(pre, post, grid=grid)
        assert np.ptp(change) == 0 and change[0] == pytest.approx(1 / 12, rel=1e-15)
        assert paired_t(pre, post, grid=grid).t is None
        assert paired_effects(pre, post, grid=grid).dz is None
    # the old code gave dz ≈ 3.6e14 here; R: sd(rep(1/12, 6)) = 0 and t.test stops
