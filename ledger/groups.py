"""The "Compliance" group (read the ledger in the admin, list and export every user's entries)."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

COMPLIANCE_GROUP = "Compliance"
#: (app label, model, codename) of the group's permissions; migration 0006 grants the same set.
COMPLIANCE_PERMISSIONS = (
    ("ledger", "contradictionentry", "view_contradictionentry"),
    ("ledger", "contradictionentry", "export_all"),
    ("ledger", "resolutionevent", "view_resolutionevent"),
    ("memory", "memory", "view_memory"),
    ("detection", "detectionjob", "view_detectionjob"),
    ("detection", "detectionlog", "view_detectionlog"),
)


def ensure_compliance_group(sender=None, using="default", **kwargs) -> None:
    """Create the group and grant its permissions if missing (idempotent; a post_migrate receiver).

    Runs after auth has created the permissions (post_migrate of every app). Permissions that do
    not exist yet (an app not migrated) are skipped and logged.
    """
    from django.contrib.auth.models import Group, Permission

    group, created = Group.objects.using(using).get_or_create(name=COMPLIANCE_GROUP)
    wanted = []
    for app_label, model, codename in COMPLIANCE_PERMISSIONS:
        permission = Permission.objects.using(using).filter(
            content_type__app_label=app_label, content_type__model=model, codename=codename).first()
        if permission is None:
            logger.debug("permission %s.%s missing; not granted to %s yet", app_label, codename, COMPLIANCE_GROUP)
            continue
        wanted.append(permission)
    group.permissions.add(*wanted)
    if created:
        logger.info("created the %s group", COMPLIANCE_GROUP)
