"""The fields of a fillable PDF (its AcroForm), read with pypdf: what each one is and where.

The paper-form tools share this: `import-pdf` drafts a definition from the fields, `check`
compares a definition's `paper_form` mapping with them, and the filler writes answers into
them. No Flask and nothing else of the service here.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

TEXT, CHECKBOX, RADIO, CHOICE, SIGNATURE, BUTTON = (
    "text",
    "checkbox",
    "radio",
    "choice",
    "signature",
    "button",
)
# What the kinds are called in messages to authors.
KIND_NAMES = {
    TEXT: "a text field",
    CHECKBOX: "a check box",
    RADIO: "a radio group",
    CHOICE: "a choice list",
    SIGNATURE: "a signature field",
    BUTTON: "a push button",
}

# Annotation flags (12.5.3): a widget that is never shown or printed.
_HIDDEN = 1 << 1
_NO_VIEW = 1 << 5
# Field flags (PDF 32000-1, 12.7.4): bit positions counted from 1.
_READ_ONLY = 1
_MULTILINE = 1 << 12
_RADIO = 1 << 15
_PUSHBUTTON = 1 << 16
_COMBO = 1 << 17
_FONT = re.compile(r"(/[^\s/]+)\s+([0-9.]+)\s+Tf")


class NotAFillablePdf(ValueError):
    """The bytes are not a PDF pypdf can read (the message says why, in one line)."""


@dataclass(frozen=True)
class PdfField:
    """One terminal field of the form, with its first widget's page and rectangle."""

    name: str  # fully qualified: "parent.child" for fields in a hierarchy
    kind: str  # TEXT, CHECKBOX, RADIO, CHOICE, SIGNATURE or BUTTON
    tooltip: str | None  # /TU, what a screen reader or the author's tool shows
    page: int | None  # 0-based; None when no widget is on a page
    rect: tuple[float, float, float, float] | None  # x0, y0, x1, y1 in points, y up
    multiline: bool = False
    max_length: int | None = None
    # A check box's "on" appearance names, a radio group's export values, in widget order
    # (without the slash: "Yes", "on", "bristol").
    states: tuple[str, ...] = ()
    options: tuple[str, ...] = ()  # a choice field's export values
    option_labels: tuple[str, ...] = ()  # what a choice field shows for each of them
    combo: bool = False  # a drop-down choice rather than a list box
    font_size: float | None = None  # from /DA; 0 means "auto"
    font: str | None = None  # the /DA font's resource name ("/Helv")
    widgets: int = 1
    read_only: bool = False  # the PDF fills it itself (a total, a reference box)
    hidden: bool = False  # its first widget is neither shown nor printed

    @property
    def width(self) -> float:
        return self.rect[2] - self.rect[0] if self.rect else 0.0

    @property
    def height(self) -> float:
        return self.rect[3] - self.rect[1] if self.rect else 0.0

    @property
    def kind_name(self) -> str:
        return KIND_NAMES[self.kind]


def read_fields(data: bytes) -> list[PdfField]:
    """Every terminal field of the PDF's form, in the order of /AcroForm /Fields.

    A PDF without a form has no fields. Raises NotAFillablePdf for bytes that are not a
    PDF, or one that is encrypted.
    """
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise NotAFillablePdf("the PDF is encrypted: save an unprotected copy first")
        root = reader.trailer["/Root"]
        pages = _widget_pages(reader)
        form = root.get("/AcroForm")
        if form is None:
            return []
        form = form.get_object()
        return [
            _field(name, node, inherited, pages)
            for name, node, inherited in _terminals(form.get("/Fields", ArrayObject()))
        ]
    except NotAFillablePdf:
        raise
    except (PdfReadError, KeyError, ValueError, TypeError, AttributeError) as error:
        raise NotAFillablePdf(f"this is not a PDF that can be read ({error})") from None


def _widget_pages(reader: PdfReader) -> dict[int, int]:
    """Object number of each widget annotation -> the 0-based page it is on."""
    found: dict[int, int] = {}
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or ():
            if isinstance(annotation, IndirectObject):
                found.setdefault(annotation.idnum, number)
    return found


