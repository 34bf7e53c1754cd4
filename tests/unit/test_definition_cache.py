"""The cache of checked definitions (definitions/cache.py): what a worker takes from it must
be what reading the files gives, problems and warnings at the same file:line:col."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from forms_service.definitions.cache import DefinitionCache
from forms_service.definitions.loader import DefinitionError, load_definitions

FORMS_DIR = Path(__file__).resolve().parents[2] / "form_definitions"
PVB = "prison-visit-booking"


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "forms"
    shutil.copytree(FORMS_DIR, folder)
    return folder


def _load(folder: Path, cache: DefinitionCache | None):
    warnings: list = []
    forms, problems = load_definitions([folder], warnings, cache)
    return forms, [str(p) for p in problems], [str(w) for w in warnings]


def _never(_found):
    raise AssertionError("the definition was read again instead of taken from the cache")


def test_the_cache_gives_the_forms_warnings_and_problems_that_reading_gives(tmp_path):
    folder = _folder(tmp_path)
    (folder / "broken.yaml").write_text("id: broken\nversion: 1\ntitle: [unclosed\n", "utf-8")
    (folder / "unknown-key.yaml").write_text(
        (FORMS_DIR / f"{PVB}.yaml")
        .read_text("utf-8")
        .replace("id: prison-visit-booking", "id: other\ncolour: blue"),
        "utf-8",
    )
    cache = DefinitionCache(tmp_path / "cache")
    read = _load(folder, None)
    cold = _load(folder, cache)
    warm = _load(folder, cache)
    assert read[1] and read[2]  # the folder has problems and warnings to compare
    for forms, problems, warnings in (cold, warm):
        assert problems == read[1]
        assert warnings == read[2]
        assert sorted(forms) == sorted(read[0])
        for form_id, form in forms.items():
            assert form.snapshot == read[0][form_id].snapshot
            assert form.paper_form.pdf == read[0][form_id].paper_form.pdf
    # One entry per definition that loaded; the broken ones are read each time.
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == len(read[0])


def test_an_unchanged_file_is_not_read_again(tmp_path):
    folder = _folder(tmp_path)
    path = folder / f"{PVB}.yaml"
    cache = DefinitionCache(tmp_path / "cache")
    load_definitions([path], [], cache)
    warnings: list = []
    form = cache.load(path, path.read_bytes(), _never, warnings)
    assert form.id == PVB
    assert warnings == []  # prison-visit-booking loads without warnings


def test_a_changed_file_is_read_again(tmp_path):
    folder = _folder(tmp_path)
    path = folder / f"{PVB}.yaml"
    cache = DefinitionCache(tmp_path / "cache")
    load_definitions([path], [], cache)
    path.write_text(path.read_text("utf-8").replace("version: ", "version: 9", 1), "utf-8")
    forms, problems = load_definitions([path], [], cache)
    assert not problems
    assert str(forms[PVB].version).startswith("9")
    with pytest.raises(AssertionError):
        cache.load(folder / "elsewhere.yaml", path.read_bytes(), _never, [])  # path in key


def test_a_changed_or_missing_paper_pdf_is_checked_again(tmp_path):
    folder = _folder(tmp_path)
    path = folder / f"{PVB}.yaml"
    pdf = folder / "paper" / f"{PVB}.pdf"
    cache = DefinitionCache(tmp_path / "cache")
    first = load_definitions([path], [], cache)[0][PVB]
    pdf.write_bytes(pdf.read_bytes() + b"\n% a comment after the end: another file\n")
    second = load_definitions([path], [], cache)[0][PVB]
    assert second.paper_form.sha256 != first.paper_form.sha256
    assert second.paper_form.pdf == pdf.read_bytes()
    pdf.unlink()
    forms, problems = load_definitions([path], [], cache)
    assert forms == {}
    assert "does not exist" in str(problems[0])
    assert [str(p) for p in problems] == [str(p) for p in load_definitions([path], [])[1]]


def test_a_file_with_problems_is_not_kept(tmp_path):
    """Its fix may be outside it: the missing PDF put in place."""
    folder = _folder(tmp_path)
    path = folder / f"{PVB}.yaml"
    pdf = folder / "paper" / f"{PVB}.pdf"
    kept = pdf.read_bytes()
    pdf.unlink()
    cache = DefinitionCache(tmp_path / "cache")
    assert load_definitions([path], [], cache)[1]
    pdf.write_bytes(kept)
    forms, problems = load_definitions([path], [], cache)
    assert not problems and PVB in forms


def test_an_unreadable_entry_is_ignored_and_written_again(tmp_path):
    folder = _folder(tmp_path)
    path = folder / f"{PVB}.yaml"
    cache = DefinitionCache(tmp_path / "cache")
    load_definitions([path], [], cache)
    (entry,) = (tmp_path / "cache").glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    forms, problems = load_definitions([path], [], cache)
    assert not problems and PVB in forms
    assert cache.load(path, path.read_bytes(), _never, []).id == PVB  # written again


def test_without_a_writable_folder_definitions_still_load(tmp_path):
    folder = _folder(tmp_path)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    forms, problems = load_definitions([folder], [], DefinitionCache(blocked / "cache"))
    assert len(forms) == 3 and not problems


def test_the_cache_raises_what_reading_raises(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: [\n", "utf-8")

    def read(found):
        raise DefinitionError([])

    with pytest.raises(DefinitionError):
        DefinitionCache(tmp_path / "cache").load(path, path.read_bytes(), read, [])
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").iterdir())
