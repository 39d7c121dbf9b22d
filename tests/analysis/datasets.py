"""Data sets behind the R reference values (written to CSV for R by
`python -m tests.analysis.datasets DIR`)."""

import csv
import sys

SMALL_PRE = [3.1, 2.4, 3.8, 2.9, 3.3, 2.2, 3.6, 2.7, 3.0, 3.5]
SMALL_CHANGE = [0.5, 0.4, -0.1, 0.7, 0.6, 0.25, 0.9, -0.3, 0.8, 0.05]
SMALL_POST = [a + d for a, d in zip(SMALL_PRE, SMALL_CHANGE, strict=True)]

# Scale scores are means of 12 integer answers: changes of 1/12 differ in the last bits.
TWELFTHS_PRE = [s / 12 for s in (41, 25, 30, 36, 28, 33, 40, 22, 35, 31, 27, 38)]
TWELFTHS_POST = [s / 12 for s in (42, 26, 33, 35, 28, 36, 44, 25, 35, 34, 30, 37)]

LARGE_PRE = [3 + ((i * 13) % 17) / 10 for i in range(1, 61)]
# 60 distinct non-zero |changes|: the normal approximation without ties.
LARGE_POST = [
    p + ((i * 37) % 101 - 40.25) / 50 for i, p in zip(range(1, 61), LARGE_PRE, strict=True)
]
# The same with ties and one zero change.
TIED_POST = [p + ((i * 37) % 101 - 40) / 50 for i, p in zip(range(1, 61), LARGE_PRE, strict=True)]

CONSTANT_PRE = [2.0, 2.5, 3.0, 3.5, 4.0, 4.5]
CONSTANT_POST = [p + 0.25 for p in CONSTANT_PRE]

DATASETS = {
    "small": (SMALL_PRE, SMALL_POST),
    "twelfths": (TWELFTHS_PRE, TWELFTHS_POST),
    "large": (LARGE_PRE, LARGE_POST),
    "tied": (LARGE_PRE, TIED_POST),
}

if __name__ == "__main__":
    for name, (pre, post) in DATASETS.items():
        with open(f"{sys.argv[1]}/{name}.csv", "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["pre", "post"])
            writer.writerows(zip([repr(x) for x in pre], [repr(x) for x in post], strict=True))

# A randomised two-arm pilot on a 12-item scale (means of integers), for lm(post ~ pre + arm):
# 14 participants (arm 1) then 11 in the comparison arm (arm 0).
ANCOVA_PRE = [
    4.083333333333333,
    1.1666666666666667,
    3.5833333333333335,
    3.0833333333333335,
    3.75,
    3.25,
    4.083333333333333,
    3.0,
    2.6666666666666665,
    3.3333333333333335,
    3.25,
    2.75,
    2.8333333333333335,
    3.4166666666666665,
    3.4166666666666665,
    2.6666666666666665,
    2.75,
    1.9166666666666667,
    4.0,
    2.8333333333333335,
    3.8333333333333335,
    3.25,
    4.166666666666667,
    3.9166666666666665,
    3.1666666666666665,
]
ANCOVA_POST = [
    4.5,
    2.0833333333333335,
    4.166666666666667,
    2.8333333333333335,
    3.9166666666666665,
    3.9166666666666665,
    4.0,
    3.25,
    2.9166666666666665,
    3.4166666666666665,
    3.9166666666666665,
    3.6666666666666665,
    3.25,
    3.0833333333333335,
    3.5833333333333335,
    2.3333333333333335,
    2.75,
    2.25,
    3.9166666666666665,
    3.0833333333333335,
    3.6666666666666665,
    3.3333333333333335,
    3.4166666666666665,
    3.75,
    3.75,
]
ANCOVA_ARM = [
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
]

# Two arms whose pre–post slopes differ (participants gain more the higher they start), for the
# slope-homogeneity check of the ANCOVA: anova(lm(post ~ pre * arm)).
SLOPES_PRE = [2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 2.25, 2.75, 3.25, 3.75, 4.25, 2.0, 2.5, 3.0, 3.5, 4.0]
SLOPES_POST = [
    1.75,
    2.75,
    3.5,
    4.5,
    5.0,
    6.0,
    2.25,
    3.25,
    4.0,
    4.75,
    5.5,
    3.0,
    3.25,
    3.0,
    3.5,
    3.25,
]
SLOPES_ARM = [1] * 11 + [0] * 5

# Paired changes at the edges: two and three pairs, ties, one non-zero change, all zero, all equal,
# a near-constant trio whose t (37) takes R's pt() into its normal approximation.
EDGE_CHANGES = {
    "n2": [0.25, 0.75],
    "n3": [0.5, -0.25, 1.0],
    "n4": [0.5, -0.25, 1.0, 0.75],
    "tied5": [0.25, 0.25, 0.5, -0.25, 0.5],
    "one_nonzero": [0, 0, 0, 0.5, 0],
    "all_zero": [0, 0, 0, 0],
    "all_equal": [0.25] * 6,
    "steep3": [1, 1, 13 / 12],
    "two_values": [1, 1, 1, 2],
}

# A company survey round: engagement (0–100) and 12 items (1–5) of 20 respondents, for the Holm
# adjustment of the 12 item correlations ("what to work on").
ENGAGEMENT = [31, 79, 39, 61, 47, 71, 35, 9, 30, 64, 63, 99, 25, 43, 95, 12, 71, 96, 92, 68]
ITEMS = [
    [3, 4, 2, 2, 4, 4, 4, 2, 2, 4, 4, 5, 2, 3, 4, 2, 4, 5, 4, 4],
    [3, 3, 2, 4, 3, 3, 3, 2, 3, 3, 3, 5, 2, 3, 3, 2, 2, 4, 4, 3],
    [2, 5, 4, 2, 4, 2, 2, 2, 3, 2, 3, 4, 2, 2, 4, 3, 3, 4, 4, 3],
    [2, 2, 4, 3, 3, 3, 3, 4, 3, 3, 3, 3, 4, 4, 4, 3, 4, 4, 4, 3],
    [1, 4, 3, 2, 4, 3, 1, 3, 3, 4, 1, 3, 3, 5, 2, 1, 1, 3, 4, 5],
    [3, 2, 4, 3, 3, 3, 4, 2, 2, 3, 3, 2, 2, 3, 4, 4, 4, 4, 1, 1],
    [2, 3, 2, 3, 2, 3, 1, 1, 4, 3, 4, 5, 2, 3, 4, 3, 3, 3, 3, 3],
    [3, 3, 3, 3, 4, 2, 5, 2, 2, 4, 4, 2, 3, 2, 4, 3, 2, 4, 3, 3],
    [3, 2, 3, 4, 3, 4, 3, 1, 2, 3, 3, 4, 4, 3, 3, 2, 4, 3, 2, 2],
    [2, 5, 4, 2, 3, 3, 3, 3, 2, 4, 3, 1, 2, 2, 4, 4, 2, 4, 4, 2],
    [1, 4, 3, 3, 1, 4, 2, 1, 2, 3, 4, 4, 2, 3, 4, 1, 3, 4, 3, 3],
    [3, 2, 5, 5, 3, 4, 5, 3, 2, 3, 1, 2, 3, 3, 3, 4, 2, 3, 3, 2],
]
