"""PII anonymization of everything the learning track stores (seed 001, learning phase 1).

Pure Python (``re``, ``hmac``); no Django. Every free text the learning app writes — interaction
queries and answers, feedback comments, correction texts, training examples derived from them —
goes through :func:`anonymize` first. The raw text never reaches a learning table or the broker.

What is replaced (the documented list; ``docs/LEARNING.md`` repeats it, tests cover each kind):

==========  ====================================================================  ==============
kind        recognised forms                                                      placeholder
==========  ====================================================================  ==============
EMAIL       ``local@domain.tld`` (RFC 5322 "dot-atom" subset)                     ``<EMAIL:…>``
IP          IPv4 dotted quads (each octet 0–255), IPv6 (full and ``::`` forms)    ``<IP:…>``
CARD        13–19 digits, optionally grouped by spaces/dashes, **Luhn-valid**     ``<CARD:…>``
GOV_ID      US SSN ``123-45-6789``; UK National Insurance ``AB 12 34 56 C``;      ``<GOV_ID:…>``
            a number after "passport", "driver's licen[cs]e", "national id",
            "ssn", "social security", "tax id" (+ optional "number"/"no."/"#")
PHONE       7–15 digits in phone shape: optional ``+country``, ``(area)``,        ``<PHONE:…>``
            groups separated by spaces, dots or dashes
ADDRESS     house number + 1–4 words + street suffix (Street/St, Avenue/Ave,      ``<ADDRESS:…>``
            Road/Rd, Boulevard/Blvd, Lane/Ln, Drive/Dr, Court/Ct, Way, Place/Pl,
            Terrace, Square/Sq, Parkway/Pkwy, Highway/Hwy, Circle/Cir, Alley),
            optional unit ("Apt 4B", "Suite 200", "Unit 3")
==========  ====================================================================  ==============

The placeholder carries a **stable salted hash**: the first 10 hex digits of
HMAC-SHA256(salt, kind + normalized value). The same value always gives the same placeholder
within one installation (so analysis can still see "the same email again") and cannot be reversed
or confirmed without the salt. The salt is ``CRT_PII_SALT`` (settings), by default derived from
``SECRET_KEY`` — never stored in the repository.

Order matters: e-mails first (they contain digits and dots), then IPs (a dotted quad looks like a
phone number), cards (Luhn check) and government ids before phone numbers, addresses last.
Names, employers and cities are *not* PII under this list: they are the facts CRT exists to keep.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field

#: Kinds in the order they are applied.
PII_KINDS = ("EMAIL", "IP", "CARD", "GOV_ID", "PHONE", "ADDRESS")
#: Hex digits of the HMAC kept in a placeholder (40 bits: collisions negligible per installation).
HASH_HEX_DIGITS = 10

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,}\b")
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"(?<![\d.]){_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}(?![\d.]*\d)")
_H = r"[0-9A-Fa-f]{1,4}"
_IPV6 = re.compile(
    rf"(?<![0-9A-Fa-f:])(?:(?:{_H}:){{7}}{_H}"
    rf"|(?:{_H}:){{1,7}}:(?:{_H}(?::{_H}){{0,6}})?"
    rf"|::(?:{_H}(?::{_H}){{0,7}})"
    rf")(?![0-9A-Fa-f:])"
)
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_SSN = re.compile(r"(?<!\d)(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?!\d)")
_NINO = re.compile(r"\b(?![DFIQUV])[A-Z](?![DFIOQUV])[A-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")
_LABELLED_ID = re.compile(
    r"(?i)\b(?P<label>passport|driver'?s?\s+licen[cs]e|national\s+id(?:entity)?(?:\s+card)?|ssn|"
    r"social\s+security|tax\s+id|id\s+card)(?P<glue>(?:\s+(?:number|no\.?|num|#))?\s*(?:is|:|=)?\s*)"
    r"(?P<value>[A-Z0-9][A-Z0-9-]{4,19})\b"
)
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,5}(?:[\s.-]\d{2,8}){1,4}(?![\w])"
    r"|(?<![\w+])\+\d{7,15}(?!\w)|(?<!\w)\d{10,11}(?!\w)"
)
#: Digit groups that look like a phone number but are dates ("12.05.2024", "2024-05-12") or year
#: ranges ("2019-2021"); they are left alone.
_NOT_A_PHONE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-](?:\d{2}|\d{4})|\d{4}[./-]\d{1,2}[./-]\d{1,2}"
                          r"|(?:1[89]|20)\d\d\s?[-/]\s?(?:1[89]|20)\d\d")
_STREET_SUFFIX = (r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|"
                  r"Terrace|Square|Sq|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Alley)")
_ADDRESS = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?(?:\s+[A-Z][A-Za-z'-]*|\s+\d+(?:st|nd|rd|th)){{1,4}}\s+{_STREET_SUFFIX}\b\.?"
    r"(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\b)?"
    r"(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|Flat|#)\.?\s*[A-Za-z0-9-]+)?"
)


#: A placeholder already written; later passes never look inside one.
_PLACEHOLDER = re.compile(r"<(?:EMAIL|IP|CARD|GOV_ID|PHONE|ADDRESS):[0-9a-f]+>")


def _sub_outside_placeholders(pattern: re.Pattern, replace, text: str) -> str:
    parts = []
    last = 0
    for match in _PLACEHOLDER.finditer(text):
        parts.append(pattern.sub(replace, text[last:match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append(pattern.sub(replace, text[last:]))
    return "".join(parts)


def luhn_valid(digits: str) -> bool:
    """True when the digit string passes the Luhn checksum (ISO/IEC 7812, payment card numbers)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


