"""Free text: `text` (one line) and `textarea` (a paragraph)."""

from __future__ import annotations

import datetime
import re
from re import _constants as sre_constants
from re import _parser as sre_parser
from typing import TYPE_CHECKING, Any, ClassVar

from forms_service.question_types import keys as K
from forms_service.question_types import patterns
from forms_service.question_types.base import (
    N_,
    Display,
    Invalid,
    QuestionType,
    Raw,
    check_length,
    stripped,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from forms_service.definitions.model import Question

_EXAMPLE = "Example answer"


class TextType(QuestionType):
    name = "text"
    always_limited = True  # its own max_length, or the service's
    component = "input"
    labels_an_item = True
    default_max: ClassVar[int] = 500  # characters, when the definition sets no max_length
    keys = {
        "max_length": K.MAX_LENGTH,
        "min_length": K.NON_NEGATIVE_INT,
        "pattern": K.REGEX,
        "width": K.WIDTH,
        "autocomplete": K.AUTOCOMPLETE,
        "transform": K.TRANSFORM,
    }
    messages = {
        **QuestionType.messages,
        "too_short": N_("{Name} must be {min} characters or more"),
    }
    plain_messages = {
        **QuestionType.plain_messages,
        "too_short": N_("Your answer must be {min} characters or more"),
    }

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> str:
        value = transformed(question, stripped(raw.get("")))
        value = check_length(question, value, self.default_max)
        pattern = question.setting("pattern")
        if pattern and not patterns.fullmatch(pattern, value):
            raise Invalid("invalid")
        return value

    def example_answer(self, question: Question, today: datetime.date) -> str | None:
        """The text "Example answer", cut or padded with x to min_length and max_length; for a
        pattern it does not match, the text pattern_example() reads from the pattern.

        None when the pattern is not simple enough to sample (see pattern_example) or its
        sample breaks the length limits.
        """
        low = question.setting("min_length") or 1
        high = question.setting("max_length", self.default_max)
        if low > high:
            return None
        length = min(max(len(_EXAMPLE), low), high)
        value = (_EXAMPLE + "x" * length)[:length]
        value = value[:-1] + "x" if value.endswith(" ") else value  # would be stripped
        value = transformed(question, value)  # stored answers are already transformed
        pattern = question.setting("pattern")
        if pattern and not patterns.fullmatch(pattern, value):
            sample = pattern_example(pattern, low)
            sample = transformed(question, sample) if sample is not None else None
            fits = (
                sample is not None
                and sample == sample.strip()
                and low <= len(sample) <= high
                and patterns.fullmatch(pattern, sample)
            )
            return sample if fits else None
        return value


def transformed(question: Question, value: str) -> str:
    """The answer as the definition's `transform:` normalises it, before it is checked, so
    a pattern written for capitals accepts "a1234bc" typed in lower case, and stored so."""
    transform = question.setting("transform")
    if transform == "uppercase":
        return value.upper()
    if transform == "lowercase":
        return value.lower()
    return value


class TextareaType(TextType):
    name = "textarea"
    component = "character_count"
    labels_an_item = False
    default_max = 5000
    raw_max = K.LONGEST_ANSWER
    keys = {"max_length": K.MAX_LENGTH, "min_length": K.NON_NEGATIVE_INT}

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> str:
        # Browsers send CRLF; count what the citizen sees, as the character count does.
        value = stripped(raw.get("")).replace("\r\n", "\n")
        return check_length(question, value, self.default_max)

    def display(self, question: Question, value: Any, ctx: Display) -> list[str]:
        return value.splitlines() if value else []


class _CannotSample(Exception):
    """A part of a pattern that pattern_example does not sample."""


def pattern_example(pattern: str, min_length: int = 1) -> str | None:
    """A short text matching a simple `pattern`, at least `min_length` long where the
    pattern's repeats allow (`[0-9]+` with min_length 6 gives "000000"), or None when the
    pattern is not simple.

    Reads the pattern with re's own parser (re._parser: private, but it is what re.compile
    runs, so the pattern is read exactly as it is matched) and takes the first choice
    everywhere: the first character of a class, the first branch, the fewest repeats.
    Lookarounds, negated classes and back-references are not simple; the result is checked
    with the engine that checks answers (patterns.fullmatch) anyway.
    """
    try:
        parsed = sre_parser.parse(pattern)
        text = _sample(parsed)
        if len(text) < min_length:  # repeat the first open-ended repeat more, if any
            text = _sample(parsed, [min_length - len(text)])
        return text if patterns.fullmatch(pattern, text) else None
    except (_CannotSample, re.error, patterns.PatternError, patterns.EngineError, RecursionError):
        return None


_CATEGORY_SAMPLES = {
    sre_constants.CATEGORY_DIGIT: "0",
    sre_constants.CATEGORY_WORD: "a",
    sre_constants.CATEGORY_SPACE: " ",
}


def _sample(items: Iterable[tuple[Any, Any]], more: list[int] | None = None) -> str:
    """The first choice everywhere and the fewest repeats; `more` ([n]): n more repeats,
    taken by the first repeats that allow them (counted down as they are used)."""
    more = more if more is not None else [0]
    text = ""
    for op, arg in items:
        if op is sre_constants.LITERAL:
            text += chr(arg)
        elif op is sre_constants.ANY:
            text += "a"
        elif op is sre_constants.IN:
            text += _sample_class(arg)
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            low, high, item = arg
            extra = min(more[0], high - low)
            more[0] -= extra
            text += _sample(item) * (low + extra)
        elif op is sre_constants.SUBPATTERN:
            text += _sample(arg[-1], more)
        elif op is sre_constants.BRANCH:
            text += _sample(arg[1][0], more)
        elif op is sre_constants.AT:
            continue  # ^ and $: fullmatch anchors anyway; others fail the final check
        else:
            raise _CannotSample(op)
    return text


def _sample_class(items: list[tuple[Any, Any]]) -> str:
    op, arg = items[0]
    if op is sre_constants.LITERAL:
        return chr(arg)
    if op is sre_constants.RANGE:
        return chr(arg[0])
    if op is sre_constants.CATEGORY and arg in _CATEGORY_SAMPLES:
        return _CATEGORY_SAMPLES[arg]
    raise _CannotSample(op)
