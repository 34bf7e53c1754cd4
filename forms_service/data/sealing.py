"""Personal data sealed at rest: AES-256-GCM under envelope keys, and blind indexes.

Each record (a draft, a submission, a stored PDF, a note) has its own random 256-bit data
key. Its fields are encrypted with that key, and the key itself is stored wrapped
(encrypted) by a key-encryption key (KEK) from `ANSWERS_KEYS`. Rotating the KEK re-wraps
the 60-byte data keys; the answers themselves are not touched.

Associated data binds every ciphertext to where it lives: the wrapped key to its table and
row id, a field to its table, field name, row id and form (or submission). A ciphertext
copied into another row or column fails to decrypt instead of showing someone else's data.

Stored formats (the first byte is a version, so the format can change):

    wrapped data key   01 | len(kek id) | kek id (ASCII) | nonce (12) | AES-GCM(dk) (48)
    sealed field       01 | nonce (12) | AES-GCM(plaintext)

Models declare sealed fields with `Sealed()`: callers read and assign plain values; the
session seals what changed at flush (after the row has its id) and opens a field on its
first read. Searches use a blind index: HMAC-SHA256 of the normalised value under
`ANSWERS_INDEX_KEY`, which never changes when the KEKs rotate.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import LargeBinary, bindparam, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.orm.attributes import flag_modified

VERSION = 1
NONCE = 12
KEY_BYTES = 32
KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
HOW_TO_MAKE_A_KEY = (
    "python3 -c \"import base64,os,time; print(time.strftime('k%Y%m%d') + ':' + "
    'base64.b64encode(os.urandom(32)).decode())"'
)


class SealingError(Exception):
    """A sealed value could not be opened: wrong key, wrong place, or damaged."""


class AnswerKeysError(ValueError):
    """ANSWERS_KEYS or ANSWERS_INDEX_KEY is missing or malformed (one-line message)."""


def new_key_setting(key_id: str = "k1") -> str:
    """A fresh `id:base64` key for ANSWERS_KEYS (or ANSWERS_INDEX_KEY, without the id)."""
    return f"{key_id}:{base64.b64encode(os.urandom(KEY_BYTES)).decode()}"


def _decode_key(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise AnswerKeysError(
            f"{what} must be 32 random bytes in base64; make one with: {HOW_TO_MAKE_A_KEY}"
        )
    return raw


class AnswerKeys:
    """The key-encryption keys (the first encrypts, all decrypt) and the blind-index key."""

    def __init__(self, keks: list[tuple[str, bytes]], index_key: bytes):
        if not keks:
            raise AnswerKeysError(f"ANSWERS_KEYS is empty; make a key with: {HOW_TO_MAKE_A_KEY}")
        self.current_id = keks[0][0]
        self._keks = {key_id: AESGCM(key) for key_id, key in keks}
        self._index_key = index_key

    @classmethod
    def from_settings(cls, keys: str, index_key: str) -> AnswerKeys:
        """From ANSWERS_KEYS ("id:base64,id:base64", newest first) and ANSWERS_INDEX_KEY."""
        keks, seen = [], set()
        for part in (p.strip() for p in (keys or "").split(",")):
            if not part:
                continue
            key_id, colon, material = part.partition(":")
            if not colon or not KEY_ID.match(key_id):
                raise AnswerKeysError(
                    "ANSWERS_KEYS must be id:base64 pairs, comma separated, the id of letters, "
                    f"digits, '.', '_' or '-'; make one with: {HOW_TO_MAKE_A_KEY}"
                )
            if key_id in seen:
                raise AnswerKeysError(f"ANSWERS_KEYS names the key id {key_id!r} twice")
            seen.add(key_id)
            keks.append((key_id, _decode_key(material, f"ANSWERS_KEYS key {key_id!r}")))
        index = _decode_key((index_key or "").rpartition(":")[2], "ANSWERS_INDEX_KEY")
        return cls(keks, index)

    @property
    def key_ids(self) -> list[str]:
        return list(self._keks)

    # -- data keys -------------------------------------------------------------------------

    def new_data_key(self, where: bytes) -> tuple[bytes, bytes]:
        """A fresh data key and its wrapped form, bound to `where` (table and row id)."""
        key = AESGCM.generate_key(bit_length=256)
        return key, self.wrap(key, where)

    def wrap(self, key: bytes, where: bytes) -> bytes:
        key_id = self.current_id.encode()
        nonce = os.urandom(NONCE)
        head = bytes([VERSION, len(key_id)]) + key_id
        return head + nonce + self._keks[self.current_id].encrypt(nonce, key, head + where)

    def unwrap(self, wrapped: bytes, where: bytes) -> bytes:
        key_id, head, body = _split_wrapped(wrapped)
        kek = self._keks.get(key_id)
        if kek is None:
            raise SealingError(f"the data key is wrapped by key {key_id!r}, not in ANSWERS_KEYS")
        try:
            return kek.decrypt(body[:NONCE], body[NONCE:], head + where)
        except InvalidTag:
            raise SealingError("the data key does not open here (wrong key or place)") from None

    def rewrap(self, wrapped: bytes, where: bytes) -> bytes | None:
        """The data key wrapped by the current KEK, or None when it already is."""
        if wrapped_by(wrapped) == self.current_id:
            return None
        return self.wrap(self.unwrap(wrapped, where), where)

    # -- blind index -----------------------------------------------------------------------

    def index(self, field: str, value: str | None) -> str | None:
        """The blind index of a value: equal for names equal but for case and spacing."""
        if value is None or not normalise(value):
            return None
        message = field.encode() + b"\x00" + normalise(value).encode()
        return hmac.new(self._index_key, message, hashlib.sha256).hexdigest()


def normalise(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def wrapped_by(wrapped: bytes) -> str:
    """The id of the KEK that wrapped this data key."""
    return _split_wrapped(wrapped)[0]


def _split_wrapped(wrapped: bytes) -> tuple[str, bytes, bytes]:
    if len(wrapped) < 2 or wrapped[0] != VERSION:
        raise SealingError("unknown format of a wrapped data key")
    end = 2 + wrapped[1]
    return wrapped[2:end].decode("ascii"), bytes(wrapped[:end]), bytes(wrapped[end:])


def seal(key: bytes, plaintext: bytes, where: bytes) -> bytes:
    nonce = os.urandom(NONCE)
    return bytes([VERSION]) + nonce + AESGCM(key).encrypt(nonce, plaintext, where)


def unseal(key: bytes, blob: bytes, where: bytes) -> bytes:
    if not blob or blob[0] != VERSION:
        raise SealingError("unknown format of a sealed value")
    try:
        return AESGCM(key).decrypt(blob[1 : 1 + NONCE], blob[1 + NONCE :], where)
    except InvalidTag:
        raise SealingError("a sealed value does not open here (wrong key or place)") from None


def seal_value(keys: AnswerKeys, value: Any, where: bytes) -> str:
    """A JSON value sealed under its own data key, as text that can sit in a plain column
    (a server-side session's data): wrapped key length, wrapped key, sealed value."""
    key, wrapped = keys.new_data_key(where)
    blob = seal(key, _json_bytes(value), where)
    return base64.b64encode(len(wrapped).to_bytes(2, "big") + wrapped + blob).decode("ascii")


def open_value(keys: AnswerKeys, text: str, where: bytes) -> Any:
    """The value of seal_value(), opened only with the same `where` (SealingError if not)."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, AttributeError):
        raise SealingError("a sealed value is not base64") from None
    end = 2 + int.from_bytes(raw[:2], "big")
    key = keys.unwrap(raw[2:end], where)
    return json.loads(unseal(key, raw[end:], where))


def record_ad(table: str, row_id: Any) -> bytes:
    """Associated data of a record's wrapped data key."""
    return f"{table}\x00{row_id}".encode()


def field_ad(table: str, field: str, row_id: Any, scope: Any) -> bytes:
    """Associated data of one sealed field: table, field, row id and form (or parent)."""
    return f"{table}\x00{field}\x00{row_id}\x00{scope}".encode()


# -- values <-> bytes ----------------------------------------------------------------------


def _json_bytes(value: Any) -> bytes:
    from forms_service.data.database import _dumps  # the JSON columns' own serialiser

    return _dumps(value).encode()


# How each kind of sealed value becomes bytes and back.
CODECS: dict[str, tuple[Callable[[Any], bytes], Callable[[bytes], Any]]] = {
    "bytes": (bytes, bytes),
    "text": (str.encode, bytes.decode),
    "json": (_json_bytes, json.loads),
}


def encode(kind: str, value: Any) -> bytes:
    return CODECS[kind][0](value)


def decode(kind: str, raw: bytes) -> Any:
    return CODECS[kind][1](raw)


# -- the ORM side --------------------------------------------------------------------------

_MISSING = object()


class Sealed:
    """A model attribute read and written as plain values, stored sealed in `<name>_sealed`.

    kind: "json", "text" or "bytes". `index`: the column holding the value's blind index.
    None is stored as NULL (no ciphertext).
    """

    def __init__(self, kind: str = "json", *, index: str | None = None):
        self.kind, self.index = kind, index

    def __set_name__(self, owner: type, name: str) -> None:
        self.name, self.column = name, f"{name}_sealed"

    def __get__(self, obj: Any, owner: type) -> Any:
        if obj is None:
            return self
        plain = obj.__dict__.setdefault("_plain", {})
        value = plain.get(self.name, _MISSING)
        if value is _MISSING:
            value = plain[self.name] = obj.open_field(self)
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__.setdefault("_plain", {})[self.name] = value
        obj.__dict__.setdefault("_unsealed", set()).add(self.name)
        if self.column in obj.__dict__:  # a loaded row: make the session see a change
            # (never flag data_key: rotate-keys may re-wrap it meanwhile; an UPDATE
            # would write the old wrapping back)
            flag_modified(obj, self.column)


class SealedRecord:
    """Mixin for models with sealed fields: their data key, and sealing and opening.

    A model sets `__sealed_id__` (its id attribute) and `__sealed_scope__` (the attribute
    also bound in, such as form_id).
    """

    __sealed_id__ = "id"
    __sealed_scope__ = "form_id"

    data_key: Mapped[bytes | None] = mapped_column(LargeBinary)

    @classmethod
    def sealed_fields(cls) -> list[Sealed]:
        found: dict[str, Sealed] = {}
        for base in reversed(cls.__mro__):
            found.update((k, v) for k, v in vars(base).items() if isinstance(v, Sealed))
        return list(found.values())

    def _where(self) -> tuple[str, Any, Any]:
        return (
            self.__tablename__,  # type: ignore[attr-defined]
            getattr(self, self.__sealed_id__),
            getattr(self, self.__sealed_scope__, ""),
        )

    def _data_key(self, keys: AnswerKeys) -> bytes:
        key = self.__dict__.get("_dk")
        if key is None:
            table, row_id, _ = self._where()
            if self.data_key is None:
                key, self.data_key = keys.new_data_key(record_ad(table, row_id))
            else:
                key = keys.unwrap(self.data_key, record_ad(table, row_id))
            self.__dict__["_dk"] = key
        return key

    def open_field(self, field: Sealed) -> Any:
        blob = getattr(self, field.column)
        if blob is None:
            return None
        keys = self.__dict__.get("_keys")
        if keys is None:
            raise SealingError("this record was not loaded through a Store")
        table, row_id, scope = self._where()
        return open_column(self._data_key(keys), field, blob, table, row_id, scope)

    def seal_fields(self, keys: AnswerKeys) -> None:
        """Seal the fields assigned since the last seal (the row must have its id)."""
        pending = self.__dict__.pop("_unsealed", set())
        if not pending:
            return
        table, row_id, scope = self._where()
        plain = self.__dict__["_plain"]
        for field in self.sealed_fields():
            if field.name not in pending:
                continue
            value = plain[field.name]
            key = None if value is None else self._data_key(keys)
            setattr(self, field.column, seal_column(key, field, value, table, row_id, scope))
            if field.index:
                setattr(self, field.index, keys.index(field.name, value))


# -- the same, for rows read and written with Core statements ------------------------------
# (the few queries of every page: data/drafts.py). Same keys, same associated data, same
# stored format as the ORM side above.


def record_key(
    keys: AnswerKeys, table: str, row_id: Any, wrapped: bytes | None
) -> tuple[bytes, bytes | None]:
    """A row's data key, and its wrapped form to store when the row had none yet (else None)."""
    if wrapped is None:
        return keys.new_data_key(record_ad(table, row_id))
    return keys.unwrap(wrapped, record_ad(table, row_id)), None


def open_column(
    key: bytes, field: Sealed, blob: bytes | None, table: str, row_id: Any, scope: Any
) -> Any:
    """The plain value of a sealed column (None for NULL)."""
    if blob is None:
        return None
    return decode(field.kind, unseal(key, blob, field_ad(table, field.name, row_id, scope)))


def seal_column(
    key: bytes | None, field: Sealed, value: Any, table: str, row_id: Any, scope: Any
) -> bytes | None:
    """What a sealed column stores for a plain value (NULL for None)."""
    if value is None:
        return None
    assert key is not None
    return seal(key, encode(field.kind, value), field_ad(table, field.name, row_id, scope))


def rewrap_data_keys(
    sessions: sessionmaker, keys: AnswerKeys, batch: int = 500
) -> Iterator[tuple[str, int, int]]:
    """Re-wrap every record's data key under the first KEK, `batch` rows a transaction.

    Yields (table, re-wrapped, already under the first key) per table. Resumable: a run
    stopped part-way leaves whole batches done, and the next run skips those rows.
    """
    for model in SealedRecord.__subclasses__():
        table = model.__table__  # type: ignore[attr-defined]
        row_id = table.c[model.__sealed_id__]
        rewrapped = current = 0
        last = None
        while True:
            with sessions.begin() as db:
                query = select(row_id, table.c.data_key).where(table.c.data_key.is_not(None))
                if last is not None:
                    query = query.where(row_id > last)
                rows = db.execute(query.order_by(row_id).limit(batch)).all()
                if not rows:
                    break
                changes = []
                for found_id, wrapped in rows:
                    try:
                        new = keys.rewrap(wrapped, record_ad(table.name, found_id))
                    except SealingError as error:
                        raise SealingError(f"{table.name} row {found_id}: {error}") from None
                    if new is None:
                        current += 1
                    else:
                        changes.append({"b_id": found_id, "b_key": new})
                if changes:
                    db.execute(
                        update(table)
                        .where(row_id == bindparam("b_id"))
                        .values(data_key=bindparam("b_key")),
                        changes,
                    )
                rewrapped += len(changes)
                last = rows[-1][0]
        yield table.name, rewrapped, current


def _keys_of(session: Session) -> AnswerKeys:
    keys = session.info.get("answer_keys")
    if callable(keys):
        keys = session.info["answer_keys"] = keys()
    if keys is None:
        raise SealingError("this session has no answer keys (make it through a Store)")
    return keys


def _sealed(objects: Iterable[Any]) -> list[SealedRecord]:
    return [o for o in objects if isinstance(o, SealedRecord) and o.__dict__.get("_unsealed")]


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    """Seal changed fields of rows that have their id; new rows wait for it (below)."""
    waiting = session.info.setdefault("unsealed_new_rows", [])
    for record in _sealed(list(session.new) + list(session.dirty)):
        record.__dict__["_keys"] = _keys_of(session)
        if record._where()[1] is None:
            waiting.append(record)  # held here: after the flush the session holds it weakly
        else:
            record.seal_fields(record.__dict__["_keys"])


def _after_flush_postexec(session: Session, _context: Any) -> None:
    """New rows now have their id: seal them; the commit flushes them again (an UPDATE)."""
    waiting = session.info.pop("unsealed_new_rows", [])
    for record in waiting:
        record.seal_fields(record.__dict__["_keys"])


def _on_load(target: Any, context: Any) -> None:
    session = getattr(context, "session", None)  # None for an ORM UPDATE's own refresh
    if session is not None and session.info.get("answer_keys") is not None:
        target.__dict__["_keys"] = _keys_of(session)


def _on_refresh(target: Any, context: Any, attrs: Any) -> None:
    # Fresh ciphertext from the database: forget what was opened (unless changed since).
    if not target.__dict__.get("_unsealed"):
        target.__dict__.pop("_plain", None)
        target.__dict__.pop("_dk", None)
    _on_load(target, context)


def watch(sessions: Any) -> None:
    """Seal and open the sealed fields of the sessions this factory makes."""
    event.listen(sessions, "before_flush", _before_flush)
    event.listen(sessions, "after_flush_postexec", _after_flush_postexec)


event.listen(SealedRecord, "load", _on_load, propagate=True)
event.listen(SealedRecord, "refresh", _on_refresh, propagate=True)
