"""The kinds of value a question-type key can take, and how each is checked.

Question types declare their extra keys with these specs, so
the loader can validate a type's keys without a long if/elif over types.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from forms_service.question_types.patterns import PatternError, check_pattern
from forms_service.question_types.values import resolve_date_bound

WIDTHS = {
    "2",
    "3",
    "4",
    "5",
    "10",
    "20",
    "30",
    "full",
    "three-quarters",
    "two-thirds",
    "one-half",
    "one-third",
    "one-quarter",
}


class BadKeyValue(ValueError):
    """A key's value is wrong; the message tells the author how to fix it."""


@dataclass(frozen=True)
class Key:
    kind: str  # int, number, bool, regex, date_bound, width, choice, text (read as a Text)
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()

    def convert(self, value: Any) -> Any:
        return getattr(self, f"_{self.kind}")(value)

    def _int(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadKeyValue(f"must be a whole number, like 10 (found {value!r})")
        if self.minimum is not None and value < self.minimum:
            raise BadKeyValue(f"must be {int(self.minimum)} or more (found {value})")
        if self.maximum is not None and value > self.maximum:
            raise BadKeyValue(f"must be {int(self.maximum):,} or less (found {value})")
        return value

    def _number(self, value: Any) -> float | int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadKeyValue(f"must be a number, like 100 or 12.5 (found {value!r})")
        return value

    def _bool(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise BadKeyValue(f"must be true or false (found {value!r})")
        return value

    def _regex(self, value: Any) -> str:
        if not isinstance(value, str):
            raise BadKeyValue("must be a regular expression in quotes")
        try:
            re.compile(value)
        except re.error as exc:
            raise BadKeyValue(
                f"is not a valid regular expression: {exc.msg} at position {exc.pos}. "
                "Put the pattern in single quotes and check brackets and backslashes"
            ) from None
        try:
            check_pattern(value)
        except PatternError as exc:
            raise BadKeyValue(str(exc)) from None
        return value

    def _date_bound(self, value: Any) -> str:
        if isinstance(value, datetime.date):
            return value.isoformat()
        if not isinstance(value, str):
            raise BadKeyValue("must be a date like 2024-01-31, today, or today-18y / today+28d")
        try:
            resolve_date_bound(value, datetime.date(2000, 1, 1))
        except ValueError as exc:
            raise BadKeyValue(str(exc)) from None
        return value

    def _width(self, value: Any) -> str:
        text = str(value)
        if text not in WIDTHS:
            raise BadKeyValue(
                "must be one of " + ", ".join(sorted(WIDTHS, key=lambda w: (len(w), w)))
            )
        return text

    def _choice(self, value: Any) -> str:
        if value not in self.choices:
            raise BadKeyValue("must be one of " + ", ".join(self.choices))
        return value


POSITIVE_INT = Key("int", minimum=1)
# No answer is longer than this, so no draft can be made large one field at a time.
LONGEST_ANSWER = 10_000
MAX_LENGTH = Key("int", minimum=1, maximum=LONGEST_ANSWER)
NON_NEGATIVE_INT = Key("int", minimum=0)
NUMBER = Key("number")
BOOL = Key("bool")
REGEX = Key("regex")
DATE_BOUND = Key("date_bound")
WIDTH = Key("width")
TEXT = Key("text")  # the loader reads these itself, in every language of the form
# `transform:` on a text question: how its answer is normalised before it is checked.
TRANSFORM = Key("choice", choices=("uppercase", "lowercase"))
AUTOCOMPLETE = Key(
    "choice",
    choices=(
        "off",
        "name",
        "given-name",
        "family-name",
        "honorific-prefix",
        "email",
        "tel",
        "bday",
        "street-address",
        "postal-code",
        "organization",
        "country-name",
    ),
)
