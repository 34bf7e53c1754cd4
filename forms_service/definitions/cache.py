"""Validated definitions kept on disk, so a new worker does not read and check every file again.

Loading a definition (parsing the YAML, checking every key, expression and placeholder,
opening its paper PDF to check each box) takes tens of milliseconds; a hundred forms made
every start-up take seconds. The Form a file loads into is pickled under a key made of
the file's bytes, its path (problems and warnings name it), and a fingerprint of the code
that reads definitions (the source of this package, the question types and the PDF field
reader, with the Python and library versions), so any change to the file or to the loader
is read afresh. A file also depends on the paper PDF it names: the entry records that
file's SHA-256, and a different (or missing) PDF makes the entry unusable.

Only definitions that load are kept (with their warnings): a file with problems is read
again each time, since its fix may lie outside it (a missing PDF put in place). An entry
that cannot be read (cut short, from another version, not a pickle) is ignored and written
again; entries are written to a temporary file and renamed, so a reader never sees half of
one. Entries not used for CACHE_DAYS are removed.

The folder must be as private as the instance folder that holds it: like the compiled
template cache beside it, what is in it is run as code.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import platform
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from forms_service.definitions.loader import Problem
from forms_service.definitions.model import Form

CACHE_DAYS = 30
FORMAT = 1  # the layout of an entry; bump it when _Entry changes
_PACKAGE = Path(__file__).resolve().parent.parent
# The code whose output is cached: the loader and what it calls to check definitions.
_SOURCES = ("definitions", "question_types", "acroform.py")
_LIBRARIES = ("forms-service", "pyyaml", "pypdf", "google-re2")


@dataclass(frozen=True)
class _Entry:
    form: Form
    warnings: tuple[Problem, ...]
    depends_on: tuple[tuple[str, str], ...]  # (path, SHA-256 of its bytes)


@functools.cache
def code_fingerprint() -> str:
    """A hash of the code and versions that turn a definition file into a Form."""
    digest = hashlib.sha256(f"{FORMAT} {platform.python_version()}".encode())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name} {version(name)}".encode())
        except PackageNotFoundError:
            digest.update(f"{name} -".encode())
    for name in _SOURCES:
        root = _PACKAGE / name
        for path in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            digest.update(str(path.relative_to(_PACKAGE)).encode())
            digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


class DefinitionCache:
    """Loaded definitions in `folder`, one file per definition file's contents."""

    def __init__(self, folder: Path):
        self.folder = folder

    def load(
        self,
        path: Path,
        data: bytes,
        read: Callable[[list[Problem]], Form],
        warnings: list[Problem] | None,
    ) -> Form:
        """The Form in `data` (the bytes of `path`): from the cache when an entry holds it,
        else `read(warnings)`, kept for next time. Raises as `read` does."""
        key = self._key(path, data)
        entry = self._get(key)
        if entry is None:
            found: list[Problem] = []
            form = read(found)
            entry = _Entry(form, tuple(found), _depends_on(path, form))
            self._put(key, entry)
        if warnings is not None:
            warnings.extend(entry.warnings)
        return entry.form

    def _key(self, path: Path, data: bytes) -> str:
        digest = hashlib.sha256(code_fingerprint().encode())
        digest.update(str(path).encode() + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _get(self, key: str) -> _Entry | None:
        file = self.folder / f"{key}.pickle"
        try:
            with file.open("rb") as stream:
                entry = pickle.load(stream)  # noqa: S301 - written by this service (above)
        except FileNotFoundError:
            return None
        except Exception:  # cut short, another version's classes, not a pickle: read again
            return None
        if not isinstance(entry, _Entry) or not all(
            _sha256_of(Path(name)) == sha256 for name, sha256 in entry.depends_on
        ):
            return None
        with contextlib.suppress(OSError):
            os.utime(file)  # in use: not removed as stale
        return entry

    def _put(self, key: str, entry: _Entry) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        except OSError:
            return  # a read-only instance folder only costs the next start-up its time
        try:
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(entry, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.folder / f"{key}.pickle")
        except (OSError, pickle.PicklingError):
            with contextlib.suppress(OSError):
                os.unlink(temporary)

    def remove_stale(self, now: float | None = None) -> None:
        """Remove entries not used for CACHE_DAYS (old versions of changed files)."""
        cutoff = (now or time.time()) - CACHE_DAYS * 86400
        try:
            files = list(self.folder.iterdir())
        except OSError:
            return
        for file in files:
            with contextlib.suppress(OSError):
                if file.stat().st_mtime < cutoff:
                    file.unlink()


def _depends_on(path: Path, form: Form) -> tuple[tuple[str, str], ...]:
    """The other files the definition was checked against: its paper PDF."""
    paper = form.paper_form
    if paper is None or not paper.sha256:
        return ()
    return ((str(path.parent / paper.file), paper.sha256),)


def _sha256_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
