"""All database access: browser sessions, drafts and submissions (SQLAlchemy 2.0).

Every public method runs in one transaction of its own, so a failure part-way leaves
nothing half-written. Only portable SQL is used: SQLite is the embedded default and
PostgreSQL (DATABASE_URL) is the production database.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import secrets
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

JsonType = JSON().with_variant(JSONB(), "postgresql")
RECEIVED = "received"
STATUSES = ("received", "in_progress", "more_information_needed", "accepted", "rejected")
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
    # Kept until then (the form's retention_days after the last save), then purged.
    expires_at: Mapped[datetime.datetime | None] = mapped_column(
        DateTime(timezone=True), index=True
    )
    resume_email: Mapped[str | None] = mapped_column(String(320), index=True)

    __table_args__ = (Index("ix_drafts_session_form", "session_key", "form_id"),)


class StaffUser(Base):
    """A member of staff. Passwords are argon2 hashes; sso_subject is for single sign-on."""

    __tablename__ = "staff_users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))  # caseworker, assisted_digital, admin
    forms: Mapped[list] = mapped_column(JsonType, default=list)  # form ids; admins see all
    password_hash: Mapped[str | None] = mapped_column(String(200))
    sso_subject: Mapped[str | None] = mapped_column(String(200), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    last_sign_in_at: Mapped[datetime.datetime | None] = mapped_column(DateTime(timezone=True))


class SubmissionEvent(Base):
    """The timeline of one submission: received, status changes, notes, assignment."""

    __tablename__ = "submission_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    actor: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))  # received, status, assigned, note
    detail: Mapped[dict] = mapped_column(JsonType, default=dict)


class AuditEvent(Base):
    """Append-only record of access to personal data: who, what, when, from where.

    Never holds answers; nothing in the service updates or deletes these rows.
    """

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(200))  # "staff:3 jo@x", "api:2 case system"
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str | None] = mapped_column(String(200))
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JsonType, default=dict)


class ApiToken(Base):
    """A bearer token for other systems; only its hash is kept."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    forms: Mapped[list] = mapped_column(JsonType, default=list)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime.datetime | None] = mapped_column(DateTime(timezone=True))


class StoredPdf(Base):
    """A submission's PDF, made once; the hash says which rendition code made it."""

    __tablename__ = "stored_pdfs"
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))


class ResumeToken(Base):
    """A single-use "continue your application" link; only a hash of the token is kept."""

    __tablename__ = "resume_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime.datetime | None] = mapped_column(DateTime(timezone=True))


class RateLimit(Base):
    """Requests counted per key (an email hash, an IP address) in a fixed time window."""

    __tablename__ = "rate_limits"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    count: Mapped[int] = mapped_column(Integer)


class FormVersion(Base):
    """Every version of every definition the service has run, for answers saved against it."""

    __tablename__ = "form_versions"
    form_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    definition: Mapped[dict] = mapped_column(JsonType)
    first_seen: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))


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
    # Caseworking: where it is in the workflow, who has it, and when a decision is due.
    status: Mapped[str | None] = mapped_column(String(30), index=True, default=RECEIVED)
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    due_on: Mapped[datetime.date | None] = mapped_column(Date, index=True)
    applicant_name: Mapped[str | None] = mapped_column(String(200), index=True)

    # One submission per draft: a double-clicked Submit cannot create two.
    __table_args__ = (
        UniqueConstraint("draft_id", name="uq_submissions_draft"),
        # The inbox: one form's submissions, newest first; open work by due date.
        Index("ix_submissions_form_submitted", "form_id", "submitted_at"),
        Index("ix_submissions_status_due", "status", "due_on"),
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default, ensure_ascii=False)


