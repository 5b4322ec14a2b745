"""``manage.py train_pair_classifier``: fit the learned pair classifier on our labeled dev pairs."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from detection import classifier
from detection.engine import detect, pair_decided_by_rules
from detection.evaluation import TURN_SPACING_S, DatasetError, build_statement, load_dataset

EVAL_DIR = Path(__file__).resolve().parents[2] / "eval"
#: Every development pairs file (pairs_dev.jsonl, pairs_dev2.jsonl, ...); never a test split.
DEFAULT_DATA = sorted(EVAL_DIR.glob("pairs_dev*.jsonl"))


class Command(BaseCommand):
    help = ("Train the scikit-learn pair classifier on labeled pairs (default: the development split, "
            "never the test split) and save it as the versioned artifact the worker loads.")

    def add_arguments(self, parser):
        parser.add_argument("--data", type=Path, nargs="+", default=DEFAULT_DATA,
                            help="pairs JSONL file(s) (default: every detection/eval/pairs_dev*.jsonl)")
        parser.add_argument("--out", type=Path, default=classifier.DEFAULT_ARTIFACT, help="artifact path")
        parser.add_argument("--sampled-ratio", type=float, default=1.0,
                            help="sampled negatives (statements of two different labelled pairs of the same "
                                 "file, kept when the rules leave them undecided) per labelled pair (default 1)")
        parser.add_argument("--undecided-only", action="store_true",
                            help="fit only on the pairs the slot rules leave undecided (default: fit on all "
                                 "pairs; the threshold comes from leave-one-file-out runs on the undecided ones)")

    def handle(self, *args, **options):
        files = options["data"]
        if not files:
            raise CommandError("no training files (expected detection/eval/pairs_dev*.jsonl)")
        if any("test" in path.name for path in files):
            raise CommandError("refusing to train on a test split")
        pairs, groups = [], []
        try:
            for path in files:
                loaded = load_dataset(path)[0]
                pairs.extend(loaded)
                groups.extend([path.stem] * len(loaded))
        except (DatasetError, OSError) as exc:
            raise CommandError(str(exc))
        self.stdout.write("training files: " + ", ".join(path.name for path in files))
        from memory.embeddings import embed_texts

        texts = list(dict.fromkeys(t for p in pairs for t in (p.premise, p.hypothesis)))
        vectors = {}
        for start in tqdm(range(0, len(texts), 256), desc="embedding", unit="batch"):
            chunk = texts[start:start + 256]
            vectors.update(zip(chunk, embed_texts(chunk)))
        statements, labels, rows, applies, flagged, used_groups = [], [], [], [], [], []
        for index, pair in enumerate(tqdm(pairs, desc="rules + features", unit="pair")):
            old = build_statement(memory_id=f"a{index}", text=pair.premise, timestamp=0.0, embedding=vectors[pair.premise])
            new = build_statement(memory_id=f"b{index}", text=pair.hypothesis, timestamp=TURN_SPACING_S,
                                  embedding=vectors[pair.hypothesis])
            undecided = not pair_decided_by_rules(old, new)
            if undecided or not options["undecided_only"]:
                statements.append((old, new))
                labels.append(int(pair.is_contradiction))
                applies.append(undecided)
                flagged.append(any(f.is_contradiction for f in detect(new, [old])))
                used_groups.append(groups[index])
                rows.append({"premise": pair.premise, "hypothesis": pair.hypothesis, "label": pair.label})
        sampled = [False] * len(statements)
        for group in tqdm(sorted(set(groups)), desc="sampled negatives", unit="file"):
            texts = [t for p, g in zip(pairs, groups) if g == group for t in (p.premise, p.hypothesis)]
            count = int(options["sampled_ratio"] * sum(g == group for g in groups))
            for index, (a, b) in enumerate(classifier.sample_cross_pairs(texts, count=count)):
                old = build_statement(memory_id=f"sa{index}", text=a, timestamp=0.0, embedding=vectors[a])
                new = build_statement(memory_id=f"sb{index}", text=b, timestamp=TURN_SPACING_S, embedding=vectors[b])
                if not pair_decided_by_rules(old, new):
                    statements.append((old, new))
                    labels.append(0)
                    applies.append(True)
                    flagged.append(False)
                    used_groups.append(group)
                    sampled.append(True)
                    rows.append({"premise": a, "hypothesis": b, "label": "sampled"})
        self.stdout.write(f"{len(pairs)} pairs read, {len(statements)} used for fitting "
                          f"({sum(labels)} contradictions, {sum(sampled)} sampled negatives); "
                          f"{sum(a and not s for a, s in zip(applies, sampled))} labelled pairs undecided by the rules")
        try:
            model = classifier.train(statements, labels, data_sha256=classifier.data_fingerprint(rows),
                                     applies=applies, flagged=flagged, groups=used_groups, sampled=sampled)
        except ValueError as exc:
            raise CommandError(f"cannot train: {exc}")
        path = classifier.save(model, options["out"])
        classifier.clear_cache()
        for name, fold in model.metrics["folds"].items():
            self.stdout.write(f"held out {name}: rules recall {fold['rules_recall']:.3f} FPR {fold['rules_fpr']:.3f} -> "
                              f"combined recall {fold['combined_recall']:.3f} FPR {fold['combined_fpr']:.3f} "
                              f"(+{fold['recovered']} recovered, +{fold['added_fp']} false positives)")
        self.stdout.write(json.dumps({k: v for k, v in model.metrics.items() if k != "folds"}, indent=2))
        self.stdout.write(self.style.SUCCESS(f"saved {model.version} (threshold {model.threshold:.3f}) to {path}"))
