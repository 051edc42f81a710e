"""The figure registry: every figure of the compliance report, declared once.

A figure names the rows it counts (a family of rows in reports_app/selectors.py and a
condition on them), its Vietnamese label and definition, how it adds up the tree, which
date puts it in a period, and whether it links to its rows. The report table, the CSV and
XLSX exports, the print view, the matrix, the charts, the drill-down lists and the page
"Cách tính số liệu" all read this list: adding a figure is adding one entry.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Min, Q, Sum
from django.utils.formats import number_format

from sessions_app.choices import AttendanceStatus, ReportStatus

ATTENDED = AttendanceStatus.attended_values()
SUBMITTED = [
    ReportStatus.SUBMITTED,
    ReportStatus.PASSED,
    ReportStatus.REVISION_REQUESTED,
    ReportStatus.FAILED,
]

# How a figure adds up the tree.
SUM = "Cộng các đơn vị trực thuộc (và số liệu trực tiếp của đơn vị, nếu có)."
DISTINCT = "Đếm mỗi hội nghị một lần: hội nghị chung của nhiều đơn vị trực thuộc chỉ tính một lần ở dòng tổng."
EARLIEST = "Ngày sớm nhất trong các đơn vị trực thuộc."
OWN = "Của riêng đơn vị ở dòng đó (không cộng từ đơn vị trực thuộc)."
DERIVED = "Tính lại từ các số đã cộng (không cộng tỷ lệ của đơn vị trực thuộc)."

# Which date puts a figure's rows in the chosen period.
BY_SESSION = "Theo ngày hội nghị."
BY_STUDY = "Theo ngày học của hội nghị phát sinh nghĩa vụ viết bài."
BY_ISSUE = "Theo ngày ban hành chương trình."
BY_INSPECTION = "Theo ngày bắt đầu cuộc kiểm tra."
BY_ROW = "Theo kỳ của các số liệu dùng để tính."

# Attendance figures count only where members were on a roster (not counts-only sessions).
ROSTER = Q(counts_only=False)
ROSTER_BASIS = "theo điểm danh"
REPORTED_BASIS = "theo số liệu báo cáo"
MIXED_BASIS = "kết hợp điểm danh và số liệu báo cáo"


@dataclass(frozen=True)
class Context:
    """What a figure's rule may depend on besides its rows."""

    depth: int  # the depth of the report's root
    today: datetime.date


@dataclass(frozen=True)
class Figure:
    """One figure of a unit row."""

    key: str
    label: str
    help: str
    group: str
    family: str | None = None  # the rows it counts (reports_app.selectors.FAMILIES)
    # Which of the family's rows: a Q, or a function of the report's Context for rules that
    # depend on the root's depth or on today's date.
    where: Q | Callable[["Context"], Q] = field(default_factory=Q)
    measure: str = "count"  # count | sum:<field> | distinct:<field> | min:<field>
    rollup: str = SUM
    period: str = BY_SESSION
    kind: str = "count"  # count | date | rate | text | flag
    drill: bool = True  # links to the rows it counts
    table: bool = True  # a column of the report table
    export: bool = True  # a column of the CSV/XLSX export
    value: Callable[[Any], Any] | None = None  # computed from the row (no rows of its own)
    note: Callable[[Any], str] | None = None  # a small note in the table cell
    # Its condition reads only fields the family's tallies keep (sessions_app TallyBase
    # subclasses), so it can be counted from them.
    tallied: bool = True

    def condition(self, context: "Context") -> Q:
        return self.where(context) if callable(self.where) else self.where

    def aggregate(self, context: "Context", *, from_tallies: bool = False):
        """The SQL aggregate of this figure over its family's rows, or over their tallies
        (where each row stands for n of them)."""
        how, _, name = self.measure.partition(":")
        where = self.condition(context)
        if how == "count":
            return Sum("n", filter=where) if from_tallies else Count("pk", filter=where)
        if how == "distinct":
            return Count(name, filter=where, distinct=True)
        if how == "sum":
            return Sum(name, filter=where)
        return Min(name, filter=where)

    @property
    def counted(self) -> bool:
        """Counted from rows (as opposed to computed from other figures)."""
        return self.family is not None

    def of(self, row) -> Any:
        """This figure's value on a report row."""
        if self.value is not None:
            return self.value(row)
        return row.figures[self.key]


