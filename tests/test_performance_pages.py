"""The performance dashboard through the Flask client: who may see it, its filters and
their errors, the CSV downloads, and the paper forms recorded outside the service."""

from __future__ import annotations

import csv
import datetime
import io
import re
import uuid

import pytest

from forms_service.clock import utcnow
from forms_service.passwords import hash_password
from tests.staff import PASSWORD, add_caseworker_and_admin, lands_on, signed_in

FORM = "prison-visit-booking"


@pytest.fixture
def app(make_app):
    app = make_app()
    store = app.extensions["store"]
    add_caseworker_and_admin(store)
    store.create_user("owner@example.com", "Olu Owner", "performance", [], hash_password(PASSWORD))
    return app


@pytest.fixture
def owner(app):
    return signed_in(app, "owner@example.com")


def text(response) -> str:
    return response.get_data(as_text=True)


def test_a_caseworker_may_not_see_the_dashboard(app):
    caseworker = signed_in(app, "case@example.com")
    assert caseworker.get("/staff/performance/").status_code == 403
    assert caseworker.get(f"/staff/performance/{FORM}").status_code == 403
    assert caseworker.get(f"/staff/performance/{FORM}/summary.csv").status_code == 403
    assert "/staff/performance/" not in text(caseworker.get("/staff/"))


def test_signed_out_people_are_sent_to_sign_in(app):
    response = app.test_client().get(f"/staff/performance/{FORM}")
    assert response.status_code == 302 and "/staff/sign-in" in response.location


@pytest.mark.parametrize("email", ["owner@example.com", "admin@example.com"])
def test_the_service_owner_and_admins_see_it_linked_from_the_menu(app, email):
    staff = signed_in(app, email)
    page = text(staff.get("/staff/performance/"))
    assert re.search(r'href="/staff/performance/">Performance</a>', page)
    assert "<title>Performance: All forms – " in page
    page = staff.get(f"/staff/performance/{FORM}")
    assert page.status_code == 200
    assert "<title>Performance: Book a prison visit – " in text(page)


def test_a_service_owner_lands_on_the_dashboard(app):
    assert lands_on(app, "owner@example.com") == "/staff/performance/"


def test_an_unknown_form_is_not_found(owner):
    assert owner.get("/staff/performance/no-such-form").status_code == 404
    assert owner.get("/staff/performance/?form=no-such-form").status_code == 404
    assert owner.get("/staff/performance/no-such-form/summary.csv").status_code == 404


