from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from simple_history.models import HistoricalRecords

from sessions_app.choices import AttendanceStatus, Audience, SessionFormat
from sessions_app.models.locking import VersionedModel
from sessions_app.models.scoping import ScopedQuerySet, path_q
from sessions_app.text import fold


class StudySessionQuerySet(ScopedQuerySet):
    def scope_filter(self, path):
        participating = StudySession.participating_units.through.objects.filter(
            studysession_id=OuterRef("id"), organisation__path__startswith=path
        )
        return path_q("organiser__path", path) | Q(Exists(participating))

    def edit_filter(self, path):
        # Cells taking part in a district's session see it and record their own members'
        # attendance; the session itself belongs to the organiser's subtree.
        return path_q("organiser__path", path)


# A session that reported its figures as counts (reported expected, attended or rate).
REPORTS_COUNTS = (
    Q(reported_expected__isnull=False)
    | Q(reported_attended__isnull=False)
    | Q(reported_rate__isnull=False)
)


class StudySession(VersionedModel):
    """A study conference (hội nghị học tập, quán triệt) on one or more documents."""

    title = models.CharField("tên hội nghị", max_length=300)
    documents = models.ManyToManyField(
        "sessions_app.Document", verbose_name="văn bản học tập", related_name="sessions"
    )
    organiser = models.ForeignKey(
        "sessions_app.Organisation",
        verbose_name="cấp ủy tổ chức",
        on_delete=models.PROTECT,
        related_name="organised_sessions",
    )
    participating_units = models.ManyToManyField(
        "sessions_app.Organisation",
        verbose_name="đơn vị tham gia",
        related_name="sessions",
        help_text="Nhiều đơn vị nhỏ học chung một lớp thì chọn tất cả các đơn vị đó.",
    )
    audience = models.CharField(
        "thành phần", max_length=30, choices=Audience.choices, default=Audience.ALL_MEMBERS
    )
    format = models.CharField(
        "hình thức", max_length=20, choices=SessionFormat.choices, default=SessionFormat.IN_PERSON
    )
    held_on = models.DateField("ngày tổ chức")
    date_is_estimated = models.BooleanField(
        "ngày ước định",
        default=False,
        help_text="Nguồn không nêu ngày cụ thể; ngày ghi ở đây là ước định.",
    )
    start_time = models.TimeField("giờ bắt đầu", null=True, blank=True)
    end_time = models.TimeField("giờ kết thúc", null=True, blank=True)
    location = models.CharField("địa điểm", max_length=300, blank=True)
    presenters = models.TextField("báo cáo viên", blank=True, help_text="Mỗi người một dòng.")
    makeup_of = models.ForeignKey(
        "self",
        verbose_name="học bù cho hội nghị",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="makeup_sessions",
    )
    discipline_remarks = models.TextField(
        "nhận xét về ý thức, kỷ luật",
        blank=True,
        help_text="Đi muộn, tham dự không đầy đủ… do cấp ủy tổ chức nhận xét sau hội nghị.",
    )
    reported_expected = models.PositiveIntegerField(
        "số được triệu tập (báo cáo)", null=True, blank=True
    )
    reported_attended = models.PositiveIntegerField("số tham dự (báo cáo)", null=True, blank=True)
    reported_site_count = models.PositiveIntegerField(
        "số điểm cầu (báo cáo)", null=True, blank=True
    )
    reported_rate = models.DecimalField(
        "tỷ lệ tham gia (báo cáo, %)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    search_text = models.CharField(max_length=400, editable=False, db_index=True, default="")
    source = models.ForeignKey(
        "sessions_app.SourceArticle",
        verbose_name="bài viết nguồn",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    objects = StudySessionQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["search_text"], m2m_fields=[documents, participating_units]
    )

    class Meta:
        verbose_name = "hội nghị học tập"
        verbose_name_plural = "hội nghị học tập"
        ordering = ["-held_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gt=F("start_time")),
                name="session_ends_after_start",
                violation_error_message="Giờ kết thúc phải sau giờ bắt đầu.",
            ),
            models.CheckConstraint(
                condition=Q(reported_expected__isnull=True)
                | Q(reported_attended__isnull=True)
                | Q(reported_attended__lte=F("reported_expected")),
                name="session_reported_attended_lte_expected",
                violation_error_message="Số tham dự không được lớn hơn số được triệu tập.",
            ),
            models.CheckConstraint(
                condition=Q(reported_rate__isnull=True)
                | Q(reported_rate__gte=0, reported_rate__lte=100),
                name="session_reported_rate_percent",
                # %% because Django formats the message with the constraint name.
                violation_error_message="Tỷ lệ tham gia phải trong khoảng 0–100%%.",
            ),
            models.CheckConstraint(
                condition=Q(makeup_of__isnull=True) | ~Q(makeup_of=F("pk")),
                name="session_not_makeup_of_itself",
                violation_error_message="Hội nghị không thể là buổi học bù của chính nó.",
            ),
        ]
        indexes = [
            # The few sessions reported as counts, found without reading every session.
            models.Index(
                fields=["held_on"], condition=REPORTS_COUNTS, name="session_reports_counts"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.held_on:%d/%m/%Y})"

    def fill_search_text(self) -> None:
        """The diacritic-free search key; bulk writes call it since they skip save()."""
        self.search_text = fold(self.title)

    def save(self, *args, **kwargs):
        self.fill_search_text()
        super().save(*args, **kwargs)

    @property
    def is_makeup(self) -> bool:
        """A make-up session (học bù) closes absences of the session it makes up for."""
        return self.makeup_of_id is not None


