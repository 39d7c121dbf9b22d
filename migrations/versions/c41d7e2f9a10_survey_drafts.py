"""survey drafts: answers saved while a participant answers; concern "none" via the seed

Revision ID: c41d7e2f9a10
Revises: 5a80646c36f9
Create Date: 2026-11-30 21:40:00.000000

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "c41d7e2f9a10"
down_revision = "5a80646c36f9"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "survey_drafts",
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("concerns", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitations.id"],
            name=op.f("fk_survey_drafts_invitation_id_invitations"),
        ),
        sa.PrimaryKeyConstraint("invitation_id", name=op.f("pk_survey_drafts")),
    )


def downgrade():
    op.drop_table("survey_drafts")
