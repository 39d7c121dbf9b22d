"""outbox messages for company survey roster rows

Revision ID: 7a187f903d86
Revises: c1ef7feae63d
Create Date: 2026-12-01 00:58:12.000000

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "7a187f903d86"
down_revision = "c1ef7feae63d"
branch_labels = None
depends_on = None

TWO_SUBJECTS = "(invitation_id IS NULL) <> (account_link_id IS NULL)"
THREE_SUBJECTS = (
    " + ".join(
        f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)"
        for column in ("invitation_id", "account_link_id", "roster_member_id")
    )
    + " = 1"
)


def upgrade():
    # SQLite cannot alter a table in place: batch mode copies it with the new column and check.
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("roster_member_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_outbox_messages_roster_member_id_kind"), ["roster_member_id", "kind"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_messages_roster_member_id_roster_members"),
            "roster_members",
            ["roster_member_id"],
            ["id"],
        )
        batch_op.drop_constraint(batch_op.f("ck_outbox_messages_one_subject"), type_="check")
        batch_op.create_check_constraint("one_subject", THREE_SUBJECTS)


def downgrade():
    op.execute("DELETE FROM outbox_messages WHERE roster_member_id IS NOT NULL")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_outbox_messages_one_subject"), type_="check")
        batch_op.create_check_constraint("one_subject", TWO_SUBJECTS)
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_messages_roster_member_id_roster_members"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("uq_outbox_messages_roster_member_id_kind"), type_="unique"
        )
        batch_op.drop_column("roster_member_id")
