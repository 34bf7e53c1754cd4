"""The `paper_form:` block of a definition: the paper form it replaces, and where each
answer goes on it.

Read in two steps. `read_paper_form` checks the block against the form's own questions
(every definition, snapshots too). `check_against_pdf` then opens the PDF file beside the
definition and checks every named field exists and fits its question (a yes/no onto a check
box, options onto a radio group's export values); it runs when a definition is loaded from
its folder (start-up, `check`, preview), never for a stored snapshot, which keeps the PDF's
hash instead. Problems are file:line:col like every other definition problem.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from forms_service import acroform
from forms_service.definitions.model import PaperBox, PaperForm, PaperRepeat, Question
from forms_service.definitions.yamlnodes import YamlNode
from forms_service.question_types import question_type

if TYPE_CHECKING:
    from forms_service.definitions.loader import _DefinitionReader
    from forms_service.definitions.model import Page

PAPER_KEYS = ("file", "fields")
SNAPSHOT_KEYS = (*PAPER_KEYS, "sha256")  # a stored snapshot also keeps the PDF's hash
MAX_ITEMS = 100  # boxes for more repeat items than this on one paper form is a typo
LISTED = 12  # questions named in the warning about those with no box; the rest counted


def read_paper_form(
    reader: _DefinitionReader, node: YamlNode | None, pages: Iterable[Page], *, snapshot: bool
) -> PaperForm | None:
    """The block's mapping, checked against the form's questions (not yet the PDF)."""
    if node is None:
        return None
    keys = SNAPSHOT_KEYS if snapshot else PAPER_KEYS
    if not reader.mapping(node, "the paper_form block", keys, ("file", "fields")):
        return None
    file = _file(reader, node.get("file"))
    top, repeats = _questions(pages)
    fields = node.get("fields")
    boxes: list[PaperBox] = []
    repeat_boxes: list[PaperRepeat] = []
    if fields is not None and reader.mapping(fields, "the fields of paper_form", (*top, *repeats)):
        for key, child in fields.value.items():
            if key in top:
                box = _box(reader, child, top[key], inside_repeat=False)
                boxes.extend([box] if box else [])
            elif key in repeats:
                repeat = _repeat(reader, child, key, repeats[key])
                repeat_boxes.extend([repeat] if repeat else [])
    sha256 = reader.string(node.get("sha256"), "the sha256 of paper_form") if snapshot else None
    if file is None:
        return None
    return PaperForm(file=file, boxes=tuple(boxes), repeats=tuple(repeat_boxes), sha256=sha256)


def _file(reader: _DefinitionReader, node: YamlNode | None) -> str | None:
    file = reader.string(node, "the paper_form file")
    if file is None or node is None:
        return None
    path = PurePosixPath(file.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        reader.at(
            node,
            f"The paper_form file '{file}' must be a path inside the definitions folder, "
            "like paper/my-form.pdf (no leading /, no ..).",
        )
        return None
    if path.suffix.lower() != ".pdf":
        reader.at(node, f"The paper_form file '{file}' must be a PDF (a name ending .pdf).")
        return None
    return str(path)


def _questions(pages: Iterable[Page]) -> tuple[dict[str, Question], dict[str, dict]]:
    """Questions outside repeats by id, and each repeat's questions by repeat id."""
    top: dict[str, Question] = {}
    repeats: dict[str, dict[str, Question]] = {}
    for page in pages:
        if page.pages:
            inner = repeats.setdefault(page.id, {})
            for inner_page in page.pages:
                inner.update(_answered(inner_page))
        else:
            top.update(_answered(page))
    return top, repeats


def _answered(page: Page) -> Iterator[tuple[str, Question]]:
    for question, _, _ in page.all_questions():
        if question_type(question).takes_answer:
            yield question.id, question


