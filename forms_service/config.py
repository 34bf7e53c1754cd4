"""Settings from the environment, with safe defaults for local use.

FORMS_SERVICE_ENV is `production` unless set, so a deployment that forgets a secret
refuses to start rather than run with a made-up one. `make run` sets `development`.
"""

from __future__ import annotations

import base64
import datetime
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def tool_template_cache() -> Path:
    """Where the authors' tools (preview, test-journeys) keep compiled templates between
    runs (compiling them all takes seconds): the TEMPLATE_CACHE_DIR setting, else the
    user's cache folder. Entries are keyed by the template's source, so a changed template
    is compiled again."""
    setting = os.environ.get("TEMPLATE_CACHE_DIR")
    if setting:
        return Path(setting)
    home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(home) / "forms-service" / "template-cache"


class ConfigError(RuntimeError):
    pass


def load_config(
    environ: Mapping[str, str] | None = None, instance_path: Path | None = None, **overrides: Any
) -> dict[str, Any]:
    env = os.environ if environ is None else environ
    # Settings passed in (tests, scripts) win over the environment.
    mode = overrides.get("ENV_NAME") or env.get("FORMS_SERVICE_ENV", "production")
    if mode not in ("production", "development", "test"):
        raise ConfigError(
            f"FORMS_SERVICE_ENV must be production, development or test, not {mode!r}"
        )
    instance = Path(
        instance_path
        or overrides.get("INSTANCE_PATH")
        or env.get("FORMS_INSTANCE_PATH")
        or PROJECT_ROOT / "instance"
    )
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'forms.db'}"
    if database_url.startswith("postgres://"):  # Heroku-style URLs; SQLAlchemy wants the driver
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    config = {
        "ENV_NAME": mode,
        "INSTANCE_PATH": instance,
        "SECRET_KEY": overrides.get("SECRET_KEY")
        or env.get("SECRET_KEY")
        or _local_secret(mode, instance),
        "DATABASE_URL": database_url,
        # Personal data is sealed at rest (data/sealing.py): "id:base64key,..." newest first
        # (the first encrypts, all decrypt), and the blind-index key, which never rotates.
        "ANSWERS_KEYS": overrides.get("ANSWERS_KEYS")
        or env.get("ANSWERS_KEYS")
        or _local_key(mode, instance, "ANSWERS_KEYS", "answers_key", "dev:"),
        "ANSWERS_INDEX_KEY": overrides.get("ANSWERS_INDEX_KEY")
        or env.get("ANSWERS_INDEX_KEY")
        or _local_key(mode, instance, "ANSWERS_INDEX_KEY", "answers_index_key", ""),
        "FORMS_DEFINITIONS_DIR": Path(
            env.get("FORMS_DEFINITIONS_DIR") or PROJECT_ROOT / "form_definitions"
        ),
        # The one base URL absolute links (the emailed resume link) are built from; the
        # request's Host header is never used for them. Required in production.
        "SERVICE_URL": env.get("SERVICE_URL", ""),
        # In production the cookie is __Host- prefixed: the browser sends it only over HTTPS,
        # to this host, and no subdomain can set or replace it.
        "SESSION_COOKIE_NAME": "__Host-forms_session" if mode == "production" else "forms_session",
        "SESSION_COOKIE_SECURE": mode == "production",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_IDLE_MINUTES": int(env.get("SESSION_IDLE_MINUTES", "60")),
        # With JavaScript on, a warning dialog opens this long before the session ends.
        "SESSION_WARNING_SECONDS": int(env.get("SESSION_WARNING_SECONDS", "120")),
        # CSRF tokens live as long as the session; a slow citizen must not be refused.
        "WTF_CSRF_TIME_LIMIT": None,
        # The service words its own messages; WTForms' catalogue would be reloaded per request.
        "WTF_I18N_ENABLED": False,
        "BABEL_DEFAULT_LOCALE": "en",
        "SERVICE_NAME": env.get("SERVICE_NAME", "Justice forms"),
        # Each service-wide wording has a Welsh one (_CY), shown on Welsh pages.
        "SERVICE_NAME_CY": env.get("SERVICE_NAME_CY", "Ffurflenni cyfiawnder"),
        "SERVICE_ORGANISATION_CY": env.get("SERVICE_ORGANISATION_CY", "Y Weinyddiaeth Gyfiawnder"),
        "SERVICE_CONTACT_HOURS_CY": env.get(
            "SERVICE_CONTACT_HOURS_CY",
            "Dydd Llun i ddydd Gwener, 9am i 5pm (ac eithrio gwyliau cyhoeddus)",
        ),
        # Who runs the service and how people reach it: the privacy notice's controller and
        # the contact page, for forms that give no organisation or contact: of their own.
        # The defaults are placeholders for development: set the real ones in production.
        "SERVICE_ORGANISATION": env.get("SERVICE_ORGANISATION", "Ministry of Justice"),
        "SERVICE_CONTACT_EMAIL": env.get("SERVICE_CONTACT_EMAIL", "forms@justice.example.gov.uk"),
        "SERVICE_CONTACT_PHONE": env.get("SERVICE_CONTACT_PHONE", "0300 123 4567"),
        "SERVICE_CONTACT_HOURS": env.get(
            "SERVICE_CONTACT_HOURS", "Monday to Friday, 9am to 5pm (except public holidays)"
        ),
        # alpha or beta: a phase banner on every page; live: none. Its feedback link goes to
        # FEEDBACK_URL (a survey), or to the contact page's feedback section when unset.
        "SERVICE_PHASE": env.get("SERVICE_PHASE", "beta"),
        "FEEDBACK_URL": env.get("FEEDBACK_URL", ""),
        # When the accessibility statement was last reviewed (ISO date): update it with
        # each accessibility test.
        "ACCESSIBILITY_STATEMENT_DATE": env.get("ACCESSIBILITY_STATEMENT_DATE", "2026-12-01"),
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "TEMPLATE_CACHE_DIR": env.get("TEMPLATE_CACHE_DIR"),
        "DEFINITION_CACHE_DIR": env.get("DEFINITION_CACHE_DIR"),
        # Email for "save and come back later"; with no SMTP_HOST, messages go to
        # instance/outbox/ so the service runs with nothing else installed.
        "SMTP_HOST": env.get("SMTP_HOST", ""),
        "SMTP_PORT": int(env.get("SMTP_PORT", "587")),
        "SMTP_USERNAME": env.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD", ""),
        "SMTP_SECURITY": env.get("SMTP_SECURITY", ""),
        "SMTP_FROM": env.get("SMTP_FROM", "Justice forms <no-reply@localhost>"),
        # Rate limits, counted in the database so they hold across workers.
        "RESUME_LINKS_PER_EMAIL": int(env.get("RESUME_LINKS_PER_EMAIL", "5")),  # an hour
        "RESUME_LINKS_PER_IP": int(env.get("RESUME_LINKS_PER_IP", "30")),  # an hour
        "RESUME_TOKEN_ATTEMPTS_PER_IP": int(
            env.get("RESUME_TOKEN_ATTEMPTS_PER_IP", "20")
        ),  # 10 min
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        # Drafts: new ones per IP an hour (existing drafts always save); the largest draft.
        "DRAFTS_PER_IP": int(env.get("DRAFTS_PER_IP", "60")),
        "DRAFT_MAX_BYTES": int(env.get("DRAFT_MAX_BYTES", str(1024 * 1024))),
        # API calls with a token that is not valid, per IP per 10 minutes (then 429).
        "API_BAD_TOKENS_PER_IP": int(env.get("API_BAD_TOKENS_PER_IP", "20")),
        # Staff: signed out after this long idle; after this many wrong passwords or codes
        # in a row, sign-ins wait STAFF_BACKOFF_SECONDS, doubling with each further failure
        # up to STAFF_BACKOFF_MAX_SECONDS; sign-in attempts per IP per 15 minutes.
        "STAFF_IDLE_MINUTES": int(env.get("STAFF_IDLE_MINUTES", "30")),
        "STAFF_MAX_FAILED_SIGN_INS": int(env.get("STAFF_MAX_FAILED_SIGN_INS", "5")),
        "STAFF_BACKOFF_SECONDS": float(env.get("STAFF_BACKOFF_SECONDS", "1")),
        "STAFF_BACKOFF_MAX_SECONDS": float(env.get("STAFF_BACKOFF_MAX_SECONDS", "900")),
        # Who signs in with a security code too: privileged (admins and assisted-digital
        # staff), all, or off (only for tests and local development).
        "STAFF_TWO_FACTOR": env.get("STAFF_TWO_FACTOR", "privileged"),
        "STAFF_SIGN_INS_PER_IP": int(env.get("STAFF_SIGN_INS_PER_IP", "50")),
        # A new member of staff's emailed link to set their password works this long, once.
        "STAFF_INVITE_HOURS": int(env.get("STAFF_INVITE_HOURS", "72")),
        # The daily purge runs at this hour (0-23): London time on SQLite, UTC on
        # PostgreSQL (procrastinate's schedule, default 2). Unset on SQLite: every 24 hours
        # from start.
        "PURGE_HOUR": env.get("PURGE_HOUR", ""),
        # Performance events are kept as they happened this many days (today counts as one),
        # then counted into daily totals and deleted by the daily purge; satisfaction
        # comments are deleted after FEEDBACK_COMMENT_DAYS.
        "EVENTS_KEEP_DAYS": int(env.get("EVENTS_KEEP_DAYS", "2")),
        # Count journey events for the performance dashboard at all (on by default).
        "PERFORMANCE_EVENTS": env.get("PERFORMANCE_EVENTS", "1") not in ("0", "false", "no"),
        # Events are written by a thread of each process this often, in one statement (a
        # page only hands them over); 0 writes each request's at once (the tests do).
        "EVENTS_BATCH_SECONDS": float(env.get("EVENTS_BATCH_SECONDS", "1")),
        "FEEDBACK_COMMENT_DAYS": int(env.get("FEEDBACK_COMMENT_DAYS", "365")),
        # How jobs run (forms_service/jobs/queue.py): thread (a thread of each web process on
        # SQLite; on PostgreSQL web processes only queue and `forms-service worker` runs
        # them), inline (right after the commit that queued them: tests) or off (queue only).
        "JOBS_RUNNER": env.get("JOBS_RUNNER", "thread"),
        # Make each submission's PDF as a job when it arrives (so the first download is
        # instant); off only where nothing needs it (most tests).
        "PDFS_AT_SUBMISSION": env.get("PDFS_AT_SUBMISSION", "1") not in ("0", "false", "no"),
        # Webhooks to loopback, private, link-local... addresses (and over http:// to this
        # machine): off, so a definition cannot make the service reach inside its network.
        # On only for testing a receiver locally; refused in production.
        "WEBHOOKS_ALLOW_PRIVATE": env.get("WEBHOOKS_ALLOW_PRIVATE", "").lower()
        in ("1", "true", "yes", "on"),
    }
    config.update(overrides)
    if config["STAFF_TWO_FACTOR"] not in ("privileged", "all", "off"):
        raise ConfigError(
            f"STAFF_TWO_FACTOR must be privileged, all or off, not {config['STAFF_TWO_FACTOR']!r}"
        )
    if config["SERVICE_PHASE"] not in ("alpha", "beta", "live"):
        raise ConfigError(
            f"SERVICE_PHASE must be alpha, beta or live, not {config['SERVICE_PHASE']!r}"
        )
    try:
        datetime.date.fromisoformat(str(config["ACCESSIBILITY_STATEMENT_DATE"]))
    except ValueError:
        raise ConfigError(
            "ACCESSIBILITY_STATEMENT_DATE must be a date like 2026-12-01, "
            f"not {config['ACCESSIBILITY_STATEMENT_DATE']!r}"
        ) from None
    if config["WEBHOOKS_ALLOW_PRIVATE"] and mode == "production":
        raise ConfigError("WEBHOOKS_ALLOW_PRIVATE is for tests and development, not production")
    if config["STAFF_TWO_FACTOR"] == "off" and mode == "production":
        raise ConfigError("STAFF_TWO_FACTOR=off is for tests and development, not production")
    # Seconds are what the code uses; tests may set them directly for short sessions.
    config.setdefault("SESSION_IDLE_SECONDS", config["SESSION_IDLE_MINUTES"] * 60)
    config["SERVICE_URL"] = _service_url(mode, config["SERVICE_URL"], env)
    if "TRUSTED_HOSTS" not in overrides:
        config["TRUSTED_HOSTS"] = _trusted_hosts(mode, config["SERVICE_URL"], env)
    return config


