"""The staff side as a caseworker meets it: what each action did (success banners), status
colours, error pages inside the staff layout, the inbox's filters, sorting and dates, and
adding users with a sign-in link."""

from __future__ import annotations

import re

import pytest

from forms_service.data import Submission
from forms_service.passwords import hash_password
from tests.citizen import Citizen
from tests.staff import PASSWORD, add_caseworker_and_admin, signed_in
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
    add_caseworker_and_admin(store)
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


# -- the inbox -----------------------------------------------------------------------------

TAG = re.compile(
    r'<a class="moj-filter__tag" href="([^"]+)"><span class="govuk-visually-hidden">'
    r"Remove this filter</span> ([^<]+)</a>"
)


def tags(html: str) -> dict[str, str]:
    """The MoJ filter's selected-filter tags: {text: the link that removes it}."""
    return {text.strip(): href.replace("&amp;", "&") for href, text in TAG.findall(html)}


def test_the_filters_in_force_are_tags_that_remove_them(app):
    reference = submit(app, "prison-visit-booking")
    staff = signed_in(app, "case@example.com")
    plain = staff.get("/staff/").get_data(as_text=True)
    assert tags(plain) == {} and "Selected filters" not in plain
    url = (
        "/staff/?form=prison-visit-booking&status=received&channel=online&channel=paper"
        "&from-day=1&from-month=1&from-year=2020&mine=1&overdue=1&sort=reference&order=asc"
        "&page=2"
    )
    html = staff.get(url).get_data(as_text=True)
    assert "Selected filters" in html
    found = tags(html)
    assert set(found) == {
        "Book a prison visit",
        "Received",
        "Online",
        "Paper",
        "1 January 2020",
        "Assigned to me",
        "Overdue",
    }, found
    assert "form=" not in found["Book a prison visit"] and "status=received" in found["Online"]
    assert "channel=online" not in found["Online"] and "channel=paper" in found["Online"]
    assert "from-" not in found["1 January 2020"] and "mine=1" in found["1 January 2020"]
    assert all("page=" not in href and "sort=reference" in href for href in found.values())
    clear = re.search(r'href="([^"]+)">Clear filters</a>', html).group(1).replace("&amp;", "&")
    assert clear == "/staff/?sort=reference&order=asc"
    # Following a tag's link drops that filter and keeps the others.
    status_gone = staff.get(found["Received"]).get_data(as_text=True)
    assert "Received" not in tags(status_gone) and "Book a prison visit" in tags(status_gone)
    # The old ISO date in a URL (links, the CSV export) still filters, and shows as a tag.
    iso = staff.get("/staff/?from=2020-01-01").get_data(as_text=True)
    assert "1 January 2020" in tags(iso) and reference in iso
    assert 'name="from-year" type="text" value="2020"' in iso or 'value="2020"' in iso


def test_columns_sort_ascending_first_and_reverse_on_a_second_click(app):
    references = [submit(app, "prison-visit-booking") for _ in range(3)]
    staff = signed_in(app, "case@example.com")

    def state(html: str) -> dict[str, tuple[str, str]]:
        headers = re.findall(
            r'<th scope="col" class="govuk-table__header" aria-sort="(\w+)">\s*.*?'
            r'href="([^"]+)">([^<]+)<',
            html,
            re.S,
        )
        return {label.strip(): (sort, href.replace("&amp;", "&")) for sort, href, label in headers}

    default = staff.get("/staff/?status=received").get_data(as_text=True)
    headers = state(default)
    assert headers["Submitted"][0] == "descending"  # the default: newest first
    assert headers["Reference"] == ("none", "/staff/?status=received&sort=reference&order=asc")
    assert headers["Submitted"][1].endswith("sort=submitted&order=asc")
    shown = lambda html: re.findall(r">(PVB-[A-Z0-9-]+)</a>", html)  # noqa: E731
    first = staff.get(headers["Reference"][1]).get_data(as_text=True)
    assert shown(first) == sorted(references)
    assert state(first)["Reference"][0] == "ascending"
    second = staff.get(state(first)["Reference"][1]).get_data(as_text=True)
    assert shown(second) == sorted(references, reverse=True)
    assert state(second)["Reference"][0] == "descending"
    assert "status=received" in state(second)["Reference"][1]  # filters survive sorting


