"""Sending the service's emails: over SMTP in production, to an outbox folder by default.

With no SMTP_HOST configured (the embedded default, so `make run` needs nothing else) each
message is written as an .eml file under the instance folder instead of being sent.

Email is not a secure channel: callers never put a citizen's answers in a message. A body
can still hold a secret (a single-use "come back later" link), so this module never logs a
subject or a body, and logs the recipient only masked (`j***@example.com`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import smtplib
import ssl
import tempfile
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import Any

from flask import Flask

from forms_service.clock import utcnow

log = logging.getLogger(__name__)

DEFAULT_FROM = "Justice forms <no-reply@localhost>"
DEFAULT_PORT = 587
DEFAULT_TIMEOUT = 10.0
SECURITY_MODES = ("starttls", "ssl", "none")
# One address, no display name, no lists: anything else is a caller bug or an attack.
_ADDRESS = re.compile(r"[^@\s<>()\[\],;:\"\\]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")


class MailError(Exception):
    """The message could not be sent; str() says why in plain words (never a secret)."""


@dataclass(frozen=True)
class Email:
    """One message to one citizen. `html` is already escaped by the caller's template."""

    to: str
    subject: str
    text: str
    html: str


def mask_address(address: str) -> str:
    """`jane@example.com` -> `j***@example.com`: enough to trace a message, not to harvest."""
    local, at, domain = address.strip().rpartition("@")
    if not at or not local or not domain:
        return "***"
    keep = local[0] if len(local) > 1 else ""
    return f"{keep}***@{domain}"


def _setting(config: Mapping[str, Any], key: str, default: Any = None) -> Any:
    """Unset, None and blank all mean "use the default", as environment variables often do."""
    value = config.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    return value.strip() if isinstance(value, str) else value


def _one_line(value: str, what: str) -> None:
    """Refuse control characters (CR/LF above all) so a value cannot add its own headers."""
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in value):
        raise MailError(f"Could not send the email: the {what} must be a single line of text.")


def _recipient(address: str) -> str:
    """Check the address is one plain mailbox; return it with an ASCII (IDNA) domain."""
    _one_line(address, "email address")
    address = address.strip()
    local, _, domain = address.rpartition("@")
    try:
        local.encode("ascii")
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise MailError(
            "Could not send the email: the email address is not one this service can send to."
        ) from None
    address = f"{local}@{domain}"
    if (
        len(address) > 254
        or not _ADDRESS.fullmatch(address)
        or ".." in address
        or local.startswith(".")
        or local.endswith(".")
    ):
        raise MailError("Could not send the email: the email address is not valid.")
    return address


