"""Features of a (older, newer) statement pair for the learned pair classifier.

Pure Python + NumPy, no Django: the evaluation harness, the training command and the worker all
build features through :func:`pair_features`, so training and serving cannot drift apart.
``FEATURE_VERSION`` is saved with every trained model; a model trained on another feature
version is refused at load time.

Feature list (issue #3: "embedding cosine, slot and value agreement, negation and antonym
mismatch, numeric delta, lexical overlap, time between them, modality and subject flags"; version 3
adds the value-masked template features of :mod:`detection.masking` and the two embeddings' |u - v|
and u * v, so that "same attribute, different value" is visible without a hand-written slot, and
leaves out the slot-agreement counts; see :data:`SCALAR_FEATURES`):
"""

from __future__ import annotations

import math
import re
from typing import Sequence

import numpy as np

from detection.engine import Statement, statement_flags
from detection.engine.rules import _rules_silent_on
from detection.masking import mask_pair

FEATURE_VERSION = "pair-features-3"
#: Masked-value counts are capped here (baseline choice: more than 5 differing words means the
#: statements are simply different sentences).
VALUE_COUNT_CAP = 5
#: Length of the sentence embeddings the dense features are built from (all-MiniLM-L6-v2).
EMBEDDING_DIM = 384

#: The scalar features. Version 3 leaves out the slot-agreement counts and the rules' verdicts of
#: version 2 on purpose: the classifier only ever scores pairs the rules leave undecided (no shared
#: slot, no finding), where those features are constant, and a model trained with them learns to
#: trust them and underrates exactly the pairs it serves (measured: docs/DETECTION.md, "pair
#: classifier v3").
SCALAR_FEATURES: tuple[str, ...] = (
    "cosine",              # cosine similarity of the two embeddings (0 when one is missing)
    "negation_mismatch",   # exactly one of the two is negated
    "antonym_mismatch",    # one uses a word whose antonym appears in the other
    "numeric_rel_delta",   # |a - b| / max(|a|, |b|) of the first numbers, 0 if either has none
    "both_have_numbers",
    "jaccard",             # content-word Jaccard overlap
    "log_hours_between",   # log1p of the hours between the statements
    "hypothetical_any",    # either statement is a plan/wish/hypothetical
    "third_party_any",     # either statement is about somebody else
    "hedged_any",          # either statement hedges ("about", "around", …)
    "question_any",        # either statement is a question
    "template_jaccard",    # Jaccard overlap of the value-masked templates' tokens (detection.masking)
    "templates_equal",     # the two templates are identical ("i work at something" twice)
    "old_values",          # masked value tokens of the older statement (capped at VALUE_COUNT_CAP)
    "new_values",          # masked value tokens of the newer statement (capped)
    "both_have_values",    # both statements had something masked
    "rules_new_silent",    # the rules read the new statement as only hypothetical / other people's facts
)
#: Dense features of the two stored embeddings u (older) and v (newer): |u - v| and u * v per
#: dimension (the usual sentence-pair classifier input, Conneau et al. 2017, InferSent), zeros
#: when an embedding is missing.
DENSE_FEATURES: tuple[str, ...] = tuple(f"abs_diff_{i}" for i in range(EMBEDDING_DIM)) + tuple(
    f"product_{i}" for i in range(EMBEDDING_DIM))
FEATURE_NAMES: tuple[str, ...] = SCALAR_FEATURES + DENSE_FEATURES

_WORD = re.compile(r"[a-z][a-z']+")
_STOP = frozenset(
    "i me my mine we our you your he she it they them a an the and or but if of to in on at for with "
    "is am are was were be been being do does did have has had not no never don't doesn't didn't "
    "isn't aren't wasn't anymore just really very so that this there here now".split()
)
#: Small antonym lexicon (our own list; extended as the evaluation set shows misses).
_ANTONYMS = {
    "love": {"hate", "dislike", "detest"}, "like": {"hate", "dislike", "detest"},
    "enjoy": {"hate", "dislike"}, "always": {"never"}, "married": {"single", "divorced", "unmarried"},
    "single": {"married"}, "vegetarian": {"meat", "carnivore"}, "vegan": {"meat", "dairy", "cheese"},
    "smoke": {"quit"}, "allergic": {"fine"}, "introvert": {"extrovert"}, "early": {"late"},
    "morning": {"night"}, "city": {"countryside"}, "cats": {"dogs"}, "tea": {"coffee"},
    "healthy": {"sick", "ill"}, "employed": {"unemployed", "jobless"}, "rent": {"own"},
}


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def _antonym_mismatch(a: set[str], b: set[str]) -> bool:
    for word, opposites in _ANTONYMS.items():
        if (word in a and opposites & b) or (word in b and opposites & a):
            return True
    return False