def test_submitted_dates_are_govuk_date_inputs_with_govuk_errors(app):
    reference = submit(app, "prison-visit-booking")
    staff = signed_in(app, "case@example.com")
    html = staff.get("/staff/").get_data(as_text=True)
    assert 'type="date"' not in html
    for name in ("from-day", "from-month", "from-year", "to-day", "to-month", "to-year"):
        assert f'name="{name}"' in html, name
    bad = staff.get("/staff/?from-day=31&from-month=2&from-year=2026")
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert (
        "There is a problem" in page
        and 'href="#from-day">Submitted from must be a real date' in page
    )
    assert 'id="from-error"' in page and 'value="31"' in page  # what was typed is kept
    assert reference in page  # the bad filter is not applied
    missing = staff.get("/staff/?to-day=4&to-year=2026").get_data(as_text=True)
    assert "Submitted to must include a month" in missing and 'href="#to-month"' in missing
    reversed_range = staff.get(
        "/staff/?from-day=4&from-month=12&from-year=2026&to-day=1&to-month=12&to-year=2026"
    )
    page = reversed_range.get_data(as_text=True)
    assert reversed_range.status_code == 400
    assert "Submitted to must be the same as or after 4 December 2026" in page
    assert 'href="#to-day"' in page
    good = staff.get(
        "/staff/?from-day=1&from-month=1&from-year=2020&to-day=31&to-month=12&to-year=2099"
    )
    assert good.status_code == 200 and reference in good.get_data(as_text=True)
    after_it = staff.get("/staff/?from-day=1&from-month=1&from-year=2099").get_data(as_text=True)
    assert reference not in after_it


# -- adding users --------------------------------------------------------------------------

INVITE = re.compile(r"https?://[^/\s]+(/staff/set-password/[A-Za-z0-9_-]+)")


@pytest.fixture
def mail_app(make_app, inbox):
    app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=inbox.port, SMTP_SECURITY="none")
    app.extensions["store"].create_user(
        "admin@example.com", "Ada Admin", "admin", [], hash_password(PASSWORD)
    )
    return app


