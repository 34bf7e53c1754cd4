"""Load form definitions from YAML and report every mistake as file:line:col with a fix.

Form authors are not programmers. The loader never stops at the first problem: it reads the
whole file, collects every problem it can find, and only returns a Form when there are none.
"""

from __future__ import annotations

import difflib
import gc
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forms_service.definitions.delivery_keys import (
    read_confirmation_email,
    read_notify_email,
    read_webhooks,
)
from forms_service.definitions.expressions import Expression, ExpressionError, parse
from forms_service.definitions.model import (
    CHANNELS,
    LOOKS_LIKE_PLACEHOLDER,
    PLACEHOLDER,
    Confirmation,
    Contact,
    Declaration,
    Form,
    Option,
    Page,
    PaperForm,
    Question,
    Rule,
    Section,
    Text,
    TextVariant,
)
from forms_service.definitions.paper_form import check_against_pdf, read_paper_form
from forms_service.definitions.performance_keys import read_costs_per_year
from forms_service.definitions.yamlnodes import YamlNode, YamlSyntaxError, from_plain, parse_yaml
from forms_service.question_types import REGISTRY, question_type
from forms_service.question_types.answer_types import Kind, T
from forms_service.question_types.base import LIMIT_KINDS
from forms_service.question_types.keys import BadKeyValue
from forms_service.question_types.messages import AUTHOR_PLACEHOLDERS

if TYPE_CHECKING:
    from forms_service.definitions.cache import DefinitionCache

LANGUAGES = {"en": "English", "cy": "Welsh"}
# Form ids become the first part of URLs, so they must not shadow the service's own routes.
RESERVED_FORM_IDS = frozenset(
    {
        "static",
        "assets",
        "api",
        "staff",
        "admin",
        "login",
        "logout",
        "health",
        "healthz",
        "resume",
        "session",
        "cookies",
        "accessibility",
        "contact",
        "privacy",
        "language",
        "forms",
        "help",
        "save",
        "saved",
        "session-ended",
    }
)
RESERVED_PAGE_IDS = frozenset(
    {"check-your-answers", "confirmation", "submit", "start", "tasks", "remove", "feedback"}
)
# Field names the service itself uses on every page (see the contract's stable names).
RESERVED_QUESTION_IDS = frozenset({"csrf_token", "action", "add_another", "declaration", "lang"})
# Words of the condition language: a question with one of these ids could not be referred to.
# Names conditions can use besides question ids: how the form is being filled in.
BUILT_IN_NAMES = {"channel": T.text(options=frozenset(CHANNELS))}
EXPRESSION_WORDS = frozenset({"and", "or", "not", "in", "true", "false", "none", "today"})

FORM_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PAGE_ID = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
QUESTION_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
REFERENCE_PREFIX = re.compile(r"^[A-Z]{2,4}$")

SNAPSHOT = "<snapshot>"  # the file name of a definition rebuilt from a stored snapshot
FORM_KEYS = (
    "id",
    "version",
    "title",
    "languages",
    "organisation",
    "start",
    "reference_prefix",
    "retention_days",
    "submission_retention_days",
    "save_and_return",
    "navigation",
    "sla_working_days",
    "lists",
    "sections",
    "pages",
    "check_answers",
    "declaration",
    "confirmation",
    "applicant_name",
    "contact",
    "time_to_complete",
    "paper_form",
    "confirmation_email",
    "notify_email",
    "webhooks",
    "costs_per_year",
)
CONTACT_KEYS = ("phone", "hours", "email", "text")
# Loose on purpose: people write numbers many ways ("0300 123 4567", "+44 (0)300 ...").
CONTACT_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,22}[0-9]$")
CONTACT_EMAIL = re.compile(r"^[^@\s<>\"']+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")
PAGE_KEYS = ("id", "type", "section", "title", "body", "when", "questions")
COMMON_QUESTION_KEYS = (
    "id",
    "type",
    "label",
    "hint",
    "optional",
    "error_messages",
    "required_with",
)
OPTION_KEYS = ("value", "label", "hint", "reveal", "exclusive")
PAGE_KINDS = {"questions": "questions", "content": "content", "exit": "exit", "repeat": "repeat"}
REPEAT_KEYS = (
    "id",
    "type",
    "section",
    "title",
    "body",
    "when",
    "item_name",
    "min",
    "max",
    "pages",
    "rules",
)
RULE_KEYS = ("check", "message", "question")
EVERY_PAGE = 10**9  # position of texts that may use any answer (declaration, confirmation)
# A repeat without max: would let one draft hold any number of items.
DEFAULT_REPEAT_MAX = 50


@dataclass(frozen=True)
class Problem:
    """One mistake in a definition, printed as file:line:col: message. A warning does not
    stop the form loading: it is something the author should look at."""

    file: str
    line: int
    col: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.file}:{self.line}:{self.col}: {kind}{self.message}"


class DefinitionError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class _Deferred:
    """An expression or placeholder to check once every question in the form is known."""

    node: YamlNode
    position: int  # of the page it belongs to: it may use answers from earlier pages
    expression: Expression | None = None
    placeholders: frozenset[str] = frozenset()
    extra_names: frozenset[str] = frozenset()  # names besides questions, e.g. {reference}
    repeat: str | None = None  # inside this repeat, its item's answers are known too
    inclusive: bool = False  # rules may also use the answers on their own page


