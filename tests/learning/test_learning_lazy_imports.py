"""Web, beat and flower processes do not import the scientific stack unless they load a learned
model (issue 7): ``django.setup()`` + URL loading, and the rule-based baselines the rules arm
serves, leave scikit-learn, scipy, joblib, torch and sentence-transformers out of the process.

numpy is the exception, and not ours: ``ledger.views`` → ``ledger.services`` → ``memory.services``
→ ``memory.embeddings`` imports it at module level (the memory app). The test asserts exactly
that, so it fails if the learning app starts importing numpy again and keeps passing if the
memory app makes its import lazy too.
"""

import json
import os
import subprocess
import sys
from pathlib import Path


from learning.ml import MODEL_NAMES, SPECS, common, rules

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sklearn", "scipy", "joblib", "torch", "sentence_transformers", "transformers")
MODEL_MODULES = tuple(f"learning.ml.{name}" for name in MODEL_NAMES) + ("learning.ml.base",)

PROBE = """
import json, os, sys
import django
django.setup()
import crtproject.urls  # noqa: F401 - every view module, as a web process loads them
from django.urls import get_resolver
get_resolver().url_patterns  # resolve the include()s
EXTRA
print(json.dumps({"modules": sorted(m for m in sys.modules if m.split(".")[0] in
                  ("sklearn", "scipy", "joblib", "torch", "sentence_transformers", "transformers", "numpy")
                  or m.startswith("learning.ml.") or m == "memory.embeddings")}))
"""

RULES_ARM = """
from learning.ml import rules
from learning.serving import policy_row  # noqa: F401
rules.slot_baseline({"query": "Where do I work?"})
rules.extraction_baseline({"text": "I think I work at IBM"})
rules.policy_baseline({"slot": "employer", "contradiction_type": "CONFLICT"})
rules.relevance_baseline({"context": "my boss", "slot": "employer"})
rules.staleness_baseline({"slot": "age", "age_days": 400})
from learning import registry, services, datasets, synthetic, admin, views, tasks  # noqa: F401
synthetic.generate("resolution_policy", 50)
"""


def _probe(extra: str = "") -> set[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "crtproject.settings", "PYTHONPATH": str(ROOT),
           # URLs that are never connected to: django.setup() must not start embedded servers here
           "DATABASE_URL": "postgres://probe@127.0.0.1:1/probe", "CELERY_BROKER_URL": "redis://127.0.0.1:1/0"}
    result = subprocess.run([sys.executable, "-c", PROBE.replace("EXTRA", extra)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return set(json.loads(result.stdout.strip().splitlines()[-1])["modules"])


def _assert_light(modules: set[str]) -> None:
    assert not {m for m in modules if m.split(".")[0] in HEAVY}, sorted(modules)
    assert not modules & set(MODEL_MODULES), sorted(modules & set(MODEL_MODULES))
    # numpy only through the memory app's embedding module (see the module docstring)
    assert ("numpy" in modules) == ("memory.embeddings" in modules), sorted(modules)


def test_django_setup_and_url_loading_import_no_machine_learning_library():
    _assert_light(_probe())


def test_rule_based_serving_and_learning_modules_import_no_machine_learning_library():
    _assert_light(_probe(RULES_ARM))


def test_model_names_match_the_specs_and_their_modules():
    assert MODEL_NAMES == tuple(SPECS)
    assert all(SPECS[name].name == name for name in MODEL_NAMES)


def test_learned_slot_vocabulary_is_the_light_modules():
    from learning.ml import slot_classifier

    assert slot_classifier.SLOTS is common.SLOTS
    assert SPECS["slot_classifier"].targets([{"slots": list(common.SLOTS)}]).shape == (1, len(common.SLOTS))


def test_each_spec_baseline_is_the_pure_python_rule():
    cases = {
        "slot_classifier": ({"query": "Where do I live and work?"}, rules.slot_baseline),
        "extraction_confidence": ({"text": "lol I live in Narnia"}, rules.extraction_baseline),
        "resolution_policy": ({"slot": "location", "contradiction_type": "TEMPORAL"}, rules.policy_baseline),
        "cross_thread_relevance": ({"context": "my boss called", "slot": "employer"}, rules.relevance_baseline),
        "staleness": ({"slot": "employer", "age_days": 2000}, rules.staleness_baseline),
    }
    assert set(cases) == set(MODEL_NAMES)
    for name, (row, rule) in cases.items():
        assert SPECS[name].baseline([row]) == [rule(row)], name
