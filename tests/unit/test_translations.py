"""The Welsh catalogue is complete: every string the service shows has Welsh, none is
fuzzy (Babel would leave it out and show English), and none loses a placeholder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from forms_service.catalogues import DIRECTORY, sources

ROOT = Path(__file__).resolve().parents[2]
# %(name)s for Python's % formatting; {name} for the question types' messages and the
# scripts' words; %{count} for GOV.UK Frontend's character count.
PLACEHOLDERS = re.compile(r"%\(\w+\)[sd]|%\{\w+\}|\{\w+\}")


def _catalogue(language: str):
    with sources()[language].open("rb") as po:
        return read_po(po, locale=language)


def _problems(catalogue) -> list[str]:
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy (left out when compiled): {ids[0]!r}")
        if not all(s and s.strip() for s in strings):
            problems.append(f"no Welsh: {ids[0]!r}")
            continue
        wanted = set(PLACEHOLDERS.findall(ids[-1]))
        for string in strings:
            got = set(PLACEHOLDERS.findall(string))
            # {Name} may stand for {name} (a Welsh sentence need not start with it).
            if {p.lower() for p in got} != {p.lower() for p in wanted}:
                problems.append(f"placeholders {sorted(wanted)} became {sorted(got)}: {ids[0]!r}")
    return problems


def test_every_message_has_welsh():
    catalogue = _catalogue("cy")
    assert len(catalogue) > 700
    assert _problems(catalogue) == []


def test_the_check_finds_an_empty_a_fuzzy_and_a_broken_entry():
    from babel.messages.catalog import Catalog

    catalogue = Catalog(locale="cy")
    catalogue.add("Continue", "")
    catalogue.add("Back", "Yn ôl", flags=["fuzzy"])
    catalogue.add("Enter {name}", "Mae angen nodi")
    catalogue.add("Change", "Newid")
    problems = _problems(catalogue)
    assert len(problems) == 3, problems
    assert [p.split(":")[0] for p in problems] == ["no Welsh", "fuzzy (left out when compiled)",
                                                   "placeholders ['{name}'] became []"]  # fmt: skip


def test_the_catalogues_hold_every_string_in_the_code():
    """A new _() in a template or gettext() in the code needs `make update-translations`
    and its Welsh: otherwise a Welsh page would show it in English."""
    found = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(
            str(ROOT),
            method_map=[
                ("forms_service/**.py", "python"),
                ("forms_service/templates/**.html", "jinja2"),
                ("forms_service/templates/**.txt", "jinja2"),
            ],
            options_map={
                "forms_service/templates/**.html": {"extensions": "jinja2.ext.do"},
                "forms_service/templates/**.txt": {"extensions": "jinja2.ext.do"},
            },
            keywords={
                "_": None,
                "gettext": None,
                "ngettext": (1, 2),
                "N_": None,
                "lazy_gettext": None,
            },  # fmt: skip
            directory_filter=lambda path: "node_modules" not in path and "/." not in path,
        )
    }
    assert len(found) > 700
    for language in ("en", "cy"):
        ids = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue(language) if m.id}
        missing = sorted(found - ids)
        assert missing == [], f"not in the {language} catalogue: run make update-translations"


@pytest.mark.parametrize("language", ["en", "cy"])
def test_catalogues_are_compiled_for_the_app(language):
    mo = DIRECTORY / language / "LC_MESSAGES" / "messages.mo"
    assert mo.exists() and mo.stat().st_mtime >= sources()[language].stat().st_mtime


def test_the_app_compiles_a_stale_catalogue_as_it_starts(tmp_path, monkeypatch):
    """A deploy that skipped `make translations` still serves Welsh."""
    import shutil

    from forms_service import catalogues

    copy = tmp_path / "translations"
    shutil.copytree(DIRECTORY, copy, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(catalogues, "DIRECTORY", copy)
    assert sorted(catalogues.stale()) == ["cy", "en"]
    assert sorted(catalogues.compile_stale()) == ["cy", "en"]
    assert catalogues.stale() == []
    assert (copy / "cy" / "LC_MESSAGES" / "messages.mo").stat().st_size > 10_000


@pytest.mark.parametrize(
    ("language", "noun", "shown"),
    [("en", "visitor", "a visitor"), ("en", "attorney", "an attorney"),
     ("en", "item", "an item"), ("en", "uncle", "an uncle"), ("en", "user", "a user"),
     ("cy", "ymwelydd", "ymwelydd")],
)  # fmt: skip
def test_an_item_takes_the_article_its_language_needs(language, noun, shown, monkeypatch):
    from forms_service import template_filters

    monkeypatch.setattr(template_filters, "current_language", lambda: language)
    assert template_filters.app_indefinite(noun) == shown
