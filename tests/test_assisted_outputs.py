"""The assisted-digital record in every output of a submission: the caseworker inbox and
submission page, the JSON download and API, the CSV export and the PDF all say who entered
the answers, for whom and how, and show a hostile name or note as text."""

from __future__ import annotations

import html as html_text
import io
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader

from forms_service.exports import pdf_content_hash, submissions_csv
from forms_service.passwords import hash_password
from forms_service.pdf import render_submission_pdf, submission_html
from tests.assisted import PRISON, submit_assisted
from tests.test_api import assert_matches_openapi, auth
from tests.test_exports import ANSWERS, FORM, make_submission, read_csv
from tests.test_pdf import STATIC, flat
from tests.test_pdf import submission as sample_submission
from tests.test_staff import PASSWORD, signed_in, submit

ASSISTANT = "ad@example.com"
HOSTILE_NAME = '<script>alert("name")</script> Ana & "Sons"'
HOSTILE_NOTE = '=HYPERLINK("http://evil.example/x","Click") <img src=x>'
RECORD = {"staff_name": "Al Assisted", "citizen_name": "Ana Silva", "method": "telephone"}
SENTENCE = "Completed by Al Assisted on behalf of the applicant (telephone)"


@pytest.fixture
def app(make_app):
    app = make_app()
    store = app.extensions["store"]
    store.create_user(
        "case@example.com", "Casey Worker", "caseworker", [PRISON], hash_password(PASSWORD)
    )
    store.create_user(ASSISTANT, "Al Assisted", "assisted_digital", [], hash_password(PASSWORD))
    return app


def inbox_row(html: str, reference: str) -> str:
    found = re.search(
        rf"<tr class=\"govuk-table__row\">(?:(?!</tr>).)*{reference}.*?</tr>", html, re.S
    )
    assert found, f"{reference} is not in the inbox"
    return found[0]


def tagged(html: str, text: str) -> bool:
    return re.search(rf'govuk-tag--grey"[^>]*>\s*{text}\s*<', html) is not None


def text_of(html: str) -> str:
    return " ".join(html_text.unescape(re.sub(r"<[^>]+>", " ", html)).split())


# -- caseworker inbox --------------------------------------------------------------------------


def test_the_inbox_marks_assisted_and_paper_rows_and_filters_by_channel(app):
    online = submit(app, PRISON)
    assisted = submit_assisted(app, ASSISTANT).reference
    paper = submit_assisted(app, ASSISTANT, method="paper").reference
    caseworker = signed_in(app, "case@example.com")

    html = caseworker.get("/staff/").get_data(as_text=True)
    assert tagged(inbox_row(html, assisted), "Assisted")
    assert tagged(inbox_row(html, paper), "Paper")
    assert not tagged(inbox_row(html, online), "Assisted|Paper|Online")

    only = caseworker.get("/staff/?channel=assisted").get_data(as_text=True)
    assert assisted in only and paper not in only and online not in only
    assert re.search(r'value="assisted"\s+checked', only)
    assert not re.search(r'value="paper"\s+checked', only)

    both = caseworker.get("/staff/?channel=assisted&channel=paper")
    html = both.get_data(as_text=True)
    assert assisted in html and paper in html and online not in html
    # Sorting and the CSV keep every channel ticked, not just the first.
    assert "channel=assisted&amp;channel=paper&amp;sort=reference" in html
    assert "export.csv?channel=assisted&amp;channel=paper" in html
    assert "export-codes.csv?channel=assisted&amp;channel=paper" in html

    citizens = caseworker.get("/staff/?channel=online").get_data(as_text=True)
    assert online in citizens and assisted not in citizens and paper not in citizens

    _, rows = read_csv(
        [caseworker.get("/staff/export-codes.csv?channel=paper").get_data(as_text=True)]
    )
    assert [(r["reference"], r["channel"]) for r in rows] == [(paper, "paper")]
    assert (rows[0]["completed_by"], rows[0]["assisted_method"]) == ("Al Assisted", "paper")
    assert rows[0]["citizen_name"] == "Ana Silva"


def test_the_inbox_channel_filter_combines_with_the_others(app):
    store = app.extensions["store"]
    first = submit_assisted(app, ASSISTANT, citizen_name="Ana Silva")
    submit_assisted(app, ASSISTANT, citizen_name="Bea Jones")
    found, total = store.find_submissions(forms=[PRISON], channels=["assisted"], query="ana silva")
    assert total == 1 and [s.reference for s in found] == [first.reference]
    assert store.find_submissions(forms=[PRISON], channels=["paper"])[1] == 0
    assert store.find_submissions(forms=[PRISON], channels=None)[1] == 2


