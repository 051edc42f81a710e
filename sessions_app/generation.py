"""A synthetic province for load tests: `manage.py generate_province --scale S --seed N`.

At scale 1: one province, 30 districts and blocs, ~1,500 grassroots organisations,
~10,000 cells, 250,000 members, ~25,000 study sessions, ~4.7 million attendance rows and
~2 million written reports. Smaller scales shrink the tree and the roster in proportion
and keep the shape of a unit (members per cell, sessions per grassroots unit, attendance
per member), so a page's cost at scale 0.1 says something about scale 1.

The history is the one the app's services would write: members join, move between cells
(closing one placement and opening the next) or out of the province, are exempted for a
while; grassroots units study every document (some sessions cover two), districts hold
key-cadre sessions and all-member conferences by radio or online, small grassroots cells
share a class, absentees make up, the province reports its conferences as counts per
connected site; members required at a study write their report (bài thu hoạch) when the
document asks for one, leaders with an action plan.

It writes with PostgreSQL COPY (batched executemany elsewhere) in one transaction, and
skips the audit trail: a generated history is not an edit anybody made. Same scale and
seed, same rows. The derived obligations (who had to attend, who owes a report) are built
at the end by the same set-based rebuild as `manage.py rebuild_obligations`.
"""

import dataclasses
import datetime
import random
import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max

from sessions_app.choices import (
    AttendanceStatus,
    Audience,
    CommitteeRole,
    Gender,
    InspectionKind,
    MemberStatus,
    ReportStatus,
    Sector,
    SessionFormat,
    StaffRole,
    UnitKind,
)
from sessions_app.models import (
    ActionProgramme,
    Attendance,
    Document,
    Exemption,
    Inspection,
    Member,
    MemberPlacement,
    Organisation,
    RemediationItem,
    SessionSite,
    StaffProfile,
    StudySession,
    WrittenReport,
)
from sessions_app.obligations import obligations_rebuild
from sessions_app.text import fold, parse_symbol

PERIOD_START = datetime.date(2023, 1, 1)
PERIOD_END = datetime.date(2024, 12, 31)
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")

# --- Vietnamese names ----------------------------------------------------------------

# Surnames with rough national frequencies (per mille).
SURNAMES = [
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 35),
    ("Huỳnh", 15),
    ("Phan", 45),
    ("Vũ", 25),
    ("Võ", 14),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Trịnh", 8),
    ("Mai", 6),
    ("Lương", 5),
    ("Cao", 5),
]
MIDDLE = {
    Gender.MALE: ["Văn", "Đức", "Minh", "Hữu", "Quốc", "Công", "Thanh", "Xuân", "Đình", "Ngọc"],
    Gender.FEMALE: ["Thị", "Thu", "Ngọc", "Thanh", "Kim", "Hồng", "Phương", "Thị Minh", "Mai"],
}
GIVEN = {
    Gender.MALE: [
        "An",
        "Bình",
        "Cường",
        "Dũng",
        "Hải",
        "Hùng",
        "Hưng",
        "Khánh",
        "Long",
        "Nam",
        "Phong",
        "Quang",
        "Sơn",
        "Thắng",
        "Trung",
        "Tuấn",
        "Việt",
        "Vinh",
        "Huy",
        "Đức",
        "Hiếu",
        "Lâm",
        "Tâm",
        "Tú",
        "Toàn",
        "Thành",
        "Thịnh",
        "Lộc",
        "Phúc",
        "Kiên",
        "Hoàng",
    ],
    Gender.FEMALE: [
        "Anh",
        "Chi",
        "Dung",
        "Hà",
        "Hằng",
        "Hạnh",
        "Hoa",
        "Hương",
        "Lan",
        "Linh",
        "Loan",
        "Mai",
        "Nga",
        "Ngọc",
        "Nhung",
        "Phương",
        "Quyên",
        "Thảo",
        "Thủy",
        "Trang",
        "Tuyết",
        "Vân",
        "Yến",
        "Huyền",
        "Giang",
        "Liên",
        "Oanh",
        "Thu",
        "Hiền",
        "Diệp",
    ],
}

# Thanh Hóa's districts, towns and cities, then the province's blocs.
DISTRICTS = [
    ("thành phố", "Thanh Hóa"),
    ("thành phố", "Sầm Sơn"),
    ("thị xã", "Bỉm Sơn"),
    ("thị xã", "Nghi Sơn"),
    ("huyện", "Bá Thước"),
    ("huyện", "Cẩm Thủy"),
    ("huyện", "Đông Sơn"),
    ("huyện", "Hà Trung"),
    ("huyện", "Hậu Lộc"),
    ("huyện", "Hoằng Hóa"),
    ("huyện", "Lang Chánh"),
    ("huyện", "Mường Lát"),
    ("huyện", "Nga Sơn"),
    ("huyện", "Ngọc Lặc"),
    ("huyện", "Như Thanh"),
    ("huyện", "Như Xuân"),
    ("huyện", "Nông Cống"),
    ("huyện", "Quan Hóa"),
    ("huyện", "Quan Sơn"),
    ("huyện", "Quảng Xương"),
    ("huyện", "Thạch Thành"),
    ("huyện", "Thiệu Hóa"),
    ("huyện", "Thọ Xuân"),
    ("huyện", "Thường Xuân"),
    ("huyện", "Triệu Sơn"),
    ("huyện", "Vĩnh Lộc"),
    ("huyện", "Yên Định"),
]
BLOCS = [
    "Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh",
    "Đảng bộ Quân sự tỉnh",
    "Đảng bộ Công an tỉnh",
]