@dataclass
class AnonymizedText:
    """Result of :func:`anonymize`: the safe ``text`` and how many of each PII kind were replaced."""

    text: str
    found: dict[str, int] = field(default_factory=dict)

    @property
    def had_pii(self) -> bool:
        """True when anything was replaced."""
        return bool(self.found)


class Anonymizer:
    """Replaces PII with stable salted-hash placeholders. ``salt`` must be non-empty bytes or str.

    Raises ``ValueError`` for an empty salt (an unsalted hash of a phone number is reversible by
    enumeration).
    """

    def __init__(self, salt: bytes | str):
        if not salt:
            raise ValueError("the PII salt must not be empty")
        self._key = salt.encode() if isinstance(salt, str) else bytes(salt)

    def placeholder(self, kind: str, value: str) -> str:
        """``<KIND:hash>`` for one value; the value is normalized (case, separators) first."""
        normalized = re.sub(r"[\s().-]", "", value).lower() if kind != "ADDRESS" else " ".join(value.lower().split())
        digest = hmac.new(self._key, f"{kind}:{normalized}".encode(), hashlib.sha256).hexdigest()
        return f"<{kind}:{digest[:HASH_HEX_DIGITS]}>"

    def anonymize(self, text: str) -> AnonymizedText:
        """Replace every PII occurrence in ``text``. Never raises for str input; ``None`` → ``""``."""
        if not text:
            return AnonymizedText(text or "")
        found: dict[str, int] = {}

        def replace(kind: str, value: str) -> str:
            found[kind] = found.get(kind, 0) + 1
            return self.placeholder(kind, value)

        sub = _sub_outside_placeholders
        text = sub(_EMAIL, lambda m: replace("EMAIL", m.group(0)), text)
        text = sub(_IPV4, lambda m: replace("IP", m.group(0)), text)
        text = sub(_IPV6, lambda m: replace("IP", m.group(0)) if m.group(0).count(":") >= 2 else m.group(0), text)

        def card(match: re.Match) -> str:
            digits = re.sub(r"\D", "", match.group(0))
            if 13 <= len(digits) <= 19 and luhn_valid(digits):
                return replace("CARD", digits)
            return match.group(0)

        text = sub(_CARD, card, text)
        text = sub(_SSN, lambda m: replace("GOV_ID", m.group(0)), text)
        text = sub(_NINO, lambda m: replace("GOV_ID", m.group(0)), text)
        text = sub(_LABELLED_ID,
                   lambda m: m.group("label") + m.group("glue") + replace("GOV_ID", m.group("value"))
                   if any(ch.isdigit() for ch in m.group("value")) else m.group(0),
                   text)

        def phone(match: re.Match) -> str:
            digits = re.sub(r"\D", "", match.group(0))
            if not 7 <= len(digits) <= 15 or _NOT_A_PHONE.fullmatch(match.group(0).strip()):
                return match.group(0)
            return replace("PHONE", digits)

        text = sub(_PHONE, phone, text)
        text = sub(_ADDRESS, lambda m: replace("ADDRESS", m.group(0)), text)
        return AnonymizedText(text, found)


_default: Anonymizer | None = None
_default_salt: bytes | None = None


def default_salt() -> bytes:
    """The installation's salt: ``settings.CRT_PII_SALT``, else HMAC(SECRET_KEY, "crt-pii-salt")."""
    from django.conf import settings  # noqa: PLC0415 - keep the module importable without Django

    configured = getattr(settings, "CRT_PII_SALT", "") or ""
    if configured:
        return configured.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"crt-pii-salt", hashlib.sha256).digest()


def anonymize(text: str | None) -> AnonymizedText:
    """Anonymize with the installation's salt (see :func:`default_salt`)."""
    global _default, _default_salt
    salt = default_salt()
    if _default is None or salt != _default_salt:
        _default, _default_salt = Anonymizer(salt), salt
    return _default.anonymize(text or "")


def anonymize_text(text: str | None) -> str:
    """Shorthand for ``anonymize(text).text``."""
    return anonymize(text).text
