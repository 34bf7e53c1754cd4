"""A stored submission filled into the paper form it replaces, for caseworkers who know
where box 12 is.

Everything comes from what was stored: the snapshot's `paper_form` mapping and the blank
PDF it names by hash (never the live YAML or the file in the folder). The answers are
written as the boxes want them (dates as 05/03/2024 or in day, month and year boxes, money
with or without the £), then every box is drawn into the page and the form fields removed
(flattened), so the result prints and reads the same everywhere and cannot be edited by
accident. An answer the paper has no room for goes on a continuation sheet appended in the
style of the service's own PDF: repeat items beyond the paper's boxes, answers with no box,
text too long for its box, and text the paper form's font cannot draw (Arabic, Chinese...),
with "See continuation sheet" in the box. No Flask here.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from forms_service import acroform
from forms_service.definitions.loader import load_snapshot
from forms_service.definitions.model import Form, PaperBox, Question
from forms_service.question_types import question_type
from forms_service.question_types.base import Display
from forms_service.rendition import StoredSubmission

# Changes whenever what the filler writes changes: cached fillings are then made again.
PAPER_FILLER_VERSION = "paper-1"

# Sizes a box's text may shrink to before it goes on the continuation sheet instead.
SMALLEST_LINE = 6.0  # points, one-line boxes
SMALLEST_PARAGRAPH = 7.0  # points, multi-line boxes
# Helvetica's widest common letters are 0.72 em (capitals); most text averages well under
# 0.6. Erring wide sends a borderline answer to the continuation sheet rather than clip it.
CHARACTER_WIDTH = 0.6
LEADING = 1.2
PADDING = 4.0  # points inside a box's border


class NoPaperForm(LookupError):
    """The submission's snapshot names no paper form to fill."""


@dataclass
class Filling:
    """What goes in each PDF field, and which answers the continuation sheet carries."""

    form: Form
    fields: dict[str, acroform.PdfField]
    display: Display
    see_continuation: str
    values: dict[str, str] = field(default_factory=dict)
    font_sizes: dict[str, float] = field(default_factory=dict)  # 0: fit the box
    continued: set[tuple[str, int | None]] = field(default_factory=set)

    def place(self, box: PaperBox, question: Question, value: Any, item: int | None) -> None:
        kind = question_type(question)
        ticks = kind.paper_ticks(question, value)
        for part, name in box.field_names(item):
            pdf_field = self.fields.get(name)
            if pdf_field is None:  # the snapshot's hash pins the PDF: only a bad upload
                self.continued.add((question.id, item))
            elif pdf_field.kind == acroform.CHECKBOX:
                ticked = part in ticks or (part is None and "yes_box" in ticks)
                self.values[name] = _on_state(pdf_field) if ticked else "/Off"
            elif part is None and pdf_field.kind == acroform.RADIO:
                self.values[name] = f"/{value}" if str(value) in pdf_field.states else "/Off"
            elif part is None and pdf_field.kind == acroform.CHOICE:
                self.values[name] = str(value)
            elif pdf_field.kind == acroform.TEXT:
                self.write(pdf_field, self.texts(question, value, part, pdf_field, box))
                if self.values[name] == self.see_continuation:
                    self.continued.add((question.id, item))

    def texts(
        self, question: Question, value: Any, part: str | None, box: acroform.PdfField, paper
    ) -> list[str]:
        """The ways to write the answer in the box, best first: an answer of several lines
        (an address) in a multi-line box keeps its lines, or runs on with commas where
        they would not all fit."""
        kind = question_type(question)
        if part is not None:
            text = kind.paper_part(question, value, part)
            if part == "year" and box.max_length == 2:
                return [text[-2:]]  # a two-digit year box
            return [text]
        lines = kind.paper_lines(question, value, self.display, pound_sign=paper.pound_sign)
        return ["\n".join(lines), ", ".join(lines)] if box.multiline else [", ".join(lines)]

    def write(self, box: acroform.PdfField, texts: list[str]) -> None:
        """The first way that fits the box, else "See continuation sheet"."""
        for text in texts:
            size = _size_that_fits(text, box)
            if size is not None:
                break
        else:
            text = self.see_continuation
            size = _size_that_fits(text, box) or SMALLEST_LINE
        self.values[box.name] = text
        self.font_sizes[box.name] = size


