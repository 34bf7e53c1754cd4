"""The caseworker workspace in a browser: sign in, find, read, download, decide, audit.

The product owner's "done when": a caseworker who has never seen the system signs in with
a user made for them, finds the prison visit requests, reads one, downloads an accessible
PDF, marks it accepted, and all of it shows in the audit log. Every member of staff is a
`Citizen` page-object in a browser context of their own, so axe-core runs on every staff
page they reach (error pages included) and a script error or a 5xx fails the test.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from forms_service.testing.filled_pdf import read_filled

from .conftest import PROJECT, Citizen, require_form
from .conftest import STAFF_PASSWORD as PASSWORD
from .test_prison_visit_booking import to_check_your_answers

pytestmark = pytest.mark.e2e

PRISON = "prison-visit-booking"
CICA = "criminal-injuries-compensation"

WRONG = "Enter a correct email address and password"


# -- fixtures and helpers ------------------------------------------------------------------------


def sign_in(person: Citizen, email: str, password: str = PASSWORD) -> None:
    """Fill in the sign-in page already open, by label, and press Sign in."""
    expect(person.heading).to_have_text("Sign in")
    person.page.get_by_label("Email address").fill(email)
    person.page.get_by_label("Password").fill(password)
    person.follow(person.page.get_by_role("button", name="Sign in"))


def signed_in(person: Citizen, email: str) -> None:
    person.open("/staff/sign-in")
    sign_in(person, email)
    expect(person.page).to_have_url(re.compile(r"/staff/$"))
    expect(person.heading).to_have_text("Submissions")


def inbox_references(person: Citizen) -> list[str]:
    cells = person.page.locator("table.app-inbox tbody tr td:first-child a")
    return [text.strip() for text in cells.all_inner_texts()]


def searched_references(person: Citizen, filters_url: str, term: str) -> list[str]:
    """The inbox's rows for a search (POSTed from the search box) within filters_url."""
    person.open(filters_url)
    person.page.get_by_label("Reference or applicant name").fill(term)
    person.follow(person.page.get_by_role("button", name="Search", exact=True))
    return inbox_references(person)


def sort_state(person: Citizen) -> dict[str, str]:
    """The inbox's column headers as {label: aria-sort}."""
    headers = person.page.locator("table.app-inbox thead th")
    return {th.inner_text().strip(): th.get_attribute("aria-sort") or "" for th in headers.all()}


def answers_read(person: Citizen) -> list[tuple[str, str, str, str]]:
    """The answers on a submission page, in order: (section, repeat item, label, answer).

    A repeat item's rows are those of the summary list right after its <h3> heading
    ("Visitor 1: Nia Jones"); the item is the heading before its colon ("Visitor 1").
    """
    return [
        tuple(row)
        for row in person.page.evaluate(
            """() => {
                const rows = [];
                let section = "";
                const column = document.querySelector("main .govuk-grid-column-two-thirds");
                for (const element of column.children) {
                    if (element.tagName === "H2") section = element.innerText.trim();
                    if (!element.matches(".govuk-summary-list:not(.govuk-summary-list--no-border)"))
                        continue;
                    const before = element.previousElementSibling;
                    const item = before && before.tagName === "H3"
                        ? before.innerText.trim().split(": ")[0] : "";
                    for (const row of element.querySelectorAll(".govuk-summary-list__row")) {
                        rows.push([
                            section,
                            item,
                            row.querySelector(".govuk-summary-list__key").innerText.trim(),
                            row.querySelector(".govuk-summary-list__value").innerText.trim(),
                        ]);
                    }
                }
                return rows;
            }"""
        )
    ]


def timeline(person: Citizen) -> list[tuple[str, str, str]]:
    """The History timeline, newest first, as (title, byline, note) triples."""
    items = person.page.locator(".moj-timeline__item")
    return [
        (
            item.locator(".moj-timeline__title").inner_text().strip(),
            item.locator(".moj-timeline__byline").inner_text().strip(),
            " ".join(
                t.strip() for t in item.locator(".moj-timeline__description").all_inner_texts()
            ),
        )
        for item in items.all()
    ]


def audit_rows(person: Citizen) -> list[dict[str, str]]:
    """The audit log table as dicts keyed by its column headers."""
    table = person.page.locator("main table")
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    return [
        dict(zip(headers, (c.strip() for c in row.locator("td").all_inner_texts()), strict=True))
        for row in table.locator("tbody tr").all()
    ]


