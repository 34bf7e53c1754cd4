"""Two-factor sign-in for staff through the Flask client: who is asked, the set-up pages,
recovery codes, resets by an administrator and from the command line."""

from __future__ import annotations

import pyotp
import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import text

from forms_service.cli import cli
from forms_service.config import ConfigError, load_config
from forms_service.data import StaffUser
from forms_service.passwords import hash_password
from tests.staff import PASSWORD, SECRET, lands_on, second_factor, sign_in, signed_in

PEOPLE = (
    ("case@example.com", ["caseworker"]),
    ("ad@example.com", ["assisted_digital"]),
    ("admin@example.com", ["admin"]),
)


def with_staff(app):
    for email, roles in PEOPLE:
        app.extensions["store"].create_user(email, email[:4], roles, [], hash_password(PASSWORD))
    return app


@pytest.mark.parametrize(
    ("policy", "asked"),
    [
        ("privileged", {"ad@example.com", "admin@example.com"}),
        ("all", {"case@example.com", "ad@example.com", "admin@example.com"}),
        ("off", set()),
    ],
)
def test_who_is_asked_for_a_second_factor(make_app, policy, asked):
    app = with_staff(make_app(STAFF_TWO_FACTOR=policy))
    for email, _roles in PEOPLE:
        _staff, response = sign_in(app, email)
        sent_to_set_up = response.location == "/staff/two-factor/set-up"
        assert sent_to_set_up == (email in asked), (policy, email, response.location)


def test_the_production_default_asks_admins_and_assisted_digital_staff():
    production = {
        "SECRET_KEY": "k" * 32,
        "SERVICE_URL": "https://forms.example.gov.uk",
        "ANSWERS_KEYS": "k1:" + "A" * 43 + "=",
        "ANSWERS_INDEX_KEY": "B" * 43 + "=",
    }
    config = load_config(production)
    assert config["STAFF_TWO_FACTOR"] == "privileged"
    with pytest.raises(ConfigError, match="STAFF_TWO_FACTOR"):
        load_config({**production, "STAFF_TWO_FACTOR": "off"})
    with pytest.raises(ConfigError, match="privileged, all or off"):
        load_config({"FORMS_SERVICE_ENV": "test", "STAFF_TWO_FACTOR": "yes"})


def test_the_set_up_page_offers_a_qr_code_and_the_key_as_text(make_app):
    app = with_staff(make_app())
    staff, _ = sign_in(app, "admin@example.com")
    page = staff.get("/staff/two-factor/set-up")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<img class="app-qr-code" src="data:image/svg+xml' in html
    assert 'alt="QR code for your authenticator app"' in html
    assert SECRET.search(html)  # for people who cannot scan it
    assert '<label class="govuk-label govuk-label--s" for="code">' in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert "Sign out" not in html  # no menu before the sign-in is complete
    # The same secret until it is confirmed (a reload does not change the QR code).
    again = staff.get("/staff/two-factor/set-up").get_data(as_text=True)
    assert SECRET.search(again).group(1) == SECRET.search(html).group(1)
    for typed, message in (
        ("", "Enter the security code"),
        ("12ab", "The security code must be 6 numbers"),
        ("000000", "Enter a correct security code"),
    ):
        response = staff.post("/staff/two-factor/set-up", {"code": typed})
        body = response.get_data(as_text=True)
        assert response.status_code == 422 and "govuk-error-summary" in body
        assert f'href="#code">{message}</a>' in body, typed
    assert not app.extensions["store"].user_by_email("admin@example.com").has_two_factor


def test_set_up_shows_recovery_codes_once_and_keeps_only_hashes(make_app):
    app = with_staff(make_app())
    store = app.extensions["store"]
    staff, response = sign_in(app, "ad@example.com")
    landed = second_factor(app, staff, "ad@example.com", response)
    assert landed == "/staff/assisted/"
    assert staff.get(landed).status_code == 200
    user = store.user_by_email("ad@example.com")
    assert user.has_two_factor and store.recovery_codes_left(user.id) == 10
    # Nothing asks for the set-up again, and the codes page cannot be shown again.
    assert staff.get("/staff/two-factor/set-up").status_code == 302
    events = [(e.action, e.actor) for e in store.audit_events()[0]]
    assert ("two_factor_set_up", f"staff:{user.id} ad@example.com") in events


