"""Issue 26: pilots an owner builds on purpose, read by a reviewer.

The owner chooses who is enrolled, the arms (non-randomised), who is matched and how many
sessions and minutes each person gets; here the tests also choose the answers, so the shapes can
be as adversarial as an owner could make them. The reviewer reads everything reviewers can read
(the report API and page, the evidence board API and page, the initiative page), and the
attacker (tests/privacy_attacker.py) tries every combination of the groups published, head
counts included, and every placement of the changes a dose correlation allows.
"""

import re

import numpy as np
import pytest
from scipy.stats import spearmanr
import sqlalchemy as sa

from crossover.catalogue.models import Initiative
from crossover.extensions import db
from tests.privacy_attacker import Person, leaks, rank_leaks
from tests.reports.people import build_pilot

K = 5
PHASES = ["in_management", "post_off", "specialist", "reemployed", "other"]
BANDS = ["45-49", "50-54", "55-59", "60-64", "65+"]


def _person(pre: int, post: int, *, phase="in_management", band="50-54", **fields) -> Person:
    return Person(phase, band, answers={"pre": pre, "post": post}, **fields)


def _report(client, headers, pilot_id) -> dict:
    response = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def _page(client, path: str, lang: str) -> str:
    response = client.get(path, headers={"Accept-Language": lang})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _section(page: str, start: str, end: str = "</section>") -> str:
    return page[page.index(start) :].split(end)[0]


# --- finding 1: the dose of the 6-pair pilot ---------------------------------------------------


def six_pairs_one_session() -> list[Person]:
    """The issue's pilot: six pairs, and only the one with the largest change had a session
    (one, of 60 minutes)."""
    people = [_person(3, 3 + change) for change in (-2, -1, 0, 1)] + [_person(4, 1)]
    return [*people, _person(1, 5, sessions=(60,))]


def test_one_mentored_person_among_six_pairs_fixes_no_rank(app, client, users):
    # On the old code the reviewer read sessions.rho = minutes.rho = 0.6547 (with total_sessions
    # 1, total_minutes 60), and only rank 6 of the one mentored person gives that rho.
    crowd = six_pairs_one_session()
    pilot_id = build_pilot(app, crowd)
    report = _report(client, users.reviewer, pilot_id)
    dose = report["dose"]
    for variable in ("sessions", "minutes"):
        assert dose[variable]["rho"] is None and dose[variable]["p"] is None
        assert dose[variable]["suppressed_reason"] == "values_under_k"
        assert dose[f"total_{variable}"] is None
    assert dose["suppressed"] is True and dose["n"] == 6
    assert not leaks(report, crowd)
    owner = _report(client, users.owner, pilot_id)["dose"]  # the same rule for the owner
    assert owner["sessions"]["rho"] is None and owner["total_sessions"] is None
    users.login("reviewer@example.com")
    for lang, words in (
        ("en", "only when the values form ordered groups of at least 5 pairs"),
        ("ja", "どのグループも5組以上になるときだけ表示します"),
    ):
        dose_part = _section(
            _page(client, f"/pilots/{pilot_id}/report", lang), 'id="dose-sessions"'
        )
        assert words in dose_part and "0.65" not in dose_part, dose_part


def test_the_attacker_finds_the_rank_the_old_dose_gave_away():
    """The attacker itself: the old publication (rho over raw sessions) pins the mentored
    person to rank 6 of 6."""
    crowd = six_pairs_one_session()
    changes = [p.answers["post"] - p.answers["pre"] for p in crowd]
    rho = spearmanr(changes, [p.dose("sessions") for p in crowd]).statistic
    assert rho == pytest.approx(0.6547, abs=1e-4)
    old = {
        "pilot": {"privacy_k": K},
        "dose": {"sessions": {"rho": rho, "groups": None}, "minutes": {"rho": None}},
    }
    found = rank_leaks(old, crowd)
    assert [leak.people for leak in found] == [[5]]


