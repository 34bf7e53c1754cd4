"""Assisted digital: a draft can belong to a member of staff filling it in for a citizen,
and a submission records who entered the answers, for whom and how.

Revision 0003, after 0002.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TABLES = ("drafts", "submissions")


def upgrade() -> None:
    for table in TABLES:
        if op.get_bind().dialect.name == "sqlite":
            # SQLite adds a column with a reference in place (Alembic would rebuild the
            # table, dropping one that other tables refer to).
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN staff_user_id INTEGER REFERENCES staff_users (id)"
            )
        else:
            reference = sa.ForeignKey("staff_users.id", name=f"fk_{table}_staff_user_id")
            op.add_column(table, sa.Column("staff_user_id", sa.Integer, reference))
        op.create_index(f"ix_{table}_staff_user_id", table, ["staff_user_id"])
        op.add_column(table, sa.Column("assisted", JSON, nullable=True))


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_staff_user_id", table_name=table)
        if op.get_bind().dialect.name != "sqlite":
            op.drop_constraint(f"fk_{table}_staff_user_id", table, type_="foreignkey")
        op.drop_column(table, "staff_user_id")
        op.drop_column(table, "assisted")
