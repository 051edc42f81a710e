from django.db import models


class VersionedModel(models.Model):
    """Counts the saves of a record, so that a save based on a stale copy can be refused.

    The check lives in services.edit_lock_check; the admin sends the version it showed.
    QuerySet.update() and bulk_update() do not count: bulk writes of records go through
    audit.bulk_update_audited, which moves the version on; update() is for bookkeeping only.
    """

    version = models.PositiveIntegerField("phiên bản", default=0, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)
