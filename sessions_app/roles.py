"""What each staff role may do, as Django groups: the one source sessions_app.access asks.

One group per StaffRole, plus one a writing role gets at province level (a unit with no
parent): changing the shared documents, whose dates set every unit's deadlines.
"""

from django.contrib.auth.models import Group, Permission

from sessions_app.choices import StaffRole

# Records a unit keeps itself: data-entry staff add, change and delete them in their subtree.
UNIT_RECORDS = [
    "member",
    "memberplacement",
    "exemption",
    "studysession",
    "sessionsite",
    "attendance",
    "writtenreport",
    "copyflag",
    "actionprogramme",
    "inspection",
    "remediationitem",
    "reportedfact",
]
# Shared or structural records: read by everyone; documents may be added from below.
SHARED_RECORDS = ["organisation", "document", "sourcearticle", "documentoutline"]
ALL_ACTIONS = ("view", "add", "change", "delete")


def _codenames(models, actions):
    return {f"{action}_{model}" for model in models for action in actions}


def _history_codenames(actions):
    return _codenames([f"historical{m}" for m in [*UNIT_RECORDS, *SHARED_RECORDS]], actions)


DATA_ENTRY = (
    _codenames(UNIT_RECORDS, ALL_ACTIONS)
    | _codenames(SHARED_RECORDS, ["view"])
    | {"add_document", "add_documentoutline", "change_documentoutline"}
)
MANAGER = _codenames([*UNIT_RECORDS, *SHARED_RECORDS], ["view"]) | _history_codenames(["view"])
UNIT_ADMIN = (
    DATA_ENTRY
    | _history_codenames(["view", "change"])
    | _codenames(["staffprofile"], ALL_ACTIONS)
    | {"auth.view_user", "auth.add_user", "auth.change_user"}
)

# Shared documents are added from below and changed only at the top of the tree.
PROVINCE_SHARED = {"change_document"}
PROVINCE_GROUP = "Cấp tỉnh: sửa văn bản dùng chung"
# Roles that write; a province-level manager still only reads.
WRITING_ROLES = (StaffRole.DATA_ENTRY, StaffRole.UNIT_ADMIN)

ROLE_PERMISSIONS = {
    StaffRole.DATA_ENTRY: DATA_ENTRY,
    StaffRole.MANAGER: MANAGER,
    StaffRole.UNIT_ADMIN: UNIT_ADMIN,
}


def group_name(role: str) -> str:
    """Groups carry the role's Vietnamese label, which is what administrators read."""
    return str(StaffRole(role).label)


def _permissions(codenames: set[str]) -> list[Permission]:
    """Permissions by codename; bare codenames belong to sessions_app."""
    by_app: dict[str, set[str]] = {}
    for name in codenames:
        app_label, _, codename = name.rpartition(".")
        by_app.setdefault(app_label or "sessions_app", set()).add(codename)
    found = []
    for app_label, names in by_app.items():
        perms = list(
            Permission.objects.filter(content_type__app_label=app_label, codename__in=names)
        )
        missing = names - {p.codename for p in perms}
        if missing:
            raise LookupError(f"Missing permissions (run migrate first): {sorted(missing)}")
        found += perms
    return found


def role_group(role: str, *, refresh: bool = False) -> Group:
    """The group of a role, created with its permissions when missing (or refreshed)."""
    group, created = Group.objects.get_or_create(name=group_name(role))
    if created or refresh:
        group.permissions.set(_permissions(ROLE_PERMISSIONS[StaffRole(role)]))
    return group


def province_group(*, refresh: bool = False) -> Group:
    group, created = Group.objects.get_or_create(name=PROVINCE_GROUP)
    if created or refresh:
        group.permissions.set(_permissions(PROVINCE_SHARED))
    return group


def managed_group_names() -> list[str]:
    """Every group this module hands out (a profile save replaces them all)."""
    return [*(group_name(role) for role in StaffRole), PROVINCE_GROUP]


def groups_for(role: str, unit) -> list[Group]:
    """The groups a login with this role in this unit belongs to."""
    groups = [role_group(role)]
    if StaffRole(role) in WRITING_ROLES and unit is not None and unit.is_root():
        groups.append(province_group())
    return groups


def setup_role_groups() -> list[Group]:
    """Create or refresh the role groups so their permissions match this module.

    Logins placed before the province-level group existed join it here too.
    """
    groups = [*(role_group(role, refresh=True) for role in StaffRole)]
    province = province_group(refresh=True)
    from sessions_app.models import StaffProfile  # roles is imported by models' services

    at_province = StaffProfile.objects.filter(unit__depth=1, role__in=WRITING_ROLES)
    province.user_set.set([profile.user_id for profile in at_province])
    return [*groups, province]
