"""Preview in a browser: `forms-service preview` (the file read again when saved, the page
reloading itself, example answers, problems) and a form author's upload in the staff area,
with axe-core on every page, JavaScript on and off."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect

from tests.conftest import copy_definition
from tests.live import serving

from .conftest import PROJECT, STAFF_PASSWORD

pytestmark = pytest.mark.e2e

PRISON = PROJECT / "form_definitions" / "prison-visit-booking.yaml"
CONTRACT = PROJECT / "tests" / "fixtures" / "contract"
TITLE = 'en: "Book a prison visit"'


@pytest.fixture
def previewing(tmp_path, template_cache):
    """`forms-service preview` of a copy of the prison form: (its file, its URL)."""
    from forms_service import create_app
    from forms_service.cli import preview_settings

    path = copy_definition("prison-visit-booking", tmp_path, "my-form.yaml")
    settings = preview_settings(path, tmp_path / "instance")
    app = create_app({**settings, "TEMPLATE_CACHE_DIR": template_cache})
    with serving(app) as url:
        yield path, url
    app.extensions["jobs"].stop()
    app.extensions["store"].engine.dispose()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_author_previews_a_file_with_example_answers(citizen_at, previewing, javascript):
    path, url = previewing
    author = citizen_at(url, javascript=javascript)
    author.open("/")
    expect(author.page.get_by_text("Preview: answers are not kept")).to_be_visible()
    author.follow(author.page.get_by_role("button", name="Fill with example answers"))
    expect(author.page).to_have_url(re.compile(r"/prison-visit-booking/check-your-answers$"))
    pdf = author.page.get_by_role("link", name="Download the PDF a caseworker would get")
    expect(pdf).to_have_attribute("href", "/prison-visit-booking/preview/answers.pdf")
    author.follow(author.page.get_by_role("link", name="See its journey map"))
    expect(author.page).to_have_title(re.compile(r"^Journey map: Book a prison visit"))
    author.follow(author.page.get_by_role("link", name="Back to the form"))
    # A mistake saved in the file: the problems, at file:line:col, replace the form.
    path.write_text(path.read_text(encoding="utf-8").replace("\ntitle:", "\ntitel:", 1), "utf-8")
    if javascript:  # the page notices the new reading and reloads itself
        expect(author.heading).to_have_text("The definition has problems", timeout=10_000)
        author.arrived(author.page.reload())
    else:
        author.arrived(author.page.reload())
        expect(author.heading).to_have_text("The definition has problems")
    expect(
        author.page.get_by_text(re.compile(rf"{re.escape(str(path))}:\d+:\d+: Unknown key 'titel'"))
    ).to_be_visible()


def test_the_page_reloads_itself_when_the_file_is_saved(citizen_at, previewing):
    path, url = previewing
    author = citizen_at(url)
    author.open("/prison-visit-booking/")
    text = path.read_text(encoding="utf-8")
    assert TITLE in text
    path.write_text(text.replace(TITLE, 'en: "Book a visit to someone in prison"'), "utf-8")
    expect(author.page).to_have_title(
        re.compile("Book a visit to someone in prison"), timeout=10_000
    )


def test_an_author_uploads_a_definition_in_the_staff_area(staff_browser, make_staff, tmp_path):
    email = make_staff("author", name="Ann Author")
    author = staff_browser()
    author.open("/staff/sign-in")
    author.page.get_by_label("Email address").fill(email)
    author.page.get_by_label("Password").fill(STAFF_PASSWORD)
    author.follow(author.page.get_by_role("button", name="Sign in"))
    expect(author.heading).to_have_text("Preview a form definition")
    author.follow(author.page.get_by_role("button", name="Upload and preview"))  # no file
    expect(author.page.locator(".govuk-error-summary")).to_contain_text(
        "Select a form definition file"
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\ntitel: Oops\npages: []\n", "utf-8")
    author.page.get_by_label("Form definition").set_input_files(str(broken))
    author.follow(author.page.get_by_role("button", name="Upload and preview"))
    expect(author.page.locator("#definition-problems")).to_contain_text("broken.yaml:2:1")
    good = tmp_path / "court-order-copy.yaml"
    shutil.copy(CONTRACT / "court-order-copy.yaml", good)
    author.page.get_by_label("Form definition").set_input_files(str(good))
    author.follow(author.page.get_by_role("button", name="Upload and preview"))
    expect(author.page.get_by_text("court-order-copy.yaml, which you uploaded")).to_be_visible()
    author.follow(author.page.get_by_role("button", name="Fill with example answers"))
    expect(author.page).to_have_url(
        re.compile(r"/staff/author/[^/]+/court-order-copy/check-your-answers$")
    )
    author.follow(author.page.get_by_role("link", name="Go to your uploaded definitions"))
    expect(author.page.get_by_role("table")).to_contain_text("court-order-copy.yaml")
