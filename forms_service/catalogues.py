"""The service's own words in English and Welsh: the Babel catalogues in translations/.

The .po files are the source (committed); Flask-Babel reads the compiled .mo files, which
`make translations` writes during set-up. A page in Welsh with a missing or stale .mo would
quietly fall back to English, so the app checks them at start-up.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DIRECTORY = Path(__file__).parent / "translations"


def sources() -> dict[str, Path]:
    """Each language's .po file, by language code."""
    return {po.parent.parent.name: po for po in sorted(DIRECTORY.glob("*/LC_MESSAGES/messages.po"))}


def stale() -> list[str]:
    """The languages whose compiled catalogue is missing or older than its .po file."""
    out = []
    for language, po in sources().items():
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            out.append(language)
    return out


def compile_stale() -> list[str]:
    """Compile the catalogues that need it (as `pybabel compile` does; fuzzy entries are
    left out) and return their languages. Each .mo is replaced atomically, so processes
    starting at the same moment never read half a file."""
    done = stale()
    for language in done:
        po = sources()[language]
        with po.open("rb") as source:
            catalog = read_po(source, locale=language)
        handle, temporary = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as out:
            write_mo(out, catalog)
        os.replace(temporary, po.with_suffix(".mo"))
    return done
