"""Bringing a database's schema up to date: the Alembic migrations in migrations/versions.

`forms-service init-db` (the release step) and, outside production, start-up call
`upgrade`. No alembic.ini is needed: the configuration is made here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(
    connection: Connection | None = None, keys: Callable[[], Any] | None = None
) -> Config:
    """Alembic's settings, running on `connection` when one is given. `keys` gives the
    answer keys to migrations that seal rows (called only if there are rows to seal)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    if keys is not None:
        config.attributes["answer_keys"] = keys
    return config


def upgrade(
    engine: Engine, revision: str = "head", *, keys: Callable[[], Any] | None = None
) -> None:
    """Run the migrations not yet applied, in one transaction where the database allows.

    Safe to run again. A database made before migrations (tables, no alembic_version)
    starts at the first migration, which completes it without losing a row.
    """
    with engine.begin() as connection:
        if revision == "head" and _revision(connection) == head():
            return  # the usual case at start-up: skip loading Alembic's scripts
        command.upgrade(alembic_config(connection, keys), revision)


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


def ours(name: str | None, _type: str, _parent: Any) -> bool:
    """Whether a database object is the models' (for comparing with them): procrastinate's
    tables and indexes (migration 0011, PostgreSQL only) are its own."""
    return not (name or "").startswith(("procrastinate_", "idx_procrastinate_"))


def drop_everything(engine: Engine) -> None:
    """Every table gone, and on PostgreSQL procrastinate's functions and types too (a test
    database starting again from nothing)."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
        return
    tables = MetaData()
    tables.reflect(engine)
    tables.drop_all(engine)