def _repeat(
    reader: _DefinitionReader, node: YamlNode, repeat_id: str, questions: dict[str, Question]
) -> PaperRepeat | None:
    what = f"the paper_form boxes of repeat '{repeat_id}'"
    if not reader.mapping(node, what, ("repeat", "fields"), ("repeat", "fields")):
        return None
    items = reader.integer(node.get("repeat"), f"{what}: repeat: (how many items have boxes)")
    if items is not None and items > MAX_ITEMS:
        reader.at(node.get("repeat"), f"{what}: repeat: must be {MAX_ITEMS} or fewer.")
        return None
    inner = node.get("fields")
    boxes: list[PaperBox] = []
    if inner is not None and reader.mapping(inner, f"{what} (fields:)", questions):
        for key, child in inner.value.items():
            box = _box(reader, child, questions[key], inside_repeat=items != 1)
            boxes.extend([box] if box else [])
    if items is None or inner is None:
        return None
    return PaperRepeat(repeat_id, items, tuple(boxes), node.line, node.col)


def _box(
    reader: _DefinitionReader, node: YamlNode, question: Question, *, inside_repeat: bool
) -> PaperBox | None:
    """One question's place on the paper: a field name, or a mapping of its boxes."""
    kind = question_type(question)
    what = f"the paper_form box of '{question.id}'"
    if not node.is_map:
        name = _field_name(reader, node, what, inside_repeat)
        return PaperBox(question.id, pdf_field=name, line=node.line, col=node.col) if name else None
    parts, boxes = kind.paper_parts(question), kind.paper_boxes
    allowed = ("field", *parts, *boxes, *kind.paper_settings)
    allowed += ("options",) if kind.has_options else ()
    if not reader.mapping(node, what, allowed):
        return None
    given = [key for key in node.value if key in ("field", "options", *parts, *boxes)]
    if not given:
        reader.at(node, f"{what} names no box. {_shapes(question, parts, boxes)}")
        return None
    if "field" in given and len(given) > 1:
        other = next(key for key in given if key != "field")
        reader.at(node, f"{what} gives field: and {other}:. {_shapes(question, parts, boxes)}")
        return None
    named = {
        key: _field_name(reader, child, f"{what} ({key}:)", inside_repeat)
        for key, child in node.value.items()
        if key in (*parts, *boxes)
    }
    options: dict[str, str | None] = {}
    options_node = node.get("options")
    if options_node is not None:
        values = [option.value for option in question.options]
        if reader.mapping(options_node, f"the options of {what}", values):
            options = {
                value: _field_name(reader, child, f"{what}, option '{value}'", inside_repeat)
                for value, child in options_node.value.items()
            }
    pound_sign = reader.boolean(node.get("pound_sign"), f"pound_sign in {what}", True)
    if None in named.values() or None in options.values():
        return None
    return PaperBox(
        question.id,
        pdf_field=_field_name(reader, node.get("field"), f"{what} (field:)", inside_repeat),
        parts={k: v for k, v in named.items() if v},
        options={k: v for k, v in options.items() if v},
        pound_sign=pound_sign,
        line=node.line,
        col=node.col,
    )


def _shapes(question: Question, parts: tuple[str, ...], boxes: tuple[str, ...]) -> str:
    ways = ["field: <PDF field name>"]
    if parts:
        ways.append("a box for each part (" + ", ".join(f"{p}:" for p in parts) + ")")
    if boxes:
        ways.append("two check boxes (" + ", ".join(f"{b}:" for b in boxes) + ")")
    if question.options:
        ways.append("options: with a check box for each option value")
    return "Give " + ", or ".join(ways) + "."


def _field_name(
    reader: _DefinitionReader, node: YamlNode | None, what: str, inside_repeat: bool
) -> str | None:
    name = reader.string(node, what)
    if name is not None and node is not None and inside_repeat and "{n}" not in name:
        reader.at(
            node,
            f"{what}: '{name}' has no {{n}}, so every item would go in the same box. Write "
            'the item number as {n}, like "Visitor {n} first name".',
        )
        return None
    return name


# -- the PDF ---------------------------------------------------------------------------------


