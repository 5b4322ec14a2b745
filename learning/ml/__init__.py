"""The learned models of the learning track, one module each, and their specs by name.

``SPECS[name]`` is the :class:`learning.ml.base.ModelSpec` of a model; :mod:`learning.training`
trains any of them, :mod:`learning.registry` stores and serves their versions.
"""

from learning.ml import (
    cross_thread_relevance,
    extraction_confidence,
    resolution_policy,
    slot_classifier,
    staleness,
)
from learning.ml.base import Example, ModelSpec, NotEnoughData

SPECS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        slot_classifier.SPEC,
        extraction_confidence.SPEC,
        resolution_policy.SPEC,
        cross_thread_relevance.SPEC,
        staleness.SPEC,
    )
}
MODEL_NAMES = tuple(SPECS)

__all__ = ["SPECS", "MODEL_NAMES", "Example", "ModelSpec", "NotEnoughData"]
