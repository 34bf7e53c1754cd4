"""Longer journeys: groups of people whose number changes the questions asked and the
prison's limit on adult visitors (the claims for criminal injuries compensation made for
someone else or after a death are in test_complex_cica_journeys.py). Axe runs on every
page (the `citizen` fixture).
"""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import require_form

pytestmark = pytest.mark.e2e

LPA = "lasting-power-of-attorney"
PVB = "prison-visit-booking"
CICA = "criminal-injuries-compensation"
DAY = datetime.timedelta(days=1)

HOW_ATTORNEYS_ACT = "How should the attorneys make decisions?"
WHEN_REPLACEMENTS_STEP_IN = "How should the replacement attorneys step in?"
HOW_REPLACEMENTS_ACT = "How should the replacement attorneys make decisions?"
DEPENDS = "Jointly for some decisions, and jointly and severally for other decisions"


# -- helpers ---------------------------------------------------------------------------------


def address(line1: str, town: str, postcode: str) -> dict:
    return {"line1": line1, "town": town, "postcode": postcode, "country": "United Kingdom"}


def uk_address(line1: str, town: str, postcode: str) -> dict:
    """An address for a UK-only address question (no country box)."""
    return {"line1": line1, "town": town, "postcode": postcode}


def years_ago(today: datetime.date, years: int, days: int = 40) -> datetime.date:
    """A date of birth safely `years` years old (a few weeks' margin either side)."""
    return today - DAY * (365 * years + years // 4 + days)


def not_reachable(citizen, form_id: str, page_id: str) -> None:
    """The page is not on the citizen's route: asking for it sends them somewhere else.

    Asked with the browser's own cookies, without rendering the page (so no axe run).
    """
    response = citizen.page.request.get(f"/{form_id}/{page_id}", max_redirects=0)
    assert response.status == 302, f"/{form_id}/{page_id}: {response.status}"
    location = urlsplit(response.headers["location"]).path
    assert not location.endswith(f"/{page_id}"), location


def item_headings(citizen) -> list[str]:
    """The repeat items on check your answers ("Attorney 1", ...): their summary cards'
    titles ("Attorney 1: Tomasz Nowak") before the colon."""
    titles = citizen.page.locator("main .govuk-summary-card__title").all_inner_texts()
    return [title.strip().split(": ")[0] for title in titles]


def submitted_answers(app, reference: str) -> dict:
    submission = app.extensions["store"].get_submission(reference)
    assert submission is not None, reference
    return dict(submission.answers)


# -- lasting power of attorney ---------------------------------------------------------------

# The LPA is a task list (after its first question, the type of LPA): ("tasks", title)
# opens a task from it; at the end of each task the citizen is back on the list.
DONOR = [
    ("tasks", "Donor details"),
    ("donor-details", {
        "donor_name": {"title": "Mr", "first": "Idris", "last": "Pritchard"},
        "donor_dob": datetime.date(1944, 5, 17),
    }),
    ("donor-address", {"donor_address": address("3 Bryn Road", "Bangor", "LL57 2AB")}),
]  # fmt: skip

ATTORNEYS = [("Tomasz", "Nowak"), ("Grace", "Okafor"), ("Huw", "Pritchard")]
REPLACEMENTS = [("Ada", "Pritchard"), ("Ben", "Lloyd")]


def attorney(number: int, first: str, last: str, *, typed: bool) -> list[tuple[str, dict]]:
    """One attorney, a person: the "person or trust corporation?" page only when `typed`
    (a property and financial affairs LPA)."""
    steps = [(f"attorneys/{number}/attorney-type", {"attorney_type": "person"})] if typed else []
    return [*steps, (f"attorneys/{number}/attorney-details", {
        "attorney_name": {"first": first, "last": last},
        "attorney_dob": datetime.date(1970 + number, number, 10 + number),
        "attorney_address": address(f"{number} Mill Lane", "Conwy", "LL32 8AA"),
    })]  # fmt: skip


def replacement(number: int, first: str, last: str, *, typed: bool) -> list[tuple[str, dict]]:
    path = f"replacement_attorneys/{number}"
    steps = [(f"{path}/replacement-attorney-type", {"replacement_type": "person"})] if typed else []
    return [*steps, (f"{path}/replacement-attorney-details", {
        "replacement_name": {"first": first, "last": last},
        "replacement_dob": datetime.date(1980 + number, number, 3),
        "replacement_address": address(f"{number} Quay Street", "Caernarfon", "LL55 1AA"),
    })]  # fmt: skip


def group(
    repeat: str, add, people: list[tuple[str, str]], *, typed: bool, asked_first: bool
) -> list[tuple[str, dict | str]]:
    """Add each person in turn through the add-another page, then say no more.

    With `asked_first` the first item is asked straight away (min: 1, as for attorneys);
    otherwise the add-another page comes first (min: 0).
    """
    steps: list[tuple[str, dict | str]] = []
    for number, (first, last) in enumerate(people, start=1):
        if number > 1 or not asked_first:
            steps.append((repeat, {"add_another": True}))
        steps += add(number, first, last, typed=typed)
    steps.append((repeat, {"add_another": False}))
    return steps


def lpa_registration(*, applicant: str = "donor") -> list[tuple[str, dict]]:
    """Certificate provider to "Who is applying to register the LPA?", no one to notify."""
    return [
        ("tasks", "Certificate provider"),
        ("certificate-provider", {
            "certificate_provider_name": {"first": "Priya", "last": "Shah"},
            "certificate_provider_address": address("Health Centre", "Bangor", "LL57 1AA"),
        }),
        ("tasks", "People to notify"),
        ("people_to_notify", {"add_another": False}),
        ("tasks", "Preferences and instructions"),
        ("preferences-and-instructions", {}),
        ("tasks", "Registering the LPA"),
        ("who-is-applying", {"applicant": applicant}),
    ]  # fmt: skip


# Correspondent (the donor) to the fee: after "Who is applying" (and "Which attorneys").
LPA_TAIL = [
    ("correspondent", {"correspondent": "donor"}),
    ("correspondent-contact", {"contact_methods": ["post"]}),
    ("correspondence-language", {"correspondence_language": "en"}),
    ("tasks", "About your use of this service"),
    ("who-was-using", {"who_was_using": "friend-or-family"}),
    ("tasks", "Fee"),
    ("repeat-application", {"repeat_application": "no"}),
    ("reduced-fee", {"reduced_fee": "not-applying"}),
]


def test_lpa_three_attorneys_jointly_for_some_decisions(citizen, live_app):
    """3 attorneys acting "jointly for some decisions", then 2 replacement attorneys.

    With that choice neither replacement question applies: "step in" needs attorneys
    acting jointly and severally, and "how replacements act" needs 1 attorney, attorneys
    acting jointly, or replacements stepping in last (not asked here, so not answered).
    """
    require_form(live_app, LPA)
    citizen.start(LPA, first_page="lpa-type")
    citizen.walk(LPA, [
        ("lpa-type", {"lpa_type": "property-and-financial"}),
        *DONOR,
        ("tasks", "When and how the LPA can be used"),
        ("when-lpa-can-be-used", {"when_lpa_used": "no-capacity"}),
        ("tasks", "Attorneys"),
        *group("attorneys", attorney, ATTORNEYS, typed=True, asked_first=True),
    ])  # fmt: skip

    # 3 attorneys: how they act is asked. "Depends" reveals the details, which are needed.
    citizen.expect_page(LPA, "how-attorneys-act")
    expect(citizen.heading).to_have_text(HOW_ATTORNEYS_ACT)
    details = citizen.page.locator('[name="how_attorneys_act_details"]')
    expect(details).to_be_hidden()
    citizen.answer(how_attorneys_act="depends")
    expect(details).to_be_visible()
    citizen.continue_()
    citizen.expect_errors(how_attorneys_act_details="Enter details")
    expect(citizen.page.locator('[name="how_attorneys_act"][value="depends"]')).to_be_checked()
    expect(details).to_be_visible()
    decisions = "Selling the house must be decided jointly."
    citizen.walk(LPA, [("how-attorneys-act", {"how_attorneys_act_details": decisions})])

    citizen.walk(LPA, [("tasks", "Replacement attorneys")])
    citizen.expect_page(LPA, "replacement_attorneys")
    expect(citizen.page.locator("main")).to_contain_text("You have not added any yet.")
    citizen.walk(
        LPA,
        group("replacement_attorneys", replacement, REPLACEMENTS, typed=True, asked_first=False),
    )
    # The task is done at once: neither replacement question is asked...
    citizen.expect_page(LPA, "tasks")
    assert citizen.task_statuses()["Replacement attorneys"] == "Completed"
    # ...nor can it be reached by its address.
    not_reachable(citizen, LPA, "when-replacements-step-in")
    not_reachable(citizen, LPA, "how-replacements-act")

    citizen.walk(LPA, lpa_registration(applicant="attorney"))
    # Not all jointly: the attorneys who apply are named (the option says "attorneys").
    citizen.walk(LPA, [
        ("which-attorneys-applying", {"applicant_attorneys": "Tomasz Nowak, Grace Okafor"}),
        *LPA_TAIL,
    ])  # fmt: skip

    answers = citizen.expect_check_answers(LPA)
    assert item_headings(citizen) == [
        "Attorney 1", "Attorney 2", "Attorney 3",
        "Replacement attorney 1", "Replacement attorney 2",
    ]  # fmt: skip
    assert answers["Attorneys"] == "3 added"
    assert answers["Replacement attorneys"] == "2 added"
    for number, (first, last) in enumerate(ATTORNEYS, start=1):
        assert answers[f"Attorney {number}: Attorney's name"] == f"{first} {last}"
        assert answers[f"Attorney {number}: Is this attorney a person or a trust corporation?"] == (
            "A person"
        )
    for number, (first, last) in enumerate(REPLACEMENTS, start=1):
        key = f"Replacement attorney {number}: Replacement attorney's name"
        assert answers[key] == f"{first} {last}"
    assert answers[HOW_ATTORNEYS_ACT] == DEPENDS
    assert answers["Details"] == decisions
    assert WHEN_REPLACEMENTS_STEP_IN not in answers
    assert HOW_REPLACEMENTS_ACT not in answers
    assert answers["Who is applying to register the LPA?"] == "The attorneys"

    reference = citizen.accept_and_send(LPA)
    stored = submitted_answers(live_app, reference)
    assert stored["how_attorneys_act"] == "depends"
    assert stored["how_attorneys_act_details"] == decisions
    assert len(stored["attorneys"]) == 3
    assert len(stored["replacement_attorneys"]) == 2
    assert "when_replacements_step_in" not in stored
    assert "how_replacements_act" not in stored


def test_lpa_one_attorney_is_never_asked_how_attorneys_act(citizen, live_app):
    """Health and welfare, 1 attorney: "How should the attorneys make decisions?" is never
    asked. With 1 attorney and 2 replacements, how the replacements act is asked instead."""
    citizen.start(LPA, first_page="lpa-type")
    citizen.walk(LPA, [
        ("lpa-type", {"lpa_type": "health-and-welfare"}),
        *DONOR,
        ("tasks", "When and how the LPA can be used"),
        ("life-sustaining-treatment", {"life_sustaining_treatment": "option-b"}),
        ("tasks", "Attorneys"),
        # Health and welfare: no "person or trust corporation?" page.
        *group("attorneys", attorney, ATTORNEYS[:1], typed=False, asked_first=True),
    ])  # fmt: skip
    # The attorneys' add-another page ends the task: nothing more to ask about 1 attorney.
    citizen.expect_page(LPA, "tasks")
    assert citizen.task_statuses()["Attorneys"] == "Completed"
    citizen.walk(LPA, [("tasks", "Replacement attorneys")])
    citizen.expect_page(LPA, "replacement_attorneys")
    expect(citizen.heading).not_to_have_text(HOW_ATTORNEYS_ACT)
    expect(citizen.heading).to_have_text("Replacement attorneys")
    not_reachable(citizen, LPA, "how-attorneys-act")

    citizen.walk(
        LPA,
        group("replacement_attorneys", replacement, REPLACEMENTS, typed=False, asked_first=False),
    )
    # 1 attorney: replacements never "step in" alongside others, but how they act is asked.
    citizen.expect_page(LPA, "how-replacements-act")
    expect(citizen.heading).to_have_text(HOW_REPLACEMENTS_ACT)
    citizen.walk(LPA, [("how-replacements-act", {"how_replacements_act": "jointly"})])
    citizen.expect_page(LPA, "tasks")
    not_reachable(citizen, LPA, "when-replacements-step-in")

    citizen.walk(LPA, lpa_registration()[:-1])
    citizen.expect_page(LPA, "who-is-applying")
    expect(citizen.page.get_by_label("The attorney", exact=True)).to_have_count(1)
    expect(citizen.page.get_by_label("The attorneys", exact=True)).to_have_count(0)
    citizen.walk(LPA, [("who-is-applying", {"applicant": "attorney"}), *LPA_TAIL])

    answers = citizen.expect_check_answers(LPA)
    assert answers["Attorneys"] == "1 added"
    assert HOW_ATTORNEYS_ACT not in answers
    assert "Details" not in answers
    assert WHEN_REPLACEMENTS_STEP_IN not in answers
    assert answers[HOW_REPLACEMENTS_ACT] == "Jointly"
    assert "Which attorneys are applying to register the LPA?" not in answers
    assert item_headings(citizen) == [
        "Attorney 1", "Replacement attorney 1", "Replacement attorney 2",
    ]  # fmt: skip
    reference = citizen.accept_and_send(LPA)
    stored = submitted_answers(live_app, reference)
    assert "how_attorneys_act" not in stored
    assert stored["how_replacements_act"] == "jointly"


def test_removing_an_attorney_drops_the_answers_that_needed_two(citizen, live_app):
    """Removing an item drops the answers that depended on it.

    The prison visit form has no question that depends on its visitors (only a rule on
    their ages), so this uses the LPA, where 4 pages depend on having 2 or more attorneys:
    how they act, when replacements step in, which attorneys apply, and which attorney to
    write to. With 2 attorneys all 4 are answered; removing one (from check your answers)
    leaves 1 attorney, and none of the 4 is shown or sent.
    """
    citizen.start(LPA, first_page="lpa-type")
    citizen.walk(LPA, [
        ("lpa-type", {"lpa_type": "health-and-welfare"}),
        *DONOR,
        ("tasks", "When and how the LPA can be used"),
        ("life-sustaining-treatment", {"life_sustaining_treatment": "option-a"}),
        ("tasks", "Attorneys"),
        *group("attorneys", attorney, ATTORNEYS[:2], typed=False, asked_first=True),
        ("how-attorneys-act", {"how_attorneys_act": "jointly-and-severally"}),
        ("tasks", "Replacement attorneys"),
        *group("replacement_attorneys", replacement, REPLACEMENTS[:1], typed=False,
               asked_first=False),
        ("when-replacements-step-in", {"when_replacements_step_in": "last"}),
        *lpa_registration(applicant="attorney"),
        ("which-attorneys-applying", {"applicant_attorneys": "Grace Okafor"}),
        ("correspondent", {"correspondent": "attorney"}),
        ("correspondent-attorney", {"correspondent_attorney": "Grace Okafor"}),
        *LPA_TAIL[1:],
    ])  # fmt: skip
    dependent = {
        HOW_ATTORNEYS_ACT: "Jointly and severally",
        WHEN_REPLACEMENTS_STEP_IN: "Only when none of the original attorneys can act",
        "Which attorneys are applying to register the LPA?": "Grace Okafor",
        "Which attorney should we write to?": "Grace Okafor",
    }
    before = citizen.expect_check_answers(LPA)
    assert {key: before.get(key) for key in dependent} == dependent
    assert before["Attorneys"] == "2 added"
    assert before["Who is applying to register the LPA?"] == "The attorneys"

    # Change the attorneys: the add-another page, then remove attorney 2.
    citizen.change("Attorneys")
    citizen.expect_page(LPA, "attorneys")
    expect(citizen.page.locator(".govuk-summary-list__row")).to_have_count(2)
    citizen.follow(citizen.page.get_by_role("link", name="Remove Attorney 2", exact=True))
    citizen.expect_page(LPA, "attorneys/2/remove")
    expect(citizen.page.locator("main")).to_contain_text("Grace Okafor")
    citizen.walk(LPA, [("attorneys/2/remove", {"remove": True})])
    citizen.expect_page(LPA, "attorneys")
    expect(citizen.page.locator(".govuk-summary-list__row")).to_have_count(1)
    citizen.walk(LPA, [("attorneys", {"add_another": False})])

    # Nothing left to answer: straight back to check your answers, without the 4 answers.
    after = citizen.expect_check_answers(LPA)
    assert after["Attorneys"] == "1 added"
    assert [key for key in dependent if key in after] == []
    assert "Attorney 2: Attorney's name" not in after
    assert after["Attorney 1: Attorney's name"] == "Tomasz Nowak"
    assert after["Who is applying to register the LPA?"] == "The attorney"
    assert after["Who should we send the registered LPA and any letters to?"] == "The attorney"
    for page_id in ("how-attorneys-act", "when-replacements-step-in", "correspondent-attorney"):
        not_reachable(citizen, LPA, page_id)

    reference = citizen.accept_and_send(LPA)
    stored = submitted_answers(live_app, reference)
    assert len(stored["attorneys"]) == 1
    for question in (
        "how_attorneys_act",
        "when_replacements_step_in",
        "applicant_attorneys",
        "correspondent_attorney",
    ):
        assert question not in stored, question


# -- prison visit ----------------------------------------------------------------------------


def visitor(first: str, dob: datetime.date) -> dict:
    return {"visitor_first_name": first, "visitor_last_name": "Jones", "visitor_dob": dob}


def test_prison_visit_at_most_three_adults_in_total(citizen, live_app, today):
    """The lead visitor (an adult) and 4 others: 2 adults and 2 children. A 5th other
    visitor who is an adult would make 4 adults: refused, then taken as a child."""
    require_form(live_app, PVB)
    others = [
        ("Rhys", years_ago(today, 40)),  # adult
        ("Nia", years_ago(today, 9)),  # child
        ("Cai", years_ago(today, 17, days=200)),  # 17 and a half: still a child
        ("Carys", years_ago(today, 18, days=30)),  # just 18: an adult
    ]
    steps: list[tuple[str, dict]] = []
    for number, (first, dob) in enumerate(others, start=1):
        steps += [
            ("visitors", {"add_another": True}),
            (f"visitors/{number}/other-visitor-details", visitor(first, dob)),
        ]
    citizen.start(PVB, first_page="prisoner")
    citizen.walk(PVB, [
        ("prisoner", {
            "prisoner_first_name": "Dafydd", "prisoner_last_name": "Jones",
            "prisoner_dob": datetime.date(1988, 4, 28), "prisoner_number": "A1234BC",
            "prison": "cardiff",
        }),
        ("visit-first-choice", {"visit_date_1": today + DAY * 8, "visit_time_1": "afternoon"}),
        ("visit-second-choice", {}),
        ("visitor-details", {"lead_visitor_first_name": "Siân",
                             "lead_visitor_last_name": "Jones",
                             "lead_visitor_dob": datetime.date(1986, 11, 3)}),
        ("visitor-contact", {"visitor_email": "sian@example.com",
                             "visitor_email-confirm": "sian@example.com",
                             "visitor_phone": "07700 900 982"}),
        *steps,
        ("visitors", {"add_another": True}),
    ])  # fmt: skip

    # A 4th adult in total (the lead, Rhys, Carys, and now Gareth): refused on its page.
    citizen.expect_page(PVB, "visitors/5/other-visitor-details")
    citizen.answer(visitor("Gareth", years_ago(today, 55)))
    citizen.continue_()  # the error page is checked by axe too
    citizen.expect_page(PVB, "visitors/5/other-visitor-details")
    message = "You can book a maximum of 3 visitors over the age of 18"
    pairs = citizen.expect_errors(visitor_dob=message)
    assert pairs[0][0] == message
    expect(citizen.page.locator(".govuk-error-summary")).to_contain_text(message)
    expect(citizen.page.locator('[name="visitor_first_name"]')).to_have_value("Gareth")
    # Nothing was saved: the group still has 4 visitors.
    still = citizen.page.request.get(f"/{PVB}/visitors")
    assert still.ok
    assert len(re.findall(rf'href="/{PVB}/visitors/\d+/remove"', still.text())) == 4

    # A child instead: accepted, and with 5 others the group is full.
    citizen.walk(PVB, [
        ("visitors/5/other-visitor-details", visitor("Gwen", years_ago(today, 4))),
    ])  # fmt: skip
    citizen.expect_page(PVB, "visitors")
    expect(citizen.page.locator(".govuk-summary-list__row")).to_have_count(5)
    expect(citizen.page.locator("main")).to_contain_text("You cannot add any more.")
    expect(citizen.page.locator('[name="add_another"]')).to_have_count(0)
    citizen.continue_()
    citizen.walk(PVB, [("additional-support", {"needs_support": "no"})])

    answers = citizen.expect_check_answers(PVB)
    assert answers["Other visitors"] == "5 added"
    names = [answers[f"Visitor {n}: First name"] for n in range(1, 6)]
    assert names == ["Rhys", "Nia", "Cai", "Carys", "Gwen"]
    reference = citizen.accept_and_send(PVB)
    stored = submitted_answers(live_app, reference)
    assert [v["visitor_first_name"] for v in stored["visitors"]] == names
