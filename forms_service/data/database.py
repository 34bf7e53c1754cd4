"""The connection to the database: engine, sessions, SQLite settings, errors.

Only portable SQL is used: SQLite is the embedded default and PostgreSQL (DATABASE_URL) is
the production database.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from forms_service.data import sealing
from forms_service.data.sealing import AnswerKeys


class StoreError(Exception):
    """The database could not be used; nothing was written."""


# Anything that means "the database cannot serve this request" (the 503 page).
DATABASE_ERRORS: tuple[type[Exception], ...] = (SQLAlchemyError, StoreError)


class Database:
    """An engine and a session factory for one DATABASE_URL.

    `keys` seal and open personal data (sealing.py); without them, the keys are those the
    environment gives the service (ANSWERS_KEYS, or the instance folder outside production),
    read when first needed.
    """

    def __init__(self, url: str, *, echo: bool = False, keys: AnswerKeys | None = None):
        options: dict[str, Any] = {"json_serializer": _dumps, "echo": echo}
        if url.startswith("sqlite"):
            options["connect_args"] = {"timeout": 30, "check_same_thread": False}
        else:
            options["pool_pre_ping"] = True
        self.engine = create_engine(url, **options)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._keys = keys
        self.sessions = sessionmaker(
            self.engine, expire_on_commit=False, info={"answer_keys": lambda: self.keys}
        )
        sealing.watch(self.sessions)
        # gunicorn --preload forks after start-up: a worker must never reuse the parent's
        # pooled connections (two processes on one socket corrupt the conversation).
        os.register_at_fork(after_in_child=lambda: self.engine.dispose(close=False))

    @property
    def keys(self) -> AnswerKeys:
        if self._keys is None:
            from forms_service.config import answer_keys_setting

            self._keys = AnswerKeys.from_settings(*answer_keys_setting())
        return self._keys

    def rotate_keys(self, batch: int = 500) -> Iterator[tuple[str, int, int]]:
        """Re-wrap every data key under the first of ANSWERS_KEYS (sealing.py); resumable."""
        return sealing.rewrap_data_keys(self.sessions, self.keys, batch)

    def create_schema(self) -> None:
        """Bring the database's tables up to date (the migrations); safe to run again."""
        from forms_service.data.schema import upgrade

        url = self.engine.url
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)  # a fresh machine
        upgrade(self.engine, keys=lambda: self.keys)


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
