"""The forms-service command: run the service, check definitions, manage the database."""

from __future__ import annotations

import datetime
import logging
import os
import secrets
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from werkzeug.serving import run_simple

from forms_service.app import create_app
from forms_service.clock import utcnow
from forms_service.config import PROJECT_ROOT, ConfigError, tool_template_cache
from forms_service.data import DATABASE_ERRORS
from forms_service.data.sealing import KEY_ID, SealingError, new_key_setting
from forms_service.data.staff import API_TOKEN_LIFETIME
from forms_service.definitions.loader import definition_files, load_definitions
from forms_service.definitions.proofs import prove
from forms_service.jobs.queue import LocalQueue
from forms_service.journey.map import FORMATS as MAP_FORMATS
from forms_service.journey.map import GraphvizMissing, RenderFailed, journey_map
from forms_service.journey.map import render as render_map
from forms_service.passwords import MIN_LENGTH, hash_password, long_enough
from forms_service.question_types.values import InvalidValue, parse_email
from forms_service.retention import purge as purge_expired
from forms_service.retention import retention_warnings
from forms_service.roles import ROLES


class Commands(FlaskGroup):
    """The command group: a mistake on the command line or in the settings is told in one
    line that says what to do, never with a traceback.

    The app is built only for a command that needs it (with_appcontext): listing the
    commands, `--help` and the commands that only read YAML (check) need no secret key or
    database, so they work anywhere, in production mode too. This service adds no commands
    to the app's own `app.cli`, so an unknown name is a mistake, not an app command.
    """

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        self._load_plugin_commands()
        return click.Group.get_command(self, ctx, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugin_commands()
        return click.Group.list_commands(self, ctx)

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except click.exceptions.NoArgsIsHelpError as error:  # `forms-service` alone: the help
            error.show()
            sys.exit(error.exit_code)
        except click.UsageError as error:  # exit status 2, as click gives
            click.echo(usage_line(error), err=True)
            sys.exit(error.exit_code)
        except click.Abort:
            sys.exit("forms-service: stopped.")
        except click.ClickException as error:  # already one line: "Error: ..."
            error.show()
            sys.exit(error.exit_code)
        except ConfigError as error:  # a missing or bad setting
            sys.exit(f"forms-service: {one_line(str(error))}")
        except DATABASE_ERRORS as error:
            sys.exit(f"forms-service: {database_line(error)}")
        sys.exit(code if isinstance(code, int) else 0)


class AdminCommand(click.Command):
    """A command run by hand that says what it did: the service's start-up warnings (no
    SMTP_HOST, a form's warnings, which `check` lists) belong in the service's logs, so here
    only errors are shown, and a mistake stays one line."""

    def invoke(self, ctx: click.Context) -> Any:
        logger = logging.getLogger("forms_service")
        level = logger.level
        if not logging.getLogger().handlers:  # nobody set up logging: Python's stderr default
            logger.setLevel(logging.ERROR)
        try:
            return super().invoke(ctx)
        finally:
            logger.setLevel(level)


def one_line(text: str) -> str:
    return " ".join(text.split())


def usage_line(error: click.UsageError) -> str:
    """Click's three-line usage error as one line, ending with where to read more."""
    path = error.ctx.command_path if error.ctx else "forms-service"
    message = one_line(error.format_message())
    if not message.endswith((".", "?", "!")):
        message += "."
    if isinstance(error, click.BadParameter) and error.param is None:
        return f"{path}: {message}"  # a value the command itself refused: it says why
    see = "to see the commands" if error.ctx and error.ctx.parent is None else "for its options"
    return f"{path}: {message} Run '{path} --help' {see}."


def database_line(error: Exception) -> str:
    """What to do about a database the command could not use (never the URL: it may hold a
    password; never the statement's parameters)."""
    cause = one_line((str(getattr(error, "orig", None) or error).splitlines() or [""])[0])
    if "no such table" in cause or ("relation" in cause and "does not exist" in cause):
        return f"the database has no tables yet ({cause}): run 'forms-service init-db' first."
    return (
        f"could not use the database ({cause}): check DATABASE_URL and that the database "
        "is running, then run 'forms-service init-db'."
    )


@click.group(cls=Commands, create_app=create_app, set_debug_flag=False)
def cli() -> None:
    """forms-service: accessible online forms from YAML definitions."""


def given_definitions(targets: list[Path]) -> list[Path]:
    """The definition files named on the command line (folders: the .yaml files in them);
    a path that does not exist, or no definition at all, is a usage mistake."""
    for path in targets:
        if not path.exists():
            raise click.UsageError(
                f"{path}: no such file or folder. Give a form definition (.yaml) or a folder "
                "of them.",
                click.get_current_context(),
            )
    files = definition_files(targets)
    if not files:
        raise click.UsageError(
            f"no .yaml or .yml files in {', '.join(map(str, targets))}. Give a form "
            "definition or a folder of them.",
            click.get_current_context(),
        )
    return files


@cli.command("check", with_appcontext=False)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit 1) on warnings too, not only on errors: for CI before publishing.",
)
def check(paths: tuple[Path, ...], strict: bool) -> None:
    """Check form definitions and print every problem as file:line:col: message.

    Errors (the form cannot run: the service leaves it out) exit 1. Warnings (style,
    likely mistakes; the form is served) are printed as file:line:col: warning: ... and
    exit 0, unless --strict. Needs no database, secret key or other setting.
    """
    files = given_definitions(list(paths) or [PROJECT_ROOT / "form_definitions"])
    warnings: list = []
    forms, problems = load_definitions(files, warnings)
    unsendable = set()  # forms that load but that nobody could send
    for form in forms.values():  # advice: the form still loads
        warnings += retention_warnings(form)
        for finding in prove(form):  # what the solver proves about its conditions
            (warnings if finding.warning else problems).append(finding)
            if not finding.warning:
                unsendable.add(form.id)
    for problem in sorted(problems + warnings, key=lambda p: (p.file, p.line, p.col)):
        click.echo(str(problem))
    bad_files = len({p.file for p in problems})
    click.echo(
        f"{len(files)} file(s) checked: {len(forms) - len(unsendable)} form(s) ok, "
        f"{len(problems)} problem(s) in {bad_files} file(s)"
        + (f", {len(warnings)} warning(s)" if warnings else "")
        + (" (--strict: warnings fail)." if strict and warnings else "."),
        err=True,
    )
    sys.exit(1 if problems or (strict and warnings) else 0)