def fill_paper_form(
    submission: StoredSubmission,
    blank_pdf: bytes,
    *,
    static_folder: Path,
    service_name: str,
    gettext: Callable[[str], str],
    language: str,
) -> bytes:
    """The submission on its paper form, flattened, with a continuation sheet if needed."""
    form = load_snapshot(submission.definition)
    paper = form.paper_form
    if paper is None:
        raise NoPaperForm(submission.reference)
    if language not in form.languages:
        language = form.default_language
    filling = Filling(
        form=form,
        fields=acroform.fields_by_name(blank_pdf),
        display=Display(language, lambda text: text.pick(language), gettext),
        see_continuation=gettext("See continuation sheet"),
    )
    answers = submission.answers or {}
    repeats = {page.id: page for page in form.pages if page.is_repeat}
    for question_id, value in answers.items():
        if question_id in repeats:
            _place_items(filling, paper.repeat(question_id), value or [])
            continue
        question, box = form.question(question_id), paper.box(question_id)
        if question is None or not _answered(value):
            continue
        if box is None:
            filling.continued.add((question_id, None))
        else:
            filling.place(box, question, value, None)
    document = _filled(blank_pdf, filling)
    if filling.continued:
        from forms_service.pdf import render_continuation_pdf  # WeasyPrint: on first use

        sheet = render_continuation_pdf(
            submission,
            lambda question_id, item: (question_id, item) in filling.continued,
            static_folder=static_folder,
            service_name=service_name,
            gettext=gettext,
            language=language,
        )
        document.append(PdfReader(io.BytesIO(sheet)))
    title = gettext("%(form)s: %(reference)s on the paper form") % {
        "form": form.title.pick(language),
        "reference": submission.reference,
    }
    document.add_metadata({"/Title": title, "/Producer": service_name})
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def _place_items(filling: Filling, boxes, items: Iterable[Any]) -> None:
    """Each repeat item in its numbered boxes; items beyond them, and answers with no box,
    on the continuation sheet."""
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            continue
        for question_id, value in item.items():
            question = filling.form.question(question_id)
            if question is None or not _answered(value):
                continue
            box = boxes.box(question_id) if boxes is not None else None
            if box is None or number > boxes.items:
                filling.continued.add((question_id, number))
            else:
                filling.place(box, question, value, number)


def _answered(value: Any) -> bool:
    return value not in (None, "", [], {})


def _on_state(box: acroform.PdfField) -> str:
    return f"/{box.states[0]}" if box.states else "/Yes"


def _size_that_fits(text: str, box: acroform.PdfField) -> float | None:
    """The font size to write `text` in the box at (0: let the PDF fit a multi-line box),
    or None when it cannot be drawn there: too long, or characters the box's font (a
    standard PDF font, Windows-1252) does not have."""
    if not text:
        return box.font_size or 0.0
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return None
    if box.max_length and len(text) > box.max_length:
        return None
    width, height = box.width - PADDING, box.height - PADDING / 2
    if box.multiline:
        per_line = max(1, int(width / (CHARACTER_WIDTH * SMALLEST_PARAGRAPH)))
        lines = sum(max(1, math.ceil(len(paragraph) / per_line)) for paragraph in text.split("\n"))
        return 0.0 if lines * SMALLEST_PARAGRAPH * LEADING <= height else None
    wanted = box.font_size or min(12.0, height / LEADING)
    needed = len(text) * CHARACTER_WIDTH
    fitting = min(wanted, width / needed if needed else wanted)
    return round(fitting, 1) if fitting >= SMALLEST_LINE else None


