"""The model registry (``learning.ModelVersion``): register, activate, roll back, and serve.

Activation rule (issue 7): a new version becomes ``active`` only when its primary held-out metric
beats the active version's **on the same held-out examples** (or there is no active version) and
also beats the rule-based baseline there (a learned model that loses to the rules must not serve).
The previous active version becomes ``retired``. The admin can activate any earlier version
(rollback); :func:`activate` does it in one transaction, under a row lock on the name's versions,
and a database constraint keeps at most one active version per name.

Hot reload: :func:`get_active` keeps the loaded pipelines of this process and, at most every
``CRT_MODEL_RELOAD_TTL_S`` seconds (default 5), asks the database which versions are active
(one small query for all names). A changed version is loaded and its artifact's SHA-256 checked
before use; web and worker processes therefore serve a newly activated (or rolled-back) version
within the TTL, without a restart. A failed check or load keeps serving what was loaded before.

Importing this module does not import scikit-learn or numpy: a model module is imported only when
a version of it is registered, activated or loaded (:mod:`learning.ml.common`).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Max
from django.utils import timezone

from learning.ml import MODEL_NAMES, get_spec
from learning.ml.common import sha256_hex
from learning.models import ModelStatus, ModelVersion

if TYPE_CHECKING:  # pragma: no cover - scikit-learn is imported only when an artifact is loaded
    from sklearn.pipeline import Pipeline

logger = logging.getLogger(__name__)


class RegistryError(Exception):
    """A registry operation that cannot be done (unknown version, checksum mismatch, …)."""


@dataclass(frozen=True)
class LoadedModel:
    """An active version loaded in this process: ``label`` is ``"<name>:v<version>"``."""

    name: str
    version: int
    version_id: int
    sha256: str
    pipeline: "Pipeline | Any"

    @property
    def label(self) -> str:
        return f"{self.name}:v{self.version}"


def next_version(name: str) -> int:
    """1 + the highest version number of ``name`` (1 for the first)."""
    return (ModelVersion.objects.filter(name=name).aggregate(m=Max("version"))["m"] or 0) + 1


def register_version(*, name: str, artifact: bytes, metric: float, baseline_metric: float | None,
                     champion_metric: float | None, metrics: dict, training_rows: int, training_real_rows: int,
                     heldout_rows: int, training_seconds: float, trained_by: str) -> ModelVersion:
    """Store a trained version as a ``candidate`` (with its checksum). Raises ``KeyError`` for an
    unknown model name."""
    spec = get_spec(name)
    with transaction.atomic():
        # serialize version numbering per name
        list(ModelVersion.objects.select_for_update().filter(name=name).values_list("pk", flat=True))
        return ModelVersion.objects.create(
            name=name, version=next_version(name), feature_version=spec.feature_version,
            metric_name=spec.primary_metric, metric=metric, baseline_metric=baseline_metric,
            champion_metric=champion_metric, metrics=metrics, training_rows=training_rows,
            training_real_rows=training_real_rows, heldout_rows=heldout_rows, training_seconds=training_seconds,
            trained_by=trained_by, artifact=artifact, artifact_sha256=sha256_hex(artifact),
            artifact_bytes=len(artifact))


def should_activate(*, metric: float, baseline_metric: float | None, champion_metric: float | None) -> tuple[bool, str]:
    """The activation rule of the module docstring: ``(activate?, reason)``."""
    if baseline_metric is not None and not metric > baseline_metric:
        return False, f"held-out {metric:.4f} does not beat the rule-based baseline's {baseline_metric:.4f}"
    if champion_metric is None:
        baseline = "n/a" if baseline_metric is None else f"{baseline_metric:.4f}"
        return True, f"no active version; held-out {metric:.4f} beats the baseline's {baseline}"
    if metric > champion_metric:
        return True, f"held-out {metric:.4f} beats the active version's {champion_metric:.4f} on the same examples"
    return False, f"held-out {metric:.4f} does not beat the active version's {champion_metric:.4f}"


def activate(*, version_id: int, reason: str = "") -> ModelVersion:
    """Make one version active and retire the one it replaces (also a rollback to an old version).

    Raises :class:`RegistryError` for an unknown id or an artifact whose checksum does not match,
    or when the version's feature version differs from the running code's (it could not be served).
    """
    with transaction.atomic():
        try:
            version = ModelVersion.objects.select_for_update().get(pk=version_id)
        except ModelVersion.DoesNotExist:
            raise RegistryError(f"no model version with id {version_id}") from None
        if sha256_hex(bytes(version.artifact)) != version.artifact_sha256:
            raise RegistryError(f"{version}: artifact checksum mismatch; refusing to activate")
        expected = get_spec(version.name).feature_version
        if version.feature_version != expected:
            raise RegistryError(f"{version}: trained with features {version.feature_version!r}, the code has "
                                f"{expected!r}")
        now = timezone.now()
        current = list(ModelVersion.objects.select_for_update().filter(name=version.name, status=ModelStatus.ACTIVE)
                       .exclude(pk=version.pk))
        for old in current:
            old.status, old.retired_at = ModelStatus.RETIRED, now
            old.save(update_fields=["status", "retired_at"])
        if version.status != ModelStatus.ACTIVE:
            version.status, version.activated_at, version.retired_at = ModelStatus.ACTIVE, now, None
            if reason:
                version.decision = (version.decision + "\n" if version.decision else "") + reason
            version.save(update_fields=["status", "activated_at", "retired_at", "decision"])
    logger.info("activated %s (%s)", version, reason or "no reason given")
    return version


def retire(*, version_id: int) -> ModelVersion:
    """Stop serving a version (the rule-based baseline serves until another is activated)."""
    with transaction.atomic():
        version = ModelVersion.objects.select_for_update().get(pk=version_id)
        version.status, version.retired_at = ModelStatus.RETIRED, timezone.now()
        version.save(update_fields=["status", "retired_at"])
    logger.info("retired %s", version)
    return version


def active_versions() -> dict[str, ModelVersion]:
    """``{name: active ModelVersion}`` (artifacts deferred)."""
    return {v.name: v for v in ModelVersion.objects.filter(status=ModelStatus.ACTIVE).defer("artifact")}


def load_version(version: ModelVersion) -> LoadedModel:
    """Load a version's pipeline after checking its checksum. Raises :class:`RegistryError`.

    This is where a process first imports scikit-learn and numpy (unpickling the pipeline)."""
    from learning.ml.base import deserialize  # noqa: PLC0415 - the scientific stack, only when needed

    data = bytes(ModelVersion.objects.filter(pk=version.pk).values_list("artifact", flat=True).get())
    if sha256_hex(data) != version.artifact_sha256:
        raise RegistryError(f"{version}: artifact checksum mismatch")
    return LoadedModel(name=version.name, version=version.version, version_id=version.pk,
                       sha256=version.artifact_sha256, pipeline=deserialize(data))


class ActiveModelCache:
    """Per-process cache of the active pipelines with a TTL-bounded version check (hot reload)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._loaded: dict[str, LoadedModel] = {}
        self._next_check = 0.0

    def clear(self) -> None:
        """Forget everything; the next :meth:`get` checks the database."""
        with self._lock:
            self._loaded.clear()
            self._next_check = 0.0

    def _ttl(self) -> float:
        return float(getattr(settings, "CRT_MODEL_RELOAD_TTL_S", 5.0))

    def refresh(self) -> None:
        """Check the database now and (re)load changed versions; keep old ones on any error."""
        try:
            rows = list(ModelVersion.objects.filter(status=ModelStatus.ACTIVE)
                        .values("pk", "name", "version", "artifact_sha256", "feature_version"))
        except DatabaseError:
            logger.warning("could not check for new model versions; serving what is loaded", exc_info=True)
            return
        wanted = {row["name"]: row for row in rows if row["name"] in MODEL_NAMES
                  and row["feature_version"] == get_spec(row["name"]).feature_version}
        loaded = dict(self._loaded)
        for name in list(loaded):
            if name not in wanted:
                logger.info("model %s: no active version any more; the rule-based baseline serves", name)
                del loaded[name]
        for name, row in wanted.items():
            current = loaded.get(name)
            if current is not None and current.version_id == row["pk"]:
                continue
            try:
                version = ModelVersion(pk=row["pk"], name=name, version=row["version"],
                                       artifact_sha256=row["artifact_sha256"])
                loaded[name] = load_version(version)
                logger.info("loaded %s:v%s (sha256 %s…)", name, row["version"], row["artifact_sha256"][:12])
            except Exception:  # a broken artifact must not take the service down
                logger.exception("could not load %s:v%s; keeping %s", name, row["version"],
                                 current.label if current else "the rule-based baseline")
        self._loaded = loaded

    def get(self, name: str) -> LoadedModel | None:
        """The active version of ``name`` in this process, or None (serve the baseline)."""
        now = time.monotonic()
        if now >= self._next_check:
            with self._lock:
                if now >= self._next_check:
                    self.refresh()
                    self._next_check = time.monotonic() + self._ttl()
        return self._loaded.get(name)

    def snapshot(self) -> dict[str, str]:
        """``{name: "v<version>"}`` of what this process has loaded."""
        return {name: f"v{model.version}" for name, model in self._loaded.items()}


#: The process-wide cache used by :mod:`learning.serving`.
CACHE = ActiveModelCache()


def get_active(name: str) -> LoadedModel | None:
    """Shorthand for ``CACHE.get(name)``."""
    return CACHE.get(name)