@cli.command("map", with_appcontext=False)
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the map: .svg, .png or .pdf (default: <form id>.svg here).",
)
def map_command(path: Path, output: Path | None) -> None:
    """Draw a form's journey map with Graphviz: pages with their questions, conditions on
    the arrows, exit pages in red, repeats, sections, check answers and submit.

    A definition with errors prints them as file:line:col: message and exits 1. Needs the
    Graphviz `dot` program; no database, secret key or other setting.
    """
    fmt = "svg"
    if output is not None:
        fmt = output.suffix.lower().lstrip(".")
        if fmt not in MAP_FORMATS:
            raise click.BadParameter(
                f"{output}: end the file name with .svg, .png or .pdf", param_hint="--output"
            )
    forms, problems = load_definitions([path], [])
    if problems:
        for problem in sorted(problems, key=lambda p: (p.file, p.line, p.col)):
            click.echo(str(problem), err=True)
        sys.exit(1)
    (form,) = forms.values()
    try:
        drawing = render_map(journey_map(form), fmt)
    except GraphvizMissing:
        sys.exit(
            "forms-service: the Graphviz 'dot' program is not installed: install it "
            "(apt-get install graphviz) and run this again."
        )
    except RenderFailed as error:
        sys.exit(f"forms-service: Graphviz could not draw the map: {one_line(str(error))}")
    target = output or Path(f"{form.id}.svg")
    target.write_bytes(drawing)
    click.echo(f"Journey map of {form.id} written to {target}", err=True)


@cli.command("import-pdf", with_appcontext=False)
@click.argument("pdf", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the draft definition (.yaml). Without it, it goes to stdout.",
)
@click.option("--force", is_flag=True, help="Replace the --output file if it exists.")
def import_pdf(pdf: Path, output: Path | None, force: bool) -> None:
    """Draft a form definition from a fillable PDF's fields, with a paper_form block that
    maps each question back to its field.

    The YAML goes to --output (or stdout); what was read and what could not be mapped, and
    why, to stderr. Check and edit the draft, then run `forms-service check` on it. Needs no
    database, secret key or other setting.
    """
    from forms_service.acroform import NotAFillablePdf
    from forms_service.paper.importer import NothingToImport, draft_definition

    try:
        data = pdf.read_bytes()
    except OSError as error:
        sys.exit(f"forms-service: cannot read {pdf}: {one_line(error.strerror or str(error))}.")
    if output is not None and output.exists() and not force:
        sys.exit(
            f"forms-service: {output} already exists: give --force to replace it, or "
            "another file with -o."
        )
    # paper_form's file is relative to the definition's folder, and inside it.
    paper_file = pdf.as_posix()
    if output is not None:
        paper_file = Path(os.path.relpath(pdf.resolve(), output.resolve().parent)).as_posix()
    outside = paper_file.startswith("/") or ".." in Path(paper_file).parts
    if outside:
        paper_file = pdf.name
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)  # a damaged PDF is told in one line, not many
    try:
        draft = draft_definition(data, name=pdf.name, paper_file=paper_file)
    except (NotAFillablePdf, NothingToImport) as error:
        sys.exit(f"forms-service: {pdf}: {one_line(str(error))}.")
    finally:
        pypdf_log.setLevel(level)
    if output is None:
        click.echo(draft.yaml, nl=False)
    else:
        try:
            with output.open("w" if force else "x", encoding="utf-8") as target:
                target.write(draft.yaml)
        except FileExistsError:
            sys.exit(f"forms-service: {output} already exists: give --force to replace it.")
        except OSError as error:
            sys.exit(
                f"forms-service: cannot write {output}: {one_line(error.strerror or str(error))}."
            )
    for line in draft.summary(str(pdf)):
        click.echo(line, err=True)
    if outside:
        click.echo(
            f"paper_form file: is {paper_file}: copy {pdf} beside the draft (or into a "
            "folder under it and give that path) so that check and the service find it.",
            err=True,
        )
    if output is not None:
        click.echo(f"Draft written to {output}: run 'forms-service check {output}'.", err=True)