def download(person: Citizen, link: str) -> tuple[str, bytes]:
    """Follow a download link: the suggested file name and the bytes."""
    with person.page.expect_download() as info:
        person.page.get_by_role("link", name=link, exact=True).click()
    got = info.value
    assert got.failure() is None, got.failure()
    return got.suggested_filename, Path(got.path()).read_bytes()


def insert_submission(live_app, form_id: str, answers: dict, applicant: str) -> str:
    """A submission stored the way the citizen pages store one; its reference."""
    from forms_service.data import new_reference

    store = live_app.extensions["store"]
    form = require_form(live_app, form_id)
    draft = store.update_draft(
        f"e2e-casework-{uuid.uuid4().hex}", form.id, form.version, "en", lambda _: dict(answers)
    )
    submission = store.submit(
        draft.id,
        make_reference=lambda: new_reference(form.reference_prefix),
        build=lambda _draft: {
            "form_id": form.id,
            "form_version": form.version,
            "definition": form.snapshot,
            "answers": answers,
            "language": "en",
            "channel": "online",
            "applicant_name": applicant,
            "due_on": datetime.date.today() + datetime.timedelta(days=20),
        },
    )
    return submission.reference


# -- the product owner's "done when" -------------------------------------------------------------


def test_new_caseworker_finds_reads_downloads_and_accepts_a_visit_request(
    citizen, staff_browser, make_staff, live_app, today
):
    # 1. A citizen asks for a visit in the browser.
    require_form(live_app, PRISON)
    seen_by_citizen = to_check_your_answers(citizen, today)
    reference = citizen.accept_and_send(PRISON)
    assert reference.startswith("PVB-")

    # 2. A caseworker who has never used the system: a wrong password first.
    email = make_staff("caseworker", [PRISON], name="Casey Newcomer")
    caseworker = staff_browser()
    caseworker.open("/staff/sign-in")
    sign_in(caseworker, email, "not my password")
    expect(caseworker.page).to_have_url(re.compile(r"/staff/sign-in$"))
    caseworker.expect_errors(email=WRONG)  # title, focused summary, link to the field
    expect(caseworker.page.get_by_label("Email address")).to_have_value(email)
    expect(caseworker.page.get_by_label("Password")).to_have_value("")
    sign_in(caseworker, email)
    expect(caseworker.page).to_have_url(re.compile(r"/staff/$"))
    page = caseworker.page
    expect(caseworker.heading).to_have_text("Submissions")
    assert reference in inbox_references(caseworker)  # unfiltered, newest first
    # No admin pages in a caseworker's menu.
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link", name="Users")).to_have_count(0)
    expect(menu.get_by_role("link", name="Audit log")).to_have_count(0)

    # Finds the prison visit requests still to look at: form and status, then the search.
    page.get_by_label("Form", exact=True).select_option(label="Book a prison visit")
    page.get_by_label("Status", exact=True).select_option(label="Received")
    caseworker.follow(page.get_by_role("button", name="Apply filters"))
    expect(page).to_have_url(re.compile(rf"[?&]form={PRISON}(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]status=received(&|$)"))
    assert reference in inbox_references(caseworker)
    expect(page.get_by_label("Form", exact=True)).to_have_value(PRISON)
    expect(page.get_by_label("Status", exact=True)).to_have_value("received")
    # The search is its own form, POSTed (a name never sits in the URL), within the filters.
    page.get_by_label("Reference or applicant name").fill(reference)
    caseworker.follow(page.get_by_role("button", name="Search", exact=True))
    expect(page).to_have_url(re.compile(r"[?&]status=received(&|$)"))
    expect(page).not_to_have_url(re.compile(reference))
    assert inbox_references(caseworker) == [reference]
    expect(page.locator("main")).to_contain_text("1 submission ")
    row = page.locator("table.app-inbox tbody tr")
    expect(row).to_contain_text("Book a prison visit")
    expect(row).to_contain_text("Siân O'Connor-Jones")
    expect(row).to_contain_text("Received")

    # Sorting: the default column says so, a header link sorts ascending first, a second
    # click reverses.
    assert sort_state(caseworker)["Submitted"] == "descending"
    caseworker.follow(page.locator("table.app-inbox thead").get_by_role("link", name="Reference"))
    state = sort_state(caseworker)
    assert state["Reference"] == "ascending", state
    # Every other sortable column says "none"; Applicant (names are sealed) has no sort.
    assert state["Applicant"] == "", state
    assert {v for k, v in state.items() if k not in ("Reference", "Applicant")} == {"none"}, state
    caseworker.follow(page.locator("table.app-inbox thead").get_by_role("link", name="Reference"))
    assert sort_state(caseworker)["Reference"] == "descending"
    # The filters survive sorting (a search, never in a URL, does not).
    expect(page).to_have_url(re.compile(r"[?&]status=received(&|$)"))
    assert reference in inbox_references(caseworker)

    # Reads it: the answers the citizen gave, with the prisoner number and lead visitor.
    caseworker.follow(page.get_by_role("link", name=reference, exact=True))
    expect(page).to_have_url(re.compile(rf"/staff/submissions/{reference}$"))
    expect(caseworker.heading).to_contain_text(reference)
    expect(caseworker.heading).to_contain_text("Received")
    expect(page.locator(".govuk-caption-l")).to_have_text("Book a prison visit")
    read = answers_read(caseworker)
    assert ("Prisoner details", "", "Prison number", "A1234BC") in read
    assert ("Visitor details", "", "First name", "Siân") in read
    assert ("Visitor details", "", "Last name", "O'Connor-Jones") in read
    assert ("Visitor details", "Visitor 1", "First name", "Nia") in read
    # Every answer the citizen checked before sending is there, worded the same (staff
    # see only what was stored: no "Not answered" rows, no count of other visitors).
    pairs = {(f"{item}: {label}" if item else label, value) for _, item, label, value in read}
    missing = {
        k: v
        for k, v in seen_by_citizen.items()
        if (k, v) not in pairs and v != "Not answered" and k != "Other visitors"
    }
    assert not missing, f"on check your answers but not shown to staff: {missing}"
    assert timeline(caseworker)[-1][0] == "Received"

    # Downloads an accessible (tagged) PDF, and the JSON.
    name, pdf = download(caseworker, "Download PDF")
    assert name == f"{reference}.pdf"
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog, "the PDF is not tagged"
    assert str(catalog.get("/Lang", "")).startswith("en"), catalog.get("/Lang")
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert reference in text
    assert "A1234BC" in text
    assert reader.metadata is not None and reference in (reader.metadata.title or "")
    name, body = download(caseworker, "Download JSON")
    assert name == f"{reference}.json"
    data = json.loads(body)
    assert data["reference"] == reference
    assert data["form"]["id"] == PRISON
    assert data["status"] == "received"
    assert data["answers"]["prisoner_number"] == "A1234BC"
    assert data["paper_form"] is True
    # And on the paper form the prison knows (PVB1): the prison number in its box.
    name, paper = download(caseworker, "Download as the paper form (PDF)")
    assert name == f"{reference}-paper-form.pdf"
    blank = (PROJECT / "form_definitions" / "paper" / "prison-visit-booking.pdf").read_bytes()
    assert read_filled(paper, blank).texts["Prison number"] == "A1234BC"

    # 3. Rejecting needs a note: the error page (axe checked by follow).
    page.get_by_label("Rejected", exact=True).check()
    caseworker.follow(page.get_by_role("button", name="Save status"))
    assert page.title().startswith("Error: "), page.title()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name="Enter a note to say why")
    expect(link).to_have_attribute("href", "#note")
    link.click()
    expect(page.locator("#note")).to_be_focused()
    assert not any(title.endswith("Rejected") for title, _, _ in timeline(caseworker))

    # Accepted, with a note: the timeline, the heading and the inbox all say so.
    note = "Visit booked for the first choice. Confirmation sent to Siân."
    page.get_by_label("Accepted", exact=True).check()
    page.get_by_label("Note", exact=True).fill(note)
    caseworker.follow(page.get_by_role("button", name="Save status"))
    expect(page).to_have_url(re.compile(rf"/staff/submissions/{reference}$"))
    expect(caseworker.heading).to_contain_text("Accepted")
    expect(page.get_by_label("Accepted", exact=True)).to_be_checked()
    newest = timeline(caseworker)[0]
    assert newest == ("Status changed to Accepted", "by Casey Newcomer", note), newest
    caseworker.follow(page.get_by_role("link", name="All submissions"))
    accepted = searched_references(caseworker, f"/staff/?form={PRISON}&status=accepted", reference)
    assert accepted == [reference]
    received = searched_references(caseworker, f"/staff/?form={PRISON}&status=received", reference)
    assert received == []
    expect(page.locator("main")).to_contain_text("No submissions match these filters.")

    # 4. An administrator: the users page, then the audit log holds all of it.
    admin_email = make_staff("admin", name="Ada Admin")
    admin = staff_browser()
    signed_in(admin, admin_email)
    menu = admin.page.get_by_role("navigation", name="Menu")
    admin.follow(menu.get_by_role("link", name="Users"))
    expect(admin.heading).to_have_text("Users")
    expect(admin.page.locator("main table")).to_contain_text(email)
    admin.follow(menu.get_by_role("link", name="Audit log"))
    expect(admin.heading).to_have_text("Audit log")
    rows = audit_rows(admin)
    # One sentence per event, the member of staff by name (their failed sign-in too).
    theirs = [r for r in rows if r["Who"] == "Casey Newcomer"]
    what = [r["What"] for r in theirs]
    for expected in [
        "Failed to sign in: wrong email address or password",
        "Signed in",
        "Looked at the inbox",
        f"Viewed submission {reference}",
        f"Downloaded PDF of {reference}",
        f"Downloaded JSON of {reference}",
    ]:
        assert expected in what, f"{expected} not in the audit log: {what}"
    status = next(w for w in what if w.startswith(f"Status of {reference} changed from "))
    assert all(r["From"] == "127.0.0.1" for r in theirs)
    # Newest first, and the audit never holds the answers.
    assert what.index(status) < what.index(f"Downloaded PDF of {reference}")
    assert what.index(f"Downloaded PDF of {reference}") < what.index("Signed in")
    log = admin.page.locator("main table").inner_text()
    assert "A1234BC" not in log and "Siân" not in log