class Mailer:
    """Sends emails over SMTP when SMTP_HOST is set, else writes them to the outbox folder."""

    def __init__(self, config: Mapping[str, Any], outbox: Path) -> None:
        self._outbox = Path(outbox)
        self._host: str = str(_setting(config, "SMTP_HOST", ""))
        self._port = int(_setting(config, "SMTP_PORT", DEFAULT_PORT))
        self._username: str | None = _setting(config, "SMTP_USERNAME")
        self._password: str = config.get("SMTP_PASSWORD") or ""
        default_security = {587: "starttls", 465: "ssl"}.get(self._port, "none")
        self._security = str(_setting(config, "SMTP_SECURITY", default_security)).lower()
        if self._security not in SECURITY_MODES:
            raise ValueError(
                f"SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}, not {self._security!r}"
            )
        self._timeout = float(_setting(config, "SMTP_TIMEOUT", DEFAULT_TIMEOUT))
        if self._timeout <= 0:
            raise ValueError("SMTP_TIMEOUT must be a positive number of seconds")
        self._from = str(_setting(config, "SMTP_FROM", DEFAULT_FROM))
        self._sender = parseaddr(self._from)[1]
        if "@" not in self._sender or any(char in self._from for char in "\r\n"):
            raise ValueError(f"SMTP_FROM is not a valid sender address: {self._from!r}")

    @property
    def uses_outbox(self) -> bool:
        """True when messages are written to the outbox folder rather than sent."""
        return not self._host

    def send(self, email: Email) -> None:
        """Send (or file) one message; raise MailError, with a plain reason, if that fails."""
        recipient = _recipient(email.to)
        message = self._build(email, recipient)
        if self.uses_outbox:
            self._write_outbox(message, recipient)
        else:
            self._send_smtp(message, recipient)

    def _build(self, email: Email, recipient: str) -> EmailMessage:
        _one_line(email.subject, "subject")
        message = EmailMessage()
        try:
            message["From"] = self._from
            message["To"] = recipient
            message["Subject"] = email.subject
            message["Date"] = formatdate(usegmt=True)
            # The sender's domain, not socket.getfqdn(): no DNS lookup, no server name leaked.
            message["Message-ID"] = make_msgid(domain=self._sender.rpartition("@")[2])
            # Quoted-printable keeps the message 7-bit clean for any relay, Welsh included.
            message.set_content(email.text, cte="quoted-printable")
            message.add_alternative(email.html, subtype="html", cte="quoted-printable")
        except (ValueError, TypeError) as error:
            raise MailError("Could not send the email: the message could not be built.") from error
        return message

    def _send_smtp(self, message: EmailMessage, recipient: str) -> None:
        """One connection per message: sends are rare, and nothing is left open between them."""
        where = f"{self._host}:{self._port}"
        smtp: smtplib.SMTP | None = None
        try:
            # Connect in the constructor: smtplib only records the host name (which TLS checks
            # the certificate against) there, and closes the socket itself if that fails.
            if self._security == "ssl":
                smtp = smtplib.SMTP_SSL(
                    self._host,
                    self._port,
                    timeout=self._timeout,
                    context=ssl.create_default_context(),
                )
            else:
                smtp = smtplib.SMTP(self._host, self._port, timeout=self._timeout)
            if self._security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if self._username:
                smtp.login(self._username, self._password)
            smtp.send_message(message, from_addr=self._sender, to_addrs=[recipient])
            with contextlib.suppress(smtplib.SMTPException, OSError):
                smtp.quit()  # The server has already accepted the message.
        except smtplib.SMTPServerDisconnected as error:
            self._fail(recipient, error, f"the mail server at {where} closed the connection")
        except smtplib.SMTPException as error:
            self._fail(recipient, error, f"the mail server at {where} refused it")
        except ssl.SSLError as error:  # Includes a certificate that does not match the host.
            self._fail(recipient, error, f"a secure connection to {where} could not be made")
        except OSError as error:  # Includes timeouts and refused connections.
            self._fail(recipient, error, f"the mail server at {where} could not be reached")
        else:
            log.info("email to %s sent via %s", mask_address(recipient), where)
        finally:
            if smtp is not None:
                smtp.close()

    def _fail(self, recipient: str, error: Exception, reason: str) -> None:
        """Log and raise without the error's text: a server reply could echo what we sent."""
        code = getattr(error, "smtp_code", None)
        detail = f"{type(error).__name__}" + (f" {code}" if code else "")
        log.warning(
            "email to %s could not be sent: %s (%s)", mask_address(recipient), reason, detail
        )
        raise MailError(f"Could not send the email: {reason}.") from None

    def _write_outbox(self, message: EmailMessage, recipient: str) -> None:
        """Write atomically, private to this user: a reader never sees half a message."""
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
        name = f"{stamp}-{secrets.token_hex(4)}.eml"
        temp_path: str | None = None
        try:
            if not self._outbox.is_dir():
                self._outbox.mkdir(mode=0o700, parents=True, exist_ok=True)
                self._outbox.chmod(0o700)  # mkdir's mode is filtered by the umask.
            fd, temp_path = tempfile.mkstemp(dir=self._outbox, prefix=".", suffix=".tmp")
            with os.fdopen(fd, "wb") as file:  # mkstemp creates the file with mode 0o600.
                file.write(message.as_bytes())
            os.replace(temp_path, self._outbox / name)
            temp_path = None
        except OSError as error:
            raise MailError(
                f"Could not save the email to the outbox folder {self._outbox}: "
                f"{error.strerror or type(error).__name__}."
            ) from error
        finally:
            if temp_path is not None:
                Path(temp_path).unlink(missing_ok=True)
        log.info("email to %s written to outbox/%s", mask_address(recipient), name)


def init_app(app: Flask) -> None:
    """Attach the app's Mailer; say clearly when mail only goes to the outbox folder."""
    mailer = Mailer(app.config, Path(app.instance_path) / "outbox")
    app.extensions["mailer"] = mailer
    if mailer.uses_outbox:
        level = logging.WARNING if app.config.get("ENV_NAME") == "production" else logging.INFO
        log.log(
            level,
            "SMTP_HOST is not set: emails are written to %s instead of being sent",
            Path(app.instance_path) / "outbox",
        )