@cli.command("test-journeys", cls=AdminCommand, with_appcontext=False)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--browser",
    is_flag=True,
    help="Also run axe-core in Chromium on every page, with and without errors shown.",
)
def test_journeys(paths: tuple[Path, ...], browser: bool) -> None:
    """Generate journeys through each form (each branch of each condition, each exit,
    repeats with 1 and most items) and drive them through the real app.

    Prints the pages each journey reached. Runs on a throw-away database with a secret
    key made for the run: needs no setting. Exits 1 when a journey fails or a definition
    has errors.
    """
    from forms_service.testing.journeys import run

    sys.exit(run(given_definitions(list(paths)), browser, click.echo))


@cli.command("init-db", cls=AdminCommand)
@with_appcontext
def init_db() -> None:
    """Bring the database up to date: run the migrations not yet run. Safe to run again."""
    current_app.extensions["store"].create_schema()
    click.echo("Database ready.")


@cli.command("purge", cls=AdminCommand)
@with_appcontext
def purge() -> None:
    """Delete what is past its retention now and print how many of each kind went.

    Submissions with their PDFs, timelines and drafts, then drafts never sent, their
    links, and ended sessions; each deletion is in the audit log. The worker runs this
    daily; it is safe to run at any time beside it and beside the service.
    """
    app = current_app
    counts = purge_expired(
        app.extensions["store"],
        app.extensions["forms"],
        utcnow(),
        events_keep_days=app.config["EVENTS_KEEP_DAYS"],
        comment_days=app.config["FEEDBACK_COMMENT_DAYS"],
    )
    for what, count in counts.items():
        click.echo(f"{what}: {count}")


@cli.command("demo-data", cls=AdminCommand)
@click.option("--journeys", default=100_000, show_default=True, type=click.IntRange(1, 10_000_000))
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, 3650))
@click.option(
    "--seed", default=1, show_default=True, type=int, help="The same seed, the same history."
)
@click.option(
    "--forms", "form_ids", default="", help="Only these forms: FORM[,FORM...] (default: all)"
)
@click.option("--replace", is_flag=True, help="Delete the performance data already stored first.")
@with_appcontext
def demo_data(journeys: int, days: int, seed: int, form_ids: str, replace: bool) -> None:
    """Fill the performance dashboard with a made-up history of the loaded forms (never in
    production): journeys over the last --days days walking each form's real pages, with
    drop-offs, validation errors, saves, exits, submissions, ratings and decisions."""
    import time

    from forms_service.performance.demo import make_history, plan_form
    from forms_service.performance.report import settled_day

    app = current_app
    if app.config["ENV_NAME"] == "production":
        raise click.ClickException(
            "demo-data makes up performance data: it does not run in production "
            "(FORMS_SERVICE_ENV=production)."
        )
    forms = app.extensions["forms"]
    wanted = [f.strip() for f in form_ids.split(",") if f.strip()] or sorted(forms)
    unknown = [f for f in wanted if f not in forms]
    if unknown:
        raise click.BadParameter(
            f"no form {', '.join(unknown)} is loaded; choose from {', '.join(sorted(forms))}.",
            param_hint="--forms",
        )
    store = app.extensions["store"]
    if store.has_performance_history() and not replace:
        raise click.ClickException(
            "the database already holds performance data: add --replace to delete it first."
        )
    began = time.perf_counter()
    now = utcnow()
    plans = [plan_form(forms[form_id], now.date()) for form_id in wanted]
    history = make_history(
        plans,
        journeys=journeys,
        days=days,
        seed=seed,
        now=now,
        keep_days=app.config["EVENTS_KEEP_DAYS"],
    )
    if replace:
        store.delete_performance_history()
    store.write_performance_history(
        history.events, history.daily, history.comments, history.paper, counted_until=settled_day()
    )
    counts = history.counts
    click.echo(
        f"{journeys} journeys over {days} days on {len(plans)} form(s): "
        f"{counts['submitted']} submitted, {counts['exit_reached']} at an exit page, "
        f"{counts['feedback']} ratings ({len(history.comments)} comments), "
        f"{counts['decided']} decided; {len(history.events)} recent events, "
        f"{len(history.daily)} daily counts, {len(history.paper)} paper volumes "
        f"({time.perf_counter() - began:.1f} s)."
    )


