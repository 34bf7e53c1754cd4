"""Security codes and recovery codes (forms_service/two_factor.py), without the app."""

from __future__ import annotations

import datetime
import urllib.parse

import pyotp
import pytest

from forms_service import two_factor

NOW = datetime.datetime(2026, 12, 1, 9, 0, 15, tzinfo=datetime.UTC)
STEP = datetime.timedelta(seconds=30)


def test_a_code_matches_its_own_step_and_one_either_side():
    secret = two_factor.new_secret()
    totp = pyotp.TOTP(secret)
    current = totp.timecode(NOW)
    assert two_factor.matching_step(secret, totp.at(NOW), NOW) == current
    assert two_factor.matching_step(secret, totp.at(NOW - STEP), NOW) == current - 1
    assert two_factor.matching_step(secret, totp.at(NOW + STEP), NOW) == current + 1
    assert two_factor.matching_step(secret, totp.at(NOW + 2 * STEP), NOW) is None
    assert two_factor.matching_step(secret, totp.at(NOW - 2 * STEP), NOW) is None


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "12 34 5x"])
def test_anything_but_six_digits_is_refused(typed):
    assert two_factor.matching_step(two_factor.new_secret(), typed, NOW) is None


def test_spaces_in_a_typed_code_do_not_matter():
    secret = two_factor.new_secret()
    code = pyotp.TOTP(secret).at(NOW)
    assert two_factor.matching_step(secret, f" {code[:3]} {code[3:]} ", NOW) is not None


def test_secrets_are_new_each_time_and_long_enough():
    secrets = {two_factor.new_secret() for _ in range(20)}
    assert len(secrets) == 20
    assert all(len(s) == 32 for s in secrets)  # 160 bits of base32
    assert two_factor.grouped("ABCDEFGHIJ") == "ABCD EFGH IJ"


def test_the_qr_code_is_an_svg_data_uri_of_the_otpauth_link():
    image = two_factor.qr_code(two_factor.new_secret(), "jo@example.gov.uk", "Justice forms")
    assert image.startswith("data:image/svg+xml")
    assert "<svg" in urllib.parse.unquote(image)


def test_recovery_codes_are_unique_and_typed_in_any_form():
    codes = two_factor.new_recovery_codes()
    assert len(codes) == len(set(codes)) == two_factor.RECOVERY_CODES
    code = codes[0]
    assert len(code.replace("-", "")) == 16
    expected = two_factor.recovery_code_hash(code)
    for typed in (code.upper(), code.replace("-", ""), " ".join(code.split("-"))):
        assert two_factor.recovery_code_hash(typed) == expected
    assert code not in expected


@pytest.mark.parametrize(
    ("roles", "policy", "required"),
    [
        (["caseworker"], "privileged", False),
        (["admin"], "privileged", True),
        (["caseworker", "assisted_digital"], "privileged", True),
        (["caseworker"], "all", True),
        (["admin"], "off", False),
    ],
)
def test_who_must_use_a_second_factor(roles, policy, required):
    assert two_factor.required(roles, policy) is required