# -- access control ------------------------------------------------------------------------------


def test_caseworker_cannot_open_another_forms_submission(staff_browser, make_staff, live_app):
    claim = insert_submission(
        live_app, CICA, {"applicant_name": {"first": "Ffion", "last": "Secret"}}, "Ffion Secret"
    )
    email = make_staff("caseworker", [PRISON])
    caseworker = staff_browser()

    # Signed out, a staff page sends the person to sign in, and back there afterwards.
    response = caseworker.open("/staff/")
    assert response is not None and response.request.redirected_from is not None
    expect(caseworker.page).to_have_url(re.compile(r"/staff/sign-in\?next=(/|%2F)staff(/|%2F)"))
    caseworker.open(f"/staff/submissions/{claim}")
    expect(caseworker.page).to_have_url(re.compile(r"/staff/sign-in\?next="))
    sign_in(caseworker, email)

    # Another form's claim is "not found", exactly like a reference that does not exist.
    expect(caseworker.page).to_have_url(re.compile(rf"/staff/submissions/{claim}$"))
    expect(caseworker.heading).to_have_text("Page not found")
    not_found = caseworker.page.locator("main").inner_text()
    response = caseworker.open("/staff/submissions/CICA-ZZZZ-ZZZZ")
    assert response is not None and response.status == 404
    assert caseworker.page.locator("main").inner_text() == not_found
    response = caseworker.open(f"/staff/submissions/{claim}")
    assert response is not None and response.status == 404
    expect(caseworker.page.locator("main")).not_to_contain_text("Ffion")
    for suffix in (".pdf", ".json"):
        got = caseworker.page.request.get(f"/staff/submissions/{claim}{suffix}")
        assert got.status == 404, suffix
    # Nor does it show in the inbox, even searched for, and the admin pages are forbidden.
    caseworker.open("/staff/")
    caseworker.page.get_by_label("Reference or applicant name").fill(claim)
    caseworker.follow(caseworker.page.get_by_role("button", name="Search", exact=True))
    expect(caseworker.page.get_by_label("Reference or applicant name")).to_have_value(claim)
    assert inbox_references(caseworker) == []
    for admin_only in ("/staff/users", "/staff/audit"):
        assert caseworker.page.request.get(admin_only).status == 403, admin_only

    # Signing out ends it: the inbox asks for a sign-in again.
    caseworker.open("/staff/")
    caseworker.follow(caseworker.page.get_by_role("button", name="Sign out"))
    expect(caseworker.page).to_have_url(re.compile(r"/staff/sign-in$"))
    caseworker.open("/staff/")
    expect(caseworker.page).to_have_url(re.compile(r"/staff/sign-in\?next="))


