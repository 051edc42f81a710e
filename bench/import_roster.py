"""Benchmark: import a 100,000-member roster on PostgreSQL; print rows/second and peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/studylog_bench .venv/bin/python bench/import_roster.py

The database named in DATABASE_URL is emptied first (it must be a scratch database).
Options: --rows N (default 100000), --sample N (rows of the row-by-row comparison),
--repeat N (the floors and the first import are each run N times, default 3: the
median is printed, with the range, since the shared machine's load moves single runs by
a third), --trace (one more import under tracemalloc, for its peak allocations).

In the same run, beside our pipeline (preview, confirm, the same file again):
- the floor: COPY of the same file into a scratch table, then INSERT ... SELECT into the
  real member and placement tables with all their constraints and indexes (what the
  database itself needs to store these rows), and the same with the audit-history rows;
- django-import-export's row-by-row import of a sample (ModelResource, ForeignKeyWidget
  for the cell code), extrapolated to the full file.
Figures go in docs/performance.md.
"""

import argparse
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from import_export import fields, resources, widgets  # noqa: E402
from tablib import Dataset  # noqa: E402

from imports_app.engine import import_run, read_table  # noqa: E402
from imports_app.kinds.members import MemberImporter  # noqa: E402
from sessions_app import services  # noqa: E402
from sessions_app.choices import UnitKind  # noqa: E402
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
    """Empty the member tables and their history (a scratch database): TRUNCATE, since a
    delete would write a history row per member through simple-history's signals."""
    tables = [
        MemberPlacement._meta.db_table,
        Member._meta.db_table,
        MemberPlacement.history.model._meta.db_table,
        Member.history.model._meta.db_table,
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")


def timed_import(data: bytes, user, *, trace: bool, dry_run: bool = False):
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
        report = import_run(MemberImporter(user=user), read_table(data), dry_run=dry_run)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    if trace:
        tracemalloc.stop()
    assert not report.errors, report.errors[:5]
    return report, elapsed, queries, peak


COPY_COLUMNS = "code, card_number, full_name, birth_date, gender, unit_code, joined_on, is_leader"
FLOOR_MEMBERS = """
    INSERT INTO sessions_app_member (code, card_number, full_name, birth_date, gender, joined_on,
        full_member_on, committee_role, is_leader, position, status, search_text, unit_id, version)
    SELECT r.code, r.card_number, r.full_name, to_date(r.birth_date, 'DD/MM/YYYY'),
        CASE r.gender WHEN 'Nữ' THEN 'nu' ELSE 'nam' END, to_date(r.joined_on, 'DD/MM/YYYY'),
        NULL, '', coalesce(r.is_leader, '') = 'x', '', 'dang_sinh_hoat',
        lower(r.code || ' ' || r.card_number || ' ' || r.full_name), o.id, 0
    FROM roster_in r JOIN sessions_app_organisation o ON o.code = r.unit_code
"""
FLOOR_PLACEMENTS = """
    INSERT INTO sessions_app_memberplacement (started_on, member_id, unit_id)
    SELECT m.joined_on, m.id, m.unit_id FROM sessions_app_member m
"""
FLOOR_HISTORY = """
    INSERT INTO sessions_app_historicalmember (id, version, code, card_number, full_name,
        birth_date, gender, joined_on, full_member_on, committee_role, is_leader, position,
        status, history_date, history_change_reason, history_type, history_user_id, unit_id)
    SELECT id, version, code, card_number, full_name, birth_date, gender, joined_on,
        full_member_on, committee_role, is_leader, position, status, now(), 'bench', '+',
        NULL, unit_id
    FROM sessions_app_member;
    INSERT INTO sessions_app_historicalmemberplacement (id, started_on, ended_on, history_date,
        history_change_reason, history_type, history_user_id, member_id, unit_id)
    SELECT id, started_on, ended_on, now(), 'bench', '+', NULL, member_id, unit_id
    FROM sessions_app_memberplacement
"""


def floor(data: bytes, *, history: bool) -> tuple[float, float]:
    """COPY into a scratch table, then INSERT ... SELECT into the real tables; rolled back.
    Returns (seconds for the COPY alone, seconds for everything)."""
    text = data.decode("utf-8-sig")
    with transaction.atomic():
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(
                f"CREATE TEMP TABLE roster_in ({', '.join(c + ' text' for c in COPY_COLUMNS.split(', '))})"
            )
            with cursor.copy(
                f"COPY roster_in ({COPY_COLUMNS}) FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true)"
            ) as copy:
                copy.write(text)
            copied = time.perf_counter() - started
            cursor.execute(FLOOR_MEMBERS)
            cursor.execute(FLOOR_PLACEMENTS)
            if history:
                cursor.execute(FLOOR_HISTORY)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred FKs checked in the time
            elapsed = time.perf_counter() - started
            cursor.execute("DROP TABLE roster_in")
        transaction.set_rollback(True)
    return copied, elapsed


class RowByRowMemberResource(resources.ModelResource):
    """django-import-export as its docs show it: one row at a time, the cell by its code."""

    unit = fields.Field(
        attribute="unit", column_name="unit", widget=widgets.ForeignKeyWidget(Organisation, "code")
    )
    birth_date = fields.Field(
        attribute="birth_date", column_name="birth_date", widget=widgets.DateWidget("%d/%m/%Y")
    )
    joined_on = fields.Field(
        attribute="joined_on", column_name="joined_on", widget=widgets.DateWidget("%d/%m/%Y")
    )

    class Meta:
        model = Member
        fields = (
            "code",
            "card_number",
            "full_name",
            "birth_date",
            "gender",
            "unit",
            "joined_on",
            "is_leader",
        )
        import_id_fields = ("code",)


def row_by_row(data: bytes, sample: int) -> float:
    """Seconds for django-import-export to import the first `sample` rows (then wiped)."""
    lines = data.decode("utf-8-sig").splitlines()[1 : sample + 1]
    dataset = Dataset(headers=list(RowByRowMemberResource.Meta.fields))
    for line in lines:
        code, card, name, born, gender, unit, joined, leader = line.split(";")
        gender = "nu" if gender == "Nữ" else "nam"
        dataset.append([code, card, name, born, gender, unit, joined, leader == "x"])
    started = time.perf_counter()
    result = RowByRowMemberResource().import_data(dataset, dry_run=False, use_transactions=True)
    elapsed = time.perf_counter() - started
    assert not result.has_errors() and not result.has_validation_errors(), result.row_errors()[:3]
    wipe()
    return elapsed


def spread(values) -> str:
    values = sorted(values)
    return f"({values[0]:.2f}–{values[-1]:.2f})" if len(values) > 1 else ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cells", type=int, default=1_000)
    parser.add_argument("--sample", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--trace", action="store_true", help="also measure peak allocations")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database.")
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
    # Interleaved, so that a burst of load on the shared machine falls on both.
    floors, histories, firsts = [], [], []
    for _ in range(args.repeat):
        floors.append(floor(data, history=False))
        histories.append(floor(data, history=True)[1])
        report, elapsed, first_queries, _ = timed_import(data, user, trace=False)
        firsts.append(elapsed)
        wipe()
    copied = median(c for c, _ in floors)
    elapsed, with_history, first = median(e for _, e in floors), median(histories), median(firsts)
    print(
        f"floor: COPY into a scratch table {copied:6.2f} s; + INSERT ... SELECT {elapsed:6.2f} s {spread(f[1] for f in floors)}"
    )
    print(f"floor with audit-history rows: {with_history:6.2f} s {spread(histories)}")

    report, elapsed, queries, _ = timed_import(data, user, trace=False, dry_run=True)
    print(
        f"preview (dry run): {elapsed:6.1f} s  {args.rows / elapsed:8,.0f} rows/s  {queries} queries"
    )
    report, elapsed, queries, _ = timed_import(data, user, trace=False)
    print(
        f"first import:  {first:6.1f} s {spread(firsts)}  {args.rows / first:8,.0f} rows/s  "
        f"{first_queries} queries  {report.counts}  ({first / with_history:.1f}x the floor "
        f"with history, median of {args.repeat})"
    )
    report, elapsed, queries, _ = timed_import(data, user, trace=False)
    print(
        f"same file again: {elapsed:6.1f} s  {args.rows / elapsed:8,.0f} rows/s  {queries} queries  {report.counts}"
    )
    if args.trace:  # tracemalloc slows the import several times: a separate run
        wipe()
        report, elapsed, queries, peak = timed_import(data, user, trace=True)
        print(f"traced import: {elapsed:6.1f} s  peak Python allocations {peak / 1e6:.0f} MB")
    wipe()
    sample = row_by_row(data, args.sample)
    print(
        f"django-import-export row by row: {args.sample:,} rows in {sample:6.1f} s "
        f"({args.sample / sample:,.0f} rows/s; {args.rows / args.sample * sample:,.0f} s for "
        f"{args.rows:,} extrapolated)"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak process memory (ru_maxrss, whole process incl. the file): {rss:.0f} MB")


if __name__ == "__main__":
    main()
