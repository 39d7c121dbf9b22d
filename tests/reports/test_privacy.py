"""Issue 15 V1–V3: no reviewer can single anyone out of a report.

The attacker (tests/privacy_attacker.py) combines every published group of a report; these tests
run it over the issue's three cases and over generated pilots with many small-group shapes.
"""

import numpy as np
import pytest

from crossover.extensions import db
from crossover.instruments.models import Instrument
from crossover.pilots.models import Pilot
from tests.privacy_attacker import (
    Person,
    assert_no_one_singled_out,
    find_leak,
    leaks,
    published_families,
)
from tests.reports.people import add_person, build_pilot

ALL_WAVES = frozenset({"pre", "post", "followup_30", "followup_60"})
PHASES = ["in_management", "post_off", "specialist", "reemployed", "other"]
BANDS = ["45-49", "50-54", "55-59", "60-64", "65+"]
CONCERNS = ["role_after_post_off", "marketability", "relearning", "meaning", "caregiving"]


def _people(count: int, phase: str, band: str, **fields) -> list[Person]:
    return [Person(phase, band, **fields) for _ in range(count)]


def _report(client, headers, pilot_id):
    response = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


# --- the issue's cases -------------------------------------------------------------------------


def v2_people() -> list[Person]:
    """8 pairs: 6 in management, 1 post-off, 1 specialist (V2)."""
    return (
        _people(6, "in_management", "50-54")
        + _people(1, "post_off", "50-54")
        + _people(1, "specialist", "50-54")
    )


def v3_people() -> list[Person]:
    """5 in management all aged 50–54, 6 specialists, 1 post-off aged 55–59 (V3)."""
    return (
        _people(5, "in_management", "50-54")
        + _people(3, "specialist", "45-49")
        + _people(3, "specialist", "60-64")
        + _people(1, "post_off", "55-59")
    )


def concern_people() -> list[Person]:
    """8 intake respondents as in V2 (6, 1, 1 by career phase), with no scale answers."""
    concerns = ("marketability", "meaning")
    return (
        _people(6, "in_management", "50-54", waves=frozenset(), concerns=concerns)
        + _people(1, "post_off", "55-59", waves=frozenset(), concerns=("caregiving",))
        + _people(1, "specialist", "60-64", waves=frozenset(), concerns=("relearning",))
    )


@pytest.mark.parametrize(
    "people", [v2_people, v3_people, concern_people], ids=["V2", "V3", "concerns"]
)
def test_issue_cases_single_no_one_out(app, client, users, people):
    # On the old code each case failed (the attacker's messages):
    #   V2: "scores: -pairs +career_phase=in_management leaves 2 people [6, 7]"
    #   V3: "scores: -pairs +career_phase=specialist +age_band=50-54 leaves 1 people [11]"
    #   concerns:
    #     "concerns: -concerns overall +concerns career_phase=in_management leaves 2 people [6, 7]"
    crowd = people()
    pilot_id = build_pilot(app, crowd)
    report = _report(client, users.reviewer, pilot_id)
    assert_no_one_singled_out(report, crowd)


def test_v2_shows_what_it_safely_can(app, client, users):
    """Suppression hides the management cell too, but keeps the total and says why each is
    hidden."""
    pilot_id = build_pilot(app, v2_people())
    report = _report(client, users.reviewer, pilot_id)
    assert report["primary"]["n"] == 8 and report["primary"]["suppressed"] is False
    phases = {g["key"]: g for g in report["subgroups"]["career_phase"]}
    assert (
        phases["post_off"]["suppressed_reason"]
        == phases["specialist"]["suppressed_reason"]
        == "small"
    )
    assert phases["in_management"]["suppressed"] is True and phases["in_management"]["n"] is None
    assert phases["in_management"]["suppressed_reason"] == "complementary"
    assert (
        phases["in_management"]["mean_change"] is None
        and phases["in_management"]["sd_change"] is None
    )


