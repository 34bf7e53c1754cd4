"""The sealing of personal data (forms_service/data/sealing.py): envelope AES-256-GCM with
the record's place bound in, several key-encryption keys, re-wrapping, blind indexes."""

from __future__ import annotations

import pytest

from forms_service.data.sealing import (
    AnswerKeys,
    AnswerKeysError,
    SealingError,
    field_ad,
    new_key_setting,
    record_ad,
    seal,
    unseal,
    wrapped_by,
)

OLD, NEW, INDEX = new_key_setting("old"), new_key_setting("new"), new_key_setting("index")
WHERE = record_ad("submissions", 7)
FIELD = field_ad("submissions", "answers", 7, "prison-visit-booking")


def keys(*settings: str, index: str = INDEX) -> AnswerKeys:
    return AnswerKeys.from_settings(",".join(settings), index)


def test_a_sealed_value_opens_with_its_data_key_in_its_place():
    key, wrapped = keys(OLD).new_data_key(WHERE)
    blob = seal(key, b'{"name": "Canary Zyxwvut"}', FIELD)
    assert b"Canary" not in blob and blob[0] == 1  # the format's version
    assert unseal(keys(OLD).unwrap(wrapped, WHERE), blob, FIELD) == b'{"name": "Canary Zyxwvut"}'
    assert seal(key, b"same", FIELD) != seal(key, b"same", FIELD)  # a fresh nonce each time


@pytest.mark.parametrize(
    "elsewhere",
    [
        field_ad("submissions", "answers", 8, "prison-visit-booking"),  # another row
        field_ad("submissions", "assisted", 7, "prison-visit-booking"),  # another column
        field_ad("drafts", "answers", 7, "prison-visit-booking"),  # another table
        field_ad("submissions", "answers", 7, "lasting-power-of-attorney"),  # another form
    ],
)
def test_a_sealed_value_moved_elsewhere_does_not_open(elsewhere):
    key, _ = keys(OLD).new_data_key(WHERE)
    blob = seal(key, b"secret", FIELD)
    with pytest.raises(SealingError, match="does not open here"):
        unseal(key, blob, elsewhere)


def test_a_data_key_moved_to_another_row_does_not_unwrap():
    _, wrapped = keys(OLD).new_data_key(WHERE)
    with pytest.raises(SealingError, match="does not open here"):
        keys(OLD).unwrap(wrapped, record_ad("submissions", 8))


def test_a_tampered_value_or_key_does_not_open():
    key, wrapped = keys(OLD).new_data_key(WHERE)
    blob = bytearray(seal(key, b"secret", FIELD))
    blob[-1] ^= 1
    with pytest.raises(SealingError):
        unseal(key, bytes(blob), FIELD)
    bad = bytearray(wrapped)
    bad[-5] ^= 1
    with pytest.raises(SealingError):
        keys(OLD).unwrap(bytes(bad), WHERE)
    with pytest.raises(SealingError, match="unknown format"):
        unseal(key, b"\x02" + bytes(blob[1:]), FIELD)


def test_the_wrong_key_does_not_open_and_says_which_key_is_missing():
    _, wrapped = keys(OLD).new_data_key(WHERE)
    other_material = new_key_setting("old")  # same id, other bytes
    with pytest.raises(SealingError, match="does not open here"):
        keys(other_material).unwrap(wrapped, WHERE)
    with pytest.raises(SealingError, match="wrapped by key 'old', not in ANSWERS_KEYS"):
        keys(NEW).unwrap(wrapped, WHERE)


def test_the_first_key_encrypts_and_every_key_decrypts():
    key, wrapped = keys(OLD).new_data_key(WHERE)
    both = keys(NEW, OLD)
    assert wrapped_by(wrapped) == "old"
    assert both.unwrap(wrapped, WHERE) == key  # a second key still decrypts
    assert wrapped_by(both.new_data_key(WHERE)[1]) == "new"  # the first one encrypts


def test_rotation_rewraps_the_same_data_key_under_the_first_key():
    key, wrapped = keys(OLD).new_data_key(WHERE)
    both = keys(NEW, OLD)
    rewrapped = both.rewrap(wrapped, WHERE)
    assert wrapped_by(rewrapped) == "new" and keys(NEW).unwrap(rewrapped, WHERE) == key
    assert both.rewrap(rewrapped, WHERE) is None  # already under the first key: skipped
    blob = seal(key, b"answers", FIELD)  # sealed before rotation, opens after it
    assert unseal(keys(NEW).unwrap(rewrapped, WHERE), blob, FIELD) == b"answers"


def test_the_blind_index_ignores_case_and_spacing_but_not_the_index_key_or_field():
    one = keys(OLD)
    assert one.index("applicant_name", "  Zara   QUINN ") == one.index(
        "applicant_name", "zara quinn"
    )
    assert one.index("applicant_name", "Zara") != one.index("applicant_name", "zara quinn")
    assert one.index("resume_email", "zara quinn") != one.index("applicant_name", "zara quinn")
    assert keys(NEW, OLD).index("applicant_name", "x") == one.index("applicant_name", "x")
    assert keys(OLD, index=new_key_setting()).index("applicant_name", "x") != one.index(
        "applicant_name", "x"
    )
    assert one.index("applicant_name", None) is None and one.index("applicant_name", " ") is None


@pytest.mark.parametrize(
    ("setting", "index", "message"),
    ids=["empty", "no-colon", "bad-id", "short", "not-base64", "twice", "no-index"],
    argvalues=[
        ("", INDEX, "ANSWERS_KEYS is empty"),
        ("no-colon", INDEX, "must be id:base64 pairs"),
        ("bad id!:" + OLD.split(":")[1], INDEX, "must be id:base64 pairs"),
        ("k1:c2hvcnQ=", INDEX, "32 random bytes"),
        ("k1:not base64!!", INDEX, "32 random bytes"),
        (OLD + "," + OLD, INDEX, "twice"),
        (OLD, "", "ANSWERS_INDEX_KEY must be 32 random bytes"),
    ],
)
def test_bad_settings_get_a_one_line_message(setting, index, message):
    with pytest.raises(AnswerKeysError, match=message) as raised:
        AnswerKeys.from_settings(setting, index)
    assert "\n" not in str(raised.value)


def test_development_keeps_generated_keys_in_the_instance_folder(tmp_path):
    from forms_service.config import answer_keys, load_config

    first = load_config({"FORMS_SERVICE_ENV": "development"}, instance_path=tmp_path)
    again = load_config({"FORMS_SERVICE_ENV": "development"}, instance_path=tmp_path)
    assert first["ANSWERS_KEYS"] == again["ANSWERS_KEYS"]
    assert first["ANSWERS_INDEX_KEY"] == again["ANSWERS_INDEX_KEY"]
    for name in ("answers_key", "answers_index_key"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600
    assert answer_keys(first).current_id == "dev"


def test_a_bad_key_in_the_environment_stops_start_up_in_one_line(tmp_path):
    from forms_service.config import ConfigError, answer_keys, load_config

    config = load_config(
        {
            "FORMS_SERVICE_ENV": "production",
            "SERVICE_URL": "https://forms.example.gov.uk",
            "ANSWERS_KEYS": "k1:short",
            "ANSWERS_INDEX_KEY": INDEX,
        },
        SECRET_KEY="s" * 40,
    )
    with pytest.raises(ConfigError, match="^ANSWERS_KEYS key 'k1' must be 32 random bytes"):
        answer_keys(config)
