import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from sessions_app.choices import InspectionActivity, InspectionKind
from sessions_app.models.locking import VersionedModel
from sessions_app.models.scoping import ScopedQuerySet, path_q


class InspectionQuerySet(ScopedQuerySet):
    def scope_filter(self, path):
        return path_q("inspected_unit__path", path) | path_q("inspecting_unit__path", path)

    def edit_filter(self, path):
        # The inspected unit reads its inspection; the conclusion belongs to the committee
        # that inspected. (The inspected unit closes remediation items on their own page.)
        return path_q("inspecting_unit__path", path)


class Inspection(VersionedModel):
    """An inspection or supervision of how a unit studied and carried out documents."""

    inspecting_unit = models.ForeignKey(
        "sessions_app.Organisation",
        verbose_name="cấp ủy kiểm tra",
        on_delete=models.PROTECT,
        related_name="inspections_made",
    )
    inspected_unit = models.ForeignKey(
        "sessions_app.Organisation",
        verbose_name="đơn vị được kiểm tra",
        on_delete=models.PROTECT,
        related_name="inspections_received",
    )
    activity = models.CharField(
        "hoạt động",
        max_length=20,
        choices=InspectionActivity.choices,
        default=InspectionActivity.INSPECTION,
    )
    kind = models.CharField(
        "loại", max_length=20, choices=InspectionKind.choices, default=InspectionKind.THEMATIC
    )
    documents = models.ManyToManyField(
        "sessions_app.Document", verbose_name="văn bản", blank=True, related_name="inspections"
    )
    started_on = models.DateField("ngày bắt đầu")
    date_is_estimated = models.BooleanField(
        "ngày ước định",
        default=False,
        help_text="Nguồn không nêu ngày cụ thể; ngày ghi ở đây là ước định.",
    )
    ended_on = models.DateField("ngày kết thúc", null=True, blank=True)
    team = models.TextField(
        "đoàn kiểm tra", blank=True, help_text="Thành viên đoàn, mỗi người một dòng."
    )
    leadership_documents_issued = models.BooleanField("đã ban hành văn bản lãnh đạo", default=False)
    action_programme_built = models.BooleanField(
        "đã xây dựng chương trình hành động", default=False
    )
    models_and_solutions = models.BooleanField("có mô hình, giải pháp", default=False)
    targets_met = models.BooleanField("đạt chỉ tiêu", default=False)
    on_time = models.BooleanField("đúng tiến độ", default=False)
    conclusion = models.TextField("kết luận kiểm tra", blank=True)
    lessons = models.TextField("rút kinh nghiệm", blank=True)
    source = models.ForeignKey(
        "sessions_app.SourceArticle",
        verbose_name="bài viết nguồn",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    objects = InspectionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[documents])

    class Meta:
        verbose_name = "kiểm tra, giám sát"
        verbose_name_plural = "kiểm tra, giám sát"
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="inspection_dates_in_order",
                violation_error_message="Ngày kết thúc không được trước ngày bắt đầu.",
            ),
            models.CheckConstraint(
                condition=~Q(inspecting_unit=F("inspected_unit")),
                name="inspection_not_of_itself",
                violation_error_message="Cấp ủy không tự kiểm tra chính mình; chọn đơn vị được kiểm tra khác.",
            ),
        ]

    def __str__(self):
        return f"{self.get_activity_display()} {self.inspected_unit} ({self.started_on:%d/%m/%Y})"


class RemediationItemQuerySet(ScopedQuerySet):
    def scope_filter(self, path):
        return path_q("inspection__inspected_unit__path", path) | path_q(
            "inspection__inspecting_unit__path", path
        )

    def edit_filter(self, path):
        # What to remedy and by when is the inspecting committee's; the inspected unit
        # only reports it done (RemediationItemAdmin's close page, remediation_resolve).
        return path_q("inspection__inspecting_unit__path", path)


class RemediationItem(models.Model):
    """A remediation an inspection requires (yêu cầu khắc phục), with its due date."""

    inspection = models.ForeignKey(
        Inspection,
        verbose_name="cuộc kiểm tra",
        on_delete=models.CASCADE,
        related_name="remediations",
    )
    description = models.TextField("nội dung yêu cầu khắc phục")
    due_on = models.DateField("hạn khắc phục")
    resolved_on = models.DateField("ngày khắc phục xong", null=True, blank=True)
    resolution = models.TextField("kết quả khắc phục", blank=True)

    objects = RemediationItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "yêu cầu khắc phục"
        verbose_name_plural = "yêu cầu khắc phục"
        ordering = ["due_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | ~Q(resolution=""),
                name="remediation_resolved_has_result",
                violation_error_message="Đã khắc phục xong thì phải ghi kết quả khắc phục.",
            ),
        ]

    def __str__(self):
        return self.description[:80]

    def clean(self):
        inspection = self.inspection if self.inspection_id else None
        if self.resolved_on and inspection and self.resolved_on < inspection.started_on:
            raise ValidationError(
                {"resolved_on": "Ngày khắc phục xong không được trước ngày kiểm tra."}
            )

    def is_overdue(self, today: datetime.date) -> bool:
        """Open past its due date: the report flags it."""
        return self.resolved_on is None and self.due_on < today


class ReportedFactQuerySet(ScopedQuerySet):
    def scope_filter(self, path):
        return path_q("unit__path", path)


class ReportedFact(models.Model):
    """A figure a unit reported (as counts, not rosters), tied to the article that says so."""

    unit = models.ForeignKey(
        "sessions_app.Organisation",
        verbose_name="đơn vị",
        on_delete=models.CASCADE,
        related_name="reported_facts",
    )
    label = models.CharField("nội dung", max_length=300)
    value = models.DecimalField("giá trị", max_digits=14, decimal_places=2)
    measure = models.CharField("đơn vị tính", max_length=50, blank=True)
    period_start = models.DateField("từ ngày", null=True, blank=True)
    period_end = models.DateField("đến ngày", null=True, blank=True)
    source = models.ForeignKey(
        "sessions_app.SourceArticle",
        verbose_name="bài viết nguồn",
        on_delete=models.PROTECT,
        related_name="facts",
    )

    objects = ReportedFactQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "số liệu báo cáo"
        verbose_name_plural = "số liệu báo cáo"
        ordering = ["unit", "label"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="fact_period_in_order",
                violation_error_message="Cuối kỳ không được trước đầu kỳ.",
            ),
            models.UniqueConstraint(
                fields=["unit", "label", "source"],
                name="fact_unique_per_unit_label_source",
                violation_error_message="Số liệu này đã được ghi cho đơn vị từ cùng bài viết.",
            ),
        ]

    def __str__(self):
        return f"{self.unit}: {self.label}"
