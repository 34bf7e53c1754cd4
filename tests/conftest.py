"""Fixtures shared by the integration tests: an app on a fresh SQLite file per test."""

from __future__ import annotations

import email
import os
import re
import shutil
import socket
from email import policy
from pathlib import Path

import html5lib
import pytest
from aiosmtpd.controller import Controller
from argon2 import PasswordHasher, profiles
from flask.testing import FlaskClient

os.environ.setdefault("FORMS_SERVICE_ENV", "test")

from forms_service import create_app, passwords  # noqa: E402
from forms_service.data import Store  # noqa: E402
from forms_service.data.schema import upgrade  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FORMS_DIR = ROOT / "form_definitions"


def copy_definition(form_id: str, folder: Path, name: str | None = None) -> Path:
    """A copy of one of the real definitions in `folder`, with the paper forms beside it
    (its paper_form names a PDF in paper/, which the loader checks)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (name or f"{form_id}.yaml")
    shutil.copy(FORMS_DIR / f"{form_id}.yaml", target)
    shutil.copytree(FORMS_DIR / "paper", folder / "paper", dirs_exist_ok=True)
    return target


def without_paper_form(source: str) -> str:
    """A real definition's YAML without its paper_form block and the comment above it, for
    a test that changes the questions the block maps."""
    block = source.index("\npaper_form:\n") + 1
    end = block + re.search(r"\n(?=[a-z_]+:)", source[block:]).start() + 1
    start = block
    comment = source.rfind("\n# The paper form", 0, block)
    if comment != -1 and "\n\n" not in source[comment:block]:
        start = comment + 1
    return source[:start] + source[end:]


def pytest_configure(config):
    """The Welsh pages need the compiled catalogue (`make translations` writes it; running
    pytest on its own after editing a .po file compiles it here)."""
    if not hasattr(config, "workerinput"):  # once, in the main process
        from forms_service.catalogues import compile_stale

        compile_stale()


class ParsingClient(FlaskClient):
    """A test client that fails the test when an HTML response is not well-formed HTML."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html" and response.data:
            parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
            try:
                parser.parse(response.data)
            except html5lib.html5parser.ParseError as exc:
                raise AssertionError(f"invalid HTML from {args[:1]}: {exc}") from None
        return response


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing():
    """Real argon2 at its cheapest cost: the suite signs staff in hundreds of times, and one
    check at the production cost took 0.4 s on a loaded test machine. Hashes carry their own
    parameters, so nothing else changes; the timing-equality test restores the real cost."""
    hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", hasher)
        patch.setattr(passwords, "_DUMMY_HASH", hasher.hash("not a real password"))
        yield


@pytest.fixture(scope="session")
def template_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("template-cache")


@pytest.fixture(scope="session")
def definition_cache(tmp_path_factory):
    """Checked definitions shared by the tests' apps, as by a service's workers: each
    file (by its bytes) is read and checked once per test process, not once per app."""
    return tmp_path_factory.mktemp("definition-cache")


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """An empty SQLite database made by the migrations, copied for each test: running the
    migrations for every test would cost a third of a second each (test_migrations.py
    checks that they make exactly the models' schema)."""
    path = tmp_path_factory.mktemp("migrated") / "forms.db"
    store = Store(f"sqlite:///{path}")
    store.create_schema()
    store.engine.dispose()
    return path


def fresh_sqlite(folder: Path, migrated: Path) -> str:
    database = folder / "forms.db"
    if not database.exists():  # a second app in the same test shares the first one's data
        shutil.copyfile(migrated, database)
    return f"sqlite:///{database}"


def reset_postgresql(engine) -> None:
    """Empty tables for the next test. When the schema is the migrations' head (the usual
    case) every table is emptied at once; when a test changed it (the migration tests
    downgrade, one drops tables) every table is dropped and the migrations run again."""
    from sqlalchemy import inspect, text

    from forms_service.data import Base
    from forms_service.data.schema import current, drop_everything, head, ours

    expected = {*Base.metadata.tables, "alembic_version"}
    found = {name for name in inspect(engine).get_table_names() if ours(name, "table", None)}
    if current(engine) == head() and found == expected:
        # procrastinate's jobs and events too: a test's queued jobs are not the next one's.
        names = ", ".join(
            f'"{name}"'
            for name in [*Base.metadata.tables, "procrastinate_jobs", "procrastinate_events"]
        )
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        return
    drop_everything(engine)
    upgrade(engine)