@dataclass
class _DefinitionReader:
    """Reads one form definition (its YAML tree) into a Form, collecting every problem."""

    file: str
    # The folder the definition was read from: files it names (paper_form) are found and
    # checked there. None for text from elsewhere (an upload, a snapshot).
    folder: Path | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    deferred: list[_Deferred] = field(default_factory=list)
    languages: tuple[str, ...] = ("en",)
    lists: dict[str, tuple[Option, ...]] = field(default_factory=dict)
    section_ids: set[str] = field(default_factory=set)
    sections: tuple[Section, ...] = ()  # read before the pages: a default page heading
    form_title: Text | None = None
    question_at: dict[str, tuple[int, int]] = field(default_factory=dict)
    position: int = 0  # of the page being read; every page, repeat pages too, has its own
    repeat: str | None = None  # id of the repeat being read
    positions: dict[str, int] = field(default_factory=dict)  # page id -> position
    # required_with: to check once every question is known: (question, its node, position,
    # repeat it is inside)
    pairs: list[tuple[Question, YamlNode, int, str | None]] = field(default_factory=list)

    # -- reporting -----------------------------------------------------------------------

    def report(self, line: int, col: int, message: str) -> None:
        message = message[:1].upper() + message[1:]
        self.problems.append(Problem(self.file, line or 1, col or 1, message))

    def at(self, node: YamlNode, message: str) -> None:
        self.report(node.line, node.col, message)

    def warn(self, node: YamlNode, message: str) -> None:
        self.warnings.append(Problem(self.file, node.line or 1, node.col or 1, message, True))

    def at_key(self, node: YamlNode, message: str) -> None:
        line, col = (node.key_line, node.key_col) if node.key_line else (node.line, node.col)
        self.report(line, col, message)

    def mapping(
        self, node: YamlNode, what: str, allowed: Iterable[str], required: Iterable[str] = ()
    ) -> bool:
        """Check that node is a mapping with only allowed keys and all required ones."""
        if not node.is_map:
            self.at(node, f"{what} must be a set of 'key: value' lines, not {_describe(node)}.")
            return False
        allowed = tuple(allowed)
        for key, line, col in node.duplicates:
            self.problems.append(
                Problem(self.file, line, col, f"'{key}' appears twice in {what}. Keep one.")
            )
        for key, child in node.value.items():
            if key not in allowed:
                self.at_key(child, f"Unknown key '{key}' in {what}. {_suggest(key, allowed)}")
        for key in required:
            if key not in node.value:
                self.at(node, f"{what} is missing '{key}:'. Add it ({_REQUIRED_HELP[key]}).")
        return True

    # -- values --------------------------------------------------------------------------

    def string(
        self, node: YamlNode | None, what: str, pattern: re.Pattern | None = None, rule: str = ""
    ) -> str | None:
        if node is None:
            return None
        value = node.value
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.at(node, f"{what} must be text, not {_describe(node)}.")
            return None
        if pattern and not pattern.match(value):
            self.at(node, f"{what} '{value}' is not valid: {rule}.")
            return None
        return value

    def integer(self, node: YamlNode | None, what: str, minimum: int = 1) -> int | None:
        if node is None:
            return None
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.at(node, f"{what} must be a whole number of {minimum} or more, like 3.")
            return None
        return value

    def boolean(self, node: YamlNode | None, what: str, default: bool) -> bool:
        if node is None:
            return default
        if not isinstance(node.value, bool):
            self.at(node, f"{what} must be true or false, not {_describe(node)}.")
            return default
        return node.value

    def text(
        self, node: YamlNode | None, what: str, extra_names: Iterable[str] = ()
    ) -> Text | None:
        """Read a text: a string, a mapping of language to string, or a list of variants."""
        if node is None:
            return None
        if node.is_seq:
            text = self._variants(node, what)
        elif node.is_map:
            values = self._languages(node, what)
            text = Text((TextVariant(None, values),)) if values else None
        else:
            value = self.string(node, what)
            if value is None:
                return None
            if len(self.languages) > 1:
                missing = ", ".join(_language_names(self.languages[1:]))
                self.at(
                    node,
                    f"{what} is missing its {missing} translation. Write it as "
                    f"{{{', '.join(f'{lang}: ...' for lang in self.languages)}}}.",
                )
            text = Text((TextVariant(None, {self.languages[0]: value}),))
        if text is not None:
            self._check_braces(node, text)
        if text is not None and (text.placeholders or text.conditions):
            for variant, variant_node in zip(text.variants, _variant_nodes(node), strict=False):
                self.deferred.append(
                    _Deferred(
                        variant_node,
                        self.position,
                        variant.when,
                        Text((variant,)).placeholders,
                        frozenset(extra_names),
                        repeat=self.repeat,
                    )
                )
        return text

    def _check_braces(self, node: YamlNode, text: Text) -> None:
        """Braces round a name that is not a placeholder would reach the citizen as
        written: say how to write one."""
        for variant, variant_node in zip(text.variants, _variant_nodes(node), strict=False):
            for value in variant.values.values():
                for match in LOOKS_LIKE_PLACEHOLDER.finditer(value):
                    if PLACEHOLDER.fullmatch(match.group(0)):
                        continue
                    self.at(
                        variant_node,
                        f"'{match.group(0)}' is not a placeholder the service can fill: "
                        "write {question_id} or {question_id.part}, with no spaces.",
                    )

    def _languages(self, node: YamlNode, what: str) -> dict[str, str] | None:
        values: dict[str, str] = {}
        for lang, child in node.value.items():
            if lang == "when":
                continue
            if lang not in self.languages and lang in LANGUAGES:
                # A translation under way: kept, not served until `languages:` lists it.
                self.partial_translations[lang] = self.partial_translations.get(lang, 0) + 1
            elif lang not in self.languages:
                declared = ", ".join(self.languages)
                self.at_key(
                    child,
                    f"'{lang}' in {what} is not one of the form's languages "
                    f"({declared}). {_suggest(lang, self.languages)}",
                )
                continue
            value = self.string(child, f"The {LANGUAGES.get(lang, lang)} text of {what}")
            if value is not None:
                values[lang] = value
        missing = [lang for lang in self.languages if lang not in node.value]
        if missing:
            self.at(
                node,
                f"{what} is missing its {', '.join(_language_names(missing))} "
                f"text. Add {missing[0]}: ... to it.",
            )
        return values or None

    def _variants(self, node: YamlNode, what: str) -> Text | None:
        variants: list[TextVariant] = []
        items = node.value
        if not items:
            self.at(node, f"{what} is an empty list. Give at least one variant with no 'when:'.")
            return None
        for index, item in enumerate(items):
            last = index == len(items) - 1
            # The form's languages, and any other the service knows (a translation under way).
            known = ("when", *self.languages, *(c for c in LANGUAGES if c not in self.languages))
            if not self.mapping(item, f"a variant of {what}", known):
                continue
            when_node = item.get("when")
            if last and when_node is not None:
                self.at(
                    when_node,
                    f"The last variant of {what} must have no 'when:': it is "
                    "used when no other variant applies. Add a final variant without it.",
                )
            if not last and when_node is None:
                self.at(
                    item,
                    f"Only the last variant of {what} may leave out 'when:'. Add a "
                    "condition, or move this variant to the end.",
                )
            when = self.expression(when_node, f"the condition of a variant of {what}")
            values = self._languages(item, f"a variant of {what}")
            if values:
                variants.append(TextVariant(when, values))
        return Text(tuple(variants)) if len(variants) == len(items) else None

    def expression(
        self, node: YamlNode | None, what: str, defer: bool = False
    ) -> Expression | None:
        if node is None:
            return None
        source = self.string(node, what.capitalize())
        if source is None:
            return None
        try:
            expression = parse(source)
        except ExpressionError as exc:
            line, col = _position_in(node, exc.offset)
            self.report(line, col, f"In {what}: {exc.message}")
            return None
        line, col = _position_in(node, 0)
        expression = replace(expression, line=line, col=col)
        if defer:
            self.deferred.append(_Deferred(node, self.position, expression, repeat=self.repeat))
        return expression

    # -- form parts ----------------------------------------------------------------------

    def form(self, root: YamlNode) -> Form | None:
        if root.value is None:
            self.at(
                root, "The file is empty. A form needs at least id:, version:, title: and pages:."
            )
            return None
        if not self.mapping(root, "the form", FORM_KEYS, ("id", "version", "title", "pages")):
            return None
        get = root.get
        self.languages = self._form_languages(get("languages"))
        self.partial_translations: dict[str, int] = {}
        form_id = self.string(
            get("id"),
            "The form id",
            FORM_ID,
            "use lowercase letters, digits and single hyphens, like prison-visit-booking",
        )
        if form_id in RESERVED_FORM_IDS:
            self.at(
                get("id"),
                f"The form id '{form_id}' is used by the service itself for "
                f"/{form_id}/ pages. Choose another id, like {form_id}-form.",
            )
        version = self.integer(get("version"), "version")
        title = self.text(get("title"), "the form title")
        self.form_title = title
        navigation = self.string(get("navigation"), "navigation") or "linear"
        if navigation not in ("linear", "task_list"):
            self.at(get("navigation"), "navigation must be linear or task_list.")
        self._lists(get("lists"))
        sections = self._sections(get("sections"))
        self.sections = sections
        pages = self._pages(get("pages"))
        self.position, self.repeat = 0, None
        start = self._start(get("start"))
        self.position = EVERY_PAGE
        declaration = self._declaration(get("declaration"))
        confirmation = self._confirmation(get("confirmation"))
        applicant = self._applicant_name(get("applicant_name"))
        contact = self._contact(get("contact"))
        time_to_complete = self.text(get("time_to_complete"), "time_to_complete")
        paper_form = self._paper_form(get("paper_form"), pages or ())
        confirmation_email = read_confirmation_email(self, get("confirmation_email"))
        notify_email = read_notify_email(self, get("notify_email"), CONTACT_EMAIL)
        webhooks = read_webhooks(self, get("webhooks"))
        costs_per_year = read_costs_per_year(self, get("costs_per_year"))
        for lang, count in self.partial_translations.items():
            name = LANGUAGES[lang]
            self.warn(
                get("languages") or get("title"),
                f"{count} texts have {name} ({lang}), but languages: does not list {lang}, "
                f"so the form is served in {', '.join(_language_names(self.languages))} only. "
                f"Add {lang} to languages: when every text has it (check then lists the rest).",
            )
        prefix = self.string(
            get("reference_prefix"),
            "reference_prefix",
            REFERENCE_PREFIX,
            "use 2 to 4 capital letters, like PVB",
        )
        form = None
        if pages:
            self._check_deferred(pages)
            self._check_pairs(pages)
            self._check_reachable(pages)
            if navigation == "task_list":
                self._check_tasks(pages, get("navigation"))
        if not self.problems:
            form = Form(
                id=form_id,
                version=version,
                title=title,
                pages=pages,
                languages=self.languages,
                organisation=self.text(get("organisation"), "organisation"),
                start=start,
                reference_prefix=prefix,
                retention_days=self.integer(get("retention_days"), "retention_days"),
                submission_retention_days=self.integer(
                    get("submission_retention_days"), "submission_retention_days"
                ),
                save_and_return=self.boolean(get("save_and_return"), "save_and_return", True),
                navigation=navigation,
                sla_working_days=self.integer(get("sla_working_days"), "sla_working_days"),
                sections=sections,
                check_answers=self.boolean(get("check_answers"), "check_answers", True),
                declaration=declaration,
                confirmation=confirmation,
                applicant_name=applicant,
                contact=contact,
                time_to_complete=time_to_complete,
                paper_form=paper_form,
                confirmation_email=confirmation_email,
                notify_email=notify_email,
                webhooks=webhooks,
                costs_per_year=costs_per_year,
                source=self.file,
                snapshot=self._snapshot(root, paper_form),
            )
        else:  # still read the simple values so their problems are reported too
            self.integer(get("retention_days"), "retention_days")
            self.integer(get("submission_retention_days"), "submission_retention_days")
            self.integer(get("sla_working_days"), "sla_working_days")
            self.boolean(get("save_and_return"), "save_and_return", True)
            self.boolean(get("check_answers"), "check_answers", True)
            self.text(get("organisation"), "organisation")
        return form if not self.problems else None

    def _paper_form(self, node: YamlNode | None, pages: tuple[Page, ...]) -> PaperForm | None:
        snapshot = self.file == SNAPSHOT
        paper = read_paper_form(self, node, pages, snapshot=snapshot)
        if paper is None or node is None or snapshot or self.problems:
            return paper
        if self.folder is None:
            self.warn(
                node,
                "paper_form is not checked against its PDF here (the definition was not "
                "read from its folder), and submissions cannot be filled into it.",
            )
            return paper
        return check_against_pdf(self, node, paper, pages, self.folder)

    @staticmethod
    def _snapshot(root: YamlNode, paper: PaperForm | None) -> dict[str, Any]:
        """The definition as plain data to store with drafts and submissions; it names the
        exact paper PDF (by hash) that its answers are filled into."""
        plain = root.plain()
        if paper is not None and paper.sha256:
            plain["paper_form"] = {**plain["paper_form"], "sha256": paper.sha256}
        return plain

    def _form_languages(self, node: YamlNode | None) -> tuple[str, ...]:
        if node is None:
            return ("en",)
        if not node.is_seq or not node.value:
            self.at(node, "languages must be a list like [en, cy].")
            return ("en",)
        languages = []
        for item in node.value:
            if item.value not in LANGUAGES:
                self.at(
                    item,
                    f"Unknown language '{item.value}'. Supported: "
                    f"{', '.join(f'{c} ({n})' for c, n in LANGUAGES.items())}.",
                )
            elif item.value in languages:
                self.at(item, f"Language '{item.value}' is listed twice.")
            else:
                languages.append(item.value)
        return tuple(languages) or ("en",)

    def _start(self, node: YamlNode | None) -> Text | None:
        if node is None or not self.mapping(node, "start", ("body",)):
            return None
        if node.get("body") is None:
            self.warn(
                node,
                "start has no body:, so the form has no start page and begins at its "
                "first page. Add body: with what the service is for and what people need.",
            )
            return None
        return self.text(node.get("body"), "the start page body")

    def _applicant_name(self, node: YamlNode | None) -> Text | None:
        """Who the applicant is, for caseworkers' search: answers in {placeholders}.

        Staff-facing only, so one string serves every language.
        """
        value = self.string(node, "applicant_name")
        if value is None:
            return None
        text = Text((TextVariant(None, dict.fromkeys(self.languages, value)),))
        if text.placeholders:
            self.deferred.append(_Deferred(node, EVERY_PAGE, None, text.placeholders))
        return text

    def _declaration(self, node: YamlNode | None) -> Declaration | None:
        if node is None:
            return None
        keys = ("body", "confirm_label", "assisted_body")
        if not self.mapping(node, "declaration", keys):
            return None
        body = self.text(node.get("body"), "the declaration body")
        label = self.text(node.get("confirm_label"), "the declaration confirm_label")
        assisted = self.text(node.get("assisted_body"), "the declaration assisted_body")
        if node.get("body") is None:
            self.warn(
                node,
                "declaration has no body:, so check your answers shows no declaration "
                "text, only "
                + ("its confirm_label tick box." if label else "the 'Accept and send' button.")
                + " Add body: with what the citizen declares.",
            )
        elif body is None:
            return None
        return Declaration(body, label, assisted)

    def _confirmation(self, node: YamlNode | None) -> Confirmation | None:
        if node is None or not self.mapping(node, "confirmation", ("title", "body")):
            return None
        names = ("reference",)
        title = self.text(node.get("title"), "the confirmation title", names)
        body = self.text(node.get("body"), "the confirmation body", names)
        if node.get("title") is None:
            self.warn(
                node,
                "confirmation has no title:, so the confirmation page's heading is "
                "'Application complete'. Add title: to say what was sent.",
            )
        return Confirmation(title, body)

    def _contact(self, node: YamlNode | None) -> Contact | None:
        """contact: {phone, hours, email, text}: at least a phone number or an email address."""
        if node is None or not self.mapping(node, "contact", CONTACT_KEYS):
            return None
        phone = self.string(
            node.get("phone"),
            "The contact phone",
            CONTACT_PHONE,
            "write a UK or international number in digits, like 0300 123 4567",
        )
        email = self.string(
            node.get("email"),
            "The contact email",
            CONTACT_EMAIL,
            "write one email address, like visits@justice.gov.uk",
        )
        hours = self.text(node.get("hours"), "the contact hours")
        text = self.text(node.get("text"), "the contact text")
        if node.get("hours") is not None and node.get("phone") is None:
            self.at(node.get("hours"), "contact hours are the phone line's: add phone: too.")
        if node.get("phone") is None and node.get("email") is None:
            self.at(
                node,
                "contact needs a way to reach you: add phone: (and hours:) or email: to it.",
            )
            return None
        return Contact(phone, hours, email, text)

    def _lists(self, node: YamlNode | None) -> None:
        if node is None or not self.mapping(node, "lists", node.value if node.is_map else ()):
            return
        for name, options in node.value.items():
            self.lists[name] = self._options(options, f"list '{name}'", None)

    def _sections(self, node: YamlNode | None) -> tuple[Section, ...]:
        if node is None:
            return ()
        if not node.is_seq:
            self.at(node, "sections must be a list of '- {id: ..., title: ...}' items.")
            return ()
        sections = []
        for item in node.value:
            if not self.mapping(item, "a section", ("id", "title")):
                continue
            if item.get("id") is None:
                self.warn(
                    item,
                    "This section has no id:, so no page can belong to it and it is left "
                    "out. Add id: and name it in the section: of its pages.",
                )
                continue
            section_id = self.string(
                item.get("id"), "A section id", PAGE_ID, "use lowercase letters, digits and hyphens"
            )
            if section_id in self.section_ids:
                self.at(
                    item.get("id"),
                    f"Section id '{section_id}' is used twice. Section ids must be unique.",
                )
            title = self.text(item.get("title"), f"the title of section '{section_id}'")
            if item.get("title") is None and section_id:
                title = self._title_from_id(section_id)
                self.warn(
                    item,
                    f"Section '{section_id}' has no title:, so check your answers, the PDF "
                    f"and the task list call it '{title.pick(self.languages[0])}'. "
                    "Add title: ...",
                )
            if section_id and title:
                self.section_ids.add(section_id)
                sections.append(Section(section_id, title))
        return tuple(sections)

    def _title_from_id(self, ident: str) -> Text:
        """An id as words ("prisoner-details" -> "Prisoner details"), in every language:
        a stand-in heading until the author writes one."""
        words = re.sub(r"[-_]+", " ", ident).strip()
        words = words[:1].upper() + words[1:]
        return Text((TextVariant(None, dict.fromkeys(self.languages, words)),))

    def _pages(self, node: YamlNode | None) -> tuple[Page, ...]:
        if node is None:
            return ()
        if not node.is_seq or not node.value:
            self.at(node, "pages must be a list with at least one page ('- id: ...').")
            return ()
        pages: list[Page] = []
        seen: dict[str, int] = {}
        for item in node.value:
            page = self._page(item)
            if page is None:
                continue
            if page.id in seen:
                self.at(
                    item.get("id"),
                    f"Page id '{page.id}' is already used by the page on "
                    f"line {seen[page.id]}. Page ids must be unique in the form.",
                )
            seen[page.id] = item.line
            pages.append(page)
        return tuple(pages)

    def _page(self, node: YamlNode) -> Page | None:
        if not node.is_map:
            self.at(
                node,
                f"Each page must be a set of keys (id:, questions: ...), not {_describe(node)}.",
            )
            return None
        self.position += 1
        position = self.position
        kind_node = node.get("type")
        kind = (kind_node.value if kind_node else None) or "questions"
        if kind == "repeat":
            return self._repeat(node, position)
        if kind not in PAGE_KINDS:
            self.at(
                kind_node,
                f"Unknown page type '{kind}'. {_suggest(kind, PAGE_KINDS)} "
                "Leave type: out for an ordinary question page.",
            )
            return None
        allowed = PAGE_KEYS + (("rules",) if kind == "questions" else ())
        if not self.mapping(node, "a page", allowed, ("id",)):
            return None
        page_id = self._page_id(node, position)
        what = f"page '{page_id}'"
        if kind == "questions" and node.get("questions") is None:
            # The contract gives questions: no "required": a page without any is shown
            # as information, then Continue.
            kind = "content"
            self.warn(
                node,
                f"{what.capitalize()} has no questions:, so it is shown as a content page "
                "(information, then Continue). Add questions:, or type: content to say so.",
            )
        section = self._section_of(node, what)
        questions = self._questions(node.get("questions"), what, kind)
        title = self.text(node.get("title"), f"the title of {what}")
        body = self.text(node.get("body"), f"the body of {what}")
        when = self.expression(node.get("when"), f"the condition of {what}", defer=True)
        on_page = {q.id for question in questions for q, _, _ in _with_revealed(question)}
        rules = self._rules(node.get("rules"), what, on_page, position, inclusive=True)
        if title is None and node.get("title") is None:
            title = self._default_title(node, kind, questions, section, what)
        if page_id is None:
            return None
        return Page(page_id, kind, title, body, section, when, questions, node.line, rules)

    def _default_title(
        self,
        node: YamlNode,
        kind: str,
        questions: tuple[Question, ...],
        section: str | None,
        what: str,
    ) -> Text | None:
        """A heading for a page the author gave no title: where the service needs one
        (the contract makes title: optional, so this is a warning, not an error)."""
        if kind == "exit":
            self.warn(
                node,
                f"{what.capitalize()} is an exit page with no title:, so its heading is "
                "'You cannot use this service'. Add title: to say why.",
            )
            return None  # the page view shows the service's own (translated) heading
        several = kind == "questions" and len(questions) > 1
        guidance_first = bool(questions) and not question_type(questions[0]).takes_answer
        if kind == "questions" and not several and not guidance_first:
            return None  # one question: its label is the heading (the contract says so)
        # A page's heading says what its questions are about: its section's title, else
        # the form's.
        default = next((s.title for s in self.sections if s.id == section), None)
        default = default or self.form_title
        if default is None:
            return None
        why = {
            True: f"has {len(questions)} questions",
            False: "has only guidance" if kind == "questions" else f"is a {kind} page",
        }[several]
        source = "its section's title" if section else "the form's title"
        self.warn(
            node,
            f"{what.capitalize()} {why} and no title:, so its heading is {source} "
            f"('{default.pick(self.languages[0])}'). Add title: with what the page is about.",
        )
        return default

    def _page_id(self, node: YamlNode, position: int) -> str | None:
        page_id = self.string(
            node.get("id"),
            "The page id",
            PAGE_ID,
            "use lowercase letters, digits and hyphens, like visitor-details",
        )
        if page_id in RESERVED_PAGE_IDS:
            self.at(
                node.get("id"),
                f"The page id '{page_id}' is used by the service for its "
                f"own page. Choose another, like {page_id}-page.",
            )
        if page_id is not None:
            self.positions.setdefault(page_id, position)
        return page_id

    def _section_of(self, node: YamlNode, what: str) -> str | None:
        section = self.string(node.get("section"), f"The section of {what}")
        if section is not None and section not in self.section_ids:
            self.at(
                node.get("section"),
                f"Section '{section}' is not in sections:. {_suggest(section, self.section_ids)}",
            )
        return section

    def _repeat(self, node: YamlNode, position: int) -> Page | None:
        """An "add another" group: its pages are asked once for each item."""
        if not self.mapping(node, "a repeat page", REPEAT_KEYS, ("id",)):
            return None
        page_id = self._page_id(node, position)
        what = f"repeat '{page_id}'"
        if self.repeat is not None:
            self.at(
                node,
                f"{what.capitalize()} is inside the repeat '{self.repeat}'. A repeat "
                "cannot contain another one: make it a repeat of its own after it.",
            )
            return None
        section = self._section_of(node, what)
        title = self.text(node.get("title"), f"the title of {what}")
        body = self.text(node.get("body"), f"the body of {what}")
        when = self.expression(node.get("when"), f"the condition of {what}", defer=True)
        item_name = self.text(node.get("item_name"), f"the item_name of {what}")
        if node.get("item_name") is None:
            self.warn(
                node,
                f"{what.capitalize()} has no item_name:, so its items are called 'item' "
                "('Item 2', 'Do you need to add another item?'). Add item_name: with "
                "what one item is, like visitor.",
            )
        low = self.integer(node.get("min"), f"min of {what}", minimum=0) or 0
        high = self.integer(node.get("max"), f"max of {what}")
        if node.get("max") is None:
            high = max(DEFAULT_REPEAT_MAX, low)
            self.warn(
                node,
                f"{what.capitalize()} has no max:, so at most {high} items will be accepted. "
                "Add max: with the most items the service needs",
            )
        if high is not None and high < low:
            self.at(
                node.get("max"),
                f"max of {what} ({high}) is less than its min ({low}). "
                "Make max at least as big as min.",
            )
        self.repeat = page_id
        pages = self._repeat_pages(node.get("pages"), what, section)
        self.repeat = None
        inside = {q.id for page in pages for q, _, _ in page.all_questions()}
        rules = self._rules(node.get("rules"), what, inside, self.position + 1, inclusive=False)
        if node.get("pages") is None:
            self.warn(
                node,
                f"{what.capitalize()} has no pages:, so it asks nothing and is left out "
                "of the form. Add pages: with the questions asked for each item.",
            )
        if page_id is None or not pages:
            return None
        return Page(
            page_id,
            "repeat",
            title,
            body,
            section,
            when,
            (),
            node.line,
            rules,
            pages,
            item_name,
            low,
            high,
        )

    def _repeat_pages(
        self, node: YamlNode | None, what: str, section: str | None
    ) -> tuple[Page, ...]:
        if node is None or not node.is_seq or not node.value:
            if node is not None:
                self.at(node, f"pages of {what} must be a list of the pages asked for each item.")
            return ()
        pages = []
        for item in node.value:
            page = self._page(item)
            if page is None:
                continue
            if page.section not in (None, section):
                self.at(
                    item.get("section"),
                    f"Page '{page.id}' is inside {what}, so it belongs "
                    "to the repeat's section. Remove its section:.",
                )
            pages.append(page)
        return tuple(pages)

    def _rules(
        self, node: YamlNode | None, what: str, on_page: set[str], position: int, inclusive: bool
    ) -> tuple[Rule, ...]:
        if node is None:
            return ()
        if not node.is_seq or not node.value:
            self.at(node, f"rules of {what} must be a list of '- {{check: ..., message: ...}}'.")
            return ()
        rules = []
        for item in node.value:
            if not self.mapping(item, f"a rule of {what}", RULE_KEYS):
                continue
            if item.get("check") is None:
                self.warn(
                    item,
                    f"A rule of {what} has no check:, so it checks nothing and is left "
                    "out. Add check: with a condition that must hold.",
                )
            elif item.get("message") is None:
                self.warn(
                    item,
                    f"A rule of {what} has no message:, so when its check fails the "
                    "citizen sees a general 'Check your answers' message. Add message: "
                    "saying what to correct.",
                )
            saved = self.position
            self.position = position
            check = self.expression(item.get("check"), f"the check of a rule of {what}")
            if check is not None:
                self.deferred.append(
                    _Deferred(
                        item.get("check"), position, check, repeat=self.repeat, inclusive=inclusive
                    )
                )
            message = self.text(item.get("message"), f"the message of a rule of {what}")
            self.position = saved
            question = self.string(item.get("question"), f"The question of a rule of {what}")
            if question is not None and question not in on_page:
                self.at(
                    item.get("question"),
                    f"question: '{question}' of this rule is not a "
                    f"question of {what}, so the error could not be shown next to it. "
                    f"{_suggest(question, on_page)}",
                )
            if check is not None and (message is not None or item.get("message") is None):
                rules.append(Rule(check, message, question, item.line))
        return tuple(rules)

    def _questions(self, node: YamlNode | None, where: str, kind: str) -> tuple[Question, ...]:
        if node is None:
            return ()
        if kind != "questions":
            self.at_key(
                node,
                f"A {kind} page shows information only, so it cannot have "
                "questions. Move them to a page of their own.",
            )
            return ()
        if not node.is_seq or not node.value:
            self.at(node, f"questions of {where} must be a list with at least one question.")
            return ()
        questions = [self._question(item, where) for item in node.value]
        return tuple(q for q in questions if q)

    def _question(self, node: YamlNode, where: str, revealed: bool = False) -> Question | None:
        if not node.is_map:
            self.at(
                node,
                f"Each question in {where} must be a set of keys (id:, type:, "
                f"label: ...), not {_describe(node)}.",
            )
            return None
        type_node = node.get("type")
        if type_node is None or REGISTRY.get(str(type_node.value)) is None:
            # Note the id anyway, so conditions naming it are not reported a second time.
            self._question_id(node.get("id"))
        if type_node is None:
            self.at(
                node,
                f"A question in {where} is missing 'type:'. Add one of: {', '.join(REGISTRY)}.",
            )
            return None
        qtype = REGISTRY.get(type_node.value) if isinstance(type_node.value, str) else None
        if qtype is None:
            self.at(
                type_node,
                f"Unknown question type '{type_node.value}'. "
                f"{_suggest(str(type_node.value), REGISTRY)}",
            )
            return None
        allowed = (*COMMON_QUESTION_KEYS, *qtype.keys)
        allowed += ("options",) if qtype.has_options else ()
        allowed += ("body",) if not qtype.takes_answer else ()
        required = ("id",) if not qtype.takes_answer else ("id", "label")
        required += ("options",) if qtype.has_options else ()
        if not self.mapping(node, f"question '{_peek_id(node)}'", allowed, required):
            return None
        if not qtype.takes_answer and node.get("body") is None:
            self.warn(
                node,
                f"The {qtype.name} question '{_peek_id(node)}' has no body:, so it shows "
                "nothing. Add body: with the guidance to show.",
            )
        qid = self._question_id(node.get("id"))
        what = f"question '{qid}'"
        settings = self._settings(node, qtype, what)
        options = ()
        if qtype.has_options and node.get("options") is not None:
            options = self._question_options(node.get("options"), what, qtype, revealed)
        question = Question(
            id=qid or "",
            type=qtype.name,
            label=self.text(node.get("label"), f"the label of {what}"),
            hint=self.text(node.get("hint"), f"the hint of {what}"),
            optional=self.boolean(node.get("optional"), "optional", False),
            error_messages=self._error_messages(node.get("error_messages"), what, qtype),
            options=options,
            body=self.text(node.get("body"), f"the body of {what}"),
            settings=settings,
            line=node.line,
            required_with=self.string(node.get("required_with"), f"required_with of {what}"),
        )
        if qid and question.required_with is not None:
            self.pairs.append((question, node.get("required_with"), self.position, self.repeat))
        return question if qid else None

    def _question_id(self, node: YamlNode | None) -> str | None:
        qid = self.string(
            node,
            "The question id",
            QUESTION_ID,
            "use letters, digits and underscores, like date_of_birth",
        )
        if qid is None:
            return None
        if qid in EXPRESSION_WORDS:
            self.at(
                node,
                f"The question id '{qid}' is a word of the condition language, so "
                f"conditions could not refer to it. Choose another, like {qid}_answer.",
            )
        elif qid in RESERVED_QUESTION_IDS:
            self.at(
                node,
                f"The question id '{qid}' is used by the service itself. Choose "
                f"another, like {qid}_answer.",
            )
        elif qid in self.question_at:
            line, _ = self.question_at[qid]
            self.at(
                node,
                f"Question id '{qid}' is already used on line {line}. Question ids "
                "must be unique in the whole form (they are the keys of the answers).",
            )
        else:
            self.question_at[qid] = (node.line, node.col)
        return qid

    def _settings(self, node: YamlNode, qtype: Any, what: str) -> dict[str, Any]:
        settings: dict[str, Any] = {}
        for key, spec in qtype.keys.items():
            child = node.get(key)
            if child is None:
                continue
            if spec.kind == "text":
                settings[key] = self.text(child, f"{key} of {what}")
                continue
            try:
                settings[key] = spec.convert(child.value)
            except BadKeyValue as exc:
                self.at(child, f"{key} of {what} {exc}.")
        for low, high in (
            ("min_length", "max_length"),
            ("min", "max"),
            ("min_selected", "max_selected"),
            ("not_before", "not_after"),
        ):
            lo, hi = settings.get(low), settings.get(high)
            if lo is not None and hi is not None and _bound_order(lo, hi) > 0:
                self.at(
                    node.get(low),
                    f"{low} of {what} is more than its {high}: swap them or correct one.",
                )
        return settings

    def _question_options(
        self, node: YamlNode, what: str, qtype: Any, revealed: bool
    ) -> tuple[Option, ...]:
        if isinstance(node.value, str):
            if node.value not in self.lists:
                self.at(
                    node,
                    f"options of {what} names a list '{node.value}' that is not "
                    f"under lists:. {_suggest(node.value, self.lists)}",
                )
                return ()
            options = self.lists[node.value]
        else:
            options = self._options(node, what, qtype, revealed)
        minimum = qtype.min_options
        if node.is_seq and len(options) < minimum:
            self.at(node, f"{what} needs at least {minimum} options.")
        return options

    def _options(
        self, node: YamlNode, what: str, qtype: Any, revealed: bool = False
    ) -> tuple[Option, ...]:
        if not node.is_seq:
            self.at(
                node,
                f"options of {what} must be a list of '- {{value: ..., label: ...}}' "
                "items, or the name of a list under lists:.",
            )
            return ()
        options: list[Option] = []
        for item in node.value:
            if not item.is_map and isinstance(item.value, str | int | float):
                # `- Red`: the contract's options are a list; a plain one is its labels.
                item = YamlNode({"label": item}, item.line, item.col, kind="map")
            if not self.mapping(item, f"an option of {what}", OPTION_KEYS):
                continue
            if item.get("value") is None and item.get("label") is None:
                self.at(item, f"An option of {what} has neither value: nor label:. Add both.")
                continue
            value_node = item.get("value") or item.get("label")
            if item.get("value") is None and (value_node.is_map or value_node.is_seq):
                self.at(
                    item,
                    f"An option of {what} has a label: in several languages or variants "
                    "but no value:. Add value: with what is stored when it is chosen.",
                )
                continue
            value = self.string(value_node, f"An option value of {what}")
            if value is None:
                continue
            if any(o.value == value for o in options):
                self.at(value_node, f"Option value '{value}' appears twice in {what}.")
            if item.get("label") is None:
                self.warn(
                    item,
                    f"The option '{value}' of {what} has no label:, so people see "
                    f"'{value}'. Add label: with the words to show.",
                )
            options.append(self._option(item, value, what, qtype, revealed))
        return tuple(options)

    def _option(self, item: YamlNode, value: str, what: str, qtype: Any, revealed: bool) -> Option:
        reveal: tuple[Question, ...] = ()
        reveal_node = item.get("reveal")
        if reveal_node is not None:
            if qtype is not None and not qtype.can_reveal:
                self.at_key(
                    reveal_node,
                    f"reveal: works only on radios, checkboxes and "
                    f"yes_no questions, not on {what}.",
                )
            elif revealed:
                self.at_key(
                    reveal_node,
                    "A revealed question cannot reveal more questions. "
                    "Put the follow-up question on its own page with a when: condition.",
                )
            elif not reveal_node.is_seq or not reveal_node.value:
                self.at(reveal_node, "reveal: must be a list of questions.")
            else:
                found = [self._question(q, what, revealed=True) for q in reveal_node.value]
                reveal = tuple(q for q in found if q)
        exclusive = self.boolean(item.get("exclusive"), "exclusive", False)
        if exclusive and qtype is not None and not qtype.can_have_exclusive_options:
            self.at(item.get("exclusive"), "exclusive: is only for checkboxes options.")
        label_node = item.get("label")
        if label_node is None:  # the value is shown as it is written, in every language
            label = Text((TextVariant(None, dict.fromkeys(self.languages, value)),))
        else:
            label = self.text(label_node, f"the label of option '{value}' of {what}")
        return Option(
            value=value,
            label=label,
            hint=self.text(item.get("hint"), f"the hint of option '{value}' of {what}"),
            reveal=reveal,
            exclusive=exclusive,
        )

    def _error_messages(self, node: YamlNode | None, what: str, qtype: Any) -> dict[str, Text]:
        """error_messages: by kind (too_long:) or by the key that sets the limit
        (max_length:), which names the same kind (LIMIT_KINDS)."""
        kinds = qtype.error_kinds
        allowed = (*kinds, *(k for k in LIMIT_KINDS if k not in kinds))
        if node is None or not self.mapping(node, f"error_messages of {what}", allowed):
            return {}
        messages = {}
        named_by: dict[str, str] = {}  # kind -> how the author named it
        for name, child in node.value.items():
            kind = name
            if name in LIMIT_KINDS and name not in kinds:
                if name not in qtype.keys:
                    own = [k for k in LIMIT_KINDS if k in qtype.keys]
                    self.warn(
                        child if not child.key_line else _key_node(child),
                        f"The error_messages of {what} names {name}:, a limit {qtype.name} "
                        "questions do not have, so this message is never shown. "
                        + (
                            f"Their limits are {', '.join(own)}."
                            if own
                            else f"Use one of: {', '.join(kinds)}."
                        ),
                    )
                    continue
                kind = LIMIT_KINDS[name]
            if kind not in kinds:
                continue  # reported as an unknown key already
            if kind in named_by:
                # Both names of one message: the limit's own name is the more specific, so
                # its message is the one shown. Allowed (the contract does not forbid it).
                limit, general = (name, named_by[kind]) if name in LIMIT_KINDS else (
                    named_by[kind], name)  # fmt: skip
                self.warn(
                    child if not child.key_line else _key_node(child),
                    f"In error_messages of {what}, {general}: and {limit}: set the same "
                    f"message (the one shown when that limit fails): {limit}: is shown, "
                    f"{general}: never is. Keep one.",
                )
                if name not in LIMIT_KINDS:
                    continue
            named_by[kind] = name
            # {date}, {min} and {max} show the limit the answer breaks.
            text = self.text(
                child, f"the {name} error message of {what}", extra_names=AUTHOR_PLACEHOLDERS
            )
            if text is not None:
                messages[kind] = text
        return messages

    # -- whole-form checks ---------------------------------------------------------------

    def _check_deferred(self, pages: tuple[Page, ...]) -> None:
        """Check conditions and placeholders against the answers known where they are."""
        scope = _Scope.of(pages, self.positions)
        for item in self.deferred:
            env = scope.env(item.position, item.repeat, item.inclusive)
            if item.expression is not None:
                # Conditions also see the built-in names (a question of that id hides one).
                self._check_expression(item, {**BUILT_IN_NAMES, **env}, scope)
            for name in sorted(item.placeholders - set(env) - item.extra_names):
                self._check_placeholder(name, item, env, scope)

    def _check_placeholder(
        self, name: str, item: _Deferred, env: dict[str, Any], scope: _Scope
    ) -> None:
        """A placeholder that is not simply an answer known here: {question_id.part} for a
        part of a compound answer (name, address), or a mistake."""
        question_id, _, part = name.partition(".")
        if question_id not in env:
            if question_id in item.extra_names:
                self.at(item.node, f"The placeholder {{{name}}}: {{{question_id}}} has no parts.")
                return
            reason = scope.unknown(question_id, item, env)
            self.at(item.node, f"The placeholder {{{name}}} {reason}")
            return
        answer = env[question_id]
        question = scope.questions.get(question_id)
        type_name = question.type if question else answer.describe()
        if answer.kind is not Kind.MAPPING:
            self.at(
                item.node,
                f"The placeholder {{{name}}}: '{question_id}' is a {type_name} answer, which "
                f"has no parts. Write {{{question_id}}}.",
            )
        elif part not in answer.parts:
            self.at(
                item.node,
                f"The placeholder {{{name}}}: a {type_name} answer has no part '{part}'. "
                f"{_suggest(part, answer.parts)}",
            )

    def _check_pairs(self, pages: tuple[Page, ...]) -> None:
        """required_with: names an optional question on the same page or an earlier one,
        answered in the same place (the same repeat item, or outside any repeat)."""
        scope = _Scope.of(pages, self.positions)
        questions = {q.id: q for page, _ in _every_page(pages) for q, _, _ in page.all_questions()}
        for question, node, position, repeat in self.pairs:
            other_id = question.required_with
            what = f"In question '{question.id}', required_with: '{other_id}'"
            other = questions.get(other_id)
            if other_id == question.id:
                self.at(
                    node,
                    f"{what} names the question itself. Name the other question "
                    "of the pair, the one that must be answered with it.",
                )
                continue
            if other is None or other_id not in scope.asked_at:
                self.at(
                    node,
                    f"{what} names no question that takes an answer. "
                    f"{_suggest(other_id, questions)}",
                )
                continue
            at, inside = scope.asked_at[other_id]
            if at > position:
                where = scope.page_at.get(at)
                self.at(
                    node,
                    f"{what}: '{other_id}' is asked later, on page "
                    f"'{where.id if where else '?'}'. Put required_with: on the later "
                    "question of the two, naming the earlier one.",
                )
            elif inside not in (None, repeat):
                self.at(
                    node,
                    f"{what}: '{other_id}' is asked inside the repeat '{inside}', once "
                    "for each item, so it is not one answer to pair with. Pair questions "
                    "asked in the same item.",
                )
            for pair in (question, other):
                if not pair.optional:
                    self.at(
                        node,
                        f"{what}: question '{pair.id}' has no optional: true, so it is "
                        "required anyway. required_with: pairs two optional questions "
                        "(both or neither): add optional: true to it, or remove "
                        "required_with:.",
                    )

    def _check_expression(self, item: _Deferred, env: dict[str, Any], scope: _Scope) -> None:
        try:
            item.expression.check_condition(env)
        except ExpressionError as exc:
            line, col = _position_in(item.node, exc.offset)
            message = exc.message
            if exc.name and exc.name in self.question_at and exc.name not in scope.asked_at:
                return  # its question could not be read; that problem is reported already
            if exc.name and (exc.name in scope.asked_at or exc.name in scope.repeats):
                message = f"'{exc.name}' {scope.unknown(exc.name, item, env)}"
            self.report(line, col, f"In this condition: {message}")

    def _check_tasks(self, pages: tuple[Page, ...], node: YamlNode) -> None:
        """In a task list every page after the first task belongs to a task (section)."""
        if not any(page.section for page in pages):
            self.at(
                node,
                "navigation: task_list makes each section a task, but no page has a "
                "section:. Add sections: and give each page its section.",
            )
            return
        started = False
        for page in pages:
            started = started or page.section is not None
            if started and page.section is None and not page.is_exit:
                self.report(
                    page.line,
                    1,
                    f"Page '{page.id}' has no section:. In a task list "
                    "form, every page after the first task belongs to a task: give it "
                    "a section: (pages before the first task are asked first).",
                )

    def _check_reachable(self, pages: tuple[Page, ...]) -> None:
        for page, following in zip(pages, pages[1:], strict=False):
            if page.is_exit and page.when is None:
                self.problems.append(
                    Problem(
                        self.file,
                        following.line,
                        1,
                        f"Page '{following.id}' can never be reached: the exit page '{page.id}' "
                        f"before it has no when: condition, so every journey stops there. Add a "
                        f"when: to '{page.id}'.",
                    )
                )
                return