def suspected_copy_reports():
    from sessions_app.selectors import suspected_copies

    return suspected_copies().values("pk")


def estimated_sessions():
    from sessions_app.models import StudySession

    return StudySession.objects.filter(date_is_estimated=True).values("pk")


def percent(part, whole) -> Decimal | None:
    """part ÷ whole in percent, rounded half up to one decimal: the one rounding of the report."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def pct_text(value) -> str:
    """99,8% or 95% — the Vietnamese way."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{number_format(int(value), force_grouping=True)}%"
    return f"{number_format(value, decimal_pos=1, force_grouping=True)}%"


def participation(numbers) -> tuple[Decimal | None, str]:
    """The participation rate and its basis, from the parts a row adds up.

    Roster and reported counts combine by one rule: (attended + made up + reported
    attended) ÷ (required + reported expected). A unit with only a roster gets the roster's
    rate, one with only counts the reported rate, a parent weights both by their required
    numbers. Sessions that reported a rate but no headcount weigh nothing; when nothing
    else exists their rates are averaged.
    """
    roster = numbers["required"]
    reported = numbers["reported_rate_expected"] or 0
    attended = numbers["attended"] + numbers["made_up"] + (numbers["reported_rate_attended"] or 0)
    if roster and reported:
        return percent(attended, roster + reported), MIXED_BASIS
    if roster:
        return percent(attended, roster), ROSTER_BASIS
    if reported:
        return percent(attended, reported), REPORTED_BASIS
    if numbers["reported_rate_count"]:
        average = Decimal(numbers["reported_rate_sum"]) / numbers["reported_rate_count"]
        return average.quantize(Decimal("0.1"), ROUND_HALF_UP), REPORTED_BASIS
    return None, ""


def _first(row) -> datetime.date | None:
    f = row.figures
    return min(filter(None, [f["roster_first"], f["reported_first"]]), default=None)


def _first_estimated(row) -> str:
    f, first = row.figures, _first(row)
    estimated = [f["roster_first_estimated"], f["reported_first_estimated"]]
    return "≈" if first is not None and first in estimated else ""


def _days(row, day) -> int | None:
    if row.document is None or day is None:
        return None
    return (day - row.document.issued_on).days


def _days_note(days) -> str:
    return "" if days is None else f"({days} ngày)"


G_SESSIONS = "Hội nghị"
G_ROSTER = "Đảng viên tham gia học tập (điểm danh)"
G_REPORTED = "Số liệu báo cáo"
G_RATE = "Tỷ lệ tham gia"
G_WRITE = "Bài thu hoạch"
G_PROGRAMME = "Chương trình hành động"
G_INSPECTION = "Kiểm tra, giám sát"
G_VERDICT = "Kết quả"

