"""Personal data sealed at rest (issue 10, item 2): answers, names, emails, the assisted
record, stored PDFs, caseworkers' notes and staff authenticator secrets become AES-256-GCM
ciphertext under a data key per row (forms_service/data/sealing.py), with blind indexes for
the searches.

Existing rows are sealed here with the service's keys (ANSWERS_KEYS, or the instance folder
outside production), then the plaintext columns are dropped. Downgrading opens them again.

Revision 0004_encrypt_answers, after 0003.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from forms_service.data import sealing

revision = "0004_encrypt_answers"
down_revision = "0005_staff_two_factor"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BATCH = 500

# table: (id column, scope column, {field: (kind, plaintext column type, blind index column)})
SEALED: dict[str, tuple[str, str, dict[str, tuple[str, Any, str | None]]]] = {
    "drafts": (
        "id",
        "form_id",
        {
            "answers": ("json", JSON, None),
            "resume_email": ("text", sa.String(320), "resume_email_index"),
            "assisted": ("json", JSON, None),
        },
    ),
    "submissions": (
        "id",
        "form_id",
        {
            "answers": ("json", JSON, None),
            "applicant_name": ("text", sa.String(200), "applicant_index"),
            "assisted": ("json", JSON, None),
        },
    ),
    "stored_pdfs": ("submission_id", "submission_id", {"pdf": ("bytes", sa.LargeBinary, None)}),
    "staff_users": ("id", "id", {"two_factor_secret": ("text", sa.String(200), None)}),
}
# The plaintext columns that had an index of their own.
PLAIN_INDEXES = {
    ("drafts", "resume_email"): "ix_drafts_resume_email",
    ("submissions", "applicant_name"): "ix_submissions_applicant_name",
}


def upgrade() -> None:
    for table, (_id, _scope, fields) in SEALED.items():
        op.add_column(table, sa.Column("data_key", sa.LargeBinary, nullable=True))
        for field, (_kind, _type, index) in fields.items():
            op.add_column(table, sa.Column(f"{field}_sealed", sa.LargeBinary, nullable=True))
            if index:
                op.add_column(table, sa.Column(index, sa.String(64), nullable=True))
                op.create_index(f"ix_{table}_{index}", table, [index])
    op.add_column("submission_events", sa.Column("data_key", sa.LargeBinary, nullable=True))
    op.add_column("submission_events", sa.Column("note_sealed", sa.LargeBinary, nullable=True))

    keys = _keys()
    for table, (id_, scope, fields) in SEALED.items():
        _seal_table(keys, table, id_, scope, fields)
    _seal_notes(keys)

    for table, (_id, _scope, fields) in SEALED.items():
        for field in fields:
            if (table, field) in PLAIN_INDEXES:
                op.drop_index(PLAIN_INDEXES[table, field], table_name=table)
            op.drop_column(table, field)


def downgrade() -> None:
    keys = _keys()
    for table, (id_, scope, fields) in SEALED.items():
        for field, (_kind, type_, _index) in fields.items():
            op.add_column(table, sa.Column(field, type_, nullable=True))
            if (table, field) in PLAIN_INDEXES:
                op.create_index(PLAIN_INDEXES[table, field], table, [field])
        _open_table(keys, table, id_, scope, fields)
        for field, (_kind, _type, index) in fields.items():
            if index:
                op.drop_index(f"ix_{table}_{index}", table_name=table)
                op.drop_column(table, index)
            op.drop_column(table, f"{field}_sealed")
        op.drop_column(table, "data_key")
    _open_notes(keys)
    op.drop_column("submission_events", "note_sealed")
    op.drop_column("submission_events", "data_key")


# -- the data steps ------------------------------------------------------------------------


def _keys() -> Callable[[], sealing.AnswerKeys]:
    """The service's keys, looked up only when a row needs them (an empty database does not)."""
    found: list[sealing.AnswerKeys] = []

    def get() -> sealing.AnswerKeys:
        if not found:
            given = op.get_context().config.attributes.get("answer_keys")
            if given is None:
                from forms_service.config import answer_keys_setting

                found.append(sealing.AnswerKeys.from_settings(*answer_keys_setting()))
            else:
                found.append(given())
        return found[0]

    return get


def _batches(table: sa.Table, id_: str, columns: list[str]) -> Iterator[list[Any]]:
    """Every row in id order, BATCH at a time (never the whole table in memory)."""
    bind = op.get_bind()
    last = None
    while True:
        query = sa.select(*(table.c[c] for c in columns)).order_by(table.c[id_]).limit(BATCH)
        if last is not None:
            query = query.where(table.c[id_] > last)
        rows = bind.execute(query).all()
        if not rows:
            return
        yield rows
        last = rows[-1]._mapping[id_]