def test_dose_is_published_over_ordered_groups_of_k(app, client, users):
    """Five pairs without a session, five with 1–3: rho over the two groups, as R gives it."""
    crowd = [_person(2, post) for post in (1, 2, 2, 3, 3)] + [
        _person(2, post, sessions=(30,) * count)
        for post, count in ((4, 1), (4, 1), (5, 2), (5, 3), (3, 3))
    ]
    pilot_id = build_pilot(app, crowd)
    report = _report(client, users.reviewer, pilot_id)
    sessions = report["dose"]["sessions"]
    assert sessions["groups"] == [{"low": 0, "high": 0, "n": 5}, {"low": 1, "high": 3, "n": 5}]
    assert report["dose"]["minutes"]["groups"] == [
        {"low": 0, "high": 0, "n": 5},
        {"low": 30, "high": 90, "n": 5},
    ]
    # change <- c(-1, 0, 0, 1, 1, 2, 2, 3, 3, 1) / 3; group <- rep(0:1, each = 5)
    # cor.test(change, group, method = "spearman", exact = FALSE)
    #   rho = 0.818303277, p.value = 0.003805330288
    assert sessions["rho"] == pytest.approx(0.818303277, rel=1e-6)
    assert sessions["p"] == pytest.approx(0.003805330288, rel=1e-6)
    assert report["dose"]["total_sessions"] == 10 and report["dose"]["total_minutes"] == 300
    assert not leaks(report, crowd)
    users.login("reviewer@example.com")
    dose_part = _section(_page(client, f"/pilots/{pilot_id}/report", "ja"), 'id="dose-sessions"')
    assert "0 (n = 5) / 1–3 (n = 5)" in dose_part and "0.818" in dose_part


def test_dose_groups_join_the_search_with_the_subgroup_cells(app, client, users):
    """Sessions go to four managers and one specialist: management − the mentored group leaves
    the unmentored manager and the mentored specialist. The dose gives way, the cells stay."""
    managers = [_person(2, 3 + i % 2, sessions=(45,)) for i in range(4)] + [_person(2, 2)]
    specialists = [_person(3, 4, phase="specialist", sessions=(45,))] + [
        _person(3, 3 + i % 2, phase="specialist") for i in range(4)
    ]
    crowd = managers + specialists
    pilot_id = build_pilot(app, crowd)
    report = _report(client, users.reviewer, pilot_id)
    phases = {g["key"]: g for g in report["subgroups"]["career_phase"]}
    assert phases["in_management"]["n"] == 5 and phases["specialist"]["n"] == 5
    assert report["dose"]["sessions"]["suppressed_reason"] == "complementary"
    assert report["dose"]["minutes"]["suppressed_reason"] == "complementary"
    assert not leaks(report, crowd)


def test_sessions_and_minutes_one_swap_apart_cannot_both_show(app, client, users):
    """Sessions and minutes split the ten pairs into groups of five that differ by one swap:
    sessions minus minutes would leave two people."""
    crowd = [
        _person(2, 1 + i % 5, sessions=((10,) if i < 4 else (10, 10, 10)) if i != 9 else ())
        for i in range(10)
    ]
    crowd[4] = _person(2, 4, sessions=(200,))  # one session (the low group), many minutes
    pilot_id = build_pilot(app, crowd)
    report = _report(client, users.reviewer, pilot_id)
    shown = [v for v in ("sessions", "minutes") if not report["dose"][v]["suppressed"]]
    assert len(shown) <= 1
    assert not leaks(report, crowd)


# --- finding 2: head counts under K -------------------------------------------------------------


