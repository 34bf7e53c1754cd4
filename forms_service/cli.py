"""The forms-service command: run the service, check definitions, manage the database."""

from __future__ import annotations

import datetime
import logging
import signal
import sys
import threading
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from forms_service.app import create_app
from forms_service.clock import utcnow
from forms_service.config import PROJECT_ROOT, ConfigError
from forms_service.data.sealing import KEY_ID, SealingError, new_key_setting
from forms_service.data.staff import API_TOKEN_LIFETIME
from forms_service.definitions.loader import definition_files, load_definitions
from forms_service.passwords import MIN_LENGTH, hash_password, long_enough
from forms_service.retention import purge as purge_expired
from forms_service.retention import retention_warnings
from forms_service.roles import ROLES
from forms_service.worker import Worker


@click.group(cls=FlaskGroup, create_app=create_app, set_debug_flag=False)
def cli() -> None:
    """forms-service: accessible online forms from YAML definitions."""


@cli.command("check", with_appcontext=False)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Check form definitions and print every problem as file:line:col: message."""
    targets = list(paths) or [PROJECT_ROOT / "form_definitions"]
    missing = [p for p in targets if not p.exists()]
    for path in missing:
        click.echo(f"{path}: no such file or folder", err=True)
    files = definition_files(p for p in targets if p.exists())
    warnings: list = []
    forms, problems = load_definitions(files, warnings)
    for form in forms.values():  # advice: the form still loads
        warnings += retention_warnings(form)
    for problem in sorted(problems + warnings, key=lambda p: (p.file, p.line, p.col)):
        click.echo(str(problem))
    bad_files = len({p.file for p in problems})
    click.echo(
        f"{len(files)} file(s) checked: {len(forms)} form(s) ok, "
        f"{len(problems)} problem(s) in {bad_files} file(s)"
        + (f", {len(warnings)} warning(s)." if warnings else "."),
        err=True,
    )
    sys.exit(1 if problems or missing or not files else 0)


@cli.command("init-db")
@with_appcontext
def init_db() -> None:
    """Bring the database up to date: run the migrations not yet run. Safe to run again."""
    current_app.extensions["store"].create_schema()
    click.echo("Database ready.")


@cli.command("purge")
@with_appcontext
def purge() -> None:
    """Delete what is past its retention now and print how many of each kind went.

    Submissions with their PDFs, timelines and drafts, then drafts never sent, their
    links, and ended sessions; each deletion is in the audit log. The worker runs this
    daily; it is safe to run at any time beside it and beside the service.
    """
    app = current_app
    counts = purge_expired(app.extensions["store"], app.extensions["forms"], utcnow())
    for what, count in counts.items():
        click.echo(f"{what}: {count}")


@cli.command("worker")
@click.option(
    "--hour",
    type=click.IntRange(0, 23),
    default=None,
    help="Run the daily jobs at this hour, London time (default: PURGE_HOUR, or every "
    "24 hours from start).",
)
@with_appcontext
def worker(hour: int | None) -> None:
    """Run the background jobs: the retention purge at start and then daily, until
    SIGTERM or Ctrl-C (the batch in hand is finished first)."""
    app = current_app
    if hour is None and str(app.config.get("PURGE_HOUR") or "").strip():
        setting = str(app.config["PURGE_HOUR"]).strip()
        if not setting.isdigit() or not 0 <= int(setting) <= 23:
            raise click.UsageError(f"PURGE_HOUR must be an hour from 0 to 23, not {setting!r}")
        hour = int(setting)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("forms_service.worker").setLevel(logging.INFO)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    store, forms = app.extensions["store"], app.extensions["forms"]
    Worker(
        lambda: purge_expired(store, forms, utcnow(), keep_going=lambda: not stop.is_set()),
        hour=hour,
        stop=stop,
    ).run()


@cli.command("rotate-keys")
@click.option("--batch", default=500, show_default=True, help="Rows re-wrapped per transaction")
@with_appcontext
def rotate_keys(batch: int) -> None:
    """Re-wrap every record's data key under the first key of ANSWERS_KEYS.

    Run it after putting a new key first in ANSWERS_KEYS (keeping the old ones) on every
    process; when a second run re-wraps nothing, the old keys can be removed. Resumable:
    stop it at any time and run it again.
    """
    total = 0
    try:
        for table, rewrapped, current in current_app.extensions["store"].rotate_keys(batch):
            click.echo(f"{table}: {rewrapped} re-wrapped, {current} already under the first key")
            total += rewrapped
    except SealingError as error:
        raise click.ClickException(str(error)) from None
    key = current_app.extensions["store"].keys.current_id
    click.echo(f"Done: {total} data key(s) re-wrapped; every record is under key {key!r}.")


@cli.command("new-answers-key", with_appcontext=False)
@click.argument("key_id", default="")
def new_answers_key(key_id: str) -> None:
    """Print a new random key for ANSWERS_KEYS (put it first; keep the old ones)."""
    key_id = key_id or utcnow().strftime("k%Y%m%d")
    if not KEY_ID.match(key_id):
        raise click.BadParameter(
            "use up to 32 letters, digits, '.', '_' or '-'", param_hint="KEY_ID"
        )
    click.echo(new_key_setting(key_id))


@cli.command("create-user")
@click.argument("email")
@click.option("--name", help="Full name (default: the part of the email before @)")
@click.option(
    "--role",
    "roles",
    type=click.Choice(ROLES),
    multiple=True,
    required=True,
    help="Give --role again for each further role",
)
@click.option("--forms", default="", help="Form ids they work on, comma separated")
@click.password_option(help="Asked for (twice) when not given")
@with_appcontext
def create_user(
    email: str, name: str | None, roles: tuple[str, ...], forms: str, password: str
) -> None:
    """Create a staff account. The password is stored as an argon2 hash only."""
    store = current_app.extensions["store"]
    known = current_app.extensions["forms"]
    form_ids = [f.strip() for f in forms.split(",") if f.strip()]
    unknown = [f for f in form_ids if f not in known]
    if unknown:
        raise click.BadParameter(f"no such form: {', '.join(unknown)}", param_hint="--forms")
    if not long_enough(password):
        raise click.BadParameter(f"must be {MIN_LENGTH} characters or more", param_hint="password")
    if store.user_by_email(email):
        raise click.BadParameter(f"{email} already has an account", param_hint="EMAIL")
    user = store.create_user(
        email, name or email.split("@")[0], list(roles), form_ids, hash_password(password)
    )
    store.audit("cli", "user_created", email, None, roles=list(roles), user_id=user.id)
    click.echo(f"Created {' and '.join(roles)} {email}. Sign in at /staff/sign-in")


@cli.command("create-api-token")
@click.option("--name", required=True, help="Who will use it, e.g. 'Prison casework system'.")
@click.option("--forms", "form_ids", required=True, help="Form ids it may read: FORM[,FORM...]")
@click.option(
    "--expires-in-days",
    type=click.IntRange(1, 366),
    default=API_TOKEN_LIFETIME.days,
    show_default=True,
    help="Days until the token stops working (make a new one before then).",
)
@with_appcontext
def create_api_token(name: str, form_ids: str, expires_in_days: int) -> None:
    """Create a bearer token for another system. It is shown once; only its hash is kept."""
    wanted = [f.strip() for f in form_ids.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in current_app.extensions["forms"]]
    if not wanted or unknown:
        raise click.BadParameter(
            f"no such form: {', '.join(unknown) or '(none given)'}", param_hint="--forms"
        )
    valid_for = datetime.timedelta(days=expires_in_days)
    store = current_app.extensions["store"]
    token = store.issue_api_token(name.strip(), wanted, valid_for)
    until = (utcnow() + valid_for).date().isoformat()
    store.audit("cli", "api_token_created", name.strip()[:200], None, forms=wanted, until=until)
    click.echo(
        f"Token for {name.strip()} (forms: {', '.join(wanted)}; until {until}), shown only once:",
        err=True,
    )
    click.echo(token)


@cli.command("revoke-api-token")
@click.argument("name_or_id")
@with_appcontext
def revoke_api_token(name_or_id: str) -> None:
    """Stop a token working at once: give its name (as created) or its id."""
    store = current_app.extensions["store"]
    try:
        (token,) = store.revoke_api_tokens(name_or_id.strip())
    except LookupError:
        raise click.ClickException(
            f"no token named or numbered {name_or_id!r} is in use (names must match exactly)"
        ) from None
    except ValueError as exc:
        raise click.ClickException(
            f"several tokens are named {name_or_id!r}: give the id of the one to revoke (ids {exc})"
        ) from None
    store.audit("cli", "api_token_revoked", token.name[:200], None, token_id=token.id)
    click.echo(f"Revoked token {token.id} ({token.name}).")


@cli.command("reset-two-factor")
@click.argument("email")
@with_appcontext
def reset_two_factor(email: str) -> None:
    """Forget a member of staff's authenticator app and recovery codes (a lost phone).

    Someone whose roles need a second factor is signed out and sets up a new authenticator
    at their next sign-in.
    """
    store = current_app.extensions["store"]
    user = store.user_by_email(email.strip())
    if user is None:
        raise click.BadParameter(f"no staff account for {email}", param_hint="EMAIL")
    store.reset_two_factor(user.id)
    store.audit("cli", "two_factor_reset", user.email, None, user_id=user.id)
    click.echo(f"Two-factor sign-in reset for {user.email}: they set it up again at next sign-in.")


def main() -> None:
    try:
        cli(prog_name="forms-service")
    except ConfigError as error:  # a missing or bad setting: one line, no traceback
        sys.exit(f"forms-service: {error}")


if __name__ == "__main__":
    main()
