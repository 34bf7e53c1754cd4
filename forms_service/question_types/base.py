"""What every question type is: the QuestionType base class, Invalid, Display, ERROR_KINDS.

A type knows its extra definition keys, the inputs it reads, how to turn what was typed into
the stored answer (and back), the answer's type in conditions, how to show it to people and
in a CSV cell. Nothing here imports Flask or WTForms: the journey engine and the PDF use it
too. Rendering lives in forms_service.views.question_fields, keyed by each type's `component`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from forms_service.question_types import keys as K
from forms_service.question_types.answer_types import T

if TYPE_CHECKING:
    from forms_service.definitions.model import Question, Text

Raw = dict[str, Any]  # what was typed: part name -> string (or list of strings for checkboxes)

ERROR_KINDS = (
    "required",
    "invalid",
    "too_long",
    "too_short",
    "too_small",
    "too_large",
    "too_early",
    "too_late",
    "too_few",
    "too_many",
    "mismatch",
)

# error_messages: may also name a limit by the key that sets it, the name an author reaches
# for first (`max_length:` for `too_long:`). A type accepts one only if it has that key.
LIMIT_KINDS = {
    "pattern": "invalid",
    "max_length": "too_long",
    "min_length": "too_short",
    "min": "too_small",
    "max": "too_large",
    "not_before": "too_early",
    "not_after": "too_late",
    "min_selected": "too_few",
    "max_selected": "too_many",
    "confirm": "mismatch",
}


def N_(message: str) -> str:
    """Mark a message for translation; gettext runs when it is shown (see fields.py)."""
    return message


class Invalid(Exception):
    """An answer that cannot be accepted: `kind` picks the message, `parts` the inputs to mark.

    `kind` is one of ERROR_KINDS, or a finer kind of the type's own ("missing_month") whose
    author message is the nearest ERROR_KIND (see messages.author_kind). `detail` names a
    more precise default message for the same kind ("today_or_past" for a too_late date);
    `params` are the limits the message shows (max, min, date...).
    """

    def __init__(
        self, kind: str, parts: tuple[str, ...] = (), detail: str | None = None, **params: Any
    ):
        super().__init__(kind)
        self.kind = kind
        self.parts = parts
        self.params = params
        self.detail = detail
        # Further problems in other parts of the same answer (compound answers report all).
        self.more: list[Invalid] = []


@dataclass(frozen=True)
class Display:
    """What showing an answer needs: the language, a text picker and gettext."""

    language: str = "en"
    pick: Callable[[Text], str] | None = None
    gettext: Callable[[str], str] = lambda s: s

    def label(self, text: Text) -> str:
        return self.pick(text) if self.pick else text.pick(self.language)


class QuestionType:
    name: ClassVar[str]
    component: ClassVar[str]
    keys: ClassVar[Mapping[str, K.Key]] = {}
    parts: ClassVar[tuple[str, ...]] = ("",)  # input names: "" is the id, "day" is id-day
    has_options: ClassVar[bool] = False
    min_options: ClassVar[int] = 1  # how many options a definition must list (if it has them)
    can_reveal: ClassVar[bool] = False  # an option may reveal follow-up questions
    can_have_exclusive_options: ClassVar[bool] = False  # "None of these" ticked on its own
    # The kinds of error_messages: a definition may set for a question of this type.
    error_kinds: ClassVar[tuple[str, ...]] = ERROR_KINDS
    # What the rest of the service asks about a type, so that no module outside this package
    # compares a question's type with a type name.
    takes_answer: ClassVar[bool] = True  # False for guidance (content): no input, no answer
    names_a_person: ClassVar[bool] = False  # the applicant's name; a repeat item's label
    labels_an_item: ClassVar[bool] = False  # a short text that identifies a repeat item
    is_email_address: ClassVar[bool] = False  # where a save-and-return link can be sent
    multiple: ClassVar[bool] = False  # reads a list of values for one name (checkboxes)
    # What is typed is read as a value (a date, an amount, a postcode...): it can be typed in
    # a way that is not one ("invalid"), whatever the definition sets.
    reads_a_value: ClassVar[bool] = False
    # Its answer has a longest length even when the definition sets none ("too_long").
    always_limited: ClassVar[bool] = False
    # How the input is shown: html type, inputmode, autocomplete, width, prefix.
    input_attrs: ClassVar[Mapping[str, Any]] = {}
    hint: ClassVar[str | None] = None  # GOV.UK's suggested hint when the author gives none
    # Default messages, whole sentences per kind (GOV.UK error-message guidance). In
    # `messages` {name} is the question's label as a noun phrase ("the prisoner's last
    # name"), {Name} the same at the start of a sentence. When the label is not a noun
    # phrase (a question, "What is your name?", or an instruction) `plain_messages` are
    # used instead: they name no label ("Enter a date"). See messages.py.
    messages: ClassVar[Mapping[str, str]] = {
        "required": N_("Enter {name}"),
        "invalid": N_("Enter {name} in the correct format"),
        "too_long": N_("{Name} must be {max} characters or less"),
    }
    plain_messages: ClassVar[Mapping[str, str]] = {
        "required": N_("Enter your answer"),
        "invalid": N_("Enter your answer in the correct format"),
        "too_long": N_("Your answer must be {max} characters or less"),
    }

    # The most characters one input may hold whatever the question's own limits; see
    # check_raw. Far above any valid answer of the type.
    raw_max: ClassVar[int] = 1_000

    def input_parts(self, question: Question) -> tuple[str, ...]:
        return self.parts

    def raw_limit(self, question: Question) -> int:
        """The most characters one input of this question may hold, valid or not."""
        return max(self.raw_max, question.setting("max_length") or 0)

    def check_raw(self, question: Question, raw: Raw) -> None:
        """Refuse input too large to keep even as typed (a page saved part-way keeps what was
        typed): more characters than raw_limit, or more values than the question has
        options. Checked before anything else, so nothing larger is parsed or stored."""
        limit = self.raw_limit(question)
        most = len(question.options) if self.multiple else 1
        for part, value in raw.items():
            values = value if isinstance(value, list) else [value]
            if len(values) > max(most, 1):
                raise Invalid("invalid", (part,))
            if any(isinstance(v, str) and len(v) > limit for v in values):
                shown = question.setting("max_length", getattr(self, "default_max", limit))
                raise Invalid("too_long", (part,), max=shown)

    def default_hint(self, question: Question) -> str | None:
        return self.hint

    def limits_hint(
        self, question: Question, today: datetime.date
    ) -> tuple[str, dict[str, datetime.date]] | None:
        """A hint sentence and the dates it shows, for limits relative to today (dates)."""
        return None

    def clean(self, question: Question, raw: Raw, today: datetime.date) -> Any:
        """Turn what was typed into the stored answer; None for an empty optional answer."""
        if self.is_empty(question, raw):
            if question.optional:
                return None
            raise Invalid("required", self.required_parts(question))
        return self.parse(question, raw, today)

    def is_empty(self, question: Question, raw: Raw) -> bool:
        return not any(stripped(raw.get(part)) for part in self.input_parts(question))

    def required_parts(self, question: Question) -> tuple[str, ...]:
        return self.input_parts(question)[:1]

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> Any:
        return stripped(raw.get(""))

    def to_raw(self, question: Question, value: Any) -> Raw:
        """What to put back in the inputs for a stored answer."""
        return {"": "" if value is None else str(value)}

    def expression_type(self, question: Question) -> Any:
        return T.TEXT

    def to_expression(self, question: Question, value: Any) -> Any:
        return value

    def expression_bounds(self, question: Question) -> tuple[Any, Any]:
        """The least and greatest value conditions can see for an answer (the proofs in
        `check` use them); None where the type knows no bound."""
        return None, None

    def display(self, question: Question, value: Any, ctx: Display) -> list[str]:
        """The answer for people, as lines (check your answers, PDF, placeholders)."""
        return [] if value in (None, "", []) else [str(value)]

    def part_shown(self, question: Question, value: Any, part: str) -> str:
        """One part of the answer for people ({home_address.postcode}); only compound
        answers have parts (the loader refuses a placeholder for any other)."""
        return ""

    def csv_cell(self, question: Question, value: Any) -> str:
        """The answer as the text of one cell of a CSV export."""
        return csv_cell(value)

    def csv_label(self, question: Question, value: Any, ctx: Display) -> str:
        """The answer in a CSV export for people: as csv_cell, but options by their labels
        and yes/no as words (the "codes" export keeps csv_cell's stored values)."""
        return self.csv_cell(question, value)

    # -- the paper form (paper_form: in a definition; forms_service.paper fills it) ---------

    # Boxes a `paper_form` mapping may name for this type besides its parts: yes_no's
    # yes_box and no_box. Choice types take `options:` (one box per option) instead.
    paper_boxes: ClassVar[tuple[str, ...]] = ()
    paper_settings: ClassVar[tuple[str, ...]] = ()  # money's pound_sign

    def paper_parts(self, question: Question) -> tuple[str, ...]:
        """The parts a paper form may give a box each (a date's day, month, year)."""
        parts = self.input_parts(question)
        return parts if len(parts) > 1 else ()

    def paper_lines(
        self, question: Question, value: Any, ctx: Display, *, pound_sign: bool = True
    ) -> list[str]:
        """The answer written into one box of a paper form, as lines."""
        return self.display(question, value, ctx)

    def paper_part(self, question: Question, value: Any, part: str) -> str:
        """One part of the answer in its own box (a date's "05", an address's town)."""
        return self.part_shown(question, value, part)

    def paper_ticks(self, question: Question, value: Any) -> frozenset[str]:
        """The boxes the answer ticks: option values, or yes_no's yes_box / no_box."""
        return frozenset()

    def example_answer(self, question: Question, today: datetime.date) -> Any:
        """A valid stored answer to the question, honouring its settings (for tests and for
        walking a form with sample data); None when the type's example cannot satisfy them."""
        raise NotImplementedError(f"{self.name} has no example answer")


def csv_cell(value: Any) -> str:
    """A stored value (or part of one) as CSV text: true/false as yes/no, a list joined with
    "; ", a float in plain decimals (never 1e-07), the rest as stored."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(csv_cell(v) for v in value)
    if isinstance(value, float):
        return format(Decimal(str(value)), "f")
    return str(value)


def stripped(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    return value


def check_length(question: Question, value: str, default_max: int) -> str:
    maximum = question.setting("max_length", default_max)
    minimum = question.setting("min_length")
    if len(value) > maximum:
        raise Invalid("too_long", max=maximum)
    if minimum and len(value) < minimum:
        raise Invalid("too_short", min=minimum)
    return value
