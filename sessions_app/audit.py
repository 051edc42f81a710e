"""Audit trail for bulk writes, which send no signals (django-simple-history misses them).

Every bulk_create / bulk_update of a tracked model goes through these two helpers, so that
an import or a roster checklist leaves the same who/when/what trail as a form save.
"""

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history


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
    """bulk_update that also writes one history row per changed record."""
    if not objs:
        return 0
    return bulk_update_with_history(
        objs,
        type(objs[0]),
        fields,
        batch_size=batch_size,
        default_user=_user(by),
        default_change_reason=reason or None,
        default_date=timezone.now(),
    )