@dataclass
class _Scope:
    """Where each question is asked, to know which answers an expression can use."""

    asked_at: dict[str, tuple[int, str | None]]  # question id -> (position, repeat id)
    types: dict[str, Any]
    repeats: dict[str, tuple[int, int]]  # repeat id -> (first, last position of its pages)
    page_at: dict[int, Page]
    cache: dict[tuple, dict[str, Any]] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)

    @classmethod
    def of(cls, pages: tuple[Page, ...], positions: dict[str, int]) -> _Scope:
        asked_at: dict[str, tuple[int, str | None]] = {}
        types: dict[str, Any] = {}
        repeats: dict[str, tuple[int, int]] = {}
        page_at: dict[int, Page] = {}
        questions: dict[str, Question] = {}
        for page in pages:
            for inner, repeat in ((page, None), *((p, page.id) for p in page.pages)):
                position = positions.get(inner.id, 0)
                page_at.setdefault(position, inner)
                for question, _, _ in inner.all_questions():
                    if question.id in asked_at:
                        continue  # a duplicate id, reported already; the first one counts
                    asked_at[question.id] = (position, repeat)
                    questions[question.id] = question
                    types[question.id] = REGISTRY[question.type].expression_type(question)
            if page.is_repeat:
                inner_positions = [positions.get(p.id, 0) for p in page.pages]
                repeats[page.id] = (positions.get(page.id, 0), max(inner_positions, default=0))
        return cls(asked_at, types, repeats, page_at, questions=questions)

    def env(self, position: int, repeat: str | None, inclusive: bool) -> dict[str, Any]:
        key = (position, repeat, inclusive)
        if key not in self.cache:
            env = {}
            for name, (at, inside) in self.asked_at.items():
                known = at < position or (inclusive and at == position)
                if known and inside in (None, repeat):
                    env[name] = self.types[name]
            for name, (_, last) in self.repeats.items():
                if name != repeat and last < position:
                    item = {q: self.types[q] for q, (_, r) in self.asked_at.items() if r == name}
                    env[name] = T.repeat(item)
            self.cache[key] = env
        return self.cache[key]

    def unknown(self, name: str, item: _Deferred, env: dict[str, Any]) -> str:
        """Why a name cannot be used here, in words an author can act on."""
        if name in self.repeats:
            if name == item.repeat:
                return (
                    f"is the repeat this is inside. Inside it, a question id means that "
                    f"item's answer; the list of items is only complete after '{name}'."
                )
            return (
                f"is a repeat asked later, on page '{name}'. A condition can only use "
                "answers given before it."
            )
        if name not in self.asked_at:
            return f"names no question asked before it. {_suggest(name, env)}"
        at, inside = self.asked_at[name]
        where = self.page_at.get(at)
        where_id = where.id if where else "?"
        if inside is not None and inside != item.repeat and at < item.position:
            return (
                f"is asked inside the repeat '{inside}', once for each item. Outside it, "
                f"use count({inside}, ...), any({inside}, ...) or all({inside}, ...)."
            )
        if at == item.position:
            return (
                f"is asked on this same page ('{where_id}'), so its answer is not known "
                "yet. Use a question from an earlier page, or move this to a later page."
            )
        if at > item.position:
            line = where.line if where else 0
            return (
                f"is asked later, on page '{where_id}' (line {line}). A condition or "
                "placeholder can only use answers given before it."
            )
        return f"names no question asked before it. {_suggest(name, env)}"


