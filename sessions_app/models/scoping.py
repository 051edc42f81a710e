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


def path_q(lookup: str, path: str) -> Q:
    """Q for a materialised-path prefix: the unit itself and every unit beneath it."""
    return Q(**{f"{lookup}__startswith": path})
