"""Training runs: build the examples, split, fit, evaluate against the baseline and the active
version on the same held-out rows, register, and activate when the rule allows
(``learning.registry``). Called by ``manage.py train_models``, the ``learning.train_models`` Celery
task (nightly, django-celery-beat) and the benchmark.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable, Sequence

from learning import datasets, registry
from learning.ml import MODEL_NAMES, SPECS
from learning.ml.base import Example, NotEnoughData, evaluate_spec, serialize, split_examples, train_spec
from learning.models import ModelVersion

logger = logging.getLogger(__name__)


@dataclass
class TrainingResult:
    """Outcome of training one model: the registered ``version``, whether it was ``activated``
    and why (``decision``), its held-out ``metric`` vs ``baseline_metric`` / ``champion_metric``,
    and the wall time in seconds."""

    name: str
    version: ModelVersion
    activated: bool
    decision: str
    metric: float
    baseline_metric: float
    champion_metric: float | None
    seconds: float
    training_rows: int
    heldout_rows: int

    def summary(self) -> str:
        """One line for logs and command output."""
        champion = "none" if self.champion_metric is None else f"{self.champion_metric:.4f}"
        return (f"{self.name} v{self.version.version}: {self.version.metric_name} {self.metric:.4f} "
                f"(baseline {self.baseline_metric:.4f}, active {champion}) on {self.heldout_rows} held-out rows; "
                f"{'ACTIVATED' if self.activated else 'kept as candidate'} — {self.decision}; "
                f"{self.training_rows} training rows, {self.version.artifact_bytes / 1024:.0f} KiB, {self.seconds:.1f}s")


def _champion_metric(name: str, rows: Sequence[Example]) -> tuple[float | None, dict | None]:
    active = registry.active_versions().get(name)
    if active is None or active.feature_version != SPECS[name].feature_version:
        return None, None
    try:
        loaded = registry.load_version(active)
    except registry.RegistryError:
        logger.exception("active %s cannot be loaded; treating it as absent", active)
        return None, None
    evaluation = evaluate_spec(SPECS[name], loaded.pipeline, rows)
    return evaluation.primary, {"version": active.version, **evaluation.metrics}


#: Synthetic examples generated per model when a model has no data at all (cold start).
COLD_START_EXAMPLES = 4000


def train_model(*, name: str, examples: Sequence[Example] | None = None, trained_by: str = "command",
                random_state: int = 0, activate: bool = True, cold_start: bool = False) -> TrainingResult:
    """Train, evaluate and register one model; activate it when it wins.

    ``examples`` default to :func:`learning.datasets.build_examples`; with ``cold_start`` a model
    without any example first gets :data:`COLD_START_EXAMPLES` synthetic ones stored (what
    ``bootstrap_learning_data`` does), so a fresh install can train. Raises ``KeyError`` for an
    unknown name and :class:`learning.ml.base.NotEnoughData` when the data cannot train it.
    """
    spec = SPECS[name]
    started = time.perf_counter()
    examples = list(examples) if examples is not None else datasets.build_examples(name)
    if not examples and cold_start:
        from learning import services  # noqa: PLC0415 - services imports training's neighbours

        services.bootstrap_synthetic(n_per_model=COLD_START_EXAMPLES, models=[name])
        logger.info("%s: cold start, stored %d synthetic examples", name, COLD_START_EXAMPLES)
        examples = datasets.build_examples(name)
    if not examples:
        raise NotEnoughData(f"{name}: no training examples; run `manage.py bootstrap_learning_data` first")
    split = split_examples(examples, random_state=random_state)
    pipeline = train_spec(spec, split.train, random_state=random_state)
    rows, scope = datasets.evaluation_rows(split.heldout)
    challenger = evaluate_spec(spec, pipeline, rows)
    baseline = evaluate_spec(spec, None, rows)
    champion_metric, champion_metrics = _champion_metric(name, rows)
    artifact = serialize(pipeline)
    seconds = time.perf_counter() - started
    metrics = {"heldout": challenger.metrics, "baseline": baseline.metrics, "champion": champion_metrics,
               "evaluation_scope": scope, "random_state": random_state,
               "sources": _count_sources(examples)}
    version = registry.register_version(
        name=name, artifact=artifact, metric=challenger.primary, baseline_metric=baseline.primary,
        champion_metric=champion_metric, metrics=metrics, training_rows=len(split.train),
        training_real_rows=sum(1 for e in split.train if e.source != "synthetic"), heldout_rows=len(rows),
        training_seconds=seconds, trained_by=trained_by)
    ok, reason = registry.should_activate(metric=challenger.primary, baseline_metric=baseline.primary,
                                          champion_metric=champion_metric)
    if ok and activate:
        version = registry.activate(version_id=version.pk, reason=reason)
    else:
        version.decision = reason if ok is False else f"{reason} (activation not requested)"
        version.save(update_fields=["decision"])
    result = TrainingResult(name=name, version=version, activated=ok and activate, decision=reason,
                            metric=challenger.primary, baseline_metric=baseline.primary,
                            champion_metric=champion_metric, seconds=seconds, training_rows=len(split.train),
                            heldout_rows=len(rows))
    logger.info("%s", result.summary())
    return result


def _count_sources(examples: Sequence[Example]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for example in examples:
        counts[example.source] = counts.get(example.source, 0) + 1
    return counts


def train_all(*, names: Sequence[str] | None = None, trained_by: str = "command", random_state: int = 0,
              cold_start: bool = True, progress: Callable[[str], None] | None = None) -> dict[str, TrainingResult | str]:
    """Train every model (or ``names``); a model without enough data is reported, not fatal.
    ``cold_start`` as in :func:`train_model` (on by default: the nightly task works on a fresh install).

    Returns ``{name: TrainingResult or the reason it was skipped}``. Raises ``KeyError`` for an
    unknown name.
    """
    names = list(names or MODEL_NAMES)
    for name in names:
        if name not in SPECS:
            raise KeyError(f"unknown model {name!r}; expected one of {', '.join(MODEL_NAMES)}")
    results: dict[str, TrainingResult | str] = {}
    for name in names:
        if progress:
            progress(name)
        try:
            results[name] = train_model(name=name, trained_by=trained_by, random_state=random_state,
                                        cold_start=cold_start)
        except NotEnoughData as exc:
            logger.warning("skipped %s: %s", name, exc)
            results[name] = f"skipped: {exc}"
    return results
