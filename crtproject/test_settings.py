"""Settings for the test suite: the real settings, with a test database and queue of its own.

Tests run on the same embedded PostgreSQL and Redis as the stack. Each pytest run gets its own
test database (``test_crt_<pid>``) and Celery queue (``crt-test-<pid>``), so a running demo
stack and several concurrent test runs never consume each other's jobs or drop each other's
database. Worker processes started by the tests inherit the run's names through
``CRT_TEST_RUN_ID``.
"""

import os

from crtproject.settings import *  # noqa: F403

TEST_RUN_ID = os.environ.setdefault("CRT_TEST_RUN_ID", str(os.getpid()))
CELERY_TASK_DEFAULT_QUEUE = f"crt-test-{TEST_RUN_ID}"
DATABASES["default"]["TEST"] = {"NAME": f"test_crt_{TEST_RUN_ID}"}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {  # no collectstatic needed for tests
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
