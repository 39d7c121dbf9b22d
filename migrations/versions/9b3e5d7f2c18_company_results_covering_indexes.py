"""company results: covering indexes for a round's roster by band and its packed responses

Revision ID: 9b3e5d7f2c18
Revises: 4c2d9e7b1a05
Create Date: 2026-12-01 03:40:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "9b3e5d7f2c18"
down_revision = "4c2d9e7b1a05"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_roster_members_round_bands",
        "roster_members",
        ["round_id", "age_band", "tenure_band", "unit", "id", "engagement"],
    )
    op.create_index("ix_round_responses_round_packed", "round_responses", ["round_id", "packed"])


def downgrade():
    op.drop_index("ix_round_responses_round_packed", table_name="round_responses")
    op.drop_index("ix_roster_members_round_bands", table_name="roster_members")