FIGURES: list[Figure] = [
    # --- sessions -------------------------------------------------------------------
    Figure(
        "roster_sessions",
        "Hội nghị có đảng viên phải học",
        "Số hội nghị (không kể buổi học bù) mà đảng viên của đơn vị phải tham dự theo thành phần "
        "của hội nghị: hội nghị cán bộ chủ chốt chỉ tính cho đơn vị có cán bộ chủ chốt phải dự.",
        G_SESSIONS,
        family="attend",
        where=ROSTER,
        measure="distinct:session",
        rollup=DISTINCT,
        drill=False,  # the sessions list of "sessions" shows them
        table=False,
        export=False,
    ),
    Figure(
        "sessions",
        "Số hội nghị",
        "Số hội nghị có đảng viên của đơn vị phải học cộng số hội nghị báo cáo số liệu của đơn vị.",
        G_SESSIONS,
        rollup=DISTINCT,
        value=lambda row: row.figures["roster_sessions"] + row.figures["reported_sessions"],
        drill=True,
    ),
    Figure(
        "roster_first",
        "Hội nghị đầu tiên (điểm danh)",
        "Ngày sớm nhất của hội nghị mà đảng viên của đơn vị phải học.",
        G_SESSIONS,
        family="attend",
        where=ROSTER,
        measure="min:held_on",
        rollup=EARLIEST,
        kind="date",
        drill=False,
        table=False,
        export=False,
    ),
    Figure(
        "roster_first_estimated",
        "Ngày ước định sớm nhất (điểm danh)",
        "Ngày sớm nhất trong các hội nghị có ngày ước định.",
        G_SESSIONS,
        family="attend",
        # A semi-join on the few estimated sessions, not a join of every row to its session.
        where=lambda context: ROSTER & Q(session__in=estimated_sessions()),
        measure="min:held_on",
        rollup=EARLIEST,
        kind="date",
        drill=False,
        table=False,
        export=False,
    ),
    Figure(
        "reported_first",
        "Hội nghị đầu tiên (báo cáo)",
        "Ngày sớm nhất của hội nghị báo cáo số liệu của đơn vị.",
        G_SESSIONS,
        family="reported",
        measure="min:held_on",
        rollup=EARLIEST,
        kind="date",
        drill=False,
        table=False,
        export=False,
    ),
    Figure(
        "reported_first_estimated",
        "Ngày ước định sớm nhất (báo cáo)",
        "Ngày sớm nhất trong các hội nghị báo cáo số liệu có ngày ước định.",
        G_SESSIONS,
        family="reported",
        where=Q(date_is_estimated=True),
        measure="min:held_on",
        rollup=EARLIEST,
        kind="date",
        drill=False,
        table=False,
        export=False,
    ),
    Figure(
        "first_session",
        "Hội nghị đầu tiên",
        "Ngày của hội nghị đầu tiên mà đảng viên của đơn vị phải học (theo thành phần hội nghị), "
        "hoặc của hội nghị báo cáo số liệu đầu tiên của đơn vị, nếu sớm hơn.",
        G_SESSIONS,
        rollup=EARLIEST,
        kind="date",
        value=_first,
        drill=False,
        note=lambda row: _days_note(row.days_to_first),
    ),
    Figure(
        "first_estimated",
        "Ngày ước định",
        "Đánh dấu ≈ khi chính hội nghị đầu tiên có ngày ước định (nguồn không nêu ngày cụ thể).",
        G_SESSIONS,
        rollup=EARLIEST,
        kind="flag",
        value=_first_estimated,
        drill=False,
        table=False,
    ),
    Figure(
        "days_to_first",
        "Số ngày từ khi ban hành",
        "Số ngày từ ngày ban hành văn bản đến hội nghị đầu tiên (chỉ khi lọc theo một văn bản).",
        G_SESSIONS,
        rollup=EARLIEST,
        value=lambda row: row.days_to_first,
        drill=False,
        table=False,
    ),
    # --- roster attendance ------------------------------------------------------------
    Figure(
        "required",
        "Đảng viên phải học",
        "Số lượt đảng viên phải tham dự: mỗi đảng viên ở mỗi hội nghị một lượt, tính ở chi bộ "
        "đảng viên sinh hoạt vào ngày hội nghị; không tính đảng viên được miễn sinh hoạt, "
        "chưa vào Đảng hoặc không thuộc thành phần của hội nghị.",
        G_ROSTER,
        family="attend",
        where=ROSTER,
    ),
    Figure(
        "attended",
        "Tham dự",
        "Số lượt có mặt hoặc đi muộn trong các lượt phải học.",
        G_ROSTER,
        family="attend",
        where=ROSTER & Q(status__in=ATTENDED),
    ),
    Figure(
        "late",
        "Đi muộn",
        "Số lượt đi muộn (đã tính trong số tham dự).",
        G_ROSTER,
        family="attend",
        where=ROSTER & Q(status=AttendanceStatus.LATE),
    ),
    Figure(
        "excused",
        "Vắng có lý do",
        "Số lượt vắng có lý do trong các lượt phải học.",
        G_ROSTER,
        family="attend",
        where=ROSTER & Q(status=AttendanceStatus.ABSENT_EXCUSED),
    ),
    Figure(
        "unexcused",
        "Vắng không lý do",
        "Số lượt vắng không lý do trong các lượt phải học.",
        G_ROSTER,
        family="attend",
        where=ROSTER & Q(status=AttendanceStatus.ABSENT_UNEXCUSED),
    ),
    Figure(
        "not_recorded",
        "Chưa điểm danh",
        "Số lượt phải học chưa được điểm danh.",
        G_ROSTER,
        family="attend",
        where=ROSTER & Q(status=""),
        table=False,
    ),
    Figure(
        "made_up",
        "Đã học bù",
        "Số lượt vắng mặt đã được học bù: đảng viên có mặt ở buổi học bù của chính hội nghị đó. "
        "Lượt học bù được tính vào tỷ lệ tham gia.",
        G_ROSTER,
        family="attend",
        where=ROSTER & Q(made_up_by__isnull=False),
    ),
    # --- reported counts ----------------------------------------------------------------
    Figure(
        "reported_sessions",
        "Hội nghị báo cáo số liệu",
        "Số hội nghị chỉ báo cáo số lượng (không có danh sách điểm danh) được tính cho đơn vị: "
        "hội nghị của một đơn vị tính cho đơn vị đó; hội nghị chung của nhiều đơn vị tính cho "
        "đơn vị cấp trên gần nhất của các đơn vị ấy.",
        G_REPORTED,
        family="reported",
        table=False,
    ),
    Figure(
        "reported_expected",
        "Số được triệu tập (báo cáo)",
        "Tổng số được triệu tập do các hội nghị báo cáo số liệu của đơn vị báo cáo.",
        G_REPORTED,
        family="reported",
        measure="sum:reported_expected",
    ),
    Figure(
        "reported_attended",
        "Số tham dự (báo cáo)",
        "Tổng số tham dự do các hội nghị báo cáo số liệu của đơn vị báo cáo.",
        G_REPORTED,
        family="reported",
        measure="sum:reported_attended",
    ),
    Figure(
        "reported_sites",
        "Số điểm cầu (báo cáo)",
        "Tổng số điểm cầu do các hội nghị báo cáo số liệu của đơn vị báo cáo.",
        G_REPORTED,
        family="reported",
        measure="sum:reported_site_count",
        table=False,
    ),
    Figure(
        "reported_rate_expected",
        "Số được triệu tập dùng tính tỷ lệ",
        "Số được triệu tập của các hội nghị báo cáo đủ cả số được triệu tập và số tham dự.",
        G_REPORTED,
        family="reported",
        where=Q(reported_expected__isnull=False, reported_attended__isnull=False),
        measure="sum:reported_expected",
        table=False,
        export=False,
    ),
    Figure(
        "reported_rate_attended",
        "Số tham dự dùng tính tỷ lệ",
        "Số tham dự của các hội nghị báo cáo đủ cả số được triệu tập và số tham dự.",
        G_REPORTED,
        family="reported",
        where=Q(reported_expected__isnull=False, reported_attended__isnull=False),
        measure="sum:reported_attended",
        table=False,
        export=False,
    ),
    Figure(
        "reported_rate_sum",
        "Tổng các tỷ lệ báo cáo",
        "Tổng các tỷ lệ tham gia được báo cáo mà không kèm số người.",
        G_REPORTED,
        family="reported",
        measure="sum:reported_rate",
        drill=False,
        table=False,
        export=False,
    ),
    Figure(
        "reported_rate_count",
        "Số hội nghị chỉ báo cáo tỷ lệ",
        "Số hội nghị báo cáo tỷ lệ tham gia.",
        G_REPORTED,
        family="reported",
        where=Q(reported_rate__isnull=False),
        table=False,
        export=False,
    ),
    # --- participation ------------------------------------------------------------------
    Figure(
        "participation_rate",
        "Tỷ lệ tham gia (%)",
        "(Tham dự + đã học bù + số tham dự báo cáo) ÷ (đảng viên phải học + số được triệu tập "
        "báo cáo), làm tròn đến 0,1%. Chỉ tính số báo cáo của hội nghị báo cáo đủ hai số; "
        "nếu chỉ có tỷ lệ báo cáo thì lấy bình quân các tỷ lệ đó.",
        G_RATE,
        rollup=DERIVED,
        period=BY_ROW,
        kind="rate",
        value=lambda row: row.figures.participation_rate,
        drill=False,
        note=lambda row: row.figures.rate_basis,
    ),
    Figure(
        "rate_basis",
        "Cơ sở tính tỷ lệ",
        "Theo điểm danh (chỉ có danh sách), theo số liệu báo cáo (chỉ có số lượng) hoặc kết hợp "
        "cả hai; ghi ở mọi dòng.",
        G_RATE,
        rollup=DERIVED,
        period=BY_ROW,
        kind="text",
        value=lambda row: row.figures.rate_basis,
        drill=False,
        table=False,
    ),
    # --- written reports ------------------------------------------------------------------
    Figure(
        "reports_required",
        "Bài thu hoạch phải nộp",
        "Mỗi đảng viên một bài cho mỗi văn bản phải viết bài thu hoạch, phát sinh ở hội nghị "
        "đầu tiên về văn bản đó mà đảng viên phải học; tính ở chi bộ của đảng viên vào ngày "
        "học đó (không theo chi bộ hiện nay). Văn bản không yêu cầu viết bài không phát sinh bài.",
        G_WRITE,
        family="write",
        period=BY_STUDY,
    ),
    Figure(
        "submitted",
        "Đã nộp",
        "Bài phải nộp đã nộp (chờ chấm, đạt, không đạt hoặc yêu cầu viết lại).",
        G_WRITE,
        family="write",
        where=Q(report_status__in=SUBMITTED),
        period=BY_STUDY,
    ),
    Figure(
        "passed",
        "Bài đạt",
        "Bài phải nộp được chấm đạt.",
        G_WRITE,
        family="write",
        where=Q(report_status=ReportStatus.PASSED),
        period=BY_STUDY,
    ),
    Figure(
        "sent_back",
        "Yêu cầu viết lại",
        "Bài phải nộp đang bị yêu cầu viết lại.",
        G_WRITE,
        family="write",
        where=Q(report_status=ReportStatus.REVISION_REQUESTED),
        period=BY_STUDY,
    ),
    Figure(
        "failed",
        "Bài không đạt",
        "Bài phải nộp được chấm không đạt.",
        G_WRITE,
        family="write",
        where=Q(report_status=ReportStatus.FAILED),
        period=BY_STUDY,
        table=False,
    ),
    Figure(
        "suspected_copies",
        "Bài nghi sao chép",
        "Bài phải nộp mà lần nộp mới nhất còn cảnh báo nghi sao chép (giống bài khác cùng văn "
        "bản hoặc giống nội dung văn bản), chưa được người chấm bỏ qua.",
        G_WRITE,
        family="write",
        where=lambda context: Q(report__in=suspected_copy_reports()),
        period=BY_STUDY,
        tallied=False,  # a report's flags are not an input of the obligations
    ),
    Figure(
        "report_rate",
        "Tỷ lệ nộp bài (%)",
        "Đã nộp ÷ bài thu hoạch phải nộp, làm tròn đến 0,1%.",
        G_WRITE,
        rollup=DERIVED,
        period=BY_STUDY,
        kind="rate",
        value=lambda row: row.figures.report_rate,
        drill=False,
        table=False,
    ),
    Figure(
        "leaders",
        "Lãnh đạo phải có kế hoạch",
        "Bài phải nộp của cán bộ lãnh đạo, quản lý và cấp ủy viên (phải kèm kế hoạch hành động).",
        G_WRITE,
        family="write",
        where=Q(must_add_action_plan=True),
        period=BY_STUDY,
        table=False,
    ),
    Figure(
        "leaders_with_plan",
        "Lãnh đạo có kế hoạch hành động",
        "Trong số bài của cán bộ lãnh đạo, quản lý: bài đã nộp có kế hoạch hành động.",
        G_WRITE,
        family="write",
        where=Q(must_add_action_plan=True, has_action_plan=True, report_status__in=SUBMITTED),
        period=BY_STUDY,
        note=lambda row: f"/ {row.figures['leaders']}",
    ),
    # --- action programmes -------------------------------------------------------------------
    Figure(
        "own_first",
        "Ngày ban hành chương trình",
        "Ngày ban hành chương trình hành động của chính đơn vị ở dòng đó (sớm nhất nếu có nhiều "
        "văn bản); dùng để đánh giá đơn vị.",
        G_PROGRAMME,
        family="programme",
        # Within a child's subtree only the child's own; at the root only the root's own.
        where=lambda context: Q(unit__depth__lte=context.depth + 1),
        measure="min:issued_on",
        rollup=OWN,
        period=BY_ISSUE,
        kind="date",
        drill=False,
        note=lambda row: _days_note(row.days_to_programme),
    ),
    Figure(
        "days_to_programme",
        "Số ngày ban hành chương trình",
        "Số ngày từ ngày ban hành văn bản đến ngày ban hành chương trình hành động của đơn vị.",
        G_PROGRAMME,
        rollup=OWN,
        period=BY_ISSUE,
        value=lambda row: row.days_to_programme,
        drill=False,
        table=False,
    ),
    Figure(
        "programmes",
        "Chương trình hành động trong đơn vị",
        "Số chương trình hành động do đơn vị và các đơn vị trực thuộc ban hành.",
        G_PROGRAMME,
        family="programme",
        period=BY_ISSUE,
    ),
    # --- inspections ---------------------------------------------------------------------
    Figure(
        "inspections",
        "Cuộc kiểm tra",
        "Số cuộc kiểm tra, giám sát đối với đơn vị và các đơn vị trực thuộc.",
        G_INSPECTION,
        family="inspection",
        measure="distinct:pk",
        period=BY_INSPECTION,
    ),
    Figure(
        "concluded",
        "Có kết luận",
        "Số cuộc kiểm tra đã có kết luận.",
        G_INSPECTION,
        family="inspection",
        where=~Q(conclusion=""),
        measure="distinct:pk",
        period=BY_INSPECTION,
        table=False,
    ),
    Figure(
        "open_items",
        "Yêu cầu khắc phục chưa xong",
        "Số yêu cầu khắc phục của các cuộc kiểm tra trong kỳ chưa hoàn thành.",
        G_INSPECTION,
        family="remediation",
        where=Q(resolved_on__isnull=True),
        measure="distinct:pk",
        period=BY_INSPECTION,
    ),
    Figure(
        "overdue",
        "Quá hạn khắc phục",
        "Trong số yêu cầu chưa hoàn thành: đã quá hạn (tính đến ngày xem báo cáo).",
        G_INSPECTION,
        family="remediation",
        where=lambda context: Q(resolved_on__isnull=True, due_on__lt=context.today),
        measure="distinct:pk",
        period=BY_INSPECTION,
        table=False,
    ),
    # --- verdict -------------------------------------------------------------------------
    Figure(
        "verdict",
        "Kết luận",
        "Đạt khi đơn vị đã học tập và đạt mọi chỉ tiêu; xem lý do chưa đạt.",
        G_VERDICT,
        rollup=OWN,
        period=BY_ROW,
        kind="text",
        value=lambda row: row.verdict,
        drill=False,
        table=False,
    ),
    Figure(
        "reasons",
        "Lý do chưa đạt",
        "Các chỉ tiêu đơn vị chưa đạt: tỷ lệ tham gia, bài thu hoạch đã nộp, hội nghị đầu tiên "
        "và chương trình hành động đúng hạn (hai chỉ tiêu sau chỉ khi lọc theo một văn bản; "
        "chương trình hành động chỉ với cấp ủy ban hành chương trình).",
        G_VERDICT,
        rollup=OWN,
        period=BY_ROW,
        kind="text",
        value=lambda row: "; ".join(row.reasons),
        drill=False,
        table=False,
    ),
]
BY_KEY = {figure.key: figure for figure in FIGURES}
COUNTED = [figure for figure in FIGURES if figure.counted]
TABLE = [figure for figure in FIGURES if figure.table]
EXPORT = [figure for figure in FIGURES if figure.export]