def test_v3_withholds_the_one_group_that_ends_the_exposure(app, client, users):
    """Total − management − specialists leaves the one post-off person, and so does total −
    band 50-54 − specialists (the band holds exactly the managers). Withholding the
    specialists ends both at once; withholding the band or management alone ends neither, so
    the search gives up one group here, where it used to give up two (band and management)."""
    crowd = v3_people()
    pilot_id = build_pilot(app, crowd)
    report = _report(client, users.reviewer, pilot_id)
    bands = {g["key"]: g for g in report["subgroups"]["age_band"]}
    phases = {g["key"]: g for g in report["subgroups"]["career_phase"]}
    assert phases["specialist"]["suppressed"] is True and phases["specialist"]["n"] is None
    assert phases["specialist"]["suppressed_reason"] == "complementary"
    assert phases["in_management"]["n"] == 5 and phases["in_management"]["suppressed"] is False
    assert bands["50-54"]["n"] == 5 and bands["50-54"]["suppressed"] is False
    assert phases["post_off"]["suppressed_reason"] == "small"
    assert_no_one_singled_out(report, crowd)


def test_concern_tables_are_complemented(app, client, users):
    pilot_id = build_pilot(app, concern_people())
    concerns = _report(client, users.reviewer, pilot_id)["concerns"]
    assert concerns["overall"]["n"] == 8
    phases = {g["key"]: g for g in concerns["by_career_phase"]}
    assert phases["in_management"]["items"] is None and phases["in_management"]["n"] is None
    assert phases["in_management"]["suppressed_reason"] == "complementary"
    assert phases["post_off"]["suppressed_reason"] == "small"


def test_attacker_finds_the_v2_leak_in_a_leaky_publication():
    """The helper itself: the old publication of V2 (total and management visible) is caught."""
    crowd = v2_people()
    pairs = np.ones(len(crowd), dtype=np.int64)
    management = np.array([p.career_phase == "in_management" for p in crowd], dtype=np.int64)
    leak = find_leak("scores", {"pairs": pairs, "management": management}, 5)
    assert leak is not None and leak.people == [6, 7]
    assert leak.groups in ({"pairs": 1, "management": -1}, {"pairs": -1, "management": 1})


# --- generated pilots ------------------------------------------------------------------------


def _skewed(rng, options: list[str], size: int) -> list[str]:
    """Draw with a lopsided distribution, so that small groups are common."""
    weights = rng.dirichlet(np.full(len(options), 0.6))
    return [str(x) for x in rng.choice(options, size=size, p=weights)]


def generated_people(seed: int) -> list[Person]:
    """A pilot shape: 5–30 participants, lopsided phases, ages tied to phases or not, attrition,
    follow-ups, intake concerns, sometimes a comparison arm."""
    rng = np.random.default_rng(seed)
    participants = int(rng.integers(5, 31))
    comparison = int(rng.integers(3, 13)) if rng.random() < 0.4 else 0
    size = participants + comparison
    phases = _skewed(rng, PHASES, size)
    if rng.random() < 0.5:  # ages follow phases: the cross-breakdown coincidences of V3
        band_of = dict(zip(PHASES, rng.permutation(BANDS), strict=True))
        bands = [str(band_of[p]) if rng.random() < 0.85 else str(rng.choice(BANDS)) for p in phases]
    else:
        bands = _skewed(rng, BANDS, size)
    people = []
    for index in range(size):
        answered = {
            wave
            for wave, share in (
                ("pre", 0.95),
                ("post", 0.85),
                ("followup_30", 0.8),
                ("followup_60", 0.7),
            )
            if rng.random() < share
        }
        concerns = (
            tuple(rng.choice(CONCERNS, size=int(rng.integers(1, 4)), replace=False))
            if rng.random() < 0.9
            else ()
        )
        people.append(
            Person(
                phases[index],
                bands[index],
                arm="participant" if index < participants else "comparison",
                waves=frozenset(answered),
                concerns=tuple(str(c) for c in concerns),
            )
        )
    return people


GENERATED = range(40)


def _published_sizes_agree(report: dict, people: list[Person]) -> None:
    """The attacker's vectors are the report's groups: every published n matches."""
    families = published_families(report, people)
    if "pairs" in families["scores"]:
        assert families["scores"]["pairs"].sum() == report["primary"]["n"]
    for dimension in ("career_phase", "age_band"):
        for cell in report["subgroups"][dimension]:
            if cell["n"] is not None:
                assert families["scores"][f"{dimension}={cell['key']}"].sum() == cell["n"]
    for cell in report["concerns"]["by_career_phase"]:
        if cell["n"] is not None:
            assert families["concerns"][f"concerns career_phase={cell['key']}"].sum() == cell["n"]


