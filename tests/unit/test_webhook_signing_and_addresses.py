"""Webhook signatures (a known vector, worked out with `openssl dgst -sha256 -hmac`) and the
SSRF rules: which addresses a delivery may never reach."""

from __future__ import annotations

import ipaddress

import pytest

from forms_service.delivery.addresses import RefusedAddress, refusal, resolve
from forms_service.delivery.signing import delivery_id, signature, signature_header, verify

BODY = b'{"reference":"PVB-7K3M-Q9TX"}'
# echo -n '1700000000.{"reference":"PVB-7K3M-Q9TX"}' | openssl dgst -sha256 -hmac whsec_test
KNOWN = "17346cded1bf5f85bd348b15f359219b4f0a1e8179d48797addbcb883648c156"


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body():
    assert signature("whsec_test", 1700000000, BODY) == KNOWN
    assert signature_header("whsec_test", 1700000000, BODY) == f"t=1700000000,v1={KNOWN}"


def test_a_receiver_verifies_it_and_refuses_changes_and_old_timestamps():
    header = signature_header("whsec_test", 1700000000, BODY)
    assert verify("whsec_test", header, BODY, now=1700000060)
    assert not verify("whsec_test", header, BODY + b" ", now=1700000060)
    assert not verify("another", header, BODY, now=1700000060)
    assert not verify("whsec_test", header, BODY, now=1700000000 + 301)  # a replay
    assert not verify("whsec_test", "v1=" + KNOWN, BODY, now=1700000000)
    assert not verify("whsec_test", "t=1700000001,v1=" + KNOWN, BODY, now=1700000000)


def test_each_delivery_has_its_own_id_and_a_redelivery_a_new_one():
    assert delivery_id("PVB-7K3M-Q9TX", 0) == "PVB-7K3M-Q9TX:0"
    assert delivery_id("PVB-7K3M-Q9TX", 1) == "PVB-7K3M-Q9TX:1"
    assert delivery_id("PVB-7K3M-Q9TX", 0, 1764630000) == "PVB-7K3M-Q9TX:0:1764630000"


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),  # unique local
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not globally routable"),  # carrier-grade NAT
        ("192.0.2.1", "private"),  # documentation
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "link-local"),
        ("2002:7f00:1::", "loopback"),  # 6to4 around 127.0.0.1
    ],
)
def test_addresses_inside_or_not_unicast_are_refused(address, why):
    assert refusal(ipaddress.ip_address(address)) == why


@pytest.mark.parametrize("address", ["8.8.8.8", "151.101.0.144", "2a00:1450:4009:81f::200e"])
def test_public_addresses_are_allowed(address):
    assert refusal(ipaddress.ip_address(address)) is None


def test_a_name_resolving_to_loopback_is_refused_unless_allowed():
    with pytest.raises(RefusedAddress, match="loopback"):
        resolve("localhost", 443, allow_private=False)
    assert all(a.is_loopback for a in resolve("localhost", 443, allow_private=True))


def test_a_literal_private_address_is_refused():
    with pytest.raises(RefusedAddress, match=r"private address \(10\.0\.0\.1\)"):
        resolve("10.0.0.1", 443, allow_private=False)