def _terminals(
    fields, prefix: str = "", inherited: dict | None = None
) -> Iterator[tuple[str, DictionaryObject, dict]]:
    """(full name, node, inherited attributes) of each terminal field under `fields`."""
    for reference in fields:
        node = reference.get_object()
        attributes = dict(inherited or {})
        for key in ("/FT", "/Ff", "/DA", "/TU", "/MaxLen", "/Opt"):
            if key in node:
                attributes[key] = node[key]
        part = str(node.get("/T", ""))
        name = f"{prefix}.{part}" if prefix and part else (part or prefix)
        kids = [kid.get_object() for kid in node.get("/Kids") or ()]
        child_fields = [kid for kid in node.get("/Kids") or () if "/T" in kid.get_object()]
        if kids and len(child_fields) == len(kids):
            yield from _terminals(node["/Kids"], name, attributes)
        else:
            yield name, node, attributes


def _field(name: str, node: DictionaryObject, inherited: dict, pages: dict[int, int]) -> PdfField:
    flags = int(inherited.get("/Ff", 0))
    kind = {
        "/Tx": TEXT,
        "/Ch": CHOICE,
        "/Sig": SIGNATURE,
    }.get(str(inherited.get("/FT")))
    if str(inherited.get("/FT")) == "/Btn":
        kind = BUTTON if flags & _PUSHBUTTON else RADIO if flags & _RADIO else CHECKBOX
    if kind is None:
        kind = TEXT if "/V" in node else BUTTON
    kids = node.get("/Kids")
    widgets = [kid for kid in kids] if kids else [node.indirect_reference or node]
    page, rect, hidden = None, None, False
    for widget in widgets:
        if isinstance(widget, IndirectObject) and widget.idnum in pages:
            page = pages[widget.idnum]
            raw = widget.get_object().get("/Rect")
            if raw is not None:
                x0, y0, x1, y1 = (float(v) for v in raw)
                rect = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
            hidden = bool(int(widget.get_object().get("/F", 0)) & (_HIDDEN | _NO_VIEW))
            break
    states: list[str] = []
    for widget in widgets:
        appearances = widget.get_object().get("/AP")
        normal = appearances.get_object().get("/N") if appearances else None
        if isinstance(normal, DictionaryObject):
            for state in normal:
                if state != "/Off" and state[1:] not in states:
                    states.append(state[1:])
    raw_options = [
        option.get_object() for option in inherited.get("/Opt") or () if option is not None
    ]
    options = tuple(
        str(option[0] if isinstance(option, ArrayObject) else option) for option in raw_options
    )
    # [export value, text shown] pairs, or one string that is both (12.7.4.4).
    labels = tuple(
        str(option[-1] if isinstance(option, ArrayObject) else option) for option in raw_options
    )
    if kind == CHECKBOX and options and not states:
        states = list(options)
    font = _FONT.search(str(inherited.get("/DA", "")))
    tooltip = inherited.get("/TU")
    max_length = inherited.get("/MaxLen")
    return PdfField(
        name=name,
        kind=kind,
        tooltip=str(tooltip).strip() or None if tooltip is not None else None,
        page=page,
        rect=rect,
        multiline=kind == TEXT and bool(flags & _MULTILINE),
        max_length=int(max_length) if max_length is not None else None,
        states=tuple(states) if kind in (CHECKBOX, RADIO) else (),
        options=options if kind == CHOICE else (),
        option_labels=labels if kind == CHOICE else (),
        combo=kind == CHOICE and bool(flags & _COMBO),
        font_size=float(font.group(2)) if font else None,
        font=font.group(1) if font else None,
        widgets=len(widgets),
        read_only=bool(flags & _READ_ONLY),
        hidden=hidden,
    )


def document_title(data: bytes) -> str | None:
    """The title in the PDF's document information, when it has a real one."""
    try:
        metadata = PdfReader(io.BytesIO(data)).metadata
    except (PdfReadError, KeyError, ValueError, TypeError, AttributeError):
        return None
    title = " ".join(str(metadata.title or "").split()) if metadata else ""
    # Producers fill the entry with a placeholder when the author gave none.
    return title if title and title.lower() not in {"untitled", "unknown", "title"} else None


def fields_by_name(data: bytes) -> dict[str, PdfField]:
    return {field.name: field for field in read_fields(data)}
