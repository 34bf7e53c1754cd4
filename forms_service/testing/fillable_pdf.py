"""Fillable paper forms (AcroForm PDFs) made with a real producer, for tests and scripts.

The service reads paper forms (`forms-service import-pdf`) and fills them in from a
submission. Neither can be tested on PDFs written by hand, and the real paper forms are not
available offline, so this builder lays out a plain government paper form with reportlab,
top to bottom on A4, with real AcroForm fields:

    pdf = FillablePdf("Book a prison visit", form_code="PV1")
    pdf.section("About the prisoner")
    pdf.text_field("Prisoner first name", "Prisoner's first name", max_length=30)
    pdf.date_boxes("Prisoner's date of birth", day="DOB day", month="DOB month", year="DOB year")
    pdf.radio_group("Visit time", "Time", [("morning", "Morning"), ("afternoon", "Afternoon")])
    pdf.signature("Signature")
    data = pdf.build()  # the PDF's bytes

Each question gets a printed number and label, and a new page starts when the page is full
(or at `page_break()`). Field names are kept exactly as given, spaces included, as real paper
forms name them ("Visitor 1 first name"). `field_at()` places one field at an exact rectangle,
for tests that need boxes side by side or out of creation order.

reportlab has no signature fields and writes every check box with the on-state `/Yes`: both
are added afterwards with pypdf. The output is deterministic (reportlab's `invariant`), so a
script run twice writes the same bytes.

This module has no Flask and is the only place reportlab is imported.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.colors import Color, black, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 50
BOTTOM = 60  # room for the footer
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
LABEL_INDENT = 22  # the question number sits in this margin
FIELD_X = MARGIN + LABEL_INDENT
FIELD_WIDTH = CONTENT_WIDTH - LABEL_INDENT

BOX_HEIGHT = 20
TICK_SIZE = 12
FONT = "Helvetica"
BOLD = "Helvetica-Bold"
SHADE = Color(0.85, 0.85, 0.85)
GREY = Color(0.35, 0.35, 0.35)
# The widgets of a printed form: white boxes with a thin black border.
_WIDGET_STYLE = {"borderColor": black, "fillColor": white, "borderWidth": 1, "textColor": black}

FIELD_KINDS = ("text", "checkbox", "radio", "combo", "list", "signature")


@dataclass(frozen=True)
class _Signature:
    name: str
    page: int
    rect: tuple[float, float, float, float]
    tooltip: str | None


class FillablePdf:
    """An A4 paper form, laid out top to bottom, with AcroForm fields."""

    def __init__(
        self,
        title: str,
        *,
        form_code: str | None = None,
        organisation: str | None = None,
        instructions: tuple[str, ...] = ("Use black ink and capital letters.",),
        numbered: bool = True,
    ) -> None:
        self.title = title
        self.form_code = form_code
        self.numbered = numbered
        self._buffer = io.BytesIO()
        # invariant=1: no creation date or random document id, so the same calls give the
        # same bytes.
        self.canvas = Canvas(self._buffer, pagesize=A4, invariant=1, pageCompression=1)
        self.canvas.setTitle(title)
        self.canvas.setCreator("forms-service fillable_pdf (reportlab)")
        self.form = self.canvas.acroForm
        self.page = 0  # index of the current page
        self.y = PAGE_HEIGHT - MARGIN  # the top of the free space on the current page
        self._question = 0
        self._section = 0
        self._signatures: list[_Signature] = []
        self._on_states: dict[str, str] = {}
        self._names: set[str] = set()
        self._radio_groups: set[str] = set()
        self._blank_choices: set[str] = set()
        self._built: bytes | None = None
        self._header(organisation, instructions)

    # -- printed text ---------------------------------------------------------------------

    def _header(self, organisation: str | None, instructions: tuple[str, ...]) -> None:
        c = self.canvas
        if self.form_code:
            c.setFont(BOLD, 14)
            width = c.stringWidth(self.form_code, BOLD, 14) + 16
            c.rect(PAGE_WIDTH - MARGIN - width, self.y - 22, width, 24, stroke=1, fill=0)
            c.drawRightString(PAGE_WIDTH - MARGIN - 8, self.y - 15, self.form_code)
        if organisation:
            c.setFont(FONT, 10)
            c.drawString(MARGIN, self.y - 8, organisation)
            self.y -= 16
        lines = simpleSplit(self.title, BOLD, 20, CONTENT_WIDTH - 90)
        c.setFont(BOLD, 20)
        for line in lines:
            self.y -= 24
            c.drawString(MARGIN, self.y, line)
        self.y -= 14
        for text in instructions:
            self.paragraph(text, bold=True)
        self.y -= 4

    def paragraph(self, text: str, *, bold: bool = False, size: float = 10) -> None:
        """Printed text across the page (guidance, not a question)."""
        font = BOLD if bold else FONT
        lines = simpleSplit(text, font, size, CONTENT_WIDTH)
        leading = size * 1.3
        self._need(len(lines) * leading + 4)
        self.canvas.setFont(font, size)
        for line in lines:
            self.y -= leading
            self.canvas.drawString(MARGIN, self.y, line)
        self.y -= 6

    def section(self, title: str) -> str:
        """A shaded bar "Section 1: <title>"; returns the printed heading."""
        self._section += 1
        heading = f"Section {self._section}: {title}"
        self._need(26 + 60)  # never a heading alone at the bottom of a page
        self.y -= 8
        c = self.canvas
        c.setFillColor(SHADE)
        c.rect(MARGIN, self.y - 20, CONTENT_WIDTH, 20, stroke=0, fill=1)
        c.setFillColor(black)
        c.setFont(BOLD, 12)
        c.drawString(MARGIN + 6, self.y - 14, heading)
        self.y -= 30
        return heading

    def _label(self, label: str, extra_height: float) -> None:
        """The question number and label, keeping them on a page with `extra_height` below."""
        lines = simpleSplit(label, BOLD, 10, FIELD_WIDTH)
        self._need(len(lines) * 13 + 4 + extra_height)
        c = self.canvas
        if self.numbered:
            self._question += 1
            c.setFont(BOLD, 10)
            c.drawString(MARGIN, self.y - 13, str(self._question))
        c.setFont(BOLD, 10)
        for line in lines:
            self.y -= 13
            c.drawString(FIELD_X, self.y, line)
        self.y -= 4

    def _caption(self, x: float, text: str) -> None:
        self.canvas.setFont(FONT, 8)
        self.canvas.setFillColor(GREY)
        self.canvas.drawString(x, self.y - 8, text)
        self.canvas.setFillColor(black)

    # -- pages ----------------------------------------------------------------------------

    def _need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.page_break()

    def _footer(self) -> None:
        c = self.canvas
        c.setFont(FONT, 8)
        c.setFillColor(GREY)
        if self.form_code:
            c.drawString(MARGIN, 30, self.form_code)
        c.drawRightString(PAGE_WIDTH - MARGIN, 30, f"Page {self.page + 1}")
        c.setFillColor(black)

    def page_break(self) -> None:
        """End the current page; what follows starts at the top of a new one."""
        self._footer()
        self.canvas.showPage()
        self.page += 1
        self.y = PAGE_HEIGHT - MARGIN

    # -- fields at an exact place ---------------------------------------------------------

    def _claim(self, name: str) -> None:
        if not name:
            raise ValueError("a PDF field needs a name")
        if name in self._names:
            raise ValueError(f"two fields are called {name!r}")
        self._names.add(name)

    def field_at(
        self,
        widget: str,
        name: str,
        rect: tuple[float, float, float, float],
        *,
        tooltip: str | None = None,
        value: str | None = None,
        options: list[tuple[str, str]] | None = None,
        max_length: int | None = None,
        multiline: bool = False,
        required: bool = False,
        on_state: str = "Yes",
    ) -> None:
        """Place one field (widget) on the current page at `rect` = (x, y, width, height),
        in PDF points from the bottom left corner. Nothing is printed around it.

        widget: "text", "checkbox", "radio" (one button of the group `name`, with export
        value `value`; call once per button), "combo" or "list" (`options` as
        (export value, label) pairs) or "signature".
        """
        x, y, width, height = rect
        flags = "required" if required else ""
        if widget == "radio":
            if not value:
                raise ValueError(f"radio button of {name!r} needs an export value")
            if name not in self._radio_groups:
                self._claim(name)
                self._radio_groups.add(name)
            self.form.radio(
                name=name,
                value=value,
                tooltip=tooltip,
                x=x,
                y=y,
                size=min(width, height),
                buttonStyle="circle",
                shape="circle",
                fieldFlags=f"noToggleToOff radio {flags}".strip(),
                **_WIDGET_STYLE,
            )
            return
        self._claim(name)
        if widget == "text":
            if multiline:
                flags = f"{flags} multiline".strip()
            self.form.textfield(
                name=name,
                tooltip=tooltip,
                x=x,
                y=y,
                width=width,
                height=height,
                maxlen=max_length,
                fieldFlags=flags,
                fontSize=10,
                **_WIDGET_STYLE,
            )
        elif widget == "checkbox":
            if on_state != "Yes":
                self._on_states[name] = on_state
            self.form.checkbox(
                name=name,
                tooltip=tooltip,
                x=x,
                y=y,
                size=min(width, height),
                buttonStyle="check",
                fieldFlags=flags,
                **_WIDGET_STYLE,
            )
        elif widget in ("combo", "list"):
            if not options:
                raise ValueError(f"choice field {name!r} needs options")
            # reportlab takes (label, export value) pairs.
            pairs = [(label, export) for export, label in options]
            make = self.form.choice if widget == "combo" else self.form.listbox
            if not value:
                # reportlab cannot write a choice field with nothing chosen: it is written
                # with the first option and emptied afterwards (_post_process).
                self._blank_choices.add(name)
            make(
                name=name,
                tooltip=tooltip,
                x=x,
                y=y,
                width=width,
                height=height,
                options=pairs,
                value=value or options[0][0],
                fieldFlags=f"{flags} combo".strip() if widget == "combo" else flags,
                fontSize=10,
                **_WIDGET_STYLE,
            )
        elif widget == "signature":
            self.canvas.setStrokeColor(black)
            self.canvas.rect(x, y, width, height, stroke=1, fill=0)
            self._signatures.append(_Signature(name, self.page, (x, y, width, height), tooltip))
        else:
            raise ValueError(f"unknown field kind {widget!r}; one of {', '.join(FIELD_KINDS)}")

    # -- questions, laid out top to bottom ------------------------------------------------

    def text_field(
        self,
        name: str,
        label: str,
        *,
        tooltip: str | None = None,
        width: float | None = None,
        max_length: int | None = None,
        multiline: bool = False,
        height: float | None = None,
        pound_sign: bool = False,
        required: bool = False,
    ) -> None:
        """A numbered question with one text box; `multiline` makes a tall box (default 60pt);
        `pound_sign` prints "£" before the box (an amount of money)."""
        height = height or (60 if multiline else BOX_HEIGHT)
        self._label(label, height + 6)
        x = FIELD_X
        if pound_sign:
            self.canvas.setFont(BOLD, 12)
            self.canvas.drawString(x, self.y - height + 6, "£")
            x += 12
        width = width or (FIELD_WIDTH - (x - FIELD_X))
        self.field_at(
            "text",
            name,
            (x, self.y - height, width, height),
            tooltip=tooltip,
            max_length=max_length,
            multiline=multiline,
            required=required,
        )
        self.y -= height + 10

    def date_boxes(
        self,
        label: str,
        *,
        day: str,
        month: str,
        year: str,
        tooltip: str | None = None,
        required: bool = False,
    ) -> None:
        """A date as three small boxes side by side, captioned Day, Month and Year."""
        self._label(label, 10 + BOX_HEIGHT + 6)
        x = FIELD_X
        top = self.y
        for part, name, width, length in (
            ("Day", day, 28, 2),
            ("Month", month, 28, 2),
            ("Year", year, 48, 4),
        ):
            self._caption(x, part)
            self.field_at(
                "text",
                name,
                (x, top - 10 - BOX_HEIGHT, width, BOX_HEIGHT),
                tooltip=f"{tooltip}: {part.lower()}" if tooltip else None,
                max_length=length,
                required=required,
            )
            x += width + 8
        self.y = top - 10 - BOX_HEIGHT - 10

    def checkbox(
        self,
        name: str,
        label: str,
        *,
        tooltip: str | None = None,
        on_state: str = "Yes",
        required: bool = False,
    ) -> None:
        """A numbered question answered by ticking one box (ticked = yes)."""
        self._need(TICK_SIZE + 12)
        if self.numbered:
            self._question += 1
            self.canvas.setFont(BOLD, 10)
            self.canvas.drawString(MARGIN, self.y - 11, str(self._question))
        _, wrapped = self._tick_box(
            name, label, FIELD_X, tooltip=tooltip, on_state=on_state, required=required
        )
        self.y -= TICK_SIZE + 10 + wrapped

    def _tick_box(
        self, name, text, x, *, tooltip=None, on_state="Yes", required=False, wrap=True
    ) -> tuple[float, float]:
        """A check box at x on the current line with its text after it; returns the x after
        them and the height of the lines the text wrapped onto."""
        self.field_at(
            "checkbox",
            name,
            (x, self.y - TICK_SIZE, TICK_SIZE, TICK_SIZE),
            tooltip=tooltip,
            on_state=on_state,
            required=required,
        )
        return self._box_text(x, text, wrap=wrap)

    def _box_text(self, x: float, text: str, *, wrap: bool) -> tuple[float, float]:
        """The text after a box at x (wrapped, or refused when it does not fit on the line):
        returns the x after it and the height of the lines it wrapped onto."""
        left = x + TICK_SIZE + 6
        self.canvas.setFont(FONT, 10)
        lines = simpleSplit(text, FONT, 10, PAGE_WIDTH - MARGIN - left) if wrap else [text]
        right = left + self.canvas.stringWidth(lines[0], FONT, 10)
        if right > PAGE_WIDTH - MARGIN:
            raise ValueError(f"{text!r} does not fit on the line: put the boxes one under another")
        for index, line in enumerate(lines):
            self.canvas.drawString(left, self.y - TICK_SIZE + 2 - 12 * index, line)
        return right + 18, 12 * (len(lines) - 1)

    def yes_no_boxes(
        self, label: str, *, yes: str, no: str, tooltip: str | None = None, on_state: str = "Yes"
    ) -> None:
        """A numbered yes/no question as two check boxes side by side: Yes and No."""
        self._label(label, TICK_SIZE + 10)
        x, _ = self._tick_box(
            yes, "Yes", FIELD_X, tooltip=f"{tooltip}: yes" if tooltip else None, on_state=on_state
        )
        self._tick_box(
            no, "No", x, tooltip=f"{tooltip}: no" if tooltip else None, on_state=on_state
        )
        self.y -= TICK_SIZE + 10

    def checkbox_group(
        self, label: str, options: list[tuple[str, str]], *, tooltips: bool = True
    ) -> None:
        """A numbered "tick all that apply" question: one check box per (field name, text),
        one under the other. Give the names a shared prefix ("Needs wheelchair", "Needs
        hearing loop") as real forms do. With `tooltips` each box's tooltip is its text."""
        self._label(label, TICK_SIZE + 8)
        for name, text in options:
            self._need(TICK_SIZE + 8)
            _, wrapped = self._tick_box(name, text, FIELD_X, tooltip=text if tooltips else None)
            self.y -= TICK_SIZE + 6 + wrapped
        self.y -= 4

    def radio_group(
        self,
        name: str,
        label: str,
        options: list[tuple[str, str]],
        *,
        tooltip: str | None = None,
        horizontal: bool = False,
        required: bool = False,
    ) -> None:
        """A numbered question with one radio button per (export value, text), one under the
        other or, with `horizontal`, side by side."""
        self._label(label, TICK_SIZE + 8)
        x = FIELD_X
        for export, text in options:
            if not horizontal:
                self._need(TICK_SIZE + 8)
            self.field_at(
                "radio",
                name,
                (x, self.y - TICK_SIZE, TICK_SIZE, TICK_SIZE),
                value=export,
                tooltip=tooltip,
                required=required,
            )
            after, wrapped = self._box_text(x, text, wrap=not horizontal)
            if horizontal:
                x = after
            else:
                self.y -= TICK_SIZE + 6 + wrapped
        self.y -= (TICK_SIZE + 10) if horizontal else 4

    def choice(
        self,
        name: str,
        label: str,
        options: list[tuple[str, str]],
        *,
        tooltip: str | None = None,
        list_box: bool = False,
        width: float = 250,
        height: float | None = None,
        required: bool = False,
    ) -> None:
        """A numbered question with a drop-down (combo) or, with `list_box`, a list box of
        (export value, label) options."""
        height = height or ((min(len(options), 6) * 13 + 4) if list_box else BOX_HEIGHT)
        self._label(label, height + 6)
        self.field_at(
            "list" if list_box else "combo",
            name,
            (FIELD_X, self.y - height, width, height),
            tooltip=tooltip,
            options=options,
            required=required,
        )
        self.y -= height + 10

    def signature(
        self,
        name: str,
        label: str = "Signature",
        *,
        tooltip: str | None = None,
        width: float = 260,
        height: float = 40,
    ) -> None:
        """A numbered signature box: a signature field (/FT /Sig), drawn as a printed box."""
        self._label(label, height + 6)
        self.field_at("signature", name, (FIELD_X, self.y - height, width, height), tooltip=tooltip)
        self.y -= height + 10

    def declaration(
        self,
        text: str,
        *,
        title: str = "Declaration",
        name: str = "Signature",
        label: str = "Your signature",
        tooltip: str | None = None,
    ) -> None:
        """The end of a paper form: a section with the declaration's words, a signature
        box and a "Date signed" box."""
        self.section(title)
        self.paragraph(text)
        self.signature(name, label, tooltip=tooltip)
        self.text_field("Date signed", "Date (DD/MM/YYYY)", width=90, max_length=10)

    # -- the document ---------------------------------------------------------------------

    def build(self) -> bytes:
        """Finish the document and return its bytes (the same bytes on every call)."""
        if self._built is None:
            self._footer()
            self.canvas.showPage()
            self.canvas.save()
            data = self._buffer.getvalue()
            if self._signatures or self._on_states or self._blank_choices:
                data = _post_process(data, self._signatures, self._on_states, self._blank_choices)
            self._built = data
        return self._built


def _post_process(
    data: bytes,
    signatures: list[_Signature],
    on_states: dict[str, str],
    blank_choices: set[str],
) -> bytes:
    """What reportlab cannot write: signature fields, check box on-states other than /Yes and
    choice fields with nothing chosen."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    acro_form = writer._root_object["/AcroForm"]
    fields = acro_form["/Fields"]

    for ref in list(fields):
        widget = ref.get_object()
        name = str(widget.get("/T"))
        if name in blank_choices:
            for key in ("/V", "/DV", "/I"):
                widget.pop(key, None)
            # Keep the box (background and border); drop the chosen option's text.
            chosen = widget["/AP"]["/N"].get_object()
            blank = DecodedStreamObject()
            for key, val in chosen.items():
                if key not in ("/Filter", "/Length", "/DecodeParms"):
                    blank[NameObject(key)] = val
            blank.set_data(chosen.get_data().split(b"/Tx BMC")[0] + b"/Tx BMC\nEMC\n")
            widget["/AP"][NameObject("/N")] = writer._add_object(blank)
        on_state = on_states.get(name)
        if on_state is None:
            continue
        for key in ("/N", "/D"):
            states = widget["/AP"].get(key)
            if states is None:
                continue
            states = states.get_object()
            states[NameObject("/" + on_state)] = states.pop("/Yes")

    for sig in signatures:
        x, y, width, height = sig.rect
        page = writer.pages[sig.page]
        appearance = DecodedStreamObject()
        appearance.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0)])
                + ArrayObject([FloatObject(width), FloatObject(height)]),
            }
        )
        widget = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/FT"): NameObject("/Sig"),
                NameObject("/T"): TextStringObject(sig.name),
                NameObject("/F"): NumberObject(4),  # print
                NameObject("/Rect"): ArrayObject(
                    FloatObject(v) for v in (x, y, x + width, y + height)
                ),
                NameObject("/P"): page.indirect_reference,
                NameObject("/AP"): DictionaryObject(
                    {NameObject("/N"): writer._add_object(appearance)}
                ),
            }
        )
        if sig.tooltip:
            widget[NameObject("/TU")] = TextStringObject(sig.tooltip)
        ref = writer._add_object(widget)
        if "/Annots" not in page:
            page[NameObject("/Annots")] = ArrayObject()
        page["/Annots"].get_object().append(ref)
        fields.append(ref)
    if signatures:
        acro_form[NameObject("/SigFlags")] = NumberObject(1)  # signatures exist

    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
