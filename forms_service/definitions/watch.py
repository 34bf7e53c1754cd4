"""One definition file, read again whenever it changes: what `forms-service preview` serves.

No Flask: the preview views ask `refresh()` on each request and serve what it holds. An
author saves a file with a mistake in it: the mistakes (file:line:col) replace the form until
the next save fixes them. Each reading that changed something gets a new revision number,
which is also the form's version, so a draft started on an earlier reading is fitted to the
new one (as drafts are when a live form changes).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from pathlib import Path

from forms_service.definitions.loader import (
    DefinitionError,
    Problem,
    load_form_bytes,
)
from forms_service.definitions.model import Form


class WatchedDefinition:
    """The latest reading of one definition: a form or the problems that stop it loading."""

    def __init__(
        self,
        path: Path | None = None,
        text: str | None = None,
        name: str = "",
        advice: Callable[[Form], list[Problem]] | None = None,
    ) -> None:
        self.path = path
        self.advice = advice  # what `check` adds about a form that loads (its proofs)
        self.text = text  # a definition given as text (uploaded), not read from a file
        self.name = name or (str(path) if path else "<definition>")
        self.form: Form | None = None
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.revision = 0
        self._stamp: bytes | str | None = None
        self._snapshot: object = None
        self._paper: Path | None = None  # the PDF the definition's paper_form names
        self._lock = threading.Lock()

    def refresh(self) -> bool:
        """Read the file again; True if what it holds changed since the last reading.

        The file's bytes are compared, not its time stamp: an editor may save twice within
        one tick of the clock. A preview serves one author; reading a definition per
        request costs well under a millisecond.
        """
        try:
            source: bytes | None = (
                self.path.read_bytes() if self.path else (self.text or "").encode()
            )
            failure = ""
        except OSError as error:
            source, failure = None, error.strerror or str(error)
        with self._lock:
            stamp = source + self._paper_bytes() if source is not None else failure
            if stamp == self._stamp:
                return False
            self._stamp = stamp
            warnings: list[Problem] = []
            form: Form | None = None
            problems: list[Problem] = []
            if source is None:
                problems = [Problem(self.name, 1, 1, f"cannot read the file: {failure}")]
            else:
                try:
                    folder = self.path.parent if self.path else None
                    form = load_form_bytes(source, self.name, warnings, folder)
                except DefinitionError as error:
                    problems = list(error.problems)
                if form is not None and self.advice is not None:
                    warnings += self.advice(form)
            snapshot = dict(form.snapshot) if form is not None else None
            changed = snapshot != self._snapshot or problems != self.problems
            if changed:
                self.revision += 1
                self._snapshot = snapshot
            if form is not None:
                form = dataclasses.replace(form, version=self.revision)
            if problems:
                self._stamp = None  # read again until fixed: the fix may be in another file
            paper = form.paper_form if form is not None else None
            self._paper = self.path.parent / paper.file if paper and self.path else None
            self.form, self.problems, self.warnings = form, problems, warnings
            return changed

    def _paper_bytes(self) -> bytes:
        """The paper form's PDF as the last good reading named it: saving a new PDF over it
        shows its fields at once, as saving the definition does."""
        try:
            return self._paper.read_bytes() if self._paper else b""
        except OSError:
            return b"\0missing"
