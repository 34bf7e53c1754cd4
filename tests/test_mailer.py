"""The mailer against a real SMTP server on loopback (aiosmtpd) and in outbox mode."""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from flask import Flask

from forms_service import mailer as mailer_module
from forms_service.mailer import Email, Mailer, MailError, init_app, mask_address

USERNAME = "forms-service"
PASSWORD = "s3cret-Pa55word"
TEXT = "Helo! Dyma'ch dolen: https://example.test/resume/TOKEN-abc123\nŵ ŷ â ê î ô û\n"
HTML = '<p>Helo! <a href="https://example.test/resume/TOKEN-abc123">Parhau</a> ŵ ŷ â</p>\n'
SUBJECT = "Eich ffurflen wedi'i chadw: ŵ ŷ â"


def make_email(**changes: str) -> Email:
    fields = {"to": "jane@example.com", "subject": SUBJECT, "text": TEXT, "html": HTML}
    return Email(**{**fields, **changes})


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Recorder:
    """aiosmtpd handler that keeps every envelope and every login attempt."""

    envelopes: list[Any] = field(default_factory=list)
    logins: list[tuple[str, bool]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        ok = (auth_data.login, auth_data.password) == (USERNAME.encode(), PASSWORD.encode())
        self.logins.append((auth_data.login.decode(), ok))
        return AuthResult(success=ok, handled=False)


def start_server(**kwargs: Any) -> tuple[Controller, Recorder]:
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    return controller, recorder


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, Recorder]]:
    controller, recorder = start_server()
    try:
        yield controller.port, recorder
    finally:
        controller.stop()


@pytest.fixture
def auth_smtp_server() -> Iterator[tuple[int, Recorder]]:
    recorder = Recorder()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=recorder.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield controller.port, recorder
    finally:
        controller.stop()


def parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def assert_same_message(message: EmailMessage, sent: Email, newline: str = "\n") -> None:
    """`newline` is CRLF for a message that crossed SMTP: that is the wire form of text."""
    assert message["From"] == "Justice forms <no-reply@localhost>"
    assert message["To"] == sent.to
    assert message["Subject"] == sent.subject
    assert message["Message-ID"].endswith("@localhost>")
    assert message["Date"].datetime.tzinfo is not None
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    assert parts[0].get_content() == sent.text.replace("\n", newline)
    assert parts[1].get_content() == sent.html.replace("\n", newline)


# SMTP


def test_sends_a_multipart_message_over_smtp(smtp_server: tuple[int, Recorder], tmp_path: Path):
    port, recorder = smtp_server
    mailer = Mailer(
        {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_SECURITY": "none"}, tmp_path
    )
    assert not mailer.uses_outbox

    mailer.send(make_email())

    [envelope] = recorder.envelopes
    assert envelope.mail_from == "no-reply@localhost"
    assert envelope.rcpt_tos == ["jane@example.com"]
    assert_same_message(parse(envelope.original_content), make_email(), newline="\r\n")
    assert not any(tmp_path.iterdir()), "nothing is written to the outbox when SMTP is set"


def test_port_and_timeout_may_be_strings_from_the_environment(
    smtp_server: tuple[int, Recorder], tmp_path: Path
):
    port, recorder = smtp_server
    config = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_TIMEOUT": "5"}
    Mailer(config, tmp_path).send(make_email())  # Not 587/465, so no TLS by default.
    assert len(recorder.envelopes) == 1


def test_logs_in_when_a_username_is_set(auth_smtp_server: tuple[int, Recorder], tmp_path: Path):
    port, recorder = auth_smtp_server
    config = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_SECURITY": "none",
        "SMTP_USERNAME": USERNAME,
        "SMTP_PASSWORD": PASSWORD,
    }
    Mailer(config, tmp_path).send(make_email())

    assert recorder.logins == [(USERNAME, True)]
    assert len(recorder.envelopes) == 1


def test_wrong_password_is_a_mail_error_without_the_password(
    auth_smtp_server: tuple[int, Recorder], tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    port, recorder = auth_smtp_server
    wrong = "not-the-Pa55word"
    config = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_SECURITY": "none",
        "SMTP_USERNAME": USERNAME,
        "SMTP_PASSWORD": wrong,
    }
    with caplog.at_level(logging.DEBUG), pytest.raises(MailError) as error:
        Mailer(config, tmp_path).send(make_email())

    assert "refused" in str(error.value)
    assert wrong not in str(error.value)
    assert wrong not in caplog.text
    # smtplib tries each mechanism the server offers (PLAIN, then LOGIN) before giving up.
    assert recorder.logins and all(login == (USERNAME, False) for login in recorder.logins)
    assert recorder.envelopes == []


def test_starttls_is_required_when_configured(smtp_server: tuple[int, Recorder], tmp_path: Path):
    """A server that does not offer STARTTLS must not get the message in the clear."""
    port, recorder = smtp_server
    config = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_SECURITY": "starttls"}
    with pytest.raises(MailError, match="refused"):
        Mailer(config, tmp_path).send(make_email())
    assert recorder.envelopes == []


def test_ssl_to_a_plain_server_fails_cleanly(smtp_server: tuple[int, Recorder], tmp_path: Path):
    port, recorder = smtp_server
    config = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_SECURITY": "ssl",
        "SMTP_TIMEOUT": 2,
    }
    with pytest.raises(MailError, match="secure connection"):
        Mailer(config, tmp_path).send(make_email())
    assert recorder.envelopes == []


