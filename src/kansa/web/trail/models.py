"""One trail event: who, when, what, before/after, chained by SHA-256 to the event before it."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a trail event."""


class Event(models.Model):
    """An append-only trail event; `hash` covers every field and the previous event's hash."""

    at = models.DateTimeField()
    actor = models.CharField(max_length=150)          # a name, not a key: deleting a user keeps their trail
    institution_code = models.CharField(max_length=32, blank=True, default="")
    action = models.CharField(max_length=40)           # create | change | delete | run ...
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        db_table = "kansa_trail_event"
        ordering = ["id"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: an existing event is never saved again."""
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("trail events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Refuse deletion."""
        raise AppendOnlyError("trail events cannot be deleted")
