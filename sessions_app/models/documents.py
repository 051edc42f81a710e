from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from sessions_app.choices import DocumentKind
from sessions_app.models.locking import VersionedModel
from sessions_app.text import fold, parse_symbol


class Document(VersionedModel):
    """A party document to be studied: resolution, directive, conclusion, regulation…"""

    symbol = models.CharField(
        "số ký hiệu", max_length=40, help_text="Ví dụ: 114-QĐ/TW. Được chuẩn hóa khi lưu."
    )
    number = models.PositiveIntegerField("số", editable=False)
    kind = models.CharField(
        "loại văn bản", max_length=4, choices=DocumentKind.choices, editable=False
    )
    issuer = models.CharField("cơ quan ban hành (ký hiệu)", max_length=12, editable=False)
    issuing_body = models.CharField(
        "cơ quan ban hành", max_length=200, blank=True, help_text="Ví dụ: Bộ Chính trị."
    )
    issued_on = models.DateField("ngày ban hành")
    title = models.CharField("trích yếu", max_length=500)
    term = models.CharField("khóa", max_length=10, blank=True, default="")
    report_required = models.BooleanField("phải viết bài thu hoạch", default=True)
    search_text = models.CharField(max_length=600, editable=False, db_index=True, default="")
    source = models.ForeignKey(
        "sessions_app.SourceArticle",
        verbose_name="bài viết nguồn",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản"
        ordering = ["-issued_on", "symbol"]
        constraints = [
            models.UniqueConstraint(
                fields=["symbol", "term"],
                name="document_symbol_term_unique",
                violation_error_message="Đã có văn bản cùng số ký hiệu trong khóa này.",
            ),
            models.CheckConstraint(
                condition=Q(number__gt=0),
                name="document_number_positive",
                violation_error_message="Số văn bản phải lớn hơn 0.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values),
                name="document_kind_valid",
                violation_error_message="Loại văn bản không hợp lệ.",
            ),
        ]

    def __str__(self):
        return f"{self.symbol} ({self.issued_on:%d/%m/%Y})"

    def fill_search_text(self) -> None:
        """The diacritic-free search key; bulk writes call it since they skip save()."""
        self.search_text = fold(f"{self.symbol} {self.title} {self.issuing_body}")

    def save(self, *args, **kwargs):
        self.fill_search_text()
        super().save(*args, **kwargs)

    def apply_symbol(self, raw: str) -> None:
        """Parse a typed symbol and store it in canonical form with its parts."""
        parsed = parse_symbol(raw)
        self.symbol, self.number, self.kind, self.issuer = (
            str(parsed),
            parsed.number,
            parsed.kind,
            parsed.issuer,
        )
