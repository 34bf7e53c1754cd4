"""A fillable PDF becomes a draft form definition: `forms-service import-pdf`.

The draft is YAML text written here line by line (not dumped from a dict) so that it reads
like a definition an author wrote: each question says in a comment which PDF field it came
from, pages follow the paper form's pages in reading order, and a `paper_form` block maps
every question back to its field(s) so that the same PDF can be filled from a submission.

Everything that decides a question's type is a guess from the field's kind, name and tooltip
(/TU); the draft must still pass `forms-service check` with no errors, so every value is
quoted, every id is made valid and unique, and a field that cannot be asked is left out and
listed in the summary with the reason.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from forms_service.acroform import (
    CHECKBOX,
    CHOICE,
    RADIO,
    SIGNATURE,
    TEXT,
    PdfField,
    document_title,
    read_fields,
)
from forms_service.definitions.loader import (
    BUILT_IN_NAMES,
    EXPRESSION_WORDS,
    RESERVED_FORM_IDS,
    RESERVED_PAGE_IDS,
    RESERVED_QUESTION_IDS,
)
from forms_service.question_types import REGISTRY

QUESTIONS_PER_PAGE = 5
MOST_RADIOS = 7  # a choice list with more options than this becomes a select
LONGEST_ID = 50
TALL = 36.0  # points: a single-line box taller than this is meant for a few lines
DECLARATION = "The information I have given is true to the best of my knowledge."

DAY, MONTH, YEAR = "day", "month", "year"
DATE_PARTS = {
    "day": DAY,
    "dd": DAY,
    "month": MONTH,
    "mm": MONTH,
    "mon": MONTH,
    "year": YEAR,
    "yyyy": YEAR,
    "yy": YEAR,
}
# Text field types by the words of the field's name and tooltip, most specific first: a
# "Date fee paid" box is a date, an "Email or phone" box an email.
TYPE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("national_insurance_number", ("national insurance", "nino", "ni number", "ni no")),
    ("email", ("email", "e mail")),
    ("postcode", ("postcode", "post code", "postal code")),
    ("phone", ("phone", "telephone", "tel", "mobile", "tel no")),
    ("date", ("date", "dob", "date of birth", "birth date", "birthday", "dd mm yyyy")),
    ("money", ("amount", "£", "cost", "costs", "fee", "fees", "price", "gbp")),
)
IRREGULAR_PLURALS = {"child": "children", "person": "people", "man": "men", "woman": "women"}
YES_WORDS, NO_WORDS = {"yes", "y"}, {"no", "n"}
# Characters a YAML double-quoted scalar cannot hold as they are (PyYAML refuses characters
# outside its printable set and reads \x85, \u2028 and \u2029 as line breaks).
YAML_UNSAFE = re.compile(
    "[^\x09\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
PLAIN_KEY = re.compile(r"^[a-z_][a-z0-9_]*$")
YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
WORD = re.compile(r"[^\W_]+")
# Where camelCase words meet ("visitorFirstName", "DOBDay"); for labels, letters and digits
# too ("Choice3" reads "Choice 3"), not in ids ("v2" stays v2).
CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
LETTER_DIGIT = re.compile(r"(?<=[A-Za-z])(?=[0-9])")
INDEX = re.compile(r"\[\d+\]")  # "form1[0].Name[0]" (LiveCycle names): array indexes
# The item number in "Visitor 2 first name", "visitor2.dob", "Child_3_name": after a word.
ITEM_NUMBER = re.compile(r"(?<=[A-Za-z])[ _.-]?([1-9][0-9]?)(?![0-9])")


class NothingToImport(ValueError):
    """The PDF has no field that could become a question (the message says why)."""


@dataclass(frozen=True)
class Skipped:
    """A field the draft leaves out, and why (for the summary)."""

    name: str
    why: str


@dataclass
class Repeat:
    """Boxes for the first `items` items of a list ("Visitor 1 ...", "Visitor 2 ..."): one
    repeat ("add another") page, its questions made from the first item's boxes."""

    word: str  # the word before the number: "Visitor"
    items: int
    templates: dict[str, str]  # the first item's field, renamed without its number -> the
    # field name with {n} for the number ("Visitor first name" -> "Visitor {n} first name")
    id: str = ""


