"""The schema comes from the Alembic migrations: they agree with the models, init-db can run
again and again, and a database made before migrations is upgraded without losing a row.

Runs on SQLite and, in the PostgreSQL pass, on PostgreSQL (TEST_DATABASE_URL).
"""

from __future__ import annotations

import datetime
import os
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import MetaData, insert, inspect, select, text

from forms_service import create_app
from forms_service.cli import cli
from forms_service.clock import as_utc
from forms_service.data import Base, JourneyEvent, Store, StoredPdf
from forms_service.data.schema import (
    alembic_config,
    current,
    drop_everything,
    head,
    ours,
    upgrade,
)

LEGACY = Path(__file__).parent / "fixtures" / "legacy-forms.sql"
# The plaintext columns that 0004_encrypt_answers replaces with ciphertext.
SEALED_COLUMNS = {
    "drafts": {"answers", "resume_email", "assisted"},
    "submissions": {"answers", "applicant_name", "assisted"},
    "stored_pdfs": {"pdf"},
    "submission_events": {"detail"},
}
FORMS_DIR = Path(__file__).resolve().parent.parent / "form_definitions"


@pytest.fixture
def empty_store(tmp_path):
    """A store on a database with no tables at all."""
    store = Store(os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'forms.db'}")
    _drop_everything(store)
    yield store
    store.engine.dispose()


def _drop_everything(store: Store) -> None:
    drop_everything(store.engine)


def differences(store: Store) -> list:
    """What Alembic would change to make the database match the models (nothing, we hope)."""
    with store.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": ours}
        )
        return compare_metadata(context, Base.metadata)


def test_the_migrations_make_exactly_the_schema_of_the_models(empty_store):
    assert current(empty_store.engine) is None
    upgrade(empty_store.engine)
    assert current(empty_store.engine) == head()
    assert differences(empty_store) == []
    tables = set(inspect(empty_store.engine).get_table_names())
    queue = {name for name in tables if not ours(name, "table", None)}
    assert tables - queue == set(Base.metadata.tables) | {"alembic_version"}
    # The job queue on PostgreSQL is procrastinate's own schema.
    on_postgresql = bool(os.environ.get("TEST_DATABASE_URL"))
    expected = {"jobs", "events", "periodic_defers", "workers"} if on_postgresql else set()
    assert queue == {f"procrastinate_{name}" for name in expected}


def test_the_comparison_notices_a_difference(empty_store):
    """The test above could not pass by comparing nothing."""
    upgrade(empty_store.engine)
    with empty_store.engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_submissions_applicant_index"))
    assert [d[0] for d in differences(empty_store)] == ["add_index"]


def test_init_db_runs_the_migrations_and_is_safe_to_run_again(empty_store, tmp_path):
    app = create_app(
        {
            "SECRET_KEY": "test-secret-key-" + "x" * 32,
            "DATABASE_URL": empty_store.engine.url.render_as_string(hide_password=False),
            "INSTANCE_PATH": tmp_path,
            "FORMS_DEFINITIONS_DIR": FORMS_DIR,
            "TEMPLATE_CACHE_DIR": tmp_path / "template-cache",
            "CREATE_SCHEMA": False,
        }
    )
    script = ScriptInfo(create_app=lambda: app)
    first = CliRunner().invoke(cli, ["init-db"], obj=script)
    assert first.exit_code == 0 and "Database ready." in first.output
    empty_store.create_api_token("Reporting", ["prison-visit-booking"], "f" * 64)
    again = CliRunner().invoke(cli, ["init-db"], obj=script)
    assert again.exit_code == 0 and "Database ready." in again.output
    assert empty_store.api_token("f" * 64).name == "Reporting"
    assert current(empty_store.engine) == head()
    app.extensions["store"].engine.dispose()


