"""The fillable PDFs the tests and scripts/make_paper_forms.py build, read back with pypdf as
the importer and the filler read them: every kind of field, its flags, name, tooltip and
place, and the committed paper forms equal to what the script makes now."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from forms_service.testing.fillable_pdf import BOTTOM, MARGIN, PAGE_HEIGHT, FillablePdf

ROOT = Path(__file__).resolve().parents[2]

# Field flags (PDF 32000-1, 12.7.4): bit n is 1 << (n - 1).
REQUIRED = 1 << 1
MULTILINE = 1 << 12
NO_TOGGLE_TO_OFF = 1 << 14
RADIO = 1 << 15
PUSH_BUTTON = 1 << 16
COMBO = 1 << 17


def every_kind() -> FillablePdf:
    pdf = FillablePdf("Every kind of field", form_code="TEST1", organisation="Test department")
    pdf.section("Text")
    pdf.text_field("Visitor 1 first name", "First name", max_length=30, tooltip="First name")
    pdf.text_field("Notes", "Anything else", multiline=True, height=70, required=True)
    pdf.text_field("Fee", "Fee paid", pound_sign=True, width=100, tooltip="Fee amount")
    pdf.date_boxes("Date of birth", day="DOB day", month="DOB month", year="DOB year")
    pdf.section("Boxes and choices")
    pdf.checkbox("Disability", "Tick if you have a disability", tooltip="Disability")
    pdf.checkbox("Consent", "Tick to consent", on_state="on")
    pdf.yes_no_boxes("Do you need an interpreter?", yes="Interpreter yes", no="Interpreter no")
    pdf.checkbox_group(
        "Needs",
        [("Needs wheelchair", "Wheelchair access"), ("Needs hearing loop", "A hearing loop")],
    )
    pdf.radio_group(
        "Visit type",
        "Type of visit",
        [("social", "Social visit"), ("legal", "Legal visit")],
        tooltip="Type of visit",
    )
    pdf.choice("Prison", "Prison", [("bedford", "HMP Bedford"), ("usk", "HMP Usk")])
    pdf.choice(
        "Language", "Language", [("en", "English"), ("cy", "Cymraeg")], list_box=True, width=120
    )
    pdf.page_break()
    pdf.signature("Signature", tooltip="Your signature")
    return pdf


@pytest.fixture(scope="module")
def reader() -> PdfReader:
    return PdfReader(io.BytesIO(every_kind().build()))


def widgets(reader: PdfReader) -> list[tuple[int, str, list[float], dict]]:
    """(page index, field name, rect, widget) in page and /Annots order."""
    found = []
    for index, page in enumerate(reader.pages):
        for ref in page.get("/Annots", []):
            widget = ref.get_object()
            name = widget.get("/T") or widget["/Parent"]["/T"]
            found.append((index, str(name), [float(v) for v in widget["/Rect"]], widget))
    return found


def reading_order(found):
    """Top to bottom, then left to right, page by page (what the importer does)."""
    return sorted(found, key=lambda w: (w[0], -round(w[2][3]), w[2][0]))


def test_text_fields_keep_names_tooltips_flags_and_max_length(reader):
    fields = reader.get_fields()
    first = fields["Visitor 1 first name"]
    assert first["/FT"] == "/Tx"
    assert first["/TU"] == "First name"
    assert not first.get("/Ff", 0) & MULTILINE
    notes = fields["Notes"]
    assert notes["/Ff"] & MULTILINE and notes["/Ff"] & REQUIRED
    by_name = {name: (rect, widget) for _, name, rect, widget in widgets(reader)}
    assert by_name["Visitor 1 first name"][1]["/MaxLen"] == 30
    assert "/MaxLen" not in by_name["Notes"][1]
    rect = by_name["Notes"][0]
    assert rect[3] - rect[1] == 70  # tall
    assert by_name["Fee"][0][2] - by_name["Fee"][0][0] == 100
    assert fields["Fee"]["/TU"] == "Fee amount"


def test_pound_sign_is_printed_just_before_the_money_box(reader):
    page = reader.pages[0]
    pounds = []
    page.extract_text(
        visitor_text=lambda text, cm, tm, *_: pounds.append(tm[4]) if text.strip() == "£" else 0
    )
    fee = next(rect for _, name, rect, _ in widgets(reader) if name == "Fee")
    assert len(pounds) == 1
    assert fee[0] - 14 <= pounds[0] < fee[0]


def test_date_is_three_small_boxes_side_by_side(reader):
    by_name = {name: rect for _, name, rect, _ in widgets(reader)}
    day, month, year = by_name["DOB day"], by_name["DOB month"], by_name["DOB year"]
    assert day[1] == month[1] == year[1]  # one line
    assert day[2] < month[0] and month[2] < year[0]  # left to right
    assert max(r[2] - r[0] for r in (day, month, year)) <= 50  # small
    lengths = {
        name: widget["/MaxLen"]
        for _, name, _, widget in widgets(reader)
        if name in ("DOB day", "DOB month", "DOB year")
    }
    assert lengths == {"DOB day": 2, "DOB month": 2, "DOB year": 4}


def test_check_boxes_one_a_pair_and_a_group_with_their_on_states(reader):
    fields = reader.get_fields()
    for name in ("Disability", "Interpreter yes", "Interpreter no", "Needs wheelchair"):
        field = fields[name]
        assert field["/FT"] == "/Btn"
        assert not field.get("/Ff", 0) & (RADIO | PUSH_BUTTON)
        assert field["/_States_"] == ["/Off", "/Yes"]
        assert field.get("/V", "/Off") == "/Off"  # a blank paper form
    assert fields["Consent"]["/_States_"] == ["/Off", "/on"]
    assert fields["Needs hearing loop"]["/TU"] == "A hearing loop"
    by_name = {name: rect for _, name, rect, _ in widgets(reader)}
    assert by_name["Interpreter yes"][1] == by_name["Interpreter no"][1]
    assert by_name["Interpreter yes"][2] < by_name["Interpreter no"][0]


def test_radio_group_has_its_export_values(reader):
    field = reader.get_fields()["Visit type"]
    assert field["/FT"] == "/Btn"
    assert field["/Ff"] & RADIO and field["/Ff"] & NO_TOGGLE_TO_OFF
    assert field["/TU"] == "Type of visit"
    assert field["/_States_"] == ["/social", "/legal"]
    kids = [w for _, name, _, w in widgets(reader) if name == "Visit type"]
    assert [sorted(k["/AP"]["/N"].keys()) for k in kids] == [
        ["/Off", "/social"],
        ["/Off", "/legal"],
    ]


def test_choice_fields_combo_and_list_with_nothing_chosen(reader):
    fields = reader.get_fields()
    prison, language = fields["Prison"], fields["Language"]
    assert prison["/FT"] == language["/FT"] == "/Ch"
    assert prison["/Ff"] & COMBO
    assert not language.get("/Ff", 0) & COMBO
    assert prison["/_States_"] == [["bedford", "HMP Bedford"], ["usk", "HMP Usk"]]
    assert language["/_States_"] == [["en", "English"], ["cy", "Cymraeg"]]
    for field in (prison, language):
        assert "/V" not in field and "/I" not in field


def test_signature_field_on_its_page_and_in_the_acroform(reader):
    field = reader.get_fields()["Signature"]
    assert field["/FT"] == "/Sig"
    assert field["/TU"] == "Your signature"
    acro_form = reader.trailer["/Root"]["/AcroForm"]
    assert acro_form["/SigFlags"] == 1
    assert "Signature" in [str(ref.get_object()["/T"]) for ref in acro_form["/Fields"]]
    (page, _, rect, widget), *_ = [w for w in widgets(reader) if w[1] == "Signature"]
    assert page == 1  # after the page break
    assert widget["/Subtype"] == "/Widget"
    assert widget["/P"].get_object() == reader.pages[1].get_object()
    assert rect[2] > rect[0] and rect[3] > rect[1]


def test_fields_are_laid_out_in_reading_order(reader):
    found = widgets(reader)
    created = [
        "Visitor 1 first name",
        "Notes",
        "Fee",
        "DOB day",
        "DOB month",
        "DOB year",
        "Disability",
        "Consent",
        "Interpreter yes",
        "Interpreter no",
        "Needs wheelchair",
        "Needs hearing loop",
        "Visit type",
        "Visit type",
        "Prison",
        "Language",
        "Signature",
    ]
    assert [name for _, name, _, _ in reading_order(found)] == created


def test_a_full_page_continues_on_a_new_one_and_nothing_overlaps():
    pdf = FillablePdf("Long form", form_code="LONG1")
    for n in range(1, 41):
        pdf.text_field(f"Line {n}", f"Line {n}")
    reader = PdfReader(io.BytesIO(pdf.build()))
    assert len(reader.pages) >= 3
    found = widgets(reader)
    assert [name for _, name, _, _ in reading_order(found)] == [f"Line {n}" for n in range(1, 41)]
    for page, name, (x0, y0, x1, y1), _ in found:
        assert x0 >= MARGIN and y0 >= BOTTOM and y1 <= PAGE_HEIGHT - MARGIN, name
        for other_page, other, (a0, b0, a1, b1), _ in found:
            if other != name and other_page == page:
                assert x1 <= a0 or a1 <= x0 or y1 <= b0 or b1 <= y0, (name, other)


def test_long_option_texts_wrap_under_each_other_and_refuse_to_run_off_the_line():
    long = "The donor has an income of less than £12,000 a year before tax " * 3
    pdf = FillablePdf("Wrapping")
    pdf.checkbox_group("Which apply?", [("Option one", long), ("Option two", "Short")])
    pdf.radio_group("Income", "Income", [("low", long), ("high", "High")])
    reader = PdfReader(io.BytesIO(pdf.build()))
    rects = {name: rect for _, name, rect, _ in widgets(reader)}
    printed = []  # (text, x, y)
    reader.pages[0].extract_text(
        visitor_text=lambda text, cm, tm, *_: printed.append((text.strip(), tm[4], tm[5]))
    )
    y_of = {text: y for text, _, y in printed}
    first = [(t, y) for t, _, y in printed if y_of["Short"] < y < y_of["Which apply?"] and t]
    assert len(first) == 2 and " ".join(t for t, _ in first) == long.strip()  # all of it
    # the next box comes after the wrapped lines
    assert rects["Option two"][3] < min(y for _, y in first)
    with pytest.raises(ValueError, match="does not fit on the line"):
        pdf = FillablePdf("Too wide")
        pdf.radio_group("Income", "Income", [("low", long), ("high", "High")], horizontal=True)


def test_field_at_places_boxes_exactly_and_out_of_creation_order():
    pdf = FillablePdf("Exact places", numbered=False)
    pdf.field_at("text", "Right", (300, 600, 100, 20))
    pdf.field_at("text", "Left", (100, 600, 100, 20))
    pdf.field_at("checkbox", "Top", (100, 700, 12, 12))
    pdf.field_at("radio", "Pick", (300, 500, 12, 12), value="b")
    pdf.field_at("radio", "Pick", (100, 500, 12, 12), value="a")
    pdf.field_at("combo", "Choose", (100, 400, 150, 20), options=[("x", "X"), ("y", "Y")])
    pdf.field_at("signature", "Sign", (100, 300, 200, 40), tooltip="Sign here")
    reader = PdfReader(io.BytesIO(pdf.build()))
    found = widgets(reader)
    assert [(name, rect) for _, name, rect, _ in found][:3] == [
        ("Right", [300, 600, 400, 620]),
        ("Left", [100, 600, 200, 620]),
        ("Top", [100, 700, 112, 712]),
    ]
    assert [name for _, name, _, _ in reading_order(found)] == [
        "Top",
        "Left",
        "Right",
        "Pick",
        "Pick",
        "Choose",
        "Sign",
    ]
    assert reader.get_fields()["Sign"]["/FT"] == "/Sig"


def test_mistakes_are_refused():
    pdf = FillablePdf("Mistakes")
    pdf.text_field("Name", "Name")
    with pytest.raises(ValueError, match="two fields are called 'Name'"):
        pdf.checkbox("Name", "Name again")
    with pytest.raises(ValueError, match="unknown field kind"):
        pdf.field_at("button", "Press", (100, 100, 20, 20))
    with pytest.raises(ValueError, match="export value"):
        pdf.field_at("radio", "Pick", (100, 100, 12, 12))


def test_output_is_deterministic():
    pdf = every_kind()
    first = pdf.build()
    assert pdf.build() == first
    assert every_kind().build() == first  # and across processes: the committed paper forms


def test_pypdf_fills_the_fields_as_the_filler_will(reader):
    writer = PdfWriter(clone_from=reader)
    writer.set_need_appearances_writer(True)
    values = {
        "Visitor 1 first name": "Zoë (O'Brien) \\ عربي",
        "Consent": "/on",
        "Visit type": "/legal",
        "Prison": "usk",
    }
    writer.update_page_form_field_values(writer.pages[0], values, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    fields = PdfReader(io.BytesIO(out.getvalue())).get_fields()
    assert {name: fields[name]["/V"] for name in values} == values


def _script():
    spec = importlib.util.spec_from_file_location(
        "make_paper_forms", ROOT / "scripts" / "make_paper_forms.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()


@pytest.mark.parametrize("filename", sorted(SCRIPT.PAPER_FORMS))
def test_committed_paper_forms_are_what_the_script_makes(filename):
    committed = (ROOT / "form_definitions" / "paper" / filename).read_bytes()
    assert committed == SCRIPT.PAPER_FORMS[filename](), (
        f"form_definitions/paper/{filename} differs: run scripts/make_paper_forms.py"
    )
    assert len(committed) < 100_000


def test_the_paper_forms_use_every_kind_of_box():
    kinds = set()
    repeated = []
    for filename in SCRIPT.PAPER_FORMS:
        reader = PdfReader(ROOT / "form_definitions" / "paper" / filename)
        fields = reader.get_fields()
        assert 15 <= len(fields) <= 40, filename
        for field in fields.values():
            flags = field.get("/Ff", 0)
            if field["/FT"] == "/Tx":
                kinds.add("multi-line text" if flags & MULTILINE else "text")
            elif field["/FT"] == "/Btn":
                kinds.add("radio group" if flags & RADIO else "check box")
            elif field["/FT"] == "/Ch":
                kinds.add("combo" if flags & COMBO else "list")
            elif field["/FT"] == "/Sig":
                kinds.add("signature")
        names = set(fields)
        # a date in three boxes in each, and blocks repeated for items 1, 2...
        assert any(n.endswith(" day") and n[:-4] + " year" in names for n in names), filename
        repeated += [n for n in names if " 1 " in n and n.replace(" 1 ", " 2 ") in names]
    assert repeated
    assert kinds == {
        "text",
        "multi-line text",
        "check box",
        "radio group",
        "combo",
        "list",
        "signature",
    }
