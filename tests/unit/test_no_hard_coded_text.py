"""Every sentence the service itself shows goes through gettext, so Welsh can be added."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2 import Environment

TEMPLATES = Path(__file__).resolve().parents[2] / "forms_service" / "templates"
TAG = re.compile(r"<[^>]*>", re.S)
ALLOWED = {"English", "Cymraeg"}  # language names are written in their own language


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_templates_have_no_untranslated_text(template: Path):
    # Jinja's own lexer separates the template's literal text ("data") from its code.
    env = Environment(extensions=["jinja2.ext.do"])
    data = " ".join(value for _, kind, value in env.lex(template.read_text()) if kind == "data")
    text = TAG.sub(" ", data)
    words = [
        w for w in re.findall(r"[A-Za-z][A-Za-z’']+(?:\s+[A-Za-z’']+)*", text) if w not in ALLOWED
    ]
    assert words == [], f"wrap these in _() in {template.name}: {words}"


def test_python_messages_are_marked_for_translation():
    """Babel's extractor finds every default error message and part label of the registry."""
    from babel.messages.extract import extract_from_file

    from forms_service.question_types import REGISTRY

    sources = sorted((TEMPLATES.parent / "question_types").glob("*.py"))
    found = {
        m[1]
        for source in sources
        for m in extract_from_file("python", str(source), keywords={"N_": None})
    }
    for qtype in REGISTRY.values():
        wanted = (
            set(qtype.messages.values())
            | set(qtype.plain_messages.values())
            | set(getattr(qtype, "hints", {}).values())
            | {label for label, _, _ in getattr(qtype, "part_labels", {}).values()}
        )
        assert wanted <= found, f"{qtype.name}: not marked with N_(): {wanted - found}"


def test_settings_passed_in_win_over_the_environment(tmp_path):
    from forms_service.config import ConfigError, load_config

    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        load_config({"FORMS_SERVICE_ENV": "production"}, instance_path=tmp_path)
    with pytest.raises(ConfigError, match="^ANSWERS_KEYS is not set"):
        load_config({"FORMS_SERVICE_ENV": "production"}, SECRET_KEY="k" * 40)
    keys = {"ANSWERS_KEYS": "k1:" + "A" * 43 + "=", "ANSWERS_INDEX_KEY": "B" * 43 + "="}
    config = load_config(
        {
            "FORMS_SERVICE_ENV": "production",
            "SERVICE_URL": "https://forms.example.gov.uk",
            **keys,
        },
        SECRET_KEY="k" * 40,
    )
    assert config["SECRET_KEY"] == "k" * 40 and config["SESSION_COOKIE_SECURE"] is True
