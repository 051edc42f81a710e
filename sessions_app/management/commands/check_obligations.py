"""Compare the obligation rows with the live definition; exit non-zero on any drift."""

from django.core.management.base import BaseCommand, CommandError

from sessions_app.management.commands.rebuild_obligations import _unit
from sessions_app.obligations_oracle import obligations_drift


class Command(BaseCommand):
    help = (
        "Kiểm tra nghĩa vụ học tập và nghĩa vụ viết bài thu hoạch đã lưu có đúng với cách "
        "tính trực tiếp từ dữ liệu gốc không; báo từng chỗ sai lệch và thoát với mã lỗi nếu có. "
        "Chậm (một truy vấn cho mỗi hội nghị): dùng để kiểm tra, không dùng cho báo cáo."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--unit",
            metavar="MÃ_ĐƠN_VỊ",
            help="Chỉ kiểm tra các đảng viên từng sinh hoạt trong đơn vị này và cấp dưới.",
        )
        parser.add_argument(
            "--limit", type=int, default=50, help="Số chỗ sai lệch in ra nhiều nhất."
        )

    def handle(self, *args, **options):
        drift = obligations_drift(root=_unit(options["unit"]))
        if not drift:
            self.stdout.write(self.style.SUCCESS("Nghĩa vụ đã lưu khớp với dữ liệu gốc."))
            return
        for line in drift.lines(options["limit"]):
            self.stdout.write(line)
        total = len(drift.missing) + len(drift.extra) + len(drift.wrong)
        raise CommandError(
            f"Có {total} chỗ sai lệch (thiếu {len(drift.missing)}, thừa {len(drift.extra)}, "
            f"sai {len(drift.wrong)}). Chạy manage.py rebuild_obligations để tính lại."
        )
