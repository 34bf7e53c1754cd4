"""Ten definitions written from ../shared/form-definition-format.md alone, as a new author
would (tests/fixtures/contract/), each using the contract in a way the three real forms do
not. Each one must pass `check`, load, and be walked through the real app to check your
answers and submitted, with the answers stored in the contract's shapes.

A fixture that does not load because of our loader (not because the contract forbids what
it does) is a bug in the loader: the fixture is right. Never bend a fixture to the code.
"""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from forms_service.cli import cli
from forms_service.definitions.loader import load_form_file

from .citizen import Citizen
from .conftest import ROOT

# Definitions written from the contract: what loads and how the pages read, not how the
# database keeps them (the real forms' journeys run on PostgreSQL in test_pages.py).
pytestmark = pytest.mark.same_on_every_database

CONTRACT = ROOT / "tests" / "fixtures" / "contract"
# An answer placeholder the service did not fill, as a citizen would see it.
RAW_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)?\}")
MAIN = re.compile(r"<main\b.*?</main>", re.S)
TAG = re.compile(r"<script\b.*?</script>|<[^>]+>", re.S)

NEXT_MONTH = datetime.date.today().replace(day=1) + datetime.timedelta(days=31)


def date_fields(question: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{question}-day": str(day.day),
        f"{question}-month": str(day.month),
        f"{question}-year": str(day.year),
    }


class Reader(Citizen):
    """A citizen who reads every page: no placeholder may reach them as raw {...} text.

    `more[repeat_id] = n`: answer "yes" to "add another" n times there (a repeat with no
    min: asks for no item first)."""

    def __init__(self, client: Any):
        super().__init__(client)
        self.seen: list[str] = []
        self.more: dict[str, int] = {}

    def post(self, url: str, data: dict[str, Any]) -> Any:
        repeat = url.rstrip("/").split("/")[-1]
        if data.get("add_another") == "no" and self.more.get(repeat):
            self.more[repeat] -= 1
            data = {**data, "add_another": "yes"}
        return super().post(url, data)

    def get(self, url: str, **kwargs: Any) -> Any:
        response = super().get(url, **kwargs)
        self.seen.append(url.split("?")[0])
        if response.mimetype == "text/html":
            main = MAIN.search(response.get_data(as_text=True))
            text = TAG.sub(" ", main.group(0)) if main else ""  # what is read, not attributes
            raw = RAW_PLACEHOLDER.search(text)
            assert raw is None, f"{url} shows {raw.group(0)} to the citizen"
        return response


def loaded(make_app, tmp_path: Path, name: str):
    """The app serving only this fixture, after `check` passed it; the form and a citizen."""
    path = CONTRACT / f"{name}.yaml"
    load_form_file(path)  # a DefinitionError here names the loader's file:line:col message
    checked = CliRunner().invoke(cli, ["check", str(path)])
    assert checked.exit_code == 0, checked.output
    assert "1 form(s) ok, 0 problem(s)" in checked.output, checked.output
    folder = tmp_path / "definitions"
    folder.mkdir(exist_ok=True)
    shutil.copy(path, folder)
    app = make_app(definitions=folder)
    form = app.extensions["forms"][name]
    return app, form, Reader(app.test_client())


def submitted(app, citizen: Citizen, form) -> dict[str, Any]:
    """Submit from where the walk stopped; the stored submission's answers."""
    response = citizen.submit(form)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    assert response.headers["Location"] == f"/{form.id}/confirmation"
    confirmation = citizen.get(f"/{form.id}/confirmation").get_data(as_text=True)
    reference = re.search(r"<strong>([A-Z0-9-]+)</strong>", confirmation).group(1)
    stored = app.extensions["store"].get_submission(reference)
    assert (stored.form_id, stored.form_version) == (form.id, form.version)
    return stored.answers


