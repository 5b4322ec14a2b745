"""``manage.py bootstrap_learning_data``: store the labeled synthetic cold-start set."""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from learning import services
from learning.ml import MODEL_NAMES
from learning.models import SyntheticExample

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = ("Generate a labeled synthetic interaction set (learning/synthetic.py, our own generator) so every "
            "model can train on a fresh install; real feedback outweighs it as it accumulates. "
            "Idempotent with --replace.")

    def add_arguments(self, parser):
        parser.add_argument("--per-model", type=int, default=4000,
                            help="examples per model (default 4000; the benchmark uses 100000)")
        parser.add_argument("--seed", type=int, default=0, help="generator seed (same seed, same examples)")
        parser.add_argument("--models", nargs="+", choices=MODEL_NAMES, help="only these models (default: all five)")
        parser.add_argument("--replace", action="store_true",
                            help="delete the stored synthetic examples of these models first")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing when synthetic examples already exist (for setup scripts)")

    def handle(self, *args, **options):
        if options["per_model"] < 1:
            raise CommandError("--per-model must be at least 1")
        models = options["models"] or list(MODEL_NAMES)
        if options["if_empty"] and SyntheticExample.objects.filter(model_name__in=models).exists():
            self.stdout.write("synthetic examples already stored; nothing to do (--if-empty)")
            return
        total = options["per_model"] * len(models)
        with tqdm(total=total, desc="storing synthetic examples", unit="ex", disable=options["verbosity"] == 0) as bar:
            stored = services.bootstrap_synthetic(n_per_model=options["per_model"], seed=options["seed"],
                                                  replace=options["replace"], models=models, progress=bar.update)
        for name, count in stored.items():
            self.stdout.write(f"{name}: {count} synthetic examples stored")
        self.stdout.write(self.style.SUCCESS(f"stored {sum(stored.values())} examples; next: manage.py train_models"))