def test_tables_made_by_the_old_init_db_are_adopted_with_their_rows(empty_store):
    """Before Alembic, init-db was create_all: the tables are there, alembic_version not."""
    baseline = ScriptDirectory.from_config(alembic_config()).get_revision("0001").module.baseline
    baseline.create_all(empty_store.engine)  # the models as they were then
    now = datetime.datetime.now(datetime.UTC)
    with empty_store.engine.begin() as connection:
        connection.execute(
            insert(baseline.tables["staff_users"]),
            {
                **dict(email="jo@example.gov.uk", name="Jo", role="caseworker", forms=["visit"]),
                **dict(active=True, failed_sign_ins=0, created_at=now),
            },
        )
    upgrade(empty_store.engine)
    assert current(empty_store.engine) == head()
    assert differences(empty_store) == []
    assert empty_store.user_by_email("jo@example.gov.uk").name == "Jo"


# -- a SQLite database made by the init-db of the last release before Alembic ----------------


def legacy_database(path: Path) -> Store:
    connection = sqlite3.connect(path)
    connection.executescript(LEGACY.read_text())
    connection.close()
    return Store(f"sqlite:///{path}")


def every_row(store: Store, columns: dict[str, list[str]] | None = None) -> dict[str, list]:
    """Every row of every table: all columns, or those named (later migrations add some
    columns and tables)."""
    tables = MetaData()
    tables.reflect(store.engine)
    rows = {}
    with store.engine.connect() as connection:
        for name, table in tables.tables.items():
            if name != "alembic_version" and (columns is None or name in columns):
                wanted = [table.c[c] for c in columns[name]] if columns else list(table.c)
                rows[name] = sorted(connection.execute(select(*wanted)).all(), key=repr)
    return rows


def column_names(store: Store) -> dict[str, list[str]]:
    found = inspect(store.engine)
    return {name: [c["name"] for c in found.get_columns(name)] for name in found.get_table_names()}


def test_a_database_from_before_migrations_is_upgraded_in_place(tmp_path):
    store = legacy_database(tmp_path / "forms.db")
    columns = column_names(store)
    columns["staff_users"].remove("role")  # 0002 turns each role into a list of roles
    for table, sealed in SEALED_COLUMNS.items():  # 0004 seals these (read back below)
        columns[table] = [c for c in columns[table] if c not in sealed]
    before = every_row(store, columns)
    before["drafts"] = _submitted_drafts_cleared(before["drafts"], columns["drafts"])
    assert current(store.engine) is None
    # Tables that later migrations add are not in the old database.
    added_since = {
        "staff_recovery_codes",
        "staff_invites",
        "paper_pdfs",
        "stored_paper_pdfs",
        "job_effects",
        "queued_jobs",
        "journey_events",
        "daily_event_counts",
        "feedback_comments",
        "paper_volumes",
        "weekly_event_counts",
        "event_counting",
    }
    assert set(before) == set(Base.metadata.tables) - added_since
    assert all(before.values()), "the fixture has a row in every table"

    store.create_schema()  # what init-db runs
    store.create_schema()  # and again, at the next release: nothing to do

    assert current(store.engine) == head()
    assert every_row(store, columns) == before
    assert differences(store) == []
    # The service reads what the old one wrote.
    submission = store.get_submission("PVB-7K3M-Q9TX")
    assert (submission.applicant_name, submission.status) == ("Sam Smith", "in_progress")
    assert submission.due_on == datetime.date(2024, 5, 20)
    assert [(e.kind, e.note) for e in store.events(submission.id)] == [
        ("note", "Called the visitor"),
        ("assigned", None),
        ("status", "Looking at it"),
        ("received", None),
    ]
    day_after = datetime.datetime(2026, 12, 2, tzinfo=datetime.UTC)
    status, draft = store.resume_token_status("b" * 64, day_after)
    assert status == "ok" and draft.answers["name"] == {"first": "Zoë", "last": "Ñandú"}
    jo = store.user_by_email("jo@example.gov.uk")
    assert jo.failed_sign_ins == 1 and jo.roles == ["caseworker"]
    assert store.api_token("e" * 64).forms == ["visit"]
    with store.sessions() as db:
        assert db.get(StoredPdf, submission.id).pdf == b"%PDF-1.7 fake\x00\xff"
    store.engine.dispose()


