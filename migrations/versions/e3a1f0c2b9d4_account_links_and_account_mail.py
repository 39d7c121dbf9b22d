"""account links (one-time setup and reset) and account mail in the outbox

Revision ID: e3a1f0c2b9d4
Revises: e13a1c0a7d01
Create Date: 2026-11-30 22:30:00.000000

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "e3a1f0c2b9d4"
down_revision = "e13a1c0a7d01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "account_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=8), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_account_links_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_account_links_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_links_token_hash")),
    )
    with op.batch_alter_table("account_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_links_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("account_link_id", sa.Integer(), nullable=True))
        batch_op.alter_column("invitation_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(
            batch_op.f("ix_outbox_messages_account_link_id"), ["account_link_id"], unique=True
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_messages_account_link_id_account_links"),
            "account_links",
            ["account_link_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            "one_subject", "(invitation_id IS NULL) <> (account_link_id IS NULL)"
        )


def downgrade():
    op.execute("DELETE FROM outbox_messages WHERE invitation_id IS NULL")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_outbox_messages_one_subject"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_messages_account_link_id_account_links"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_outbox_messages_account_link_id"))
        batch_op.alter_column("invitation_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("account_link_id")

    with op.batch_alter_table("account_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_links_user_id"))

    op.drop_table("account_links")
