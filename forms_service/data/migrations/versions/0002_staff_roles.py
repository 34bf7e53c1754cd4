"""A member of staff may hold several roles (a caseworker who also helps citizens fill in
forms): staff_users.role becomes staff_users.roles, a list, each user keeping the role
they had.

Revision 0002, after 0001.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
staff = sa.table(
    "staff_users",
    sa.column("id", sa.Integer),
    sa.column("role", sa.String),
    sa.column("roles", JSON),
)


def upgrade() -> None:
    # NOT NULL needs a value for the rows already there; each gets its own role next.
    op.add_column(
        "staff_users", sa.Column("roles", JSON, nullable=False, server_default=sa.text("'[]'"))
    )
    connection = op.get_bind()
    for user_id, role in connection.execute(sa.select(staff.c.id, staff.c.role)).all():
        connection.execute(staff.update().where(staff.c.id == user_id).values(roles=[role]))
    # A plain DROP COLUMN (SQLite 3.35+): rebuilding the table, as Alembic's batch mode
    # does, would drop a table that submissions and their events refer to.
    op.drop_column("staff_users", "role")


def downgrade() -> None:
    op.add_column(
        "staff_users", sa.Column("role", sa.String(30), nullable=False, server_default="")
    )
    connection = op.get_bind()
    for user_id, roles in connection.execute(sa.select(staff.c.id, staff.c.roles)).all():
        # One role only: an administrator stays one; otherwise the first role they had.
        role = "admin" if "admin" in roles else (roles or ["caseworker"])[0]
        connection.execute(staff.update().where(staff.c.id == user_id).values(role=role))
    op.drop_column("staff_users", "roles")