def _submitted_drafts_cleared(rows: list, names: list[str]) -> list:
    """0006: a submitted draft keeps nothing personal (its submission holds the answers)."""
    cleared = []
    for row in rows:
        values = dict(zip(names, row, strict=True))
        if values["submitted_at"] is not None:
            values.update(answers={}, resume_email=None)
        cleared.append(tuple(values[name] for name in names))
    return sorted(cleared, key=repr)


def test_a_column_added_since_the_database_was_made_is_added_once(tmp_path):
    """The old init-db added missing columns on each release; the first migration does it
    one last time (with the column's index), keeping the rows."""
    store = legacy_database(tmp_path / "forms.db")
    with store.engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_submissions_applicant_name"))
        connection.execute(text("ALTER TABLE submissions DROP COLUMN applicant_name"))
    store.create_schema()
    assert differences(store) == []
    submission = store.get_submission("PVB-7K3M-Q9TX")
    assert submission.applicant_name is None and submission.answers == {"visitor": "Sam"}
    store.engine.dispose()


# -- 0004: personal data sealed at rest -----------------------------------------------------

PLAIN = {
    "answers": {"full_name": "Canary Zyxwvut", "story": "Plaintext canary story"},
    "name": "Canary Zyxwvut",
    "email": "Canary.Zyxwvut@example.org",
    "note": "Canary note about Zyxwvut",
    "pdf": b"%PDF-1.7 canary",
}


# The revision before 0004_encrypt_answers (migrations run 0003, 0007, 0008, 0006, 0005, 0004).
BEFORE_SEALING = "0005_staff_two_factor"


def _plaintext_rows_before_sealing(store: Store) -> None:
    upgrade(store.engine, BEFORE_SEALING)
    now = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    tables = MetaData()
    tables.reflect(store.engine)
    t = tables.tables
    common = dict(form_id="visit", form_version=1, language="en", created_at=now)
    assisted = {"staff_name": "Al", "citizen_name": "Canary Zyxwvut", "method": "telephone"}
    with store.engine.begin() as connection:
        for draft in (
            dict(id=1, session_key="a" * 64, resume_email=PLAIN["email"].lower()),
            dict(id=2, session_key="b" * 64, submitted_at=now, assisted=assisted),
        ):
            connection.execute(
                insert(t["drafts"]),
                dict(answers=PLAIN["answers"], updated_at=now,
                     expires_at=now + datetime.timedelta(days=28), **common, **draft),
            )  # fmt: skip
        connection.execute(
            insert(t["submissions"]),
            dict(id=7, reference="PVB-AAAA-BBBB", draft_id=2, form_id="visit", form_version=1,
                 definition={"id": "visit"}, answers=PLAIN["answers"], language="en",
                 channel="assisted", started_at=now, submitted_at=now, status="received",
                 applicant_name=PLAIN["name"], assisted=assisted),
        )  # fmt: skip
        connection.execute(
            insert(t["submission_events"]),
            [
                dict(id=1, submission_id=7, at=now, actor="citizen", kind="received",
                     detail={"channel": "assisted"}),
                dict(id=2, submission_id=7, at=now, actor="staff:1", kind="note",
                     detail={"note": PLAIN["note"]}),
            ],
        )  # fmt: skip
        connection.execute(
            insert(t["stored_pdfs"]),
            dict(submission_id=7, content_hash="d" * 64, pdf=PLAIN["pdf"], created_at=now),
        )


