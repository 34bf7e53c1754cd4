"""The staff side as a caseworker meets it: what each action did (success banners), status
colours, error pages inside the staff layout, the inbox's filters, sorting and dates, and
adding users with a sign-in link."""

from __future__ import annotations

import re

import pytest

from forms_service.data import Submission
from forms_service.passwords import hash_password
from tests.staff import PASSWORD, signed_in
from tests.test_staff import submit

BANNER = re.compile(
    r'<div class="govuk-notification-banner govuk-notification-banner--success"[^>]*'
    r'role="alert"[^>]*>.*?<p class="govuk-notification-banner__heading">\s*(.*?)\s*</p>',
    re.S,
)


@pytest.fixture
def app(make_app):
    app = make_app()
    store = app.extensions["store"]
    store.create_user(
        "case@example.com",
        "Casey Worker",
        "caseworker",
        ["prison-visit-booking"],
        hash_password(PASSWORD),
    )
    store.create_user("admin@example.com", "Ada Admin", "admin", [], hash_password(PASSWORD))
    return app


def banner(response) -> str | None:
    found = BANNER.search(response.get_data(as_text=True))
    return found.group(1) if found else None


def after(staff, url: str, data: dict) -> str | None:
    """POST an action, follow its redirect, and read the banner on the page it lands on."""
    response = staff.post(url, data)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    landed = staff.get(response.location)
    return banner(landed)


# -- banners ------------------------------------------------------------------------------


def test_each_casework_action_says_what_it_did_once(app):
    reference = submit(app, "prison-visit-booking")
    staff = signed_in(app, "case@example.com")
    url = f"/staff/submissions/{reference}"
    assert banner(staff.get(url)) is None
    assert after(staff, url, {"action": "status", "status": "accepted"}) == (
        "Status changed to Accepted"
    )
    assert banner(staff.get(url)) is None  # once only
    user = app.extensions["store"].user_by_email("case@example.com")
    assert after(staff, url, {"action": "assign", "assignee": str(user.id)}) == (
        "Assigned to Casey Worker"
    )
    assert after(staff, url, {"action": "assign", "assignee": ""}) == "Submission unassigned"
    assert after(staff, url, {"action": "note", "note": "Rang <them>"}) == "Note added"
    # A refused action says what is wrong instead, and no success.
    refused = staff.post(url, {"action": "note", "note": ""})
    assert refused.status_code == 422 and banner(refused) is None
    # Nobody who does not exist can be given the work.
    assert staff.post(url, {"action": "assign", "assignee": "9999"}).status_code == 422


def test_each_user_action_says_what_it_did(app):
    store = app.extensions["store"]
    other = store.create_user(
        "other@example.com", "Olu Other", "caseworker", [], hash_password(PASSWORD)
    )
    admin = signed_in(app, "admin@example.com")
    assert after(admin, f"/staff/users/{other.id}/deactivate", {}) == (
        "Olu Other’s account is deactivated: they cannot sign in"
    )
    assert not store.user(other.id).active
    listing = admin.get("/staff/users").get_data(as_text=True)
    assert "Reactivate" in listing
    assert after(admin, f"/staff/users/{other.id}/reactivate", {}) == (
        "Olu Other’s account is active again: they can sign in"
    )
    assert store.user(other.id).active
    signed_in(app, "other@example.com")  # works again
    store.update_user(other.id, roles=["admin"])
    signed_in(app, "other@example.com")  # an admin sets up two-factor sign-in
    assert after(admin, f"/staff/users/{other.id}/reset-two-factor", {}).startswith(
        "Two-factor sign-in reset for Olu Other"
    )
    actions = [e.action for e in store.audit_events()[0]]
    assert "user_reactivated" in actions


# -- status colours -------------------------------------------------------------------------


def test_each_status_has_its_own_tag_colour(app):
    references = [submit(app, "prison-visit-booking") for _ in range(5)]
    statuses = ["received", "in_progress", "more_information_needed", "accepted", "rejected"]
    with app.extensions["store"].sessions.begin() as db:
        for reference, status in zip(references, statuses, strict=True):
            db.query(Submission).filter_by(reference=reference).one().status = status
    staff = signed_in(app, "case@example.com")
    inbox = staff.get("/staff/").get_data(as_text=True)
    colours = {}
    for reference in references:
        row = re.search(rf">{reference}</a>.*?</tr>", inbox, re.S).group(0)
        colours[reference] = re.search(r'class="govuk-tag (govuk-tag--[a-z-]+)"', row).group(1)
    assert len(set(colours.values())) == 5, colours
    assert colours[references[0]] == "govuk-tag--blue"
    assert colours[references[3]] == "govuk-tag--green"
    assert colours[references[4]] == "govuk-tag--red"
    page = staff.get(f"/staff/submissions/{references[3]}").get_data(as_text=True)
    heading = re.search(r"<h1.*?</h1>", page, re.S).group(0)
    assert 'govuk-tag govuk-tag--green">\n    Accepted' in heading or re.search(
        r'govuk-tag--green">\s*Accepted', heading
    )


# -- error pages ---------------------------------------------------------------------------


def test_staff_errors_are_inside_the_staff_layout(app):
    cica = submit(app, "criminal-injuries-compensation")
    caseworker = signed_in(app, "case@example.com")
    hidden = caseworker.get(f"/staff/submissions/{cica}")
    missing = caseworker.get("/staff/submissions/PVB-ZZZZ-ZZZZ")
    unknown = caseworker.get("/staff/no-such-page")
    for response in (hidden, missing, unknown):
        html = response.get_data(as_text=True)
        assert response.status_code == 404
        assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
        assert 'aria-label="Menu"' in html and ">Submissions</a>" in html  # the staff menu
        assert "Casework" in html and "Sign out" in html
    # Another form's submission is exactly as "not found" as one that does not exist.
    main = re.compile(r"<main.*</main>", re.S)
    assert main.search(hidden.get_data(as_text=True)).group(0) == main.search(
        missing.get_data(as_text=True)
    ).group(0)
    forbidden = caseworker.get("/staff/users")
    html = forbidden.get_data(as_text=True)
    assert forbidden.status_code == 403
    assert "You do not have permission to view this page" in html
    assert "Ada Admin" in html and "mailto:admin@example.com" in html  # who to ask
    assert 'aria-label="Menu"' in html


def test_a_staff_server_error_is_inside_the_staff_layout(app):
    @app.get("/staff/boom")
    def boom():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.testing = False
    staff = signed_in(app, "case@example.com")
    response = staff.get("/staff/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert "Casework" in html and "list of forms" not in html
