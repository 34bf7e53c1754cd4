"""Item 4: personal data never reaches a log, even when the database fails mid-request."""

from __future__ import annotations

import logging

from sqlalchemy import text

from tests.prison_visit import FORM
from tests.prison_visit import PRISONER as VISIT

CANARY = "Qwzxcanary"
PRISONER = {**VISIT, "prisoner_first_name": CANARY}


BROKEN_WRITES = {
    "sqlite": [
        "CREATE TRIGGER broken BEFORE INSERT ON drafts BEGIN SELECT RAISE(ABORT, 'full'); END"
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION broken() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'full'; END $$",
        "CREATE TRIGGER broken BEFORE INSERT ON drafts FOR EACH ROW EXECUTE FUNCTION broken()",
    ],
}
# PostgreSQL's test database is emptied between tests, not made again: the trigger must go,
# or every later test of the same process that saves a draft fails.
MENDED_WRITES = {
    "sqlite": ["DROP TRIGGER broken"],
    "postgresql": ["DROP TRIGGER broken ON drafts", "DROP FUNCTION broken()"],
}


def test_a_database_error_does_not_log_the_answers(live, visitor, caplog):
    url, app = live()
    citizen = visitor(url)
    citizen.get(f"/{FORM}/prisoner")
    # The database refuses to store the draft (a full disk, say) while the answers are sent.
    engine = app.extensions["store"].engine
    with engine.begin() as connection:
        for statement in BROKEN_WRITES[engine.dialect.name]:
            connection.execute(text(statement))
    try:
        with caplog.at_level(logging.DEBUG):
            response = citizen.post(f"/{FORM}/prisoner", PRISONER)
    finally:
        with engine.begin() as connection:
            for statement in MENDED_WRITES[engine.dialect.name]:
                connection.execute(text(statement))
    assert response.status_code == 503
    assert "database error" in caplog.text  # the failure is logged...
    assert CANARY not in caplog.text  # ...without the answers that were being saved
