"""The "Compliance" group: read the ledger, its events, memories and detection logs in the admin,
and list/export ledger entries of all users (``ledger.export_all``)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Compliance"
PERMISSIONS = [
    ("ledger", "contradictionentry", "view_contradictionentry"),
    ("ledger", "contradictionentry", "export_all"),
    ("ledger", "resolutionevent", "view_resolutionevent"),
    ("memory", "memory", "view_memory"),
    ("detection", "detectionjob", "view_detectionjob"),
    ("detection", "detectionlog", "view_detectionlog"),
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); create them now.
    for label in ("ledger", "memory", "detection"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    for app_label, model, codename in PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label,
                                                     content_type__model=model, codename=codename))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0005_append_only_triggers"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("memory", "0002_memory_fact"),
        ("detection", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
