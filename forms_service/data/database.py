"""The connection to the database: engine, sessions, SQLite settings, errors.

Only portable SQL is used: SQLite is the embedded default and PostgreSQL (DATABASE_URL) is
the production database.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from forms_service.data import sealing
from forms_service.data.sealing import AnswerKeys


class StoreError(Exception):
    """The database could not be used; nothing was written."""


# Anything that means "the database cannot serve this request" (the 503 page).
DATABASE_ERRORS: tuple[type[Exception], ...] = (SQLAlchemyError, StoreError)


class Sessions:
    """Database sessions: `sessions()` to read, `sessions.begin()` for one write transaction.

    On SQLite a write transaction takes the database's write lock when it begins (BEGIN
    IMMEDIATE): SQLite ignores SELECT ... FOR UPDATE, so a read-then-write that began as a
    plain read could otherwise lose another request's update (two tabs saving at once).
    PostgreSQL locks the rows the FOR UPDATE reads instead.
    """

    def __init__(self, engine: Engine, info: dict[str, Any]):
        # A lone SELECT is its own transaction: no BEGIN and ROLLBACK around it on SQLite.
        self._one_read = engine.execution_options(one_statement=True)
        self._write_engine = engine.execution_options(write_transaction=True)
        self._read = sessionmaker(engine, expire_on_commit=False, info=info)
        self._write = sessionmaker(self._write_engine, expire_on_commit=False, info=info)
        for factory in (self._read, self._write):
            sealing.watch(factory)  # personal data sealed on the way in, opened on the way out

    def __call__(self) -> Session:
        return self._read()

    def begin(self) -> AbstractContextManager[Session]:
        return self._write.begin()

    # The few queries every page runs (its web session, its draft) go through SQLAlchemy
    # Core on a plain connection: the ORM's identity map, unit of work and events cost
    # several times the query itself there. Nothing sealed is opened or sealed for you on
    # these: use sealing.py's functions explicitly.

    def connect(self) -> AbstractContextManager[Connection]:
        """A connection for ONE Core SELECT (several need begin() or a session, to see
        the same state of the database)."""
        return self._one_read.connect()

    def connect_write(self) -> AbstractContextManager[Connection]:
        """One write transaction with Core statements (BEGIN IMMEDIATE on SQLite, as begin())."""
        return self._write_engine.begin()


class Database:
    """An engine and a session factory for one DATABASE_URL.

    `keys` seal and open personal data (sealing.py); without them, the keys are those the
    environment gives the service (ANSWERS_KEYS, or the instance folder outside production),
    read when first needed.
    """

    def __init__(self, url: str, *, echo: bool = False, keys: AnswerKeys | None = None):
        # Bound parameters are answers: never in a log line or an exception's message.
        options: dict[str, Any] = {
            "json_serializer": _dumps,
            "echo": echo,
            "hide_parameters": True,
        }
        if url.startswith("sqlite"):
            options["connect_args"] = {"timeout": 30, "check_same_thread": False}
        else:
            options["pool_pre_ping"] = True
        self.engine = create_engine(url, **options)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        self._keys = keys
        self.sessions = Sessions(self.engine, info={"answer_keys": lambda: self.keys})
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


def _sqlite_connect(connection: Any, _record: Any) -> None:
    # The driver's own transaction handling is off, so _sqlite_begin says how each begins.
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode, NORMAL writes each commit to the log before answering and syncs the log
    # to disk at checkpoints: a killed process (or a crashed worker) loses no committed
    # answer, since the operating system still holds the log; only a power cut or a kernel
    # crash can lose the last commits. FULL would wait for the disk on every page saved.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    options = connection.get_execution_options()
    if options.get("one_statement"):
        return  # SQLite runs a statement outside a transaction in one of its own
    immediate = options.get("write_transaction")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