def _every_page(pages: tuple[Page, ...]) -> Iterator[tuple[Page, Page | None]]:
    for page in pages:
        yield page, None
        for inner in page.pages:
            yield inner, page


def _with_revealed(question: Question) -> Iterator[tuple[Question, Question | None, Any]]:
    yield question, None, None
    for option in question.options:
        for revealed in option.reveal:
            yield revealed, question, option


_REQUIRED_HELP = {
    "id": "a unique name of lowercase letters, digits and hyphens or underscores",
    "version": "a whole number, like 1; bump it when questions change",
    "title": "the text people see as the heading",
    "pages": "a list of pages, each with id: and questions:",
    "questions": "a list of questions, each with id:, type: and label:",
    "label": "the question as the citizen reads it",
    "body": "the text to show, Markdown allowed",
    "options": "a list of '- {value: ..., label: ...}' items or the name of a list",
    "value": "the value stored when this option is chosen",
    "item_name": "what one item is called, like visitor, for 'Visitor 2'",
    "check": "a condition that must be true, like count(visitors) <= 6",
    "message": "the error shown when the check is false",
}


def _suggest(word: str, choices: Iterable[str]) -> str:
    choices = sorted(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f"Did you mean '{close[0]}'?"
    if not choices:
        return ""
    if len(choices) > 12:
        return f"Allowed here: {', '.join(choices[:12])}, ..."
    return f"Allowed here: {', '.join(choices)}."


def _key_node(node: YamlNode) -> YamlNode:
    """Where the key holding `node` is, to point a warning at it."""
    return YamlNode(None, node.key_line, node.key_col)


def _describe(node: YamlNode) -> str:
    if node.is_seq:
        return "a list"
    if node.is_map:
        return "a set of keys"
    if node.value is None:
        return "empty"
    return f"{type(node.value).__name__} {node.value!r}".replace("str ", "text ")


def _peek_id(node: YamlNode) -> str:
    child = node.get("id")
    return str(child.value) if child is not None else "?"


def _language_names(codes: Iterable[str]) -> list[str]:
    return [LANGUAGES.get(code, code) for code in codes]


def _bound_order(low: Any, high: Any) -> int:
    if isinstance(low, str) or isinstance(high, str):
        return 0  # relative dates (today-18y) are compared at run time, not here
    return (low > high) - (low < high)


def _variant_nodes(node: YamlNode) -> Iterator[YamlNode]:
    if node.is_seq:
        for item in node.value:
            yield item.get("when") or item
    else:
        yield node


def _position_in(node: YamlNode, offset: int) -> tuple[int, int]:
    """Line and column of a character inside a scalar (exact for one-line scalars)."""
    if node.style in ("|", ">"):
        return node.line + 1, 1
    quote = 1 if node.style in ("'", '"') else 0
    return node.line or 1, (node.col or 1) + quote + max(offset, 0)


# -- entry points ----------------------------------------------------------------------------


def load_form_text(
    text: str, file: str, warnings: list[Problem] | None = None, folder: Path | None = None
) -> Form:
    """Load one definition from YAML text; raise DefinitionError listing every problem.
    Warnings (the form still loads) are added to `warnings` when it is given."""
    try:
        root = parse_yaml(text)
    except YamlSyntaxError as exc:
        raise DefinitionError([Problem(file, exc.line, exc.col, exc.message)]) from None
    reader = _DefinitionReader(file, folder)
    form = reader.form(root)
    if warnings is not None:
        warnings.extend(sorted(set(reader.warnings), key=lambda p: (p.line, p.col)))
    if form is None:
        problems = sorted(set(reader.problems), key=lambda p: (p.line, p.col, p.message))
        raise DefinitionError(problems)
    return form


def load_form_file(path: Path, warnings: list[Problem] | None = None) -> Form:
    return load_form_bytes(path.read_bytes(), str(path), warnings, path.parent)


def load_form_bytes(
    data: bytes, file: str, warnings: list[Problem] | None = None, folder: Path | None = None
) -> Form:
    """A definition from the bytes of its file (`file` names it in problems)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        message = f"The file is not UTF-8 text ({exc.reason}). Save it as UTF-8."
        raise DefinitionError([Problem(file, 1, 1, message)]) from None
    return load_form_text(text, file, warnings, folder)


def load_snapshot(snapshot: dict[str, Any]) -> Form:
    """Rebuild a Form from the plain data stored with a draft or submission."""
    reader = _DefinitionReader(SNAPSHOT)
    form = reader.form(from_plain(snapshot))
    if form is None:
        raise DefinitionError(reader.problems)
    return form


def definition_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        else:
            files.append(path)
    return files


def load_definitions(
    paths: Iterable[Path],
    warnings: list[Problem] | None = None,
    cache: DefinitionCache | None = None,
) -> tuple[dict[str, Form], list[Problem]]:
    """Load every definition; a bad file is left out and its problems returned (warnings,
    which leave the form in, are added to `warnings` when it is given). With a `cache`, a
    file loaded before (same bytes, same loader) is taken from it: the same Form, the same
    warnings."""
    # A form is thousands of objects that live as long as the app; the cyclic garbage
    # collector would walk the growing heap again and again while they are made, for
    # nothing (half the time of a start-up from the cache). It runs again afterwards.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load_definitions(paths, warnings, cache)
    finally:
        if collecting:
            gc.enable()


def _load_definitions(
    paths: Iterable[Path], warnings: list[Problem] | None, cache: DefinitionCache | None
) -> tuple[dict[str, Form], list[Problem]]:
    forms: dict[str, Form] = {}
    problems: list[Problem] = []
    for path in definition_files(paths):
        try:
            if cache is None:
                form = load_form_file(path, warnings)
            else:
                data = path.read_bytes()
                form = cache.load(
                    path,
                    data,
                    lambda found, data=data, path=path: load_form_bytes(
                        data, str(path), found, path.parent
                    ),
                    warnings,
                )
        except DefinitionError as exc:
            problems.extend(exc.problems)
            continue
        except OSError as exc:
            problems.append(Problem(str(path), 1, 1, f"Cannot read the file: {exc.strerror}."))
            continue
        if form.id in forms:
            problems.append(
                Problem(
                    str(path),
                    1,
                    1,
                    f"Form id '{form.id}' is already used by "
                    f"{forms[form.id].source}. Each form needs its own id.",
                )
            )
            continue
        forms[form.id] = form
    if cache is not None:
        cache.remove_stale()
    return forms, problems