def family_figures(family: str) -> list[Figure]:
    return [figure for figure in COUNTED if figure.family == family]


def groups(figures: list[Figure]) -> list[tuple[str, int]]:
    """Consecutive figures of one group, as (group, number of columns) for a table head."""
    spans: list[list] = []
    for figure in figures:
        if spans and spans[-1][0] == figure.group:
            spans[-1][1] += 1
        else:
            spans.append([figure.group, 1])
    return [(group, n) for group, n in spans]


# The rules the spec leaves open, as the page "Cách tính số liệu" states them.
RULES = [
    "Mỗi số liệu được tính từ các bản ghi nghĩa vụ: nghĩa vụ học tập (mỗi đảng viên phải "
    "dự một hội nghị là một bản ghi) và nghĩa vụ viết bài thu hoạch (mỗi đảng viên một bài "
    "cho mỗi văn bản phải viết bài). Mỗi số liệu dẫn tới đúng danh sách các bản ghi mà nó đếm.",
    "Đảng viên được tính ở chi bộ mình sinh hoạt vào ngày của nghĩa vụ: đảng viên chuyển "
    "sinh hoạt giữa hai hội nghị được tính ở chi bộ cũ cho hội nghị trước và ở chi bộ mới cho "
    "hội nghị sau; đảng viên vào Đảng sau một hội nghị không phải học hội nghị đó; đảng viên "
    "được miễn sinh hoạt vào ngày hội nghị không phải học; đảng viên dự bị và chính thức đều "
    "phải học.",
    "Hội nghị cán bộ chủ chốt chỉ tính cho cán bộ lãnh đạo, quản lý và cấp ủy viên mà hội "
    "nghị yêu cầu; hội nghị đầu tiên của một đơn vị là hội nghị đầu tiên mà đảng viên của "
    "đơn vị phải dự theo thành phần hội nghị.",
    "Một hội nghị chỉ được tính cho đơn vị có đảng viên phải dự hội nghị đó (hoặc, với hội "
    "nghị chỉ báo cáo số liệu, cho đơn vị được báo cáo).",
    "Buổi học bù không được tính là một hội nghị: đảng viên vắng mặt có mặt ở buổi học bù "
    "được tính là đã học bù cho hội nghị gốc, và được tính vào tỷ lệ tham gia.",
    "Số liệu điểm danh và số liệu báo cáo được kết hợp theo một quy tắc: tỷ lệ tham gia = "
    "(tham dự + đã học bù + số tham dự báo cáo) ÷ (đảng viên phải học + số được triệu tập báo "
    "cáo). Đơn vị chỉ có danh sách điểm danh có tỷ lệ theo điểm danh, đơn vị chỉ có số lượng "
    "có tỷ lệ theo số liệu báo cáo, đơn vị cấp trên cân hai loại theo số người phải học. "
    "Cơ sở tính được ghi ở mọi dòng; các đơn vị trực thuộc cộng lại bằng đơn vị cấp trên.",
    "Hội nghị chỉ báo cáo số liệu của nhiều đơn vị được tính cho đơn vị cấp trên gần nhất "
    "của các đơn vị đó; khi đó dòng \u201ctrực tiếp\u201d của đơn vị cấp trên ghi số liệu ấy.",
    "Kỳ báo cáo áp dụng cho từng loại số liệu: điểm danh theo ngày hội nghị; bài thu hoạch "
    "theo ngày của hội nghị phát sinh nghĩa vụ viết bài; chương trình hành động theo ngày ban "
    "hành; kiểm tra, giám sát theo ngày bắt đầu cuộc kiểm tra. Ngày \u201cĐến ngày\u201d "
    "không được trước \u201cTừ ngày\u201d.",
    "Lọc theo văn bản: chỉ tính hội nghị có học văn bản đó, bài thu hoạch về văn bản đó, "
    "chương trình hành động và cuộc kiểm tra về văn bản đó.",
    "Tỷ lệ được làm tròn nửa lên đến 0,1% ở mọi nơi (bảng, bản in, tệp xuất, biểu đồ theo tháng).",
    "Ma trận văn bản × đơn vị dùng đúng các định nghĩa và chỉ tiêu của bảng: đã học tập; "
    "đạt tỷ lệ tham gia; đạt tỷ lệ nộp bài thu hoạch; có chương trình hành động đúng hạn; "
    "đã kiểm tra; đã khắc phục xong.",
]