@cli.command("worker")
@click.option(
    "--hour",
    type=click.IntRange(0, 23),
    default=None,
    help="Run the daily purge at this hour (default: PURGE_HOUR; London time on SQLite, "
    "UTC on PostgreSQL).",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 32),
    default=2,
    show_default=True,
    help="Jobs run at once by this worker (PostgreSQL).",
)
@with_appcontext
def worker(hour: int | None, concurrency: int) -> None:
    """Run the job queue: emails, webhooks, PDFs at submission and the daily purge, until
    SIGTERM or Ctrl-C (the job in hand is finished first). Start as many as you like on
    PostgreSQL; on SQLite the web processes run jobs themselves and this is optional."""
    queue = current_app.extensions["jobs"]
    if hour is not None:
        queue.purge_hour = hour
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("forms_service.jobs").setLevel(logging.INFO)
    if not isinstance(queue, LocalQueue):
        queue.work(concurrency)
        return
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: queue.stop())
    queue.loop()


@cli.command("rotate-keys", cls=AdminCommand)
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="Rows re-wrapped per transaction",
)
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


@cli.command("create-user", cls=AdminCommand)
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
    try:
        parse_email(email)
    except InvalidValue:
        raise click.BadParameter(
            "enter an email address, like name@justice.gov.uk", param_hint="EMAIL"
        ) from None
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


@cli.command("create-api-token", cls=AdminCommand)
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
    if not name.strip():
        raise click.BadParameter("give the name of who will use it", param_hint="--name")
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


@cli.command("revoke-api-token", cls=AdminCommand)
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


@cli.command("reset-two-factor", cls=AdminCommand)
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


@cli.command("preview", with_appcontext=False)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--port", default=8001, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to serve on (this machine)."
)
def preview(path: Path, port: int, host: str) -> None:
    """Try a form definition while writing it: serve it at http://HOST:PORT/.

    Every page says "Preview: answers are not kept". The file is read again each time it
    is saved (no restart); a definition with problems shows them, as file:line:col, in
    place of the form. "Fill with example answers" goes to check your answers in one
    click, and check your answers links to the PDF. Answers go to a database of the
    preview's own, deleted when it stops: the service's database is never touched. Needs
    no settings.
    """
    if not path.is_file():
        raise click.UsageError(
            f"{path}: no such file. Give the form definition (.yaml) to preview.",
            click.get_current_context(),
        )
    with tempfile.TemporaryDirectory(prefix="forms-preview-") as folder:
        app = create_app(preview_settings(path, Path(folder)))
        watched = app.extensions["preview"]
        click.echo(f"Previewing {path} at http://{host}:{port}/ (Ctrl+C stops it).")
        for problem in watched.problems + watched.warnings:
            click.echo(str(problem))
        # Stopped by a signal, not only Ctrl+C: the throwaway database is still deleted.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            run_simple(host, port, app, threaded=True, use_reloader=False)
        except OSError as error:
            raise click.ClickException(
                f"cannot serve on {host}:{port} ({error.strerror or error}): choose another "
                "port with --port."
            ) from None


def preview_settings(path: Path, folder: Path) -> dict[str, Any]:
    """A preview's settings: its own throwaway database, keys and outbox in `folder`, and
    a cookie of its own, so a service on another port of this machine is not signed out."""
    return {
        "ENV_NAME": "development",
        "INSTANCE_PATH": folder,
        "DATABASE_URL": f"sqlite:///{folder / 'preview.db'}",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "FORMS_DEFINITIONS_DIR": folder,
        "PREVIEW_DEFINITION": path.resolve(),
        "SMTP_HOST": "",  # emails are written to the preview's outbox, never sent
        "SESSION_COOKIE_NAME": "forms_preview_session",
        "TEMPLATE_CACHE_DIR": tool_template_cache(),
    }


def main() -> None:
    cli(prog_name="forms-service")


if __name__ == "__main__":
    main()
