"""Two-factor sign-in for staff: time-based security codes (TOTP, RFC 6238) from an
authenticator app, and one-time recovery codes. No Flask and no database here: the views
decide when to ask, data/staff.py keeps the secret and what has been used.
"""

from __future__ import annotations

import datetime
import hmac
import re
import secrets
from collections.abc import Iterable

import pyotp
import segno

from forms_service.roles import TWO_FACTOR_ROLES
from forms_service.tokens import hash_secret

# STAFF_TWO_FACTOR: who must use a second factor.
POLICIES = ("privileged", "all", "off")
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
_CODE = re.compile(r"\d{6}")


def required(roles: Iterable[str], policy: str) -> bool:
    """Whether someone with these roles must sign in with a second factor."""
    if policy == "all":
        return True
    if policy == "off":
        return False
    return any(role in TWO_FACTOR_ROLES for role in roles)


def new_secret() -> str:
    """A new 160-bit TOTP secret, base32 (what authenticator apps take)."""
    return pyotp.random_base32(32)


def grouped(secret: str) -> str:
    """The secret in groups of four, for people who type it in rather than scan it."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code(secret: str, account: str, issuer: str) -> str:
    """The set-up QR code as a data: URI SVG image (the CSP allows img-src data:)."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4)


def matching_step(secret: str, code: str, now: datetime.datetime) -> int | None:
    """The time step (30 s) whose code this is, allowing one step of clock drift either
    way; None when it matches none. The caller refuses a step already used."""
    code = "".join(code.split())
    if not _CODE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Fresh recovery codes, shown once: 16 characters (about 78 bits) in groups of four."""
    return [
        "-".join("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(4)) for _ in range(4))
        for _ in range(RECOVERY_CODES)
    ]


def recovery_code_hash(code: str) -> str:
    """What is kept instead of a recovery code: its hash, typed in any case, with or
    without the dashes and spaces."""
    return hash_secret("".join(c for c in code.lower() if c.isalnum()))
