"""The canonical form of a row and its checksum, the same on the source and the target side.

A row is reduced to a JSON object of plain values and hashed::

    row digest   = sha256(canonical_json(row))                      (32 bytes)
    table digest = sha256(row digest 1 ‖ row digest 2 ‖ …)          (hex, rows in source key order)

``canonical_json`` sorts keys, uses no whitespace and keeps non-ASCII as UTF-8 (the same rules as
the ledger's hash chain, :func:`ledger.chain.canonical_json`). Floats are written by Python's
shortest round-trip ``repr`` (exact for the PostgreSQL ``double precision`` columns they land in);
a BLOB becomes ``{"$blob": base64}`` and undecodable text ``{"$invalid_utf8": base64}``, so every
SQLite value has exactly one canonical form. Vectors are compared as the SHA-256 of their float32
big-endian bytes: pgvector stores float32, and v0.9 wrote the float32 output of the model, so this
is the precision both sides hold (``mapping.parse_vector`` counts any value float32 rounds).
Design source: baseline choice, after RFC 8785 (sorted keys, fixed number text).
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from typing import Any, Iterable, Mapping

from memory.v09import.source import InvalidText


def plain(value: Any) -> Any:
    """A SQLite value as a JSON-safe plain value (see module doc); lists and dicts recursively."""
    if isinstance(value, bytes):
        return {"$blob": base64.b64encode(value).decode("ascii")}
    if isinstance(value, InvalidText):
        return {"$invalid_utf8": base64.b64encode(value.raw).decode("ascii")}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def unplain(value: Any) -> Any:
    """Inverse of :func:`plain` for the two wrapped kinds (used to resume from a stored key)."""
    if isinstance(value, dict) and len(value) == 1:
        if "$blob" in value:
            return base64.b64decode(value["$blob"])
        if "$invalid_utf8" in value:
            return InvalidText(base64.b64decode(value["$invalid_utf8"]))
    return value


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 kept; NaN/Infinity written as JSON's extensions."""
    return json.dumps(plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_digest(row: Mapping[str, Any]) -> bytes:
    """SHA-256 (32 raw bytes) of a row's canonical JSON."""
    return hashlib.sha256(canonical_json(row).encode("utf-8")).digest()


def as_float(value: Any) -> Any:
    """A number as ``float`` (SQLite may hand back ``int`` for a REAL column); others unchanged."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    return value


def vector_digest(big_endian_float32: bytes) -> str:
    """Hex SHA-256 of a vector's float32 big-endian bytes (the canonical vector)."""
    return hashlib.sha256(big_endian_float32).hexdigest()


def is_finite_number(value: Any) -> bool:
    """True for an int or float that is not NaN or infinite (bools are not numbers here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


class TableChecksum:
    """Accumulates row digests in order: ``add(digest)``, then ``hexdigest()`` and ``rows``."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.rows = 0

    def add(self, digest: bytes) -> None:
        self._hash.update(digest)
        self.rows += 1

    def extend(self, digests: Iterable[bytes]) -> None:
        for digest in digests:
            self.add(digest)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()
