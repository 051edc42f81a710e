from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from sessions_app.choices import ReportStatus
from sessions_app.models.locking import VersionedModel
from sessions_app.models.scoping import ScopedQuerySet, path_q


class WrittenReportQuerySet(ScopedQuerySet):
    def scope_filter(self, path):
        # A report written for a session belongs, like its attendance, to the session's
        # organiser and to the member's unit on the session's day; a report tied to no
        # session follows the member.
        from sessions_app.models.study import placed_on_session_day_q

        for_session = path_q("session__organiser__path", path) | placed_on_session_day_q(path)
        return Q(session__isnull=False) & for_session | Q(session__isnull=True) & path_q(
            "member__unit__path", path
        )


class WrittenReport(VersionedModel):
    """A member's written report after studying a document (bài thu hoạch)."""

    member = models.ForeignKey(
        "sessions_app.Member",
        verbose_name="đảng viên",
        on_delete=models.PROTECT,
        related_name="written_reports",
    )
    document = models.ForeignKey(
        "sessions_app.Document",
        verbose_name="văn bản",
        on_delete=models.PROTECT,
        related_name="written_reports",
    )
    session = models.ForeignKey(
        "sessions_app.StudySession",
        verbose_name="hội nghị",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="written_reports",
    )
    status = models.CharField(
        "tình trạng",
        max_length=20,
        choices=ReportStatus.choices,
        default=ReportStatus.NOT_SUBMITTED,
    )
    submitted_on = models.DateField("ngày nộp", null=True, blank=True)
    text = models.TextField("nội dung", blank=True)
    file = models.FileField("tệp bài thu hoạch", upload_to="bai-thu-hoach/%Y/", blank=True)
    relates_to_practice = models.BooleanField("có liên hệ thực tế", default=False)
    action_plan = models.TextField("kế hoạch hành động", blank=True)
    grade = models.DecimalField("điểm", max_digits=4, decimal_places=2, null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người chấm",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_on = models.DateField("ngày chấm", null=True, blank=True)
    reviewer_comment = models.TextField("nhận xét của người chấm", blank=True)
    revision_count = models.PositiveSmallIntegerField("số lần viết lại", default=0)

    objects = WrittenReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "bài thu hoạch"
        verbose_name_plural = "bài thu hoạch"
        ordering = ["-submitted_on", "member__full_name"]
        indexes = [
            # The admin list's order, newest first (read backwards).
            models.Index(fields=["submitted_on", "id"], name="report_submitted_id"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "document"],
                name="report_one_per_member_per_document",
                violation_error_message="Đảng viên này đã có bài thu hoạch cho văn bản này.",
            ),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__gte=0, grade__lte=10),
                name="report_grade_0_to_10",
                violation_error_message="Điểm phải trong khoảng 0–10.",
            ),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.NOT_SUBMITTED) | Q(submitted_on__isnull=False),
                name="report_submitted_has_date",
                violation_error_message="Bài đã nộp phải có ngày nộp.",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_on__isnull=True)
                | Q(submitted_on__isnull=False, reviewed_on__gte=models.F("submitted_on")),
                name="report_reviewed_after_submitted",
                violation_error_message="Ngày chấm không được trước ngày nộp.",
            ),
        ]

    def __str__(self):
        return f"{self.member} – {self.document.symbol}"

    LEADER_PLAN_MESSAGE = (
        "Bài của cán bộ lãnh đạo, quản lý phải có kế hoạch hành động mới được đánh giá Đạt."
    )

    def lacks_required_action_plan(self) -> bool:
        """A leader's report passes only with a personal action plan (the source articles' rule)."""
        return (
            self.status == ReportStatus.PASSED
            and self.member.must_add_action_plan
            and not self.action_plan.strip()
        )

    def clean(self):
        if self.member_id and self.lacks_required_action_plan():
            raise ValidationError({"action_plan": self.LEADER_PLAN_MESSAGE})

    @property
    def is_sent_back(self) -> bool:
        """Substandard or copied reports go back to the member for revision."""
        return self.status == ReportStatus.REVISION_REQUESTED


class ActionProgrammeQuerySet(ScopedQuerySet):
    def scope_filter(self, path):
        return path_q("unit__path", path)


class ActionProgramme(models.Model):
    """A unit's action programme or plan issued after studying a document."""

    unit = models.ForeignKey(
        "sessions_app.Organisation",
        verbose_name="đơn vị",
        on_delete=models.PROTECT,
        related_name="action_programmes",
    )
    document = models.ForeignKey(
        "sessions_app.Document",
        verbose_name="văn bản",
        on_delete=models.PROTECT,
        related_name="action_programmes",
    )
    symbol = models.CharField("số ký hiệu", max_length=40, blank=True)
    issued_on = models.DateField("ngày ban hành")
    title = models.CharField("trích yếu", max_length=500, blank=True)
    source = models.ForeignKey(
        "sessions_app.SourceArticle",
        verbose_name="bài viết nguồn",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    objects = ActionProgrammeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "chương trình hành động"
        verbose_name_plural = "chương trình hành động"
        ordering = ["-issued_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "document"],
                name="programme_one_per_unit_per_document",
                violation_error_message="Đơn vị đã có chương trình hành động cho văn bản này.",
            ),
        ]

    def __str__(self):
        return f"{self.unit} – {self.symbol or self.document.symbol}"