def _cosine(a: Sequence[float] | None, b: Sequence[float] | None) -> float:
    if a is None or b is None:
        return 0.0
    va, vb = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    norm = float(np.linalg.norm(va) * np.linalg.norm(vb))
    return float(va @ vb / norm) if norm else 0.0


def _vector(values: Sequence[float] | None) -> np.ndarray | None:
    if not _vector_ok(values):
        return None
    return np.asarray(values, dtype=np.float64)


def pair_features(old: Statement, new: Statement) -> list[float]:
    """Feature vector of an (older, newer) pair, in the order of :data:`FEATURE_NAMES`.

    Embeddings are unit-normalized vectors of :data:`EMBEDDING_DIM` floats or None (the dense
    features are then zeros and ``cosine`` is 0); timestamps are Unix seconds. Returns
    ``len(FEATURE_NAMES)`` floats. Raises nothing for well-formed Statements.
    """
    u, v = _vector(old.embedding), _vector(new.embedding)
    if u is None or v is None:
        return _scalar_features(old, new) + [0.0] * len(DENSE_FEATURES)
    return _scalar_features(old, new) + np.abs(u - v).tolist() + (u * v).tolist()


def features_against(new: Statement, earlier: Sequence[Statement]) -> np.ndarray:
    """:func:`pair_features` of (old, ``new``) for every old of ``earlier``, the dense part computed
    for all of them at once: shape ``(len(earlier), len(FEATURE_NAMES))``, the same values as
    stacking :func:`pair_features` (the serving path: one new statement, many candidates)."""
    matrix = np.zeros((len(earlier), len(FEATURE_NAMES)))
    if not len(earlier):
        return matrix
    matrix[:, :len(SCALAR_FEATURES)] = [_scalar_features(old, new) for old in earlier]
    v = _vector(new.embedding)
    if v is None:
        return matrix
    rows = [i for i, old in enumerate(earlier) if _vector_ok(old.embedding)]
    if rows:
        olds = np.asarray([earlier[i].embedding for i in rows], dtype=np.float64)
        start = len(SCALAR_FEATURES)
        matrix[rows, start:start + EMBEDDING_DIM] = np.abs(olds - v)
        matrix[rows, start + EMBEDDING_DIM:] = olds * v
    return matrix


def _vector_ok(values: Sequence[float] | None) -> bool:
    return values is not None and len(values) == EMBEDDING_DIM


def _scalar_features(old: Statement, new: Statement) -> list[float]:
    fo, fn = statement_flags(old.text), statement_flags(new.text)
    wo, wn = _content_words(old.text), _content_words(new.text)
    no, nn = fo.get("numbers") or [], fn.get("numbers") or []
    rel = abs(no[0] - nn[0]) / max(abs(no[0]), abs(nn[0]), 1e-9) if no and nn else 0.0
    hours = max(new.timestamp - old.timestamp, 0.0) / 3600.0
    question = old.text.rstrip().endswith("?") or new.text.rstrip().endswith("?")
    masked = mask_pair(old.text, new.text)
    old_template, new_template = set(masked.old_template.split()), set(masked.new_template.split())
    union = old_template | new_template
    scalars = [
        _cosine(old.embedding, new.embedding),
        float(bool(fo.get("negated")) != bool(fn.get("negated"))),
        float(_antonym_mismatch(wo, wn)),
        float(min(rel, 1.0)), float(bool(no and nn)),
        len(wo & wn) / len(wo | wn) if (wo | wn) else 0.0,
        math.log1p(hours),
        float(bool(fo.get("hypothetical") or fn.get("hypothetical"))),
        float(bool(fo.get("third_party") or fn.get("third_party"))),
        float(bool(fo.get("hedged") or fn.get("hedged"))),
        float(question),
        len(old_template & new_template) / len(union) if union else 0.0,
        float(masked.old_template == masked.new_template),
        float(min(len(masked.old_values), VALUE_COUNT_CAP)), float(min(len(masked.new_values), VALUE_COUNT_CAP)),
        float(bool(masked.old_values) and bool(masked.new_values)),
        float(_rules_silent_on(new)),
    ]
    return scalars


def feature_matrix(pairs: Sequence[tuple[Statement, Statement]]) -> np.ndarray:
    """Stack :func:`pair_features` of (old, new) pairs: shape ``(len(pairs), len(FEATURE_NAMES))``."""
    if not pairs:
        return np.zeros((0, len(FEATURE_NAMES)))
    return np.asarray([pair_features(old, new) for old, new in pairs], dtype=np.float64)


__doc__ += "\n".join(f"\n* ``{name}``" for name in SCALAR_FEATURES) + (
    "\n\n* ``abs_diff_i`` / ``product_i`` for i < 384: |u - v| and u * v of the two embeddings")
