from django.conf import settings
from django.db import models


class ReminderKind(models.TextChoices):
    REPORT = "bai_thu_hoach", "Bài thu hoạch"
    REMEDIATION = "khac_phuc", "Yêu cầu khắc phục"


class ReminderLog(models.Model):
    """One item named in one user's reminder on one day: nothing is reminded twice a day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nhận",
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField("loại", max_length=20, choices=ReminderKind.choices)
    item_id = models.PositiveBigIntegerField("mã mục")
    sent_on = models.DateField("ngày gửi")
    sent_at = models.DateTimeField("gửi lúc", auto_now_add=True)

    class Meta:
        verbose_name = "nhắc việc đã gửi"
        verbose_name_plural = "nhắc việc đã gửi"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "item_id", "sent_on"],
                name="reminder_once_per_item_per_day",
                violation_error_message="Mục này đã được nhắc người này trong ngày.",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.item_id} {self.sent_on:%d/%m/%Y}"
