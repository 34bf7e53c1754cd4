"""The database tables, as SQLAlchemy models: one class a table.

Changing one needs a migration too (README: "Changing the database"); a test fails while
the models and the migrations disagree.
"""

from __future__ import annotations

import datetime

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
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from forms_service.data.sealing import Sealed, SealedRecord
from forms_service.roles import ADMIN
from forms_service.statuses import RECEIVED

# JSONB on PostgreSQL (indexable, compact), JSON text on SQLite.
JsonType = JSON().with_variant(JSONB(), "postgresql")


# What `assisted` holds on a draft and its submission: the staff member's name at the time,
# the citizen's name as they gave it, the method (telephone, face_to_face, paper, other), a
# note (for "other"), and when the staff member handed the draft to the citizen, if they did.
ASSISTED_KEYS = ("staff_name", "citizen_name", "method", "note", "handed_over_at")


class Base(DeclarativeBase):
    pass


class WebSession(Base):
    """Server-side session data; the browser holds only a random id whose hash is the key."""

    __tablename__ = "web_sessions"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict] = mapped_column(JsonType, default=dict)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True), index=True)


class Draft(SealedRecord, Base):
    """A journey in progress: the answers saved so far, page by page.

    answers, resume_email and assisted are sealed (sealing.py): read and assign them as
    plain values; the database holds only ciphertext and a blind index of the email.
    """

    __tablename__ = "drafts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_key: Mapped[str] = mapped_column(String(64), index=True)
    form_id: Mapped[str] = mapped_column(String(100))
    form_version: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(8))
    answers = Sealed("json")
    answers_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True), index=True)
    submitted_at: Mapped[datetime.datetime | None] = mapped_column(DateTime(timezone=True))
    # Kept until then (the form's retention_days after the last save), then purged.
    expires_at: Mapped[datetime.datetime | None] = mapped_column(
        DateTime(timezone=True), index=True
    )
    resume_email = Sealed("text", index="resume_email_index")
    resume_email_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    resume_email_index: Mapped[str | None] = mapped_column(String(64), index=True)
    # Assisted digital: the member of staff filling it in for a citizen, and how (see
    # ASSISTED_KEYS). The draft then belongs to them, not to a browser session.
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    assisted = Sealed("json")
    assisted_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The journey's random id in the performance events (journey_events.journey): never the
    # session key nor this row's id, so an event cannot be joined to a draft's answers by
    # anyone without the draft itself. Set when the draft is first saved.
    journey: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (
        Index("ix_drafts_session_form", "session_key", "form_id"),
        # One open draft per session and form: two tabs saving at once share it.
        Index(
            "uq_drafts_one_open",
            "session_key",
            "form_id",
            unique=True,
            sqlite_where=text("submitted_at IS NULL"),
            postgresql_where=text("submitted_at IS NULL"),
        ),
    )


class StaffUser(SealedRecord, Base):
    """A member of staff. Passwords are argon2 hashes; sso_subject is for single sign-on;
    the authenticator's secret is sealed like answers (a copy of the database must not give
    anyone a second factor)."""

    __tablename__ = "staff_users"
    __sealed_scope__ = "id"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Some of forms_service.roles.ROLES: a caseworker may also help citizens fill in forms.
    roles: Mapped[list] = mapped_column(JsonType, default=list, server_default=text("'[]'"))
    forms: Mapped[list] = mapped_column(JsonType, default=list)  # form ids; admins see all
    password_hash: Mapped[str | None] = mapped_column(String(200))
    sso_subject: Mapped[str | None] = mapped_column(String(200), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Wrong passwords or security codes in a row; after STAFF_MAX_FAILED_SIGN_INS of them,
    # sign-ins are refused until locked_until, a delay that doubles with each further one.
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime.datetime | None] = mapped_column(DateTime(timezone=True))
    # Two-factor sign-in (forms_service/two_factor.py): the authenticator's TOTP secret,
    # when its set-up was confirmed, and the last time step used (a code works once).
    two_factor_secret = Sealed("text")
    two_factor_secret_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    two_factor_enabled_at: Mapped[datetime.datetime | None] = mapped_column(DateTime(timezone=True))
    two_factor_last_step: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    last_sign_in_at: Mapped[datetime.datetime | None] = mapped_column(DateTime(timezone=True))

    def has_role(self, *roles: str) -> bool:
        """Whether they hold any of these roles."""
        return any(role in (self.roles or []) for role in roles)

    @property
    def is_admin(self) -> bool:
        return self.has_role(ADMIN)

    @property
    def has_two_factor(self) -> bool:
        return self.two_factor_enabled_at is not None and bool(self.two_factor_secret)