@dataclass
class Item:
    """One question of the draft (or the declaration), from one or more PDF fields."""

    type: str  # a question type, or "declaration"
    fields: list[PdfField]
    label: str
    base_id: str  # what its id is made from
    mapping: object  # the paper_form value: a field name, or a dict of them
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, label)
    max_length: int | None = None
    how: str = ""  # why it is this type, for the comment
    id: str = ""
    repeat: Repeat | None = None

    @property
    def anchor(self) -> tuple[float, float, float, float]:
        """The rectangle that places the item in reading order: its top-left field's."""
        return min((f.rect for f in self.fields), key=lambda r: (-r[3], r[0]))

    @property
    def page(self) -> int:
        return self.fields[0].page or 0


@dataclass
class Draft:
    """The draft definition as YAML text, and what the import did."""

    yaml: str
    fields_read: int
    questions: int
    pages: int
    declaration: bool
    skipped: list[Skipped]
    repeats: list[Repeat] = field(default_factory=list)

    def summary(self, source: str) -> list[str]:
        lines = [
            f"{source}: {self.fields_read} field(s) read, {self.questions} question(s) made "
            f"on {self.pages} page(s)"
            + (", a declaration from the signature." if self.declaration else ".")
        ]
        for repeat in self.repeats:
            lines.append(
                f"{repeat.id}: the boxes for {repeat.word} 1 to {repeat.items} became one "
                f"repeat (add another) of at most {repeat.items}; with a higher max: the "
                "filled PDF gets a continuation page for the rest."
            )
        if self.skipped:
            lines.append(f"{len(self.skipped)} field(s) not mapped:")
            lines += [f"  {_quote(s.name)}: {s.why}" for s in self.skipped]
        lines.append(
            "Check the draft before publishing it: the types, labels and page headings are "
            "guesses, every question is required, and it says nothing yet about how long "
            "answers are kept (retention_days)."
        )
        return lines


def draft_definition(data: bytes, *, name: str, paper_file: str) -> Draft:
    """The draft definition of the fillable PDF `data`.

    `name` is the PDF's file name (the form id, and the title when the PDF has none);
    `paper_file` what the paper_form block calls the PDF. Raises acroform.NotAFillablePdf
    for bytes that are not a readable PDF and NothingToImport when no field can be asked.
    """
    fields = read_fields(data)
    if not fields:
        raise NothingToImport(
            "the PDF has no form fields: open it in a PDF editor, add fillable fields and "
            "import it again"
        )
    usable, skipped = _usable(fields)
    usable, repeats = _find_repeats(usable)
    items = _items(usable)
    _into_repeats(items, repeats)
    questions = [item for item in items if item.type != "declaration"]
    if not questions:
        reasons = "; ".join(f"{s.name}: {s.why}" for s in skipped) or "only signature fields"
        raise NothingToImport(f"no field of the PDF can become a question ({reasons})")
    questions = _in_reading_order(questions)
    taken = _give_ids(questions)
    pages = _pages(questions, taken)
    declaration = next((item for item in items if item.type == "declaration"), None)
    stem = PurePath(name).stem
    title = _label(document_title(data) or _readable(stem) or "Imported form")
    text = _render(
        form_id=_form_id(stem),
        title=title,
        source=PurePath(name).name,
        pages=pages,
        declaration=declaration,
        paper_file=paper_file,
        questions=questions,
    )
    return Draft(
        yaml=text,
        fields_read=len(fields),
        questions=len(questions),
        pages=len(pages),
        declaration=declaration is not None,
        skipped=skipped,
        repeats=[r for r in repeats if r.id],
    )


# -- which fields can be asked ---------------------------------------------------------------


def _usable(fields: list[PdfField]) -> tuple[list[PdfField], list[Skipped]]:
    usable: list[PdfField] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    for pdf_field in fields:
        why = _why_not(pdf_field, seen)
        if why:
            skipped.append(Skipped(pdf_field.name, why))
        else:
            usable.append(pdf_field)
        seen.add(pdf_field.name)
    return usable, skipped


