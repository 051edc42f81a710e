"""Benchmark: import a 100,000-member roster on PostgreSQL; print rows/second and peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/studylog_bench .venv/bin/python bench/import_roster.py

The database named in DATABASE_URL is emptied first (it must be a scratch database).
Options: --rows N (default 100000). Figures go in docs/performance.md.
"""

import argparse
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from sessions_app import services  # noqa: E402
from sessions_app.choices import UnitKind  # noqa: E402
from sessions_app.importers import MemberImporter  # noqa: E402
from sessions_app.imports import import_run, read_table  # noqa: E402
from sessions_app.models import Member, MemberPlacement, Organisation  # noqa: E402

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Quốc", "Thu", "Ngọc"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hằng", "Thắng", "Việt", "Ánh", "Đức", "Lộc"]


def build_tree(cells_wanted: int) -> list[str]:
    province = services.organisation_create(
        parent=None, code="BENCH", name="Đảng bộ tỉnh Thử tải", kind=UnitKind.PROVINCE
    )
    codes = []
    for d in range(10):
        district = services.organisation_create(
            parent=province, code=f"H{d:02d}", name=f"Đảng bộ huyện {d}", kind=UnitKind.DISTRICT
        )
        for c in range(cells_wanted // 10):
            cell = services.organisation_create(
                parent=district, code=f"C{d:02d}{c:04d}", name=f"Chi bộ {d}-{c}", kind=UnitKind.CELL
            )
            codes.append(cell.code)
    return codes


def roster_csv(rows: int, cells: list[str]) -> bytes:
    header = "Mã đảng viên;Số thẻ đảng viên;Họ và tên;Ngày sinh;Giới tính;Mã chi bộ;Ngày vào Đảng;Cán bộ lãnh đạo, quản lý"
    lines = [header]
    for n in range(rows):
        name = f"{SURNAMES[n % 10]} {MIDDLE[n // 10 % 8]} {GIVEN[n // 80 % 10]}"
        gender = "Nữ" if "Thị" in name else "Nam"
        lines.append(
            f"DV{n:07d};{80000000 + n};{name};{n % 28 + 1}/{n % 12 + 1}/{1950 + n % 50};{gender};"
            f"{cells[n % len(cells)]};{n % 28 + 1}/{n % 12 + 1}/{2001 + n % 20};{'x' if n % 17 == 0 else ''}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def wipe():
    MemberPlacement.objects.all().delete()
    Member.objects.all().delete()


def timed_import(data: bytes, user, *, trace: bool):
    if trace:
        tracemalloc.start()
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    # A counter, not CaptureQueriesContext: keeping every bulk INSERT's SQL would
    # dwarf the memory the import itself uses.
    with connection.execute_wrapper(count):
        report = import_run(MemberImporter(user=user), read_table(data), dry_run=False)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    if trace:
        tracemalloc.stop()
    assert not report.errors, report.errors[:5]
    return report, elapsed, queries, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cells", type=int, default=1_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("Warning: not PostgreSQL; set DATABASE_URL to a scratch PostgreSQL database.")
    call_command("migrate", verbosity=0)
    connection.force_debug_cursor = False
    wipe()
    Organisation.objects.all().delete()
    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_superuser": True, "is_staff": True}
    )
    cells = build_tree(args.cells)
    data = roster_csv(args.rows, cells)
    print(
        f"{args.rows:,} rows, {len(data) / 1e6:.1f} MB CSV, {len(cells):,} cells, {connection.vendor}"
    )

    report, elapsed, queries, _ = timed_import(data, user, trace=False)
    print(
        f"first import:  {elapsed:6.1f} s  {args.rows / elapsed:8,.0f} rows/s  {queries} queries  {report.counts}"
    )
    report, elapsed, queries, _ = timed_import(data, user, trace=False)
    print(
        f"same file again: {elapsed:6.1f} s  {args.rows / elapsed:8,.0f} rows/s  {queries} queries  {report.counts}"
    )
    wipe()
    report, elapsed, queries, peak = timed_import(data, user, trace=True)
    print(
        f"traced import:   {elapsed:6.1f} s  peak Python allocations {peak / 1e6:.0f} MB (tracemalloc)"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak process memory (ru_maxrss, whole process incl. the file): {rss:.0f} MB")


if __name__ == "__main__":
    main()
