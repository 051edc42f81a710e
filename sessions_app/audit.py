"""Audit trail for bulk writes, which send no signals (django-simple-history misses them).

Every bulk_create / bulk_update of a tracked model goes through these two helpers, so that
an import or a roster checklist leaves the same who/when/what trail as a form save.
"""

from django.db import connection
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


def copy_create_audited(objs, *, by=None, reason: str = ""):
    """bulk_create_audited for PostgreSQL, in three statements whatever the number of rows.

    The ids are taken from the table's sequence first, the rows go in with one COPY (the
    table's constraints and triggers check them as an INSERT would), and the history rows
    are written by one INSERT ... SELECT from the rows just stored, with the same user,
    reason, time and type ("+") as bulk_create_audited writes. Models whose history has
    fields this does not know fall back to bulk_create_audited.
    """
    if not objs:
        return []
    model = type(objs[0])
    history = model.history.model
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = {f.column for f in fields}
    known = {"history_id", "history_date", "history_change_reason", "history_type"}
    history_fields = history._meta.concrete_fields
    if any(f.column not in columns | known | {"id", "history_user_id"} for f in history_fields):
        return bulk_create_audited(objs, by=by, reason=reason)
    table = connection.ops.quote_name(model._meta.db_table)
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk, len(objs)],
        )
        for obj, (new_id,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = new_id
        names = ", ".join(connection.ops.quote_name(c) for c in [pk, *(f.column for f in fields)])
        # psycopg's own cursor: its errors are turned into Django's, as execute() does.
        statement = f"COPY {table} ({names}) FROM STDIN"
        with connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
            for obj in objs:
                copy.write_row(
                    [obj.pk]
                    + [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
                )
        values = {
            "history_date": "%(date)s",
            "history_change_reason": "%(reason)s",
            "history_type": "'+'",
            "history_user_id": "%(user)s",
        }
        targets = [f.column for f in history_fields if f.column != "history_id"]
        sources = [values.get(c, connection.ops.quote_name(c)) for c in targets]
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(history._meta.db_table)} "
            f"({', '.join(connection.ops.quote_name(c) for c in targets)}) "
            f"SELECT {', '.join(sources)} FROM {table} WHERE {connection.ops.quote_name(pk)} = ANY(%(ids)s)",
            {
                "date": timezone.now(),
                "reason": reason or None,
                "user": getattr(_user(by), "pk", None),
                "ids": [obj.pk for obj in objs],
            },
        )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


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
