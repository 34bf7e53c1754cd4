"""Item 10: API tokens. A caller guessing tokens was answered 401 as often as it liked and
each guess wrote an audit row (a flood fills the log and hides what matters); tokens never
expired; and there was no command to revoke one."""

from __future__ import annotations

import datetime

from click.testing import CliRunner
from flask.cli import ScriptInfo

from forms_service.cli import cli

FORM = "prison-visit-booking"


def audit_actions(app) -> list[str]:
    rows, _ = app.extensions["store"].audit_events(limit=1000)
    return [row.action for row in rows]


def test_bad_tokens_are_rate_limited_and_summarised_in_the_audit_log(live, visitor):
    url, app = live(API_BAD_TOKENS_PER_IP=5)
    guesser = visitor(url, headers={"Authorization": "Bearer guessed-token-0000000000"})
    statuses = [guesser.get("/api/v1/submissions").status_code for _ in range(9)]
    assert statuses == [401] * 5 + [429] * 4
    refused = guesser.get("/api/v1/submissions")
    assert refused.json()["error"] == "too_many_requests"
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.headers["Cache-Control"] == "no-store"
    assert audit_actions(app).count("api.unauthorised") == 1  # not ten
    # A system with a valid token is not affected.
    token = app.extensions["store"].issue_api_token("Casework", [FORM])
    good = visitor(url, headers={"Authorization": f"Bearer {token}"})
    assert good.get("/api/v1/submissions").status_code == 200


def test_an_expired_token_is_refused_like_a_revoked_one(live, visitor):
    url, app = live()
    store = app.extensions["store"]
    expired = store.issue_api_token("Old", [FORM], valid_for=datetime.timedelta(seconds=-1))
    current = store.issue_api_token("New", [FORM])
    old_caller = visitor(url, headers={"Authorization": f"Bearer {expired}"})
    response = old_caller.get("/api/v1/submissions")
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    new_caller = visitor(url, headers={"Authorization": f"Bearer {current}"})
    assert new_caller.get("/api/v1/submissions").status_code == 200


def test_tokens_expire_after_90_days_unless_made_otherwise(app):
    runner = CliRunner()
    info = ScriptInfo(create_app=lambda: app)
    made = runner.invoke(cli, ["create-api-token", "--name", "Casework", "--forms", FORM], obj=info)
    assert made.exit_code == 0, made.output
    short = runner.invoke(
        cli,
        ["create-api-token", "--name", "Pilot", "--forms", FORM, "--expires-in-days", "7"],
        obj=info,
    )
    assert short.exit_code == 0, short.output
    from forms_service.data import ApiToken

    with app.extensions["store"].sessions() as db:
        rows = {t.name: t for t in db.query(ApiToken)}
    for name, days in (("Casework", 90), ("Pilot", 7)):
        lasts = rows[name].expires_at - rows[name].created_at
        assert abs(lasts - datetime.timedelta(days=days)) < datetime.timedelta(minutes=1)


def test_revoke_api_token_by_name_or_id(live, visitor):
    url, app = live()
    store = app.extensions["store"]
    token = store.issue_api_token("Prison casework system", [FORM])
    caller = visitor(url, headers={"Authorization": f"Bearer {token}"})
    assert caller.get("/api/v1/submissions").status_code == 200
    runner = CliRunner()
    info = ScriptInfo(create_app=lambda: app)

    done = runner.invoke(cli, ["revoke-api-token", "Prison casework system"], obj=info)
    assert done.exit_code == 0, done.output
    assert done.output.startswith("Revoked token ")
    assert caller.get("/api/v1/submissions").status_code == 401
    assert "api_token_revoked" in audit_actions(app)

    for mistake, says in (
        ("No such system", "no token named or numbered 'No such system' is in use"),
        ("Prison casework system", "no token named or numbered"),  # already revoked
    ):
        wrong = runner.invoke(cli, ["revoke-api-token", mistake], obj=info)
        assert wrong.exit_code == 1
        assert wrong.output.count("\n") == 1 and says in wrong.output, wrong.output
        assert "Traceback" not in wrong.output

    store.issue_api_token("Twin", [FORM])
    store.issue_api_token("Twin", [FORM])
    twins = runner.invoke(cli, ["revoke-api-token", "Twin"], obj=info)
    assert twins.exit_code == 1 and "give the id" in twins.output
    twin_id = twins.output.rsplit("ids ", 1)[1].split(",")[0].strip(" )\n")
    by_id = runner.invoke(cli, ["revoke-api-token", twin_id], obj=info)
    assert by_id.exit_code == 0 and f"Revoked token {twin_id} (Twin)" in by_id.output
