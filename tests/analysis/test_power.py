"""Power planner against R's power.t.test(type = "paired") (R 4.2.2, strict = FALSE)."""

import sys

import pytest

from crossover.analysis import paired_n_for_power, paired_power

# power.t.test(delta = dz, sd = 1, sig.level = alpha, power = 0.8, type = "paired",
#              alternative = ALT, tol = 1e-12)$n
N_FOR_POWER = [
    (0.5, 0.05, "increase", 26.1375038059687),  # alternative = "one.sided"
    (0.2, 0.05, "two-sided", 198.151301266653),  # alternative = "two.sided"
    (0.3, 0.01, "decrease", 114.233177075119),  # "one.sided"
    (0.8, 0.10, "two-sided", 11.1442396810133),
    (1.5, 0.05, "two-sided", 5.68614430642518),
]
# power.t.test(n = n, delta = dz, sd = 1, sig.level = alpha, type = "paired",
#              alternative = ALT)$power
POWER_OF_N = [
    (20, 0.5, 0.05, "increase", 0.695149338244658),
    (30, 0.2, 0.05, "two-sided", 0.183920637047553),
    (8, 0.3, 0.01, "increase", 0.0518878947905673),
    (100, 0.35, 0.05, "two-sided", 0.933951701086552),
    (2, 0.5, 0.05, "two-sided", 0.0530958569910137),
]


@pytest.mark.parametrize("dz, alpha, direction, r_n", N_FOR_POWER)
def test_pairs_needed_match_r(dz, alpha, direction, r_n):
    result = paired_n_for_power(dz, alpha, 0.8, direction)
    assert result.n == pytest.approx(r_n, rel=1e-6)
    assert result.pairs_needed == int(r_n) + 1
    assert result.power == pytest.approx(0.8, abs=1e-9)


@pytest.mark.parametrize("n, dz, alpha, direction, r_power", POWER_OF_N)
def test_power_matches_r(n, dz, alpha, direction, r_power):
    assert paired_power(n, dz, alpha, direction).power == pytest.approx(r_power, rel=1e-6)


def test_sign_of_dz_does_not_matter():
    assert (
        paired_power(20, -0.5, 0.05, "decrease").power
        == paired_power(20, 0.5, 0.05, "increase").power
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(dz=0),
        dict(dz=float("nan")),
        dict(dz=0.5, alpha=1.2),
        dict(dz=0.5, direction="up"),
        dict(dz=0.5, power=1.0),
    ],
)
def test_bad_input_raises_value_error(kwargs):
    with pytest.raises(ValueError):
        paired_n_for_power(**kwargs)


def test_huge_effects_need_two_pairs():
    assert paired_n_for_power(20, 0.05, 0.8, "increase").pairs_needed == 2


def test_analysis_package_imports_no_web_or_database_code():
    import subprocess

    code = (
        "import sys, crossover.analysis; "
        "bad = [m for m in ('flask', 'sqlalchemy', 'crossover.extensions') if m in sys.modules]; "
        "assert not bad, bad"
    )
    # A fresh interpreter: the test session itself has Flask loaded already.
    subprocess.run([sys.executable, "-c", code], check=True)
