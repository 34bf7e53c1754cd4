"""The journey map page in the staff area, as staff meet it: who may see which form's map,
the picture inline, and the same journey as an outline in route order."""

from __future__ import annotations

import re
from html import unescape

import pytest

from forms_service.journey.map import journey_map
from forms_service.passwords import hash_password
from tests.staff import PASSWORD, add_caseworker_and_admin, signed_in

# The picture and the outline of a definition; the database only signs staff in.
pytestmark = pytest.mark.same_on_every_database

PRISON = "prison-visit-booking"
CICA = "criminal-injuries-compensation"
LPA = "lasting-power-of-attorney"


@pytest.fixture
def app(make_app):
    app = make_app()
    add_caseworker_and_admin(app.extensions["store"])
    return app


def outline(page: str) -> str:
    found = re.search(
        r'<ol class="govuk-list govuk-list--number app-journey-outline">(.*)</ol>', page, re.S
    )
    assert found, page[:2000]
    return found.group(1)


def bold_items(html: str) -> list[str]:
    return [
        unescape(" ".join(text.split()))
        for text in re.findall(r'<span class="govuk-!-font-weight-bold">(.*?)</span>', html, re.S)
    ]


def test_an_admin_sees_the_picture_and_the_outline_in_route_order(app):
    admin = signed_in(app, "admin@example.com")
    response = admin.get(f"/staff/forms/{PRISON}/map")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="journey-map-title', page)
    assert '<title id="journey-map-title">Journey map: Book a prison visit</title>' in page
    form = app.extensions["forms"][PRISON]
    titles = [p.title for p in journey_map(form).pages]
    listed = bold_items(outline(page))
    # Start, the pages in the order the route asks them (the repeat's pages inside it),
    # then check answers, the declaration, submit and the confirmation.
    assert listed[0] == "Start page"
    assert listed[-4:] == ["Check your answers", "Declaration", "Submit", "Confirmation page"]
    shown = [t for t in listed if t in titles]
    assert shown == titles
    text = unescape(outline(page))
    assert "Exit page: the journey ends here" in text
    assert "Only if: <code>prison in [" in text
    assert "Asked for each visitor:" in text
    assert "then “Do you need to add another visitor?”" in text
    assert "Section: Visit dates and times" in text


def test_a_task_list_form_lists_its_tasks_under_the_task_list(app):
    admin = signed_in(app, "admin@example.com")
    page = admin.get(f"/staff/forms/{LPA}/map").get_data(as_text=True)
    text = unescape(outline(page))
    task_list = text.index("Task list")
    form = app.extensions["forms"][LPA]
    for section in form.sections:
        assert text.index(f"Section: {section.title.pick('en')}") > task_list


def test_staff_see_the_maps_of_their_forms_only(app):
    casey = signed_in(app, "case@example.com")
    assert casey.get(f"/staff/forms/{PRISON}/map").status_code == 200
    assert casey.get(f"/staff/forms/{CICA}/map").status_code == 404
    assert casey.get("/staff/forms/no-such-form/map").status_code == 404
    listed = casey.get("/staff/forms/").get_data(as_text=True)
    assert f"/staff/forms/{PRISON}/map" in listed
    assert f"/staff/forms/{CICA}/map" not in listed
    admin = signed_in(app, "admin@example.com")
    every = admin.get("/staff/forms/").get_data(as_text=True)
    for form_id in app.extensions["forms"]:
        assert f"/staff/forms/{form_id}/map" in every


def test_assisted_digital_staff_see_every_form_they_can_fill_in(app):
    app.extensions["store"].create_user(
        "ad@example.com", "Addy Helper", "assisted_digital", [], hash_password(PASSWORD)
    )
    helper = signed_in(app, "ad@example.com")
    assert helper.get(f"/staff/forms/{CICA}/map").status_code == 200


def test_signed_out_people_are_sent_to_sign_in(app):
    response = app.test_client().get(f"/staff/forms/{PRISON}/map")
    assert response.status_code == 302
    assert "/staff/sign-in" in response.location


def test_the_staff_menu_links_to_the_forms(app):
    casey = signed_in(app, "case@example.com")
    page = casey.get("/staff/").get_data(as_text=True)
    assert 'href="/staff/forms/">Forms</a>' in page


def test_without_graphviz_the_page_says_so_and_keeps_the_outline(app, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` anywhere
    admin = signed_in(app, "admin@example.com")
    response = admin.get(f"/staff/forms/{PRISON}/map")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<svg" not in page.split('id="main-content"')[1].split("app-journey-outline")[0]
    assert "Graphviz is not installed on the server" in page
    assert "Exit page: the journey ends here" in page


def test_the_map_page_in_welsh_keeps_the_forms_own_words(app):
    admin = signed_in(app, "admin@example.com")
    page = admin.get(f"/staff/forms/{PRISON}/map?lang=cy").get_data(as_text=True)
    assert 'lang="cy"' in page
    assert "Book a prison visit" in page  # the form's title, as its author wrote it
    assert "The journey as a list" not in page
