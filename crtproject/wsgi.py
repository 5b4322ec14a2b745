"""WSGI entry point (gunicorn ``crtproject.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crtproject.settings")

application = get_wsgi_application()