def _filled(blank_pdf: bytes, filling: Filling) -> PdfWriter:
    """The blank PDF with every field's value drawn into its page and the fields removed."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank_pdf)))
    for page in writer.pages:
        names = _field_names_on(page)
        values: dict[str, Any] = {}
        shown = _choices_shown_as_labels(page)
        for name in names:
            box = filling.fields.get(name)
            if box is None or box.kind in (acroform.SIGNATURE, acroform.BUTTON):
                continue
            value = filling.values.get(name, "/Off" if box.kind in _BUTTONS else "")
            if box.kind == acroform.CHOICE:
                value = shown.get(name, {}).get(value, value)
            if box.kind == acroform.TEXT and box.font:
                value = (value, box.font, filling.font_sizes.get(name, box.font_size or 0))
            values[name] = value
        if values:
            writer.update_page_form_field_values(page, values, auto_regenerate=False)
        _draw_widgets(writer, page)
    if "/AcroForm" in writer._root_object:
        del writer._root_object["/AcroForm"]
    return writer


_BUTTONS = (acroform.CHECKBOX, acroform.RADIO)


def _choices_shown_as_labels(page) -> dict[str, dict[str, str]]:
    """Each choice field's options as the paper shows them, by export value.

    A choice option may be an [export value, text shown] pair; the page must show the
    text ("HMP Cardiff", not "cardiff"). The field's options become the texts shown (the
    fields are removed once drawn, so no reader ever sees the export values again)."""
    found: dict[str, dict[str, str]] = {}
    for annotation in page.get("/Annots") or ():
        widget = annotation.get_object()
        holder = widget if "/Opt" in widget else widget.get("/Parent")
        holder = holder.get_object() if holder is not None else None
        if holder is None or "/Opt" not in holder:
            continue
        labels = {}
        for option in holder["/Opt"]:
            pair = option.get_object()
            if isinstance(pair, ArrayObject) and len(pair) == 2:
                labels[str(pair[0])] = str(pair[1])
            else:
                labels[str(pair)] = str(pair)
        holder[NameObject("/Opt")] = ArrayObject(TextStringObject(t) for t in labels.values())
        found[_qualified_name(widget)] = labels
    return found


def _field_names_on(page) -> list[str]:
    names = []
    for annotation in page.get("/Annots") or ():
        widget = annotation.get_object()
        if widget.get("/Subtype") != "/Widget":
            continue
        names.append(_qualified_name(widget))
    return names


def _qualified_name(widget: DictionaryObject) -> str:
    parts = []
    node = widget
    while node is not None:
        if "/T" in node:
            parts.append(str(node["/T"]))
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return ".".join(reversed(parts))


def _draw_widgets(writer: PdfWriter, page) -> None:
    """Draw each widget's current appearance into the page's content, then remove the
    widgets: the page looks as filled in and holds no form fields."""
    annotations = page.get("/Annots")
    if not annotations:
        return
    resources = page["/Resources"].get_object()
    if "/XObject" not in resources:
        resources[NameObject("/XObject")] = DictionaryObject()
    xobjects = resources["/XObject"].get_object()
    content = page.get_contents()  # a stream, not its truth: an empty dict is falsy
    if content is None:
        content = ContentStream(ArrayObject(), writer)
    kept = ArrayObject()
    for number, reference in enumerate(annotations):
        widget = reference.get_object()
        if widget.get("/Subtype") != "/Widget":
            kept.append(reference)
            continue
        appearance = _appearance(widget)
        rect = widget.get("/Rect")
        if appearance is None or rect is None or int(widget.get("/F", 0)) & 2:  # hidden
            continue
        name = NameObject(f"/PaperBox{number}")
        xobjects[name] = appearance
        x0, y0 = min(float(rect[0]), float(rect[2])), min(float(rect[1]), float(rect[3]))
        content.operations.extend(
            [
                ([], b"q"),
                (
                    [
                        NumberObject(1),
                        NumberObject(0),
                        NumberObject(0),
                        NumberObject(1),
                        _number(x0),
                        _number(y0),
                    ],
                    b"cm",
                ),  # fmt: skip
                ([name], b"Do"),
                ([], b"Q"),
            ]
        )
    page.replace_contents(content)
    if kept:
        page[NameObject("/Annots")] = kept
    else:
        del page["/Annots"]


def _appearance(widget: DictionaryObject) -> IndirectObject | None:
    """The widget's normal appearance as it stands (a button's in its current state)."""
    appearances = widget.get("/AP")
    if appearances is None:
        return None
    normal = appearances.get_object().get("/N")
    if normal is None:
        return None
    raw = normal
    resolved = normal.get_object()
    if isinstance(resolved, DictionaryObject) and not isinstance(resolved, StreamObject):
        state = widget.get("/AS", NameObject("/Off"))
        raw = resolved.raw_get(state) if state in resolved else None
        if raw is None:
            return None
    return raw if isinstance(raw, IndirectObject) else None


def _number(value: float) -> FloatObject:
    return FloatObject(round(value, 3))