class CaseworkStore:
    """Staff, caseworking, audit and API queries: mixed into Store, kept apart for reading."""

    sessions: Any

    # -- staff -----------------------------------------------------------------------------

    def create_user(
        self, email: str, name: str, role: str, forms: list[str], password_hash: str | None
    ) -> StaffUser:
        with self.sessions.begin() as db:
            user = StaffUser(
                email=email.lower(),
                name=name,
                role=role,
                forms=list(forms),
                password_hash=password_hash,
                active=True,
                failed_sign_ins=0,
                created_at=utcnow(),
            )
            db.add(user)
        return user

    def user(self, user_id: int) -> StaffUser | None:
        with self.sessions() as db:
            return db.get(StaffUser, user_id)

    def user_by_email(self, email: str) -> StaffUser | None:
        with self.sessions() as db:
            return db.scalars(select(StaffUser).where(StaffUser.email == email.lower())).first()

    def users(self) -> list[StaffUser]:
        with self.sessions() as db:
            return list(db.scalars(select(StaffUser).order_by(StaffUser.email)))

    def update_user(self, user_id: int, **changes: Any) -> None:
        with self.sessions.begin() as db:
            user = db.get(StaffUser, user_id)
            for key, value in changes.items():
                setattr(user, key, value)

    def record_sign_in(
        self,
        user_id: int,
        ok: bool,
        now: datetime.datetime,
        max_failures: int,
        lock_for: datetime.timedelta,
    ) -> None:
        """Count failures; lock the account for a while after too many in a row."""
        with self.sessions.begin() as db:
            user = db.get(StaffUser, user_id, with_for_update=True)
            if ok:
                user.failed_sign_ins, user.locked_until, user.last_sign_in_at = 0, None, now
                return
            user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
            if user.failed_sign_ins >= max_failures:
                user.locked_until, user.failed_sign_ins = now + lock_for, 0

    # -- caseworking -----------------------------------------------------------------------

    def find_submissions(
        self,
        *,
        forms: list[str] | None,
        status: str | None = None,
        submitted_from: datetime.date | None = None,
        submitted_to: datetime.date | None = None,
        assigned_to: int | None = None,
        query: str | None = None,
        overdue_on: datetime.date | None = None,
        sort: str = "submitted",
        descending: bool = True,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[list[Submission], int]:
        """A page of submissions for the inbox, and how many match in all."""
        where = []
        if forms is not None:
            where.append(Submission.form_id.in_(forms))
        if status:
            where.append(Submission.status == status)
        if submitted_from:
            where.append(Submission.submitted_at >= _day_start(submitted_from))
        if submitted_to:
            where.append(
                Submission.submitted_at < _day_start(submitted_to + datetime.timedelta(days=1))
            )
        if assigned_to:
            where.append(Submission.assigned_to == assigned_to)
        if overdue_on:
            where += [
                Submission.due_on < overdue_on,
                Submission.status.in_(("received", "in_progress", "more_information_needed")),
            ]
        if query:
            text_ = query.strip()
            if _looks_like_reference(text_):  # an exact, indexed match: instant at any size
                where.append(Submission.reference == text_.upper())
            else:
                where.append(Submission.applicant_name.ilike(f"%{_like(text_)}%", escape="\\"))
        columns = {
            "submitted": Submission.submitted_at,
            "reference": Submission.reference,
            "form": Submission.form_id,
            "status": Submission.status,
            "due": Submission.due_on,
            "name": Submission.applicant_name,
        }
        column = columns.get(sort, Submission.submitted_at)
        order = column.desc() if descending else column.asc()
        with self.sessions() as db:
            total = db.scalar(select(func.count(Submission.id)).where(*where)) or 0
            rows = db.scalars(
                select(Submission)
                .where(*where)
                .order_by(order, Submission.id.desc())
                .offset(offset)
                .limit(limit)
            ).all()
        return list(rows), total

    def submission_for(self, reference: str, forms: list[str] | None) -> Submission | None:
        """A submission by reference, only if it belongs to one of these forms (None: any)."""
        with self.sessions() as db:
            query = select(Submission).where(Submission.reference == reference)
            if forms is not None:
                query = query.where(Submission.form_id.in_(forms))
            return db.scalars(query).first()

    def change_status(
        self, submission_id: int, status: str, note: str, actor_id: int | None, actor: str
    ) -> None:
        with self.sessions.begin() as db:
            row = db.get(Submission, submission_id, with_for_update=True)
            before = row.status or RECEIVED
            row.status = status
            _event(
                db, row.id, "status", actor_id, actor, {"from": before, "to": status, "note": note}
            )

    def assign(
        self, submission_id: int, user_id: int | None, actor_id: int | None, actor: str
    ) -> None:
        with self.sessions.begin() as db:
            row = db.get(Submission, submission_id, with_for_update=True)
            row.assigned_to = user_id
            _event(db, row.id, "assigned", actor_id, actor, {"to": user_id})

    def add_note(self, submission_id: int, note: str, actor_id: int | None, actor: str) -> None:
        with self.sessions.begin() as db:
            _event(db, submission_id, "note", actor_id, actor, {"note": note})

    def events(self, submission_id: int) -> list[SubmissionEvent]:
        with self.sessions() as db:
            return list(
                db.scalars(
                    select(SubmissionEvent)
                    .where(SubmissionEvent.submission_id == submission_id)
                    .order_by(SubmissionEvent.at.desc(), SubmissionEvent.id.desc())
                )
            )

    def stored_pdf(self, submission_id: int, content_hash: str) -> bytes | None:
        with self.sessions() as db:
            row = db.get(StoredPdf, submission_id)
            return row.pdf if row is not None and row.content_hash == content_hash else None

    def store_pdf(self, submission_id: int, content_hash: str, pdf: bytes) -> None:
        with self.sessions.begin() as db:
            row = db.get(StoredPdf, submission_id)
            if row is None:
                db.add(
                    StoredPdf(
                        submission_id=submission_id,
                        content_hash=content_hash,
                        pdf=pdf,
                        created_at=utcnow(),
                    )
                )
            else:
                row.content_hash, row.pdf, row.created_at = content_hash, pdf, utcnow()

    # -- audit and API ---------------------------------------------------------------------

    def audit(
        self,
        actor: str,
        action: str,
        target: str | None = None,
        ip: str | None = None,
        **detail: Any,
    ) -> None:
        with self.sessions.begin() as db:
            db.add(
                AuditEvent(
                    at=utcnow(), actor=actor, action=action, target=target, ip=ip, detail=detail
                )
            )

    def audit_events(self, offset: int = 0, limit: int = 100) -> tuple[list[AuditEvent], int]:
        with self.sessions() as db:
            total = db.scalar(select(func.count(AuditEvent.id))) or 0
            rows = db.scalars(
                select(AuditEvent).order_by(AuditEvent.id.desc()).offset(offset).limit(limit)
            ).all()
        return list(rows), total

    def create_api_token(self, name: str, forms: list[str], token_hash: str) -> ApiToken:
        with self.sessions.begin() as db:
            token = ApiToken(
                name=name, forms=list(forms), token_hash=token_hash, created_at=utcnow()
            )
            db.add(token)
        return token

    def api_token(self, token_hash: str) -> ApiToken | None:
        with self.sessions.begin() as db:
            token = db.scalars(
                select(ApiToken).where(
                    ApiToken.token_hash == token_hash, ApiToken.revoked_at.is_(None)
                )
            ).first()
            if token is not None:
                token.last_used_at = utcnow()
            return token


class StoreError(Exception):
    """The database could not be used; nothing was written."""


class Store(CaseworkStore):
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
        """Create missing tables and add missing columns; safe to run again (release step).

        New columns are added as nullable, which covers the additive changes this service
        makes between releases without a migration tool.
        """
        Base.metadata.create_all(self.engine)
        existing = inspect(self.engine)
        with self.engine.begin() as connection:
            for table in Base.metadata.sorted_tables:
                present = {c["name"] for c in existing.get_columns(table.name)}
                for column in table.columns:
                    if column.name not in present:
                        kind = column.type.compile(dialect=self.engine.dialect)
                        connection.execute(
                            text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}')
                        )

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
        retention_days: int = 28,
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
            draft.form_version = form_version  # answers are migrated before any change
            draft.updated_at = now
            draft.expires_at = now + datetime.timedelta(days=retention_days)
        return draft

    # -- save and return -------------------------------------------------------------------

    def set_resume_email(self, draft_id: int, email: str) -> None:
        with self.sessions.begin() as db:
            db.get(Draft, draft_id).resume_email = email.lower()

    def issue_resume_token(
        self, draft_id: int, token_hash: str, expires_at: datetime.datetime
    ) -> None:
        """Store a new link's hash; earlier unused links for the draft expire now."""
        now = utcnow()
        with self.sessions.begin() as db:
            db.execute(
                update(ResumeToken)
                .where(ResumeToken.draft_id == draft_id, ResumeToken.used_at.is_(None))
                .values(expires_at=now)
            )
            db.add(
                ResumeToken(
                    draft_id=draft_id, token_hash=token_hash, created_at=now, expires_at=expires_at
                )
            )

    def resume_token_status(
        self, token_hash: str, now: datetime.datetime
    ) -> tuple[str, Draft | None]:
        """'ok', 'unknown', 'used', 'expired' or 'gone' (the draft was sent or deleted)."""
        with self.sessions() as db:
            token = db.scalars(
                select(ResumeToken).where(ResumeToken.token_hash == token_hash)
            ).first()
            return _token_status(db, token, now)

    def use_resume_token(
        self, token_hash: str, session_key: str, now: datetime.datetime
    ) -> tuple[str, Draft | None]:
        """Spend a link: the draft moves to this browser session and no other can write it."""
        with self.sessions.begin() as db:
            token = db.scalars(
                select(ResumeToken).where(ResumeToken.token_hash == token_hash).with_for_update()
            ).first()
            status, draft = _token_status(db, token, now)
            if status != "ok":
                return status, None
            token.used_at = now
            # Another draft of the same form in this browser would hide the resumed one.
            for other in db.scalars(
                select(Draft).where(
                    Draft.session_key == session_key,
                    Draft.form_id == draft.form_id,
                    Draft.submitted_at.is_(None),
                    Draft.id != draft.id,
                )
            ):
                other.session_key = f"abandoned:{other.id}"
            draft.session_key = session_key
            draft.updated_at = now
            return "ok", draft

    def drafts_for_email(self, email: str, now: datetime.datetime) -> list[Draft]:
        with self.sessions() as db:
            return list(
                db.scalars(
                    select(Draft).where(
                        Draft.resume_email == email.lower(),
                        Draft.submitted_at.is_(None),
                        Draft.expires_at > now,
                    )
                )
            )

    def hit(self, key: str, limit: int, window: datetime.timedelta) -> bool:
        """Count one request for `key`; False when over `limit` in the current window."""
        now = utcnow()
        for _attempt in range(3):
            try:
                with self.sessions.begin() as db:
                    row = db.get(RateLimit, key, with_for_update=True)
                    if row is None:
                        db.add(RateLimit(key=key, window_start=now, count=1))
                        return True
                    if _aware(row.window_start) + window <= now:
                        row.window_start, row.count = now, 1
                        return True
                    row.count += 1
                    return row.count <= limit
            except IntegrityError:
                continue  # two first requests at once: count again
        return False

    # -- definition versions ---------------------------------------------------------------

    def record_form_versions(self, snapshots: Mapping[tuple[str, int], dict]) -> None:
        """Keep each definition version the service runs, once."""
        with self.sessions.begin() as db:
            known = set(db.execute(select(FormVersion.form_id, FormVersion.version)).all())
            for (form_id, version), snapshot in snapshots.items():
                if (form_id, version) not in known:
                    db.add(
                        FormVersion(
                            form_id=form_id,
                            version=version,
                            definition=snapshot,
                            first_seen=utcnow(),
                        )
                    )

    def form_version(self, form_id: str, version: int) -> dict | None:
        with self.sessions() as db:
            row = db.get(FormVersion, (form_id, version))
            return row.definition if row else None

    # -- retention -------------------------------------------------------------------------

    def purge(self, now: datetime.datetime) -> dict[str, int]:
        """Delete drafts past their retention (with their links), and ended sessions."""
        with self.sessions.begin() as db:
            old = select(Draft.id).where(Draft.submitted_at.is_(None), Draft.expires_at < now)
            tokens = db.execute(delete(ResumeToken).where(ResumeToken.draft_id.in_(old)))
            drafts = db.execute(
                delete(Draft).where(Draft.submitted_at.is_(None), Draft.expires_at < now)
            )
            sessions = db.execute(delete(WebSession).where(WebSession.expires_at < now))
            limits = db.execute(
                delete(RateLimit).where(RateLimit.window_start < now - datetime.timedelta(days=1))
            )
        return {
            "drafts": drafts.rowcount,
            "resume links": tokens.rowcount,
            "sessions": sessions.rowcount,
            "rate limit counters": limits.rowcount,
        }

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
                    db.flush()
                    db.add(
                        SubmissionEvent(
                            submission_id=submission.id,
                            at=now,
                            actor="citizen",
                            kind="received",
                            detail={"channel": submission.channel},
                        )
                    )
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


