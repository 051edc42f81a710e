"""Benchmark: the compliance pages and the admin lists over a generated province.

    make bench-reports                       # scales 0.01 and 0.1
    make bench-reports SCALES="1"            # the full province (minutes to generate)

For each scale it uses a PostgreSQL database `<BENCH_URL's name>_<scale>` (created,
migrated and filled by `generate_province` the first time, reused afterwards), logs in a
province-level manager through the Django test client and times every page: median of 5
runs after one warm-up, with its query count. Beside each report it times its SQL floor:
a hand-written GROUP BY over the same obligation rows, the least any implementation of
that figure family has to do. The table, with the machine it ran on, goes into
docs/performance.md (between the markers of its section) and to stdout.
"""

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
# Plain static storage (no collectstatic); DEBUG itself is switched off below.
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib import admin  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from sessions_app.choices import StaffRole, UnitKind  # noqa: E402
from sessions_app.generation import Shape, generate_province  # noqa: E402
from sessions_app.models import Member, Organisation  # noqa: E402
from sessions_app.services import staff_profile_save  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
BEGIN = "<!-- bench-reports:begin -->"
END = "<!-- bench-reports:end -->"


# --- databases ------------------------------------------------------------------------


def use_database(name: str) -> None:
    """Point Django's default connection at another database of the same server."""
    connections["default"].close()
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name


def ensure_database(base: dict, name: str) -> None:
    dsn = f"host={base['HOST'] or 'localhost'} port={base['PORT'] or 5432} user={base['USER']} dbname=postgres"
    if base.get("PASSWORD"):
        dsn += f" password={base['PASSWORD']}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def ensure_province(scale: float, seed: int) -> Organisation:
    call_command("migrate", verbosity=0)
    code = f"MP{seed}"
    province = Organisation.objects.filter(code=code).first()
    if province is not None and Member.objects.count() == Shape.for_scale(scale).members:
        return province
    if province is not None:
        raise SystemExit(f"{connection.settings_dict['NAME']} holds another province; drop it.")
    print(f"generating scale {scale} (seed {seed}) …", flush=True)
    started = time.perf_counter()
    generate_province(scale=scale, seed=seed, log=lambda line: print("   ", line, flush=True))
    print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)
    return Organisation.objects.get(code=code)


def province_manager(province: Organisation):
    user, _ = get_user_model().objects.get_or_create(
        username="bench-tinh", defaults={"is_staff": True}
    )
    call_command("setup_roles", verbosity=0)
    staff_profile_save(user=user, unit=province, role=StaffRole.MANAGER)
    return user


# --- timing ---------------------------------------------------------------------------


def timed(fn, runs: int) -> tuple[float, int]:
    """Median milliseconds over `runs` after one warm-up run, and the queries of one run."""
    fn()
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    # A wrapper, not CaptureQueriesContext: each request resets connection.queries.
    with connection.execute_wrapper(count):
        fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), queries


def get_page(client: Client, url: str):
    def fetch():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)

    return fetch


def run_sql(sql: str, params: list):
    def fetch():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return fetch


# --- what is measured -----------------------------------------------------------------


def sample_units(province: Organisation) -> dict[str, Organisation]:
    """A typical district, grassroots committee and cell: the middle one by members."""
    district = Organisation.objects.get_children(province).order_by("path")[0]
    grassroots = (
        Organisation.objects.filter(
            path__startswith=district.path, kind=UnitKind.GRASSROOTS_COMMITTEE
        )
        .order_by("path")
        .first()
    )
    cell = Organisation.objects.filter(path__startswith=grassroots.path, depth=4).order_by("path")
    return {
        "cell": cell[0],
        "grassroots": grassroots,
        "district": district,
        "province": province,
    }


LEVELS = {"cell": "chi bộ", "grassroots": "TCCS", "district": "huyện", "province": "tỉnh"}
TARGETS = {"cell": 50, "grassroots": 150, "district": 200, "province": 500}


