"""The Celery application shared by the web process, the workers, beat and flower.

Configuration comes from Django settings under the ``CELERY_`` namespace (see settings.py).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crtproject.settings")

app = Celery("crtproject")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
