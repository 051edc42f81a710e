"""Obligations: who owed what, kept as rows so that every figure is one grouped query.

Derived data. The services in sessions_app/obligations.py keep them equal to the live
as-of definition in sessions_app/obligations_oracle.py, in the same transaction as the
change that moved them; `manage.py check_obligations` compares the two.
"""

from django.db import models
from django.db.models import Q

from sessions_app.choices import AttendanceStatus, Audience, ReportStatus


class AttendanceObligation(models.Model):
    """One member required at one study session (phải học), placed where they were that day.

    Rows exist for sessions that are not make-ups: a make-up closes the absence of the
    session it makes up for (made_up_by) instead of owing a row of its own.
    """

    member = models.ForeignKey(
        "sessions_app.Member",
        verbose_name="đảng viên",
        on_delete=models.CASCADE,
        related_name="attendance_obligations",
        db_index=False,  # the unique (member, session) index leads with it
    )
    session = models.ForeignKey(
        "sessions_app.StudySession",
        verbose_name="hội nghị",
        on_delete=models.CASCADE,
        related_name="attendance_obligations",
        db_index=False,  # att_oblig_session_status leads with it
    )
    unit = models.ForeignKey(
        "sessions_app.Organisation",
        verbose_name="chi bộ (ngày học)",
        on_delete=models.CASCADE,
        related_name="+",
        # Grouped queries go by unit_path; a unit is deleted only when nobody was ever
        # placed in it, so the cascade's scan is rare and not worth an index on every insert.
        db_index=False,
    )
    # The unit's tree path, copied so that a subtree's figures are one `LIKE 'prefix%'` scan.
    unit_path = models.CharField("đường dẫn đơn vị", max_length=255)
    held_on = models.DateField("ngày học")
    audience = models.CharField("thành phần", max_length=30, choices=Audience.choices)
    status = models.CharField(
        "điểm danh",
        max_length=20,
        choices=AttendanceStatus.choices,
        blank=True,
        default="",
        help_text="Để trống khi chưa điểm danh.",
    )
    made_up_by = models.ForeignKey(
        "sessions_app.StudySession",
        verbose_name="đã học bù tại",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    counts_only = models.BooleanField(
        "hội nghị chỉ báo cáo số liệu",
        default=False,
        help_text="Hội nghị báo cáo số lượng, không điểm danh theo danh sách.",
    )

    class Meta:
        verbose_name = "nghĩa vụ học tập"
        verbose_name_plural = "nghĩa vụ học tập"
        ordering = ["-held_on", "unit_path", "member_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "session"],
                name="attendance_obligation_one_per_member_session",
                violation_error_message="Đảng viên đã có nghĩa vụ học tập tại hội nghị này.",
            ),
            models.CheckConstraint(
                condition=Q(status="") | Q(status__in=AttendanceStatus.values),
                name="attendance_obligation_status_valid",
                violation_error_message="Trạng thái điểm danh của nghĩa vụ học tập không hợp lệ.",
            ),
            models.CheckConstraint(
                condition=Q(made_up_by__isnull=True)
                | Q(
                    status__in=[
                        AttendanceStatus.ABSENT_EXCUSED,
                        AttendanceStatus.ABSENT_UNEXCUSED,
                    ]
                ),
                name="attendance_obligation_made_up_only_if_absent",
                violation_error_message="Chỉ đảng viên vắng mặt mới có thể học bù.",
            ),
        ]
        indexes = [
            # Subtree prefix + period: every attendance figure of a report.
            models.Index(
                fields=["unit_path", "held_on"],
                name="att_oblig_path_date",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            # A session's required list, its roll call and the refresh after it.
            models.Index(fields=["session", "status"], name="att_oblig_session_status"),
            # A figure's rows in date order (the drill-down): the first page of a
            # province's 4 million rows without sorting them all.
            models.Index(fields=["held_on", "unit_path"], name="att_oblig_date_path"),
        ]

    def __str__(self):
        return f"{self.member_id} phải học hội nghị {self.session_id} ({self.held_on:%d/%m/%Y})"

    @property
    def attended(self) -> bool:
        """Present or late: counts towards the participation rate."""
        return self.status in AttendanceStatus.attended_values()


class ReportObligation(models.Model):
    """One member owing one written report on one document (phải viết bài thu hoạch).

    Created by the first study of the document at which the member was required; placed by
    the member's unit on that day, which also starts the deadline and decides the period.
    """

    member = models.ForeignKey(
        "sessions_app.Member",
        verbose_name="đảng viên",
        on_delete=models.CASCADE,
        related_name="report_obligations",
        db_index=False,  # the unique (member, document) index leads with it
    )
    document = models.ForeignKey(
        "sessions_app.Document",
        verbose_name="văn bản",
        on_delete=models.CASCADE,
        related_name="report_obligations",
        db_index=False,  # rep_oblig_doc_path leads with it
    )
    session = models.ForeignKey(
        "sessions_app.StudySession",
        verbose_name="hội nghị phát sinh nghĩa vụ",
        on_delete=models.CASCADE,
        related_name="report_obligations",
    )
    unit = models.ForeignKey(
        "sessions_app.Organisation",
        verbose_name="chi bộ (ngày học)",
        on_delete=models.CASCADE,
        related_name="+",
        # Grouped queries go by unit_path; a unit is deleted only when nobody was ever
        # placed in it, so the cascade's scan is rare and not worth an index on every insert.
        db_index=False,
    )
    unit_path = models.CharField("đường dẫn đơn vị", max_length=255)
    studied_on = models.DateField("ngày học")
    due_on = models.DateField("hạn nộp")
    must_add_action_plan = models.BooleanField(
        "phải có kế hoạch hành động",
        default=False,
        help_text="Cán bộ lãnh đạo, quản lý và cấp ủy viên.",
    )
    report = models.OneToOneField(
        "sessions_app.WrittenReport",
        verbose_name="bài thu hoạch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="obligation",
    )
    report_status = models.CharField(
        "tình trạng bài",
        max_length=20,
        choices=ReportStatus.choices,
        blank=True,
        default="",
        help_text="Để trống khi chưa có bài thu hoạch.",
    )
    has_action_plan = models.BooleanField("bài có kế hoạch hành động", default=False)

    class Meta:
        verbose_name = "nghĩa vụ viết bài thu hoạch"
        verbose_name_plural = "nghĩa vụ viết bài thu hoạch"
        ordering = ["-studied_on", "unit_path", "member_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "document"],
                name="report_obligation_one_per_member_document",
                violation_error_message="Đảng viên đã có nghĩa vụ viết bài thu hoạch cho văn bản này.",
            ),
            models.CheckConstraint(
                condition=Q(report_status="") | Q(report_status__in=ReportStatus.values),
                name="report_obligation_status_valid",
                violation_error_message="Tình trạng bài thu hoạch của nghĩa vụ không hợp lệ.",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("studied_on")),
                name="report_obligation_due_after_study",
                violation_error_message="Hạn nộp bài thu hoạch không được trước ngày học.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["unit_path", "studied_on"],
                name="rep_oblig_path_date",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(
                fields=["document", "unit_path"],
                name="rep_oblig_doc_path",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["studied_on", "unit_path"], name="rep_oblig_date_path"),
        ]

    def __str__(self):
        return f"{self.member_id} phải viết bài về văn bản {self.document_id}"


