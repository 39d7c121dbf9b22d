"""Power planner against R's power.t.test(type = "paired") (R 4.2.2, strict = FALSE), and
(type = "two.sample") on the ANCOVA-adjusted SD sqrt(1 - rho^2) for randomised two-arm pilots."""

import math
import sys

import pytest

from crossover.analysis import (
    paired_n_for_power,
    paired_power,
    two_arm_n_for_power,
    two_arm_power,
)

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


# Randomised two-arm design analysed by ANCOVA: R 4.2.2
# power.t.test(type = "two.sample", delta = d, sd = sqrt(1 - rho^2), sig.level = alpha,
#              power = 0.8, alternative = ALT, tol = 1e-12)$n   (n per arm)
TWO_ARM_N_FOR_POWER = [
    # delta = 0.5, sd = sqrt(1 - 0^2), sig.level = 0.05, alternative = "one.sided"
    (0.5, 0.0, 0.05, "increase", 50.1507833868562),
    # delta = 0.5, sd = sqrt(1 - 0^2), sig.level = 0.05, alternative = "two.sided"
    (0.5, 0.0, 0.05, "two-sided", 63.7657637248468),
    # delta = 0.2, sd = 1, sig.level = 0.05, alternative = "two.sided"
    (0.2, 0.0, 0.05, "two-sided", 393.406656228128),
    # delta = 0.5, sd = sqrt(1 - 0.5^2), sig.level = 0.05, alternative = "two.sided"
    (0.5, 0.5, 0.05, "two-sided", 48.0727659589011),
    # delta = 0.3, sd = sqrt(1 - 0.5^2), sig.level = 0.05, alternative = "one.sided"
    (0.3, 0.5, 0.05, "increase", 103.725682844584),
    # delta = 0.2, sd = sqrt(1 - 0.7^2), sig.level = 0.01, alternative = "two.sided"
    (0.2, 0.7, 0.01, "two-sided", 299.476584147547),
    # delta = 0.4, sd = sqrt(1 - 0.3^2), sig.level = 0.10, alternative = "one.sided"
    (0.4, 0.3, 0.10, "decrease", 51.696266217985),
    # delta = 0.8, sd = sqrt(1 - 0.9^2), sig.level = 0.05, alternative = "two.sided"
    (0.8, 0.9, 0.05, "two-sided", 5.79786134547205),
    # delta = 2, sd = sqrt(1 - 0.9^2), sig.level = 0.05, alternative = "one.sided": below 2
    (2.0, 0.9, 0.05, "increase", 1.85674263309489),
    # delta = 5, sd = sqrt(1 - 0.9^2), sig.level = 0.05, alternative = "one.sided"
    (5.0, 0.9, 0.05, "increase", 1.45183064154196),
]
# power.t.test(type = "two.sample", n = n, delta = d, sd = sqrt(1 - rho^2), sig.level = alpha,
#              alternative = ALT)$power
TWO_ARM_POWER_OF_N = [
    (20, 0.5, 0.0, 0.05, "increase", 0.463374349296448),  # n = 20, sd = 1, "one.sided"
    (64, 0.5, 0.0, 0.05, "two-sided", 0.801458623367973),  # n = 64, sd = 1, "two.sided"
    (30, 0.4, 0.5, 0.05, "two-sided", 0.420451439345874),  # sd = sqrt(1 - 0.5^2), "two.sided"
    (15, 0.3, 0.7, 0.01, "increase", 0.109242548882612),  # sd = sqrt(1 - 0.7^2), "one.sided"
    (2, 0.5, 0.5, 0.05, "two-sided", 0.0560911122205083),  # sd = sqrt(1 - 0.5^2), "two.sided"
    (100, 0.2, 0.6, 0.05, "increase", 0.546518206210494),  # sd = sqrt(1 - 0.6^2), "one.sided"
]


@pytest.mark.parametrize("d, rho, alpha, direction, r_n", TWO_ARM_N_FOR_POWER)
def test_two_arm_n_per_arm_matches_r(d, rho, alpha, direction, r_n):
    result = two_arm_n_for_power(d, rho, alpha, 0.8, direction)
    assert result.n == pytest.approx(r_n, rel=1e-6)
    assert result.per_arm_needed == math.ceil(r_n)  # R's ceiling of n per arm
    assert result.total_needed == 2 * math.ceil(r_n)
    assert result.power == pytest.approx(0.8, abs=1e-9)


def test_two_arm_other_power_matches_r():
    # power.t.test(type = "two.sample", delta = 0.2, sd = sqrt(1 - 0.5^2), power = 0.9,
    #              alternative = "one.sided", tol = 1e-12)$n
    result = two_arm_n_for_power(0.2, 0.5, 0.05, 0.9, "increase")
    assert result.n == pytest.approx(321.822928055359, rel=1e-6)
    assert result.per_arm_needed == 322


@pytest.mark.parametrize("n, d, rho, alpha, direction, r_power", TWO_ARM_POWER_OF_N)
def test_two_arm_power_matches_r(n, d, rho, alpha, direction, r_power):
    result = two_arm_power(n, d, rho, alpha, direction)
    assert result.power == pytest.approx(r_power, rel=1e-6)
    assert result.total_needed == 2 * n


def test_two_arm_needs_fewer_people_as_pre_explains_more_of_post():
    per_arm = [two_arm_n_for_power(0.3, rho).per_arm_needed for rho in (0, 0.3, 0.5, 0.8)]
    assert per_arm == sorted(per_arm, reverse=True) and len(set(per_arm)) == 4
    assert two_arm_n_for_power(0.3, 0.5).adjusted_sd == pytest.approx(math.sqrt(0.75))


def test_two_arm_sign_of_d_does_not_matter():
    assert (
        two_arm_power(30, -0.4, 0.5, 0.05, "decrease").power
        == two_arm_power(30, 0.4, 0.5, 0.05, "increase").power
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(d=0.5, rho=1.0),
        dict(d=0.5, rho=-0.1),
        dict(d=0.5, rho=float("nan")),
        dict(d=0),
        dict(d=0.5, alpha=0),
        dict(d=0.5, direction="up"),
        dict(d=0.5, power=0),
    ],
)
def test_two_arm_bad_input_raises_value_error(kwargs):
    with pytest.raises(ValueError):
        two_arm_n_for_power(**kwargs)


def test_two_arm_power_needs_two_per_arm():
    with pytest.raises(ValueError):
        two_arm_power(1, 0.5, 0.5)
