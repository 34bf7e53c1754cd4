"""Reads a filled, flattened paper form back, box by box, for tests and `make bench`.

A flattened PDF has no fields left to read, so this finds what was drawn where each of the
blank PDF's boxes is: the text written in a text box, and whether a check box or radio
button shows its "on" appearance. It reads the page as any viewer draws it (the content
stream's form XObjects at each box's corner), so a value in the wrong box is found there.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject, StreamObject

from forms_service import acroform


@dataclass
class FilledBoxes:
    """What each box of the paper form shows: texts by field name (text boxes and choice
    lists), ticked buttons."""

    texts: dict[str, str] = field(default_factory=dict)
    ticked: dict[str, set[str]] = field(default_factory=dict)  # field -> states shown on
    pages: int = 0
    fields_left: int = 0  # form fields still in the document (0 when flattened)


def read_filled(filled: bytes, blank: bytes) -> FilledBoxes:
    result = FilledBoxes()
    reader = PdfReader(io.BytesIO(filled))
    blank_reader = PdfReader(io.BytesIO(blank))
    result.pages = len(reader.pages)
    result.fields_left = len(reader.get_fields() or {})
    widgets = _widgets(blank_reader)
    for number, page in enumerate(reader.pages[: len(blank_reader.pages)]):
        xobjects = page["/Resources"].get_object().get("/XObject") or {}
        origin = (0.0, 0.0)
        for operands, operator in page.get_contents().operations:
            if operator == b"cm":
                origin = (float(operands[4]), float(operands[5]))
            elif operator == b"Do" and operands[0] in xobjects:
                found = widgets.get((number, round(origin[0]), round(origin[1])))
                if found is None:
                    continue
                name, kind, on = found
                drawn = xobjects[operands[0]].get_object()
                if kind in (acroform.TEXT, acroform.CHOICE):
                    result.texts[name] = _text(drawn)
                elif kind in (acroform.CHECKBOX, acroform.RADIO):
                    for state, stream in on.items():
                        if stream.get_data() == drawn.get_data():
                            result.ticked.setdefault(name, set()).add(state)
    return result


def _widgets(reader: PdfReader) -> dict[tuple[int, int, int], tuple[str, str, dict]]:
    """(page, x0, y0) -> (field name, kind, {on state: its appearance stream})."""
    kinds = {f.name: f.kind for f in acroform.read_fields(_bytes_of(reader))}
    found = {}
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or ():
            widget = annotation.get_object()
            if widget.get("/Subtype") != "/Widget":
                continue
            name = _name(widget)
            rect = [float(v) for v in widget["/Rect"]]
            on = {}
            normal = (widget.get("/AP") or {}).get("/N")
            normal = normal.get_object() if normal is not None else None
            if isinstance(normal, DictionaryObject) and not isinstance(normal, StreamObject):
                on = {k[1:]: v.get_object() for k, v in normal.items() if k != "/Off"}
            key = (number, round(min(rect[0], rect[2])), round(min(rect[1], rect[3])))
            found[key] = (name, kinds.get(name, acroform.TEXT), on)
    return found


def _bytes_of(reader: PdfReader) -> bytes:
    stream = reader.stream
    stream.seek(0)
    return stream.read()


def _name(widget: DictionaryObject) -> str:
    parts, node = [], widget
    while node is not None:
        if "/T" in node:
            parts.append(str(node["/T"]))
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return ".".join(reversed(parts))


def _text(stream: StreamObject) -> str:
    """The strings a text box's appearance shows, one line per Tj."""
    lines = []
    for operands, operator in ContentStream(stream, None).operations:
        if operator == b"Tj":
            lines.append(_decode(operands[0]))
        elif operator == b"TJ":
            lines.append("".join(_decode(o) for o in operands[0] if not isinstance(o, int | float)))
    return "\n".join(lines)


def _decode(value) -> str:
    raw = value.original_bytes if hasattr(value, "original_bytes") else bytes(value, "latin-1")
    return raw.decode("cp1252", errors="replace")