REFERENCE_SHAPE = re.compile(r"^[A-Za-z]{2,4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$")


def _event(
    db: Any, submission_id: int, kind: str, actor_id: int | None, actor: str, detail: dict[str, Any]
) -> None:
    """Add one entry to a submission's timeline, in the caller's transaction."""
    db.add(
        SubmissionEvent(
            submission_id=submission_id,
            at=utcnow(),
            actor_id=actor_id,
            actor=actor,
            kind=kind,
            detail=detail,
        )
    )


def _looks_like_reference(text_: str) -> bool:
    """PVB-7K3M-Q9TX, or anything with a hyphen and a digit and no space (names have none)."""
    if REFERENCE_SHAPE.match(text_):
        return True
    return "-" in text_ and " " not in text_ and any(c.isdigit() for c in text_)


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


def _like(text_: str) -> str:
    return text_.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _token_status(
    db: Any, token: ResumeToken | None, now: datetime.datetime
) -> tuple[str, Draft | None]:
    if token is None:
        return "unknown", None
    if token.used_at is not None:
        return "used", None
    if _aware(token.expires_at) <= now:
        return "expired", None
    draft = db.get(Draft, token.draft_id)
    if draft is None or draft.submitted_at is not None:
        return "gone", None
    return "ok", draft


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
