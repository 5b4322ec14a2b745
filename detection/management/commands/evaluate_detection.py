"""``manage.py evaluate_detection FILE``: precision/recall/FPR of the detector on a labeled JSONL file."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from detection import classifier
from detection.evaluation import DatasetError, evaluate_conversations, evaluate_pairs, format_report, load_dataset


class Command(BaseCommand):
    help = ("Evaluate contradiction detection on a JSONL file of labeled pairs and/or conversations "
            "(formats in detection/evaluation.py) and print precision, recall, false-positive rate, F1, "
            "per-category figures, the confusion matrix and detector latency.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="JSONL dataset (pairs and/or conversations)")
        parser.add_argument("--json", dest="json_out", type=Path, help="also write the full report as JSON here")
        parser.add_argument("--db", action="store_true",
                            help="replay conversations through the running HTTP API + Celery worker as well "
                                 "and report agreement with the in-process path")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="web process for --db")
        parser.add_argument("--no-classifier", action="store_true", help="slot rules only, no learned pair classifier")
        parser.add_argument("--model", type=Path, default=classifier.DEFAULT_ARTIFACT,
                            help="pair classifier artifact (default: the committed detection/artifacts one)")
        parser.add_argument("--no-embeddings", action="store_true",
                            help="skip the embedding model (faster; the classifier then sees cosine 0)")
        parser.add_argument("--errors", type=int, default=0, metavar="N", help="print up to N misclassified items")

    def handle(self, *args, **options):
        try:
            pairs, conversations = load_dataset(options["file"])
        except (DatasetError, OSError) as exc:
            raise CommandError(str(exc))
        scorer, threshold = (None, 1.0) if options["no_classifier"] else classifier.get_scorer(options["model"])
        embed = None
        if not options["no_embeddings"]:
            from memory.embeddings import embed_texts

            embed = embed_texts
        reports = {}
        if pairs:
            reports["pairs"] = evaluate_pairs(pairs, embed=embed, scorer=scorer, threshold=threshold)
        if conversations:
            reports["conversations"] = evaluate_conversations(conversations, embed=embed, scorer=scorer,
                                                              threshold=threshold)
            if options["db"]:
                reports["conversations_db"] = self._via_api(conversations, options["base_url"],
                                                            reports["conversations"])
        elif options["db"]:
            raise CommandError("--db replays conversations; the file has none")
        model = classifier.load(options["model"]) if scorer else None
        header = f"detector: rules + {'pair classifier ' + model.version if model else 'no classifier'}"
        self.stdout.write(header)
        for report in reports.values():
            self.stdout.write(format_report(report))
            self._print_errors(report, options["errors"])
        if options["json_out"]:
            options["json_out"].write_text(json.dumps({"detector": header, **reports}, indent=2) + "\n")
            self.stdout.write(f"report written to {options['json_out']}")

    def _via_api(self, conversations, base_url, in_process):
        from detection.api_replay import ReplayError, evaluate_conversations_via_api

        try:
            report = evaluate_conversations_via_api(conversations, base_url=base_url)
        except (ReplayError, OSError) as exc:
            raise CommandError(f"--db replay failed: {exc}")
        agree = sum(a["predicted"] == b["predicted"] for a, b in zip(report["rows"], in_process["rows"]))
        report["agreement"] = round(agree / len(report["rows"]), 4) if report["rows"] else 1.0
        return report

    def _print_errors(self, report, limit):
        if not limit:
            return
        wrong = [r for r in report["rows"] if r["predicted"] != (r.get("expected", r.get("label") == "contradiction"))]
        for row in wrong[:limit]:
            self.stdout.write(f"    wrong: {json.dumps(row, ensure_ascii=False)}")
