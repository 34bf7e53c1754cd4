"""Alembic's entry point for the migrations in versions/.

The service runs them through forms_service.data.schema (which hands over its connection);
a developer runs `alembic revision --autogenerate` from the project root (settings in
pyproject.toml), which compares the models with the database at DATABASE_URL.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from forms_service.data.models import Base

config = context.config


def _number_revisions(context_, _revision, directives) -> None:
    """Name new migrations 0002, 0003... in order, and write none when nothing changed."""
    script = directives[0]
    autogenerate = config.cmd_opts and getattr(config.cmd_opts, "autogenerate", False)
    if autogenerate and script.upgrade_ops.is_empty():
        directives[:] = []
        print("No changes to the models: no migration written.")
        return
    head = context_.script.get_current_head()
    script.rev_id = f"{int((head or '0').split('_')[0]) + 1:04d}"  # 0004 or 0004_some_name


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
        process_revision_directives=_number_revisions,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    from forms_service.config import load_config

    # The service's DATABASE_URL (or its SQLite default); only the URL is read here.
    settings = load_config(SECRET_KEY="unused")  # noqa: S106
    engine = create_engine(settings["DATABASE_URL"])
    with engine.connect() as connection:
        run_migrations(connection)
    engine.dispose()
