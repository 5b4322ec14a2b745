"""Data migration: the learning track's periodic tasks in django-celery-beat (issue 7).

* ``learning: nightly retraining`` — ``learning.train_models`` at 03:15 UTC every day;
* ``learning: review open contradictions`` — ``learning.review_contradictions`` every 60 s.

They live in the database (``django_celery_beat.PeriodicTask``), so an operator can change the
schedule, disable them or run them now from the admin ("Periodic tasks"), and beat
(``--scheduler django_celery_beat.schedulers:DatabaseScheduler``, see the Procfile) picks the
change up without a restart. Re-running the migration never duplicates them (get_or_create by
name); reversing it deletes exactly these two tasks.
"""

from django.db import migrations

NIGHTLY = "learning: nightly retraining"
REVIEW = "learning: review open contradictions"


def create_tasks(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    nightly, _ = CrontabSchedule.objects.get_or_create(minute="15", hour="3", day_of_week="*", day_of_month="*",
                                                       month_of_year="*", timezone="UTC")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=60, period="seconds")
    PeriodicTask.objects.get_or_create(
        name=NIGHTLY,
        defaults={"task": "learning.train_models", "crontab": nightly, "enabled": True,
                  "description": "Retrain the five learned models on synthetic + real feedback; a version "
                                 "is activated only if it beats the active one (docs/LEARNING.md)."})
    PeriodicTask.objects.get_or_create(
        name=REVIEW,
        defaults={"task": "learning.review_contradictions", "interval": every_minute, "enabled": True,
                  "description": "Run the learned resolution policy on undecided open contradictions of "
                                 "learned-arm users (docs/LEARNING.md)."})
    # tell a running beat that the schedule changed (what PeriodicTasks.changed() does)
    from django.utils import timezone

    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def delete_tasks(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[NIGHTLY, REVIEW]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_tasks, delete_tasks)]
