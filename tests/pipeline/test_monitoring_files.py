"""The monitoring files are valid: PromQL parses, thresholds match seed 000 / issue #5, every metric
name exists in our exposition, every alert has a runbook section, the dashboard has its panels."""

import json
import re
from pathlib import Path

import promql_parser
import pytest
import yaml
from prometheus_client.metrics import MetricWrapperBase

from crtproject import metrics

ROOT = Path(__file__).resolve().parents[2]
ALERTS = ROOT / "monitoring" / "prometheus" / "alerts.yml"
DASHBOARD = ROOT / "monitoring" / "grafana" / "crt-pipeline-dashboard.json"
RUNBOOK = ROOT / "docs" / "RUNBOOK.md"


def rules() -> dict[str, dict]:
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    return {rule["alert"]: rule for group in groups for rule in group["rules"]}


def selectors(node) -> set[str]:
    """Metric names of every vector selector in a parsed PromQL expression."""
    names = set()
    if type(node).__name__ == "VectorSelector":
        names.add(node.name)
    for attr in ("lhs", "rhs", "expr", "args", "param", "vector_selector"):
        child = getattr(node, attr, None)
        if child is None:
            continue
        for item in child if isinstance(child, (list, tuple)) else [child]:
            names |= selectors(item)
    return names


def known_series() -> set[str]:
    names = set(metrics.PipelineStateCollector.SERIES)
    for value in vars(metrics).values():
        kind = getattr(value, "_type", None) if isinstance(value, MetricWrapperBase) else None
        if kind == "histogram":
            names |= {f"{value._name}_bucket", f"{value._name}_count", f"{value._name}_sum"}
        elif kind == "counter":
            names.add(f"{value._name}_total")
    return names


def dashboard_exprs() -> list[str]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return [target["expr"] for panel in panels for target in panel["targets"]]


@pytest.mark.parametrize("alert, threshold, duration", [
    ("CRTApiLatencyHigh", 0.15, "10m"),
    ("CRTDetectionLatencyHigh", 10, "5m"),
    ("CRTDetectionQueueBacklog", 1000, "5m"),
    ("CRTWorkerErrorRateHigh", 0.05, "5m"),
    ("CRTFalsePositiveRateHigh", 0.2, "15m"),
])
def test_alert_thresholds_are_the_seed_and_issue_thresholds(alert, threshold, duration):
    rule = rules()[alert]
    expr = promql_parser.parse(rule["expr"])

    assert type(expr).__name__ == "BinaryExpr" and str(expr.op) == ">"
    assert float(expr.rhs.val) == threshold
    assert rule["for"] == duration


def test_p95_alerts_are_95th_percentiles_of_our_histograms():
    for alert, histogram in [("CRTApiLatencyHigh", "crt_http_request_duration_seconds_bucket"),
                             ("CRTDetectionLatencyHigh", "crt_detection_latency_seconds_bucket")]:
        expr = rules()[alert]["expr"]
        assert expr.startswith("histogram_quantile(0.95,") and histogram in expr


def test_every_rule_parses_has_severity_and_a_runbook_section():
    anchors = {re.sub(r"[^a-z0-9 -]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
               for line in RUNBOOK.read_text().splitlines() if line.startswith("#")}
    for name, rule in rules().items():
        promql_parser.parse(rule["expr"])
        assert rule["labels"]["severity"] in ("critical", "warning"), name
        assert rule["annotations"]["summary"], name
        url = rule["annotations"]["runbook_url"]
        assert url.startswith("docs/RUNBOOK.md#") and url.split("#")[1] in anchors, f"{name}: {url}"


def test_every_metric_in_rules_and_dashboard_is_one_we_export():
    exprs = [rule["expr"] for rule in rules().values()] + dashboard_exprs()
    used = set().union(*(selectors(promql_parser.parse(expr)) for expr in exprs))

    assert used and used <= known_series(), used - known_series()


def test_dashboard_has_the_panels_of_the_alerts_and_valid_layout():
    dashboard = json.loads(DASHBOARD.read_text())
    titles = " | ".join(panel["title"] for panel in dashboard["panels"]).lower()

    for topic in ("api latency", "detection latency", "queue depth", "error rate", "dead jobs",
                  "contradictions", "false-positive", "outbox"):
        assert topic in titles, topic
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        assert set(panel["gridPos"]) == {"h", "w", "x", "y"} and panel["targets"]
        for target in panel["targets"]:
            promql_parser.parse(target["expr"])


@pytest.mark.django_db
def test_the_state_collector_yields_only_declared_series():
    names = {family.name for family in metrics.PipelineStateCollector().collect()}
    assert names and names <= set(metrics.PipelineStateCollector.SERIES)
