"""Drafting a definition from a fillable PDF: each kind of field, each heuristic, and names
that would break YAML or the loader. Every draft must load (paper_form checked against the
PDF beside it) with no problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pypdf.generic import ArrayObject, NameObject

from forms_service.acroform import NotAFillablePdf
from forms_service.definitions.loader import load_definitions
from forms_service.definitions.model import Form
from forms_service.paper.importer import NothingToImport, draft_definition
from tests.import_pdfs import box, choice, fillable, radio, text, widget, with_fields

PUSH_BUTTON = 1 << 16


def draft(pdf: bytes, name: str = "paper.pdf"):
    return draft_definition(pdf, name=name, paper_file=name)


def loaded(tmp_path: Path, pdf: bytes, name: str = "paper.pdf") -> tuple[Form, dict]:
    """The draft written beside its PDF and loaded as `check` loads it: no problem allowed,
    and the few warnings are only the retention advice. The form and the YAML as data."""
    result = draft(pdf, name)
    (tmp_path / name).write_bytes(pdf)
    path = tmp_path / "draft.yaml"
    path.write_text(result.yaml, encoding="utf-8")
    warnings: list = []
    forms, problems = load_definitions([path], warnings)
    assert problems == [], "\n".join(map(str, problems)) + "\n" + result.yaml
    assert all("how long to keep" in str(w) for w in warnings), "\n".join(map(str, warnings))
    (form,) = forms.values()
    return form, yaml.safe_load(result.yaml)


def questions(form: Form) -> dict:
    return {q.id: q for page in form.pages for q, _, _ in page.all_questions()}


def test_text_fields_get_their_type_from_the_name_or_tooltip(tmp_path):
    pdf = fillable(
        [
            text("Full name", 50, 760, tooltip="Your full name"),
            text("Date of birth", 50, 730),
            text("Fee paid", 50, 700),
            text("Contact", 50, 670, tooltip="Email address"),
            text("Mobile", 50, 640),
            text("Post code", 50, 610),
            text("NI number", 50, 580),
            text("About you", 50, 450, w=300, h=100),  # tall: several lines
            text("Remarks", 50, 400, w=300, h=30, fieldFlags="multiline"),
        ]
    )
    form, data = loaded(tmp_path, pdf)
    types = {qid: q.type for qid, q in questions(form).items()}
    assert types == {
        "full_name": "text",
        "date_of_birth": "date",
        "fee_paid": "money",
        "contact": "email",
        "mobile": "phone",
        "post_code": "postcode",
        "ni_number": "national_insurance_number",
        "about_you": "textarea",
        "remarks": "textarea",
    }
    assert questions(form)["full_name"].label.pick("en") == "Your full name"  # the tooltip
    assert questions(form)["date_of_birth"].label.pick("en") == "Date of birth"
    assert data["paper_form"]["fields"]["contact"] == "Contact"
    assert data["paper_form"]["file"] == "paper.pdf"


def test_max_len_becomes_max_length_only_when_it_is_a_real_limit(tmp_path):
    pdf = fillable(
        [
            text("Reference", 50, 700, maxlen=12),
            text("Story", 50, 500, w=300, h=100, maxlen=10000),
            text("Town", 50, 400, maxlen=0),
        ]
    )
    form, _ = loaded(tmp_path, pdf)
    found = questions(form)
    assert found["reference"].setting("max_length") == 12
    assert found["story"].setting("max_length") is None  # above textarea's 5000
    assert found["town"].setting("max_length") is None


def test_three_boxes_day_month_year_become_one_date(tmp_path):
    pdf = fillable(
        [
            text("Prisoner name", 50, 750),
            text("DOB year", 170, 700, w=50),
            text("DOB day", 50, 700, w=30),
            text("DOB month", 100, 700, w=30),
            text("Visit.dd", 50, 650, w=30),
            text("Visit.mm", 100, 650, w=30),
            text("Visit.yyyy", 170, 650, w=50),
        ]
    )
    form, data = loaded(tmp_path, pdf)
    found = questions(form)
    assert [q.type for q in found.values()] == ["text", "date", "date"]
    assert data["paper_form"]["fields"]["dob"] == {
        "day": "DOB day",
        "month": "DOB month",
        "year": "DOB year",
    }
    assert data["paper_form"]["fields"]["visit"] == {
        "day": "Visit.dd",
        "month": "Visit.mm",
        "year": "Visit.yyyy",
    }
    assert found["dob"].label.pick("en") == "DOB"


def test_check_boxes_a_lone_box_is_yes_no_boxes_sharing_a_prefix_one_checkboxes(tmp_path):
    pdf = fillable(
        [
            box("Disability", 50, 750, tooltip="Do you have a disability?"),
            box("Needs wheelchair", 50, 700, tooltip="Wheelchair access"),
            box("Needs hearing loop", 50, 680),
            box("Needs large print", 50, 660),
            box("Interpreter yes", 50, 600),
            box("Interpreter no", 100, 600),
        ]
    )
    form, data = loaded(tmp_path, pdf)
    found = questions(form)
    assert found["disability"].type == "yes_no"
    assert found["disability"].label.pick("en") == "Do you have a disability?"
    needs = found["needs"]
    assert needs.type == "checkboxes"
    assert [(o.value, o.label.pick("en")) for o in needs.options] == [
        ("wheelchair", "Wheelchair access"),
        ("hearing_loop", "Hearing loop"),
        ("large_print", "Large print"),
    ]
    fields = data["paper_form"]["fields"]
    assert fields["needs"] == {
        "options": {
            "wheelchair": "Needs wheelchair",
            "hearing_loop": "Needs hearing loop",
            "large_print": "Needs large print",
        }
    }
    assert found["interpreter"].type == "yes_no"
    assert fields["interpreter"] == {"yes_box": "Interpreter yes", "no_box": "Interpreter no"}
    assert fields["disability"] == "Disability"


def test_radio_groups_keep_their_export_values_as_option_values(tmp_path):
    pdf = fillable(
        [
            radio("Visit type", "social_visit", 50, 700, selected=True),
            radio("Visit type", "legalVisit", 150, 700),
            radio("Visit type", "Choice3", 250, 700),
        ]
    )
    form, data = loaded(tmp_path, pdf)
    visit = questions(form)["visit_type"]
    assert visit.type == "radios"
    assert [(o.value, o.label.pick("en")) for o in visit.options] == [
        ("social_visit", "Social visit"),
        ("legalVisit", "Legal visit"),
        ("Choice3", "Choice 3"),
    ]
    assert data["paper_form"]["fields"]["visit_type"] == "Visit type"


def test_choice_lists_become_radios_when_short_and_a_select_when_long(tmp_path):
    prisons = [(f"HMP Prison {n}", f"prison_{n}") for n in range(1, 11)]
    pdf = fillable(
        [
            choice("Title", ["", "Mr", "Ms", "Mx"], 50, 700),
            choice("Prison", prisons, 50, 650, listbox=True),
        ]
    )
    form, _ = loaded(tmp_path, pdf)
    found = questions(form)
    assert found["title"].type == "radios"
    assert [o.value for o in found["title"].options] == ["Mr", "Ms", "Mx"]  # no blank choice
    assert found["prison"].type == "select"
    assert found["prison"].options[0].label.pick("en") == "HMP Prison 1"  # its shown text


def test_a_signature_becomes_the_declaration_not_a_question(tmp_path):
    pdf = with_fields(
        fillable([text("Name", 50, 700)]),
        (0, widget("Signature", (50, 100, 250, 140), ft="/Sig")),
    )
    form, data = loaded(tmp_path, pdf)
    assert list(questions(form)) == ["name"]
    assert form.declaration is not None
    assert "signature" not in data["paper_form"]["fields"]
    assert draft(pdf).declaration


def test_reading_order_is_rows_top_to_bottom_then_left_to_right(tmp_path):
    pdf = fillable(
        [
            text("Town", 50, 600),  # made first, read last
            text("Last name", 300, 705),  # beside first name, a little higher
            text("First name", 50, 700),
            text("Phone", 300, 652),
            text("Email", 50, 650),
        ]
    )
    form, _ = loaded(tmp_path, pdf)
    assert list(questions(form)) == ["first_name", "last_name", "email", "phone", "town"]


def test_pages_follow_the_paper_and_long_ones_are_split_evenly(tmp_path):
    first = [text(f"Box {n}", 50, 780 - 40 * n) for n in range(1, 13)]  # twelve on page 1
    pdf = fillable(first, [text("Only one", 50, 700)])
    form, _ = loaded(tmp_path, pdf)
    sizes = [(page.id, len(page.questions)) for page in form.pages]
    assert sizes == [
        ("page-1-part-1", 4),
        ("page-1-part-2", 4),
        ("page-1-part-3", 4),
        ("page-2", 1),
    ]
    assert [q.id for q in form.pages[0].questions] == ["box_1", "box_2", "box_3", "box_4"]
    assert form.pages[0].title.pick("en").startswith("Page 1 of the paper form")


def test_numbered_boxes_for_several_items_become_one_repeat(tmp_path):
    visitors = []
    for n, y in ((1, 600), (2, 550), (3, 500)):
        visitors += [
            text(f"Visitor {n} first name", 50, y),
            text(f"Visitor {n} DOB day", 250, y, w=30),
            text(f"Visitor {n} DOB month", 290, y, w=30),
            text(f"Visitor {n} DOB year", 330, y, w=50),
        ]
    pdf = fillable(
        [
            text("Your name", 50, 700),
            text("Address line 1", 50, 670),  # numbered lines of one answer, not items
            text("Address line 2", 50, 640),
            *visitors,
            box("Agree", 50, 400),
        ]
    )
    form, data = loaded(tmp_path, pdf)
    assert [page.id for page in form.pages] == ["page-1", "visitors", "page-1-2"]
    repeat = form.pages[1]
    assert repeat.is_repeat and repeat.max_items == 3
    assert repeat.item_name.pick("en") == "visitor"
    inner = [q.id for page in repeat.pages for q in page.questions]
    assert inner == ["visitor_first_name", "visitor_dob"]
    assert [q.id for q in form.pages[0].questions] == [
        "your_name",
        "address_line_1",
        "address_line_2",
    ]
    assert data["paper_form"]["fields"]["visitors"] == {
        "repeat": 3,
        "fields": {
            "visitor_first_name": "Visitor {n} first name",
            "visitor_dob": {
                "day": "Visitor {n} DOB day",
                "month": "Visitor {n} DOB month",
                "year": "Visitor {n} DOB year",
            },
        },
    }
    result = draft(pdf)
    assert '# from PDF field "Visitor 1 first name": a text box' in result.yaml
    assert result.skipped == []
    assert "visitors: the boxes for Visitor 1 to 3 became one repeat" in "\n".join(
        result.summary("paper.pdf")
    )


def test_a_repeat_is_named_by_the_plural_of_its_word(tmp_path):
    pdf = fillable(
        [
            text(f"{word}{n}{part}", 50 + 200 * n, y)
            for word, y in (("Child", 700), ("Witness", 600), ("Party", 500))
            for n in (1, 2)
            for part in ("Name", "Age")
        ]
    )
    form, _ = loaded(tmp_path, pdf)
    assert [page.id for page in form.pages] == ["children", "witnesses", "parties"]
    assert [q.id for q in form.pages[0].pages[0].questions] == ["child_name", "child_age"]


def test_ids_are_unique_and_valid_whatever_the_names(tmp_path):
    parents = []
    for parent_name, y in (("applicant", 700), ("partner", 650)):
        parent = widget(parent_name, (0, 0, 0, 0))
        del parent["/Rect"], parent["/Type"], parent["/Subtype"]
        parent[NameObject("/Kids")] = ArrayObject([widget("Name", (50, y, 200, y + 20), ft=None)])
        parents.append((0, parent))
    pdf = with_fields(
        fillable(
            [
                text("1st line", 50, 600),
                text("and", 50, 570),  # a word of the condition language
                text("declaration", 50, 540),  # a field name the service uses
                text("Имя", 50, 510),  # nothing Latin to make an id from
                text("Ünïcödé näme", 50, 480),
            ]
        ),
        *parents,
    )
    form, data = loaded(tmp_path, pdf)
    ids = list(questions(form))
    assert ids == [
        "name",
        "name_2",
        "field_1st_line",
        "and_answer",
        "declaration_answer",
        "question_6",
        "unicode_name",
    ]
    assert data["paper_form"]["fields"]["name_2"] == "partner.Name"
    assert questions(form)["question_6"].label.pick("en") == "Имя"


def test_names_yaml_reads_as_booleans_and_livecycle_names(tmp_path):
    pdf = fillable(
        [
            text("form1[0].Page1[0].DateOfBirth[0]", 50, 700),
            box("form1[0].Page1[0].Yes[0]", 50, 650),
            box("no", 50, 600),
            radio("on", "no", 50, 550, selected=True),
            radio("on", "yes", 100, 550),
        ]
    )
    form, data = loaded(tmp_path, pdf)
    found = questions(form)
    assert list(found) == ["date_of_birth", "yes_answer", "no_answer", "on_answer"]
    assert found["date_of_birth"].label.pick("en") == "Date of birth"  # sentence case
    assert [o.value for o in found["on_answer"].options] == ["no", "yes"]  # still text
    assert data["paper_form"]["fields"]["yes_answer"] == "form1[0].Page1[0].Yes[0]"


def test_hostile_names_and_tooltips_survive_as_yaml_and_as_labels(tmp_path):
    hostile = 'He said "no": #1 {name} \\ back'
    pdf = fillable(
        [
            text(hostile, 50, 700, tooltip=""),
            text("Colon: value # not a comment", 50, 650, tooltip="Line one\nline two\u2028three"),
            box("Tick #1", 50, 600, tooltip="'single' quotes & <b>tags</b> {name}"),
            radio("Choice: one", 'a"b', 50, 550, selected=True),
            radio("Choice: one", "x#y", 100, 550),
        ],
        title="Apply: now # quickly {today}",
    )
    form, data = loaded(tmp_path, pdf, "my form (v2).pdf")
    assert form.id == "my-form-v2"
    assert form.title.pick("en") == "Apply: now # quickly (today)"
    found = list(questions(form).values())
    assert found[0].label.pick("en") == "He said no 1 name back"  # its words
    assert found[1].label.pick("en") == "Line one line two three"
    # Escaped when shown; braces would be a placeholder naming no answer.
    assert found[2].label.pick("en") == "'single' quotes & <b>tags</b> (name)"
    assert [o.value for o in found[3].options] == ['a"b', "x#y"]
    mapped = data["paper_form"]["fields"]
    assert list(mapped.values())[:4] == [
        hostile,
        "Colon: value # not a comment",
        "Tick #1",
        "Choice: one",
    ]
    assert data["paper_form"]["file"] == "my form (v2).pdf"


def test_the_title_falls_back_to_the_file_name_and_the_id_avoids_the_services_routes():
    result = draft(fillable([text("A", 50, 700)]), "staff.pdf")
    data = yaml.safe_load(result.yaml)
    assert (data["id"], data["title"]) == ("staff-form", "Staff")
    data = yaml.safe_load(draft(fillable([text("A", 50, 700)]), "prison_visit-Booking.pdf").yaml)
    assert (data["id"], data["title"]) == ("prison-visit-booking", "Prison visit booking")


def test_each_question_says_which_pdf_field_it_came_from():
    pdf = fillable([text("Visitor 1 first name", 50, 700), box("Agree", 50, 650)])
    text_lines = draft(pdf).yaml.splitlines()
    assert '      # from PDF field "Visitor 1 first name": a text box' in text_lines
    assert '      # from PDF field "Agree": a lone check box' in text_lines


def test_fields_it_cannot_ask_are_left_out_and_listed_with_why(tmp_path):
    pdf = with_fields(
        fillable([text("Name", 50, 700)]),
        (0, widget("Print", (400, 50, 480, 70), ft="/Btn", flags=PUSH_BUTTON)),
        (0, widget("Total", (50, 300, 150, 320), flags=1)),
        (0, widget("Secret", (50, 250, 150, 270), annotation_flags=2)),
        (0, widget("Nothing", (50, 200, 50, 200))),
        (0, widget("Name", (300, 700, 450, 720))),
    )
    form, _ = loaded(tmp_path, pdf)
    assert list(questions(form)) == ["name"]
    result = draft(pdf)
    assert (result.fields_read, result.questions, result.pages) == (6, 1, 1)
    why = {s.name: s.why for s in result.skipped}
    assert why == {
        "Print": "a push button: there is nothing to answer",
        "Total": "it is read-only: the PDF fills it itself",
        "Secret": "it is hidden: not shown or printed",
        "Nothing": "its box has no size, so nobody filling the paper form sees it",
        "Name": "another field has the same name: one answer fills both, the first is asked",
    }
    summary = "\n".join(result.summary("paper.pdf"))
    assert "paper.pdf: 6 field(s) read, 1 question(s) made on 1 page(s)." in summary
    assert '5 field(s) not mapped:\n  "Print": a push button' in summary


def test_a_pdf_with_nothing_to_ask_is_refused():
    with pytest.raises(NothingToImport, match="no form fields"):
        draft(fillable([]))
    only_buttons = with_fields(
        fillable([text("Name", 50, 700, fieldFlags="readOnly")]),
        (0, widget("Print", (400, 50, 480, 70), ft="/Btn", flags=PUSH_BUTTON)),
    )
    with pytest.raises(NothingToImport, match="Print: a push button"):
        draft(only_buttons)
    with pytest.raises(NotAFillablePdf):
        draft(b"%PDF-1.4 but nothing else")