class RecoveryCode(Base):
    """A one-time code that stands in for a lost authenticator; only its hash is kept."""

    __tablename__ = "staff_recovery_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime.datetime | None] = mapped_column(DateTime(timezone=True))


class SubmissionEvent(SealedRecord, Base):
    """The timeline of one submission: received, status changes, notes, assignment.

    A caseworker's note (on a note or a status change) is sealed; detail holds the rest.
    """

    __sealed_scope__ = "submission_id"

    __tablename__ = "submission_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    actor: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))  # received, status, assigned, note
    detail: Mapped[dict] = mapped_column(JsonType, default=dict)
    note = Sealed("text")
    note_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)


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


class StaffInvite(Base):
    """A single-use link for a new member of staff to set their own password (the admin
    who adds them never chooses it); only a hash of the token is kept."""

    __tablename__ = "staff_invites"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime.datetime | None] = mapped_column(DateTime(timezone=True))


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
    # After this the token is refused like a revoked one (set on every token made now).
    expires_at: Mapped[datetime.datetime | None] = mapped_column(DateTime(timezone=True))


class StoredPdf(SealedRecord, Base):
    """A submission's PDF, made once; the hash says which rendition code made it. Sealed."""

    __tablename__ = "stored_pdfs"
    __sealed_id__ = "submission_id"
    __sealed_scope__ = "submission_id"
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    pdf = Sealed("bytes")
    pdf_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))


class PaperPdf(Base):
    """A blank paper form (a definition's paper_form PDF) the service has run, by its hash.

    Kept for good: a submission is filled into the PDF its snapshot names, even after the
    file beside the definition changed or the form was removed. Not personal data.
    """

    __tablename__ = "paper_pdfs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    file: Mapped[str] = mapped_column(String(300))  # as paper_form's `file` names it
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    first_seen: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))


class StoredPaperPdf(SealedRecord, Base):
    """A submission filled into its paper form, made once; the hash says from what (the
    answers, the snapshot and the filler's version). Sealed: it holds the answers."""

    __tablename__ = "stored_paper_pdfs"
    __sealed_id__ = "submission_id"
    __sealed_scope__ = "submission_id"
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    pdf = Sealed("bytes")
    pdf_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
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


class Submission(SealedRecord, Base):
    """One completed journey: typed answers plus the definition they were filled against.

    answers, applicant_name and assisted are sealed (sealing.py); the inbox finds a name by
    its blind index, applicant_index.
    """

    __tablename__ = "submissions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"))
    form_id: Mapped[str] = mapped_column(String(100), index=True)
    form_version: Mapped[int] = mapped_column(Integer)
    definition: Mapped[dict] = mapped_column(JsonType)
    answers = Sealed("json")
    answers_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True), index=True)
    # Caseworking: where it is in the workflow, who has it, and when a decision is due.
    status: Mapped[str | None] = mapped_column(String(30), index=True, default=RECEIVED)
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    due_on: Mapped[datetime.date | None] = mapped_column(Date, index=True)
    applicant_name = Sealed("text", index="applicant_index")
    applicant_name_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    applicant_index: Mapped[str | None] = mapped_column(String(64), index=True)
    # When it was last decided (a status in DECIDED_STATUSES; None while open): the form's
    # retention counts from here, or from submitted_at while undecided.
    decided_at: Mapped[datetime.datetime | None] = mapped_column(
        DateTime(timezone=True), index=True
    )
    # Assisted digital: who entered the answers, for whom and how (see ASSISTED_KEYS);
    # None for a citizen's own.
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    assisted = Sealed("json")
    assisted_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    # An address typed on the confirmation page (or given to staff) for the confirmation
    # email, sealed; and how many times one was asked for (data/deliveries.py).
    confirmation_address = Sealed("text")
    confirmation_address_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    confirmation_requests: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    # One submission per draft: a double-clicked Submit cannot create two.
    __table_args__ = (
        UniqueConstraint("draft_id", name="uq_submissions_draft"),
        # The inbox: one form's submissions, newest first; open work by due date.
        Index("ix_submissions_form_submitted", "form_id", "submitted_at"),
        Index("ix_submissions_status_due", "status", "due_on"),
    )


class JobEffect(Base):
    """A job's visible effect, done once (an email sent, a webhook delivered): a job run
    twice (a worker killed after the effect) finds its key here and does not do it again.
    Holds a reference, never personal data; purged with its submission."""

    __tablename__ = "job_effects"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    submission_id: Mapped[int | None] = mapped_column(Integer, index=True)
    done_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))


