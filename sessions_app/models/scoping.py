"""Unit scoping: one queryset method that every admin, view, export and import goes through."""

from django.db import models
from django.db.models import Q


def user_scope_path(user) -> str | None:
    """The tree path a user may see under: '' for everything, None for nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return ""
    profile = getattr(user, "staff_profile", None)
    if profile is None or profile.unit_id is None:
        return None
    return profile.unit.path


class ScopedQuerySet(models.QuerySet):
    """Adds visible_to(user): the rows that belong to the user's unit and the units beneath it."""

    def scope_filter(self, path: str) -> Q:
        raise NotImplementedError

    def visible_to(self, user):
        path = user_scope_path(user)
        if path is None:
            return self.none()
        if path == "":
            return self
        return self.filter(self.scope_filter(path))

    def under(self, path: str):
        """Rows in the subtree whose root has this tree path."""
        return self.filter(self.scope_filter(path))

    def edit_filter(self, path: str) -> Q:
        """Which of the visible rows the user may change: by default all of them.

        A model whose rows are also shown to units that merely take part (a district's
        session to the cells that attend it) narrows this to the owning unit's subtree.
        """
        return self.scope_filter(path)

    def editable_by(self, user):
        """The rows a user may change, delete or bulk-act on (their role permitting)."""
        path = user_scope_path(user)
        if path is None:
            return self.none()
        if path == "":
            return self
        return self.filter(self.edit_filter(path))

    @classmethod
    def edits_narrower_than_views(cls) -> bool:
        return cls.edit_filter is not ScopedQuerySet.edit_filter


def path_q(lookup: str, path: str) -> Q:
    """Q for a materialised-path prefix: the unit itself and every unit beneath it."""
    return Q(**{f"{lookup}__startswith": path})


def scoped_queryset(model, user):
    """The rows of any model a user may see: scoped models by subtree, shared ones whole."""
    manager = model._default_manager
    if hasattr(manager.all(), "visible_to"):
        return manager.all().visible_to(user)
    if user_scope_path(user) is None:
        return manager.none()
    return manager.all()


def get_object_visible_or_404(model, user, pk):
    """One record by primary key, or 404 when it does not exist or lies outside the user's subtree."""
    from django.http import Http404  # keep models importable without the HTTP layer

    try:
        return scoped_queryset(model, user).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(f"Không tìm thấy {model._meta.verbose_name}.") from exc


def record_editable_by(user, obj) -> bool:
    """Whether a user may change (or delete) a record they can see: the single-object rule.

    The rule itself is the queryset's edit_filter; this asks it about one row, and only
    for models where changing is narrower than seeing (no query otherwise).
    """
    queryset = type(obj)._default_manager.all()
    if not isinstance(queryset, ScopedQuerySet) or not queryset.edits_narrower_than_views():
        return user_scope_path(user) is not None
    return queryset.editable_by(user).filter(pk=obj.pk).exists()


def unit_in_scope(user, unit) -> bool:
    """Whether a unit lies in the user's subtree (the unit itself included)."""
    path = user_scope_path(user)
    if path is None or unit is None:
        return False
    return unit.path.startswith(path)


def history_visible_to(model, user):
    """Historical rows of a tracked model that the user may read.

    A version is readable when the record, as it was then, lay in the user's subtree. The
    scope filters name only foreign keys and the record's own `id`, which historical
    models keep, so one filter serves the live table and its history.
    """
    history = model.history.all()
    path = user_scope_path(user)
    if path is None:
        return history.none()
    scoped = model._default_manager.all()
    if path == "" or not hasattr(scoped, "scope_filter"):
        return history
    return history.filter(scoped.scope_filter(path))


def record_visible_to(model, user, pk) -> bool:
    """Whether the user may see a record, live or deleted (then by its history)."""
    if model._default_manager.filter(pk=pk).exists():
        return scoped_queryset(model, user).filter(pk=pk).exists()
    return history_visible_to(model, user).filter(**{model._meta.pk.attname: pk}).exists()