def test_adding_a_user_marks_each_field_and_keeps_what_was_typed(app):
    admin = signed_in(app, "admin@example.com")
    page = admin.get("/staff/users").get_data(as_text=True)
    assert 'name="password"' not in page  # the admin never chooses it
    assert "Book a prison visit" in page and "Caseworker" in page  # names, not ids
    bad = admin.post(
        "/staff/users",
        {"email": "not an address", "name": "", "role": "caseworker", "forms": []},
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    summary = re.search(r'class="govuk-error-summary".*?</div>\s*</div>', html, re.S).group(0)
    assert 'href="#email"' in summary and 'href="#name"' in summary and 'href="#forms"' in summary
    assert 'id="email-error"' in html and "like name@example.com" in html
    assert 'id="name-error"' in html and "Enter their full name" in html
    assert 'id="forms-error"' in html and "Select the forms a caseworker works on" in html
    assert 'value="not an address"' in html
    assert re.search(r'value="caseworker"\s+checked', html)  # the role stays ticked
    none = admin.post("/staff/users", {"email": "x@example.com", "name": "X"}).get_data(
        as_text=True
    )
    assert 'id="role-error"' in none and 'href="#role"' in none
    taken = admin.post(
        "/staff/users", {"email": "ADMIN@example.com", "name": "Another", "role": "admin"}
    ).get_data(as_text=True)
    assert "There is already a user with this email address" in taken


def test_a_new_user_sets_their_own_password_from_a_single_use_link(mail_app, inbox):
    app = mail_app
    store = app.extensions["store"]
    admin = signed_in(app, "admin@example.com")
    landed = admin.post(
        "/staff/users",
        {
            "email": "new@example.com",
            "name": "Nia New",
            "role": "caseworker",
            "forms": ["prison-visit-booking"],
        },
    )
    assert landed.status_code == 302
    assert banner(admin.get(landed.location)) == (
        "Nia New added. We have sent a sign-in link to new@example.com. It works once, "
        "within 72 hours."
    )
    [message] = inbox.messages
    assert message["To"] == "new@example.com"
    body = message.get_body(("plain",)).get_content()
    assert "Ada Admin" in body and "Caseworker" in body
    link = INVITE.search(body).group(1)
    user = store.user_by_email("new@example.com")
    assert user.password_hash is None
    token = link.rsplit("/", 1)[1]
    with store.sessions() as db:  # only the hash is kept
        from forms_service.data import StaffInvite

        kept = [i.token_hash for i in db.query(StaffInvite)]
    assert token not in str(kept) and len(token) >= 43
    listing = admin.get("/staff/users").get_data(as_text=True)
    assert "Invited" in listing and "Book a prison visit" in listing
    # The page shows whose account it is; the password follows the 12-character rule.
    newcomer = Citizen(app.test_client())
    page = newcomer.get(link).get_data(as_text=True)
    assert "Set your password" in page and "new@example.com" in page
    short = newcomer.post(link, {"password": "too short", "confirm": "too short"})
    assert short.status_code == 422
    assert "Password must be 12 characters or more" in short.get_data(as_text=True)
    differ = newcomer.post(link, {"password": PASSWORD, "confirm": PASSWORD + "x"})
    assert 'id="confirm-error"' in differ.get_data(as_text=True)
    done = newcomer.post(link, {"password": PASSWORD, "confirm": PASSWORD})
    assert done.status_code == 302 and done.location == "/staff/"  # signed in
    inbox_page = newcomer.get("/staff/")
    assert inbox_page.status_code == 200 and banner(inbox_page) == "Your password is set"
    assert store.user(user.id).password_hash.startswith("$argon2")
    # Single use: the link does nothing a second time.
    again = Citizen(app.test_client())
    used = again.get(link)
    assert used.status_code == 410 and "already been used" in used.get_data(as_text=True)
    assert newcomer.post(link, {"password": "x" * 20, "confirm": "x" * 20}).status_code == 410
    signed_in(app, "new@example.com")  # with the password they chose
    assert "password_set" in [e.action for e in store.audit_events()[0]]


def test_an_admin_sets_up_two_factor_after_the_link(mail_app, inbox):
    app = mail_app
    admin = signed_in(app, "admin@example.com")
    admin.post("/staff/users", {"email": "boss@example.com", "name": "Bo Boss", "role": "admin"})
    link = INVITE.search(inbox.messages[-1].get_body(("plain",)).get_content()).group(1)
    newcomer = Citizen(app.test_client())
    newcomer.get(link)
    done = newcomer.post(link, {"password": PASSWORD, "confirm": PASSWORD})
    assert done.location == "/staff/two-factor/set-up"
    assert banner(newcomer.get(done.location)) == "Your password is set"


def test_invite_links_expire_and_a_new_one_replaces_the_old(mail_app, inbox):
    app = mail_app
    store = app.extensions["store"]
    admin = signed_in(app, "admin@example.com")
    admin.post(
        "/staff/users",
        {"email": "late@example.com", "name": "Lee Late", "role": "caseworker",
         "forms": ["prison-visit-booking"]},
    )  # fmt: skip
    first = INVITE.search(inbox.messages[-1].get_body(("plain",)).get_content()).group(1)
    user = store.user_by_email("late@example.com")
    # An admin sends a new link: the old one stops working.
    assert after(admin, f"/staff/users/{user.id}/send-link", {}) == (
        "New sign-in link sent to late@example.com. It works once, within 72 hours."
    )
    second = INVITE.search(inbox.messages[-1].get_body(("plain",)).get_content()).group(1)
    assert first != second
    assert app.test_client().get(first).status_code == 410
    assert app.test_client().get(second).status_code == 200
    # After STAFF_INVITE_HOURS the link has expired.
    import datetime

    from forms_service.clock import utcnow
    from forms_service.data import StaffInvite

    with store.sessions.begin() as db:
        for invite in db.query(StaffInvite):
            invite.expires_at = utcnow() - datetime.timedelta(minutes=1)
    expired = Citizen(app.test_client())
    response = expired.get(second)
    assert response.status_code == 410 and "This link has expired" in response.get_data(
        as_text=True
    )
    assert "Link expired" in admin.get("/staff/users").get_data(as_text=True)
    assert app.test_client().get("/staff/set-password/not-a-token").status_code == 404
    # Once they have a password, there is no link to send.
    store.update_user(user.id, password_hash=hash_password(PASSWORD))
    assert admin.post(f"/staff/users/{user.id}/send-link", {}).status_code == 404
