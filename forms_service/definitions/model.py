"""Validated, read-only form definitions: what the loader produces and everything else reads.

Objects here are built once at start-up (or from a submission's stored snapshot) and never
change afterwards, so they can be shared freely between requests and threads.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from forms_service.definitions.expressions import Expression
from forms_service.question_types import question_type

# {question_id}, or {question_id.part} for one part of a compound answer (name, address).
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\}")
# Braces round what looks like a name, placeholder or not: the loader refuses those that
# are not, so none reaches a citizen as written ("{applicant name}").
LOOKS_LIKE_PLACEHOLDER = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_ .-]*?)\s*\}")


# The channel a form is being filled in through, as conditions see it (`channel`): by the
# citizen online, or by staff on the citizen's behalf (assisted digital).
ONLINE, ASSISTED = "online", "assisted"
CHANNELS = (ONLINE, ASSISTED)


@dataclass(frozen=True, eq=False)
class TextVariant:
    when: Expression | None
    values: Mapping[str, str]  # language code -> string


@dataclass(frozen=True, eq=False)
class Text:
    """A human-readable value in every language of the form, possibly with variants.

    `pick` returns the raw string (placeholders still in it); substituting answers, which
    must be escaped, is the job of whoever renders it (see journey.Journey.text).
    """

    variants: tuple[TextVariant, ...]

    def has(self, language: str) -> bool:
        """Whether every variant is written in `language` (a translation may be under way
        in a language the form does not list yet)."""
        return all(language in variant.values for variant in self.variants)

    def pick(self, language: str, answers: Mapping[str, Any] | None = None, today=None) -> str:
        chosen = self.variants[-1]
        if len(self.variants) > 1 and answers is not None:
            for variant in self.variants:
                if variant.when is None or variant.when.evaluate_condition(answers, today):
                    chosen = variant
                    break
        values = chosen.values
        return values.get(language) or next(iter(values.values()))

    @property
    def placeholders(self) -> frozenset[str]:
        return frozenset(
            name
            for variant in self.variants
            for value in variant.values.values()
            for name in PLACEHOLDER.findall(value)
        )

    @property
    def conditions(self) -> tuple[Expression, ...]:
        return tuple(v.when for v in self.variants if v.when is not None)

    @classmethod
    def plain(cls, value: str, language: str = "en") -> Text:
        return cls((TextVariant(None, {language: value}),))


@dataclass(frozen=True, eq=False)
class Option:
    value: str
    label: Text
    hint: Text | None = None
    reveal: tuple[Question, ...] = ()
    exclusive: bool = False


@dataclass(frozen=True, eq=False)
class Question:
    id: str
    type: str
    label: Text | None
    hint: Text | None = None
    optional: bool = False
    error_messages: Mapping[str, Text] = field(default_factory=dict)
    options: tuple[Option, ...] = ()
    body: Text | None = None
    # Type-specific keys (max_length, pattern, not_before...), already validated and converted.
    settings: Mapping[str, Any] = field(default_factory=dict)
    line: int = 0
    # Another question's id: the two are answered together or not at all (both optional).
    required_with: str | None = None

    def setting(self, key: str, default: Any = None) -> Any:
        return self.settings.get(key, default)

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True, eq=False)
class Rule:
    """A cross-question check: when `check` is false, `message` is shown on `question`."""

    check: Expression
    message: Text | None  # None: the service's general message (see AnswerReader)
    question: str | None = None
    line: int = 0


@dataclass(frozen=True, eq=False)
class Page:
    id: str
    kind: str  # "questions", "content", "exit" or "repeat"
    title: Text | None = None
    body: Text | None = None
    section: str | None = None
    when: Expression | None = None
    questions: tuple[Question, ...] = ()
    line: int = 0
    rules: tuple[Rule, ...] = ()
    # A repeat ("add another" group): its pages are asked once per item.
    pages: tuple[Page, ...] = ()
    item_name: Text | None = None
    min_items: int = 0
    max_items: int | None = None

    @property
    def is_repeat(self) -> bool:
        return self.kind == "repeat"

    @property
    def is_exit(self) -> bool:
        return self.kind == "exit"

    @property
    def answerable(self) -> tuple[Question, ...]:
        """Top-level questions that take an answer (content blocks do not)."""
        return tuple(q for q in self.questions if question_type(q).takes_answer)

    def all_questions(self) -> Iterator[tuple[Question, Question | None, Option | None]]:
        """Every answerable question on the page with the question and option revealing it."""
        for question in self.answerable:
            yield question, None, None
            for option in question.options:
                for revealed in option.reveal:
                    yield revealed, question, option

    @property
    def heading_question(self) -> Question | None:
        """The question whose label is the page heading (one question, no title, no body)."""
        answerable = self.answerable
        if self.title is None and self.body is None and len(self.questions) == 1 and answerable:
            return answerable[0]
        return None


@dataclass(frozen=True, eq=False)
class Section:
    id: str
    title: Text


@dataclass(frozen=True, eq=False)
class Declaration:
    body: Text | None  # None: no declaration text, the tick box or button only
    confirm_label: Text | None  # None: no tick box, "Accept and send" is the agreement
    # What staff filling the form in for a citizen confirm instead (assisted digital);
    # None: the service's own wording.
    assisted_body: Text | None = None


@dataclass(frozen=True, eq=False)
class Confirmation:
    title: Text | None  # None: the service's own heading
    body: Text | None


@dataclass(frozen=True)
class ConfirmationEmail:
    """What the citizen's confirmation email holds besides the reference and what happens
    next: a copy of their answers only when the form says so."""

    copy_of_answers: bool = False


@dataclass(frozen=True)
class Webhook:
    """An endpoint told of each submission: an https URL, and the name of the environment
    variable holding the secret its deliveries are signed with (never the secret itself)."""

    url: str
    secret_env: str


@dataclass(frozen=True, eq=False)
class Contact:
    """How people reach the organisation about this form (the start, confirmation and
    contact pages): a phone number and its opening hours, an email address, and any other
    text (a postal address, say). Numbers and addresses are the same in every language."""

    phone: str | None = None
    hours: Text | None = None
    email: str | None = None
    text: Text | None = None


@dataclass(frozen=True, eq=False)
class PaperBox:
    """Where one question's answer goes on the paper form (`paper_form: fields:`).

    `pdf_field` is one PDF field for the whole answer; otherwise `parts` names a field for
    each part of it: a date's day, month and year, a name's or an address's parts, a yes/no
    question's `yes_box` and `no_box`, or one box per option value of a choice question.
    Field names inside a repeat may hold `{n}`, the item's number.
    """

    question: str
    pdf_field: str | None = None
    parts: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, str] = field(default_factory=dict)  # option value -> check box
    pound_sign: bool = True  # money: write the £ (false when the box prints one)
    line: int = 0
    col: int = 0

    def field_names(self, item: int | None = None) -> Iterator[tuple[str | None, str]]:
        """(part or option value, PDF field name) pairs, with {n} filled for an item."""
        named = [(None, self.pdf_field)] if self.pdf_field else []
        for part, name in (*named, *self.parts.items(), *self.options.items()):
            yield part, name.replace("{n}", str(item)) if item is not None else name


@dataclass(frozen=True, eq=False)
class PaperRepeat:
    """The boxes a paper form has for the first `items` items of a repeat."""

    repeat: str
    items: int
    boxes: tuple[PaperBox, ...]
    line: int = 0
    col: int = 0

    def box(self, question_id: str) -> PaperBox | None:
        return next((b for b in self.boxes if b.question == question_id), None)


@dataclass(frozen=True, eq=False)
class PaperForm:
    """The paper form a definition replaces, and where each answer goes on it.

    `sha256` identifies the PDF file's bytes: a submission's snapshot keeps it, so its
    answers are always filled into the PDF they were mapped to, never a later one. `pdf` is
    the file's bytes when the definition was loaded from its folder (None from a snapshot).
    """

    file: str
    boxes: tuple[PaperBox, ...]
    repeats: tuple[PaperRepeat, ...] = ()
    sha256: str | None = None
    pdf: bytes | None = field(default=None, repr=False)

    def box(self, question_id: str) -> PaperBox | None:
        return next((b for b in self.boxes if b.question == question_id), None)

    def repeat(self, repeat_id: str) -> PaperRepeat | None:
        return next((r for r in self.repeats if r.repeat == repeat_id), None)


@dataclass(frozen=True, eq=False)
class Form:
    id: str
    version: int
    title: Text
    pages: tuple[Page, ...]
    languages: tuple[str, ...] = ("en",)
    organisation: Text | None = None
    start: Text | None = None
    reference_prefix: str | None = None
    retention_days: int | None = None
    # Days a submission is kept after its decision, when casework needs longer than the
    # drafts' retention_days (forms_service.retention has the defaults).
    submission_retention_days: int | None = None
    save_and_return: bool = True
    navigation: str = "linear"
    sla_working_days: int | None = None
    sections: tuple[Section, ...] = ()
    check_answers: bool = True
    declaration: Declaration | None = None
    confirmation: Confirmation | None = None
    applicant_name: Text | None = None  # who applies, for caseworkers: "{first} {last}"
    contact: Contact | None = None  # None: the service-wide SERVICE_CONTACT_* settings
    time_to_complete: Text | None = None  # "about 10 minutes"; None: estimated
    paper_form: PaperForm | None = None  # the paper form it replaces, to fill with answers
    confirmation_email: ConfirmationEmail = ConfirmationEmail()
    notify_email: str | None = None  # the team told of each submission (no answers)
    webhooks: tuple[Webhook, ...] = ()  # other systems sent each submission (delivery/)
    # Pounds a year to run each channel of this form (online, assisted, paper; each one
    # optional), for the dashboard's cost per transaction.
    costs_per_year: Mapping[str, float] = field(default_factory=dict)
    source: str = ""
    snapshot: Mapping[str, Any] = field(default_factory=dict)  # the definition as plain data

    def __post_init__(self) -> None:
        pages: dict[str, Page] = {}
        repeat_of: dict[str, Page] = {}  # page or question id inside a repeat -> the repeat
        questions: dict[str, tuple[Question, Page]] = {}
        for page, repeat in self.every_page():
            pages[page.id] = page
            if repeat is not None:
                repeat_of[page.id] = repeat
            for question, _, _ in page.all_questions():
                questions[question.id] = (question, page)
                if repeat is not None:
                    repeat_of[question.id] = repeat
        object.__setattr__(self, "_pages", pages)
        object.__setattr__(self, "_questions", questions)
        object.__setattr__(self, "_repeat_of", repeat_of)

    def every_page(self) -> Iterator[tuple[Page, Page | None]]:
        """Every page with the repeat it belongs to (None at the top level), in order."""
        for page in self.pages:
            yield page, None
            for inner in page.pages:
                yield inner, page

    def page(self, page_id: str) -> Page | None:
        return self._pages.get(page_id)  # type: ignore[attr-defined]

    def repeat_of(self, page_or_question_id: str) -> Page | None:
        """The repeat a page or question belongs to, if any."""
        return self._repeat_of.get(page_or_question_id)  # type: ignore[attr-defined]

    def question(self, question_id: str) -> Question | None:
        found = self._questions.get(question_id)  # type: ignore[attr-defined]
        return found[0] if found else None

    def page_of(self, question_id: str) -> Page | None:
        found = self._questions.get(question_id)  # type: ignore[attr-defined]
        return found[1] if found else None

    def section(self, section_id: str | None) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    @property
    def default_language(self) -> str:
        return self.languages[0]


@functools.cache
def as_filled_by_staff(form: Form) -> Form:
    """The form as staff fill it in for a citizen (assisted digital): an email question is
    optional, since many people who need help have no email address, unless the definition
    marks it `required_when_assisted: true`. Everything else is the same definition."""

    def question(q: Question) -> Question:
        options = tuple(replace(o, reveal=tuple(map(question, o.reveal))) for o in q.options)
        optional = q.optional or (
            question_type(q).is_email_address and not q.setting("required_when_assisted")
        )
        return replace(q, optional=optional, options=options)

    def page(p: Page) -> Page:
        return replace(
            p, questions=tuple(map(question, p.questions)), pages=tuple(map(page, p.pages))
        )

    if getattr(form, "_filled_by_staff", False):
        return form
    variant = replace(form, pages=tuple(map(page, form.pages)))
    object.__setattr__(variant, "_filled_by_staff", True)
    return variant
