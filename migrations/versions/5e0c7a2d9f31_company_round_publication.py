"""company rounds: early close, engagement once, paper links, the frozen publication; drafts
keyed to the browser that saved them

Revision ID: 5e0c7a2d9f31
Revises: 9b3e5d7f2c18
Create Date: 2026-12-04 19:10:00.000000

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "5e0c7a2d9f31"
down_revision = "9b3e5d7f2c18"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("survey_rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("engagement_given_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("paper_links_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("publication", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("round_drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_hash", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("round_drafts", schema=None) as batch_op:
        batch_op.drop_column("key_hash")
    with op.batch_alter_table("survey_rounds", schema=None) as batch_op:
        batch_op.drop_column("published_at")
        batch_op.drop_column("publication")
        batch_op.drop_column("paper_links_at")
        batch_op.drop_column("engagement_given_at")
        batch_op.drop_column("closed_at")
