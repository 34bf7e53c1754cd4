"""Form authors in the staff area: upload a definition, preview it unpublished, and nothing
of it reaches citizens, the forms folder, drafts or submissions."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from forms_service.data.models import Draft
from forms_service.passwords import hash_password

from .conftest import FORMS_DIR, ROOT
from .staff import PASSWORD, lands_on, signed_in

CONTRACT = ROOT / "tests" / "fixtures" / "contract"
PREVIEW_LINK = re.compile(r'href="(/staff/author/[A-Za-z0-9_-]+/[a-z0-9-]+/)"')


@pytest.fixture
def author(app):
    app.extensions["store"].create_user(
        "author@example.com", "Ann Author", "author", [], hash_password(PASSWORD)
    )
    return signed_in(app, "author@example.com")


def upload(staff, data: bytes, name: str = "my-form.yaml"):
    staff.get("/staff/author/")
    return staff.client.post(
        "/staff/author/",
        data={"csrf_token": staff.token, "definition": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def new_form(source: str = "witness-expenses") -> bytes:
    """A definition the service does not publish (a contract fixture, renamed)."""
    text = (CONTRACT / f"{source}.yaml").read_text(encoding="utf-8")
    return text.replace(f"id: {source}", "id: draft-form", 1).encode()


def test_an_author_lands_on_the_preview_page_and_sees_it_in_the_navigation(app, author):
    assert lands_on(app, "author@example.com") == "/staff/author/"
    page = author.get("/staff/author/").get_data(as_text=True)
    assert "Preview a form definition" in page
    assert 'href="/staff/author/"' in page  # the navigation link
    assert author.get("/staff/").status_code == 403  # no casework


def test_an_upload_opens_unpublished_with_the_preview_banner(app, author, client):
    response = upload(author, new_form())
    assert response.status_code == 302
    start = response.headers["Location"]
    assert re.fullmatch(r"/staff/author/[A-Za-z0-9_-]+/draft-form/", start)
    page = author.get(start, follow_redirects=True).get_data(as_text=True)
    assert "Preview: answers are not kept" in page
    assert "my-form.yaml, which you uploaded" in page
    assert "draft-form" not in app.extensions["forms"]  # not published
    assert client.get("/draft-form/").status_code == 404  # citizens cannot reach it
    listed = author.get("/staff/author/").get_data(as_text=True)
    assert PREVIEW_LINK.search(listed).group(1) == start


def test_example_answers_then_check_answers_sends_nothing(app, author):
    start = upload(author, new_form("court-order-copy")).headers["Location"]
    base = start.rstrip("/")
    author.get(start, follow_redirects=True)
    filled = author.post(f"{base}/preview/example-answers", {})
    assert filled.headers["Location"] == f"{base}/check-your-answers"
    check = author.get(f"{base}/check-your-answers").get_data(as_text=True)
    assert f"{base}/preview/answers.pdf" in check
    pdf = author.client.get(f"{base}/preview/answers.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    sent = author.post(f"{base}/check-your-answers", {"declaration": "yes"})
    assert sent.headers["Location"] == f"{base}/check-your-answers"
    again = author.get(f"{base}/check-your-answers").get_data(as_text=True)
    assert "This is a preview: nothing was sent" in again
    store = app.extensions["store"]
    rows, total = store.find_submissions(forms=None, limit=10, offset=0)
    assert total == 0
    with store.engine.connect() as db:  # the answers tried stayed in the session
        assert db.execute(select(func.count()).select_from(Draft)).scalar() == 0


def test_a_definition_with_problems_lists_them_and_is_not_kept(app, author):
    broken = new_form().replace(b"\ntitle:", b"\ntitel:", 1)
    response = upload(author, broken)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The definition has problems: fix them and upload it again" in page
    assert re.search(r"<code>my-form\.yaml:\d+:\d+: Unknown key &#39;titel&#39;", page)
    assert "Definitions you uploaded" not in page


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "", "Select a form definition file"),
        (b"id: x", "form.txt", "must be a YAML file (.yaml or .yml)"),
        (b"x" * (256 * 1024 + 1), "big.yaml", "must be smaller than 256 KB"),
        (b"   \n", "empty.yaml", "The selected file is empty"),
        (b"title: \xff\xfe", "latin.yaml", "must be saved as UTF-8 text"),
    ],
)
def test_a_wrong_file_gets_a_clear_error(author, data, name, message):
    page = upload(author, data, name).get_data(as_text=True)
    assert "govuk-error-summary" in page and message in page
    assert 'href="#definition"' in page


def test_only_authors_and_admins_preview(app):
    store = app.extensions["store"]
    store.create_user(
        "case@example.com", "Casey", "caseworker", ["prison-visit-booking"], hash_password(PASSWORD)
    )
    caseworker = signed_in(app, "case@example.com")
    assert caseworker.get("/staff/author/").status_code == 403
    assert app.test_client().get("/staff/author/").status_code == 302  # to sign in


def test_another_session_cannot_open_an_upload(app, author):
    start = upload(author, new_form()).headers["Location"]
    someone = signed_in(app, "author@example.com")  # the same author, another browser
    assert someone.get(start).status_code == 404


def test_removing_an_upload(app, author):
    start = upload(author, new_form()).headers["Location"]
    ref = start.split("/")[3]
    author.get("/staff/author/")
    assert author.post(f"/staff/author/{ref}/remove", {}).status_code == 302
    assert author.get(start).status_code == 404


def test_a_published_form_id_previews_the_upload_not_the_live_form(app, author):
    text = (FORMS_DIR / "prison-visit-booking.yaml").read_text(encoding="utf-8")
    changed = text.replace('en: "Book a prison visit"', 'en: "Book a visit (new wording)"', 1)
    start = upload(author, changed.encode()).headers["Location"]
    page = author.get(start, follow_redirects=True).get_data(as_text=True)
    assert "Book a visit (new wording)" in page
    live = app.test_client().get("/prison-visit-booking/").get_data(as_text=True)
    assert "Book a visit (new wording)" not in live


def test_an_upload_has_its_journey_map(app, author):
    start = upload(author, new_form("jury-summons-reply")).headers["Location"]
    ref = start.split("/")[3]
    listed = author.get("/staff/author/").get_data(as_text=True)
    assert f'href="/staff/author/{ref}/map"' in listed
    page = author.get(f"/staff/author/{ref}/map").get_data(as_text=True)
    assert "Exit page: the journey ends here" in page  # the outline of the uploaded form
    assert "<svg" in page
