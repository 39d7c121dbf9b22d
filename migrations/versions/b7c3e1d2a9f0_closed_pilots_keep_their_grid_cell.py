"""closed pilots keep their grid cell

Revision ID: b7c3e1d2a9f0
Revises: c41d7e2f9a10
Create Date: 2026-11-23 09:00:00.000000

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "b7c3e1d2a9f0"
down_revision = "c41d7e2f9a10"
branch_labels = None
depends_on = None


def _backfill():
    """Closed pilots stored before this revision keep the cell their initiative has now: the
    best record there is of where they ran."""
    pilots = sa.table(
        "pilots",
        sa.column("initiative_id"),
        sa.column("status"),
        sa.column("closed_venue_id"),
        sa.column("closed_level_id"),
    )
    initiatives = sa.table(
        "initiatives", sa.column("id"), sa.column("venue_id"), sa.column("level_id")
    )
    of_initiative = initiatives.c.id == pilots.c.initiative_id
    op.execute(
        pilots.update()
        .where(pilots.c.status == "closed")
        .values(
            closed_venue_id=sa.select(initiatives.c.venue_id)
            .where(of_initiative)
            .scalar_subquery(),
            closed_level_id=sa.select(initiatives.c.level_id)
            .where(of_initiative)
            .scalar_subquery(),
        )
    )


def upgrade():
    with op.batch_alter_table("pilots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_venue_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("closed_level_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_pilots_closed_venue_id_venues"), "venues", ["closed_venue_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_pilots_closed_level_id_levels"), "levels", ["closed_level_id"], ["id"]
        )
    _backfill()


def downgrade():
    with op.batch_alter_table("pilots", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_pilots_closed_level_id_levels"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_pilots_closed_venue_id_venues"), type_="foreignkey")
        batch_op.drop_column("closed_level_id")
        batch_op.drop_column("closed_venue_id")
