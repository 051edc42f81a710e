from django.conf import settings
from django.db import models


class ImportJobStatus(models.TextChoices):
    CHECKING = "dang_kiem_tra", "Đang kiểm tra tệp"
    INVALID = "co_loi", "Tệp có lỗi, chưa ghi gì"
    READY = "cho_xac_nhan", "Đã kiểm tra, chờ xác nhận"
    WRITING = "dang_ghi", "Đang ghi dữ liệu"
    DONE = "xong", "Đã ghi xong"
    FAILED = "that_bai", "Gặp lỗi khi xử lý, chưa ghi gì"


class ImportJob(models.Model):
    """One uploaded file on its way in: checked (preview), then written on confirmation.

    It keeps the file between the preview and the confirmation (no temporary storage
    that leaks), and the progress the page shows while a long import runs.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người nhập", on_delete=models.CASCADE
    )
    kind = models.CharField("loại dữ liệu", max_length=30)
    context_id = models.PositiveBigIntegerField("hội nghị", null=True, blank=True)
    file = models.FileField("tệp", upload_to="nhap-du-lieu/%Y/%m/")
    original_name = models.CharField("tên tệp", max_length=255)
    encoding = models.CharField("bảng mã", max_length=20, blank=True)
    delimiter = models.CharField("dấu phân cách", max_length=2, blank=True)
    sheet = models.CharField("trang tính", max_length=100, blank=True)
    status = models.CharField(
        "tình trạng",
        max_length=20,
        choices=ImportJobStatus.choices,
        default=ImportJobStatus.CHECKING,
    )
    rows_done = models.PositiveIntegerField("số dòng đã xử lý", default=0)
    report = models.JSONField("kết quả", default=dict, blank=True)
    # The version of the record each previewed row matched: the confirm refuses rows whose
    # record changed since (no lost edits). Kept apart from the report the page loads.
    seen_versions = models.JSONField("phiên bản đã xem trước", default=dict, blank=True)
    created_at = models.DateTimeField("thời điểm tải lên", auto_now_add=True)
    finished_at = models.DateTimeField("thời điểm xong", null=True, blank=True)

    class Meta:
        verbose_name = "lượt nhập dữ liệu"
        verbose_name_plural = "lượt nhập dữ liệu"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        """The page refreshes itself while the job is checking or writing."""
        return self.status in (ImportJobStatus.CHECKING, ImportJobStatus.WRITING)