# -- known application bugs (strict xfail: each passes once the bug is fixed) ---------------------

VISIT_ANSWERS = {  # a prison visit as the citizen pages store one
    "prisoner_first_name": "Dafydd",
    "prisoner_last_name": "O'Connor-Jones",
    "prisoner_dob": "1988-04-28",
    "prisoner_number": "A1234BC",
    "prison": "cardiff",
    "visit_date_1": "2026-11-28",
    "visit_time_1": "morning",
    "lead_visitor_first_name": "Siân",
    "lead_visitor_last_name": "O'Connor-Jones",
    "lead_visitor_dob": "1990-11-03",
    "visitor_email": "sian@example.com",
    "visitor_phone": "+447700900982",
    "visitors": [{"visitor_first_name": "Nia", "visitor_last_name": "Jones",
                  "visitor_dob": "2021-11-23"}],
    "needs_support": "yes",
    "support_details": "Hearing loop",
}  # fmt: skip


def open_a_visit(staff_browser, make_staff, live_app) -> tuple[Citizen, str]:
    """A caseworker signed in, on the page of a visit request stored just now."""
    reference = insert_submission(live_app, PRISON, VISIT_ANSWERS, "Siân O'Connor-Jones")
    caseworker = staff_browser()
    caseworker.open(f"/staff/submissions/{reference}")  # to sign in, then straight there
    sign_in(caseworker, make_staff("caseworker", [PRISON]))
    expect(caseworker.heading).to_contain_text(reference)
    return caseworker, reference


