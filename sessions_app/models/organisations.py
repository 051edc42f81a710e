from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from sessions_app.choices import Sector, StaffRole, UnitKind
from sessions_app.models.scoping import ScopedQuerySet, path_q
from sessions_app.text import fold


class OrganisationQuerySet(ScopedQuerySet, MP_NodeQuerySet):
    def scope_filter(self, path):
        return path_q("path", path)

    def edit_filter(self, path):
        # A unit is changed from above: its own staff read it but neither rename, move
        # nor retype it (their role permitting changes at all).
        return path_q("path", path) & ~Q(path=path)


class OrganisationManager(MP_NodeManager):
    def get_queryset(self):
        return OrganisationQuerySet(self.model).order_by("path")

    def under(self, path):
        return self.get_queryset().under(path)


class Organisation(MP_Node):
    """A party organisation in the tree province → district/bloc → grassroots → cell.

    The materialised path (django-treebeard) makes "everything under this unit" one
    indexed prefix query.
    """

    code = models.CharField("mã đơn vị", max_length=30, unique=True)
    name = models.CharField("tên tổ chức đảng", max_length=255)
    kind = models.CharField("loại tổ chức", max_length=20, choices=UnitKind.choices)
    sector = models.CharField(
        "lĩnh vực", max_length=20, choices=Sector.choices, default=Sector.OTHER
    )
    reported_members = models.PositiveIntegerField("số đảng viên (báo cáo)", null=True, blank=True)
    reported_grassroots = models.PositiveIntegerField(
        "số tổ chức cơ sở đảng (báo cáo)", null=True, blank=True
    )
    reported_cells = models.PositiveIntegerField(
        "số chi bộ trực thuộc (báo cáo)", null=True, blank=True
    )
    is_active = models.BooleanField("đang hoạt động", default=True)
    search_text = models.CharField(max_length=400, editable=False, db_index=True, default="")
    source = models.ForeignKey(
        "sessions_app.SourceArticle",
        verbose_name="bài viết nguồn",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    objects = OrganisationManager()
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = "tổ chức đảng"
        verbose_name_plural = "tổ chức đảng"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=UnitKind.values),
                name="organisation_kind_valid",
                violation_error_message="Loại tổ chức không hợp lệ.",
            ),
        ]

    def __str__(self):
        return self.name

    def fill_search_text(self) -> None:
        """The diacritic-free search key; bulk writes call it since they skip save()."""
        self.search_text = fold(f"{self.code} {self.name}")

    def save(self, *args, **kwargs):
        self.fill_search_text()
        super().save(*args, **kwargs)

    def subtree(self):
        """This unit and every unit beneath it, in one indexed query."""
        return Organisation.objects.under(self.path)


class StaffProfileQuerySet(ScopedQuerySet):
    def scope_filter(self, path):
        return path_q("unit__path", path)


class StaffProfile(models.Model):
    """Links a login to the unit whose subtree it works in, and its role there."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản",
        on_delete=models.CASCADE,
        related_name="staff_profile",
    )
    unit = models.ForeignKey(Organisation, verbose_name="đơn vị", on_delete=models.PROTECT)
    role = models.CharField(
        "vai trò", max_length=20, choices=StaffRole.choices, default=StaffRole.DATA_ENTRY
    )

    objects = StaffProfileQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "hồ sơ cán bộ"
        verbose_name_plural = "hồ sơ cán bộ"

    def __str__(self):
        return f"{self.user} – {self.unit}"