def test_someone_not_asked_may_set_it_up_and_is_then_always_asked(make_app):
    app = with_staff(make_app())
    store = app.extensions["store"]
    case = signed_in(app, "case@example.com")
    page = case.get("/staff/two-factor/set-up").get_data(as_text=True)
    totp = pyotp.TOTP(SECRET.search(page).group(1).replace(" ", ""))
    assert case.post("/staff/two-factor/set-up", {"code": totp.now()}).status_code == 200
    assert store.user_by_email("case@example.com").has_two_factor
    _staff, response = sign_in(app, "case@example.com")
    assert response.location == "/staff/sign-in/security-code"


def test_wrong_codes_count_towards_the_back_off(make_app):
    app = with_staff(make_app(STAFF_MAX_FAILED_SIGN_INS=3))
    store = app.extensions["store"]
    signed_in(app, "admin@example.com")  # sets it up
    user = store.user_by_email("admin@example.com")
    staff, response = sign_in(app, "admin@example.com")
    staff.get(response.location)
    for _ in range(3):
        wrong = staff.post("/staff/sign-in/security-code", {"code": "000000"})
        assert wrong.status_code == 401
    # Backing off now: even the right code is refused until the wait is over.
    store.update_user(user.id, two_factor_last_step=None)
    right = pyotp.TOTP(user.two_factor_secret).now()
    assert staff.post("/staff/sign-in/security-code", {"code": right}).status_code == 401
    assert store.user(user.id).locked_until is not None


def test_an_admin_resets_a_lost_authenticator(make_app):
    app = with_staff(make_app())
    store = app.extensions["store"]
    helper = signed_in(app, "ad@example.com")
    assert helper.get("/staff/assisted/").status_code == 200
    admin = signed_in(app, "admin@example.com")
    users = admin.get("/staff/users").get_data(as_text=True)
    assert "Reset two-factor sign-in" in users
    user = store.user_by_email("ad@example.com")
    response = admin.post(f"/staff/users/{user.id}/reset-two-factor", {})
    assert response.status_code == 302
    assert not store.user(user.id).has_two_factor and store.recovery_codes_left(user.id) == 0
    # Their sign-in ends, and the next one sets up a new authenticator.
    assert helper.get("/staff/assisted/").status_code == 302
    assert lands_on(app, "ad@example.com") == "/staff/assisted/"
    assert store.user(user.id).has_two_factor
    me = store.user_by_email("admin@example.com")
    assert admin.post(f"/staff/users/{me.id}/reset-two-factor", {}).status_code == 404
    assert any(e.action == "two_factor_reset" for e in store.audit_events()[0])


def test_reset_two_factor_from_the_command_line(make_app):
    app = with_staff(make_app())
    store = app.extensions["store"]
    signed_in(app, "admin@example.com")
    runner = CliRunner()
    obj = ScriptInfo(create_app=lambda: app)
    result = runner.invoke(cli, ["reset-two-factor", "ADMIN@example.com"], obj=obj)
    assert result.exit_code == 0, result.output
    assert "reset for admin@example.com" in result.output
    assert not store.user_by_email("admin@example.com").has_two_factor
    missing = runner.invoke(cli, ["reset-two-factor", "nobody@example.com"], obj=obj)
    assert missing.exit_code == 2
    assert "no staff account for nobody@example.com" in missing.output
    assert "Traceback" not in missing.output
    assert [e.action for e in store.audit_events()[0]].count("two_factor_reset") == 1


def test_the_authenticator_secret_is_sealed_in_the_database(make_app):
    app = with_staff(make_app())
    signed_in(app, "admin@example.com")
    store = app.extensions["store"]
    with store.sessions() as db:
        user = db.query(StaffUser).filter_by(email="admin@example.com").one()
    secret = user.two_factor_secret
    assert secret and user.has_two_factor
    with store.engine.connect() as connection:
        raw = connection.execute(text("SELECT * FROM staff_users")).all()
    assert secret not in " ".join(str(value) for row in raw for value in row)
    blobs = [bytes(v) for row in raw for v in row if isinstance(v, bytes | memoryview)]
    assert blobs and all(secret.encode() not in blob for blob in blobs)
