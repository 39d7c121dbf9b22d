"""The company's own HR owner as the attacker (DESIGN.md "Privacy and access", issue 20).

Each F of the issue is played as the owner would, with only the owner's pages, API and uploads;
on the old code each recovered one employee's exact answers. Here each is refused or harmless.
Tests elsewhere that play one of them:
- F2 (scores of an open round): test_publication.py::test_f2_open_round_results_are_409_and_only_
  counts_follow_the_answers; closing early: ::test_closing_early_publishes_once_and_stops_answers.
- F3 (engagement uploaded twice): test_surveys_api.py::test_engagement_upload_matches_refs_on_
  the_roster_once; a closed round: test_publication.py::test_a_closed_round_s_publication_never_
  changes.
- F4 (fake rows added once invitations are out): test_company_outbox.py::test_roster_is_fixed_
  once_the_first_invitation_went_out; test_company_cli.py::test_export_links_…; one mailbox,
  one link: test_roster.py::test_one_mailbox_gets_one_link.
- F5 (drafts read by another link holder): test_company_pages.py::test_roster_link_through_the_
  pages_opening_confirm_thanks.
- F6, F7 (consortium): test_results_consortium.py.
The random-roster attacker at the end reads everything the owner can read about a survey — both
rounds' results, the trend and the disclosure CSV — and combines it (tests/privacy_attacker).
"""

from datetime import date

import numpy as np
import pytest

from crossover.catalogue.bands import AGE_BANDS, TENURE_BANDS
from crossover.extensions import db
from tests.company import factories
from tests.company.factories import Employee
from tests.company.flows import (
    ANSWERS,
    disclosure_table,
    member_tokens,
    roster_csv,
    setup_round,
    upload,
)
from tests.privacy_attacker import find_leak

FIRST = {"opens_on": date(2025, 4, 1), "closes_on": date(2025, 4, 30)}
SECOND = {"opens_on": date(2026, 4, 1), "closes_on": date(2026, 4, 30)}


