"""The learned models of the learning track, one module each, and their specs by name.

``SPECS[name]`` (or :func:`get_spec`) is the :class:`learning.ml.base.ModelSpec` of a model;
:mod:`learning.training` trains any of them, :mod:`learning.registry` stores and serves their
versions.

Importing this package is light: :data:`MODEL_NAMES`, :data:`SLOTS`, :class:`Example` and
:class:`NotEnoughData` come from the pure-Python :mod:`learning.ml.common`. The model modules
(scikit-learn, numpy) are imported on first use of ``SPECS``, :func:`get_spec` or
``ModelSpec`` — so web, beat and flower processes do not carry the scientific stack unless they
load a learned model (issue 7).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from learning.ml.common import MODEL_NAMES, SLOTS, Example, NotEnoughData

if TYPE_CHECKING:  # pragma: no cover
    from learning.ml.base import ModelSpec

_specs: dict[str, "ModelSpec"] | None = None


def get_spec(name: str) -> "ModelSpec":
    """The spec of model ``name`` (imports its module on first use). Raises ``KeyError`` for an
    unknown name."""
    if name not in MODEL_NAMES:
        raise KeyError(name)
    return importlib.import_module(f"learning.ml.{name}").SPEC


def specs() -> dict[str, "ModelSpec"]:
    """``{name: spec}`` of all five models, in :data:`MODEL_NAMES` order (imports them)."""
    global _specs
    if _specs is None:
        _specs = {name: get_spec(name) for name in MODEL_NAMES}
    return _specs


def __getattr__(attribute: str):
    """``SPECS`` and ``ModelSpec`` on first use (PEP 562), so importing the package stays light."""
    if attribute == "SPECS":
        return specs()
    if attribute == "ModelSpec":
        from learning.ml.base import ModelSpec  # noqa: PLC0415

        return ModelSpec
    raise AttributeError(f"module {__name__!r} has no attribute {attribute!r}")


__all__ = ["SPECS", "MODEL_NAMES", "SLOTS", "Example", "ModelSpec", "NotEnoughData", "get_spec", "specs"]
