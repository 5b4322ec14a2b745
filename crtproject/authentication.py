"""The documented local single-user mode for v0.9 clients that never sent credentials."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework.authentication import BaseAuthentication

logger = logging.getLogger(__name__)


class SingleUserAuthentication(BaseAuthentication):
    """Map unauthenticated requests to the user named by ``CRT_SINGLE_USER`` (off when empty).

    For local single-user setups whose v0.9 clients never sent credentials. The user is created
    on first use. Requests carrying credentials are authenticated by the other classes first.
    """

    def authenticate(self, request):
        username = getattr(settings, "CRT_SINGLE_USER", "")
        if not username:
            return None
        user, created = get_user_model().objects.get_or_create(username=username)
        if created:
            logger.info("single-user mode: created user %s", username)
        return (user, None)