def check_against_pdf(
    reader: _DefinitionReader,
    node: YamlNode,
    paper: PaperForm,
    pages: Iterable[Page],
    folder: Path,
) -> PaperForm:
    """Open the PDF beside the definition, check every box against its fields, and return
    the block with the PDF's bytes and hash (or as it was, with problems reported)."""
    file_node = node.get("file") or node
    path = folder / paper.file
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        reader.at(
            file_node,
            f"The paper_form file '{paper.file}' does not exist (looked for {path}). Put the "
            "PDF there, or correct the path (it is relative to the definitions folder).",
        )
        return paper
    except OSError as error:
        reader.at(file_node, f"The paper_form file '{paper.file}' cannot be read: {error}.")
        return paper
    try:
        fields = {field.name: field for field in acroform.read_fields(data)}
    except acroform.NotAFillablePdf as error:
        reader.at(file_node, f"The paper_form file '{paper.file}': {error}.")
        return paper
    if not fields:
        reader.at(
            file_node,
            f"The paper_form file '{paper.file}' has no form fields to fill. Use a fillable "
            "PDF (one with boxes you can type in).",
        )
        return paper
    top, repeats = _questions(pages)
    for box in paper.boxes:
        _check_box(reader, box, top[box.question], fields, None)
    for repeat in paper.repeats:
        for box in repeat.boxes:
            for item in range(1, repeat.items + 1):
                if not _check_box(reader, box, repeats[repeat.repeat][box.question], fields, item):
                    break  # one message per box, not one per item
    mapped = {box.question for box in paper.boxes}
    mapped |= {box.question for r in paper.repeats for box in r.boxes}
    everything = [*top, *(q for inner in repeats.values() for q in inner)]
    unmapped = [question_id for question_id in everything if question_id not in mapped]
    if unmapped:
        listed = ", ".join(unmapped[:LISTED]) + (
            f" and {len(unmapped) - LISTED} more" if len(unmapped) > LISTED else ""
        )
        reader.warn(
            node.get("fields") or node,
            f"{len(unmapped)} question(s) have no box on the paper form: "
            f"{listed}. Their answers go on a continuation page after it; "
            "name a field for each in the fields of paper_form to put them in a box.",
        )
    sha256 = hashlib.sha256(data).hexdigest()
    return PaperForm(paper.file, paper.boxes, paper.repeats, sha256=sha256, pdf=data)


def _check_box(
    reader: _DefinitionReader,
    box: PaperBox,
    question: Question,
    fields: dict[str, acroform.PdfField],
    item: int | None,
) -> bool:
    """Report each field of the box that is missing or of a kind that cannot hold it."""
    kind = question_type(question)
    ok = True
    for part, name in box.field_names(item):
        field = fields.get(name)
        where = f"The paper_form box of '{box.question}'" + (f" ({part})" if part else "")
        if field is None:
            close = _close_names(name, fields)
            reader.report(
                box.line,
                box.col,
                f"{where}: the PDF has no field '{name}'."
                + (f" Did you mean {close}?" if close else " Check its exact name in the PDF."),
            )
            ok = False
            continue
        problem = _misfit(question, kind, part, field, box)
        if problem:
            reader.report(box.line, box.col, f"{where}: '{name}' is {field.kind_name}; {problem}")
            ok = False
    return ok


def _misfit(question: Question, kind, part: str | None, field, box: PaperBox) -> str | None:
    """Why the field cannot hold this (part of the) answer, or None when it can."""
    ticks = part in kind.paper_boxes or part in box.options
    if field.kind in (acroform.SIGNATURE, acroform.BUTTON):
        return "it cannot be filled in. Map the question to a text field or a check box."
    if ticks:
        return None if field.kind == acroform.CHECKBOX else "a check box is needed here."
    if part is None and field.kind == acroform.CHECKBOX:
        if kind.paper_boxes:  # a yes/no question ticks one box for yes
            return None
        return (
            "only a yes/no question can tick a single box. Use a text field, or options: "
            "with a box for each option."
            if question.options
            else "only a yes/no question can tick a single box. Use a text field."
        )
    if part is None and field.kind in (acroform.RADIO, acroform.CHOICE):
        if not question.options:
            return "only a question with options can choose one of its values."
        exports = field.states if field.kind == acroform.RADIO else field.options
        missing = [o.value for o in question.options if o.value not in exports]
        if missing:
            return (
                f"it has no value for the option(s) {', '.join(missing)} (its values are "
                f"{', '.join(exports) or 'none'}). Give the PDF's buttons the option values."
            )
        return None
    if field.kind != acroform.TEXT:
        return "a text field is needed here."
    return None


def _close_names(name: str, fields: dict[str, acroform.PdfField]) -> str:
    close = difflib.get_close_matches(name, list(fields), n=1, cutoff=0.6)
    return " or ".join(f"'{c}'" for c in close)