def _answers(keys, i):
    return {key: 1 + (i * 5 + j * 2 + i // 3) % 5 for j, key in enumerate(keys)}


def _keys(app):
    with app.app_context():
        keys = factories.item_keys(factories.shipped_instrument())
        db.session.remove()
    return keys


def _survey(app, *rounds) -> tuple[int, list[int]]:
    """A survey of closed rounds: each (label, people, dates)."""
    with app.app_context():
        survey = factories.add_survey(factories.organization("acme"))
        ids = [factories.add_round(survey, label, p, **dates).id for label, p, dates in rounds]
        db.session.commit()
        return survey.id, ids


def _get(client, users, url):
    response = client.get(url, headers=users.owner)
    assert response.status_code == 200, response.json
    return response.json


def _total_of(person: Employee, keys: list[str]) -> float:
    from crossover.instruments.shipped import ITEMS

    reverse = {key: rev for key, _subscale, rev, *_ in ITEMS}
    values = [6 - person.answers[k] if reverse[k] else person.answers[k] for k in keys]
    return sum(values) / len(values)


@pytest.mark.parametrize("hot", [1, 4])
def test_f1_engagement_chosen_to_single_out_gives_nothing(app, client, users, hot):
    """Engagement 1 for the target (and up to K−2 accomplices), 0 for everyone else: on the
    old code intercept + slope was the target's total, and each subscale's r, mean and SD gave
    its subscale score. The value 1 is held by fewer than K respondents, so it joins the 0s: one
    group, no relation."""
    keys = _keys(app)
    people = [
        Employee(f"p{i}", "30-34", "3-5", "Sales", 1.0 if i < hot else 0.0, _answers(keys, i))
        for i in range(30)
    ]
    _, (round_id,) = _survey(app, ("2025", people, FIRST))
    engagement = _get(client, users, f"/api/v1/rounds/{round_id}/results")["engagement"]
    assert engagement["suppressed"] and engagement["line"] is None
    assert engagement["pearson_r"] is None and engagement["subscales"] is None
    assert engagement["items"] is None and engagement["bins"] is None


def test_f1_a_scale_finer_than_k_is_coarsened_and_the_line_gives_no_one(app, client, users):
    """Every respondent a distinct engagement value (the target's the highest): the values are
    coarsened into groups of at least K, and the fitted line at the target's value is a group's
    figure, not the target's total."""
    keys = _keys(app)
    people = [
        Employee(f"p{i}", "30-34", "3-5", "Sales", float(i), _answers(keys, i)) for i in range(40)
    ]
    _, (round_id,) = _survey(app, ("2025", people, FIRST))
    engagement = _get(client, users, f"/api/v1/rounds/{round_id}/results")["engagement"]
    assert not engagement["suppressed"] and engagement["coarsened"]
    assert 2 <= engagement["groups"] <= 10 and len(engagement["bins"]) == engagement["groups"]
    target = people[-1]
    guess = engagement["line"]["intercept"] + engagement["line"]["slope"] * target.engagement
    assert guess != pytest.approx(_total_of(target, keys), abs=1e-9)
    # Each group the relation uses holds at least K respondents (their ranges never overlap).
    values = np.array([p.engagement for p in people])
    for group in engagement["bins"]:
        assert ((values >= group["low"]) & (values <= group["high"])).sum() >= 5


def test_f3_a_second_engagement_upload_is_refused_and_changes_nothing(app, client, users):
    _, round_, _ = setup_round(client, users.owner, rows=8, engagement=False)
    six = "employee_ref,engagement\n" + "".join(f"E{i:05d},{i}\n" for i in range(6))
    assert upload(client, users.owner, round_["id"], six.encode(), "engagement").status_code == 200
    seven = six + "E00006,9\n"
    again = upload(client, users.owner, round_["id"], seven.encode(), "engagement")
    assert again.status_code == 409 and again.json["errors"] == {
        "file": ["このラウンドのエンゲージメントスコアは登録済みです。"]
    }


def test_f4_rows_added_with_the_roster_still_open_get_no_link_for_the_owner(app, client, users):
    """Before the first invitation rows may still be added, but the answer carries no link:
    the owner cannot answer for the rows it added (each link goes to its row's own address)."""
    _, round_, _ = setup_round(client, users.owner, rows=3)
    fakes = upload(client, users.owner, round_["id"], roster_csv(4, start=10))
    assert fakes.status_code == 201
    body = fakes.get_data(as_text=True)
    assert not any(token in body for token in member_tokens(app, round_["id"]))
    pages = client.get(f"/api/v1/rounds/{round_['id']}/invitations", headers=users.owner)
    assert not any(
        token in pages.get_data(as_text=True) for token in member_tokens(app, round_["id"])
    )


def test_f5_another_browser_with_the_link_reads_no_draft(app, client, users):
    _, round_, _ = setup_round(client, users.owner, rows=1)
    token = member_tokens(app, round_["id"])[0]
    employee = app.test_client()
    saved = employee.put(f"/api/v1/surveys/{token}/draft", json={"answers": {"vision_1": 5}})
    assert saved.status_code == 200 and "HttpOnly" in saved.headers["Set-Cookie"]
    assert employee.get(f"/api/v1/surveys/{token}").json["draft"]["answers"] == {"vision_1": 5}
    holder = app.test_client()
    assert holder.get(f"/api/v1/surveys/{token}").json["draft"] is None
    # The holder's own save replaces the draft under its key; the employee's answers are gone,
    # never shown to the holder.
    holder.put(f"/api/v1/surveys/{token}/draft", json={"answers": {"agency_1": 2}})
    assert holder.get(f"/api/v1/surveys/{token}").json["draft"]["answers"] == {"agency_1": 2}
    assert employee.get(f"/api/v1/surveys/{token}").json["draft"] is None
    assert employee.post(f"/api/v1/surveys/{token}", json={"answers": ANSWERS}).status_code == 201


def _csv_rows(client, users, round_id) -> list[dict]:
    response = client.get(
        f"/api/v1/rounds/{round_id}/disclosure.csv",
        headers={**users.owner, "Accept-Language": "en"},
    )
    assert response.status_code == 200
    _definitions, header, rows = disclosure_table(response.data.decode("utf-8-sig"))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_f8_one_publication_the_total_always_and_nothing_another_view_withholds(app, client, users):
    """150 invited, 130 respondents spread over 10 × 6 bands: the total is published, and the
    trend and the disclosure CSV say exactly what the results say (a four-person round, whose
    results withhold everything, shows nothing on either)."""
    keys = _keys(app)
    rng = np.random.default_rng(8)
    big = [
        Employee(
            f"p{i}",
            AGE_BANDS[i % 10],
            TENURE_BANDS[(i // 10) % 6],
            f"U{i % 13}",
            float(rng.normal()),
            _answers(keys, i) if i < 130 else None,
        )
        for i in range(150)
    ]
    small = [Employee(f"q{i}", "30-34", "3-5", "Sales", 1.0, _answers(keys, i)) for i in range(4)]
    survey_id, (first, second) = _survey(app, ("2025", big, FIRST), ("2026", small, SECOND))
    results = _get(client, users, f"/api/v1/rounds/{first}/results")
    total = results["total"]
    assert not total["suppressed"] and total["n"] == 130
    assert results["participation"]["responded"] == 130
    trend = _get(client, users, f"/api/v1/company-surveys/{survey_id}/trend")
    entry, tiny = trend["rounds"]
    for field in ("n", "mean", "sd", "ci_low", "ci_high", "suppressed"):
        assert entry[field] == total[field], field
    assert tiny["suppressed"] and tiny["mean"] is None and tiny["n"] is None
    (change,) = trend["changes"]
    assert change["welch"]["suppressed"] and change["difference"] is None
    assert change["panel"]["suppressed"]
    row, blank = _csv_rows(client, users, second)
    assert (row["Responded"], row["Mean"]) == ("130", f"{total['mean']:.2f}")
    assert blank["Responded"] == blank["Mean"] == blank["SD"] == blank["Favourable (%)"] == ""
    tiny_results = _get(client, users, f"/api/v1/rounds/{second}/results")
    assert tiny_results["total"]["suppressed"] and tiny_results["item_distribution"] == []
    assert len(results["item_distribution"]) == 12


# --- the random-roster attacker over everything published ---------------------------------------


def _engagement_vector(rng, strategy: str, n: int) -> list[float | None]:
    """Engagement values as an attacker would choose them."""
    if strategy == "one-hot":
        values = [0.0] * n
        values[int(rng.integers(n))] = 1.0
    elif strategy == "few-hot":
        values = [0.0] * n
        for i in rng.choice(n, size=4, replace=False):
            values[int(i)] = 1.0
    elif strategy == "ranks":
        values = [float(v) for v in rng.permutation(n)]
    elif strategy == "small-scale":
        values = [float(v) for v in rng.integers(1, 4, n)]
    else:  # continuous, with some missing
        values = [float(v) for v in rng.normal(3, 1, n)]
    for i in np.flatnonzero(rng.random(n) < 0.1):
        values[int(i)] = None
    return values


def _random_survey(rng, keys, strategy):
    """Two rounds over 2 × 2 bands and two or three units; some people in both (the panel)."""
    size = int(rng.integers(14, 26))
    pool = [
        (
            f"r{i}",
            str(rng.choice(["30-34", "45-49"])),
            str(rng.choice(["3-5", "11-20"])),
            str(rng.choice(["Sales", "R&D", "Ops"][: int(rng.integers(2, 4))])),
        )
        for i in range(size + 8)
    ]
    rounds = []
    for start in (0, 8):
        members = pool[start : start + size]
        engagement = _engagement_vector(rng, strategy, len(members))
        rounds.append(
            [
                Employee(
                    ref,
                    age,
                    tenure,
                    unit,
                    engagement[j],
                    _answers(keys, j + start) if rng.random() < 0.85 else None,
                )
                for j, (ref, age, tenure, unit) in enumerate(members)
            ]
        )
    return rounds


def _shown(group: dict, field: str = "mean") -> bool:
    return not group.get("suppressed") and group.get(field) is not None


def _round_families(results: dict, people: list[Employee], panel: np.ndarray | None) -> dict:
    """Every group one round's publication shows, by variable, as memberships over its roster
    (scores over the respondents, response counts over the invited)."""
    answered = np.array([p.answers is not None for p in people])
    age = np.array([p.age_band for p in people])
    tenure = np.array([p.tenure_band for p in people])
    unit = np.array([p.unit for p in people])
    engagement = np.array([np.nan if p.engagement is None else p.engagement for p in people])
    everyone = np.ones(len(people), dtype=bool)
    shown: dict[str, np.ndarray] = {}
    if _shown(results["total"]):
        shown["total"] = everyone
    # Each item's favourable / neutral / unfavourable counts are more sums over the total group:
    # published only with it (so the total's membership below covers them).
    assert bool(results["item_distribution"]) == _shown(results["total"])
    assert all(item["n"] == results["total"]["n"] for item in results["item_distribution"])
    grid = results["map"]
    for c in grid["cells"]:
        if _shown(c):
            shown[f"cell {c['age_band']}/{c['tenure_band']}"] = (age == c["age_band"]) & (
                tenure == c["tenure_band"]
            )
    for r in grid["rows"]:
        if _shown(r):
            shown[f"age {r['age_band']}"] = age == r["age_band"]
    for c in grid["columns"]:
        if _shown(c):
            shown[f"tenure {c['tenure_band']}"] = tenure == c["tenure_band"]
    scores, counts = dict(shown), dict(shown)
    relation = results["engagement"]
    if _shown(relation, "pearson_r"):
        scores["engaged"] = counts["engaged"] = np.isfinite(engagement)
        # r, the line and every subscale's and item's r are combinations of the groups' sums:
        # the relation may be shown only with every group.
        assert all(_shown(b) for b in relation["bins"])
        for index, b in enumerate(relation["bins"]):
            scores[f"engagement group {index}"] = (engagement >= b["low"]) & (
                engagement <= b["high"]
            )
    if panel is not None:
        scores["panel"] = panel
    participation = results["participation"]
    if _shown(participation, "responded"):
        counts["participation"] = everyone
    for breakdown, values in (("by_age_band", age), ("by_tenure_band", tenure), ("by_unit", unit)):
        for g in participation[breakdown]:
            if _shown(g, "responded"):
                counts[f"{breakdown} {g['key']}"] = values == g["key"]
    return {
        "scores": {name: (m & answered).astype(np.int64) for name, m in scores.items()},
        "counts": {name: m.astype(np.int64) for name, m in counts.items()},
    }


STRATEGIES = ["one-hot", "few-hot", "ranks", "small-scale", "continuous"]


@pytest.mark.parametrize("seed", range(5))
def test_random_rosters_over_every_published_view_single_no_one_out(app, client, users, seed):
    rng = np.random.default_rng(100 + seed)
    keys = _keys(app)
    first_people, second_people = _random_survey(rng, keys, STRATEGIES[seed])
    survey_id, (first, second) = _survey(
        app, ("2025", first_people, FIRST), ("2026", second_people, SECOND)
    )
    published = [_get(client, users, f"/api/v1/rounds/{r}/results") for r in (first, second)]
    trend = _get(client, users, f"/api/v1/company-surveys/{survey_id}/trend")
    disclosure = _csv_rows(client, users, second)
    # One publication: the trend and the CSV repeat the results, never more.
    for results, entry, row in zip(published, trend["rounds"], disclosure, strict=True):
        assert entry["suppressed"] == results["total"]["suppressed"]
        assert entry["n"] == results["total"]["n"] and entry["mean"] == results["total"]["mean"]
        assert row["Responded"] == (
            ""
            if results["participation"]["responded"] is None
            else str(results["participation"]["responded"])
        )
        if results["total"]["suppressed"]:
            assert row["Mean"] == "" and row["Favourable (%)"] == ""
        if results["engagement"]["suppressed"]:
            assert row["Correlation with engagement (r)"] == ""
    # The panel: a sum over those who answered both rounds, in each round (conservatively, as
    # if both sums were published rather than only their difference).
    panel = trend["changes"][0]["panel"]
    both = {p.ref for p in first_people if p.answers} & {p.ref for p in second_people if p.answers}
    masks = [None, None]
    if not panel["suppressed"]:
        assert panel["n"] == len(both)
        masks = [
            np.array([p.ref in both for p in people]) for people in (first_people, second_people)
        ]
    k = published[0]["round"]["privacy_k"]
    leaks = []
    for label, results, people, mask in zip(
        ("2025", "2026"), published, (first_people, second_people), masks, strict=True
    ):
        for name, family in _round_families(results, people, mask).items():
            if (leak := find_leak(f"{label} {name}", family, k)) is not None:
                leaks.append(leak)
    assert not leaks, "; ".join(str(leak) for leak in leaks)