def _why_not(pdf_field: PdfField, seen: set[str]) -> str | None:
    if not pdf_field.name.strip():
        return "it has no name, so it could not be filled back"
    if pdf_field.name in seen:
        return "another field has the same name: one answer fills both, the first is asked"
    if pdf_field.kind == "button":
        return "a push button: there is nothing to answer"
    if pdf_field.page is None or pdf_field.rect is None:
        return "it is on no page"
    if pdf_field.hidden:
        return "it is hidden: not shown or printed"
    if pdf_field.width < 1 or pdf_field.height < 1:
        return "its box has no size, so nobody filling the paper form sees it"
    if pdf_field.read_only:
        return "it is read-only: the PDF fills it itself"
    if pdf_field.kind in (CHECKBOX, RADIO) and not pdf_field.states:
        return f"{pdf_field.kind_name} with nothing that ticks it (no 'on' state)"
    if pdf_field.kind == RADIO and not _radio_options(pdf_field):
        return "a radio group whose export values are blank"
    if pdf_field.kind == CHOICE and not _choice_options(pdf_field):
        return "a choice list with no options"
    return None


# -- numbered boxes into repeats ------------------------------------------------------------


def _find_repeats(fields: list[PdfField]) -> tuple[list[PdfField], list[Repeat]]:
    """Boxes numbered 1, 2, ... N after the same word, two names or more each ("Visitor 1
    first name" and "Visitor 1 DOB day" up to "Visitor 3 ..."), are a list of N items. The
    fields to make questions from (the first item's, renamed without the number; not the
    others') and the repeats found."""
    numbered: dict[str, dict[int, PdfField]] = {}
    words: dict[str, str] = {}
    for pdf_field in fields:
        found = ITEM_NUMBER.search(pdf_field.name)
        if pdf_field.kind == SIGNATURE or "{" in pdf_field.name or not found:
            continue
        template = f"{pdf_field.name[: found.start(1)]}{{n}}{pdf_field.name[found.end(1) :]}"
        numbered.setdefault(template, {})[int(found.group(1))] = pdf_field
        words[template] = _words(pdf_field.name[: found.start(1)])[-1]
    groups: dict[tuple[str, int], list[str]] = {}
    for template, by_number in numbered.items():
        if sorted(by_number) == list(range(1, len(by_number) + 1)) and len(by_number) > 1:
            groups.setdefault((words[template].lower(), len(by_number)), []).append(template)
    names = {f.name for f in fields}
    renamed: dict[str, PdfField] = {}
    others: set[str] = set()
    repeats: list[Repeat] = []
    for (_, items), templates in groups.items():
        plain = {re.sub(r"[ _.-]*\{n\}", "", t): t for t in templates}
        if len(templates) < 2 or len(plain) < len(templates) or names & set(plain):
            continue  # one numbered name is a list of lines ("Address line 1"), not items
        repeats.append(Repeat(words[templates[0]], items, plain))
        for name, template in plain.items():
            renamed[numbered[template][1].name] = dataclasses.replace(
                numbered[template][1], name=name
            )
            others.update(f.name for n, f in numbered[template].items() if n > 1)
    kept = [renamed.get(f.name, f) for f in fields if f.name not in others]
    return kept, repeats


def _into_repeats(items: list[Item], repeats: list[Repeat]) -> None:
    """Each item made from a first item's boxes goes in its repeat, and its paper_form
    mapping names the boxes with {n}."""
    for item in items:
        for repeat in repeats:
            if any(f.name in repeat.templates for f in item.fields):
                item.repeat = repeat
                item.mapping = _with_templates(item.mapping, repeat.templates)


def _with_templates(mapping: object, templates: dict[str, str]) -> object:
    if isinstance(mapping, dict):
        return {key: _with_templates(value, templates) for key, value in mapping.items()}
    return templates.get(str(mapping), mapping)


# -- fields into questions -------------------------------------------------------------------


def _items(fields: list[PdfField]) -> list[Item]:
    """The questions (and the declaration) the fields make, in no particular order."""
    items: list[Item] = []
    used: set[str] = set()
    items += _dates_in_three_boxes([f for f in fields if f.kind == TEXT], used)
    items += _check_box_groups([f for f in fields if f.kind == CHECKBOX], used)
    signatures = [f for f in fields if f.kind == SIGNATURE]
    if signatures:
        items.append(Item("declaration", signatures, DECLARATION, "", None))
        used.update(f.name for f in signatures)
    for pdf_field in fields:
        if pdf_field.name not in used:
            items.append(_single(pdf_field))
    return items


