"""Audit trail for bulk writes, which send no signals (django-simple-history misses them).

Every bulk_create / bulk_update of a tracked model goes through these two helpers, so that
an import or a roster checklist leaves the same who/when/what trail as a form save.
"""

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from sessions_app.models.locking import VersionedModel


def _user(by):
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def bulk_create_audited(objs, *, by=None, reason: str = "", batch_size: int = 500):
    """bulk_create that also writes one history row per new record, in the same transaction."""
    if not objs:
        return []
    return bulk_create_with_history(
        objs,
        type(objs[0]),
        batch_size=batch_size,
        default_user=_user(by),
        default_change_reason=reason or None,
        default_date=timezone.now(),
    )


def bulk_update_audited(objs, fields, *, by=None, reason: str = "", batch_size: int = 500):
    """bulk_update that also writes one history row per changed record.

    Versioned records move their version on, as save() would: an admin form opened
    before an import is then refused after it (services.edit_lock_check).
    """
    if not objs:
        return 0
    if isinstance(objs[0], VersionedModel):
        for obj in objs:
            obj.version += 1
        fields = [*fields, "version"] if "version" not in fields else fields
    return bulk_update_with_history(
        objs,
        type(objs[0]),
        fields,
        batch_size=batch_size,
        default_user=_user(by),
        default_change_reason=reason or None,
        default_date=timezone.now(),
    )


def attribute(instance, *, by=None, reason: str = ""):
    """Name who makes the next save() of this instance, and why, in the history row it writes.

    Without it the history takes the user of the current request, and an import run by the
    task worker has none.
    """
    if _user(by) is not None:
        instance._history_user = by
    if reason:
        instance._change_reason = reason
    return instance


def record_state(instance, *, by=None, reason: str = ""):
    """A history row for a change written without save() (treebeard moves a unit in SQL)."""
    type(instance).history.bulk_history_create(
        [instance],
        update=True,
        default_user=_user(by),
        default_change_reason=reason or None,
        default_date=timezone.now(),
    )
