"""The confirmation email's address a citizen types on the confirmation page (or gives a
member of staff), sealed with the submission like its answers, and how many times one was
asked for: the job is queued with that number, never with the address.

Revision 0012_confirmation_address, after 0011_job_queue.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_confirmation_address"
down_revision = "0011_job_queue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("submissions", sa.Column("confirmation_address_sealed", sa.LargeBinary))
    op.add_column(
        "submissions",
        sa.Column("confirmation_requests", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): a batch rebuild would drop a table others refer to.
    op.drop_column("submissions", "confirmation_requests")
    op.drop_column("submissions", "confirmation_address_sealed")