def _dates_in_three_boxes(fields: list[PdfField], used: set[str]) -> list[Item]:
    """Text boxes named "<something> day", "... month", "... year" on one page: one date."""
    groups: dict[tuple[int | None, str], dict[str, PdfField]] = {}
    for pdf_field in fields:
        words = _date_words(pdf_field.name)
        part = DATE_PARTS.get(words[-1].lower()) if words else None
        if part is None:
            continue
        prefix = " ".join(words[:-1])
        groups.setdefault((pdf_field.page, prefix.lower()), {}).setdefault(part, pdf_field)
    items = []
    for parts in groups.values():
        if set(parts) != {DAY, MONTH, YEAR}:
            continue
        prefix_words = _date_words(parts[DAY].name)[:-1]
        tooltip = _common_tooltip(parts.values())
        label = tooltip or _sentence(prefix_words) or "Date"
        items.append(
            Item(
                "date",
                [parts[DAY], parts[MONTH], parts[YEAR]],
                label,
                " ".join(prefix_words) or "date",
                {part: parts[part].name for part in (DAY, MONTH, YEAR)},
                how="a date in three boxes",
            )
        )
        used.update(f.name for f in parts.values())
    return items


def _check_box_groups(fields: list[PdfField], used: set[str]) -> list[Item]:
    """Check boxes on one page whose names share a first part ("Needs wheelchair", "Needs
    hearing loop", or "needs.wheelchair"): one checkboxes question, or one yes/no when the
    two boxes are "... yes" and "... no"."""
    groups: dict[tuple[int | None, str], list[tuple[PdfField, str]]] = {}
    for pdf_field in fields:
        shared = _shared_prefix(pdf_field.name)
        if shared is not None:
            prefix, rest = shared
            groups.setdefault((pdf_field.page, prefix.lower()), []).append((pdf_field, rest))
    items = []
    for boxes in groups.values():
        if len(boxes) < 2:
            continue
        first_name = boxes[0][0].name
        prefix = _shared_prefix(first_name)[0]
        tooltip = _common_tooltip(f for f, _ in boxes)
        label = tooltip or _sentence(_words(prefix)) or "Choose the ones that apply"
        answers = {rest.strip().lower(): f for f, rest in boxes}
        yes = next((answers[w] for w in YES_WORDS if w in answers), None)
        no = next((answers[w] for w in NO_WORDS if w in answers), None)
        if len(boxes) == 2 and yes and no:
            item = Item(
                "yes_no",
                [yes, no],
                label,
                prefix,
                {"yes_box": yes.name, "no_box": no.name},
                how="a yes and a no box",
            )
        else:
            options: list[tuple[str, str]] = []
            mapping: dict[str, str] = {}
            for number, (pdf_field, rest) in enumerate(boxes, 1):
                value = _unique(_snake(rest) or f"option_{number}", set(mapping))
                own = pdf_field.tooltip if not tooltip else None
                options.append((value, _label(own or _sentence(_words(rest)) or value)))
                mapping[value] = pdf_field.name
            item = Item(
                "checkboxes",
                [f for f, _ in boxes],
                label,
                prefix,
                {"options": mapping},
                options=options,
                how="check boxes sharing a name",
            )
        items.append(item)
        used.update(f.name for f, _ in boxes)
    return items


def _single(pdf_field: PdfField) -> Item:
    """The question one field makes on its own."""
    label = _label(pdf_field.tooltip or _sentence(_words(_last_part(pdf_field.name))))
    base = _last_part(pdf_field.name)
    if pdf_field.kind == CHECKBOX:
        return Item("yes_no", [pdf_field], label, base, pdf_field.name, how="a lone check box")
    if pdf_field.kind == RADIO:
        return Item(
            "radios",
            [pdf_field],
            label,
            base,
            pdf_field.name,
            options=_radio_options(pdf_field),
            how="a radio group",
        )
    if pdf_field.kind == CHOICE:
        options = _choice_options(pdf_field)
        kind = "radios" if len(options) <= MOST_RADIOS else "select"
        how = "a drop-down list" if pdf_field.combo else "a list box"
        return Item(kind, [pdf_field], label, base, pdf_field.name, options=options, how=how)
    kind, how = _text_type(pdf_field)
    item = Item(kind, [pdf_field], label, base, pdf_field.name, how=how)
    if "max_length" in REGISTRY[kind].keys and pdf_field.max_length:
        default = getattr(REGISTRY[kind], "default_max", None)
        if default is None or 0 < pdf_field.max_length < default:
            item.max_length = pdf_field.max_length
    return item


