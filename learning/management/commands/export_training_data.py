"""``manage.py export_training_data``: write the collected datasets as JSONL for offline analysis."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from tqdm import tqdm

from learning import selectors


class Command(BaseCommand):
    help = ("Write the learning datasets (interaction log, feedback, synthetic examples, model registry "
            "metadata, policy decisions) as one JSONL file each into a directory. Everything is already "
            "anonymized at write time; artifacts are not exported (their checksums are).")

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, default=Path("var/training_data"),
                            help="output directory (default var/training_data; created if missing)")
        parser.add_argument("--datasets", nargs="+", choices=selectors.EXPORT_DATASETS,
                            default=list(selectors.EXPORT_DATASETS), help="which datasets (default: all)")

    def handle(self, *args, **options):
        out: Path = options["out"]
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"cannot create {out}: {exc}")
        for dataset in options["datasets"]:
            path = out / f"{dataset}.jsonl"
            total = selectors.export_count(dataset)
            written = 0
            with path.open("w", encoding="utf-8") as handle:
                for row in tqdm(selectors.export_rows(dataset), total=total, desc=dataset, unit="row",
                                disable=options["verbosity"] == 0):
                    handle.write(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False) + "\n")
                    written += 1
            self.stdout.write(f"{dataset}: {written} rows -> {path}")
