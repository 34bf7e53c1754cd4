"""Settings: the service's own address, and the hosts it answers to."""

from __future__ import annotations

import pytest

from forms_service.config import ConfigError, load_config

PRODUCTION = {
    "FORMS_SERVICE_ENV": "production",
    "SECRET_KEY": "k" * 40,
    "ANSWERS_KEYS": "k1:" + "A" * 43 + "=",
    "ANSWERS_INDEX_KEY": "B" * 43 + "=",
}


def test_production_refuses_to_start_without_its_address():
    with pytest.raises(ConfigError, match="SERVICE_URL is not set"):
        load_config(PRODUCTION)


@pytest.mark.parametrize(
    "url",
    ["http://forms.example.gov.uk", "forms.example.gov.uk", "https://x.gov.uk/forms", "https://?a"],
)
def test_production_refuses_an_address_that_is_not_an_https_root(url):
    with pytest.raises(ConfigError, match="SERVICE_URL must"):
        load_config({**PRODUCTION, "SERVICE_URL": url})


def test_production_answers_only_to_its_own_host_and_those_named():
    config = load_config(
        {**PRODUCTION, "SERVICE_URL": "https://forms.example.gov.uk/", "TRUSTED_HOSTS": "10.0.0.5"}
    )
    assert config["SERVICE_URL"] == "https://forms.example.gov.uk"
    assert config["TRUSTED_HOSTS"] == ["forms.example.gov.uk", "10.0.0.5"]
    assert config["SESSION_COOKIE_NAME"] == "__Host-forms_session"


def test_development_serves_loopback_without_settings(tmp_path):
    config = load_config({"FORMS_SERVICE_ENV": "development"}, instance_path=tmp_path)
    assert config["SERVICE_URL"] == "http://127.0.0.1:8000"
    assert set(config["TRUSTED_HOSTS"]) == {"127.0.0.1", "localhost"}


def test_webhooks_to_private_addresses_are_off_and_refused_in_production():
    url = {"SERVICE_URL": "https://forms.example.gov.uk"}
    assert load_config({**PRODUCTION, **url})["WEBHOOKS_ALLOW_PRIVATE"] is False
    with pytest.raises(ConfigError, match="WEBHOOKS_ALLOW_PRIVATE is for tests"):
        load_config({**PRODUCTION, **url, "WEBHOOKS_ALLOW_PRIVATE": "true"})
