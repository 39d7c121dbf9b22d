"""Write tests/company/people.py's two rounds as CSV for tests/company/reference.R.

Run from the worktree root: `python tests/company/dump_for_r.py /tmp`; then
`Rscript tests/company/reference.R` (it reads /tmp/cs_r1.csv and /tmp/cs_r2.csv).
"""

import csv
from pathlib import Path
import sys

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from crossover.seed.instrument import ITEMS
from crossover.surveys.scoring import ItemKey, recode, score
from tests.company import people

SUBSCALES = ("vision", "agency", "learning", "connection")


def main(folder: str) -> None:
    items = [ItemKey(key, subscale, reverse) for key, subscale, reverse, *_ in ITEMS]
    keys = [item.key for item in items]
    for name, rows in (("r1", people.first_round(keys)), ("r2", people.second_round(keys))):
        with open(Path(folder) / f"cs_{name}.csv", "w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(
                [
                    "ref",
                    "age",
                    "tenure",
                    "unit",
                    "engagement",
                    "responded",
                    "total",
                    *SUBSCALES,
                    *keys,
                ]
            )
            for p in rows:
                engagement = "" if p.engagement is None else repr(p.engagement)
                head = [p.ref, p.age_band, p.tenure_band, p.unit, engagement]
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
