"""The schema on the real PostgreSQL + pgvector: extension, HNSW index, constraints, kNN."""

import numpy as np
import pytest
from django.db import IntegrityError, connection, transaction

from memory.models import Memory
from memory.selectors import nearest_in_thread

pytestmark = pytest.mark.django_db


def unit(vector):
    vector = np.asarray(vector, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_vector_extension_is_installed_by_migrations():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        assert cursor.fetchone() is not None


def test_memory_embedding_has_an_hnsw_cosine_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'memory_embedding_hnsw'")
        (definition,) = cursor.fetchone()
    assert "USING hnsw" in definition
    assert "vector_cosine_ops" in definition


def test_embedding_column_is_vector_384():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = 'memory_memory'::regclass AND attname = 'embedding'"
        )
        assert cursor.fetchone()[0] == "vector(384)"


@pytest.mark.parametrize("field", ["trust", "confidence"])
@pytest.mark.parametrize("value", [-0.01, 1.01])
def test_trust_and_confidence_outside_0_1_are_refused_by_the_database(user, field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        Memory.objects.create(owner=user, thread_id="t", text="x", **{field: value})


def test_memory_ids_look_like_v09_ids(user):
    memory = Memory.objects.create(owner=user, thread_id="t", text="hello")
    assert memory.memory_id.startswith("mem_") and len(memory.memory_id) == 36


def test_nearest_in_thread_is_exact_and_stays_inside_the_owners_thread(user, other_user):
    rng = np.random.default_rng(7)
    # Many rows elsewhere, few in the thread: the trap where an HNSW scan + filter returns nothing.
    Memory.objects.bulk_create(
        [Memory(owner=other_user, thread_id="t", text=f"noise {i}", timestamp=i, embedding=unit(rng.normal(size=384)))
         for i in range(300)]
        + [Memory(owner=user, thread_id="other", text=f"other {i}", timestamp=i, embedding=unit(rng.normal(size=384)))
           for i in range(100)]
    )
    target = unit(rng.normal(size=384))
    close = Memory.objects.create(owner=user, thread_id="t", text="close", timestamp=1.0,
                                  embedding=unit(target + 0.05 * rng.normal(size=384)))
    far = Memory.objects.create(owner=user, thread_id="t", text="far", timestamp=2.0,
                                embedding=unit(rng.normal(size=384)))
    new = Memory.objects.create(owner=user, thread_id="t", text="new", timestamp=3.0, embedding=target)
    later = Memory.objects.create(owner=user, thread_id="t", text="later", timestamp=4.0, embedding=target)

    ids = nearest_in_thread(memory=new, vector=new.embedding, k=10)

    assert ids == [close.memory_id, far.memory_id]
    assert later.memory_id not in ids