class SessionSiteQuerySet(ScopedQuerySet):
    def scope_filter(self, path):
        return path_q("session__organiser__path", path) | path_q("unit__path", path)


class SessionSite(models.Model):
    """A connected site (điểm cầu) of an online session, with its own attendee count."""

    session = models.ForeignKey(
        StudySession, verbose_name="hội nghị", on_delete=models.CASCADE, related_name="sites"
    )
    name = models.CharField("tên điểm cầu", max_length=300)
    unit = models.ForeignKey(
        "sessions_app.Organisation",
        verbose_name="đơn vị",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="session_sites",
    )
    expected = models.PositiveIntegerField("số được triệu tập", null=True, blank=True)
    attended = models.PositiveIntegerField("số tham dự")

    objects = SessionSiteQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "điểm cầu"
        verbose_name_plural = "điểm cầu"
        ordering = ["session", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "name"],
                name="site_name_unique_per_session",
                violation_error_message="Hội nghị đã có điểm cầu cùng tên.",
            ),
            models.CheckConstraint(
                condition=Q(expected__isnull=True) | Q(attended__lte=F("expected")),
                name="site_attended_lte_expected",
                violation_error_message="Số tham dự tại điểm cầu không được lớn hơn số được triệu tập.",
            ),
        ]

    def __str__(self):
        return self.name


def placed_on_session_day_q(path: str, member: str = "member", day: str = "session__held_on"):
    """Q: the row's member belonged to a unit of the subtree on the session's day.

    Records of a session follow the member's unit on that day, not today's cell, so a
    transfer moves no past rows from one branch to another.
    """
    from sessions_app.models.members import MemberPlacement  # members imports nothing here

    placed = MemberPlacement.objects.filter(
        member=OuterRef(member), unit__path__startswith=path, started_on__lte=OuterRef(day)
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=OuterRef(day)))
    return Q(Exists(placed))


class AttendanceQuerySet(ScopedQuerySet):
    def scope_filter(self, path):
        # The session's organiser owns its attendance; the member's unit on that day reads
        # and records it (the services check which members it may record).
        return path_q("session__organiser__path", path) | placed_on_session_day_q(path)


class Attendance(models.Model):
    """One member's attendance at one session."""

    session = models.ForeignKey(
        StudySession, verbose_name="hội nghị", on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        "sessions_app.Member",
        verbose_name="đảng viên",
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    status = models.CharField(
        "điểm danh",
        max_length=20,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.PRESENT,
    )
    note = models.CharField("ghi chú", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người ghi",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField("thời điểm ghi", auto_now=True)

    objects = AttendanceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "điểm danh"
        verbose_name_plural = "điểm danh"
        ordering = ["session", "member__full_name"]
        indexes = [
            # Per-session tallies (the sessions list counts each shown session's statuses).
            models.Index(fields=["session", "status"], name="attendance_session_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"],
                name="attendance_one_per_member_per_session",
                violation_error_message="Đảng viên này đã có trong danh sách điểm danh của hội nghị.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AttendanceStatus.values),
                name="attendance_status_valid",
                violation_error_message="Trạng thái điểm danh không hợp lệ.",
            ),
        ]

    def __str__(self):
        return f"{self.member} – {self.get_status_display()}"

    @property
    def attended(self) -> bool:
        """Present and late both count as attended for the participation rate."""
        return AttendanceStatus(self.status).counts_as_attended
