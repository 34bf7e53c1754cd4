"""The Flask application: settings, templates, database, definitions, routes, error pages."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flask import (
    Flask,
    g,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import Babel
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import ChoiceLoader, FileSystemBytecodeCache, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from forms_service import catalogues
from forms_service.clock import utcnow
from forms_service.config import ConfigError, answer_keys, load_config
from forms_service.data import DATABASE_ERRORS, Store
from forms_service.definitions.cache import DefinitionCache
from forms_service.definitions.loader import load_definitions
from forms_service.definitions.model import Form
from forms_service.sessions import DatabaseSessionInterface
from forms_service.templating import JinjaEnvironment

log = logging.getLogger(__name__)
LANGUAGES = ("en", "cy")
JOURNEY_ENDPOINTS = {
    "citizen.question_page",
    "citizen.item_page",
    "citizen.check_answers",
    "citizen.task_list",
    "citizen.remove_item",
    "resume.save_progress",
}
VENDOR = Path(__file__).parent / "static" / "vendor"
CACHEABLE_ENDPOINTS = frozenset({"static", "assets"})  # the service's CSS, JS, fonts, images


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: settings, templates, database, definitions, routes."""
    settings = load_config(**(config or {}))
    app = Flask(__name__, instance_path=str(settings["INSTANCE_PATH"]))
    app.config.update(settings)
    _templates(app)
    store = Store(app.config["DATABASE_URL"], keys=answer_keys(app.config))
    app.extensions["store"] = store
    if app.config.get("CREATE_SCHEMA", app.config["ENV_NAME"] != "production"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        store.create_schema()
    app.session_interface = DatabaseSessionInterface()
    app.extensions["csrf"] = CSRFProtect(app)
    Babel(app, locale_selector=_locale)
    _check_catalogues(app)
    preview = app.config.get("PREVIEW_DEFINITION")
    if not preview:
        load_forms(app)
    _security_headers(app)
    _error_pages(app)

    from forms_service import mailer, template_filters
    from forms_service.jobs import queue as jobs_queue
    from forms_service.views import (
        api,
        assisted,
        authoring,
        citizen,
        feedback_comments,
        info,
        jobs_admin,
        maps,
        performance,
        performance_events,
        resume,
        staff,
        two_factor,
    )

    mailer.init_app(app)
    jobs_queue.init_app(app)
    template_filters.register(app)
    performance_events.register(app)  # performance events, written after each response
    redact_access_logs()
    app.register_blueprint(info.bp)  # the required pages, linked from every footer
    app.register_blueprint(citizen.bp)
    app.register_blueprint(resume.bp)
    app.extensions["csrf"].exempt(resume.end_session)  # it checks the token itself
    app.register_blueprint(staff.bp)
    app.register_blueprint(two_factor.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(assisted.bp)
    app.register_blueprint(assisted.form_bp)
    app.register_blueprint(maps.bp)  # /staff/forms: each form's journey map
    app.register_blueprint(jobs_admin.bp)  # /staff/jobs: failed jobs, to retry
    app.register_blueprint(feedback_comments.bp)  # /staff/performance/comments
    app.register_blueprint(authoring.bp)  # form authors preview uploaded definitions
    app.register_blueprint(authoring.form_bp)
    app.register_blueprint(performance.bp)  # /staff/performance: the dashboard
    if preview:  # forms-service preview: one definition file, read again when it changes
        from forms_service.definitions.watch import WatchedDefinition
        from forms_service.views import preview as preview_views
        from forms_service.views import preview_tools

        preview_views.init_app(app, WatchedDefinition(Path(preview), advice=preview_tools.advice))
    if app.config["TRUSTED_PROXIES"]:
        # Behind a load balancer: take the client address from X-Forwarded-For (rate limits).
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"], x_proto=app.config["TRUSTED_PROXIES"]
        )

    @app.context_processor
    def journey_context() -> dict[str, Any]:
        # The form and journey of the page, set when the journey was loaded, so the base
        # template (title, language, timeout warning) needs nothing a view must remember.
        return {"form": g.get("form"), "journey": g.get("journey")}

    @app.get("/assets/<path:filename>")
    def assets(filename: str):  # the GOV.UK CSS refers to /assets/fonts and /assets/images
        return send_from_directory(VENDOR / "govuk" / "assets", filename, max_age=31536000)

    return app


class RedactResumeTokens(logging.Filter):
    """Access logs record request paths; a resume link's token must never be written down."""

    TOKEN = re.compile(r"(/resume/)[A-Za-z0-9_-]{16,}")

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.TOKEN.sub(r"\1[redacted]", str(record.msg))
        if isinstance(record.args, dict):
            record.args = {k: self._clean(v) for k, v in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(self._clean(v) for v in record.args)
        return True

    def _clean(self, value: Any) -> Any:
        return self.TOKEN.sub(r"\1[redacted]", value) if isinstance(value, str) else value


def redact_access_logs() -> None:
    for name in ("gunicorn.access", "werkzeug"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactResumeTokens) for f in logger.filters):
            logger.addFilter(RedactResumeTokens())


def load_forms(app: Flask) -> None:
    """Load every definition once; a broken file is logged and left out, the rest are served.

    Each version is also kept in the database, for drafts started on an older version, and
    each paper form's PDF, for submissions to be filled into.
    """
    warnings: list = []
    # Checked definitions are kept in the instance folder: a new worker takes each unchanged
    # file from there instead of reading and checking it again (definitions/cache.py).
    cache = app.config.get("DEFINITION_CACHE_DIR") or Path(app.instance_path) / "definition-cache"
    forms, problems = load_definitions(
        [Path(app.config["FORMS_DEFINITIONS_DIR"])], warnings, DefinitionCache(Path(cache))
    )
    for problem in problems:
        log.error("form definition problem: %s", problem)
    for warning in warnings:
        log.warning("form definition %s", warning)
    app.extensions["forms"] = forms
    app.extensions["definition_problems"] = problems
    try:
        app.extensions["store"].record_form_versions(
            {(form.id, form.version): form.snapshot for form in forms.values()}
        )
    except DATABASE_ERRORS:
        log.warning("could not record form versions: run forms-service init-db")
    try:  # the blank paper forms too, by hash: submissions are filled into the one they name
        app.extensions["store"].record_paper_pdfs(blank_paper_pdfs(forms.values()))
    except DATABASE_ERRORS:
        log.warning("could not record the paper forms: run forms-service init-db")


def blank_paper_pdfs(forms: Iterable[Form]) -> dict[str, tuple[str, bytes]]:
    """The blank paper PDFs these forms name, read from their folder: {sha256: (file, pdf)}."""
    return {
        form.paper_form.sha256: (form.paper_form.file, form.paper_form.pdf)
        for form in forms
        if form.paper_form is not None and form.paper_form.sha256 and form.paper_form.pdf
    }


def _templates(app: Flask) -> None:
    app.jinja_environment = JinjaEnvironment  # before app.jinja_env is first made
    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("forms_service"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    # Compiled templates are kept on disk: the GOV.UK macros take about a second to compile,
    # which every new worker process (and every test app) would otherwise pay again.
    cache = Path(app.config.get("TEMPLATE_CACHE_DIR") or Path(app.instance_path) / "template-cache")
    cache.mkdir(parents=True, exist_ok=True)
    app.jinja_env.bytecode_cache = FileSystemBytecodeCache(str(cache))
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def _check_catalogues(app: Flask) -> None:
    """Welsh pages need the compiled Welsh catalogue: without it they would be in English.
    Set-up compiles it (make translations); a deploy that did not is compiled here, once,
    before the workers fork; where that cannot be written, production refuses to start."""
    try:
        catalogues.compile_stale()
    except OSError as error:
        log.warning("could not compile the translations: %s", error)
    missing = [code for code in catalogues.stale() if code != "en"]
    if not missing:
        return
    message = f"translations not compiled for {', '.join(missing)}: run make translations"
    if app.config["ENV_NAME"] == "production":
        raise ConfigError(message)
    log.warning(message)


def _locale() -> str:
    language = g.get("language")
    if not language:
        try:
            language = session.get("language")
        except (AssertionError, AttributeError):
            # No session: opening it failed (the database is down), and the error page
            # asking for its language must still be shown, in English.
            language = None
    return language if language in LANGUAGES else "en"


def _security_headers(app: Flask) -> None:
    @app.before_request
    def nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)
        wanted = request.args.get("lang")
        if wanted in LANGUAGES and session.get("language") != wanted:
            session["language"] = wanted
        if getattr(session, "expired", False) and request.endpoint in JOURNEY_ENDPOINTS:
            # The browser's session ended while the citizen was away: say so, once. The new
            # session replaces the ended one's cookie, so the next page opens normally.
            session.expired = False
            session["started"] = utcnow().isoformat()
            return redirect(url_for("resume.session_ended"))
        return None

    @app.after_request
    def headers(response):
        nonce_value = g.get("csp_nonce", "")
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; script-src 'self' 'nonce-{nonce_value}'; "
            "img-src 'self' data:; style-src 'self'; font-src 'self'; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if app.config["ENV_NAME"] == "production":
            # Browsers remember to use HTTPS only, for a year (a first visit over HTTP
            # cannot be downgraded after that).
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        if request.endpoint not in CACHEABLE_ENDPOINTS:
            # Pages, downloads (PDF, JSON, CSV) and API answers hold personal data: no
            # shared or browser cache may keep them. Only the service's own assets may.
            response.headers["Cache-Control"] = "no-store"
        return response


def _error_pages(app: Flask) -> None:
    def page(template: str, status: int):
        if request.path.startswith("/api/"):  # other systems get JSON, not a web page
            return {"error": template, "message": template.replace("_", " ")}, status
        if request.path.startswith("/staff/"):  # inside the staff layout, with its menu
            from forms_service.views.staff_access import error_page

            staff_page = error_page(template, status)
            if staff_page is not None:
                return staff_page
        # An error page is the service's, not the form's, even when a journey was loaded.
        return render_template(f"errors/{template}.html", form=None, journey=None), status

    @app.errorhandler(403)
    def forbidden(_error):
        # Only staff are ever refused (a role they lack), on /staff/ or an assisted form.
        if request.path.startswith("/api/"):
            return page("forbidden", 403)
        from forms_service.views.staff_access import error_page

        return error_page("forbidden", 403)

    @app.errorhandler(404)
    def not_found(_error):
        return page("not_found", 404)

    @app.errorhandler(405)
    def not_allowed(_error):
        return page("not_found", 405)

    @app.errorhandler(413)
    def too_large(_error):
        return page("too_large", 413)

    @app.errorhandler(429)
    def too_many(_error):
        return page("too_many", 429)

    @app.errorhandler(CSRFError)
    def csrf_failed(_error):
        return page("session_ended", 400)

    def database_down(error):
        log.exception("database error: %s", error)
        return page("unavailable", 503)

    for error in DATABASE_ERRORS:
        app.register_error_handler(error, database_down)

    @app.errorhandler(500)
    def server_error(error):
        # The database down before a handler could run (opening the session): still 503.
        status = (
            503 if isinstance(getattr(error, "original_exception", None), DATABASE_ERRORS) else 500
        )
        return page("unavailable", status)
