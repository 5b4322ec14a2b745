from django.conf import settings
from django.db import migrations


def ensure_vector_extension(apps, schema_editor):
    """Create pgvector's ``vector`` extension, with a clear error if the server lacks it."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
        if cursor.fetchone() is None:
            raise RuntimeError(
                "The PostgreSQL server has no 'vector' extension (pgvector). CRT stores embeddings "
                "in VECTOR(384) columns: install pgvector >= 0.6 on the server "
                "(https://github.com/pgvector/pgvector#installation), or unset DATABASE_URL to use "
                "the embedded PostgreSQL that ships with it."
            )
        cursor.execute("CREATE EXTENSION IF NOT EXISTS vector")


class Migration(migrations.Migration):
    """Creates the vector extension; the tables follow in 0002 (generated)."""

    initial = True
    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]
    operations = [migrations.RunPython(ensure_vector_extension, migrations.RunPython.noop)]