def check_answers(citizen: Citizen, form) -> str:
    page = citizen.get(f"/{form.id}/check-your-answers")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_witness_expenses_only_required_keys_decimals_money_and_a_bare_repeat(make_app, tmp_path):
    app, form, citizen = loaded(make_app, tmp_path, "witness-expenses")
    citizen.more["journeys"] = 1
    answers = {
        "transport": "car",
        "miles": "12.5",
        "lost_earnings": "yes",
        "earnings_lost": "85.50",
        "sort_code": "12-34-56",
        "account_number": "12345678",
    }
    assert citizen.walk(form, answers).endswith("/check-your-answers")
    summary = check_answers(citizen, form)
    assert "£85.50" in summary and "12.5 miles" in summary
    stored = submitted(app, citizen, form)
    assert stored["earnings_lost"] == 8550  # integer pence
    [journey] = stored["journeys"]
    assert journey["transport"] == "car" and float(journey["miles"]) == 12.5
    assert "fare_cost" not in journey  # its page was skipped
    assert stored["sort_code"] == "12-34-56"


def test_witness_expenses_refuses_a_sort_code_that_does_not_match_its_pattern(make_app, tmp_path):
    app, form, citizen = loaded(make_app, tmp_path, "witness-expenses")
    citizen.walk(form, {"lost_earnings": "no"}, until="bank-details")
    page = citizen.post_with_errors(
        "/witness-expenses/bank-details",
        {"account_name": "Jo Bloggs", "sort_code": "12345", "account_number": "12345678"},
    )
    assert "govuk-error-summary" in page.get_data(as_text=True)


def test_jury_summons_reply_text_variants_reveals_and_the_email_asked_twice(make_app, tmp_path):
    app, form, citizen = loaded(make_app, tmp_path, "jury-summons-reply")
    answers = {
        "replying_for": "someone-else",
        "juror_number": "415123456",
        "juror_dob": date_fields("juror_dob", datetime.date(1980, 2, 1)),
        "lived_in_uk": "yes",
        "attendance": "excusal",
        "excusal_reason": "I am the only carer for my mother.",
    }
    citizen.walk(form, answers, until="juror-name")
    heading = citizen.get("/jury-summons-reply/juror-name").get_data(as_text=True)
    assert "What is the name of the person who was summoned?" in heading
    assert "What is your name?" not in heading
    assert citizen.walk(form, answers).endswith("/check-your-answers")
    stored = submitted(app, citizen, form)
    assert stored["juror_dob"] == "1980-02-01"
    assert stored["lived_in_uk"] is True
    assert stored["attendance"] == "excusal"
    assert stored["excusal_reason"] == "I am the only carer for my mother."
    assert "new_start_date" not in stored  # revealed under an option not chosen
    confirmation = citizen.get("/jury-summons-reply/confirmation").get_data(as_text=True)
    assert "415123456" in confirmation and "citizen@example.com" in confirmation


@pytest.mark.parametrize(
    ("answers", "exit_page"),
    [
        ({"juror_dob": date_fields("juror_dob", datetime.date(1940, 5, 5))}, "too-old"),
        (
            {"juror_dob": date_fields("juror_dob", datetime.date(1990, 5, 5)), "lived_in_uk": "no"},
            "not-eligible",
        ),
    ],
)
def test_jury_summons_reply_exit_pages_end_the_journey(make_app, tmp_path, answers, exit_page):
    app, form, citizen = loaded(make_app, tmp_path, "jury-summons-reply")
    answers = {"juror_number": "415123456", **answers}
    assert citizen.walk(form, answers).endswith(f"/{exit_page}")
    assert citizen.get("/jury-summons-reply/check-your-answers").status_code != 200


def test_court_recording_sections_a_named_list_a_month_and_reveals_in_checkboxes(
    make_app, tmp_path
):
    app, form, citizen = loaded(make_app, tmp_path, "court-recording-request")
    answers = {
        "wanted": ["recording", "transcript"],
        "recording_reason": "To prepare my appeal.",
        "transcript_speed": "expedited",
        "hearing_month": {"hearing_month-month": "11", "hearing_month-year": "2025"},
        "case_number": "K00CF123",
    }
    assert citizen.walk(form, answers).endswith("/check-your-answers")
    assert "/court-recording-request/other-courts" in citizen.seen
    summary = check_answers(citizen, form)
    for section in ("About the hearing", "What you need", "Your details"):
        assert section in summary
    assert "November 2025" in summary
    stored = submitted(app, citizen, form)
    assert stored["wanted"] == ["recording", "transcript"]
    assert stored["transcript_speed"] == "expedited"
    assert stored["hearing_month"].startswith("2025-11")
    assert stored["hearing_court"] == "birmingham-civil"


