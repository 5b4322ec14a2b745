"""PII anonymization: every documented kind is replaced by a stable salted placeholder; facts stay."""

import re

import pytest

from learning.anonymize import Anonymizer, luhn_valid

PLACEHOLDER = re.compile(r"<([A-Z_]+):[0-9a-f]{10}>")


@pytest.fixture
def anonymizer():
    return Anonymizer("test-salt")


@pytest.mark.parametrize("text, kind, secret", [
    ("write to jordan.lee+crt@example.co.uk please", "EMAIL", "jordan.lee+crt@example.co.uk"),
    ("my server is 192.168.10.20 today", "IP", "192.168.10.20"),
    ("the host 2001:0db8:85a3:0000:0000:8a2e:0370:7334 is down", "IP", "2001:0db8:85a3"),
    ("link-local fe80::1ff:fe23:4567:890a", "IP", "fe80::1ff"),
    ("my card is 4111 1111 1111 1111", "CARD", "4111 1111 1111 1111"),
    ("card 5500-0000-0000-0004 expires soon", "CARD", "5500-0000-0000-0004"),
    ("my SSN is 123-45-6789", "GOV_ID", "123-45-6789"),
    ("NI number AB 12 34 56 C", "GOV_ID", "AB 12 34 56 C"),
    ("my passport number is X1234567", "GOV_ID", "X1234567"),
    ("driver's license: D12345678", "GOV_ID", "D12345678"),
    ("call me at +1 (555) 123-4567", "PHONE", "555) 123-4567"),
    ("my mobile is 07700 900123", "PHONE", "07700 900123"),
    ("or try +44 20 7946 0958", "PHONE", "7946 0958"),
    ("Berlin office +49 30 1234567", "PHONE", "1234567"),
    ("I live at 221B Baker Street, Apt 4", "ADDRESS", "Baker Street"),
    ("send it to 1600 Pennsylvania Ave NW", "ADDRESS", "Pennsylvania Ave"),
])
def test_each_documented_pii_kind_is_replaced(anonymizer, text, kind, secret):
    result = anonymizer.anonymize(text)
    assert secret not in result.text
    assert kind in PLACEHOLDER.findall(result.text)
    assert result.found.get(kind) == 1


def test_the_same_value_gets_the_same_placeholder_and_another_salt_a_different_one(anonymizer):
    first = anonymizer.anonymize("mail a@b.io").text
    again = anonymizer.anonymize("MAIL A@B.IO twice").text
    other = Anonymizer("another-salt").anonymize("mail a@b.io").text
    assert PLACEHOLDER.search(first).group(0) == PLACEHOLDER.search(again).group(0)
    assert PLACEHOLDER.search(first).group(0) != PLACEHOLDER.search(other).group(0)


def test_phone_formatting_does_not_change_the_placeholder(anonymizer):
    a = anonymizer.anonymize("555-123-4567").text
    b = anonymizer.anonymize("555.123.4567").text
    assert a == b


@pytest.mark.parametrize("text", [
    "My name is Jordan Lee and I work at Microsoft in Seattle.",
    "I am 34 years old and was born in 1990.",
    "I worked there 2019-2021.",
    "The meeting is on 12.05.2024 or 2024-05-12 at 10:30.",
    "I have 3 cats and 2 dogs.",
    "card 1234 5678 9012 3456 is not a real card",  # fails the Luhn check
])
def test_facts_numbers_and_dates_are_not_pii(anonymizer, text):
    result = anonymizer.anonymize(text)
    assert result.text == text and not result.had_pii


def test_empty_salt_is_refused():
    with pytest.raises(ValueError):
        Anonymizer("")


def test_luhn_check():
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")


def test_installation_salt_comes_from_settings(settings):
    from learning.anonymize import anonymize

    settings.CRT_PII_SALT = "salt-one"
    one = anonymize("x@y.io").text
    settings.CRT_PII_SALT = "salt-two"
    two = anonymize("x@y.io").text
    assert one != two and "x@y.io" not in one + two