def _text_type(pdf_field: PdfField) -> tuple[str, str]:
    said = (
        " "
        + " ".join(w.lower() for w in _words(f"{pdf_field.name} {pdf_field.tooltip or ''}"))
        + " "
    )
    said += "£ " if "£" in f"{pdf_field.name}{pdf_field.tooltip or ''}" else ""
    for kind, words in TYPE_WORDS:
        for word in words:
            if f" {word} " in said or (word == "£" and "£" in said):
                return kind, f"'{word}' in its name or tooltip"
    font = pdf_field.font_size or 12
    if pdf_field.multiline or pdf_field.height > max(TALL, 2.5 * font):
        return "textarea", "a box for several lines"
    return "text", "a text box"


def _radio_options(pdf_field: PdfField) -> list[tuple[str, str]]:
    return [
        (value, _label(_sentence(_words(value)) or value))
        for value in pdf_field.states
        if value.strip()
    ]


def _choice_options(pdf_field: PdfField) -> list[tuple[str, str]]:
    options: list[tuple[str, str]] = []
    labels = pdf_field.option_labels or pdf_field.options
    for value, shown in zip(pdf_field.options, labels, strict=False):
        if not value.strip() or any(value == v for v, _ in options):
            continue  # a blank first entry ("choose one") or a repeated one
        text = shown if shown.strip() and shown != value else _sentence(_words(value))
        options.append((value, _label(text or value)))
    return options


# -- order, ids and pages --------------------------------------------------------------------


def _in_reading_order(items: list[Item]) -> list[Item]:
    """Page by page, rows top to bottom, each row left to right. Two items are on the same
    row when their boxes overlap vertically by half the smaller one's height or more."""
    ordered: list[Item] = []
    by_top = sorted(items, key=lambda item: (item.page, -item.anchor[3], item.anchor[0]))
    row: list[Item] = []
    for item in by_top:
        if row and (row[0].page != item.page or not _same_row(row[0].anchor, item.anchor)):
            ordered += sorted(row, key=lambda i: i.anchor[0])
            row = []
        row.append(item)
    return ordered + sorted(row, key=lambda i: i.anchor[0])


def _same_row(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return overlap >= 0.5 * min(a[3] - a[1], b[3] - b[1])


def _give_ids(items: list[Item]) -> set[str]:
    """Give each question its id; the ids given."""
    taken: set[str] = set()
    for number, item in enumerate(items, 1):
        base = _snake(item.base_id)[:LONGEST_ID].strip("_") or f"question_{number}"
        if base[0].isdigit():
            base = f"field_{base}"
        if base in EXPRESSION_WORDS | RESERVED_QUESTION_IDS | set(BUILT_IN_NAMES) | YAML_WORDS:
            base = f"{base}_answer"
        item.id = _unique(base, taken)
        taken.add(item.id)
    return taken


@dataclass
class Page:
    id: str
    title: str | None
    items: list[Item]


@dataclass
class RepeatPage:
    repeat: Repeat
    pages: list[Page]


def _pages(items: list[Item], taken: set[str]) -> list[Page | RepeatPage]:
    """The draft's pages, in reading order: the questions of one PDF page together (split
    evenly into pages of at most QUESTIONS_PER_PAGE), each repeat where its first box is."""
    pages: list[Page | RepeatPage] = []
    page_ids: set[str] = set()
    run: list[Item] = []

    def flush() -> None:
        if run:
            number = run[0].page + 1
            pages.extend(
                _split(run, f"page-{number}", f"Page {number} of the paper form", page_ids)
            )
            run.clear()

    for item in items:
        if item.repeat is None:
            if run and run[-1].page != item.page:
                flush()
            run.append(item)
        elif not item.repeat.id:
            flush()
            repeat = item.repeat
            base = _plural(_snake(repeat.word) or "item")
            if base in RESERVED_PAGE_IDS | EXPRESSION_WORDS | YAML_WORDS:
                base = f"{base}_list"
            repeat.id = _unique(base, taken | page_ids)
            taken.add(repeat.id)
            page_ids.add(repeat.id)
            inner = [i for i in items if i.repeat is repeat]
            name = _sentence([repeat.word])
            pages.append(
                RepeatPage(
                    repeat, _split(inner, f"{repeat.id}-details", f"{name} details", page_ids)
                )
            )
    flush()
    return pages


def _split(items: list[Item], base_id: str, heading: str, page_ids: set[str]) -> list[Page]:
    parts = math.ceil(len(items) / QUESTIONS_PER_PAGE)
    size, extra = divmod(len(items), parts)
    pages, start = [], 0
    for part in range(parts):
        end = start + size + (1 if part < extra else 0)
        chunk = items[start:end]
        start = end
        page_id = _unique_page_id(base_id + (f"-part-{part + 1}" if parts > 1 else ""), page_ids)
        title = None
        if len(chunk) > 1:
            title = heading + (f" (part {part + 1} of {parts})" if parts > 1 else "")
        pages.append(Page(page_id, title, chunk))
    return pages


def _plural(word: str) -> str:
    """An English plural for a repeat's id: visitors, children, witnesses, parties."""
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return f"{word}es"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return f"{word[:-1]}ies"
    return f"{word}s"


def _unique_page_id(base: str, taken: set[str]) -> str:
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}-{number}"
        number += 1
    taken.add(candidate)
    return candidate


