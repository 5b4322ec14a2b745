"""Settings for the test suite: the real settings, with an isolated Celery queue.

Tests run on the same embedded PostgreSQL and Redis as the stack (Django creates ``test_crt``);
the queue name keeps test jobs away from a worker of a running demo stack, and vice versa.
"""

from crtproject.settings import *  # noqa: F403

CELERY_TASK_DEFAULT_QUEUE = "crt-test"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {  # no collectstatic needed for tests
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
