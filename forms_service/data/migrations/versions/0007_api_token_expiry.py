"""API tokens expire: `expires_at` on api_tokens. Tokens made before this get 90 days from
the upgrade, so the systems using them have time to get new ones.

Revision 0007_api_token_expiry, after 0003.
"""

from __future__ import annotations

import datetime

import sqlalchemy as sa
from alembic import op

revision = "0007_api_token_expiry"
down_revision = "0003"
branch_labels = None
depends_on = None

EXISTING_TOKENS_LAST = datetime.timedelta(days=90)


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    tokens = sa.table("api_tokens", sa.column("expires_at", sa.DateTime(timezone=True)))
    until = datetime.datetime.now(datetime.UTC) + EXISTING_TOKENS_LAST
    op.execute(tokens.update().where(tokens.c.expires_at.is_(None)).values(expires_at=until))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
