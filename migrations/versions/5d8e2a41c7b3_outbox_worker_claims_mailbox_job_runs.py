"""outbox for the background worker: claims with a lease, retry times, failure kinds; the
development mail box; the last run of each job

Revision ID: 5d8e2a41c7b3
Revises: 5e0c7a2d9f31
Create Date: 2026-12-04 19:30:00.000000

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "5d8e2a41c7b3"
down_revision = "5e0c7a2d9f31"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failure", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("claim", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_outbox_messages_due", ["status", "next_attempt_at"])
    # A pending row was claimed by a run that may have died: its lease now decides. A failed
    # row was waiting for the next run: it is queued again.
    op.execute("UPDATE outbox_messages SET status = 'sending' WHERE status = 'pending'")
    op.execute(
        "UPDATE outbox_messages SET status = 'queued' "
        "WHERE status = 'failed' AND account_link_id IS NULL"
    )
    op.create_table(
        "mailbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailbox_messages")),
    )
    op.create_table(
        "job_runs",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_runs")),
    )


def downgrade():
    op.drop_table("job_runs")
    op.drop_table("mailbox_messages")
    op.execute(
        "UPDATE outbox_messages SET status = 'pending' WHERE status IN ('queued', 'sending')"
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_messages_due")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("claim")
        batch_op.drop_column("failure")
