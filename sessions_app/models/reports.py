from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from sessions_app.choices import (
    CopyFlagStatus,
    CopySource,
    ReportFileKind,
    ReportRating,
    ReportStatus,
)
from sessions_app.models.locking import VersionedModel
from sessions_app.models.scoping import ScopedQuerySet, path_q
from sessions_app.private_files import private_storage


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
    # The current version's file, in private storage (served only by the checked view).
    file = models.FileField(
        "tệp bài thu hoạch",
        upload_to="bai-thu-hoach/%Y/",
        storage=private_storage,
        blank=True,
        editable=False,
    )
    file_name = models.CharField("tên tệp gốc", max_length=255, blank=True, editable=False)
    file_kind = models.CharField(
        "loại tệp", max_length=10, choices=ReportFileKind.choices, blank=True, editable=False
    )
    relates_to_practice = models.BooleanField("có liên hệ thực tế", default=False)
    action_plan = models.TextField("kế hoạch hành động", blank=True)
    rating = models.CharField("xếp loại", max_length=10, choices=ReportRating.choices, blank=True)
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
            models.CheckConstraint(
                condition=Q(rating="")
                | Q(status=ReportStatus.PASSED, rating__in=ReportRating.passing_values())
                | Q(status=ReportStatus.FAILED, rating=ReportRating.FAIL),
                name="report_rating_matches_status",
                violation_error_message=(
                    "Xếp loại không khớp tình trạng: Tốt, Khá, Đạt là bài đạt; "
                    "Không đạt là bài không đạt."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.member} – {self.document.symbol}"

    LEADER_PLAN_MESSAGE = (
        "Bài của cán bộ lãnh đạo, quản lý phải có kế hoạch hành động mới được đánh giá Đạt."
    )

    @staticmethod
    def plan_missing(*, member, status: str, action_plan: str) -> bool:
        """A leader's report passes only with a personal action plan (the source articles' rule)."""
        return (
            status == ReportStatus.PASSED
            and member.must_add_action_plan
            and not (action_plan or "").strip()
        )

    def lacks_required_action_plan(self) -> bool:
        """This report, as it stands, breaks the leader rule."""
        return self.plan_missing(
            member=self.member, status=self.status, action_plan=self.action_plan
        )

    def download_name(self, *, version: int | None = None) -> str:
        """The file name users get: member, document and version, extension of the real kind."""
        from sessions_app.report_files import download_name

        return download_name(
            member=self.member.full_name,
            symbol=self.document.symbol,
            version=version,
            kind=self.file_kind,
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


class WrittenReportVersion(models.Model):
    """One handing-in of a written report and the review it got: every version is kept."""

    report = models.ForeignKey(
        WrittenReport,
        verbose_name="bài thu hoạch",
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveSmallIntegerField("lần nộp")
    submitted_on = models.DateField("ngày nộp")
    text = models.TextField("nội dung", blank=True)
    file = models.FileField(
        "tệp", upload_to="bai-thu-hoach/%Y/", storage=private_storage, blank=True
    )
    file_name = models.CharField("tên tệp gốc", max_length=255, blank=True)
    file_kind = models.CharField(
        "loại tệp", max_length=10, choices=ReportFileKind.choices, blank=True
    )
    action_plan = models.TextField("kế hoạch hành động", blank=True)
    relates_to_practice = models.BooleanField("có liên hệ thực tế", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người ghi nhận",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField("ghi nhận lúc", auto_now_add=True)
    outcome = models.CharField(
        "kết quả", max_length=20, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    rating = models.CharField("xếp loại", max_length=10, choices=ReportRating.choices, blank=True)
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
    reviewer_comment = models.TextField("nhận xét / lý do trả lại", blank=True)

    class Meta:
        verbose_name = "phiên bản bài thu hoạch"
        verbose_name_plural = "phiên bản bài thu hoạch"
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"],
                name="report_version_unique_number",
                violation_error_message="Bài thu hoạch đã có lần nộp mang số này.",
            ),
        ]

    def __str__(self):
        return f"{self.report} – lần {self.number}"


class DocumentOutline(models.Model):
    """The text (or outline) of a studied document, so that a report pasting it is caught."""

    document = models.OneToOneField(
        "sessions_app.Document",
        verbose_name="văn bản",
        on_delete=models.CASCADE,
        related_name="outline",
    )
    text = models.TextField("nội dung văn bản / đề cương")
    file_name = models.CharField("tên tệp gốc", max_length=255, blank=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người cập nhật",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "nội dung văn bản để so sánh"
        verbose_name_plural = "nội dung văn bản để so sánh"

    def __str__(self):
        return f"Nội dung {self.document.symbol}"


class ReportSignature(models.Model):
    """A report's MinHash signature over its diacritic-free word shingles (the LSH entry)."""

    report = models.OneToOneField(
        WrittenReport, on_delete=models.CASCADE, primary_key=True, related_name="signature"
    )
    document = models.ForeignKey(
        "sessions_app.Document", on_delete=models.CASCADE, related_name="+"
    )
    minhash = models.BinaryField()
    shingle_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "chữ ký so sánh"
        verbose_name_plural = "chữ ký so sánh"

    def __str__(self):
        return f"Chữ ký {self.report_id}"


class ReportBand(models.Model):
    """One LSH band key of a report's signature; reports sharing a key are candidates.

    Kept per document (the index is only ever queried within one document), so a new
    report finds its candidates with one indexed query instead of reading every report.
    """

    document = models.ForeignKey(
        "sessions_app.Document", on_delete=models.CASCADE, related_name="+"
    )
    report = models.ForeignKey(WrittenReport, on_delete=models.CASCADE, related_name="+")
    key = models.BigIntegerField()

    class Meta:
        verbose_name = "khóa LSH"
        verbose_name_plural = "khóa LSH"
        indexes = [models.Index(fields=["document", "key"], name="report_band_doc_key")]

    def __str__(self):
        return f"{self.report_id}:{self.key}"


class CopyFlagQuerySet(ScopedQuerySet):
    def scope_filter(self, path):
        return path_q("report__member__unit__path", path)


class CopyFlag(models.Model):
    """A suspicion that a handed-in report copies another report or the document's text."""

    report = models.ForeignKey(
        WrittenReport,
        verbose_name="bài thu hoạch",
        on_delete=models.CASCADE,
        related_name="copy_flags",
    )
    version = models.ForeignKey(
        WrittenReportVersion,
        verbose_name="lần nộp",
        on_delete=models.CASCADE,
        related_name="copy_flags",
    )
    source = models.CharField("giống với", max_length=20, choices=CopySource.choices)
    matched_report = models.ForeignKey(
        WrittenReport,
        verbose_name="bài giống",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    score = models.FloatField("mức giống")
    jaccard = models.FloatField("Jaccard (bỏ dấu)")
    containment = models.FloatField("tỷ lệ bao hàm (bỏ dấu)")
    jaccard_accented = models.FloatField("Jaccard (có dấu)")
    status = models.CharField(
        "tình trạng", max_length=20, choices=CopyFlagStatus.choices, default=CopyFlagStatus.OPEN
    )
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người bỏ qua",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    dismissed_on = models.DateField("ngày bỏ qua", null=True, blank=True)
    dismissal_reason = models.TextField("lý do bỏ qua", blank=True)
    created_at = models.DateTimeField("phát hiện lúc", auto_now_add=True)

    objects = CopyFlagQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "bài nghi sao chép"
        verbose_name_plural = "bài nghi sao chép"
        ordering = ["-score"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=CopyFlagStatus.OPEN) | ~Q(dismissal_reason=""),
                name="copy_flag_dismissal_has_reason",
                violation_error_message="Bỏ qua cảnh báo sao chép phải ghi lý do.",
            ),
            models.CheckConstraint(
                condition=Q(source=CopySource.DOCUMENT_TEXT, matched_report__isnull=True)
                | Q(source=CopySource.OTHER_REPORT, matched_report__isnull=False),
                name="copy_flag_source_matches",
                violation_error_message="Cảnh báo giống bài khác phải chỉ ra bài giống.",
            ),
        ]

    def __str__(self):
        return f"{self.report} – giống {self.score:.0%}"

    @property
    def is_open(self) -> bool:
        """Open flags count in the compliance figure; dismissed ones carry their reason."""
        return self.status == CopyFlagStatus.OPEN
