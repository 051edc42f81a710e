"""The subtree rule of each model, as queryset methods; sessions_app.access combines it
with the user's permissions (restrict, get_for_user_or_404), and everything asks there."""

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
    """A model's subtree rule: which rows belong to a unit and the units beneath it
    (scope_filter), and which of them that unit may change (edit_filter). Only
    sessions_app.access applies them to a user, with the user's permissions."""

    def scope_filter(self, path: str) -> Q:
        raise NotImplementedError

    def under(self, path: str):
        """Rows in the subtree whose root has this tree path."""
        return self.filter(self.scope_filter(path))

    def edit_filter(self, path: str) -> Q:
        """Which of the visible rows the user may change: by default all of them.

        A model whose rows are also shown to units that merely take part (a district's
        session to the cells that attend it) narrows this to the owning unit's subtree.
        """
        return self.scope_filter(path)


def path_q(lookup: str, path: str) -> Q:
    """Q for a materialised-path prefix: the unit itself and every unit beneath it."""
    return Q(**{f"{lookup}__startswith": path})


def unit_in_scope(user, unit) -> bool:
    """Kept for callers not yet switched: see sessions_app.access.unit_in_scope."""
    from sessions_app.access import unit_in_scope as rule  # the access module imports this one

    return rule(user, unit)


def get_object_visible_or_404(model, user, pk):
    """Kept for callers not yet switched: access.get_for_user_or_404(model, user, pk, "view")."""
    from sessions_app.access import get_for_user_or_404

    return get_for_user_or_404(model, user, pk, "view")
