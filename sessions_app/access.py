"""Who may do what to which record: the one access rule of the study log.

`restrict(queryset, user, action)` narrows any queryset to the rows the user may act on,
and `get_for_user_or_404(model, user, pk, action)` fetches one of them. Both combine

* the user's Django permissions, which come from the role groups of `roles.py` (the one
  place that says what a role may do), with
* the subtree rule of the record: where it sits in the unit tree under the user's unit
  (`scope_filter` for reading, `edit_filter` for writing, on each model's queryset).

Shared reference records (documents, compliance targets, source articles) have no place
in the tree: the permissions alone decide. Superusers pass everything.

Every admin page, history and revert page, import, export and report asks here.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404

from sessions_app.models.scoping import ScopedQuerySet, path_q, user_scope_path

__all__ = [
    "ACTIONS",
    "allowed",
    "client_ip",
    "get_for_user_or_404",
    "has_permissions",
    "restrict",
    "unit_in_scope",
    "user_scope_path",
]

ACTIONS = ("view", "add", "change", "delete", "revert", "export", "import")
# Which side of the subtree rule an action asks: reading rows or writing them.
READS = frozenset({"view", "export"})


def _check_action(action: str) -> None:
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}; expected one of {ACTIONS}.")


def _is_history_model(model) -> bool:
    """django-simple-history's historical models point back at their tracked model."""
    return hasattr(model, "instance_type") and hasattr(model, "history_id")


def _live_model(model):
    return model.instance_type if _is_history_model(model) else model


def _perm(opts, verb: str) -> str:
    return f"{opts.app_label}.{verb}_{opts.model_name}"


def required_permissions(model, action: str) -> tuple[tuple[str, ...], ...]:
    """The permissions an action needs, as alternatives of conjunctions.

    Returns a tuple of options; the user needs every permission of at least one option.
    Reading history needs the history model's view permission; a revert is an edit of
    the record and a change of its history, so it needs both change permissions.
    """
    _check_action(action)
    opts = model._meta
    if _is_history_model(model):
        live = model.instance_type._meta
        if action in READS:
            return ((_perm(opts, "view"),), (_perm(opts, "change"),))
        return ((_perm(live, "change"), _perm(opts, "change")),)
    if action in READS:
        # Django's own rule: whoever may change a record may also read it.
        return ((_perm(opts, "view"),), (_perm(opts, "change"),))
    if action == "import":
        return ((_perm(opts, "add"), _perm(opts, "change")),)
    if action == "revert":
        history = getattr(model, "history", None)
        if history is None:
            return ((_perm(opts, "change"),),)
        return ((_perm(opts, "change"), _perm(history.model._meta, "change")),)
    return ((_perm(opts, action),),)


def has_permissions(user, model, action: str) -> bool:
    """Whether the user's permissions (role groups) allow the action on the model at all."""
    if user is None or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(
        all(user.has_perm(p) for p in option) for option in required_permissions(model, action)
    )


def _subtree_q(model, path: str, action: str) -> Q | None:
    """The rows under the unit with this tree path the action may reach; None: no subtree.

    Scoped models declare their rule on their queryset; historical rows use the tracked
    model's rule (its filters name foreign keys and `id`, which history keeps). Logins
    belong to the unit of their staff profile, and superusers to nobody's subtree.
    """
    live = _live_model(model)
    if live is get_user_model():
        return path_q("staff_profile__unit__path", path) & Q(is_superuser=False)
    queryset = live._default_manager.all()
    if not isinstance(queryset, ScopedQuerySet):
        return None
    return queryset.scope_filter(path) if action in READS else queryset.edit_filter(path)


def restrict(queryset, user, action: str):
    """The rows of `queryset` the user may `action`: permission first, then the subtree."""
    _check_action(action)
    model = queryset.model
    path = user_scope_path(user)
    if path is None or not has_permissions(user, model, action):
        return queryset.none()
    if path == "":
        return queryset
    rule = _subtree_q(model, path, action)
    return queryset if rule is None else queryset.filter(rule)


def get_for_user_or_404(model, user, pk, action: str = "view"):
    """One record the user may `action`, or 404: out of reach is the same as absent."""
    not_found = Http404(f"Không tìm thấy {model._meta.verbose_name}.")
    try:
        pk = model._meta.pk.to_python(pk)
    except (ValidationError, ValueError, TypeError):
        raise not_found from None
    if pk is None or (isinstance(pk, str) and "\x00" in pk):
        raise not_found
    obj = restrict(model._default_manager.all(), user, action).filter(pk=pk).first()
    if obj is None:
        raise not_found
    return obj


def allowed(user, action: str, model, obj=None, *, cache: dict | None = None) -> bool:
    """The single-object question: may the user `action` this record (or the model at all)?

    With `obj`, the record as it is now in the database must pass the subtree rule; an
    unsaved record (an add) is checked by its permissions only here, and by `restrict`
    after it is saved (as it would become). `cache`, a dict kept on the request, spares
    repeated queries while one page asks the same question several times.
    """
    _check_action(action)
    path = user_scope_path(user)
    if path is None or not has_permissions(user, model, action):
        return False
    if obj is None or obj.pk is None or path == "":
        return True
    rule = _subtree_q(type(obj), path, action)
    if rule is None:
        return True
    key = (type(obj)._meta.label, obj.pk, "read" if action in READS else "write")
    if cache is not None and key in cache:
        return cache[key]
    answer = type(obj)._default_manager.filter(rule, pk=obj.pk).exists()
    if cache is not None:
        cache[key] = answer
    return answer


def request_cache(request) -> dict:
    """The per-request memo `allowed` uses (answers change only when a request writes)."""
    return request.__dict__.setdefault("_access_answers", {})


def unit_in_scope(user, unit) -> bool:
    """Whether a unit lies in the user's subtree (the unit itself included)."""
    path = user_scope_path(user)
    if path is None or unit is None:
        return False
    return unit.path.startswith(path)


def client_ip(request) -> str | None:
    """The client's address for login rate limits.

    Behind our TLS reverse proxy (BEHIND_TLS_PROXY) it is the last X-Forwarded-For entry,
    the one the proxy itself appended; earlier entries are whatever the client sent.
    """
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")
