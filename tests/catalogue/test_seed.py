"""The shipped catalogue: coverage of the grid, required entries, idempotence."""

import sqlalchemy as sa

from crossover.catalogue.models import Initiative, Level, ReferenceOption, Venue
from crossover.extensions import db
from crossover.seed import data, seed_all


def test_grid_defaults(ctx):
    assert [v.key for v in db.session.scalars(sa.select(Venue).order_by(Venue.position))] == [
        "internal",
        "group",
        "peer",
        "startup",
        "public",
        "academia",
        "community",
    ]
    assert [lv.key for lv in db.session.scalars(sa.select(Level).order_by(Level.position))] == [
        "loose",
        "middle",
        "firm",
    ]


def test_at_least_50_initiatives_cover_all_21_cells(ctx):
    rows = db.session.scalars(sa.select(Initiative)).all()
    assert len(rows) >= 50
    assert len({(i.venue.key, i.level.key) for i in rows}) == 21
    assert all(i.title_ja and i.title_en and i.description_ja and i.description_en for i in rows)
    assert len({i.title_en for i in rows}) == len(rows)


def test_required_initiatives_sit_in_their_cells(ctx):
    mentoring = db.session.scalar(
        sa.select(Initiative).where(Initiative.key == "community-external-mentoring")
    )
    interview = db.session.scalar(
        sa.select(Initiative).where(Initiative.key == "peer-career-interview")
    )
    assert (mentoring.venue.key, mentoring.level.key) == ("community", "loose")
    assert (interview.venue.key, interview.level.key) == ("peer", "loose")


def test_effect_tags_are_known(ctx):
    known = {key for key, *_ in data.REFERENCE_OPTIONS["effect"]}
    assert all(set(effects) <= known for *_, effects in data.INITIATIVES)


def test_seed_is_idempotent_and_keeps_admin_edits(ctx):
    venue = db.session.scalar(sa.select(Venue).where(Venue.key == "peer"))
    venue.name_en = "Peer companies"
    db.session.commit()
    counts = {
        m: db.session.scalar(sa.select(sa.func.count()).select_from(m))
        for m in (Venue, Level, Initiative, ReferenceOption)
    }
    assert seed_all() == {"grid": 0, "reference_options": 0, "initiatives": 0, "instrument": 0}
    assert counts == {
        m: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in counts
    }
    assert (
        db.session.scalar(sa.select(Venue.name_en).where(Venue.key == "peer")) == "Peer companies"
    )
