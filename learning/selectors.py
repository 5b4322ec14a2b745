"""Reads of the learning app: feedback statistics, the A/B report, policy decisions, exports."""

from __future__ import annotations

from typing import Iterator, Sequence

from django.db.models import Case, Count, F, FloatField, Q, Sum, Value, When

from ledger import selectors as ledger_selectors
from learning import ab
from learning.models import (
    ConfirmationKind,
    Feedback,
    FeedbackKind,
    Interaction,
    ModelVersion,
    PolicyDecision,
    ReportCategory,
    SyntheticExample,
)


def policy_decisions(*, ledger_ids: Sequence[str]) -> dict[str, PolicyDecision]:
    """``{ledger_id: PolicyDecision}`` for the given entries (those decided so far)."""
    return {d.ledger_id: d for d in PolicyDecision.objects.filter(ledger_id__in=list(ledger_ids))}


def _feedback_counts(qs) -> dict:
    counts = qs.aggregate(
        thumbs_up=Count("pk", filter=Q(kind=FeedbackKind.THUMBS, rating=1)),
        thumbs_down=Count("pk", filter=Q(kind=FeedbackKind.THUMBS, rating=-1)),
        corrections=Count("pk", filter=Q(kind=FeedbackKind.CORRECTION)),
        reports=Count("pk", filter=Q(kind=FeedbackKind.REPORT)),
        false_contradiction_reports=Count("pk", filter=Q(kind=FeedbackKind.REPORT,
                                                         category=ReportCategory.FALSE_CONTRADICTION)),
        extraction_confirmed=Count("pk", filter=Q(kind=FeedbackKind.CONFIRMATION,
                                                  category=ConfirmationKind.EXTRACTION, confirmed=True)),
        extraction_rejected=Count("pk", filter=Q(kind=FeedbackKind.CONFIRMATION,
                                                 category=ConfirmationKind.EXTRACTION, confirmed=False)),
        staleness_confirmed=Count("pk", filter=Q(kind=FeedbackKind.CONFIRMATION,
                                                 category=ConfirmationKind.STALENESS, confirmed=True)),
        staleness_rejected=Count("pk", filter=Q(kind=FeedbackKind.CONFIRMATION,
                                                category=ConfirmationKind.STALENESS, confirmed=False)),
        total=Count("pk"),
    )
    return counts


def feedback_stats(*, owner=None) -> dict:
    """Feedback counts (one user's, or everyone's when ``owner`` is None).

    ``false_positives`` = ledger entries the user(s) dismissed (a dismissal counts as
    false-positive detection feedback, issue 7) + reports of kind ``false_contradiction``.
    """
    qs = Feedback.objects.all() if owner is None else Feedback.objects.filter(owner=owner)
    counts = _feedback_counts(qs)
    dismissed = ledger_selectors.status_counts(owner=owner).get("dismissed", 0)
    thumbs = counts["thumbs_up"] + counts["thumbs_down"]
    return {
        "thumbs": {"up": counts["thumbs_up"], "down": counts["thumbs_down"],
                   "up_rate": counts["thumbs_up"] / thumbs if thumbs else None},
        "corrections": counts["corrections"],
        "reports": counts["reports"],
        "confirmations": {
            "extraction": {"confirmed": counts["extraction_confirmed"], "rejected": counts["extraction_rejected"]},
            "staleness": {"confirmed": counts["staleness_confirmed"], "rejected": counts["staleness_rejected"]},
        },
        "false_positives": {"dismissed_contradictions": dismissed,
                            "false_contradiction_reports": counts["false_contradiction_reports"],
                            "total": dismissed + counts["false_contradiction_reports"]},
        "total": counts["total"],
    }


def _estimated_interactions(arm: str) -> tuple[int, float]:
    """(logged rows, estimated turns): sampled rows count 1/rate (inverse-probability weighting),
    rows kept at 100 % count 1. One aggregate query."""
    weight = Case(When(sample_reason="sampled", sample_rate__gt=0, then=Value(1.0) / F("sample_rate")),
                  default=Value(1.0), output_field=FloatField())
    totals = Interaction.objects.filter(ab_arm=arm).aggregate(logged=Count("pk"), estimated=Sum(weight))
    return totals["logged"], float(totals["estimated"] or 0.0)