def test_victim_personal_statement_in_welsh_and_english(make_app, tmp_path):
    app, form, citizen = loaded(make_app, tmp_path, "victim-personal-statement")
    answers = {"making_for": "child", "effects": ["emotional", "home"]}
    citizen.walk(form, answers, until="effects")
    welsh = citizen.get("/victim-personal-statement/effects?lang=cy").get_data(as_text=True)
    assert "Sut mae&#39;r drosedd wedi effeithio ar y plentyn?" in welsh
    english = citizen.get("/victim-personal-statement/effects?lang=en").get_data(as_text=True)
    assert "How has the crime affected the child?" in english
    assert citizen.walk(form, answers).endswith("/check-your-answers")
    stored = submitted(app, citizen, form)
    assert stored["effects"] == ["emotional", "home"]
    assert stored["read_aloud"] is True


def test_victim_personal_statement_none_of_these_clears_the_others(make_app, tmp_path):
    app, form, citizen = loaded(make_app, tmp_path, "victim-personal-statement")
    answers = {"effects": ["none"]}
    assert citizen.walk(form, answers).endswith("/check-your-answers")
    assert submitted(app, citizen, form)["effects"] == ["none"]


FINE = {
    "account_number": "26012345A",
    "amount_owed": "450",
    "monthly_income": "1,200",
    "monthly_spending": "£950.50",
    "monthly_offer": "20",
    # Next month: the service takes a month as its 1st day, so this month is before
    # not_before: today on any day but the 1st (see the report on month precision).
    "first_payment_month": {
        "first_payment_month-month": str(NEXT_MONTH.month),
        "first_payment_month-year": str(NEXT_MONTH.year),
    },
}


def test_fine_instalments_task_list_money_numbers_and_a_month(make_app, tmp_path):
    app, form, citizen = loaded(make_app, tmp_path, "fine-instalments")
    assert citizen.walk(form, FINE).endswith("/check-your-answers")
    assert "/fine-instalments/tasks" in citizen.seen
    stored = submitted(app, citizen, form)
    assert (stored["amount_owed"], stored["monthly_offer"]) == (45000, 2000)
    assert stored["monthly_spending"] == 95050
    assert stored["dependants"] == 0
    assert stored["payer_nino"] == "QQ123456C"
    assert stored["first_payment_month"] == NEXT_MONTH.replace(day=1).isoformat()
    assert set(stored["payer_address"]) >= {"line1", "town", "postcode"}


def test_fine_instalments_a_rule_refuses_an_offer_above_what_is_owed(make_app, tmp_path):
    app, form, citizen = loaded(make_app, tmp_path, "fine-instalments")
    citizen.walk(form, FINE, until="offer")
    page = citizen.post_with_errors("/fine-instalments/offer", {"monthly_offer": "500"})
    assert "You cannot offer more each month than you owe" in page.get_data(as_text=True)


def test_legal_aid_main_route_with_a_content_page_under_a_condition(make_app, tmp_path):
    app, form, citizen = loaded(make_app, tmp_path, "legal-aid-eligibility")
    answers = {
        "last_incident": date_fields("last_incident", datetime.date(2015, 6, 1)),
        "home_postcode": "sw1a1aa",
    }
    assert citizen.walk(form, answers).endswith("/check-your-answers")
    assert "/legal-aid-eligibility/older-evidence" in citizen.seen
    assert "/legal-aid-eligibility/savings" not in citizen.seen  # Universal Credit
    stored = submitted(app, citizen, form)
    assert stored["benefits"] == ["universal-credit"] and "savings" not in stored
    assert stored["adults_in_home"] == 0
    assert stored["home_postcode"] == "SW1A 1AA"


@pytest.mark.parametrize(
    ("answers", "exit_page"),
    [
        ({"problem": "divorce"}, "divorce-only"),
        (
            {"problem": "child-arrangements", "benefits": ["none"], "savings": "9000"},
            "too-much-capital",
        ),
    ],
)
def test_legal_aid_exit_pages(make_app, tmp_path, answers, exit_page):
    app, form, citizen = loaded(make_app, tmp_path, "legal-aid-eligibility")
    assert citizen.walk(form, answers).endswith(f"/{exit_page}")