def _service_url(mode: str, url: str, env: Mapping[str, str]) -> str:
    if not url:
        if mode == "production":
            raise ConfigError(
                "SERVICE_URL is not set. Set it to the address people use to reach the "
                "service, e.g. https://forms.justice.example.gov.uk"
            )
        url = f"http://127.0.0.1:{env.get('PORT', '8000')}" if mode == "development" else ""
        url = url or "http://localhost"
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
    ):
        raise ConfigError(
            f"SERVICE_URL must be the service's root address, like "
            f"https://forms.example.gov.uk, not {url!r}"
        )
    if mode == "production" and parts.scheme != "https":
        raise ConfigError(f"SERVICE_URL must start with https:// in production, not {url!r}")
    return url.rstrip("/")


def _trusted_hosts(mode: str, service_url: str, env: Mapping[str, str]) -> list[str]:
    """The Host headers the service answers to: the service URL's host, any others named in
    TRUSTED_HOSTS (a load balancer's health check, say), and loopback outside production.
    Requests for any other host are refused (400), so a forged Host cannot reach a page."""
    hosts = [urlsplit(service_url).hostname or ""]
    hosts += [h.strip() for h in env.get("TRUSTED_HOSTS", "").split(",") if h.strip()]
    if mode != "production":
        hosts += ["localhost", "127.0.0.1"]
    return list(dict.fromkeys(hosts))


