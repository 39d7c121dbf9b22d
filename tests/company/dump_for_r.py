"""Write tests/company/people.py's two rounds as CSV for tests/company/reference.R.

Run from the worktree root: `python tests/company/dump_for_r.py /tmp`; then
`Rscript tests/company/reference.R` (it reads /tmp/cs_r1.csv and /tmp/cs_r2.csv).

`engagement_group` is the value the results relate to scores: the company's engagement score
coarsened into ordered groups of at least K = 5 respondents (crossover.company.engagement, ten
groups here, as the results report); R computes every correlation from it.
"""

import csv
from pathlib import Path
import sys

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np

from crossover.company.engagement import group
from crossover.instruments.shipped import ITEMS
from crossover.surveys.scoring import ItemKey, recode, score
from tests.company import people

SUBSCALES = ("vision", "agency", "learning", "connection")


def main(folder: str) -> None:
    items = [ItemKey(key, subscale, reverse) for key, subscale, reverse, *_ in ITEMS]
    keys = [item.key for item in items]
    for name, rows in (("r1", people.first_round(keys)), ("r2", people.second_round(keys))):
        raw = np.array([np.nan if p.engagement is None else p.engagement for p in rows])
        grouping = group(raw, np.array([p.answers is not None for p in rows]), 5, 10)
        grouped = [
            repr(float(grouping.values[c])) if c >= 0 else "" for c in grouping.codes.tolist()
        ]
        with open(Path(folder) / f"cs_{name}.csv", "w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(
                [
                    "ref",
                    "age",
                    "tenure",
                    "unit",
                    "engagement",
                    "engagement_group",
                    "responded",
                    "total",
                    *SUBSCALES,
                    *keys,
                ]
            )
            for p, value in zip(rows, grouped, strict=True):
                engagement = "" if p.engagement is None else repr(p.engagement)
                head = [p.ref, p.age_band, p.tenure_band, p.unit, engagement, value]
                if p.answers is None:
                    writer.writerow([*head, 0, *[""] * (1 + len(SUBSCALES) + len(keys))])
                    continue
                scores = score(p.answers, items, 1, 5)
                recoded = [recode(p.answers[i.key], 1, 5, i.reverse) for i in items]
                writer.writerow(
                    [
                        *head,
                        1,
                        repr(scores["total"]),
                        *(repr(scores[s]) for s in SUBSCALES),
                        *recoded,
                    ]
                )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp")
