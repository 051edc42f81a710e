"""manage.py send_reminders [--days N] [--date dd/mm/yyyy]: for cron, once a day."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sessions_app.reminders import reminders_send


class Command(BaseCommand):
    help = "Gửi thư nhắc bài thu hoạch còn nợ và yêu cầu khắc phục đến hạn cho cán bộ các đơn vị."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Đến hạn trong số ngày này.")
        parser.add_argument(
            "--date", default=None, help="Ngày nhắc (dd/mm/yyyy), mặc định hôm nay."
        )

    def handle(self, *args, days=None, date=None, **options):
        today = timezone.localdate()
        if date:
            try:
                today = datetime.datetime.strptime(date, "%d/%m/%Y").date()
            except ValueError as exc:
                raise CommandError(f"Ngày “{date}” không đúng dạng dd/mm/yyyy.") from exc
        if days is not None and days < 0:
            raise CommandError("Số ngày phải từ 0 trở lên.")
        run = reminders_send(today=today, days=days)
        self.stdout.write(
            f"Đã gửi {run.sent} thư nhắc; {run.skipped} người không có mục mới; "
            f"{len(run.failed)} thư lỗi."
        )
        for failure in run.failed:
            self.stderr.write(f"Lỗi gửi: {failure}")