def _local_secret(mode: str, instance: Path) -> str:
    if mode == "production":
        raise ConfigError(
            "SECRET_KEY is not set. Set it in the environment to a long random value, e.g. "
            "python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    if mode == "test":
        return secrets.token_hex(32)
    # Development: one key per checkout, kept so sessions survive a restart.
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _local_key(mode: str, instance: Path, name: str, file: str, prefix: str) -> str:
    """A generated answers key for development and tests, kept in the instance folder."""
    if mode == "production":
        what = "a key id, a colon and " if prefix else ""
        example = "'k1:' + " if prefix else ""
        raise ConfigError(
            f"{name} is not set. Set it to {what}32 random bytes in base64 (README: "
            'Configuration), e.g. the output of python3 -c "import base64,os; '
            f'print({example}base64.b64encode(os.urandom(32)).decode())"'
        )
    path = instance / file
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it at the same moment
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(prefix + base64.b64encode(secrets.token_bytes(32)).decode())
    return path.read_text().strip()


def answer_keys_setting(environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """ANSWERS_KEYS and ANSWERS_INDEX_KEY as the service would use them, without the rest of
    the settings (a Store made outside the app, e.g. by a script)."""
    env = os.environ if environ is None else environ
    mode = env.get("FORMS_SERVICE_ENV", "production")
    instance = Path(env.get("FORMS_INSTANCE_PATH") or PROJECT_ROOT / "instance")
    return (
        env.get("ANSWERS_KEYS")
        or _local_key(mode, instance, "ANSWERS_KEYS", "answers_key", "dev:"),
        env.get("ANSWERS_INDEX_KEY")
        or _local_key(mode, instance, "ANSWERS_INDEX_KEY", "answers_index_key", ""),
    )


def answer_keys(config: Mapping[str, Any]) -> Any:
    """The settings' ANSWERS_KEYS and ANSWERS_INDEX_KEY, parsed (a ConfigError if bad)."""
    from forms_service.data.sealing import AnswerKeys, AnswerKeysError

    try:
        return AnswerKeys.from_settings(config["ANSWERS_KEYS"], config["ANSWERS_INDEX_KEY"])
    except AnswerKeysError as error:
        raise ConfigError(str(error)) from None