def test_the_sections_come_in_order_with_a_chart_and_table_each(owner):
    page = text(owner.get(f"/staff/performance/{FORM}"))
    headings = re.findall(r'<h2 class="govuk-heading-l"[^>]*>([^<]+)</h2>', page)
    assert headings == [
        "Key performance indicators",
        "Where people drop off",
        "Validation errors",
        "User satisfaction",
        "Turnaround",
        "Channels",
        "Paper forms received outside the service",
        "Download",
    ]
    for chart in ("chart-errors", "chart-satisfaction", "chart-turnaround", "chart-channels"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in page
    assert 'href="/staff/performance/comments?form=prison-visit-booking"' in page
    assert "Download all figures (CSV)" in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_all_forms_leave_pages_and_questions_to_each_form(owner):
    page = text(owner.get("/staff/performance/"))
    assert "Choose a form to see where people drop off." in page
    assert "Choose a form to see the validation errors of its questions." in page
    assert "chart-errors" not in page
    assert "Paper forms received outside the service</h2>" not in page
    assert 'href="/staff/performance/comments"' in page


def test_the_form_select_goes_to_the_forms_own_page_keeping_the_filters(owner):
    response = owner.get(f"/staff/performance/?form={FORM}&period=7&channel=assisted")
    assert response.status_code == 302
    assert response.location == f"/staff/performance/{FORM}?period=7&channel=assisted"


def test_the_filters_chosen_are_shown_and_kept_in_the_csv_links(owner):
    page = text(owner.get(f"/staff/performance/{FORM}?period=7&channel=assisted&language=cy"))
    today = utcnow().date()
    start = today - datetime.timedelta(days=6)
    assert f"{start.day} {start:%B %Y} to {today.day} {today:%B %Y}" in page
    assert "Channel: Assisted digital. Language: Welsh." in page
    assert re.search(r'value="7" checked', page)
    assert re.search(r'<option value="assisted" selected>', page)
    assert (
        f'href="/staff/performance/{FORM}/all-figures.csv?period=7&amp;channel=assisted'
        "&amp;language=cy" in page
    )


def custom(start: datetime.date | None, end: datetime.date | None, **typed: str) -> str:
    args = {"period": "custom"}
    for name, day in (("start", start), ("end", end)):
        if day:
            args.update(
                {f"{name}-day": day.day, f"{name}-month": day.month, f"{name}-year": day.year}
            )
    args.update(typed)
    return "&".join(f"{k}={v}" for k, v in args.items())


@pytest.mark.parametrize(
    "query, message, href",
    [
        (custom(None, None), "Enter the start date", "#start-day"),
        (
            custom(
                datetime.date(2026, 1, 1),
                None,
                **{"end-day": "31", "end-month": "2", "end-year": "2026"},
            ),
            "End date must be a real date",
            "#end-day",
        ),
        (
            custom(datetime.date(2026, 3, 1), datetime.date(2026, 2, 1)),
            "End date must be the same as or after the start date",
            "#end-day",
        ),
        (
            custom(
                utcnow().date() - datetime.timedelta(days=1),
                utcnow().date() + datetime.timedelta(days=1),
            ),
            "End date must be today or in the past",
            "#end-day",
        ),
        (
            custom(datetime.date(2024, 1, 1), datetime.date(2025, 6, 1)),
            "The period must be 366 days or fewer",
            "#end-day",
        ),
        (
            custom(None, None, **{"start-day": "1", "start-year": "2026"}),
            "Start date must include a month",
            "#start-month",
        ),
    ],
)
def test_custom_dates_that_are_not_a_period_are_explained(owner, query, message, href):
    response = owner.get(f"/staff/performance/{FORM}?{query}")
    assert response.status_code == 200
    page = text(response)
    assert "<title>Error: Performance: Book a prison visit" in page
    assert "govuk-error-summary" in page
    assert f'<a href="{href}">{message}</a>' in page
    assert f'<p id="{href[1:].split("-")[0]}-error" class="govuk-error-message">' in page
    assert "Correct the dates to see the figures." in page
    assert "Key performance indicators" not in page


def test_a_custom_period_is_shown(owner):
    query = custom(datetime.date(2026, 1, 5), datetime.date(2026, 2, 4))
    page = text(owner.get(f"/staff/performance/{FORM}?{query}"))
    assert "5 January 2026 to 4 February 2026" in page
    assert "govuk-error-summary" not in page


def test_last_calendar_month_is_the_month_before_this_one(owner):
    end = datetime.date.today().replace(day=1) - datetime.timedelta(days=1)
    page = text(owner.get(f"/staff/performance/{FORM}?period=month"))
    assert f"1 {end:%B %Y} to {end.day} {end:%B %Y}" in page
    assert 'value="month" checked' in page


def test_each_table_downloads_as_csv(owner):
    page = text(owner.get(f"/staff/performance/{FORM}?period=90"))
    links = re.findall(r'href="(/staff/performance/[^"]+\.csv[^"]*)"', page)
    assert len(links) >= 6
    for link in links:
        response = owner.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"].startswith("attachment; filename=")
        assert list(csv.reader(io.StringIO(text(response))))


def test_all_forms_download_as_csv_too(owner):
    response = owner.get("/staff/performance/all/all-figures.csv?period=7")
    assert response.status_code == 200
    assert "performance-all-all-figures" in response.headers["Content-Disposition"]
    assert owner.get("/staff/performance/all/no-such-table.csv").status_code == 404


def test_paper_forms_are_recorded_listed_and_deleted_with_an_audit(app, owner):
    today = utcnow().date()
    owner.get(f"/staff/performance/{FORM}")
    response = owner.post(
        f"/staff/performance/{FORM}/paper",
        {
            "received-day": today.day,
            "received-month": today.month,
            "received-year": today.year,
            "count": "12",
            "filters": "period=7&channel=paper",
        },
    )
    assert response.status_code == 303
    assert response.location == f"/staff/performance/{FORM}?period=7&channel=paper#paper"
    page = text(owner.get(f"/staff/performance/{FORM}?period=7"))
    assert "Recorded 12 paper forms received on" in page
    assert re.search(r'govuk-table__cell--numeric">12</td>', page)
    store = app.extensions["store"]
    (volume,) = store.paper_volumes(FORM, today, today)
    assert volume.count == 12 and "owner@example.com" in volume.recorded_by
    events, _total = store.audit_events(offset=0, limit=5)
    assert events[0].action == "paper_volume_recorded" and events[0].target == FORM

    other_form = f"/staff/performance/criminal-injuries-compensation/paper/{volume.id}/delete"
    assert owner.post(other_form, {}).status_code == 404
    response = owner.post(f"/staff/performance/{FORM}/paper/{volume.id}/delete", {})
    assert response.status_code == 303
    assert store.paper_volumes(FORM, today, today) == []
    events, _total = store.audit_events(offset=0, limit=5)
    assert events[0].action == "paper_volume_deleted"
    assert owner.post(f"/staff/performance/{FORM}/paper/{volume.id}/delete", {}).status_code == 404


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"count": "3"}, "Enter the date the paper forms were received"),
        (
            {"received-day": "31", "received-month": "2", "received-year": "2026", "count": "3"},
            "Date received must be a real date",
        ),
        (
            {"received-day": "1", "received-month": "1", "received-year": "2026", "count": ""},
            "Enter the number of paper forms",
        ),
        (
            {"received-day": "1", "received-month": "1", "received-year": "2026", "count": "lots"},
            "Number of paper forms must be a whole number",
        ),
        (
            {"received-day": "1", "received-month": "1", "received-year": "2026", "count": "0"},
            "Number of paper forms must be between 1 and 1,000,000",
        ),
    ],
)
def test_paper_forms_that_cannot_be_recorded_are_explained(app, owner, fields, message):
    owner.get(f"/staff/performance/{FORM}")
    response = owner.post(f"/staff/performance/{FORM}/paper", fields)
    assert response.status_code == 400
    page = text(response)
    assert "govuk-error-summary" in page and message in page
    assert '<h1 class="govuk-fieldset__heading">' in page
    today = utcnow().date()
    assert (
        app.extensions["store"].paper_volumes(FORM, today - datetime.timedelta(days=400), today)
        == []
    )


