"""The pages the law and the Service Standard require, the phase banner, and the start and
confirmation pages' GOV.UK patterns (issue 11)."""

from __future__ import annotations

import re
import textwrap
from html import unescape
from pathlib import Path

import pytest

from forms_service.retention import submission_days
from tests.citizen import Citizen
from tests.test_pages import MAIN_ROUTE

PRISON = "prison-visit-booking"
REQUIRED = ["/accessibility", "/privacy", "/cookies", "/contact"]
FOOTER = re.compile(r'<a class="govuk-footer__link" href="([^"]+)">\s*([^<]+?)\s*</a>')


def text_of(response) -> str:
    """The page as a person reads it: tags gone, spaces collapsed."""
    html = re.sub(r"<(script|svg)\b.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def footer_links(response) -> dict[str, str]:
    return {text: href for href, text in FOOTER.findall(response.get_data(as_text=True))}


@pytest.mark.parametrize(
    "path", [*REQUIRED, f"/privacy/{PRISON}", f"/contact/{PRISON}"], ids=str.strip
)
def test_every_required_page_is_there(shared_app, path):
    response = shared_app.test_client().get(path)
    assert response.status_code == 200
    assert "<h1" in response.get_data(as_text=True)


def test_a_question_page_links_to_its_forms_own_privacy_notice_and_contact_page(shared_app):
    page = shared_app.test_client().get(f"/{PRISON}/prisoner")
    assert page.status_code == 200
    assert footer_links(page) == {
        "Accessibility statement": "/accessibility",
        "Contact": f"/contact/{PRISON}",
        "Cookies": "/cookies",
        "Privacy": f"/privacy/{PRISON}",
    }


@pytest.mark.parametrize("path", ["/", "/staff/sign-in", "/no-such-form/", "/privacy/nope"])
def test_service_pages_staff_pages_and_error_pages_link_to_the_service_wide_ones(shared_app, path):
    page = shared_app.test_client().get(path)
    assert page.status_code in (200, 404)
    assert footer_links(page) == {
        "Accessibility statement": "/accessibility",
        "Contact": "/contact",
        "Cookies": "/cookies",
        "Privacy": "/privacy",
    }


def test_a_forms_privacy_notice_names_the_controller_the_data_and_how_long_it_is_kept(
    shared_app,
):
    form = shared_app.extensions["forms"][PRISON]
    text = text_of(shared_app.test_client().get(f"/privacy/{PRISON}"))
    assert "HM Prison and Probation Service is the data controller" in text
    for section in ("Prisoner details", "Visit dates and times", "Visitor details"):
        assert section in text
    assert "Prison number" in text  # a question the form asks
    assert "Answers you have not sent are deleted 90 days after you last saved them" in text
    days = submission_days(form.snapshot)
    assert f"deleted {days} days after a decision is made on it" in text
    assert "encrypted" in text
    for right in ("rectification", "erasure", "restriction", "objection"):
        assert right in text
    assert "Information Commissioner's Office" in text and "https://ico.org.uk/" in (
        shared_app.test_client().get(f"/privacy/{PRISON}").get_data(as_text=True)
    )


def test_a_form_without_an_organisation_names_the_configured_one(make_app, tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "plain.yaml").write_text(
        textwrap.dedent("""\
            id: plain-form
            version: 1
            title: A plain form
            retention_days: 14
            submission_retention_days: 400
            pages:
              - id: name
                questions:
                  - {id: full_name, type: text, label: Your full name}
        """)
    )
    app = make_app(folder, SERVICE_ORGANISATION="Ministry of Examples")
    text = text_of(app.test_client().get("/privacy/plain-form"))
    assert "Ministry of Examples is the data controller" in text
    assert "Your full name" in text
    assert "deleted 14 days after you last saved them" in text
    assert "deleted 400 days after a decision" in text


def test_the_cookies_page_lists_the_one_cookie_the_service_sets(app):
    client = app.test_client()
    client.get(f"/{PRISON}/prisoner")  # a page that starts a session
    set_cookies = {c.key for c in client._cookies.values()}
    text = text_of(client.get("/cookies"))
    assert set_cookies == {app.config["SESSION_COOKIE_NAME"]}
    assert app.config["SESSION_COOKIE_NAME"] in text
    assert "60 minutes without activity" in text
    assert "We do not use analytics cookies" in text


def test_the_cookies_page_names_the_production_cookie(make_app):
    app = make_app(SESSION_COOKIE_NAME="__Host-forms_session")
    assert "__Host-forms_session" in text_of(app.test_client().get("/cookies"))


def test_the_contact_pages_give_the_forms_contact_block_or_the_services_settings(make_app):
    app = make_app(
        SERVICE_CONTACT_PHONE="0306 999 0456",
        SERVICE_CONTACT_EMAIL="help@service.example.gov.uk",
        SERVICE_CONTACT_HOURS="Weekdays 8am to 6pm",
    )
    client = app.test_client()
    service = text_of(client.get("/contact"))
    assert "0306 999 0456" in service and "Weekdays 8am to 6pm" in service
    assert "help@service.example.gov.uk" in service
    assert "https://www.gov.uk/call-charges" in client.get("/contact").get_data(as_text=True)
    assert 'id="feedback"' in client.get("/contact").get_data(as_text=True)
    prison = text_of(client.get(f"/contact/{PRISON}"))
    assert "0306 999 0123" in prison and "prisonvisits@justice.example.gov.uk" in prison
    assert "Saturday, 9am to 12pm" in prison and "contact the prison directly" in prison
    assert "0306 999 0456" not in prison
    # A form with no contact: block falls back on the service's details.
    lpa = text_of(client.get("/contact/lasting-power-of-attorney"))
    assert "0306 999 0456" in lpa and "Office of the Public Guardian" in lpa


def test_the_contact_page_is_in_welsh_where_the_form_is(app):
    client = app.test_client()
    client.get(f"/{PRISON}/prisoner?lang=cy")
    text = text_of(client.get(f"/contact/{PRISON}"))
    assert "Dydd Llun i ddydd Gwener" in text
    assert "Trefnu ymweliad â charchar" in text


def test_the_accessibility_statement_follows_the_model(make_app):
    app = make_app(ACCESSIBILITY_STATEMENT_DATE="2026-11-20")
    text = text_of(app.test_client().get("/accessibility"))
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2" in text
    assert "aria-expanded" in text and "issue 979" in text
    assert "Equality Advisory and Support Service" in text
    assert "Equality Commission for Northern Ireland" in text
    assert "This statement was prepared on 20 November 2026" in text
    assert "axe-core" in text


@pytest.mark.parametrize(("phase", "tag"), [("alpha", "Alpha"), ("beta", "Beta")])
def test_the_phase_banner_shows_the_phase_and_a_feedback_link(make_app, phase, tag):
    app = make_app(SERVICE_PHASE=phase)
    for path in ("/", f"/{PRISON}/", "/staff/sign-in", "/no-such-form/"):
        html = app.test_client().get(path).get_data(as_text=True)
        banner = re.search(r'<div class="govuk-phase-banner.*?</div>', html, re.S).group(0)
        assert tag in banner
        assert 'href="/contact#feedback"' in banner and 'target="_blank"' in banner
        assert "give your feedback (opens in new tab)" in banner


def test_the_feedback_link_goes_to_the_feedback_url_when_there_is_one(make_app):
    app = make_app(FEEDBACK_URL="https://surveys.example.gov.uk/forms")
    html = app.test_client().get("/").get_data(as_text=True)
    assert 'href="https://surveys.example.gov.uk/forms"' in html


def test_a_live_service_has_no_phase_banner(make_app):
    html = make_app(SERVICE_PHASE="live").test_client().get("/").get_data(as_text=True)
    assert "govuk-phase-banner" not in html


def test_the_phase_is_checked(make_app):
    from forms_service.config import ConfigError

    with pytest.raises(ConfigError, match="SERVICE_PHASE must be alpha, beta or live"):
        make_app(SERVICE_PHASE="gamma")


# -- start page ------------------------------------------------------------------------------


def test_the_start_page_follows_the_pattern(shared_app):
    response = shared_app.test_client().get(f"/{PRISON}/")
    html = response.get_data(as_text=True)
    caption = html.index('<span class="govuk-caption-l">HM Prison and Probation Service</span>')
    assert caption < html.index("<h1")  # the organisation above the heading
    text = text_of(response)
    assert "It takes around 15 minutes." in text  # 21 questions at most: 10.5, up to 15
    assert "We will reply within 3 working days" in text
    assert "Other ways to apply and get help" in text and "0306 999 0123" in text
    assert f'href="/contact/{PRISON}"' in html
    assert "govuk-button--start" in html


def test_the_start_page_says_the_authors_time_to_complete(make_app, tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "timed.yaml").write_text(
        textwrap.dedent("""\
            id: timed-form
            version: 1
            title: A timed form
            time_to_complete: about 10 minutes
            contact: {email: timed@example.gov.uk}
            start: {body: Use this form to test timing.}
            pages:
              - id: name
                questions:
                  - {id: full_name, type: text, label: Your full name}
        """)
    )
    text = text_of(make_app(folder).test_client().get("/timed-form/"))
    assert "It takes about 10 minutes." in text
    assert "timed@example.gov.uk" in text
    assert "working days" not in text  # no sla_working_days: no promise


# -- confirmation page -----------------------------------------------------------------------


def test_the_confirmation_page_follows_the_pattern(app):
    form = app.extensions["forms"][PRISON]
    citizen = Citizen(app.test_client())
    citizen.walk(form, MAIN_ROUTE[PRISON])
    citizen.submit(form)
    response = citizen.get(f"/{PRISON}/confirmation")
    html = response.get_data(as_text=True)
    text = text_of(response)
    assert "govuk-panel--confirmation" in html
    assert re.search(
        r"Your reference number <strong>PVB-[A-Z0-9]{4}-[A-Z0-9]{4}</strong>",
        html.replace("<br>", " "),
    )
    assert "What happens next" in text
    assert "The prison will email you within 3 working days" in text  # the author's body
    # This route answers the form's email question, so a confirmation email is queued and
    # the page says so (tests/test_delivery.py: the page offers one when none was given).
    assert "We have sent a confirmation email to" in text
    assert "Get a confirmation email" not in text
    assert 'data-module="app-print"' in html and "Print this page" in text
    assert "use your browser’s print option" in text  # for JavaScript off
    assert "0306 999 0123" in text
    assert f'href="/{PRISON}/feedback">What did you think of this service?' in html


def test_the_confirmation_page_says_what_happens_next_without_a_body(make_app, tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "quick.yaml").write_text(
        textwrap.dedent("""\
            id: quick-form
            version: 1
            title: A quick form
            sla_working_days: 5
            pages:
              - id: name
                questions:
                  - {id: full_name, type: text, label: Your full name}
        """)
    )
    app = make_app(folder)
    form = app.extensions["forms"]["quick-form"]
    citizen = Citizen(app.test_client())
    citizen.walk(form)
    citizen.submit(form)
    text = text_of(citizen.get("/quick-form/confirmation"))
    assert "We will contact you within 5 working days to tell you what happens next." in text


def test_print_styles_hide_the_services_chrome():
    css = (Path(__file__).parents[1] / "forms_service" / "static" / "app.css").read_text()
    print_rules = css[css.index("@media print") :]
    for hidden in (".govuk-header", ".govuk-footer", ".govuk-phase-banner", ".govuk-button"):
        assert hidden in print_rules
