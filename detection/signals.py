"""Worker start-up: load the embedding model in each worker process before the first job.

Without it the first job of every process pays the ~7 s model load (NOTES.md) inside its
measured detection latency. Connected in DetectionConfig.ready().
"""

import logging

from celery.signals import worker_process_init, worker_ready

logger = logging.getLogger(__name__)


def _warm_up(**_kwargs) -> None:
    from memory.embeddings import get_model  # noqa: PLC0415

    get_model()


worker_process_init.connect(_warm_up, weak=False)


@worker_ready.connect(weak=False)
def _warm_up_solo(sender=None, **_kwargs) -> None:
    """The solo pool runs jobs in the main process, which gets no worker_process_init."""
    pool = getattr(getattr(sender, "pool_cls", None), "__module__", "") or ""
    if "solo" in pool:
        _warm_up()
