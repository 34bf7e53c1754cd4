"""The error message for an answer that cannot be accepted, per type and kind (no Flask).

GOV.UK's error-message guidance names the thing that is wrong in the words of the page:
"Enter the prisoner's last name", "Date of birth must be a real date", "Date of your first
choice must be 4 December 2026 or later". The service cannot parse English, so it takes the
question's label as that name only when the label reads as a noun phrase ("Prisoner's last
name" becomes "the prisoner's last name"). A label that is a question ("What is your name?")
or an instruction ("Select the reason you're applying") is not one: the type's
`plain_messages` are used instead, whole sentences that name no label ("Enter a date", "The
date must be a real date"). The author's `error_messages:` always win.

Every default is a whole sentence marked with N_() in its type's module, with named
placeholders ({name}, {max}, {date}...), so a translator sees and translates the sentence.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from forms_service.question_types import question_type
from forms_service.question_types import values as V
from forms_service.question_types.base import ERROR_KINDS, Invalid

if TYPE_CHECKING:
    from forms_service.definitions.model import Question, Text

_NAMED = re.compile(r"\{[Nn]ame\}")
PLACEHOLDER = re.compile(r"\{(name|Name|max|min|date|decimals|option|start|end)\}")
# Placeholders an author's error message may use for the limit it breaks.
AUTHOR_PLACEHOLDERS = ("date", "min", "max")

# Labels that tell the citizen what to do are not things to "Enter": "Select the reason
# you're applying", "Tell us what happened".
_INSTRUCTION = re.compile(
    r"^(select|choose|enter|tell|give|describe|explain|list|provide|upload|write|add|"
    r"confirm|say|tick|check)\b",
    re.IGNORECASE,
)
# "Prisoner's last name" needs an article in a sentence: "Enter the prisoner's last name".
_POSSESSIVE = re.compile(r"^[A-Za-z-]+(?:'s|’s|s'|s’)\s", re.IGNORECASE)
_NO_ARTICLE = re.compile(r"^(?:someone|anyone|everyone|nobody|no one)", re.IGNORECASE)
_PROPER_NOUN = re.compile(r"^[A-Z][a-z]*\s+[A-Z]")
# "First choice: date" reads in a sentence as "date of first choice".
_PART_OF = re.compile(r"^(?P<whole>[^:?]{1,40}):\s*(?P<part>[A-Za-z]+)$")


def noun_phrase(label: str, language: str = "en") -> str | None:
    """The label as a noun phrase inside a sentence ("the prisoner's last name"), or None
    when it is not one (a question or an instruction), so the plain messages are used."""
    label = label.strip().rstrip(":").strip()
    if not label or label.endswith("?") or _INSTRUCTION.match(label):
        return None
    if len(label) > 1 and label[1].isupper() or _PROPER_NOUN.match(label):
        return label  # "NHS number", "National Insurance number" keep their capitals
    name = label[:1].lower() + label[1:]
    if language != "en":
        return name
    # English grammar for an English label (a Welsh one keeps its own words).
    if part_of := _PART_OF.match(name):
        return f"{part_of['part'].lower()} of {part_of['whole']}"
    if _POSSESSIVE.match(name) and not _NO_ARTICLE.match(name):
        name = "the " + name
    return name


def author_kind(kind: str) -> str:
    """Which author-overridable message (error_messages:) covers a problem's kind."""
    if kind in ERROR_KINDS:
        return kind
    if kind.endswith("_required"):
        return "required"
    if kind.endswith("_too_long"):
        return "too_long"
    if kind.startswith("missing_") or kind in ("not_real_date", "year_not_4_digits"):
        return "invalid"
    return {"negative": "too_small", "confirm_required": "mismatch"}.get(kind, "invalid")


def default_template(question: Question, problem: Invalid, plain: bool) -> str:
    """The type's default sentence for a problem: its detail, else its kind, else invalid."""
    qtype = question_type(question)
    for key in (problem.detail, problem.kind, "invalid"):
        if key is None or key not in qtype.messages:
            continue
        template = qtype.messages[key]
        if plain and _NAMED.search(template):
            template = qtype.plain_messages[key]
        return template
    raise KeyError(f"{qtype.name} has no message for {problem.kind}")


def error_message(
    question: Question,
    problem: Invalid,
    label: str,
    *,
    language: str = "en",
    gettext: Callable[[str], str] = lambda s: s,
    pick: Callable[[Text], str] | None = None,
) -> str:
    """The sentence shown for `problem` with `question`'s answer, its label given as shown
    (in the page's language and variant). `pick` chooses a text's string (the author's
    message, an option's label); `gettext` translates the service's own sentences."""
    pick = pick or (lambda text: text.pick(language))
    name = noun_phrase(label, language)
    override = question.error_messages.get(author_kind(problem.kind))
    if override is not None:
        template = pick(override)
    else:
        template = gettext(default_template(question, problem, plain=name is None))
    params = {key: _shown(value, language, pick) for key, value in problem.params.items()}
    if name is None:  # only an author's message could still ask for it
        name = label
    params.update(name=name, Name=name[:1].upper() + name[1:])
    return fill(template, params)


def fill(template: str, params: Mapping[str, str]) -> str:
    """Put the named values into a message's {placeholders} (others are left as written)."""
    return PLACEHOLDER.sub(lambda m: str(params.get(m.group(1), m.group(0))), template)


def _shown(value: Any, language: str, pick: Callable[[Text], str]) -> str:
    if isinstance(value, datetime.date):
        return V.format_date(value, locale=language)
    if hasattr(value, "variants"):
        return pick(value)
    return str(value)
