"""Fillable PDFs for the import-pdf tests, made by a real producer: reportlab's AcroForm.

`fillable(page, page, ..., title=...)`: each page is a list of `(kind, keywords)` with kind a
method of reportlab's `canvas.acroForm` (textfield, checkbox, radio, choice, listbox), in the
order they are created. `with_fields(pdf, ...)` adds what reportlab cannot make (signature
fields, push buttons, hidden and read-only boxes, hierarchical names) with pypdf.
"""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from reportlab.pdfgen import canvas


def text(name: str, x: float, y: float, w: float = 150, h: float = 20, **more: Any):
    return "textfield", {"name": name, "x": x, "y": y, "width": w, "height": h, **more}


def box(name: str, x: float, y: float, **more: Any):
    return "checkbox", {"name": name, "x": x, "y": y, "size": 12, **more}


def radio(name: str, value: str, x: float, y: float, **more: Any):
    return "radio", {"name": name, "value": value, "x": x, "y": y, "size": 12, **more}


def choice(name: str, options: list, x: float, y: float, **more: Any):
    kind = "listbox" if more.pop("listbox", False) else "choice"
    values = [o[1] if isinstance(o, tuple) else o for o in options]
    first = next(v for v in values if v)  # reportlab cannot start on a blank choice
    return kind, {
        "name": name,
        "options": options,
        "value": first,
        "x": x,
        "y": y,
        "width": 150,
        "height": 20,
        **more,
    }


def fillable(*pages: list[tuple[str, dict]], title: str | None = None) -> bytes:
    out = io.BytesIO()
    drawing = canvas.Canvas(out)
    if title:
        drawing.setTitle(title)
    for fields in pages:
        drawing.drawString(50, 800, "A paper form")
        for kind, keywords in fields:
            getattr(drawing.acroForm, kind)(**keywords)
        drawing.showPage()
    drawing.save()
    return out.getvalue()


def widget(
    name: str | None,
    rect: tuple[float, float, float, float],
    *,
    ft: str | None = "/Tx",
    flags: int = 0,
    annotation_flags: int = 4,
    tooltip: str | None = None,
) -> DictionaryObject:
    """A field that is its own widget (or, without a name, a widget of a parent field)."""
    node = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/Rect"): ArrayObject(FloatObject(v) for v in rect),
            NameObject("/F"): NumberObject(annotation_flags),
        }
    )
    if name is not None:
        node[NameObject("/T")] = TextStringObject(name)
    if ft:
        node[NameObject("/FT")] = NameObject(ft)
    if flags:
        node[NameObject("/Ff")] = NumberObject(flags)
    if tooltip:
        node[NameObject("/TU")] = TextStringObject(tooltip)
    return node


def with_fields(pdf: bytes, *added: tuple[int, DictionaryObject]) -> bytes:
    """The PDF with more fields: (page index, field) each, the field either a widget itself
    or a parent whose /Kids (DictionaryObjects, not yet in the file) are on that page."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    form = writer._root_object["/AcroForm"]
    for page_number, node in added:
        page = writer.pages[page_number]
        reference = writer._add_object(node)
        form["/Fields"].append(reference)
        kids = node.get("/Kids")
        if kids is None:
            page[NameObject("/Annots")].append(reference)
            continue
        references = []
        for kid in kids:
            kid_reference = writer._add_object(kid)
            kid[NameObject("/Parent")] = reference
            references.append(kid_reference)
            if "/Rect" in kid:
                page[NameObject("/Annots")].append(kid_reference)
        node[NameObject("/Kids")] = ArrayObject(references)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