# -- the submission page -----------------------------------------------------------------------


def test_the_submission_page_says_who_completed_it_for_whom_and_how(app):
    reference = submit_assisted(
        app,
        ASSISTANT,
        method="other",
        note="Through a British Sign Language interpreter",
        handed_over_at="2026-03-12T14:05:00+00:00",
    ).reference
    caseworker = signed_in(app, "case@example.com")
    html = caseworker.get(f"/staff/submissions/{reference}").get_data(as_text=True)
    text = text_of(html)
    sentence = (
        "Completed by Al Assisted on behalf of the applicant "
        "(other: Through a British Sign Language interpreter)"
    )
    # Near the top: before the answers and the decision form.
    assert text.index(sentence) < text.index("Download PDF")
    for fact in (
        "Channel Assisted",
        "Applicant's name as given to staff Ana Silva",
        "How staff helped Another way: Through a British Sign Language interpreter",
        "Handed to the applicant to finish on 12 March 2026 at 2:05pm",
    ):
        assert fact in text, fact
    assert tagged(html, "Assisted")


def test_a_paper_form_and_a_citizens_own_say_so(app):
    paper = submit_assisted(app, ASSISTANT, method="paper").reference
    online = submit(app, PRISON)
    caseworker = signed_in(app, "case@example.com")
    text = text_of(caseworker.get(f"/staff/submissions/{paper}").get_data(as_text=True))
    assert "Channel Paper" in text
    assert (
        "Completed by Al Assisted on behalf of the applicant (paper form received by post)" in text
    )
    assert "Handed to the applicant" not in text
    text = text_of(caseworker.get(f"/staff/submissions/{online}").get_data(as_text=True))
    assert "Channel Online" in text and "Completed by" not in text and "given to staff" not in text


def test_a_hostile_name_and_note_are_text_on_the_staff_pages(app):
    reference = submit_assisted(
        app, ASSISTANT, citizen_name=HOSTILE_NAME, method="other", note=HOSTILE_NOTE
    ).reference
    caseworker = signed_in(app, "case@example.com")
    for url in ("/staff/", f"/staff/submissions/{reference}"):
        html = caseworker.get(url).get_data(as_text=True)
        assert '<script>alert("name")' not in html and "<img src=x>" not in html
        assert "&lt;script&gt;alert(" in html
    assert "&lt;img src=x&gt;" in html  # the note, on the submission page


# -- JSON and the API --------------------------------------------------------------------------


def test_json_download_and_api_carry_the_record_as_documented(app):
    store = app.extensions["store"]
    online = submit(app, PRISON)
    helped = submit_assisted(
        app,
        ASSISTANT,
        method="other",
        note="Easy Read",
        handed_over_at="2026-03-12T14:05:00.123456+00:00",  # as the store writes it
    )
    paper = submit_assisted(app, ASSISTANT, method="paper")
    al = store.user_by_email(ASSISTANT)
    expected = {
        "staff_user_id": al.id,
        "staff_name": "Al Assisted",
        "citizen_name": "Ana Silva",
        "method": "other",
        "note": "Easy Read",
        "handed_over_at": "2026-03-12T14:05:00Z",
    }
    caseworker = signed_in(app, "case@example.com")
    download = caseworker.get(f"/staff/submissions/{helped.reference}.json").get_json()
    assert download["channel"] == "assisted" and download["assisted"] == expected
    assert caseworker.get(f"/staff/submissions/{online}.json").get_json()["assisted"] is None

    client = app.test_client()
    document = client.get("/api/v1/openapi.json").get_json()
    headers = auth(store.issue_api_token("Casework", [PRISON]))
    detail = client.get(f"/api/v1/submissions/{helped.reference}", headers=headers)
    assert_matches_openapi(document, "/submissions/{reference}", "get", detail)
    assert detail.get_json() == download
    listed = client.get("/api/v1/submissions", headers=headers)
    assert_matches_openapi(document, "/submissions", "get", listed)
    by_reference = {s["reference"]: s for s in listed.get_json()["data"]}
    assert by_reference[paper.reference]["assisted"]["method"] == "paper"
    assert by_reference[paper.reference]["assisted"]["note"] is None
    assert by_reference[online]["assisted"] is None
    for channel, wanted in (
        ("assisted", [helped.reference]),
        ("paper", [paper.reference]),
        ("online", [online]),
    ):
        page = client.get(f"/api/v1/submissions?channel={channel}", headers=headers)
        assert_matches_openapi(document, "/submissions", "get", page)
        assert [s["reference"] for s in page.get_json()["data"]] == wanted, channel
    bad = client.get("/api/v1/submissions?channel=fax", headers=headers)
    assert_matches_openapi(document, "/submissions", "get", bad)
    assert bad.status_code == 400 and "channel must be one of" in bad.get_json()["message"]


