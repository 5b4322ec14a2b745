"""What the rest of CRT may import from the learning models without the scientific stack.

Pure Python (standard library and the pure-Python ``detection.engine``): importing this module
never imports numpy, scipy, scikit-learn, joblib or torch. Web, beat and flower processes load
``learning.models``, ``learning.serializers``, ``learning.registry`` and ``learning.serving`` at
``django.setup()`` / URL loading; they reach the model modules (``learning/ml/<name>.py``, which
import scikit-learn and numpy, ~60 MB) only when a learned model is actually loaded or trained
(issue 7; ``tests/learning/test_learning_lazy_imports.py`` checks it in a fresh process).

* :data:`MODEL_NAMES` — the five registry names, in training order. A test checks it equals
  ``tuple(learning.ml.SPECS)``.
* :data:`SLOTS` — the fact slots the slot classifier predicts (and the feedback API accepts).
* :class:`Example`, :class:`NotEnoughData` — the training example and the "cannot train" error
  (re-exported by :mod:`learning.ml.base`).
* :func:`sha256_hex` — the registry's artifact checksum.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from detection.engine import MULTI_VALUED_SLOTS, SINGLE_VALUED_SLOTS

#: Registry names of the five learned models, one module each under ``learning/ml/``.
MODEL_NAMES: tuple[str, ...] = (
    "slot_classifier",
    "extraction_confidence",
    "resolution_policy",
    "cross_thread_relevance",
    "staleness",
)

#: The slots the slot classifier predicts, in the engine's order for the nine baseline slots, then
#: any slot the engine adds later (alphabetically).
_BASE_ORDER = ("name", "age", "employer", "job_title", "location", "spouse", "pet", "language", "preference")
SLOTS: tuple[str, ...] = tuple(s for s in _BASE_ORDER if s in SINGLE_VALUED_SLOTS | MULTI_VALUED_SLOTS) + tuple(
    sorted((SINGLE_VALUED_SLOTS | MULTI_VALUED_SLOTS) - set(_BASE_ORDER)))


class NotEnoughData(ValueError):
    """The examples cannot train this model (too few, or a class/label never occurs)."""


@dataclass(frozen=True)
class Example:
    """One labeled example. ``inputs``/``label``: JSON-able dicts in the model's shapes;
    ``group``: split key (examples of one group never straddle train and held-out);
    ``source``: ``synthetic`` or a real feedback source; ``weight`` ≥ 0 multiplies the loss."""

    inputs: dict
    label: dict
    group: str = ""
    source: str = "synthetic"
    weight: float = 1.0


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data`` (the registry's artifact checksum)."""
    return hashlib.sha256(data).hexdigest()