def test_four_pair_pilot_shows_reviewers_no_count(app, client, users):
    # On the old code the reviewer read counts = {enrolled: 4, pre: 4, post: 4, pairs: 4}.
    crowd = [_person(2, 3) for _ in range(4)]
    pilot_id = build_pilot(app, crowd)
    report = _report(client, users.reviewer, pilot_id)
    counts = report["counts"]
    assert {key: counts[key] for key in ("enrolled", "pre", "post", "pairs")} == dict.fromkeys(
        ("enrolled", "pre", "post", "pairs")
    )
    assert counts["suppressed"] is True
    assert counts["suppressed_counts"] == dict.fromkeys(
        ("enrolled", "pre", "post", "pairs"), "small"
    )
    attrition = report["attrition"]
    assert attrition["enrolled"] is attrition["with_post"] is attrition["without_post"] is None
    assert attrition["rate"] is None
    assert all(r["n"] is None for r in report["reliability"]) and report["dose"]["n"] is None
    assert "4" not in report["verdict"]["rule"]["label_en"]
    assert not leaks(report, crowd)
    owner = _report(client, users.owner, pilot_id)["counts"]  # the owner's own pilot
    assert (owner["enrolled"], owner["pairs"], owner["suppressed"]) == (4, 4, False)
    users.login("reviewer@example.com")
    for lang in ("en", "ja"):
        page = _page(client, f"/pilots/{pilot_id}/report", lang)
        table = _section(page, '<table class="numbers">', "</table>")
        assert table.count("n < 5") == 5 and not re.search(r">\s*4\s*<", table), table
    board = client.get("/api/v1/evidence", headers=users.reviewer).json
    row = next(p for p in board["pilots"] if p["id"] == pilot_id)
    assert row["n"] is None and row["suppressed"]
    board_page = _page(client, "/evidence", "en")
    listed = board_page[board_page.index(f"/pilots/{pilot_id}/report") :].split("</tr>")[0]
    assert "n < 5" in listed and not re.search(r">\s*4\s*<", listed)
    with app.app_context():
        initiative = db.session.scalar(
            sa.select(Initiative.id).where(Initiative.key == "community-external-mentoring")
        )
    page = _page(client, f"/initiatives/{initiative}", "en")
    row = page[page.index('id="pilot-rows"') :].split("</table>")[0]
    assert "n < 5" in row and not re.search(r">\s*4\s*<", row), row


def test_counts_that_differ_by_one_person_are_not_both_shown(app, client, users):
    """Ten enrolled, one of whom did not answer after: "enrolled 10, post 9" would say so."""
    crowd = [_person(2, 3 + i % 3) for i in range(9)] + [
        Person("in_management", "50-54", waves=frozenset({"pre"}), answers={"pre": 2})
    ]
    pilot_id = build_pilot(app, crowd)
    report = _report(client, users.reviewer, pilot_id)
    counts = report["counts"]
    assert counts["pairs"] == 9 and counts["suppressed"] is True
    shown = {key: counts[key] for key in ("enrolled", "pre", "post") if counts[key] is not None}
    assert 10 not in shown.values() or 9 not in shown.values()
    assert set(counts["suppressed_counts"].values()) == {"complementary"}
    assert report["attrition"]["without_post"] is None
    assert not leaks(report, crowd)
    owner = _report(client, users.owner, pilot_id)
    assert owner["counts"]["enrolled"] == 10 and owner["attrition"]["without_post"] == 1
    users.login("reviewer@example.com")
    page = _page(client, f"/pilots/{pilot_id}/report", "ja")
    assert "小さなグループを守るため非表示" in _section(page, '<table class="numbers">', "</table>")
    assert 'id="counts-withheld"' in page


# --- the family: random and crafted shapes -----------------------------------------------------


def _answers(rng) -> dict:
    return {"pre": int(rng.integers(1, 6)), "post": int(rng.integers(1, 6))}