def test_the_schema_refuses_a_malformed_record(app):
    from tests.test_api import problems

    document = app.test_client().get("/api/v1/openapi.json").get_json()
    schema = {"$ref": "#/components/schemas/Assisted"}
    good = {
        "staff_user_id": 3,
        "staff_name": "Al",
        "citizen_name": "Ana",
        "method": "telephone",
        "note": None,
        "handed_over_at": None,
    }
    assert problems(document, schema, good) == [] and problems(document, schema, None) == []
    assert problems(document, schema, {**good, "method": "carrier pigeon"})
    assert problems(document, schema, {**good, "extra": 1})
    assert problems(document, schema, {k: v for k, v in good.items() if k != "staff_name"})


# -- CSV ---------------------------------------------------------------------------------------


def test_csv_says_who_completed_it_and_neutralises_their_free_text():
    helped = make_submission(
        ANSWERS,
        channel="assisted",
        staff_user_id=4,
        assisted={**RECORD, "citizen_name": "=1+2", "method": "other", "note": HOSTILE_NOTE},
    )
    own = make_submission(ANSWERS, number=2)
    _, rows = read_csv(submissions_csv([helped, own], {FORM.id: FORM}))
    assert rows[0]["channel"] == "assisted"
    assert (rows[0]["completed_by"], rows[0]["assisted_method"]) == ("Al Assisted", "other")
    assert rows[0]["assisted_note"] == "'" + HOSTILE_NOTE  # text, never a formula
    assert rows[0]["citizen_name"] == "'=1+2"
    assert [rows[1][c] for c in ("completed_by", "assisted_method", "assisted_note")] == [""] * 3
    assert rows[1]["citizen_name"] == ""


# -- PDF ---------------------------------------------------------------------------------------


def test_the_pdf_says_who_completed_it_for_whom_and_how():
    helped = sample_submission(
        PRISON,
        channel="assisted",
        staff_user_id=4,
        assisted={**RECORD, "handed_over_at": "2026-03-12T14:05:00+00:00"},
    )
    data = render_submission_pdf(helped, static_folder=STATIC, service_name="Forms service")
    first = flat(PdfReader(io.BytesIO(data)).pages[0].extract_text())
    for fact in (
        "Channel Assisted",
        SENTENCE,
        "Ana Silva",
        "Handed to the applicant to finish on 12 March 2026 at 2:05pm",
    ):
        assert fact in first, fact
    own = flat(render_pdf_text(sample_submission(PRISON)))
    assert "Completed by" not in own and "Channel Online" in own


def render_pdf_text(submission) -> str:
    data = render_submission_pdf(submission, static_folder=STATIC, service_name="Forms service")
    return PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_a_hostile_name_and_note_are_escaped_in_the_pdf_html():
    helped = sample_submission(
        PRISON,
        channel="assisted",
        assisted={**RECORD, "citizen_name": HOSTILE_NAME, "method": "other", "note": HOSTILE_NOTE},
    )
    html = submission_html(helped, service_name="Forms service")
    assert "&lt;script&gt;alert(" in html and "&lt;img src=x&gt;" in html
    assert "<script" not in html and "<img" not in html


def test_the_cached_pdf_is_made_again_when_the_record_differs():
    own = sample_submission(PRISON)
    helped = replace(own, channel="assisted", assisted=RECORD)
    noted = replace(helped, assisted={**RECORD, "method": "other", "note": "Interpreter"})
    handed = replace(helped, assisted={**RECORD, "handed_over_at": "2026-03-12T14:05:00Z"})
    hashes = {pdf_content_hash(s) for s in (own, helped, noted, handed)}
    assert len(hashes) == 4
    assert pdf_content_hash(replace(helped, assisted=dict(RECORD))) == pdf_content_hash(helped)


def test_a_staff_pdf_download_names_the_member_of_staff(app):
    reference = submit_assisted(app, ASSISTANT).reference
    caseworker = signed_in(app, "case@example.com")
    response = caseworker.client.get(f"/staff/submissions/{reference}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = flat(PdfReader(io.BytesIO(response.data)).pages[0].extract_text())
    assert SENTENCE in text