def _table(table_name: str, id_: str, scope: str, fields: dict) -> sa.TableClause:
    columns = {id_: sa.column(id_), scope: sa.column(scope)}
    columns["data_key"] = sa.column("data_key", sa.LargeBinary)
    for field, (_kind, type_, index) in fields.items():
        columns[field] = sa.column(field, type_)
        columns[f"{field}_sealed"] = sa.column(f"{field}_sealed", sa.LargeBinary)
        if index:
            columns[index] = sa.column(index, sa.String)
    return sa.table(table_name, *columns.values())


def _seal_table(keys: Callable, table_name: str, id_: str, scope: str, fields: dict) -> None:
    table = _table(table_name, id_, scope, fields)
    for rows in _batches(table, id_, list({id_, scope, *fields})):
        values = []
        for row in rows:
            row_id, where = row._mapping[id_], row._mapping[scope]
            key, wrapped = keys().new_data_key(sealing.record_ad(table_name, row_id))
            update = {"b_id": row_id, "data_key": wrapped}
            for field, (kind, _type, index) in fields.items():
                plain = row._mapping[field]
                if field == "resume_email" and plain is not None:  # looked up in lower case
                    plain = plain.lower()
                update[f"{field}_sealed"] = (
                    None
                    if plain is None
                    else sealing.seal(
                        key,
                        sealing.encode(kind, plain),
                        sealing.field_ad(table_name, field, row_id, where),
                    )
                )
                if index:
                    update[index] = keys().index(field, plain)
            values.append(update)
        columns = [c for c in values[0] if c != "b_id"]
        op.get_bind().execute(
            table.update()
            .where(table.c[id_] == sa.bindparam("b_id"))
            .values({c: sa.bindparam(c) for c in columns}),
            values,
        )


def _open_table(keys: Callable, table_name: str, id_: str, scope: str, fields: dict) -> None:
    table = _table(table_name, id_, scope, fields)
    columns = [id_, scope, "data_key", *(f"{f}_sealed" for f in fields)]
    for rows in _batches(table, id_, list(dict.fromkeys(columns))):
        values = []
        for row in rows:
            m = row._mapping
            if m["data_key"] is None:
                continue
            key = keys().unwrap(m["data_key"], sealing.record_ad(table_name, m[id_]))
            update = {"b_id": m[id_]}
            for field, (kind, _type, _index) in fields.items():
                blob = m[f"{field}_sealed"]
                update[field] = (
                    None
                    if blob is None
                    else sealing.decode(
                        kind,
                        sealing.unseal(
                            key, blob, sealing.field_ad(table_name, field, m[id_], m[scope])
                        ),
                    )
                )
            values.append(update)
        if values:
            op.get_bind().execute(
                table.update()
                .where(table.c[id_] == sa.bindparam("b_id"))
                .values({f: sa.bindparam(f) for f in fields}),
                values,
            )


EVENTS = sa.table(
    "submission_events",
    sa.column("id"),
    sa.column("submission_id"),
    sa.column("detail", JSON),
    sa.column("data_key", sa.LargeBinary),
    sa.column("note_sealed", sa.LargeBinary),
)


def _seal_notes(keys: Callable) -> None:
    """A caseworker's note moves from detail (plain JSON) into note_sealed."""
    for rows in _batches(EVENTS, "id", ["id", "submission_id", "detail"]):
        values = []
        for row in rows:
            detail = dict(row.detail or {})
            note = detail.pop("note", None)
            if note is None:
                continue
            key, wrapped = keys().new_data_key(sealing.record_ad("submission_events", row.id))
            where = sealing.field_ad("submission_events", "note", row.id, row.submission_id)
            sealed = sealing.seal(key, str(note).encode(), where)
            values.append(
                {"b_id": row.id, "detail": detail, "data_key": wrapped, "note_sealed": sealed}
            )
        if values:
            op.get_bind().execute(
                EVENTS.update()
                .where(EVENTS.c.id == sa.bindparam("b_id"))
                .values(
                    detail=sa.bindparam("detail"),
                    data_key=sa.bindparam("data_key"),
                    note_sealed=sa.bindparam("note_sealed"),
                ),
                values,
            )


def _open_notes(keys: Callable) -> None:
    for rows in _batches(
        EVENTS, "id", ["id", "submission_id", "detail", "data_key", "note_sealed"]
    ):
        values = []
        for row in rows:
            if row.note_sealed is None:
                continue
            key = keys().unwrap(row.data_key, sealing.record_ad("submission_events", row.id))
            where = sealing.field_ad("submission_events", "note", row.id, row.submission_id)
            note = sealing.unseal(key, row.note_sealed, where).decode()
            values.append({"b_id": row.id, "detail": {**(row.detail or {}), "note": note}})
        if values:
            op.get_bind().execute(
                EVENTS.update()
                .where(EVENTS.c.id == sa.bindparam("b_id"))
                .values(detail=sa.bindparam("detail")),
                values,
            )
