"""A small, deterministic company for tests pinned to R: two rounds, three units, a panel.

Answers come from arithmetic, not a random generator, so the data (and the R values pinned
against them) never depend on a library version. `dump_for_r` writes what R reads.
"""

from tests.company.factories import Employee

AGES = ("30-34", "45-49")
TENURES = ("3-5", "11-20")
UNITS = ("Sales", "R&D", "Ops, East")  # a comma inside a unit name


def answers_for(keys: list[str], i: int, shift: int) -> dict:
    """Arithmetic answers; every sixth person agrees strongly with the positively keyed items."""
    return {
        key: 5
        if i % 6 == 0 and j % 3 != 2
        else 1 + (i * 7 + j * 3 + (i * j) % 5 + shift * (j % 2) + i // 9) % 5
        for j, key in enumerate(keys)
    }


def engagement_for(i: int, answers: dict) -> float:
    """Tied to the answers (as the consortium found: a fairly strong correlation), plus noise."""
    return round(sum(answers.values()) / len(answers) * 1.5 + ((i * 37) % 41) / 25, 2)


def round_people(
    keys: list[str], refs: range, *, shift: int, silent: set[int], missing_engagement: bool
) -> list[Employee]:
    people = []
    for i in refs:
        answers = answers_for(keys, i, shift)
        people.append(
            Employee(
                ref=f"e{i:03d}",
                age_band=AGES[(i // 2) % 2],
                tenure_band=TENURES[(i // 3) % 2],
                unit=UNITS[i % 3],
                engagement=None
                if missing_engagement and i % 9 == 0
                else engagement_for(i, answers),
                answers=None if i in silent else answers,
            )
        )
    return people


def first_round(keys):
    """120 invited, 103 answer, everyone has an engagement score."""
    silent = set(range(3, 121, 7))
    return round_people(keys, range(1, 121), shift=0, silent=silent, missing_engagement=False)


def second_round(keys):
    """100 of the first round's people stay and 20 join; 112 answer; some lack engagement."""
    silent = set(range(5, 141, 16))
    return round_people(keys, range(21, 141), shift=1, silent=silent, missing_engagement=True)