def test_each_answer_is_shown_once(staff_browser, make_staff, live_app):
    caseworker, _ = open_a_visit(staff_browser, make_staff, live_app)
    read = answers_read(caseworker)
    twice = sorted({row for row in read if read.count(row) > 1})
    assert not twice, f"shown more than once: {twice}"


def test_a_decision_with_an_error_keeps_what_was_chosen(staff_browser, make_staff, live_app):
    caseworker, _ = open_a_visit(staff_browser, make_staff, live_app)
    page = caseworker.page
    page.get_by_label("Rejected", exact=True).check()
    caseworker.follow(page.get_by_role("button", name="Save status"))
    assert page.title().startswith("Error: ")
    problems = []
    if not page.get_by_label("Rejected", exact=True).is_checked():
        checked = page.locator('input[name="status"]:checked')
        problems.append(f"Rejected is no longer chosen: {checked.get_attribute('value')!r} is")
    group = page.locator(".govuk-form-group").filter(has=page.locator("#note"))
    message = group.locator(".govuk-error-message")
    if "govuk-form-group--error" not in (group.get_attribute("class") or ""):
        problems.append("the note's form group is not marked as having an error")
    if not message.count() or "Enter a note to say why" not in message.inner_text():
        problems.append("the note field does not show 'Enter a note to say why'")
    # What the caseworker then does: types the reason and saves again.
    page.get_by_label("Note", exact=True).fill("No visiting order held")
    caseworker.follow(page.get_by_role("button", name="Save status"))
    newest = timeline(caseworker)[0][0]
    if newest != "Status changed to Rejected":
        problems.append(f"typing the note and saving again records {newest!r}")
    assert not problems, "\n".join(problems)


# -- keyboard ------------------------------------------------------------------------------------


def test_sign_in_with_the_keyboard_only(staff_browser, make_staff):
    email = make_staff("caseworker", [PRISON])
    person = staff_browser()
    page = person.page
    person.open("/staff/sign-in")
    page.get_by_label("Email address").focus()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type("wrong password")
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    person.arrived(navigation.value)
    # The error summary takes the focus; Tab reaches its link, Enter goes to the field.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link", name=WRONG)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Email address")).to_be_focused()
    expect(page.get_by_label("Email address")).to_have_value(email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    person.arrived(navigation.value)
    expect(page).to_have_url(re.compile(r"/staff/$"))
    expect(person.heading).to_have_text("Submissions")
    # The first Tab reaches the skip link, which takes the keyboard to the main content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_error_summary_takes_the_focus_after_the_skip_link(staff_browser):
    person = staff_browser()
    page = person.page
    person.open("/staff/sign-in")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    page.get_by_label("Email address").fill("nobody@example.gov.uk")
    page.get_by_label("Password").fill("wrong password")
    person.follow(page.get_by_role("button", name="Sign in"))
    expect(page.locator(".govuk-error-summary")).to_be_focused(timeout=2000)
