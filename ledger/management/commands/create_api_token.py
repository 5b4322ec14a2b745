"""``manage.py create_api_token USERNAME``: issue (or rotate) the DRF API token of a user."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

logger = logging.getLogger(__name__)

#: Group created by ledger migration 0006 (ledger.export_all + read access in the admin).
from ledger.groups import COMPLIANCE_GROUP  # noqa: E402


class Command(BaseCommand):
    help = ("Print the API token of USERNAME (Authorization: Token <key>), creating it if needed. "
            "--create makes the user if missing, --rotate replaces an existing token, "
            "--compliance adds the user to the Compliance group (staff, cross-user ledger export).")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--create", action="store_true", help="create the user if it does not exist")
        parser.add_argument("--rotate", action="store_true", help="delete the existing token and issue a new one")
        parser.add_argument("--compliance", action="store_true",
                            help="make the user staff and a member of the Compliance group")

    def handle(self, *args, username: str, create: bool, rotate: bool, compliance: bool, **options):
        User = get_user_model()
        with transaction.atomic():
            try:
                user = User.objects.get(username=username)
            except User.DoesNotExist:
                if not create:
                    raise CommandError(f"no user {username!r} (use --create to make one)")
                user = User.objects.create_user(username=username)
                logger.info("created user %s (no password: set one with changepassword)", username)
            if compliance:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
                user.groups.add(Group.objects.get(name=COMPLIANCE_GROUP))
                logger.info("user %s is staff and in the %s group", username, COMPLIANCE_GROUP)
            if rotate:
                deleted, _ = Token.objects.filter(user=user).delete()
                if deleted:
                    logger.info("rotated the API token of %s (old token revoked)", username)
            token, created = Token.objects.get_or_create(user=user)
        if created:
            logger.info("issued an API token for %s", username)
        self.stdout.write(token.key)
