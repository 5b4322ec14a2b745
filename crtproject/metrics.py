"""Prometheus telemetry of the write → queue → worker → ledger pipeline (issue #5).

Every process (gunicorn workers, Celery pool processes, beat, management commands) records into
prometheus-client's **multiprocess** mode: each process writes its counters and histograms to
memory-mapped files in ``PROMETHEUS_MULTIPROC_DIR`` (default ``<var>/prometheus``; ``./crt`` empties
it when the stack starts), and ``GET /metrics`` on any web worker merges all of them. The directory
must be set before prometheus-client creates a metric, which is why it is set on import of this
module (the only module of the project that imports prometheus-client).

Series (units in the names; buckets are baseline choices around the seed's thresholds):

* ``crt_http_request_duration_seconds{method,route,status}`` — API latency (seed 000: p95 < 100 ms,
  alert above 150 ms); ``route`` is the URL pattern (``api/chat/send``), never the raw path.
* ``crt_detection_latency_seconds`` — write → ledger: memory timestamp to detection log, queue
  wait included (seed 000: 95 % within 5 s); ``crt_detection_processing_seconds`` — worker time.
* ``crt_detection_jobs_processed_total``, ``crt_detection_jobs_failed_total{reason}`` (went dead),
  ``crt_detection_jobs_retried_total``, ``crt_detection_jobs_duplicate_total`` (redelivered job
  already done), ``crt_detection_jobs_fast_acked_total`` (batch mates' messages answered by the
  worker's consumer, detection.fastpath), ``crt_detection_jobs_coalesced_total`` (new jobs that
  needed no message of their own, detection.services.notify_job), ``crt_detection_jobs_republished_total{reason}``,
  ``crt_detection_publish_failures_total{reason}``, ``crt_contradictions_recorded_total{type}``.
* Read from the database and the broker at scrape time (:class:`PipelineStateCollector`):
  ``crt_detection_jobs{status}``, ``crt_detection_dead_jobs``, ``crt_detection_outbox_lag_seconds``,
  ``crt_detection_queue_depth``, ``crt_broker_up``, ``crt_database_up``,
  ``crt_ledger_entries{status}``, ``crt_ledger_entries_by_type{type}``,
  ``crt_ledger_false_positive_rate_estimate``.
"""

from __future__ import annotations

import logging
import os
import time

from crtproject import embedded


def _configure_multiprocess_dir() -> str:
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or str(embedded.var_dir() / "prometheus")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
    os.makedirs(path, exist_ok=True)
    return path


#: Directory of the memory-mapped metric files shared by all processes of one stack.
MULTIPROC_DIR = _configure_multiprocess_dir()

from prometheus_client import (  # noqa: E402 - must follow the directory set-up above
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.core import GaugeMetricFamily  # noqa: E402

logger = logging.getLogger(__name__)

if values.ValueClass.__name__ != "MmapedValue":
    # prometheus_client was imported by someone else before the directory was set (flower does):
    # switch value storage to the shared files so this process's series are not lost.
    values.ValueClass = values.MultiProcessValue()

#: API latency buckets, seconds: dense between 10 ms and 300 ms around the 100/150 ms thresholds.
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)
#: Write → ledger buckets, seconds: 1/2/5 s are the shares reported by the benchmark, 10 s the alert.
DETECTION_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 7.5, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0)
PROCESSING_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})

HTTP_LATENCY = Histogram("crt_http_request_duration_seconds", "API request latency by route and status",
                         ["method", "route", "status"], buckets=HTTP_BUCKETS)
DETECTION_LATENCY = Histogram("crt_detection_latency_seconds",
                              "Write to ledger: memory timestamp to detection log, queue wait included",
                              buckets=DETECTION_BUCKETS)
DETECTION_PROCESSING = Histogram("crt_detection_processing_seconds", "Worker processing time of a detection job",
                                 buckets=PROCESSING_BUCKETS)
JOBS_PROCESSED = Counter("crt_detection_jobs_processed", "Detection jobs completed")
JOBS_FAILED = Counter("crt_detection_jobs_failed", "Detection jobs that went dead (dead letters)", ["reason"])
JOBS_RETRIED = Counter("crt_detection_jobs_retried", "Detection attempts that failed transiently and were retried")
JOBS_DUPLICATE = Counter("crt_detection_jobs_duplicate", "Deliveries of a job that was already done (no effect)")
JOBS_COALESCED = Counter("crt_detection_jobs_coalesced",
                         "New jobs that needed no message: a queued wake-up's batch claims them (notify_job)")
JOBS_FAST_ACKED = Counter("crt_detection_jobs_fast_acked",
                          "Messages of jobs already done by a batch, acknowledged by the worker's consumer "
                          "without running the task (detection.fastpath)")
