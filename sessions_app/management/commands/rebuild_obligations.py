"""Rebuild the obligation rows from the study log: all of them, or one subtree's members."""

import time

from django.core.management.base import BaseCommand, CommandError

from sessions_app.models import Organisation
from sessions_app.obligations import obligations_rebuild


class Command(BaseCommand):
    help = (
        "Tính lại toàn bộ nghĩa vụ học tập và nghĩa vụ viết bài thu hoạch từ dữ liệu gốc "
        "(hoặc của các đảng viên từng sinh hoạt trong một đơn vị và các đơn vị cấp dưới)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--unit",
            metavar="MÃ_ĐƠN_VỊ",
            help="Chỉ tính lại cho đảng viên từng sinh hoạt trong đơn vị này và cấp dưới.",
        )

    def handle(self, *args, **options):
        root = _unit(options["unit"])
        started = time.perf_counter()
        counts = obligations_rebuild(root=root)
        where = f" trong {root}" if root else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tính lại{where}: {counts['attendance']} nghĩa vụ học tập, "
                f"{counts['reports']} nghĩa vụ viết bài thu hoạch "
                f"({time.perf_counter() - started:.1f} giây)."
            )
        )


def _unit(code: str | None) -> Organisation | None:
    if not code:
        return None
    unit = Organisation.objects.filter(code=code).first()
    if unit is None:
        raise CommandError(f"Không có đơn vị mã {code}.")
    return unit