# -- writing the YAML ------------------------------------------------------------------------


def _render(
    *,
    form_id: str,
    title: str,
    source: str,
    pages: list[Page | RepeatPage],
    declaration: Item | None,
    paper_file: str,
    questions: list[Item],
) -> str:
    out = [
        _comment(f"Drafted by forms-service import-pdf from {source}."),
        "# Check every question before publishing: the types, labels and headings are guesses",
        "# from the PDF's field names, and every question is required (add optional: true).",
        f"id: {form_id}",
        "version: 1",
        f"title: {_quote(title)}",
        "# How long answers are kept is for your retention schedule to say, for example:",
        "# retention_days: 90",
        "pages:",
    ]
    for page in pages:
        if isinstance(page, Page):
            out += _page(page, "  ")
            continue
        repeat = page.repeat
        out += [
            f"  - id: {repeat.id}",
            "    type: repeat",
            f"    item_name: {_quote(repeat.word.lower())}",
            f"    max: {repeat.items}  # boxes on the paper; above that, a continuation page",
            "    pages:",
        ]
        for inner in page.pages:
            out += _page(inner, "      ")
    if declaration is not None:
        names = ", ".join(_quote(f.name) for f in declaration.fields)
        out += [
            "declaration:",
            _comment(f"  from PDF signature field(s) {names}: signing online is agreeing here"),
            f"  body: {_quote(declaration.label)}",
        ]
    out += ["paper_form:", f"  file: {_quote(paper_file)}", "  fields:"]
    out += [f"    {item.id}: {_flow(item.mapping)}" for item in questions if not item.repeat]
    for page in pages:
        if isinstance(page, RepeatPage):
            out += [f"    {page.repeat.id}:", f"      repeat: {page.repeat.items}", "      fields:"]
            out += [
                f"        {item.id}: {_flow(item.mapping)}"
                for inner in page.pages
                for item in inner.items
            ]
    return "\n".join(out) + "\n"


def _page(page: Page, indent: str) -> list[str]:
    lines = [f"{indent}- id: {page.id}"]
    if page.title:
        lines.append(f"{indent}  title: {_quote(page.title)}  # say what these questions are about")
    lines.append(f"{indent}  questions:")
    for item in page.items:
        lines += [indent + line for line in _question(item)]
    return lines


def _question(item: Item) -> list[str]:
    templates = item.repeat.templates if item.repeat else {}
    # A repeat's questions come from the first item's boxes: named as in the PDF.
    names = ", ".join(
        _quote(templates.get(f.name, f.name).replace("{n}", "1")) for f in item.fields
    )
    source = "field" if len(item.fields) == 1 else "fields"
    lines = [
        _comment(f"    from PDF {source} {names}: {item.how}"),
        f"    - id: {item.id}",
        f"      type: {item.type}",
        f"      label: {_quote(item.label)}",
    ]
    if item.max_length is not None:
        lines.append(f"      max_length: {item.max_length}  # the box's own limit")
    if item.options:
        lines.append("      options:")
        lines += [
            f"        - {{value: {_quote(value)}, label: {_quote(label)}}}"
            for value, label in item.options
        ]
    return lines


