from django.db import models
from simple_history.models import HistoricalRecords


class SourceArticle(models.Model):
    """A seed news article; every fact loaded from it points back here."""

    code = models.CharField("mã bài viết", max_length=20, unique=True)
    file_name = models.CharField("tệp nguồn", max_length=100)
    title = models.CharField("tiêu đề", max_length=500)
    published_on = models.DateField("ngày đăng", null=True, blank=True)
    text = models.TextField("nội dung")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "bài viết nguồn"
        verbose_name_plural = "bài viết nguồn"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.title}"
