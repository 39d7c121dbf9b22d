"""randomised allocation: pilots' allocation, strata and seed; enrollments' stratum and slot

Revision ID: e13a1c0a7d01
Revises: 99ad13a73d56
Create Date: 2026-11-30 22:30:00.000000

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "e13a1c0a7d01"
down_revision = "99ad13a73d56"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pilots", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "allocation",
                sa.Enum(
                    "randomised",
                    "assigned",
                    name="allocation",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("strata", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("allocation_seed", sa.String(length=64), nullable=True))
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stratum", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("allocation_slot", sa.Integer(), nullable=True))
    # Comparison arms stored before this revision were chosen by their owners.
    pilots = sa.table(
        "pilots", sa.column("has_comparison", sa.Boolean()), sa.column("allocation", sa.String())
    )
    op.execute(
        pilots.update().where(pilots.c.has_comparison.is_(True)).values(allocation="assigned")
    )


def downgrade():
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.drop_column("allocation_slot")
        batch_op.drop_column("stratum")
    with op.batch_alter_table("pilots", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_pilots_allocation"), type_="check")
        batch_op.drop_column("allocation_seed")
        batch_op.drop_column("strata")
        batch_op.drop_column("allocation")