def _flow(value: object) -> str:
    """A paper_form value as YAML flow text: a quoted field name, or {key: value, ...}."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    return _quote(str(value))


def _key(text: str) -> str:
    """A mapping key: plain when it is a simple name YAML reads as text, else quoted
    (an option value `no` or `on` would be read as a boolean)."""
    if PLAIN_KEY.match(text) and text.lower() not in YAML_WORDS:
        return text
    return _quote(text)


def _quote(text: str) -> str:
    """`text` as a YAML double-quoted scalar that reads back as exactly `text` (JSON's
    string syntax is YAML's, but YAML needs a few more characters escaped)."""
    quoted = json.dumps(_clean(text), ensure_ascii=False)
    return YAML_UNSAFE.sub(_escape, quoted)


def _escape(match: re.Match) -> str:
    code = ord(match.group(0))
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _comment(text: str) -> str:
    """A comment line: what follows # must stay on one line, whatever the field names."""
    indent = len(text) - len(text.lstrip(" "))
    body = YAML_UNSAFE.sub(" ", " ".join(_clean(text).split()))
    return f"{' ' * indent}# {body}"


def _clean(text: str) -> str:
    """Lone surrogates (from a broken PDF string) as the replacement character."""
    return text.encode("utf-8", "replace").decode("utf-8")


# -- words, labels and ids -------------------------------------------------------------------


def _last_part(name: str) -> str:
    """The field's own part of a hierarchical name ("person.first_name" -> "first_name"),
    without LiveCycle array indexes."""
    parts = [p for p in INDEX.sub("", name).split(".") if p.strip() and not p.startswith("#")]
    return parts[-1] if parts else name


def _date_words(name: str) -> list[str]:
    """The words of a field's own name, after its parent's when it is only one ("dob.dd")."""
    words = _words(_last_part(name))
    plain = INDEX.sub("", name).strip(".")
    if len(words) == 1 and "." in plain:
        words = _words(_last_part(plain.rpartition(".")[0])) + words
    return words


def _shared_prefix(name: str) -> tuple[str, str] | None:
    """(shared part, own part) of a check box's name, or None when it has no shared part:
    the parent of a hierarchical name, else its first word when it has more."""
    plain = INDEX.sub("", name)
    if "." in plain.strip("."):
        parent, _, own = plain.strip(".").rpartition(".")
        if own.strip():
            return _last_part(parent), own
    words = _words(plain)
    if len(words) >= 2:
        return words[0], " ".join(words[1:])
    return None


def _words(text: str) -> list[str]:
    return WORD.findall(LETTER_DIGIT.sub(" ", CAMEL.sub(" ", text)))


def _sentence(words: list[str]) -> str:
    """Words as a label in sentence case, as GOV.UK writes them: "Date of birth" from
    "DateOfBirth", "Visitor 1 first name"; capitals kept ("DOB", "NI number")."""
    if not words:
        return ""
    words = [words[0], *(w.lower() if w.istitle() and len(w) > 1 else w for w in words[1:])]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _label(text: str) -> str:
    """A label the loader takes: one line, no {braces} (they would be placeholders)."""
    text = " ".join(text.replace("{", "(").replace("}", ")").split())
    return text or "Question"


def _common_tooltip(fields: Iterable[PdfField]) -> str | None:
    tooltips = {f.tooltip for f in fields}
    only = tooltips.pop() if len(tooltips) == 1 else None
    return _label(only) if only else None


def _snake(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", CAMEL.sub(" ", ascii_text))
    return "_".join(words).lower()


def _unique(base: str, taken: set[str]) -> str:
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}_{number}"
        number += 1
    return candidate


def _form_id(stem: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = "-".join(re.findall(r"[a-z0-9]+", CAMEL.sub(" ", ascii_text).lower()))[:60]
    slug = slug.strip("-") or "imported-form"
    return f"{slug}-form" if slug in RESERVED_FORM_IDS else slug


def _readable(stem: str) -> str:
    return _label(_sentence(_words(stem.replace("-", " ").replace("_", " "))))