# --- tallies: the obligation rows counted per tree level ----------------------------------
#
# A report at a unit of depth d reads the tallies of level d + 1 under it (one row per
# child, session and combination of the fields figures test) and the level-d tallies of
# the unit's own rows, instead of scanning every obligation row of the subtree. Each
# obligation row is counted once at every level from 1 to its unit's depth. Derived data:
# sessions_app/obligations.py recounts a session's tallies whenever its obligation rows
# move, and check_obligations compares them with the rows counted afresh.


class TallyBase(models.Model):
    level = models.PositiveSmallIntegerField("cấp")
    # The tree path of the level's unit: the obligation's unit path cut to level × steplen.
    unit_path = models.CharField("đường dẫn đơn vị", max_length=255)
    # The obligation's unit is the level's unit itself (not a unit beneath it).
    own = models.BooleanField("của chính đơn vị")
    n = models.PositiveIntegerField("số nghĩa vụ")

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.unit_path} (cấp {self.level}): {self.n}"


class AttendanceTally(TallyBase):
    """How many to-attend rows a level's unit has at one session, per status."""

    session = models.ForeignKey(
        "sessions_app.StudySession",
        verbose_name="hội nghị",
        on_delete=models.CASCADE,
        related_name="+",
    )
    held_on = models.DateField("ngày học")
    status = models.CharField("điểm danh", max_length=20, blank=True)
    # No constraint: a deleted make-up session's rows are recounted in the same transaction.
    made_up_by = models.ForeignKey(
        "sessions_app.StudySession",
        verbose_name="đã học bù tại",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
    )
    counts_only = models.BooleanField("hội nghị chỉ báo cáo số liệu")

    class Meta:
        verbose_name = "tổng hợp nghĩa vụ học tập"
        verbose_name_plural = "tổng hợp nghĩa vụ học tập"
        indexes = [
            models.Index(
                fields=["level", "unit_path", "held_on"],
                name="att_tally_level_path_date",
                opclasses=["int2_ops", "varchar_pattern_ops", "date_ops"],
            ),
        ]


class ReportTally(TallyBase):
    """How many to-write rows a level's unit owes from one study of one document, per state."""

    session = models.ForeignKey(
        "sessions_app.StudySession",
        verbose_name="hội nghị phát sinh nghĩa vụ",
        on_delete=models.CASCADE,
        related_name="+",
    )
    document = models.ForeignKey(
        "sessions_app.Document",
        verbose_name="văn bản",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    studied_on = models.DateField("ngày học")
    report_status = models.CharField("tình trạng bài", max_length=20, blank=True)
    must_add_action_plan = models.BooleanField("phải có kế hoạch hành động")
    has_action_plan = models.BooleanField("bài có kế hoạch hành động")

    class Meta:
        verbose_name = "tổng hợp nghĩa vụ viết bài"
        verbose_name_plural = "tổng hợp nghĩa vụ viết bài"
        indexes = [
            models.Index(
                fields=["level", "unit_path", "studied_on"],
                name="rep_tally_level_path_date",
                opclasses=["int2_ops", "varchar_pattern_ops", "date_ops"],
            ),
        ]