def test_generated_pilots_single_no_one_out(app, client, users):
    reasons = []
    for seed in GENERATED:
        crowd = generated_people(seed)
        pilot_id = build_pilot(app, crowd, seed=seed)
        report = _report(client, users.reviewer, pilot_id)
        _published_sizes_agree(report, crowd)
        found = leaks(report, crowd)
        assert not found, (seed, [str(leak) for leak in found])
        reasons += [
            g["suppressed_reason"]
            for d in ("career_phase", "age_band")
            for g in report["subgroups"][d]
        ]
        reasons += [g["suppressed_reason"] for g in report["concerns"]["by_career_phase"]]
    # The shapes exercise the mechanism: cells are withheld for their own size and to protect
    # others.
    assert (
        reasons.count("complementary") >= 10
        and reasons.count("small") >= 50
        and reasons.count(None) >= 20
    )


# --- V1: reviewers read no running pilot ----------------------------------------------------------


def _answer_one_more(app, pilot_id: int, index: int) -> None:
    with app.app_context():
        pilot = db.session.get(Pilot, pilot_id)
        instrument = db.session.get(Instrument, pilot.instrument_id)
        add_person(
            pilot,
            instrument,
            Person("specialist", "55-59", waves=ALL_WAVES, concerns=("meaning",)),
            np.random.default_rng(index),
            code=f"late-{pilot_id}-{index}",
        )
        db.session.commit()


FIGURE_FREE_KEYS = {"code", "status", "message", "errors"}


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_no_figures_of_a_running_pilot_before_or_after_someone_answers(app, client, users, role):
    crowd = _people(12, "in_management", "50-54", waves=ALL_WAVES, concerns=("marketability",))
    pilot_id = build_pilot(app, crowd, status="running")
    headers = getattr(users, role)
    reads = []
    for index in range(2):
        response = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=headers)
        assert response.status_code == 409 and set(response.json) == FIGURE_FREE_KEYS, response.json
        assert "closed" in response.json["message"] and "status" in response.json["errors"]
        reads.append(response.json)
        _answer_one_more(app, pilot_id, index)
    assert reads[0] == reads[1]  # nothing to subtract
    owner = _report(client, users.owner, pilot_id)  # the owner still follows their own pilot
    assert owner["primary"]["n"] == 14 and owner["primary"]["mean_change"] is not None


@pytest.mark.parametrize("status", ["draft", "recruiting"])
def test_reviewers_read_no_figures_of_a_pilot_not_yet_running_either(app, client, users, status):
    pilot_id = build_pilot(app, _people(6, "in_management", "50-54"), status=status)
    assert (
        client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.reviewer).status_code == 409
    )


def test_report_page_of_a_running_pilot_shows_no_numbers_to_reviewers(app, client, users):
    crowd = _people(12, "in_management", "50-54", waves=ALL_WAVES, concerns=("marketability",))
    pilot_id = build_pilot(app, crowd, status="running")
    users.login("reviewer@example.com")
    for lang, words in (("en", "once the pilot is closed"), ("ja", "終了後")):
        response = client.get(f"/pilots/{pilot_id}/report", headers={"Accept-Language": lang})
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and words in page, page[-2000:]
        assert 'id="verdict"' not in page and "<svg" not in page and 'id="pairs"' not in page


def test_closed_pilot_report_is_readable_by_reviewers_and_running_pilots_stay_off_the_board(
    app, client, users
):
    closed = build_pilot(app, _people(8, "in_management", "50-54"))
    running = build_pilot(app, _people(8, "in_management", "50-54"), status="running")
    assert _report(client, users.reviewer, closed)["primary"]["n"] == 8
    board = client.get("/api/v1/evidence", headers=users.reviewer).json
    listed = {p["id"] for p in board["pilots"]}
    assert closed in listed and running not in listed


# --- how withheld groups are shown --------------------------------------------------------------


def test_report_page_says_why_each_group_is_withheld(app, client, users):
    pilot_id = build_pilot(app, v2_people())
    users.login("reviewer@example.com")
    en = client.get(f"/pilots/{pilot_id}/report", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    subgroups = en[en.index('id="subgroups"') : en.index('id="reliability-dose"')]
    assert subgroups.count("n < 5") >= 2 and "withheld to protect a small group" in subgroups
    ja = client.get(f"/pilots/{pilot_id}/report", headers={"Accept-Language": "ja"}).get_data(
        as_text=True
    )
    assert "小さなグループを守るため非表示" in ja


def test_openapi_describes_the_suppression_reason(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    for name in ("Outcome", "Change", "ConcernTable", "Attrition", "Dose", "Reliability"):
        schema = next(s for key, s in schemas.items() if key.startswith(name))
        assert "suppressed_reason" in schema["properties"], name