def floor_sql(unit: Organisation) -> list[tuple[str, list]]:
    """The SQL floor of a unit's report: each figure family as one GROUP BY over the
    obligation rows under the unit, per child (per document for written reports)."""
    from sessions_app.models import AttendanceObligation, ReportObligation

    child_len = len(unit.path) + Organisation.steplen
    attend = AttendanceObligation._meta.db_table
    write = ReportObligation._meta.db_table
    return [
        (
            f"""SELECT substr(unit_path, 1, %s) AS child, count(*),
                   count(*) FILTER (WHERE status IN ('co_mat', 'di_muon')),
                   count(*) FILTER (WHERE status = 'di_muon'),
                   count(*) FILTER (WHERE status = 'vang_co_ly_do'),
                   count(*) FILTER (WHERE status = 'vang_khong_ly_do'),
                   count(*) FILTER (WHERE made_up_by_id IS NOT NULL),
                   min(held_on)
              FROM {attend}
             WHERE unit_path LIKE %s AND NOT counts_only
             GROUP BY 1""",
            [child_len, unit.path + "%"],
        ),
        (
            f"""SELECT substr(unit_path, 1, %s) AS child, count(*),
                   count(*) FILTER (WHERE report_status NOT IN ('', 'chua_nop')),
                   count(*) FILTER (WHERE report_status = 'dat'),
                   count(*) FILTER (WHERE report_status = 'yeu_cau_sua'),
                   count(*) FILTER (WHERE must_add_action_plan),
                   count(*) FILTER (WHERE must_add_action_plan AND has_action_plan)
              FROM {write}
             WHERE unit_path LIKE %s
             GROUP BY 1""",
            [child_len, unit.path + "%"],
        ),
    ]


def tally_floor_sql(unit: Organisation) -> list[tuple[str, list]]:
    """The SQL floor of the same figures over the tallies the app reads: the children's
    level under the unit and the unit's own rows, summed per child."""
    from sessions_app.models import AttendanceTally, ReportTally

    here = "(level = %s AND unit_path LIKE %s) OR (level = %s AND unit_path = %s AND own)"
    params = [unit.depth + 1, unit.path + "%", unit.depth, unit.path]
    return [
        (
            f"""SELECT unit_path, sum(n),
                   sum(n) FILTER (WHERE status IN ('co_mat', 'di_muon')),
                   sum(n) FILTER (WHERE status = 'di_muon'),
                   sum(n) FILTER (WHERE status = 'vang_co_ly_do'),
                   sum(n) FILTER (WHERE status = 'vang_khong_ly_do'),
                   sum(n) FILTER (WHERE made_up_by_id IS NOT NULL),
                   min(held_on), count(DISTINCT session_id)
              FROM {AttendanceTally._meta.db_table}
             WHERE ({here}) AND NOT counts_only
             GROUP BY 1""",
            params,
        ),
        (
            f"""SELECT unit_path, sum(n),
                   sum(n) FILTER (WHERE report_status NOT IN ('', 'chua_nop')),
                   sum(n) FILTER (WHERE report_status = 'dat'),
                   sum(n) FILTER (WHERE report_status = 'yeu_cau_sua'),
                   sum(n) FILTER (WHERE must_add_action_plan),
                   sum(n) FILTER (WHERE must_add_action_plan AND has_action_plan)
              FROM {ReportTally._meta.db_table}
             WHERE {here}
             GROUP BY 1""",
            params,
        ),
    ]