class QueuedJob(Base):
    """A job waiting, running, or failed for good, on SQLite only: PostgreSQL's queue is
    procrastinate's own tables (migration 0011). Written in the transaction that causes it,
    run by a thread of the web process (or `forms-service worker`) right after the commit."""

    __tablename__ = "queued_jobs"
    __table_args__ = (Index("ix_queued_jobs_due", "status", "run_after"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task: Mapped[str] = mapped_column(String(100))
    args: Mapped[dict] = mapped_column(JsonType, default=dict)
    status: Mapped[str] = mapped_column(String(20))  # todo, doing, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime.datetime | None] = mapped_column(DateTime(timezone=True))
    # The exception's type only: its message could hold what the job was sending.
    last_error: Mapped[str | None] = mapped_column(String(200))


# What the dashboard's queries read besides the index's leading columns, so that they read
# the index alone (migrations 0013 and 0014).
COVER = ("channel", "language", "form_version", "page", "question", "detail", "value", "journey")
COUNTED = (*COVER[:-1], "events", "journeys")


class JourneyEvent(Base):
    """One thing that happened in a journey, for the performance dashboard (no answers, no
    names, no session key, no IP address): a page shown or saved, a validation error, a
    journey started, saved, resumed or submitted, feedback given, a decision made. Kept
    EVENTS_KEEP_DAYS, then deleted; each whole UTC day is counted into daily_event_counts
    once it has ended (data/events.py). See forms_service/performance/events.py for the
    kinds."""

    __tablename__ = "journey_events"
    # The dashboard reads today's events by form and kind from this index alone.
    __table_args__ = (Index("ix_journey_events_form_kind_at", "form_id", "kind", "at", *COVER),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True), index=True)
    form_id: Mapped[str] = mapped_column(String(100))
    form_version: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(20))  # online, assisted, paper
    language: Mapped[str] = mapped_column(String(8))
    journey: Mapped[str | None] = mapped_column(String(32))  # random, per draft
    kind: Mapped[str] = mapped_column(String(30))
    page: Mapped[str | None] = mapped_column(String(100))
    question: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[str | None] = mapped_column(String(50))  # an error kind, "within"/"late"
    value: Mapped[int | None] = mapped_column(Integer)  # minutes, a rating, working days


class EventCounts:
    """What daily and weekly counts hold besides their day or week: an event's dimensions
    (everything but the journey), how many events, and how many different journeys."""

    form_id: Mapped[str] = mapped_column(String(100))
    form_version: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(30))
    page: Mapped[str | None] = mapped_column(String(100))
    question: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[str | None] = mapped_column(String(50))
    value: Mapped[int | None] = mapped_column(Integer)
    events: Mapped[int] = mapped_column(Integer)
    journeys: Mapped[int] = mapped_column(Integer)


class DailyEventCount(EventCounts, Base):
    """Journey events of one UTC day, counted once the day is over (data/events.py): what
    the dashboard reads for that day (weekly_event_counts for whole weeks)."""

    __tablename__ = "daily_event_counts"
    # Each dashboard breakdown reads only its kinds, from this index alone.
    __table_args__ = (
        Index("ix_daily_event_counts_form_kind_day", "form_id", "kind", "day", *COUNTED),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[datetime.date] = mapped_column(Date, index=True)


class FeedbackComment(SealedRecord, Base):
    """A comment given with the satisfaction rating after a submission, sealed like answers
    (people write what they like in it). Not linked to the submission or the journey."""

    __tablename__ = "feedback_comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True), index=True)
    form_id: Mapped[str] = mapped_column(String(100), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(8))
    rating: Mapped[int] = mapped_column(Integer)  # 1 very dissatisfied ... 5 very satisfied
    comment = Sealed("text")
    comment_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)


class PaperVolume(Base):
    """Paper forms received outside the service (posted and processed without being keyed
    in), recorded by staff for digital take-up."""

    __tablename__ = "paper_volumes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[str] = mapped_column(String(100), index=True)
    received_on: Mapped[datetime.date] = mapped_column(Date, index=True)
    count: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(200))


class WeeklyEventCount(EventCounts, Base):
    """daily_event_counts added up by week (Monday to Sunday, `week` the Monday): the same
    groups, a seventh of the rows, so a 90-day dashboard reads 13 weeks and a few days.
    Rebuilt from the daily counts whenever a day of the week is counted."""

    __tablename__ = "weekly_event_counts"
    __table_args__ = (
        Index("ix_weekly_event_counts_form_kind_week", "form_id", "kind", "week", *COUNTED),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week: Mapped[datetime.date] = mapped_column(Date, index=True)


class EventCounting(Base):
    """One row: the last UTC day whose journey events are in daily_event_counts (None:
    none yet). Days after it are read from journey_events as they happened."""

    __tablename__ = "event_counting"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    counted_through: Mapped[datetime.date | None] = mapped_column(Date)
