"""Bringing a database's schema up to date: the Alembic migrations in migrations/versions.

`forms-service init-db` (the release step) and, outside production, start-up call
`upgrade`. No alembic.ini is needed: the configuration is made here.
"""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's settings, running on `connection` when one is given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations not yet applied, in one transaction where the database allows.

    Safe to run again. A database made before migrations (tables, no alembic_version)
    starts at the first migration, which completes it without losing a row.
    """
    with engine.begin() as connection:
        if revision == "head" and _revision(connection) == head():
            return  # the usual case at start-up: skip loading Alembic's scripts
        command.upgrade(alembic_config(connection), revision)


@functools.cache
def head() -> str | None:
    """The newest migration's revision."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current(engine: Engine) -> str | None:
    """The revision the database is at (None: no migration has run)."""
    with engine.connect() as connection:
        return _revision(connection)


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
