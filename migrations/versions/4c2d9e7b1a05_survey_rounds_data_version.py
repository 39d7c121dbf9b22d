"""survey rounds: a data version bumped by roster and engagement uploads

Revision ID: 4c2d9e7b1a05
Revises: 7a187f903d86
Create Date: 2026-12-01 02:00:00.000000

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "4c2d9e7b1a05"
down_revision = "7a187f903d86"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("survey_rounds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("data_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("survey_rounds", schema=None) as batch_op:
        batch_op.drop_column("data_version")