def test_unreachable_server_is_a_quick_mail_error(tmp_path: Path):
    config = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": free_port(), "SMTP_TIMEOUT": 1}
    start = time.monotonic()
    with pytest.raises(MailError, match="could not be reached"):
        Mailer(config, tmp_path).send(make_email())
    assert time.monotonic() - start < 2


def test_security_defaults_follow_the_port(tmp_path: Path):
    def security(port: int) -> str:
        return Mailer({"SMTP_HOST": "mail.example.com", "SMTP_PORT": port}, tmp_path)._security

    assert security(587) == "starttls"
    assert security(465) == "ssl"
    assert security(25) == "none"
    assert Mailer({"SMTP_HOST": "mail.example.com"}, tmp_path)._port == 587


@pytest.mark.parametrize(
    ("key", "value"),
    [("SMTP_SECURITY", "tls"), ("SMTP_FROM", "nobody"), ("SMTP_TIMEOUT", 0)],
)
def test_bad_configuration_fails_at_startup(tmp_path: Path, key: str, value: Any):
    with pytest.raises(ValueError, match=key):
        Mailer({"SMTP_HOST": "mail.example.com", key: value}, tmp_path)


# Outbox


def test_outbox_is_the_default(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    outbox = tmp_path / "instance" / "outbox"
    mailer = Mailer({"SMTP_HOST": ""}, outbox)
    assert mailer.uses_outbox

    with caplog.at_level(logging.DEBUG, logger="forms_service.mailer"):
        mailer.send(make_email())

    [file] = outbox.iterdir()
    assert file.suffix == ".eml"
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o700
    assert_same_message(parse(file.read_bytes()), make_email())

    [record] = caplog.records
    assert record.levelno == logging.INFO
    assert record.getMessage() == f"email to j***@example.com written to outbox/{file.name}"
    assert "jane" not in caplog.text
    assert "TOKEN-abc123" not in caplog.text
    assert "ffurflen" not in caplog.text and "Parhau" not in caplog.text


def test_outbox_files_do_not_collide(tmp_path: Path):
    mailer = Mailer({}, tmp_path / "outbox")
    for _ in range(5):
        mailer.send(make_email())
    files = list((tmp_path / "outbox").iterdir())
    assert len(files) == 5
    assert not any(f.name.startswith(".") for f in files), "no temporary files left behind"


def test_outbox_that_cannot_be_written_is_a_mail_error(tmp_path: Path):
    blocker = tmp_path / "outbox"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(MailError, match="outbox"):
        Mailer({}, blocker).send(make_email())


def test_smtp_send_does_not_log_secrets(
    smtp_server: tuple[int, Recorder], tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    port, _ = smtp_server
    with caplog.at_level(logging.DEBUG, logger="forms_service.mailer"):
        Mailer({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port}, tmp_path).send(make_email())
    assert "j***@example.com" in caplog.text
    assert "jane" not in caplog.text and "TOKEN-abc123" not in caplog.text


# Validation


@pytest.mark.parametrize(
    "changes",
    [
        {"to": "jane@example.com\r\nBcc: victim@example.org"},
        {"to": "jane@example.com\nBcc: victim@example.org"},
        {"subject": "Saved\r\nBcc: victim@example.org"},
        {"subject": "Saved\nX-Injected: yes"},
        {"subject": "Saved\rX-Injected: yes"},
    ],
)
def test_header_injection_is_rejected(tmp_path: Path, changes: dict[str, str]):
    with pytest.raises(MailError, match="single line"):
        Mailer({}, tmp_path).send(make_email(**changes))
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    "to",
    [
        "",
        "jane",
        "jane@",
        "@example.com",
        "jane@@example.com",
        "jane@example..com",
        "jane smith@example.com",
        "Jane <jane@example.com>",
        "jane@example.com, bob@example.com",
        "jane@example.com;bob@example.com",
        ".jane@example.com",
        "jâne@example.com",
    ],
)
def test_invalid_recipients_are_rejected(tmp_path: Path, to: str):
    with pytest.raises(MailError, match="email address"):
        Mailer({}, tmp_path).send(make_email(to=to))


def test_international_domain_is_sent_as_ascii(tmp_path: Path):
    mailer = Mailer({}, tmp_path / "idn")
    mailer.send(make_email(to="sian@enghraifft.cymru"))
    mailer.send(make_email(to="sian@bücher.example"))
    messages = [parse(f.read_bytes()) for f in sorted((tmp_path / "idn").iterdir())]
    assert sorted(m["To"] for m in messages) == [
        "sian@enghraifft.cymru",
        "sian@xn--bcher-kva.example",
    ]


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("jane@example.com", "j***@example.com"),
        ("j@example.com", "***@example.com"),
        ("nonsense", "***"),
    ],
)
def test_mask_address(address: str, masked: str):
    assert mask_address(address) == masked


# Flask


def test_init_app_uses_the_instance_outbox(tmp_path: Path):
    app = Flask(__name__, instance_path=str(tmp_path / "instance"))
    init_app(app)
    mailer = app.extensions["mailer"]
    assert isinstance(mailer, Mailer) and mailer.uses_outbox
    mailer.send(make_email())
    assert len(list((tmp_path / "instance" / "outbox").iterdir())) == 1
    assert mailer_module.DEFAULT_FROM == "Justice forms <no-reply@localhost>"