def test_recording_paper_needs_the_csrf_token(app, owner):
    response = owner.client.post(f"/staff/performance/{FORM}/paper", data={"count": "3"})
    assert response.status_code == 400


def journey(channel: str, language: str, *kinds: tuple, hours_ago: int = 3) -> list[dict]:
    """One journey's events, as views/performance_events.py writes them: (kind, page, question,
    detail, value) tuples, shortened from the right."""
    at = utcnow() - datetime.timedelta(hours=hours_ago)
    common = {
        "at": at,
        "journey": uuid.uuid4().hex,
        "form_id": FORM,
        "form_version": "1",
        "channel": channel,
        "language": language,
    }
    names = ("kind", "page", "question", "detail", "value")
    return [{**common, **dict(zip(names, event, strict=False))} for event in kinds]


def test_the_figures_shown_are_the_events_recorded(app, owner):
    submitted = [("started",), ("page_shown", "prisoner"), ("submitted", None, None, None, 12)]
    events = [
        *journey("online", "en", *submitted),
        *journey("online", "en", *submitted, ("feedback", None, None, None, 5)),
        *journey("online", "cy", *submitted, ("feedback", None, None, None, 2)),
        *journey(
            "online",
            "en",
            ("started",),
            ("page_shown", "prisoner"),
            ("validation_error", "prisoner", "prisoner_number", "invalid"),
            ("validation_error", "prisoner", "prisoner_number", "required"),
            ("saved", "prisoner"),
        ),
        *journey("assisted", "en", *submitted),
    ]
    app.extensions["store"].record_events(events)

    page = text(owner.get(f"/staff/performance/{FORM}?period=7&channel=online"))
    summary = dict(
        re.findall(
            r'<dt class="govuk-summary-list__key">\s*([^<]+?)\s*</dt>\s*'
            r'<dd class="govuk-summary-list__value">\s*([^<]+?)\s*</dd>',
            page,
        )
    )
    assert summary["Started"] == "4"
    assert summary["Submitted"] == "3"
    assert summary["Saved for later"] == "1"
    assert summary["Time to complete (median)"] == "12 minutes"
    assert re.search(r"govuk-heading-xl[^>]*>\s*75%\s*<", page)  # completion: 3 of 4
    assert re.search(r"govuk-heading-xl[^>]*>\s*50%\s*<", page)  # satisfaction: 1 of 2
    assert "2 validation errors in the period. Most were on “Prison number” (2)." in page

    welsh = text(owner.get(f"/staff/performance/{FORM}?period=7&language=cy"))
    assert re.search(r"Started\s*</dt>\s*<dd[^>]*>\s*1\s*<", welsh)

    response = owner.get(f"/staff/performance/{FORM}/summary.csv?period=7&channel=online")
    rows = list(csv.reader(io.StringIO(text(response).removeprefix("\ufeff"))))
    assert ["Journeys started", "4", ""] in rows
    assert ["Journeys submitted", "3", "4"] in rows
