"""Staff passwords: the rule for a new one, and argon2 hashes (the password is never kept)."""

from __future__ import annotations

import contextlib

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12

# argon2-cffi's default cost: RFC 9106's low-memory profile (64 MiB, 3 passes). The test
# suite swaps in the cheapest profile (tests/conftest.py): hashes carry their parameters.
COST = profiles.RFC_9106_LOW_MEMORY
_hasher = PasswordHasher.from_parameters(COST)
# Checking against this when there is no account takes as long as a real check, so the
# time taken does not reveal which email addresses have accounts.
_DUMMY_HASH = _hasher.hash("not a real password")


def long_enough(password: str) -> bool:
    """The password rule for staff accounts: 12 characters or more."""
    return len(password) >= MIN_LENGTH


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches the hash. With no hash (no such account, or one without
    a password) the answer is no, after as long as a real check takes."""
    if not password_hash:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_DUMMY_HASH, password or "x")
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