JOBS_REPUBLISHED = Counter("crt_detection_jobs_republished", "Jobs published again by the outbox sweeper",
                           ["reason"])
PUBLISH_FAILURES = Counter("crt_detection_publish_failures", "Publishes not sent (broker down or backing off)",
                           ["reason"])
CONTRADICTIONS_RECORDED = Counter("crt_contradictions_recorded", "Contradictions found by detection jobs",
                                  ["type"])


class PipelineStateCollector:
    """Gauges read from the database and the broker at scrape time (one query set per scrape).

    The estimated false-positive rate is dismissed / (dismissed + resolved) ledger entries: among
    the contradictions a user reviewed, the share they dismissed as not a contradiction (seed 000:
    "false positive rate (estimated)"; absent until some entry was reviewed).
    """

    #: Names of the gauge families this collector can yield (the last one only once entries were reviewed).
    SERIES = ("crt_database_up", "crt_detection_jobs", "crt_detection_dead_jobs", "crt_detection_outbox_lag_seconds",
              "crt_ledger_entries", "crt_ledger_entries_by_type", "crt_broker_up", "crt_detection_queue_depth",
              "crt_ledger_false_positive_rate_estimate")

    def collect(self):
        from detection import services as detection_services  # noqa: PLC0415 - needs Django ready
        from ledger import selectors as ledger_selectors  # noqa: PLC0415

        database_up = GaugeMetricFamily("crt_database_up", "1 if the database answered this scrape")
        try:
            jobs = detection_services.job_status_counts()
            lag = detection_services.outbox_lag_s()
            statuses = ledger_selectors.status_counts()
            types = ledger_selectors.type_counts()
        except Exception:  # the scrape must still answer while the database is down
            logger.warning("metrics: database unavailable", exc_info=True)
            database_up.add_metric([], 0)
            yield database_up
        else:
            database_up.add_metric([], 1)
            yield database_up
            by_status = GaugeMetricFamily("crt_detection_jobs", "Detection jobs by status (done omitted)",
                                          labels=["status"])
            for status, n in sorted(jobs.items()):
                by_status.add_metric([status], n)
            yield by_status
            yield GaugeMetricFamily("crt_detection_dead_jobs", "Dead detection jobs (dead letters)",
                                    value=jobs.get("dead", 0))
            yield GaugeMetricFamily("crt_detection_outbox_lag_seconds", "Age of the oldest pending job", value=lag)
            entries = GaugeMetricFamily("crt_ledger_entries", "Ledger entries by status", labels=["status"])
            for status, n in sorted(statuses.items()):
                entries.add_metric([status], n)
            yield entries
            by_type = GaugeMetricFamily("crt_ledger_entries_by_type", "Ledger entries by contradiction type",
                                        labels=["type"])
            for kind, n in sorted(types.items()):
                by_type.add_metric([kind], n)
            yield by_type
            rate = false_positive_rate_estimate(statuses)
            if rate is not None:
                yield GaugeMetricFamily("crt_ledger_false_positive_rate_estimate",
                                        "Dismissed / (dismissed + resolved) ledger entries", value=rate)
        depth = detection_services.queue_depth()
        yield GaugeMetricFamily("crt_broker_up", "1 if the broker answered this scrape", value=int(depth is not None))
        if depth is not None:
            yield GaugeMetricFamily("crt_detection_queue_depth", "Messages waiting in the detection queue",
                                    value=depth)


def false_positive_rate_estimate(status_counts: dict[str, int]) -> float | None:
    """dismissed / (dismissed + resolved) from ledger status counts; None when nothing was reviewed.

    A dismissal is a user's "this is not a contradiction" (issue #4's ledger events), a
    resolution a user's confirmation that it was one; unreviewed entries are left out.
    """
    dismissed = status_counts.get("dismissed", 0)
    reviewed = dismissed + status_counts.get("resolved", 0)
    return dismissed / reviewed if reviewed else None


def render_latest() -> tuple[bytes, str]:
    """The exposition text of all processes' series plus the scrape-time gauges, and its type."""
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=MULTIPROC_DIR)
    registry.register(PipelineStateCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


class PrometheusMiddleware:
    """Times every request into ``crt_http_request_duration_seconds{method,route,status}``.

    Put it first in ``MIDDLEWARE`` so the time covers the whole stack. ``route`` is the matched
    URL pattern (bounded cardinality); requests matching no route are labelled ``<unmatched>``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = (match.route or "/") if match is not None else "<unmatched>"
        method = request.method if request.method in _METHODS else "OTHER"
        HTTP_LATENCY.labels(method, route, str(response.status_code)).observe(time.perf_counter() - started)
        return response
