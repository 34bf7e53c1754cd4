"""The connection to the database: engine, sessions, SQLite settings, errors.

Only portable SQL is used: SQLite is the embedded default and PostgreSQL (DATABASE_URL) is
the production database.
"""

from __future__ import annotations

import datetime
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker


class StoreError(Exception):
    """The database could not be used; nothing was written."""


# Anything that means "the database cannot serve this request" (the 503 page).
DATABASE_ERRORS: tuple[type[Exception], ...] = (SQLAlchemyError, StoreError)


class Database:
    """An engine and a session factory for one DATABASE_URL."""

    def __init__(self, url: str, *, echo: bool = False):
        options: dict[str, Any] = {"json_serializer": _dumps, "echo": echo}
        if url.startswith("sqlite"):
            options["connect_args"] = {"timeout": 30, "check_same_thread": False}
        else:
            options["pool_pre_ping"] = True
        self.engine = create_engine(url, **options)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # gunicorn --preload forks after start-up: a worker must never reuse the parent's
        # pooled connections (two processes on one socket corrupt the conversation).
        os.register_at_fork(after_in_child=lambda: self.engine.dispose(close=False))

    def create_schema(self) -> None:
        """Bring the database's tables up to date (the migrations); safe to run again."""
        from forms_service.data.schema import upgrade

        url = self.engine.url
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)  # a fresh machine
        upgrade(self.engine)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default, ensure_ascii=False)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
