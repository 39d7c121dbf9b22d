"""Pearson's r with the Fisher-z interval, as R's cor.test (R 4.2.2, script in each comment)."""

import pytest

from crossover.analysis import pearson

# Company-survey shape: total scores against engagement scores of twelve people.
X = [3.25, 4.0, 2.5, 3.75, 4.5, 3.0, 2.75, 4.25, 3.5, 3.0, 4.75, 2.25]
Y = [3.1, 4.2, 2.9, 3.3, 4.6, 3.4, 2.2, 3.9, 3.8, 2.7, 4.4, 2.6]


def approx(value):
    return pytest.approx(value, rel=1e-6, abs=1e-12)


def test_pearson_matches_cor_test():
    # r <- cor.test(x, y); c(r$estimate, r$statistic, r$parameter, r$p.value, r$conf.int)
    result = pearson(X, Y)
    assert result.r == approx(8.95211761420335e-01) and result.t == approx(6.35244096650402)
    assert result.df == 10 and result.p == approx(8.32559818105421e-05)
    assert result.ci_low == approx(6.60810386520891e-01)
    assert result.ci_high == approx(9.70503913140813e-01)


def test_one_sided_and_other_levels_match_cor_test():
    # g <- cor.test(x, y, alternative = "greater"); c(g$p.value, g$conf.int)
    greater = pearson(X, Y, direction="increase")
    assert greater.p == approx(4.16279909052711e-05)
    assert (greater.ci_low, greater.ci_high) == (approx(7.15950821953143e-01), 1.0)
    # cor.test(x, y, conf.level = 0.9)$conf.int
    ninety = pearson(X, Y, conf_level=0.9)
    assert (ninety.ci_low, ninety.ci_high) == (approx(0.715950821953143), approx(0.963733680464430))
    # cor.test(1:6, c(2, 1, 4, 3, 6, 5)): r, p, conf.int
    small = pearson([1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 6, 5])
    assert small.r == approx(0.8285714285714285) and small.p == approx(0.0415626822157434)
    assert (small.ci_low, small.ci_high) == (approx(0.0519293188472776), approx(0.9806845993491808))


def test_pearson_says_why_it_has_no_answer():
    assert pearson([1, 2], [3, 4]).note == "At least 3 pairs are needed."
    flat = pearson([3, 3, 3, 3], [1, 2, 3, 4])
    assert flat.r is None and flat.note == "One of the variables does not vary."
    perfect = pearson([1, 2, 3, 4], [2, 4, 6, 8])
    assert perfect.r == 1.0 and perfect.p == 0.0 and perfect.ci_low is None
