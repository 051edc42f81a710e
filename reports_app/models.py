from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class ComplianceTarget(models.Model):
    """The targets (chỉ tiêu) a unit's study is judged against; the newest active one applies."""

    name = models.CharField(
        "tên bộ chỉ tiêu", max_length=200, default="Chỉ tiêu học tập, quán triệt"
    )
    participation_rate_min = models.DecimalField(
        "tỷ lệ tham gia học tập tối thiểu (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("95.00"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    report_rate_min = models.DecimalField(
        "tỷ lệ nộp bài thu hoạch tối thiểu (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("100.00"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    first_session_days = models.PositiveIntegerField(
        "hội nghị đầu tiên trong vòng (ngày) kể từ ngày ban hành văn bản", default=30
    )
    action_programme_days = models.PositiveIntegerField(
        "ban hành chương trình hành động trong vòng (ngày) kể từ ngày ban hành văn bản",
        default=60,
    )
    is_active = models.BooleanField("đang áp dụng", default=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "chỉ tiêu học tập"
        verbose_name_plural = "chỉ tiêu học tập"
        ordering = ["-is_active", "-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(participation_rate_min__gte=0, participation_rate_min__lte=100)
                & Q(report_rate_min__gte=0, report_rate_min__lte=100),
                name="target_rates_are_percent",
                violation_error_message="Chỉ tiêu tỷ lệ phải trong khoảng 0–100%.",
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def current(cls) -> "ComplianceTarget":
        """The newest active targets, or the defaults when an administrator has set none."""
        return cls.objects.filter(is_active=True).order_by("-updated_at").first() or cls()
