"""All database access: browser sessions, drafts and submissions (SQLAlchemy 2.0).

Every public method runs in one transaction of its own, so a failure part-way leaves
nothing half-written. Only portable SQL is used: SQLite is the embedded default and
PostgreSQL (DATABASE_URL) is the production database.
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

JsonType = JSON().with_variant(JSONB(), "postgresql")
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class Base(DeclarativeBase):
    pass


class WebSession(Base):
    """Server-side session data; the browser holds only a random id whose hash is the key."""

    __tablename__ = "web_sessions"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict] = mapped_column(JsonType, default=dict)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True), index=True)


class Draft(Base):
    """A journey in progress: the answers saved so far, page by page."""

    __tablename__ = "drafts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_key: Mapped[str] = mapped_column(String(64), index=True)
    form_id: Mapped[str] = mapped_column(String(100))
    form_version: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(8))
    answers: Mapped[dict] = mapped_column(JsonType, default=dict)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True), index=True)
    submitted_at: Mapped[datetime.datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_drafts_session_form", "session_key", "form_id"),)


class Submission(Base):
    """One completed journey: typed answers plus the definition they were filled against."""

    __tablename__ = "submissions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"))
    form_id: Mapped[str] = mapped_column(String(100), index=True)
    form_version: Mapped[int] = mapped_column(Integer)
    definition: Mapped[dict] = mapped_column(JsonType)
    answers: Mapped[dict] = mapped_column(JsonType)
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True), index=True)

    # One submission per draft: a double-clicked Submit cannot create two.
    __table_args__ = (UniqueConstraint("draft_id", name="uq_submissions_draft"),)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default, ensure_ascii=False)


class StoreError(Exception):
    """The database could not be used; nothing was written."""


class Store:
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
        """Create missing tables; safe to run again (release step)."""
        Base.metadata.create_all(self.engine)

    # -- browser sessions ------------------------------------------------------------------

    def load_web_session(self, key: str, now: datetime.datetime) -> dict | None:
        with self.sessions() as db:
            row = db.get(WebSession, key)
            if row is None or _aware(row.expires_at) <= now:
                return None
            return dict(row.data or {})

    def save_web_session(
        self, key: str, data: Mapping[str, Any], expires_at: datetime.datetime
    ) -> None:
        with self.sessions.begin() as db:
            row = db.get(WebSession, key)
            if row is None:
                db.add(
                    WebSession(key=key, data=dict(data), created_at=utcnow(), expires_at=expires_at)
                )
            else:
                row.data = dict(data)
                row.expires_at = expires_at

    def delete_web_session(self, key: str) -> None:
        with self.sessions.begin() as db:
            db.execute(delete(WebSession).where(WebSession.key == key))

    # -- drafts ----------------------------------------------------------------------------

    def find_draft(self, session_key: str, form_id: str) -> Draft | None:
        with self.sessions() as db:
            return db.scalars(
                select(Draft)
                .where(
                    Draft.session_key == session_key,
                    Draft.form_id == form_id,
                    Draft.submitted_at.is_(None),
                )
                .order_by(Draft.id.desc())
            ).first()

    def update_draft(
        self,
        session_key: str,
        form_id: str,
        form_version: int,
        language: str,
        change: Callable[[dict], dict],
    ) -> Draft:
        """Apply `change` to the session's draft answers (creating the draft if needed).

        The draft row is locked while it changes, so two tabs saving at once cannot lose
        each other's answers.
        """
        with self.sessions.begin() as db:
            draft = db.scalars(
                select(Draft)
                .where(
                    Draft.session_key == session_key,
                    Draft.form_id == form_id,
                    Draft.submitted_at.is_(None),
                )
                .order_by(Draft.id.desc())
                .with_for_update()
            ).first()
            now = utcnow()
            if draft is None:
                draft = Draft(
                    session_key=session_key,
                    form_id=form_id,
                    form_version=form_version,
                    language=language,
                    answers={},
                    created_at=now,
                )
                db.add(draft)
            # Assign a new dict so SQLAlchemy sees the change to the JSON column.
            draft.answers = change(dict(draft.answers or {}))
            draft.language = language
            draft.updated_at = now
        return draft

    # -- submissions -----------------------------------------------------------------------

    def submit(
        self,
        draft_id: int,
        *,
        make_reference: Callable[[], str],
        build: Callable[[Draft], dict[str, Any]],
    ) -> Submission:
        """Turn a draft into its one submission; a second call returns the same submission."""
        for _attempt in range(5):
            try:
                with self.sessions.begin() as db:
                    existing = db.scalars(
                        select(Submission).where(Submission.draft_id == draft_id)
                    ).first()
                    if existing is not None:
                        return existing
                    draft = db.get(Draft, draft_id, with_for_update=True)
                    if draft is None:
                        raise StoreError(f"draft {draft_id} does not exist")
                    now = utcnow()
                    submission = Submission(
                        reference=make_reference(),
                        draft_id=draft.id,
                        started_at=draft.created_at,
                        submitted_at=now,
                        **build(draft),
                    )
                    draft.submitted_at = now
                    db.add(submission)
                return submission
            except IntegrityError:
                # Either the same draft was submitted at the same moment (the retry then finds
                # it), or a reference collided (the retry draws another).
                continue
        raise StoreError("could not store the submission")

    def submission_for_draft(self, draft_id: int) -> Submission | None:
        with self.sessions() as db:
            return db.scalars(select(Submission).where(Submission.draft_id == draft_id)).first()

    def get_submission(self, reference: str) -> Submission | None:
        with self.sessions() as db:
            return db.scalars(select(Submission).where(Submission.reference == reference)).first()

    def count_submissions(self, form_id: str | None = None) -> int:
        with self.sessions() as db:
            query = select(func.count(Submission.id))
            if form_id:
                query = query.where(Submission.form_id == form_id)
            return db.scalar(query) or 0


def new_reference(prefix: str) -> str:
    """PREFIX-XXXX-XXXX from an alphabet with no look-alike characters (40 bits)."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{prefix}-{chars[:4]}-{chars[4:]}"


def _aware(moment: datetime.datetime) -> datetime.datetime:
    # SQLite returns naive datetimes; everything stored is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
