"""``manage.py train_models``: train, evaluate and register the learned models."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from learning import training
from learning.ml import MODEL_NAMES


class Command(BaseCommand):
    help = ("Train the learned models (default: all five) on the synthetic set plus real feedback, evaluate each "
            "on a held-out split against its rule-based baseline and the active version, register the new "
            "version and activate it only when it beats both. A model without any data first gets its synthetic "
            "cold-start set (see bootstrap_learning_data). The nightly beat task does the same in the worker.")

    def add_arguments(self, parser):
        parser.add_argument("models", nargs="*", metavar="MODEL",
                            help=f"model names (default: all of {', '.join(MODEL_NAMES)})")
        parser.add_argument("--seed", type=int, default=0, help="random state of the split and the estimators")
        parser.add_argument("--no-activate", action="store_true", help="register as candidates only")
        parser.add_argument("--no-cold-start", action="store_true",
                            help="fail for a model without data instead of generating its synthetic set first")

    def handle(self, *args, **options):
        names = options["models"] or list(MODEL_NAMES)
        unknown = [n for n in names if n not in MODEL_NAMES]
        if unknown:
            raise CommandError(f"unknown model(s) {', '.join(unknown)}; expected {', '.join(MODEL_NAMES)}")
        failures = 0
        for name in tqdm(names, desc="training", unit="model", disable=options["verbosity"] == 0):
            try:
                result = training.train_model(name=name, trained_by="manage.py train_models",
                                              random_state=options["seed"], activate=not options["no_activate"],
                                              cold_start=not options["no_cold_start"])
            except training.NotEnoughData as exc:
                failures += 1
                self.stderr.write(f"{name}: skipped — {exc}")
                continue
            self.stdout.write(result.summary())
        if failures == len(names):
            raise CommandError("no model could be trained; run `manage.py bootstrap_learning_data` first")