def test_legal_aid_savings_under_the_limit_go_on(make_app, tmp_path):
    app, form, citizen = loaded(make_app, tmp_path, "legal-aid-eligibility")
    answers = {"problem": "child-arrangements", "benefits": ["none"], "savings": "7999.99"}
    assert citizen.walk(form, answers).endswith("/check-your-answers")
    assert "/legal-aid-eligibility/incident-date" not in citizen.seen
    assert submitted(app, citizen, form)["savings"] == 799999


PROBATION = {
    "crn": "X123456",
    "changes": ["address", "job", "phone"],
    "people_at_address": "2",
    "weekly_pay": "350.50",
}


def test_probation_changes_every_error_kind_under_the_authors_names(make_app, tmp_path):
    app, form, citizen = loaded(make_app, tmp_path, "probation-changes")
    citizen.walk(form, PROBATION, until="change")
    wrong = {
        "your-details": (
            {"crn": "X12345", "probation_name-first": "Jo", "probation_name-last": "Bloggs"},
            "Case reference number must be 7 characters",
        ),
        "change": (
            {"changes": ["address", "job", "phone", "health"]},
            "Select up to 3 changes. Tell your probation officer about the others",
        ),
    }
    for page_id, (fields, message) in wrong.items():
        page = citizen.post_with_errors(f"/probation-changes/{page_id}", fields)
        assert message in page.get_data(as_text=True)
    assert citizen.walk(form, PROBATION).endswith("/check-your-answers")
    stored = submitted(app, citizen, form)
    assert stored["people_at_address"] == 2 and stored["weekly_pay"] == 35050


def test_court_order_copy_the_smallest_form(make_app, tmp_path):
    app, form, citizen = loaded(make_app, tmp_path, "court-order-copy")
    assert citizen.walk(form).endswith("/check-your-answers")
    page = citizen.get("/court-order-copy/case").get_data(as_text=True)
    assert re.search(r"<h1[^>]*>\s*(<label[^>]*>)?\s*Which order do you need a copy of\?", page)
    stored = submitted(app, citizen, form)
    assert stored == {"case_details": "Some words about it."}


def test_prison_property_claim_a_repeat_naming_its_item_and_no_check_answers(make_app, tmp_path):
    app, form, citizen = loaded(make_app, tmp_path, "prison-property-claim")
    answers = {
        "prison_number": "A1234BC",
        "item_description": "radio",
        "item_value": "45.99",
        "prisoner_address": {
            "prisoner_address-line1": "Rua Augusta 10",
            "prisoner_address-town": "Lisbon",
            "prisoner_address-country": "Portugal",
        },
    }
    url = citizen.walk(form, answers, until="item-value")
    assert "How much was the radio worth?" in citizen.get(url).get_data(as_text=True)
    citizen.walk(form, answers)
    stored = submitted(app, citizen, form)
    [item] = stored["items"]
    assert item == {"item_description": "radio", "item_value": 4599, "item_damaged": "lost"}
    assert stored["prisoner_address"]["country"] == "Portugal"
    assert (
        "postcode" not in stored["prisoner_address"] or not stored["prisoner_address"]["postcode"]
    )


def test_interpreter_request_a_long_list_a_repeat_under_a_condition_and_a_name_part(
    make_app, tmp_path
):
    app, form, citizen = loaded(make_app, tmp_path, "interpreter-request")
    answers = {
        "party_language": "arabic",
        "dialect": "Egyptian Arabic",
        "others_need": "yes",
        "other_language": "bsl",
    }
    citizen.walk(form, answers, until="language")
    page = citizen.get("/interpreter-request/language").get_data(as_text=True)
    assert "Which language does Jo need?" in page
    assert citizen.walk(form, answers).endswith("/check-your-answers")
    assert "/interpreter-request/dialect" in citizen.seen
    stored = submitted(app, citizen, form)
    assert stored["party_language"] == "arabic" and stored["dialect"] == "Egyptian Arabic"
    assert [p["other_language"] for p in stored["other_people"]] == ["bsl"]


def test_check_finds_no_problem_in_the_contract_fixtures():
    result = CliRunner().invoke(cli, ["check", str(CONTRACT)])
    assert result.exit_code == 0, result.output
    assert "10 file(s) checked: 10 form(s) ok, 0 problem(s) in 0 file(s)" in result.output


def test_every_fixture_is_checked_here():
    tested = set(re.findall(r'"([a-z-]+)"\)', Path(__file__).read_text()))
    assert {path.stem for path in CONTRACT.glob("*.yaml")} <= tested
