"""Two-factor sign-in for staff: the authenticator's secret, when it was set up and the last
time step used on staff_users, and a table of one-time recovery codes (hashes only).

Revision 0005_staff_two_factor, after 0003.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_staff_two_factor"
down_revision = "0006_retention"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain nullable ADD COLUMNs, in place on SQLite too (a batch rebuild would drop a table
    # that submissions refer to); every existing account simply has no second factor yet.
    op.add_column("staff_users", sa.Column("two_factor_secret", sa.String(200), nullable=True))
    op.add_column(
        "staff_users",
        sa.Column("two_factor_enabled_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.add_column("staff_users", sa.Column("two_factor_last_step", sa.Integer, nullable=True))
    op.create_table(
        "staff_recovery_codes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("staff_users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_staff_recovery_codes_user_id", "staff_recovery_codes", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_staff_recovery_codes_user_id", table_name="staff_recovery_codes")
    op.drop_table("staff_recovery_codes")
    for column in ("two_factor_last_step", "two_factor_enabled_at", "two_factor_secret"):
        op.drop_column("staff_users", column)
