"""The forms-service command: run the service, check definitions, manage the database."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from forms_service.app import create_app
from forms_service.clock import utcnow
from forms_service.config import PROJECT_ROOT, ConfigError
from forms_service.data.sealing import KEY_ID, SealingError, new_key_setting
from forms_service.definitions.loader import definition_files, load_definitions
from forms_service.passwords import MIN_LENGTH, hash_password, long_enough
from forms_service.roles import ROLES


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
    forms, problems = load_definitions(files)
    for problem in problems:
        click.echo(str(problem))
    bad_files = len({p.file for p in problems})
    click.echo(
        f"{len(files)} file(s) checked: {len(forms)} form(s) ok, "
        f"{len(problems)} problem(s) in {bad_files} file(s).",
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
    """Delete drafts past their retention, their links, and ended sessions.

    Safe to run from cron at any time, also while the service is in use: each kind of
    record is deleted in one statement, and only records already past their date.
    """
    counts = current_app.extensions["store"].purge(utcnow())
    for what, count in counts.items():
        click.echo(f"{what}: {count}")


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
@with_appcontext
def create_api_token(name: str, form_ids: str) -> None:
    """Create a bearer token for another system. It is shown once; only its hash is kept."""
    wanted = [f.strip() for f in form_ids.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in current_app.extensions["forms"]]
    if not wanted or unknown:
        raise click.BadParameter(
            f"no such form: {', '.join(unknown) or '(none given)'}", param_hint="--forms"
        )
    token = current_app.extensions["store"].issue_api_token(name.strip(), wanted)
    click.echo(f"Token for {name.strip()} (forms: {', '.join(wanted)}), shown only once:", err=True)
    click.echo(token)


def main() -> None:
    try:
        cli(prog_name="forms-service")
    except ConfigError as error:  # a missing or bad setting: one line, no traceback
        sys.exit(f"forms-service: {error}")


if __name__ == "__main__":
    main()
