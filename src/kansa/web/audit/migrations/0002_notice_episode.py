"""Overdue notices once per finding, recipient and overdue episode (the due date that was missed)."""

from typing import Any

from django.db import migrations, models


def _legacy_episodes(apps: Any, schema_editor: Any) -> None:
    """Notices sent before episodes existed keep a unique episode of their own (they may repeat one another)."""
    notice = apps.get_model("audit_web", "AuditNotice")
    for row in notice.objects.all():
        notice.objects.filter(pk=row.pk).update(episode=f"legacy-{row.pk}")


class Migration(migrations.Migration):

    dependencies = [
        ('audit_web', '0001_audit_book'),
        ('kansa_org', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditnotice',
            name='episode',
            field=models.CharField(default='', max_length=220),
        ),
        migrations.AddField(
            model_name='auditnotice',
            name='mailed_to',
            field=models.JSONField(default=list),
        ),
        migrations.RunPython(_legacy_episodes, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='auditnotice',
            constraint=models.UniqueConstraint(fields=('institution', 'finding_key', 'to', 'episode'), name='audit_notice_once_per_episode'),
        ),
    ]
