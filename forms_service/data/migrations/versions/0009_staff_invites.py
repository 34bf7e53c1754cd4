"""Staff invites: a new member of staff sets their own password from a single-use emailed
link (hash only), instead of the admin who adds them choosing it.

Revision 0009_staff_invites, after 0004_encrypt_answers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_staff_invites"
down_revision = "0004_encrypt_answers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_invites",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("staff_users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_staff_invites_user_id", "staff_invites", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_staff_invites_user_id", table_name="staff_invites")
    op.drop_table("staff_invites")