def test_plaintext_rows_before_sealing_come_out_sealed_and_readable(empty_store):
    _plaintext_rows_before_sealing(empty_store)
    upgrade(empty_store.engine, keys=lambda: empty_store.keys)
    assert differences(empty_store) == []

    dump = repr(every_row(empty_store)).lower()
    for word in ("canary", "zyxwvut", "%pdf"):
        assert word not in dump
    submission = empty_store.get_submission("PVB-AAAA-BBBB")
    assert submission.answers == PLAIN["answers"]
    assert submission.applicant_name == PLAIN["name"]
    assert submission.assisted["citizen_name"] == PLAIN["name"]
    assert [e.note for e in empty_store.events(submission.id)] == [PLAIN["note"], None]
    assert empty_store.stored_pdf(7, "d" * 64) == PLAIN["pdf"]
    found, total = empty_store.find_submissions(forms=None, query="canary  ZYXWVUT")
    assert total == 1 and found[0].reference == "PVB-AAAA-BBBB"
    now = datetime.datetime(2026, 12, 2, tzinfo=datetime.UTC)
    [draft] = empty_store.drafts_for_email(PLAIN["email"], now)
    assert draft.id == 1 and draft.resume_email == PLAIN["email"].lower()


def test_0004_downgrades_to_the_plaintext_it_sealed(empty_store):
    _plaintext_rows_before_sealing(empty_store)
    before = named_rows(empty_store)
    upgrade(empty_store.engine, keys=lambda: empty_store.keys)
    with empty_store.engine.begin() as connection:
        config = alembic_config(connection, keys=lambda: empty_store.keys)
        command.downgrade(config, BEFORE_SEALING)
    assert named_rows(empty_store) == before


def named_rows(store: Store) -> dict[str, list[dict]]:
    """Every row as a dict (a downgrade may put columns back in another order)."""
    tables = MetaData()
    tables.reflect(store.engine)
    with store.engine.connect() as connection:
        return {
            name: sorted(
                (dict(row._mapping) for row in connection.execute(select(table))),
                key=lambda row: repr(sorted(row.items(), key=lambda item: item[0])),
            )
            for name, table in tables.tables.items()
        }


def test_0013_counts_the_decisions_made_before_it(empty_store):
    upgrade(empty_store.engine, "0012_confirmation_address", keys=lambda: empty_store.keys)
    tables = MetaData()
    tables.reflect(empty_store.engine)
    at = datetime.datetime(2026, 12, 4, 15, tzinfo=datetime.UTC)
    with empty_store.engine.begin() as connection:
        connection.execute(
            insert(tables.tables["drafts"]),
            [
                {"id": n, "session_key": f"s{n}", "form_id": "prison-visit-booking",
                 "form_version": 1, "language": "cy", "created_at": at, "updated_at": at}
                for n in (1, 2)
            ],
        )  # fmt: skip
        common = {"form_id": "prison-visit-booking", "form_version": 1, "definition": {},
                  "language": "cy", "channel": "paper", "started_at": at, "submitted_at": at,
                  "due_on": datetime.date(2026, 12, 9), "confirmation_requests": 0}  # fmt: skip
        connection.execute(
            insert(tables.tables["submissions"]),
            [
                {**common, "id": 1, "reference": "PVB-AAAA-BBBB", "draft_id": 1,
                 "status": "accepted",
                 "decided_at": datetime.datetime(2026, 12, 10, 9, tzinfo=datetime.UTC)},
                {**common, "id": 2, "reference": "PVB-CCCC-DDDD", "draft_id": 2,
                 "status": "received", "decided_at": None},
            ],
        )  # fmt: skip
    upgrade(empty_store.engine, keys=lambda: empty_store.keys)
    with empty_store.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT form_id, channel, language, kind, detail, value FROM journey_events")
        ).all()
        [decided] = connection.execute(select(JourneyEvent.at)).scalars()
    # Friday to the next Thursday: 4 working days, one after the due Wednesday.
    assert rows == [("prison-visit-booking", "paper", "cy", "decided", "late", 4)]
    assert as_utc(decided) == datetime.datetime(2026, 12, 10, 9, tzinfo=datetime.UTC)