def _database_per_xdist_worker() -> None:
    """Under pytest-xdist each worker gets its own PostgreSQL database (forms_test_gw0...),
    so the PostgreSQL pass can run in several processes like the SQLite one."""
    base, worker = os.environ.get("TEST_DATABASE_URL"), os.environ.get("PYTEST_XDIST_WORKER")
    if not base or not worker:
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(base)
    name = f"{url.database}_{worker}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    os.environ["TEST_DATABASE_URL"] = url.set(database=name).render_as_string(hide_password=False)


_database_per_xdist_worker()


@pytest.fixture
def make_app(tmp_path, template_cache, definition_cache, migrated_database):
    apps = []

    def factory(definitions: Path = FORMS_DIR, **overrides):
        config = {
            "SECRET_KEY": "test-secret-key-" + "x" * 32,
            "DATABASE_URL": os.environ.get("TEST_DATABASE_URL")
            or fresh_sqlite(tmp_path, migrated_database),
            "INSTANCE_PATH": tmp_path,
            "FORMS_DEFINITIONS_DIR": definitions,
            "TEMPLATE_CACHE_DIR": template_cache,
            # Jobs run right after the commit that queued them, so a test sees the email
            # its request caused (tests/test_jobs.py runs the real thread and worker).
            "JOBS_RUNNER": "inline",
            # Each request's performance events written before its response returns.
            "EVENTS_BATCH_SECONDS": 0,
            # Rendering every submission's PDF would double many tests' time; the tests of
            # the PDF at submission turn it on.
            "PDFS_AT_SUBMISSION": False,
            "DEFINITION_CACHE_DIR": definition_cache,
            **overrides,
        }
        app = create_app(config)
        if os.environ.get("TEST_DATABASE_URL") and not apps:
            # One shared PostgreSQL database: each test starts from empty tables (a second
            # app in the same test shares the first one's data, like a redeploy).
            reset_postgresql(app.extensions["store"].engine)
        app.test_client_class = ParsingClient
        apps.append(app)
        return app

    yield factory
    for app in apps:
        app.extensions["jobs"].stop()  # a runner thread would outlive its database
        app.extensions["store"].engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture(scope="session")
def shared_app(tmp_path_factory, template_cache, definition_cache, migrated_database):
    """One app for read-only tests (rendering pages), to avoid building one per case."""
    folder = tmp_path_factory.mktemp("shared")
    app = create_app(
        {
            "SECRET_KEY": "test-secret-key-" + "x" * 32,
            "DATABASE_URL": fresh_sqlite(folder, migrated_database),
            "INSTANCE_PATH": folder,
            "FORMS_DEFINITIONS_DIR": FORMS_DIR,
            "TEMPLATE_CACHE_DIR": template_cache,
            # Jobs run right after the commit that queued them, so a test sees the email
            # its request caused (tests/test_jobs.py runs the real thread and worker).
            "JOBS_RUNNER": "inline",
            # Each request's performance events written before its response returns.
            "EVENTS_BATCH_SECONDS": 0,
            # Rendering every submission's PDF would double many tests' time; the tests of
            # the PDF at submission turn it on.
            "PDFS_AT_SUBMISSION": False,
            "DEFINITION_CACHE_DIR": definition_cache,
        }
    )
    app.test_client_class = ParsingClient
    yield app
    app.extensions["jobs"].stop()  # a runner thread would outlive its database
    app.extensions["store"].engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


# -- a real SMTP server on loopback, for the emails the service sends -------------------------

LINK = re.compile(r"https?://[^/\s]+(/resume/[A-Za-z0-9_-]+)")


class Inbox:
    """A real SMTP server on loopback that keeps what it receives."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def last_link(self) -> str:
        body = self.messages[-1].get_body(("plain",)).get_content()
        return LINK.search(body).group(1)


@pytest.fixture
def inbox():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    yield handler
    controller.stop()