def district_units(count: int) -> list[tuple[str, str, str]]:
    """(name, kind, sector) of the province's units: mostly districts, the blocs last, as at
    scale 1 (27 districts, 3 blocs)."""
    blocs = min(len(BLOCS), count // 10)
    districts = [
        (f"Đảng bộ {kind} {name}", UnitKind.DISTRICT, Sector.MIXED)
        for kind, name in DISTRICTS[: count - blocs]
    ]
    return districts + [(name, UnitKind.BLOC, Sector.AGENCY) for name in BLOCS[:blocs]]


COMMUNES = [
    "Dân Lực",
    "Dân Lý",
    "Dân Quyền",
    "Hợp Thành",
    "Hợp Lý",
    "Minh Sơn",
    "Nông Trường",
    "Thọ Dân",
    "Thọ Tân",
    "Xuân Lộc",
    "Xuân Thịnh",
    "An Nông",
    "Đồng Lợi",
    "Đồng Thắng",
    "Khuyến Nông",
    "Tân Ninh",
    "Thái Hòa",
    "Vân Sơn",
    "Hải Lĩnh",
    "Hải Châu",
    "Quảng Bình",
    "Quảng Đức",
    "Hoằng Phong",
    "Hoằng Đạo",
    "Thiệu Toán",
    "Yên Trường",
    "Vĩnh Hùng",
    "Nga Điền",
    "Cẩm Tâm",
    "Ngọc Trung",
]
AGENCIES = [
    ("Chi bộ Phòng Tài chính – Kế hoạch", Sector.AGENCY),
    ("Chi bộ Phòng Nội vụ", Sector.AGENCY),
    ("Chi bộ Văn phòng Huyện ủy", Sector.AGENCY),
    ("Chi bộ Trường THCS", Sector.SCHOOL),
    ("Chi bộ Trường Tiểu học", Sector.SCHOOL),
    ("Đảng bộ Trường THPT", Sector.SCHOOL),
    ("Đảng bộ Trung tâm Y tế", Sector.AGENCY),
    ("Đảng bộ Công ty Điện lực", Sector.ENTERPRISE),
    ("Chi bộ Ngân hàng Nông nghiệp", Sector.ENTERPRISE),
    ("Đảng bộ Ban Chỉ huy Quân sự", Sector.ARMED_FORCES),
    ("Đảng bộ Công an", Sector.ARMED_FORCES),
]

# Documents studied in the period: (symbol, issuing body, issued on, title, report required).
DOCUMENTS = [
    ("96-QĐ/TW", "Bộ Chính trị", datetime.date(2023, 2, 2), "Quy định về lấy phiếu tín nhiệm đối với chức vụ lãnh đạo, quản lý trong hệ thống chính trị", True),
    ("05-KH/TU", "Ban Thường vụ Tỉnh ủy", datetime.date(2023, 3, 1), "Kế hoạch học tập, làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh năm 2023", False),
    ("12-HD/BTGTU", "Ban Tuyên giáo Tỉnh ủy", datetime.date(2023, 4, 10), "Hướng dẫn sinh hoạt chính trị chuyên đề năm 2023", False),
    ("114-QĐ/TW", "Bộ Chính trị", datetime.date(2023, 7, 11), "Quy định về kiểm soát quyền lực và phòng, chống tham nhũng, tiêu cực trong công tác cán bộ", True),
    ("117-QĐ/TW", "Bộ Chính trị", datetime.date(2023, 8, 18), "Quy định của Bộ Chính trị ban hành năm 2023", True),
    ("41-NQ/TW", "Ban Chấp hành Trung ương", datetime.date(2023, 10, 10), "Về xây dựng và phát huy vai trò của đội ngũ doanh nhân Việt Nam trong thời kỳ mới", True),
    ("131-QĐ/TW", "Bộ Chính trị", datetime.date(2023, 10, 27), "Quy định về kiểm soát quyền lực, phòng, chống tham nhũng, tiêu cực trong công tác kiểm tra, giám sát, thi hành kỷ luật đảng", True),
    ("42-NQ/TW", "Ban Chấp hành Trung ương", datetime.date(2023, 11, 24), "Về tiếp tục đổi mới, nâng cao chất lượng chính sách xã hội", True),
    ("43-NQ/TW", "Ban Chấp hành Trung ương", datetime.date(2023, 11, 24), "Về tiếp tục phát huy truyền thống, sức mạnh đại đoàn kết toàn dân tộc", False),
    ("44-NQ/TW", "Ban Chấp hành Trung ương", datetime.date(2023, 11, 24), "Về Chiến lược bảo vệ Tổ quốc trong tình hình mới", False),
    ("45-NQ/TW", "Ban Chấp hành Trung ương", datetime.date(2023, 11, 24), "Về tiếp tục xây dựng và phát huy vai trò của đội ngũ trí thức", False),
    ("02-KH/TU", "Ban Thường vụ Tỉnh ủy", datetime.date(2024, 1, 15), "Kế hoạch thực hiện các nghị quyết Hội nghị Trung ương 8 khóa XIII", False),
    ("18-HD/BTGTU", "Ban Tuyên giáo Tỉnh ủy", datetime.date(2024, 3, 5), "Hướng dẫn sinh hoạt chính trị chuyên đề năm 2024", False),
    ("144-QĐ/TW", "Bộ Chính trị", datetime.date(2024, 5, 9), "Quy định chuẩn mực đạo đức cách mạng của cán bộ, đảng viên trong giai đoạn mới", True),
    ("35-CT/TW", "Bộ Chính trị", datetime.date(2024, 6, 14), "Về đại hội đảng bộ các cấp tiến tới Đại hội đại biểu toàn quốc lần thứ XIV của Đảng", True),
    ("21-NQ/TU", "Ban Chấp hành Đảng bộ tỉnh", datetime.date(2024, 7, 2), "Về phát triển kinh tế tập thể trên địa bàn tỉnh", False),
    ("150-QĐ/TW", "Bộ Chính trị", datetime.date(2024, 7, 30), "Quy định của Bộ Chính trị ban hành năm 2024", True),
    ("09-CT/TU", "Ban Thường vụ Tỉnh ủy", datetime.date(2024, 8, 20), "Về tăng cường công tác phòng, chống thiên tai", False),
    ("80-KL/TW", "Bộ Chính trị", datetime.date(2024, 9, 10), "Kết luận của Bộ Chính trị ban hành năm 2024", False),
    ("30-HD/BTGTU", "Ban Tuyên giáo Tỉnh ủy", datetime.date(2024, 10, 1), "Hướng dẫn tuyên truyền kỷ niệm các ngày lễ lớn năm 2025", False),
]  # fmt: skip
DOCUMENT_TERM = "XIII"


@dataclasses.dataclass(frozen=True)
class Shape:
    """How many units and members a scale means; per-unit figures do not depend on it."""

    districts: int
    grassroots: int
    cells: int
    members: int

    @classmethod
    def for_scale(cls, scale: float) -> "Shape":
        grassroots = max(2, round(1_500 * scale))
        return cls(
            districts=min(max(2, round(30 * scale)), grassroots, len(DISTRICTS) + len(BLOCS)),
            grassroots=grassroots,
            cells=max(grassroots, round(10_000 * scale)),
            members=max(60, round(250_000 * scale)),
        )


MAIN_SESSIONS_PER_GRASSROOTS = 15  # ~18 documents, three sessions covering two of them
DISTRICT_WIDE_DOCUMENTS = 2  # studied by a district-wide conference (radio or online)
MAKEUP_SHARE = 0.1  # main sessions followed by a make-up session for the absent
PROVINCE_CONFERENCES = 4  # counts-only online conferences with connected sites


class Sink:
    """Rows for one table, written in batches: COPY on PostgreSQL, executemany elsewhere.

    `columns` are the attribute names every row gives, in order; the table's other
    columns take their field default, so a new field with a default needs no change here.
    """

    BATCH = 50_000

    def __init__(self, model: type[models.Model], columns: list[str]):
        self.model = model
        self.table = model._meta.db_table
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise ValueError(f"{self.table}: no columns {sorted(unknown)}")
        self.columns = list(columns)
        self.defaults = []
        for name, field in fields.items():
            if name in columns:
                continue
            default = None if field.null and not field.has_default() else field.get_default()
            if default is None and not field.null:
                raise ValueError(f"{self.table}.{name} needs a value")
            self.columns.append(name)
            self.defaults.append(default)
        self.defaults = tuple(self.defaults)
        self.postgres = connection.vendor == "postgresql"
        self.adapters = None if self.postgres else [self._adapter(fields[c]) for c in self.columns]
        self.rows: list[tuple] = []
        self.count = 0

    @staticmethod
    def _adapter(field) -> Callable | None:
        internal = field.get_internal_type()
        if internal == "DateTimeField":
            return connection.ops.adapt_datetimefield_value
        if internal == "DateField":
            return connection.ops.adapt_datefield_value
        if internal == "DecimalField":
            return lambda v: None if v is None else str(v)
        return None

    def add(self, *values) -> None:
        self.rows.append(values + self.defaults)
        if len(self.rows) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        table = connection.ops.quote_name(self.table)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                adapted = [
                    tuple(v if a is None else a(v) for a, v in zip(self.adapters, row, strict=True))
                    for row in self.rows
                ]
                cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", adapted)
        self.count += len(self.rows)
        self.rows = []


# The tables the generator fills with ids of its own (COPY or bulk inserts), whose sequences
# it moves past them at the end; documents, shared with other provinces, are added apart.
WRITTEN_WITH_IDS = (
    Organisation,
    Member,
    MemberPlacement,
    Exemption,
    StudySession,
    StudySession.documents.through,
    StudySession.participating_units.through,
    SessionSite,
    Attendance,
    WrittenReport,
    ActionProgramme,
    Inspection,
    Inspection.documents.through,
    RemediationItem,
)


def _next_ids(*model_list) -> dict:
    return {m: (m._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1 for m in model_list}


@dataclasses.dataclass
class Unit:
    id: int
    path: str
    kind: str
    name: str
    code: str
    sector: str
    parent: "Unit | None" = None
    children: list = dataclasses.field(default_factory=list)
    # Where members sit: this unit's placements as (member index, start, end) ordinals.
    placements: list = dataclasses.field(default_factory=list)

    def leaves(self) -> list["Unit"]:
        """The units beneath (or this one) where members are placed."""
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]


class ProvinceGenerator:
    """Builds the province in memory as plain tuples and streams it into the tables."""

    def __init__(self, *, scale: float, seed: int, log: Callable[[str], None] = print):
        self.scale = scale
        self.seed = seed
        self.shape = Shape.for_scale(scale)
        self.rng = random.Random(seed)
        self.log = log
        self.counts: dict[str, int] = {}
        self.started = time.perf_counter()

    # --- entry point ----------------------------------------------------------------

    @transaction.atomic
    def run(self) -> dict[str, int]:
        self.prefix = f"MP{self.seed}"
        if Organisation.objects.filter(code=self.prefix).exists():
            raise ValueError(
                f"Đã có đơn vị mã {self.prefix}: tỉnh với seed {self.seed} đã được sinh. "
                "Hãy dùng seed khác hoặc một cơ sở dữ liệu trống."
            )
        self.ids = _next_ids(*WRITTEN_WITH_IDS)
        self.build_tree()
        self.build_documents()
        self.build_users()
        self.build_members()
        self.build_sessions()
        self.build_programmes_and_inspections()
        self.reset_sequences()
        self.step("done writing")
        return self.counts

    def step(self, what: str) -> None:
        self.log(f"{time.perf_counter() - self.started:7.1f} s  {what}")

    def take_id(self, model) -> int:
        value = self.ids[model]
        self.ids[model] += 1
        return value

    def finish(self, sink: Sink, label: str) -> None:
        sink.flush()
        self.counts[label] = self.counts.get(label, 0) + sink.count

    # --- the tree -------------------------------------------------------------------

    def build_tree(self) -> None:
        shape, rng = self.shape, self.rng
        last_root = Organisation.objects.get_last_root_node()
        root_step = Organisation._str2int(last_root.path) + 1 if last_root else 1
        step = Organisation.steplen

        def child_path(parent_path: str, n: int) -> str:
            return parent_path + Organisation._int2str(n).rjust(step, "0")

        province = Unit(
            id=self.take_id(Organisation),
            path=child_path("", root_step),
            kind=UnitKind.PROVINCE,
            name="Đảng bộ tỉnh Thanh Hóa (dữ liệu mô phỏng)",
            code=self.prefix,
            sector=Sector.MIXED,
        )
        self.province = province
        chosen = district_units(shape.districts)
        grassroots_left, cells_left = shape.grassroots, shape.cells
        for d, (name, kind, sector) in enumerate(chosen):
            district = Unit(
                id=self.take_id(Organisation),
                path=child_path(province.path, d + 1),
                kind=kind,
                name=name,
                code=f"{self.prefix}-H{d + 1:02d}",
                sector=sector,
                parent=province,
            )
            province.children.append(district)
            n_grassroots = grassroots_left // (len(chosen) - d)
            grassroots_left -= n_grassroots
            n_cells = cells_left // (len(chosen) - d)
            cells_left -= n_cells
            self._grassroots(district, n_grassroots, n_cells, child_path, rng)
        self.districts = province.children
        self.grassroots = [g for d in self.districts for g in d.children]
        self.leaves = [leaf for g in self.grassroots for leaf in g.leaves()]

        sink = Sink(
            Organisation,
            [
                "id",
                "path",
                "depth",
                "numchild",
                "code",
                "name",
                "kind",
                "sector",
                "reported_grassroots",
                "reported_cells",
                "search_text",
            ],
        )

        def write(unit: Unit, depth: int) -> None:
            leaves = unit.leaves()
            grassroots = len({leaf.path[: 3 * step] for leaf in leaves}) if depth <= 2 else None
            cells = sum(leaf.kind == UnitKind.CELL for leaf in leaves) if unit.children else None
            sink.add(
                unit.id,
                unit.path,
                depth,
                len(unit.children),
                unit.code,
                unit.name,
                unit.kind,
                unit.sector,
                grassroots,
                cells,
                fold(f"{unit.code} {unit.name}"),
            )
            for child in unit.children:
                write(child, depth + 1)

        write(province, 1)
        self.finish(sink, "tổ chức đảng")
        self.step(
            f"{len(self.districts)} districts, {len(self.grassroots)} grassroots, "
            f"{len(self.leaves)} units with members"
        )

    def _grassroots(self, district, n_grassroots, n_cells, child_path, rng) -> None:
        # A fifth are grassroots cells (members sit in them directly), the rest committees
        # whose cells share out the district's cells.
        n_cells_of_committees = n_cells - n_grassroots // 5
        committees = n_grassroots - n_grassroots // 5
        for g in range(n_grassroots):
            is_cell = g >= committees
            if district.kind == UnitKind.BLOC or rng.random() < 0.3:
                base, sector = AGENCIES[rng.randrange(len(AGENCIES))]
                place = DISTRICTS[rng.randrange(len(DISTRICTS))][1]
                name = f"{base} {place}"
                if is_cell:
                    name = name.replace("Đảng bộ", "Chi bộ", 1)
                elif name.startswith("Chi bộ"):
                    name = name.replace("Chi bộ", "Đảng bộ", 1)
            else:
                commune = COMMUNES[rng.randrange(len(COMMUNES))]
                name = f"{'Chi bộ' if is_cell else 'Đảng bộ'} xã {commune}"
                sector = Sector.COMMUNE
            unit = Unit(
                id=self.take_id(Organisation),
                path=child_path(district.path, g + 1),
                kind=UnitKind.GRASSROOTS_CELL if is_cell else UnitKind.GRASSROOTS_COMMITTEE,
                name=name,
                code=f"{district.code}-C{g + 1:03d}",
                sector=sector,
                parent=district,
            )
            district.children.append(unit)
            if is_cell:
                continue
            share = n_cells_of_committees // (committees - g)
            n_cells_of_committees -= share
            for c in range(max(1, share)):
                if sector == Sector.COMMUNE:
                    cell_name = f"Chi bộ thôn {c + 1}"
                else:
                    cell_name = f"Chi bộ {['Phòng', 'Tổ', 'Bộ phận', 'Khoa'][c % 4]} {c + 1}"
                unit.children.append(
                    Unit(
                        id=self.take_id(Organisation),
                        path=child_path(unit.path, c + 1),
                        kind=UnitKind.CELL,
                        name=cell_name,
                        code=f"{unit.code}-{c + 1:02d}",
                        sector=sector,
                        parent=unit,
                    )
                )

    # --- documents and the staff who record -------------------------------------------

    def build_documents(self) -> None:
        existing = {(d.symbol, d.term): d for d in Document.objects.filter(term=DOCUMENT_TERM)}
        next_id = _next_ids(Document)[Document]
        sink = Sink(
            Document,
            [
                "id",
                "symbol",
                "number",
                "kind",
                "issuer",
                "issuing_body",
                "issued_on",
                "title",
                "term",
                "report_required",
                "search_text",
            ],
        )
        self.documents = []  # (id, issued_on ordinal, report_required)
        for symbol, body, issued_on, title, required in DOCUMENTS:
            parsed = parse_symbol(symbol)
            canonical = str(parsed)
            found = existing.get((canonical, DOCUMENT_TERM))
            if found is not None:
                self.documents.append(
                    (found.pk, found.issued_on.toordinal(), found.report_required)
                )
                continue
            sink.add(
                next_id,
                canonical,
                parsed.number,
                parsed.kind,
                parsed.issuer,
                body,
                issued_on,
                title,
                DOCUMENT_TERM,
                required,
                fold(f"{canonical} {title} {body}"),
            )
            self.documents.append((next_id, issued_on.toordinal(), required))
            next_id += 1
        self.documents.sort(key=lambda d: d[1])
        self.finish(sink, "văn bản")
        self.doc_required = {doc_id: required for doc_id, _, required in self.documents}
        self.doc_issued = {doc_id: issued for doc_id, issued, _ in self.documents}

    def build_users(self) -> None:
        """One data-entry login per district: it records the district's attendance."""
        user_model = get_user_model()
        self.recorder = {}
        for district in self.districts:
            user = user_model(username=f"nhaplieu-{district.code.lower()}", is_staff=True)
            user.set_unusable_password()  # generated staff never log in
            user.save()
            StaffProfile.objects.create(user=user, unit_id=district.id, role=StaffRole.DATA_ENTRY)
            self.recorder[district.id] = user.pk
        self.counts["tài khoản nhập liệu"] = len(self.recorder)

    # --- members, placements, exemptions ----------------------------------------------

    def build_members(self) -> None:
        rng, n = self.rng, self.shape.members
        leaves = self.leaves
        start, end = PERIOD_START.toordinal(), PERIOD_END.toordinal()
        # Uneven cells: weights between 0.4 and 1.8 of the mean.
        weights = [0.4 + 1.4 * rng.random() for _ in leaves]
        homes = rng.choices(range(len(leaves)), weights=weights, k=n)
        homes.sort()  # members numbered cell by cell, as a roster import would
        surnames, surname_weights = zip(*SURNAMES, strict=True)
        member_sink = Sink(
            Member,
            [
                "id",
                "code",
                "card_number",
                "full_name",
                "birth_date",
                "gender",
                "unit_id",
                "joined_on",
                "full_member_on",
                "committee_role",
                "is_leader",
                "status",
                "search_text",
            ],
        )
        placement_sink = Sink(
            MemberPlacement, ["id", "member_id", "unit_id", "started_on", "ended_on"]
        )
        exemption_sink = Sink(Exemption, ["id", "member_id", "started_on", "ended_on", "reason"])
        first_id = self.ids[Member]
        self.member_ids = list(range(first_id, first_id + n))
        self.ids[Member] += n
        self.joined = [0] * n
        self.cadre = bytearray(n)
        self.exempt: dict[int, tuple[int, int]] = {}
        previous_home, seat = None, 0
        for m in range(n):
            home = leaves[homes[m]]
            seat = 0 if homes[m] != previous_home else seat + 1
            previous_home = homes[m]
            gender = Gender.FEMALE if rng.random() < 0.42 else Gender.MALE
            name = (
                f"{rng.choices(surnames, surname_weights)[0]} "
                f"{rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"
            )
            newcomer = rng.random() < 0.12
            if newcomer:
                joined = rng.randint(start, end - 60)
                birth = joined - rng.randint(20 * 365, 35 * 365)
            else:
                joined = rng.randint(datetime.date(1975, 1, 1).toordinal(), start - 30)
                birth = joined - rng.randint(19 * 365, 40 * 365)
            full_on = joined + 365 if joined + 365 <= end else None
            role = (
                CommitteeRole.SECRETARY
                if seat == 0
                else CommitteeRole.DEPUTY_SECRETARY
                if seat == 1
                else CommitteeRole.COMMITTEE_MEMBER
                if seat == 2 and home.kind == UnitKind.GRASSROOTS_CELL
                else CommitteeRole.NONE
            )
            leader = rng.random() < 0.06
            self.cadre[m] = 1 if leader or role else 0
            self.joined[m] = joined
            member_id = self.member_ids[m]
            code = f"{self.prefix}-{m + 1:07d}"
            # Moves: 2 % change cell in the period, 0.5 % leave the province.
            unit, status = home, MemberStatus.ACTIVE
            moved_on = None
            roll = rng.random()
            if roll < 0.025:
                moved_on = rng.randint(max(joined, start) + 30, end - 30)
                if roll < 0.005:
                    unit, status = None, MemberStatus.TRANSFERRED_OUT
                else:
                    district = (
                        home.parent if home.kind == UnitKind.GRASSROOTS_CELL else home.parent.parent
                    )
                    candidates = [leaf for g in district.children for leaf in g.leaves()]
                    unit = rng.choice(candidates)
                    if unit is home:
                        unit, moved_on = home, None
            home.placements.append((m, joined, moved_on))
            placement_sink.add(
                self.take_id(MemberPlacement),
                member_id,
                home.id,
                datetime.date.fromordinal(joined),
                datetime.date.fromordinal(moved_on) if moved_on else None,
            )
            if moved_on and unit is not None:
                unit.placements.append((m, moved_on, None))
                placement_sink.add(
                    self.take_id(MemberPlacement),
                    member_id,
                    unit.id,
                    datetime.date.fromordinal(moved_on),
                    None,
                )
            card = f"{80_000_000 + self.seed * 1_000_000 + m:09d}" if self.seed < 100 else ""
            member_sink.add(
                member_id,
                code,
                card,
                name,
                datetime.date.fromordinal(birth),
                gender,
                unit.id if unit else None,
                datetime.date.fromordinal(joined),
                datetime.date.fromordinal(full_on) if full_on else None,
                role,
                leader,
                status,
                fold(f"{code} {card} {name}"),
            )
            if rng.random() < 0.015:  # exempted: old age, illness
                ex_start = rng.randint(start, end - 90)
                ex_end = ex_start + rng.randint(90, 270) if rng.random() < 0.4 else None
                self.exempt[m] = (ex_start, ex_end or 10**7)
                exemption_sink.add(
                    self.take_id(Exemption),
                    member_id,
                    datetime.date.fromordinal(ex_start),
                    datetime.date.fromordinal(ex_end) if ex_end else None,
                    rng.choice(["Tuổi cao, sức yếu", "Ốm đau dài ngày", "Điều trị bệnh"]),
                )
        self.finish(member_sink, "đảng viên")
        self.finish(placement_sink, "quá trình sinh hoạt")
        self.finish(exemption_sink, "miễn sinh hoạt")
        self.step(f"{n:,} members")

    # --- who is required at a session: the as-of definition, on the in-memory tree --------

    def required(self, units: Iterable[Unit], day: int, key_cadres: bool) -> list[int]:
        """Member indices placed in these subtrees on the day, joined, not exempted."""
        exempt, cadre, joined = self.exempt, self.cadre, self.joined
        found = []
        for unit in units:
            for leaf in unit.leaves():
                for m, begin, until in leaf.placements:
                    if begin > day or (until is not None and day >= until) or joined[m] > day:
                        continue
                    if key_cadres and not cadre[m]:
                        continue
                    window = exempt.get(m)
                    if window is not None and window[0] <= day <= window[1]:
                        continue
                    found.append(m)
        return found

    # --- sessions, attendance, written reports ----------------------------------------

    def build_sessions(self) -> None:
        rng = self.rng
        self.session_sink = Sink(
            StudySession,
            [
                "id",
                "title",
                "organiser_id",
                "audience",
                "format",
                "held_on",
                "location",
                "presenters",
                "makeup_of_id",
                "discipline_remarks",
                "reported_expected",
                "reported_attended",
                "reported_site_count",
                "reported_rate",
                "search_text",
            ],
        )
        self.session_docs = Sink(
            StudySession.documents.through, ["id", "studysession_id", "document_id"]
        )
        self.session_units = Sink(
            StudySession.participating_units.through, ["id", "studysession_id", "organisation_id"]
        )
        self.attendance = Sink(
            Attendance, ["id", "session_id", "member_id", "status", "recorded_by_id", "recorded_at"]
        )
        self.sites = Sink(
            SessionSite, ["id", "session_id", "name", "unit_id", "expected", "attended"]
        )
        # Written reports are collected per (member, document) and written at the end:
        # the first study that required the member places the report.
        self.owed: dict[int, tuple[int, int]] = {}  # member*64 + doc slot -> (session, day)
        self.doc_slot = {doc_id: i for i, (doc_id, _, _) in enumerate(self.documents)}
        required_docs = [d for d, _, r in self.documents if r]

        end = PERIOD_END.toordinal()
        for district in self.districts:
            recorder = self.recorder[district.id]
            # Key cadres of the district study each document that needs a report first.
            for doc_id in required_docs:
                day = min(self.doc_issued[doc_id] + rng.randint(5, 20), end)
                self.session(
                    organiser=district,
                    units=[district],
                    docs=[doc_id],
                    day=day,
                    audience=Audience.KEY_CADRES,
                    fmt=SessionFormat.HYBRID,
                    recorder=recorder,
                    title=f"Hội nghị cán bộ chủ chốt quán triệt {self._symbols([doc_id])}",
                )
            wide = rng.sample([d for d, _, _ in self.documents], DISTRICT_WIDE_DOCUMENTS)
            for doc_id in wide:
                self.session(
                    organiser=district,
                    units=[district],
                    docs=[doc_id],
                    day=min(self.doc_issued[doc_id] + rng.randint(20, 60), end),
                    audience=Audience.ALL_MEMBERS,
                    fmt=rng.choice([SessionFormat.RADIO, SessionFormat.ONLINE]),
                    recorder=recorder,
                    title=f"Hội nghị trực tuyến học tập {self._symbols([doc_id])}",
                    makeup=True,
                )
            others = [d for d, _, _ in self.documents if d not in wide]
            # Small grassroots cells of agencies share a class three by three.
            small = [g for g in district.children if g.kind == UnitKind.GRASSROOTS_CELL]
            groups = [small[i : i + 3] for i in range(0, len(small), 3)]
            groups += [[g] for g in district.children if g.kind != UnitKind.GRASSROOTS_CELL]
            for group in groups:
                organiser = district if len(group) > 1 else group[0]
                for docs in self._group_documents(others):
                    if rng.random() < 0.03:  # a unit that never studied it
                        continue
                    day = min(max(self.doc_issued[d] for d in docs) + rng.randint(10, 75), end)
                    fmt = rng.choices(
                        [SessionFormat.IN_PERSON, SessionFormat.ONLINE, SessionFormat.HYBRID],
                        weights=[70, 15, 15],
                    )[0]
                    self.session(
                        organiser=organiser,
                        units=group,
                        docs=docs,
                        day=day,
                        audience=Audience.ALL_MEMBERS,
                        fmt=fmt,
                        recorder=recorder,
                        title=f"Hội nghị học tập, quán triệt {self._symbols(docs)}",
                        makeup=rng.random() < MAKEUP_SHARE,
                    )
            self.step(f"sessions of {district.name}")
        self.province_conferences()
        for sink, label in [
            (self.session_sink, "hội nghị"),
            (self.session_docs, "văn bản của hội nghị"),
            (self.session_units, "đơn vị tham gia"),
            (self.sites, "điểm cầu"),
            (self.attendance, "điểm danh"),
        ]:
            self.finish(sink, label)
        self.write_reports()

    def _symbols(self, docs: list[int]) -> str:
        return ", ".join(self.symbol_of[d] for d in docs)

    @property
    def symbol_of(self) -> dict[int, str]:
        if not hasattr(self, "_symbol_of"):
            ids = [d for d, _, _ in self.documents]
            self._symbol_of = dict(Document.objects.filter(pk__in=ids).values_list("pk", "symbol"))
        return self._symbol_of

    def _group_documents(self, docs: list[int]) -> list[list[int]]:
        """The documents in date order, in MAIN_SESSIONS_PER_GRASSROOTS sessions."""
        pairs = max(0, len(docs) - MAIN_SESSIONS_PER_GRASSROOTS)
        starts = sorted(self.rng.sample(range(0, len(docs) - 1, 2), min(pairs, len(docs) // 2)))
        groups, i = [], 0
        while i < len(docs):
            if starts and starts[0] == i:
                starts.pop(0)
                groups.append(docs[i : i + 2])
                i += 2
            else:
                groups.append([docs[i]])
                i += 1
        return groups

    def session(
        self,
        *,
        organiser,
        units,
        docs,
        day,
        audience,
        fmt,
        recorder,
        title,
        makeup=False,
        makeup_of=None,
        only=None,
    ) -> int:
        rng = self.rng
        session_id = self.take_id(StudySession)
        held_on = datetime.date.fromordinal(day)
        self.session_sink.add(
            session_id,
            title,
            organiser.id,
            audience,
            fmt,
            held_on,
            f"Hội trường {organiser.name}",
            "",
            makeup_of,
            "Một số đồng chí đi muộn." if rng.random() < 0.2 else "",
            None,
            None,
            None,
            None,
            fold(title),
        )
        for doc_id in docs:
            self.session_docs.add(self.take_id(StudySession.documents.through), session_id, doc_id)
        for unit in units:
            self.session_units.add(
                self.take_id(StudySession.participating_units.through), session_id, unit.id
            )
        if only is None:
            members = self.required(units, day, audience == Audience.KEY_CADRES)
        else:
            members = only
        recorded_at = datetime.datetime.combine(held_on, datetime.time(17, 30), LOCAL)
        absent = []
        slots = [self.doc_slot[d] for d in docs if self.doc_required[d]]
        for m in members:
            roll = rng.random()
            if makeup_of is not None:
                status = (
                    AttendanceStatus.PRESENT if roll < 0.85 else AttendanceStatus.ABSENT_EXCUSED
                )
            elif roll < 0.90:
                status = AttendanceStatus.PRESENT
            elif roll < 0.94:
                status = AttendanceStatus.LATE
            elif roll < 0.98:
                status = AttendanceStatus.ABSENT_EXCUSED
            else:
                status = AttendanceStatus.ABSENT_UNEXCUSED
            self.attendance.add(
                self.take_id(Attendance),
                session_id,
                self.member_ids[m],
                status,
                recorder,
                recorded_at,
            )
            if status in (AttendanceStatus.ABSENT_EXCUSED, AttendanceStatus.ABSENT_UNEXCUSED):
                absent.append(m)
            for slot in slots:
                self.owed.setdefault(m * 64 + slot, (session_id, day))
        if makeup and absent:
            self.session(
                organiser=organiser,
                units=units,
                docs=docs,
                day=min(day + rng.randint(7, 21), PERIOD_END.toordinal()),
                audience=audience,
                fmt=SessionFormat.IN_PERSON,
                recorder=recorder,
                title=f"Học bù: {title}",
                makeup_of=session_id,
                only=absent,
            )
        return session_id

    def province_conferences(self) -> None:
        """Conferences of the provincial committee reported as counts per connected site."""
        rng = self.rng
        docs = [d for d, _, r in self.documents if r][:PROVINCE_CONFERENCES]
        for doc_id in docs:
            session_id = self.take_id(StudySession)
            day = self.doc_issued[doc_id] + rng.randint(10, 25)
            title = f"Hội nghị trực tuyến toàn tỉnh quán triệt {self._symbols([doc_id])}"
            expected_total = attended_total = 0
            n_sites = 0
            for district in self.districts:
                for k in range(rng.randint(2, 3)):
                    expected = rng.randint(60, 400)
                    attended = expected - rng.randint(0, expected // 20)
                    self.sites.add(
                        self.take_id(SessionSite),
                        session_id,
                        f"Điểm cầu {district.name}{'' if k == 0 else f' số {k + 1}'}",
                        district.id,
                        expected,
                        attended,
                    )
                    expected_total += expected
                    attended_total += attended
                    n_sites += 1
            self.session_sink.add(
                session_id,
                title,
                self.province.id,
                Audience.KEY_CADRES,
                SessionFormat.ONLINE,
                datetime.date.fromordinal(day),
                "Hội trường Tỉnh ủy và các điểm cầu",
                "Đồng chí Bí thư Tỉnh ủy\nĐồng chí Trưởng Ban Tuyên giáo Tỉnh ủy",
                None,
                "",
                expected_total,
                attended_total,
                n_sites,
                (Decimal(attended_total * 100) / expected_total).quantize(Decimal("0.01")),
                fold(title),
            )
            self.session_docs.add(self.take_id(StudySession.documents.through), session_id, doc_id)
            self.session_units.add(
                self.take_id(StudySession.participating_units.through),
                session_id,
                self.province.id,
            )

    def write_reports(self) -> None:
        rng = self.rng
        sink = Sink(
            WrittenReport,
            [
                "id",
                "member_id",
                "document_id",
                "session_id",
                "status",
                "submitted_on",
                "text",
                "relates_to_practice",
                "action_plan",
                "grade",
                "reviewed_on",
                "revision_count",
            ],
        )
        slot_doc = [d for d, _, _ in self.documents]
        end = PERIOD_END.toordinal()
        statuses = [
            ReportStatus.PASSED,
            ReportStatus.SUBMITTED,
            ReportStatus.REVISION_REQUESTED,
            ReportStatus.FAILED,
            ReportStatus.NOT_SUBMITTED,
        ]
        for key in sorted(self.owed):
            if rng.random() < 0.06:  # owed, never written
                continue
            session_id, day = self.owed[key]
            m, slot = divmod(key, 64)
            status = rng.choices(statuses, weights=[85, 7, 4, 1, 3])[0]
            submitted = None
            if status != ReportStatus.NOT_SUBMITTED:
                submitted = min(day + rng.randint(3, 25), end)
            plan = ""
            if self.cadre[m]:
                if rng.random() < 0.9:
                    plan = "Xây dựng kế hoạch hành động, phân công thực hiện trong đơn vị."
                elif status == ReportStatus.PASSED:
                    status = ReportStatus.REVISION_REQUESTED  # a leader's report without a plan
            reviewed = status in (
                ReportStatus.PASSED,
                ReportStatus.REVISION_REQUESTED,
                ReportStatus.FAILED,
            )
            grade = None
            if reviewed:
                grade = Decimal(rng.randint(50 if status == ReportStatus.PASSED else 20, 95)) / 10
            sink.add(
                self.take_id(WrittenReport),
                self.member_ids[m],
                slot_doc[slot],
                session_id,
                status,
                datetime.date.fromordinal(submitted) if submitted else None,
                "Liên hệ thực tế nhiệm vụ được giao." if submitted else "",
                bool(submitted) and rng.random() < 0.8,
                plan,
                grade,
                datetime.date.fromordinal(min(submitted + rng.randint(1, 10), end))
                if reviewed
                else None,
                1 if status == ReportStatus.REVISION_REQUESTED else 0,
            )
        self.finish(sink, "bài thu hoạch")
        self.step(f"{self.counts['bài thu hoạch']:,} written reports")

    # --- action programmes and inspections ------------------------------------------------

    def build_programmes_and_inspections(self) -> None:
        rng = self.rng
        programmes = Sink(
            ActionProgramme, ["id", "unit_id", "document_id", "symbol", "issued_on", "title"]
        )
        inspections = Sink(
            Inspection,
            [
                "id",
                "inspecting_unit_id",
                "inspected_unit_id",
                "kind",
                "started_on",
                "ended_on",
                "leadership_documents_issued",
                "action_programme_built",
                "targets_met",
                "on_time",
                "conclusion",
            ],
        )
        inspection_docs = Sink(Inspection.documents.through, ["id", "inspection_id", "document_id"])
        items = Sink(
            RemediationItem,
            ["id", "inspection_id", "description", "due_on", "resolved_on", "resolution"],
        )
        required_docs = [d for d, _, r in self.documents if r]
        end = PERIOD_END.toordinal()
        for g in self.grassroots:
            for n, doc_id in enumerate(required_docs):
                if rng.random() < 0.8:
                    issued = min(self.doc_issued[doc_id] + rng.randint(20, 90), end)
                    programmes.add(
                        self.take_id(ActionProgramme),
                        g.id,
                        doc_id,
                        f"{n + 10}-CTr/ĐU",
                        datetime.date.fromordinal(issued),
                        f"Chương trình hành động thực hiện {self.symbol_of[doc_id]}",
                    )
            # The district inspects about a third of the studies.
            for doc_id in required_docs:
                if rng.random() >= 0.35:
                    continue
                began = min(self.doc_issued[doc_id] + rng.randint(120, 200), end - 5)
                inspection_id = self.take_id(Inspection)
                met = rng.random() < 0.6
                inspections.add(
                    inspection_id,
                    g.parent.id,
                    g.id,
                    InspectionKind.THEMATIC,
                    datetime.date.fromordinal(began),
                    datetime.date.fromordinal(began + 3),
                    True,
                    rng.random() < 0.85,
                    met,
                    met,
                    "Cơ bản thực hiện tốt việc học tập, quán triệt."
                    if met
                    else "Còn chậm tiến độ.",
                )
                inspection_docs.add(
                    self.take_id(Inspection.documents.through), inspection_id, doc_id
                )
                for k in range(0 if met else rng.randint(2, 4)):
                    due = began + 30 * (k + 1)
                    items.add(
                        self.take_id(RemediationItem),
                        inspection_id,
                        f"Khắc phục hạn chế số {k + 1}: bổ sung biên bản, danh sách học tập.",
                        datetime.date.fromordinal(due),
                        *(
                            (datetime.date.fromordinal(due - 5), "Đã bổ sung đầy đủ.")
                            if rng.random() < 0.5
                            else (None, "")
                        ),
                    )
        self.finish(programmes, "chương trình hành động")
        self.finish(inspections, "kiểm tra, giám sát")
        self.finish(inspection_docs, "văn bản của cuộc kiểm tra")
        self.finish(items, "yêu cầu khắc phục")

    def reset_sequences(self) -> None:
        tables = [Document, *WRITTEN_WITH_IDS]
        statements = connection.ops.sequence_reset_sql(no_style(), tables)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


def generate_province(*, scale: float, seed: int, log=print) -> dict[str, int]:
    """Generate the province, build its obligations, refresh the planner's statistics."""
    generator = ProvinceGenerator(scale=scale, seed=seed, log=log)
    counts = generator.run()
    started = time.perf_counter()
    province = Organisation.objects.get(pk=generator.province.id)
    alone = not Organisation.objects.filter(depth=1).exclude(pk=province.pk).exists()
    with transaction.atomic():
        # Alone in the database: rebuild everything, without the per-member scope.
        built = obligations_rebuild(root=None if alone else province)
    counts["nghĩa vụ học tập"] = built["attendance"]
    counts["nghĩa vụ viết bài thu hoạch"] = built["reports"]
    log(f"{time.perf_counter() - started:7.1f} s  obligations rebuilt")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return counts
