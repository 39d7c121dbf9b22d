"""focus areas on closed company-survey rounds, their actions; pilots started from one (with a
rationale) and enrolling by tenure band

Revision ID: c4f8a1d6e2b7
Revises: 5d8e2a41c7b3
Create Date: 2026-12-04 20:20:00.000000

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "c4f8a1d6e2b7"
down_revision = "5d8e2a41c7b3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "focus_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("company_survey_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("scale", sa.String(length=64), nullable=True),
        sa.Column("item", sa.String(length=64), nullable=True),
        sa.Column("age_band", sa.String(length=16), nullable=True),
        sa.Column("tenure_band", sa.String(length=16), nullable=True),
        sa.Column("unit", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("baseline", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_survey_id"],
            ["company_surveys.id"],
            name=op.f("fk_focus_areas_company_survey_id_company_surveys"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_focus_areas_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_focus_areas_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["survey_rounds.id"], name=op.f("fk_focus_areas_round_id_survey_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_focus_areas")),
    )
    with op.batch_alter_table("focus_areas", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_focus_areas_company_survey_id"), ["company_survey_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_focus_areas_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_focus_areas_round_id"), ["round_id"], unique=False)

    op.create_table(
        "focus_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("focus_area_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.String(length=500), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "ends_on >= starts_on", name=op.f("ck_focus_actions_action_dates_in_order")
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'in_progress', 'done', 'dropped')",
            name=op.f("ck_focus_actions_action_status"),
        ),
        sa.ForeignKeyConstraint(
            ["focus_area_id"],
            ["focus_areas.id"],
            name=op.f("fk_focus_actions_focus_area_id_focus_areas"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_focus_actions")),
    )
    with op.batch_alter_table("focus_actions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_focus_actions_focus_area_id"), ["focus_area_id"], unique=False
        )

    with op.batch_alter_table("pilots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("eligible_tenure_bands", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("focus_area_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("rationale", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_pilots_focus_area_id"), ["focus_area_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_pilots_focus_area_id_focus_areas"),
            "focus_areas",
            ["focus_area_id"],
            ["id"],
        )
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tenure_band", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.drop_column("tenure_band")
    with op.batch_alter_table("pilots", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_pilots_focus_area_id_focus_areas"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_pilots_focus_area_id"))
        batch_op.drop_column("rationale")
        batch_op.drop_column("focus_area_id")
        batch_op.drop_column("eligible_tenure_bands")
    with op.batch_alter_table("focus_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_focus_actions_focus_area_id"))
    op.drop_table("focus_actions")
    with op.batch_alter_table("focus_areas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_focus_areas_round_id"))
        batch_op.drop_index(batch_op.f("ix_focus_areas_organization_id"))
        batch_op.drop_index(batch_op.f("ix_focus_areas_company_survey_id"))
    op.drop_table("focus_areas")