def ab_report() -> dict:
    """Outcomes per A/B arm (learned models vs rule-based baselines) and their comparison.

    Per arm: users with feedback, logged and estimated interactions, thumbs up/down and the up
    rate, corrections and reports per 100 estimated interactions, confirmations accepted. The
    comparison is a two-proportion z-test of the thumbs-up rates (``learning.ab``).
    """
    arms = {}
    for arm in ab.ARMS:
        counts = _feedback_counts(Feedback.objects.filter(ab_arm=arm))
        users = Feedback.objects.filter(ab_arm=arm).values("owner").distinct().count()
        logged, estimated = _estimated_interactions(arm)
        thumbs = counts["thumbs_up"] + counts["thumbs_down"]
        confirmations = counts["extraction_confirmed"] + counts["extraction_rejected"]
        per_100 = (lambda n: 100.0 * n / estimated if estimated else None)
        arms[arm] = {
            "users_with_feedback": users,
            "interactions_logged": logged,
            "interactions_estimated": round(estimated, 1),
            "thumbs_up": counts["thumbs_up"], "thumbs_down": counts["thumbs_down"],
            "thumbs_up_rate": counts["thumbs_up"] / thumbs if thumbs else None,
            "corrections": counts["corrections"], "corrections_per_100_interactions": per_100(counts["corrections"]),
            "reports": counts["reports"], "reports_per_100_interactions": per_100(counts["reports"]),
            "extraction_confirmations_accepted_rate": (counts["extraction_confirmed"] / confirmations
                                                       if confirmations else None),
        }
    learned, rules = arms[ab.LEARNED], arms[ab.RULES]
    test = ab.two_proportion_z_test(learned["thumbs_up"], learned["thumbs_up"] + learned["thumbs_down"],
                                    rules["thumbs_up"], rules["thumbs_up"] + rules["thumbs_down"])
    return {"arms": arms,
            "comparison": {"metric": "thumbs_up_rate", "learned_minus_rules": test["difference"],
                           "z": test["z"], "p_value": test["p_value"]},
            "active_models": {v.name: v.version for v in ModelVersion.objects.filter(status="active").only("name", "version")}}


# --------------------------------------------------------------------------- export
EXPORT_DATASETS = ("interactions", "feedback", "synthetic", "models", "policy_decisions")


def export_rows(dataset: str) -> Iterator[dict]:
    """JSON-able rows of one dataset (already anonymized), oldest first. ``KeyError`` for an
    unknown dataset name (see :data:`EXPORT_DATASETS`)."""
    if dataset == "interactions":
        fields = [f.name for f in Interaction._meta.fields if f.name != "owner"] + ["owner_id"]
        qs = Interaction.objects.order_by("pk").values(*fields)
    elif dataset == "feedback":
        fields = [f.name for f in Feedback._meta.fields if f.name != "owner"] + ["owner_id"]
        qs = Feedback.objects.order_by("pk").values(*fields)
    elif dataset == "synthetic":
        qs = SyntheticExample.objects.order_by("pk").values("id", "model_name", "inputs", "label", "group", "batch",
                                                             "generator_version", "created_at")
    elif dataset == "models":
        qs = ModelVersion.objects.order_by("pk").values(
            "id", "name", "version", "status", "created_at", "activated_at", "retired_at", "feature_version",
            "metric_name", "metric", "baseline_metric", "champion_metric", "metrics", "training_rows",
            "training_real_rows", "heldout_rows", "training_seconds", "trained_by", "decision", "artifact_sha256",
            "artifact_bytes")
    elif dataset == "policy_decisions":
        fields = [f.name for f in PolicyDecision._meta.fields if f.name != "owner"] + ["owner_id"]
        qs = PolicyDecision.objects.order_by("pk").values(*fields)
    else:
        raise KeyError(f"unknown dataset {dataset!r}; expected one of {', '.join(EXPORT_DATASETS)}")
    yield from qs.iterator(chunk_size=2000)


def export_count(dataset: str) -> int:
    """Rows :func:`export_rows` yields for ``dataset``."""
    model = {"interactions": Interaction, "feedback": Feedback, "synthetic": SyntheticExample,
             "models": ModelVersion, "policy_decisions": PolicyDecision}[dataset]
    return model.objects.count()
