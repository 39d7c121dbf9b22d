"""ANCOVA of a randomised pilot against R 4.2.2 (script /tmp/ancova.R, data in datasets.py):

fit <- lm(post ~ pre + arm); summary(fit)$coefficients["arm", ]; fit$df.residual
confint(fit)["arm", ]                                   -> two-sided 95% CI
pt(t, df, lower.tail = FALSE); pt(t, df)                -> p for "increase" / "decrease"
b + c(-1, 1) * qt(0.95, df) * se                        -> confint(fit, level = 0.9)["arm", ]
b - qt(0.9, df) * se; b + qt(0.9, df) * se              -> one-sided 90% bounds
s <- sqrt(((n1 - 1) * var(pre[arm == 1]) + (n0 - 1) * var(pre[arm == 0])) / (n - 2)); d <- b / s
v <- se^2 / s^2 + d^2 / (2 * (n - 2))
"""

import pytest

from crossover.analysis import ancova
from tests.analysis.datasets import ANCOVA_ARM, ANCOVA_POST, ANCOVA_PRE


def approx(value):
    return pytest.approx(value, rel=1e-6, abs=1e-12)


# summary(lm(post ~ pre + arm))$coefficients["arm", ]: Estimate, Std. Error, t value, Pr(>|t|)
ESTIMATE, SE, T, P_TWO = 0.312917744351767, 0.135951242623299, 2.30169094679639, 0.0311969356640418
DF = 22  # fit$df.residual


def test_ancova_matches_summary_lm_and_confint():
    result = ancova(ANCOVA_PRE, ANCOVA_POST, ANCOVA_ARM)
    assert (result.n_participant, result.n_comparison, result.df) == (14, 11, DF)
    assert (result.coefficient, result.se, result.t, result.p) == (
        approx(ESTIMATE),
        approx(SE),
        approx(T),
        approx(P_TWO),
    )
    # confint(fit)["arm", ]
    assert result.ci_low == approx(0.0309721237272216)
    assert result.ci_high == approx(0.594863364976313)
    # s = 0.711059318756275, d = b / s, v = se^2 / s^2 + d^2 / (2 * (n - 2))
    assert result.standardized == approx(0.440072629804074)
    assert result.variance == approx(0.0407657509955445)


@pytest.mark.parametrize(
    "direction, p, low, high",
    [
        # pt(t, df, lower.tail = FALSE); bound b - qt(0.9, df) * se, upper Inf
        ("increase", 0.0155984678320209, 0.133293967529872, None),
        # pt(t, df); lower -Inf, bound b + qt(0.9, df) * se
        ("decrease", 0.984401532167979, None, 0.492541521173663),
        # Pr(>|t|); confint(fit, level = 0.9)["arm", ]
        ("two-sided", 0.0311969356640418, 0.0794698328911659, 0.546365655812369),
    ],
)
def test_ancova_in_the_preregistered_direction(direction, p, low, high):
    result = ancova(ANCOVA_PRE, ANCOVA_POST, ANCOVA_ARM, direction=direction, alpha=0.1)
    assert result.p == approx(p)
    assert result.ci_test_low == (None if low is None else approx(low))
    assert result.ci_test_high == (None if high is None else approx(high))


def test_ancova_refuses_what_it_cannot_fit():
    with pytest.raises(ValueError):
        ancova([1, 2, 3], [1, 2, 3], [1, 1, 0])  # one comparison pair
    with pytest.raises(ValueError):
        ancova([1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 0, 0])
    flat = ancova([2, 2, 2, 2], [1, 2, 3, 4], [1, 1, 0, 0])
    assert flat.coefficient is None and flat.note