def measure_scale(scale: float, seed: int, runs: int, base: dict) -> list[dict]:
    name = f"{base['NAME']}_{f'{scale:g}'.replace('.', '_')}"
    ensure_database(base, name)
    use_database(name)
    province = ensure_province(scale, seed)
    client = Client()
    client.force_login(province_manager(province))
    units = sample_units(province)
    rows = []

    def add(page, fn, *, floor=None, target=None):
        if ONLY and not re.search(ONLY, page):
            return 0.0
        ms, queries = timed(fn, runs)
        row = {"scale": scale, "page": page, "ms": ms, "queries": queries, "target": target}
        if floor is not None:
            row["floor_ms"], row["tally_floor_ms"] = floor
        rows.append(row)
        print(f"  {page:<55} {ms:9.1f} ms {queries:4d} q", flush=True)
        return ms

    have_floor = "rebuild_obligations" in _commands()
    for level, unit in units.items():
        floor = None
        if have_floor and (not ONLY or re.search(ONLY, LEVELS[level])):
            floor = tuple(
                sum(timed(run_sql(sql, params), runs)[0] for sql, params in statements(unit))
                for statements in (floor_sql, tally_floor_sql)
            )
        report_ms = add(
            f"báo cáo {LEVELS[level]}",
            get_page(client, reverse("reports_app:unit", args=[unit.pk])),
            floor=floor,
            target=TARGETS[level],
        )
        add(
            f"ma trận {LEVELS[level]}",
            get_page(client, reverse("reports_app:matrix", args=[unit.pk])),
            floor=floor,
            target=2 * max(report_ms, TARGETS[level]) if scale == 1 else None,
        )
        add(
            f"danh sách chi tiết 'phải học' {LEVELS[level]}",
            get_page(client, reverse("reports_app:figure", args=[unit.pk, "required"])),
        )
        for fmt in ("csv", "xlsx"):
            add(
                f"xuất {fmt.upper()} {LEVELS[level]}",
                get_page(client, reverse(f"reports_app:export_{fmt}", args=[unit.pk])),
                floor=floor,
            )
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if not model_admin.has_view_permission(_request_for(client), None):
            continue
        add(
            f"admin: {opts.verbose_name_plural}",
            get_page(client, reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")),
            target=300,
        )
    return rows


ONLY = ""  # a regular expression: measure only the pages whose name matches


def _request_for(client: Client):
    """A request carrying the logged-in user, to ask the admin what they may open."""
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = get_user_model().objects.get(pk=client.session["_auth_user_id"])
    return request


def _commands():
    from django.core.management import get_commands

    return get_commands()


# --- the table ------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    return (
        f"{os.cpu_count()} CPU ({cpu}), PostgreSQL {pg} on localhost, Python "
        f"{platform.python_version()}, load average {load:.1f} at the end of the run"
    )


def render(rows: list[dict], header: str) -> str:
    lines = [
        header,
        "",
        "| scale | page | median (ms) | queries | floor: rows (ms) | ratio "
        "| floor: tallies (ms) | ratio | target (ms) |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]

    def cells(ms, floor):
        return f"{floor:.1f} | {ms / floor:.1f}×" if floor else "— | —"

    for row in rows:
        lines.append(
            f"| {row['scale']:g} | {row['page']} | {row['ms']:.1f} | {row['queries']} | "
            f"{cells(row['ms'], row.get('floor_ms'))} | "
            f"{cells(row['ms'], row.get('tally_floor_ms'))} | "
            f"{row['target'] or '—'} |"
        )
    return "\n".join(lines)


def write_doc(table: str) -> None:
    text = DOC.read_text()
    block = f"{BEGIN}\n{table}\n{END}"
    if BEGIN in text:
        text = re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = (
            text.rstrip() + "\n\n## Reports and admin lists (bench/reports.py)\n\n" + block + "\n"
        )
    DOC.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default=os.environ.get("SCALES", "0.01 0.1"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-doc", action="store_true", help="print only")
    parser.add_argument("--only", default="", help="regular expression over page names")
    args = parser.parse_args()
    global ONLY
    ONLY = args.only
    if connection.vendor != "postgresql":
        raise SystemExit("Set BENCH_URL/DATABASE_URL to a PostgreSQL server.")
    settings.DEBUG = False
    base = dict(settings.DATABASES["default"])
    rows = []
    for scale in [float(s) for s in args.scales.replace(",", " ").split()]:
        print(f"scale {scale}", flush=True)
        rows.extend(measure_scale(scale, args.seed, args.runs, base))
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    header = (
        f"Measured at commit {commit} on {machine()}. Median of {args.runs} runs after a "
        "warm-up, logged in as a province-level manager through the Django test client."
    )
    table = render(rows, header)
    print(table)
    if not args.no_doc:
        write_doc(table)


if __name__ == "__main__":
    main()