def owner_built(seed: int) -> tuple[list[Person], str]:
    """One adversarial pilot: few people, lopsided groups, assigned or randomised arms, and
    sessions in one of the shapes an owner would try (one person apart, K−1 mentored, groups of K
    one swap apart between sessions and minutes, or random)."""
    rng = np.random.default_rng(1000 + seed)
    participants = int(rng.integers(4, 17))
    comparison = int(rng.choice([0, 0, 4, 5, 6]))
    size = participants + comparison
    phase_pool = list(rng.choice(PHASES, size=2, replace=False))
    band_pool = list(rng.choice(BANDS, size=2, replace=False))
    if rng.random() < 0.4:  # everyone in one cell: nothing but the dose splits the pairs
        phase_pool, band_pool = phase_pool[:1] * 2, band_pool[:1] * 2
    people = []
    for index in range(size):
        waves = {"pre", "post"} if rng.random() < 0.85 else set(rng.choice(["pre", "post"], 1))
        waves |= {w for w in ("followup_30", "followup_60") if rng.random() < 0.6}
        people.append(
            Person(
                str(rng.choice(phase_pool, p=[0.7, 0.3])),
                str(rng.choice(band_pool, p=[0.6, 0.4])),
                arm="participant" if index < participants else "comparison",
                waves=frozenset(waves),
                concerns=("meaning",) if rng.random() < 0.8 else (),
                answers=_answers(rng),
            )
        )
    shape = SHAPES[seed % len(SHAPES)]
    treated = list(range(participants))
    rng.shuffle(treated)
    if shape == "one apart":
        chosen = {treated[0]: (60,)}
    elif shape == "k-1 mentored":
        chosen = {i: (30,) * int(rng.integers(1, 4)) for i in treated[: K - 1]}
    elif shape == "k mentored":
        chosen = {i: (45,) * int(rng.integers(1, 4)) for i in treated[:K]}
    elif shape == "swap":
        chosen = dict.fromkeys(treated[:K], (30,))
        if len(treated) > K:  # one of them long, one outside short: minutes swap a person
            chosen[treated[0]] = (30, 30)
            chosen[treated[K]] = (300,)
    else:
        chosen = {
            i: tuple(int(m) for m in rng.choice([20, 30, 60], size=int(rng.integers(0, 5))))
            for i in treated
            if rng.random() < 0.6
        }
    for index, sessions in chosen.items():
        people[index].sessions = sessions
        people[index].matched = True
    allocation = "randomised" if comparison and seed % 3 == 0 else "assigned"
    return people, allocation


SHAPES = ("one apart", "k-1 mentored", "swap", "random", "k mentored")
OWNER_BUILT = range(25)


def test_owner_built_pilots_single_no_one_out(app, client, users):
    published = {"dose": 0, "counts": 0, "withheld counts": 0}
    for seed in OWNER_BUILT:
        crowd, allocation = owner_built(seed)
        pilot_id = build_pilot(app, crowd, seed=seed, allocation=allocation)
        report = _report(client, users.reviewer, pilot_id)
        found = leaks(report, crowd)
        assert not found, (seed, [str(leak) for leak in found])
        counts = report["counts"]
        figures = [counts[key] for key in ("enrolled", "pre", "post", "pairs")]
        assert all(n is None or n >= K for n in figures), (seed, counts)
        assert all(n >= K for n in _every_n(report)), (seed, sorted(_every_n(report)))
        published["dose"] += not report["dose"]["suppressed"]
        published["counts"] += sum(n is not None for n in figures)
        published["withheld counts"] += counts["suppressed"]
        if seed % 6 == 0:
            _pages_show_no_count_under_k(client, users, pilot_id, report)
    board = client.get("/api/v1/evidence", headers=users.reviewer).json
    assert all(p["n"] is None or p["n"] >= K for p in board["pilots"])
    # The shapes exercise the rules: some dose and counts shown, some withheld.
    assert (
        published["dose"] >= 1 and published["counts"] >= 10 and published["withheld counts"] >= 5
    )


def _every_n(report: dict) -> list[int]:
    """Every head count the report shows anywhere (n fields, arm and stratum counts)."""
    found = []

    def walk(value, key=None):
        if isinstance(value, dict):
            for name, inner in value.items():
                walk(inner, name)
        elif isinstance(value, list):
            for inner in value:
                walk(inner, key)
        elif key in COUNT_KEYS and isinstance(value, int) and value > 0:
            found.append(value)

    walk({key: value for key, value in report.items() if key != "pilot"})
    return found


COUNT_KEYS = {
    "n",
    "enrolled",
    "pre",
    "post",
    "pairs",
    "with_post",
    "without_post",
    "n_participant",
    "n_comparison",
    "participant",
    "comparison",
}


def _pages_show_no_count_under_k(client, users, pilot_id: int, report: dict) -> None:
    users.login("reviewer@example.com")
    page = _page(client, f"/pilots/{pilot_id}/report", "en")
    table = _section(page, '<table class="numbers">', "</table>")
    shown = [int(n) for n in re.findall(r'<td class="num"[^>]*>\s*(\d+)', table)]
    assert all(n == 0 or n >= K for n in shown), (shown, table)  # 0: nobody to single out
    hidden = sum(report["counts"][key] is None for key in ("enrolled", "pre", "post", "pairs"))
    notes = table.count("n < 5") + table.count("withheld to protect a small group")
    assert notes >= hidden
