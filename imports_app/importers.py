"""The record kinds that move in from spreadsheets: columns, checks and the writes they call.

Each prepare() resolves the codes of a whole chunk in a fixed number of queries, so an
import's query count grows with the number of chunks, never with the number of rows.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from imports_app.engine import (
    CellError,
    Column,
    Importer,
    ImportReport,
    Row,
    any_of,
    cell_text,
    changed_fields,
    choice_parser,
    code_parser,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    text_parser,
)
from sessions_app import access, services
from sessions_app.choices import (
    AttendanceStatus,
    CommitteeRole,
    Gender,
    MemberStatus,
    ReportStatus,
    Sector,
    UnitKind,
)
from sessions_app.models import (
    Attendance,
    Document,
    Inspection,
    Member,
    MemberPlacement,
    Organisation,
    RemediationItem,
    StudySession,
    WrittenReport,
)
from sessions_app.models.scoping import user_scope_path
from sessions_app.selectors import members_required_at
from sessions_app.text import parse_symbol


def out_of_scope(code: str, what: str = "đơn vị") -> str:
    return f"Không có {what} mã “{code}” trong phạm vi đơn vị của bạn."


def visible_units(user, codes: set[str]) -> dict[str, Organisation]:
    """Units the user may touch, by code: one query."""
    if not codes:
        return {}
    units = access.restrict(Organisation.objects.all(), user, "view").filter(any_of("code", codes))
    return {unit.code: unit for unit in units}


# --- members (the roster) --------------------------------------------------------------


@dataclass
class MemberPlan:
    creates: list[tuple[dict[str, Any], datetime.date]] = field(default_factory=list)
    updates: list[Member] = field(default_factory=list)
    update_fields: list[str] = field(default_factory=list)
    transfers: list[tuple[Member, MemberPlacement | None, datetime.date]] = field(
        default_factory=list
    )


MEMBER_FIELDS = [
    "card_number",
    "full_name",
    "birth_date",
    "gender",
    "joined_on",
    "full_member_on",
    "committee_role",
    "is_leader",
    "position",
]


class MemberImporter(Importer):
    """The roster: new members get a placement; a changed cell code is a transfer."""

    kind = "members"
    title = "đảng viên"
    columns = [
        Column("Mã đảng viên", "code", code_parser(20), required=True, example="DV000123"),
        Column("Số thẻ đảng viên", "card_number", code_parser(20), example="79012345"),
        Column("Họ và tên", "full_name", text_parser(200), required=True, example="Nguyễn Văn An"),
        Column("Ngày sinh", "birth_date", parse_date, example="05/03/1980", default=None),
        Column("Giới tính", "gender", choice_parser(Gender), example="Nam"),
        Column("Mã chi bộ", "unit", code_parser(30), example="CB01"),
        Column("Ngày vào Đảng", "joined_on", parse_date, required=True, example="19/05/2010"),
        Column(
            "Ngày chuyển chính thức",
            "full_member_on",
            parse_date,
            example="19/05/2011",
            default=None,
        ),
        Column("Chức vụ cấp ủy", "committee_role", choice_parser(CommitteeRole), example="Không"),
        Column("Cán bộ lãnh đạo, quản lý", "is_leader", parse_bool, example="Không", default=False),
        Column(
            "Chức vụ chính quyền, đoàn thể", "position", text_parser(200), example="Trưởng thôn"
        ),
        Column(
            "Tình trạng",
            "status",
            choice_parser(MemberStatus),
            example="Đang sinh hoạt",
            default=MemberStatus.ACTIVE,
        ),
        Column(
            "Ngày bắt đầu sinh hoạt tại chi bộ",
            "placed_on",
            parse_date,
            example="19/05/2010",
            default=None,
        ),
    ]

    def __init__(self, *, user, context=None):
        super().__init__(user=user, context=context)
        self.seen_codes: set[str] = set()
        self.seen_cards: dict[str, str] = {}
        self.today = timezone.localdate()

    def prepare(self, rows: list[Row], report: ImportReport) -> MemberPlan:
        self._check_duplicates(rows, report)
        codes = {row.values["code"] for row in rows if "code" in row.values}
        units = visible_units(self.user, {row.values.get("unit") for row in rows} - {"", None})
        existing = {
            m.code: m
            for m in self.lock(Member.objects.filter(any_of("code", codes)).select_related("unit"))
        }
        hidden = self._hidden_codes(existing)
        moved_away = self._moved_away(hidden)
        card_holders = dict(
            Member.objects.filter(
                any_of("card_number", {r.values.get("card_number") for r in rows} - {"", None})
            ).values_list("card_number", "code")
        )
        plan = MemberPlan(update_fields=self._fields_in_file(rows))
        moving = []
        for row in rows:
            if not row.ok:
                continue
            member = existing.get(row.values["code"])
            if member is not None and member.code in moved_away:
                self._skip_moved_away(row, member, plan, report)
                continue
            unit = self._check_row(row, member, units, hidden, card_holders, report)
            if row.ok:
                moving += self._plan_row(row, member, unit, plan, report)
        self._plan_transfers(moving, plan, report)
        return plan

    def write(self, plan: MemberPlan) -> None:
        services.members_import(
            creates=plan.creates,
            updates=plan.updates,
            update_fields=plan.update_fields,
            transfers=plan.transfers,
            **self.audit,
        )

    def _fields_in_file(self, rows: list[Row]) -> list[str]:
        present = set().union(*(row.values.keys() for row in rows)) if rows else set()
        return [name for name in MEMBER_FIELDS if name in present]

    def _check_duplicates(self, rows: list[Row], report: ImportReport) -> None:
        for row in rows:
            code = row.values.get("code")
            if code and code in self.seen_codes:
                report.error(
                    row, "Mã đảng viên", f"Mã đảng viên “{code}” xuất hiện hai lần trong tệp."
                )
            elif code:
                self.seen_codes.add(code)
            card = row.values.get("card_number")
            if card and self.seen_cards.setdefault(card, code) != code:
                report.error(
                    row, "Số thẻ đảng viên", f"Số thẻ “{card}” xuất hiện hai lần trong tệp."
                )

    def _hidden_codes(self, existing: dict[str, Member]) -> set[str]:
        if not existing or user_scope_path(self.user) == "":
            return set()
        visible = set(
            Member.objects.editable_by(self.user)
            .filter(code__in=existing)
            .values_list("code", flat=True)
        )
        return set(existing) - visible

    def _moved_away(self, hidden: set[str]) -> set[str]:
        """Members the user still sees (they were placed in its units) but no longer
        changes: they moved to a unit outside its subtree."""
        if not hidden:
            return set()
        visible = access.restrict(Member.objects.all(), self.user, "view").filter(code__in=hidden)
        return set(visible.values_list("code", flat=True))

    def _skip_moved_away(self, row: Row, member: Member, plan: MemberPlan, report) -> None:
        """A unit's own export lists the members who moved away: such a row is skipped when
        it says what the record says, and refused when it would change the member."""
        values = row.values
        unit_code = member.unit.code if member.unit_id else ""
        unchanged = (
            not changed_fields(member, values, plan.update_fields)
            and values.get("unit", unit_code) in (unit_code, "")
            and values.get("status", member.status) == member.status
        )
        if unchanged:
            report.classify(row, "skipped", f"{member.code} – {member.full_name}")
        else:
            report.error(
                row,
                "Mã đảng viên",
                f"Đảng viên mã “{member.code}” đã chuyển khỏi đơn vị của bạn; không sửa được "
                "qua tệp (dòng đúng như dữ liệu hiện có thì được bỏ qua).",
            )

    def _check_row(self, row, member, units, hidden, card_holders, report) -> Organisation | None:
        values = row.values
        code = values["code"]
        if code in hidden:
            report.error(
                row, "Mã đảng viên", f"Đảng viên mã “{code}” thuộc đơn vị ngoài phạm vi của bạn."
            )
        unit_code = values.get("unit", member.unit.code if member and member.unit_id else "")
        unit = units.get(unit_code) if unit_code else None
        status = values.get("status", member.status if member else MemberStatus.ACTIVE)
        if unit_code and unit is None:
            report.error(row, "Mã chi bộ", out_of_scope(unit_code))
        elif status == MemberStatus.ACTIVE and not unit_code:
            report.error(row, "Mã chi bộ", "Đảng viên đang sinh hoạt phải có mã chi bộ.")
        elif status == MemberStatus.TRANSFERRED_OUT and unit_code and "unit" in values:
            report.error(
                row, "Mã chi bộ", "Đảng viên đã chuyển sinh hoạt đi thì để trống mã chi bộ."
            )
        elif (
            member is None
            and status == MemberStatus.TRANSFERRED_OUT
            and user_scope_path(self.user) != ""
        ):
            # Restoring a full roster (superuser) may bring back members who left; a unit
            # adding someone who already left would lose sight of them at once.
            report.error(row, "Tình trạng", "Đảng viên mới phải đang sinh hoạt tại một chi bộ.")
        card = values.get("card_number")
        if card and card_holders.get(card, code) != code:
            report.error(row, "Số thẻ đảng viên", self._card_taken(card, card_holders[card]))
        self._check_dates(row, member, report)
        return unit

    def _card_taken(self, card: str, holder: str) -> str:
        """Name the holder only to a user who may see them: a card number typed in one cell
        must not reveal a member of another branch."""
        if access.restrict(Member.objects.all(), self.user, "view").filter(code=holder).exists():
            return f"Số thẻ “{card}” đã được dùng cho đảng viên mã “{holder}”."
        return f"Số thẻ “{card}” đã được dùng cho một đảng viên ngoài phạm vi đơn vị của bạn."

    def _check_dates(self, row: Row, member: Member | None, report: ImportReport) -> None:
        values = row.values
        joined = values.get("joined_on", member.joined_on if member else None)
        full = values.get("full_member_on", member.full_member_on if member else None)
        born = values.get("birth_date", member.birth_date if member else None)
        if joined and full and full < joined:
            report.error(
                row,
                "Ngày chuyển chính thức",
                "Ngày chuyển chính thức không được trước ngày vào Đảng.",
            )
        if joined and born and born >= joined:
            report.error(row, "Ngày sinh", "Ngày sinh phải trước ngày vào Đảng.")

    def _plan_row(self, row, member, unit, plan: MemberPlan, report) -> list:
        values = row.values
        label = f"{values['code']} – {values['full_name']}"
        if member is None:
            # Field values, not a Member: a roster of 100,000 new rows builds no instances.
            fields = {name: values[name] for name in plan.update_fields}
            fields.update(
                code=values["code"],
                unit_id=unit.pk if unit else None,
                status=values.get("status", MemberStatus.ACTIVE.value),
            )
            plan.creates.append((fields, values.get("placed_on") or values["joined_on"]))
            report.classify(row, "new", label)
            return []
        changes = changed_fields(member, values, plan.update_fields)
        to_unit = unit if values.get("status", member.status) == MemberStatus.ACTIVE else None
        moves = "unit" in values or "status" in values
        moving = moves and (to_unit.pk if to_unit else None) != member.unit_id
        for name in changes:
            setattr(member, name, values[name])
        if changes or moving:
            plan.updates.append(member)
            headers = [self.header_of(name) for name in changes]
            report.classify(
                row, "changed", label, headers + (["Mã chi bộ"] if moving else []), member
            )
        else:
            report.classify(row, "unchanged", label, record=member)
        if moving:
            return [(row, member, to_unit, values.get("placed_on") or self.today)]
        return []

    def _plan_transfers(self, moving, plan: MemberPlan, report: ImportReport) -> None:
        if not moving:
            return
        open_placements = {
            p.member_id: p
            for p in MemberPlacement.objects.filter(
                member_id__in=[member.pk for _, member, _, _ in moving], ended_on__isnull=True
            )
        }
        for row, member, to_unit, on in moving:
            current = open_placements.get(member.pk)
            if current is not None and on <= current.started_on:
                report.error(
                    row,
                    "Ngày bắt đầu sinh hoạt tại chi bộ",
                    f"Ngày chuyển phải sau ngày bắt đầu sinh hoạt ({current.started_on:%d/%m/%Y}).",
                )
                continue
            member.unit = to_unit
            member.status = MemberStatus.ACTIVE if to_unit else MemberStatus.TRANSFERRED_OUT
            plan.transfers.append((member, current, on))
        if plan.transfers:
            plan.update_fields = [*plan.update_fields, "unit", "status"]


# --- organisations (the tree) ----------------------------------------------------------

ORGANISATION_FIELDS = [
    "name",
    "kind",
    "sector",
    "reported_members",
    "reported_grassroots",
    "reported_cells",
    "is_active",
]


class OrganisationImporter(Importer):
    """The tree by parent code. Trees are small (hundreds of units), so the whole file is
    checked at the end and units are created parent before child through treebeard."""

    kind = "organisations"
    title = "tổ chức đảng"
    columns = [
        Column("Mã đơn vị", "code", code_parser(30), required=True, example="CB01"),
        Column(
            "Tên tổ chức đảng", "name", text_parser(255), required=True, example="Chi bộ thôn 1"
        ),
        Column(
            "Loại tổ chức",
            "kind",
            choice_parser(UnitKind),
            required=True,
            example="Chi bộ trực thuộc",
        ),
        Column(
            "Lĩnh vực",
            "sector",
            choice_parser(Sector),
            example="Xã, phường, thị trấn",
            default=Sector.OTHER,
        ),
        Column("Mã đơn vị cấp trên", "parent", code_parser(30), example="XA01"),
        Column("Số đảng viên (báo cáo)", "reported_members", parse_int, example="25", default=None),
        Column("Số tổ chức cơ sở đảng (báo cáo)", "reported_grassroots", parse_int, default=None),
        Column("Số chi bộ trực thuộc (báo cáo)", "reported_cells", parse_int, default=None),
        Column("Đang hoạt động", "is_active", parse_bool, example="Có", default=False),
    ]

    def __init__(self, *, user, context=None):
        super().__init__(user=user, context=context)
        self.rows: dict[str, Row] = {}

    def prepare(self, rows: list[Row], report: ImportReport) -> None:
        for row in rows:
            code = row.values.get("code")
            if code in self.rows:
                report.error(row, "Mã đơn vị", f"Mã đơn vị “{code}” xuất hiện hai lần trong tệp.")
            elif code:
                self.rows[code] = row

    def write(self, plan) -> None:
        """Units are written in finish(), once the whole tree is known."""

    def finish(self, report: ImportReport, *, dry_run: bool) -> None:
        rows = {code: row for code, row in self.rows.items() if row.ok}
        parent_codes = {row.values.get("parent") for row in rows.values()} - {"", None}
        existing = {u.code: u for u in Organisation.objects.filter(code__in=set(rows))}
        visible = visible_units(self.user, set(existing) | parent_codes)
        is_superuser = user_scope_path(self.user) == ""
        for code, row in rows.items():
            parent = row.values.get("parent") or ""
            if code in existing and code not in visible:
                report.error(row, "Mã đơn vị", out_of_scope(code))
            elif parent == code:
                report.error(
                    row, "Mã đơn vị cấp trên", "Đơn vị không thể là cấp trên của chính nó."
                )
            elif parent and parent not in rows and parent not in visible:
                report.error(row, "Mã đơn vị cấp trên", out_of_scope(parent))
            elif not parent and not is_superuser:
                report.error(
                    row,
                    "Mã đơn vị cấp trên",
                    "Chỉ quản trị hệ thống mới thêm được đơn vị cấp cao nhất; hãy ghi mã đơn vị cấp trên.",
                )
        ordered = self._parents_first(rows, report)
        if report.errors:
            return
        changes = self._classify(ordered, existing, report)
        if not dry_run:
            self._apply(ordered, existing, changes)

    def _parents_first(self, rows: dict[str, Row], report: ImportReport) -> list[Row]:
        ordered, placed, visiting = [], set(), set()

        def place(code: str) -> bool:
            if code in placed or code not in rows:
                return True
            if code in visiting:
                return False
            visiting.add(code)
            ok = place(rows[code].values.get("parent") or "")
            visiting.discard(code)
            if ok:
                placed.add(code)
                ordered.append(rows[code])
            return ok

        for code, row in rows.items():
            if row.ok and not place(code):
                report.error(
                    row,
                    "Mã đơn vị cấp trên",
                    "Các đơn vị trong tệp làm cấp trên của nhau (vòng lặp).",
                )
        return ordered

    def _classify(self, ordered, existing, report) -> dict[str, list[str]]:
        changes = {}
        for row in ordered:
            values, unit = row.values, existing.get(row.values["code"])
            label = f"{values['code']} – {values['name']}"
            if unit is None:
                report.classify(row, "new", label)
                continue
            fields = [name for name in ORGANISATION_FIELDS if name in values]
            changed = changed_fields(unit, values, fields)
            parent_code = self._parent_code(unit, existing)
            if "parent" in values and (values["parent"] or "") != parent_code:
                changed.append("parent")
            changes[unit.code] = changed
            headers = [
                "Mã đơn vị cấp trên" if n == "parent" else self.header_of(n) for n in changed
            ]
            report.classify(row, "changed" if changed else "unchanged", label, headers)
        return changes

    @staticmethod
    def _parent_code(unit: Organisation, known: dict[str, Organisation]) -> str:
        if unit.depth == 1:
            return ""
        parent_path = unit.path[: -Organisation.steplen]
        for other in known.values():
            if other.path == parent_path:
                return other.code
        return Organisation.objects.filter(path=parent_path).values_list("code", flat=True)[0]

    def _apply(self, ordered, existing, changes) -> None:
        for row in ordered:
            values = row.values
            fields = {n: values[n] for n in ORGANISATION_FIELDS if n in values}
            parent_code = values.get("parent") or ""
            parent = Organisation.objects.get(code=parent_code) if parent_code else None
            unit = existing.get(values["code"])
            if unit is None:
                services.organisation_create(
                    parent=parent, code=values["code"], **fields, **self.audit
                )
                continue
            changed = changes.get(unit.code, [])
            if "parent" in changed:
                if parent is None:
                    raise ValidationError(
                        f"Không chuyển được đơn vị “{unit.code}” thành đơn vị cấp cao nhất."
                    )
                unit = services.organisation_move(unit=unit, new_parent=parent, **self.audit)
            updated = [name for name in changed if name != "parent"]
            if updated:
                services.organisation_update(
                    unit=unit, **{n: fields[n] for n in updated}, **self.audit
                )


# --- documents -------------------------------------------------------------------------


def parse_document_symbol(value: Any) -> str:

    try:
        return str(parse_symbol(cell_text(value)))
    except ValidationError as error:
        raise CellError(" ".join(error.messages)) from error


DOCUMENT_FIELDS = ["issued_on", "title", "issuing_body", "report_required"]


@dataclass
class DocumentPlan:
    creates: list[Document] = field(default_factory=list)
    updates: list[Document] = field(default_factory=list)
    update_fields: list[str] = field(default_factory=list)


class DocumentImporter(Importer):
    """Documents by symbol and term; the symbol is parsed into its number, kind and issuer."""

    kind = "documents"
    title = "văn bản"
    columns = [
        Column("Số ký hiệu", "symbol", parse_document_symbol, required=True, example="114-QĐ/TW"),
        Column("Khóa", "term", text_parser(10), example="XIII"),
        Column("Ngày ban hành", "issued_on", parse_date, required=True, example="11/07/2023"),
        Column(
            "Trích yếu",
            "title",
            text_parser(500),
            required=True,
            example="Quy định về kiểm soát quyền lực và phòng, chống tham nhũng, tiêu cực",
        ),
        Column("Cơ quan ban hành", "issuing_body", text_parser(200), example="Bộ Chính trị"),
        Column(
            "Phải viết bài thu hoạch", "report_required", parse_bool, example="Có", default=False
        ),
    ]

    def __init__(self, *, user, context=None):
        super().__init__(user=user, context=context)
        self.seen: set[tuple[str, str]] = set()

    def prepare(self, rows: list[Row], report: ImportReport) -> DocumentPlan:
        symbols = {row.values["symbol"] for row in rows if row.ok}
        existing = {
            (d.symbol, d.term): d for d in self.lock(Document.objects.filter(symbol__in=symbols))
        }
        fields = [n for n in DOCUMENT_FIELDS if any(n in row.values for row in rows)]
        plan = DocumentPlan(update_fields=fields)
        for row in rows:
            if not row.ok:
                continue
            key = (row.values["symbol"], row.values.get("term", ""))
            if key in self.seen:
                report.error(row, "Số ký hiệu", f"Văn bản “{key[0]}” xuất hiện hai lần trong tệp.")
                continue
            self.seen.add(key)
            self._plan_row(row, existing.get(key), fields, plan, report)
        return plan

    def _plan_row(self, row, document, fields, plan, report) -> None:
        values = row.values
        label = f"{values['symbol']} – {values['title']}"
        if document is None:
            document = Document(term=values.get("term", ""), **{n: values[n] for n in fields})
            document.apply_symbol(values["symbol"])
            plan.creates.append(document)
            report.classify(row, "new", label)
            return
        changed = changed_fields(document, values, fields)
        for name in changed:
            setattr(document, name, values[name])
        if changed:
            plan.updates.append(document)
        report.classify(
            row,
            "changed" if changed else "unchanged",
            label,
            map(self.header_of, changed),
            record=document,
        )

    def write(self, plan: DocumentPlan) -> None:
        services.documents_import(
            creates=plan.creates,
            updates=plan.updates,
            update_fields=plan.update_fields,
            **self.audit,
        )


# --- attendance of one session ---------------------------------------------------------


@dataclass
class AttendancePlan:
    statuses: dict[int, str] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)


class AttendanceImporter(Importer):
    """The attendance list of one session (the import is started from that session)."""

    kind = "attendance"
    title = "điểm danh"
    columns = [
        Column("Mã đảng viên", "code", code_parser(20), required=True, example="DV000123"),
        Column("Họ và tên", "full_name", text_parser(200), example="Nguyễn Văn An"),
        Column(
            "Điểm danh",
            "status",
            choice_parser(AttendanceStatus),
            required=True,
            example="Có mặt",
        ),
        Column("Ghi chú", "note", text_parser(300), example=""),
    ]

    def __init__(self, *, user, context: StudySession | None = None):
        super().__init__(user=user, context=context)
        self.seen: set[str] = set()

    def check_allowed(self) -> str | None:
        session = self.context
        if (
            session is None
            or not access.restrict(StudySession.objects.all(), self.user, "view")
            .filter(pk=session.pk)
            .exists()
        ):
            return "Không có hội nghị này trong phạm vi đơn vị của bạn."
        return None

    def prepare(self, rows: list[Row], report: ImportReport) -> AttendancePlan:
        session = self.context
        codes = {row.values["code"] for row in rows if row.ok}
        members = {
            m.code: m
            for m in access.restrict(Member.objects.all(), self.user, "view").filter(code__in=codes)
        }
        required = set(
            members_required_at(session).filter(code__in=codes).values_list("code", flat=True)
        )
        existing = {
            a.member.code: a
            for a in Attendance.objects.filter(session=session, member__code__in=codes)
            .select_related("member")
            .only("status", "note", "member__code")
        }
        plan = AttendancePlan()
        for row in rows:
            if not row.ok:
                continue
            code = row.values["code"]
            if code in self.seen:
                report.error(
                    row, "Mã đảng viên", f"Mã đảng viên “{code}” xuất hiện hai lần trong tệp."
                )
                continue
            self.seen.add(code)
            member = members.get(code)
            if member is None:
                report.error(row, "Mã đảng viên", out_of_scope(code, "đảng viên"))
            elif code not in required:
                report.error(
                    row,
                    "Mã đảng viên",
                    f"Đảng viên “{member}” không thuộc các đơn vị tham gia hội nghị vào ngày "
                    f"{session.held_on:%d/%m/%Y}.",
                )
            else:
                self._plan_row(row, member, existing.get(code), plan, report)
        return plan

    def _plan_row(self, row, member, attendance, plan, report) -> None:
        status = row.values["status"]
        note = row.values.get("note", attendance.note if attendance else "")
        plan.statuses[member.pk], plan.notes[member.pk] = status, note
        label = str(member)
        if attendance is None:
            report.classify(row, "new", label)
        elif (attendance.status, attendance.note) != (status, note):
            changed = ["Điểm danh"] if attendance.status != status else []
            report.classify(
                row, "changed", label, changed + (["Ghi chú"] * (attendance.note != note))
            )
        else:
            report.classify(row, "unchanged", label)

    def write(self, plan: AttendancePlan) -> None:
        if plan.statuses:
            services.attendance_record_roster(
                session=self.context, statuses=plan.statuses, notes=plan.notes, **self.audit
            )


# --- written-report statuses -----------------------------------------------------------

REPORT_FIELDS = [
    "status",
    "submitted_on",
    "relates_to_practice",
    "action_plan",
    "grade",
    "reviewed_on",
    "reviewer_comment",
    "revision_count",
]


def parse_grade(value: Any):

    grade = parse_decimal(value)
    if not 0 <= grade <= 10:
        raise CellError("Điểm phải trong khoảng 0–10.")
    return grade.quantize(grade.__class__("0.01"))


@dataclass
class ReportPlan:
    creates: list[WrittenReport] = field(default_factory=list)
    updates: list[WrittenReport] = field(default_factory=list)
    update_fields: list[str] = field(default_factory=list)


class WrittenReportImporter(Importer):
    """Statuses of written reports, by member code and document symbol."""

    kind = "written_reports"
    title = "bài thu hoạch"
    columns = [
        Column("Mã đảng viên", "code", code_parser(20), required=True, example="DV000123"),
        Column(
            "Số ký hiệu văn bản",
            "symbol",
            parse_document_symbol,
            required=True,
            example="114-QĐ/TW",
        ),
        Column("Khóa văn bản", "term", text_parser(10), example="XIII"),
        Column("Tình trạng", "status", choice_parser(ReportStatus), required=True, example="Đạt"),
        Column("Ngày nộp", "submitted_on", parse_date, example="20/09/2023", default=None),
        Column(
            "Có liên hệ thực tế", "relates_to_practice", parse_bool, example="Có", default=False
        ),
        Column("Kế hoạch hành động", "action_plan", text_parser(10_000), example=""),
        Column("Điểm", "grade", parse_grade, example="8,5", default=None),
        Column("Ngày chấm", "reviewed_on", parse_date, example="25/09/2023", default=None),
        Column("Nhận xét của người chấm", "reviewer_comment", text_parser(10_000), example=""),
        Column("Số lần viết lại", "revision_count", parse_int, example="0", default=0),
    ]

    def __init__(self, *, user, context=None):
        super().__init__(user=user, context=context)
        self.seen: set[tuple[str, str, str]] = set()

    def prepare(self, rows: list[Row], report: ImportReport) -> ReportPlan:
        ok_rows = [row for row in rows if row.ok]
        codes = {row.values["code"] for row in ok_rows}
        members = {m.code: m for m in Member.objects.editable_by(self.user).filter(code__in=codes)}
        documents = {
            (d.symbol, d.term): d
            for d in Document.objects.filter(symbol__in={r.values["symbol"] for r in ok_rows})
        }
        existing = {
            (r.member_id, r.document_id): r
            for r in self.lock(
                WrittenReport.objects.filter(
                    member__in=members.values(), document__in=documents.values()
                )
            )
        }
        fields = [n for n in REPORT_FIELDS if any(n in row.values for row in rows)]
        plan = ReportPlan(update_fields=fields)
        for row in ok_rows:
            values = row.values
            key = (values["code"], values["symbol"], values.get("term", ""))
            member, document = members.get(key[0]), documents.get(key[1:])
            if key in self.seen:
                report.error(
                    row,
                    "Mã đảng viên",
                    "Bài thu hoạch của đảng viên này cho văn bản này xuất hiện hai lần trong tệp.",
                )
                continue
            self.seen.add(key)
            if member is None:
                report.error(row, "Mã đảng viên", out_of_scope(key[0], "đảng viên"))
            if document is None:
                report.error(
                    row, "Số ký hiệu văn bản", f"Không có văn bản “{key[1]}” khóa “{key[2]}”."
                )
            if member and document:
                current = existing.get((member.pk, document.pk))
                self._plan_row(row, member, document, current, fields, plan, report)
        return plan

    def _plan_row(self, row, member, document, current, fields, plan, report) -> None:
        values, label = row.values, f"{member} – {document.symbol}"
        wr = current or WrittenReport(member=member, document=document)
        changed = changed_fields(wr, values, fields)
        for name in changed:
            setattr(wr, name, values[name])
        if not self._check(row, wr, member, report):
            return
        if current is None:
            plan.creates.append(wr)
            report.classify(row, "new", label)
        elif changed:
            plan.updates.append(wr)
            report.classify(row, "changed", label, map(self.header_of, changed), record=current)
        else:
            report.classify(row, "unchanged", label, record=current)

    def _check(self, row, wr: WrittenReport, member: Member, report) -> bool:
        if wr.status != ReportStatus.NOT_SUBMITTED and wr.submitted_on is None:
            report.error(row, "Ngày nộp", "Bài đã nộp phải có ngày nộp.")
        if wr.reviewed_on and (wr.submitted_on is None or wr.reviewed_on < wr.submitted_on):
            report.error(row, "Ngày chấm", "Ngày chấm không được trước ngày nộp.")
        if wr.lacks_required_action_plan():
            report.error(row, "Kế hoạch hành động", WrittenReport.LEADER_PLAN_MESSAGE)
        return row.ok

    def write(self, plan: ReportPlan) -> None:
        services.checked_rows_write(
            creates=plan.creates,
            updates=plan.updates,
            update_fields=plan.update_fields,
            **self.audit,
        )


# --- remediation items of inspections --------------------------------------------------

REMEDIATION_FIELDS = ["due_on", "resolved_on", "resolution"]


@dataclass
class RemediationPlan:
    creates: list[RemediationItem] = field(default_factory=list)
    updates: list[RemediationItem] = field(default_factory=list)
    update_fields: list[str] = field(default_factory=list)


class RemediationImporter(Importer):
    """Remediation items, by the inspected unit's code, the inspection's start date and
    the item's wording."""

    kind = "remediations"
    title = "yêu cầu khắc phục"
    columns = [
        Column("Mã đơn vị được kiểm tra", "unit", code_parser(30), required=True, example="XA01"),
        Column(
            "Ngày bắt đầu kiểm tra", "started_on", parse_date, required=True, example="15/03/2024"
        ),
        Column(
            "Nội dung yêu cầu khắc phục",
            "description",
            text_parser(10_000),
            required=True,
            example="Bổ sung kế hoạch hành động của chi bộ",
        ),
        Column("Hạn khắc phục", "due_on", parse_date, required=True, example="30/06/2024"),
        Column("Ngày khắc phục xong", "resolved_on", parse_date, example="", default=None),
        Column("Kết quả khắc phục", "resolution", text_parser(10_000), example=""),
    ]

    def __init__(self, *, user, context=None):
        super().__init__(user=user, context=context)
        self.seen: set[tuple] = set()

    def prepare(self, rows: list[Row], report: ImportReport) -> RemediationPlan:
        ok_rows = [row for row in rows if row.ok]
        inspections: dict[tuple, list[Inspection]] = {}
        for inspection in (
            Inspection.objects.editable_by(self.user)
            .filter(
                inspected_unit__code__in={r.values["unit"] for r in ok_rows},
                started_on__in={r.values["started_on"] for r in ok_rows},
            )
            .select_related("inspected_unit")
        ):
            key = (inspection.inspected_unit.code, inspection.started_on)
            inspections.setdefault(key, []).append(inspection)
        existing = {
            (item.inspection_id, item.description): item
            for item in RemediationItem.objects.filter(
                inspection__in=[i for group in inspections.values() for i in group]
            )
        }
        fields = [n for n in REMEDIATION_FIELDS if any(n in row.values for row in rows)]
        plan = RemediationPlan(update_fields=fields)
        for row in ok_rows:
            inspection = self._inspection(row, inspections, report)
            if inspection is None:
                continue
            key = (inspection.pk, row.values["description"])
            if key in self.seen:
                report.error(
                    row,
                    "Nội dung yêu cầu khắc phục",
                    "Yêu cầu khắc phục này xuất hiện hai lần trong tệp.",
                )
                continue
            self.seen.add(key)
            self._plan_row(row, inspection, existing.get(key), fields, plan, report)
        return plan

    def _inspection(self, row, inspections, report) -> Inspection | None:
        unit, started_on = row.values["unit"], row.values["started_on"]
        found = inspections.get((unit, started_on), [])
        if len(found) == 1:
            return found[0]
        if not found:
            report.error(
                row,
                "Mã đơn vị được kiểm tra",
                f"Không có cuộc kiểm tra, giám sát đơn vị “{unit}” bắt đầu ngày {started_on:%d/%m/%Y} "
                "trong phạm vi đơn vị của bạn.",
            )
        else:
            report.error(
                row,
                "Ngày bắt đầu kiểm tra",
                f"Có {len(found)} cuộc kiểm tra đơn vị “{unit}” cùng ngày {started_on:%d/%m/%Y}; "
                "hãy nhập yêu cầu khắc phục trong trang của từng cuộc kiểm tra.",
            )
        return None

    def _plan_row(self, row, inspection, current, fields, plan, report) -> None:
        values = row.values
        item = current or RemediationItem(inspection=inspection, description=values["description"])
        changed = changed_fields(item, values, fields)
        for name in changed:
            setattr(item, name, values[name])
        if item.resolved_on and not item.resolution.strip():
            report.error(
                row, "Kết quả khắc phục", "Đã khắc phục xong thì phải ghi kết quả khắc phục."
            )
        if item.resolved_on and item.resolved_on < inspection.started_on:
            report.error(
                row, "Ngày khắc phục xong", "Ngày khắc phục không được trước ngày kiểm tra."
            )
        if not row.ok:
            return
        label = values["description"][:80]
        if current is None:
            plan.creates.append(item)
            report.classify(row, "new", label)
        elif changed:
            plan.updates.append(item)
            report.classify(row, "changed", label, map(self.header_of, changed))
        else:
            report.classify(row, "unchanged", label)

    def write(self, plan: RemediationPlan) -> None:
        services.checked_rows_write(
            creates=plan.creates,
            updates=plan.updates,
            update_fields=plan.update_fields,
            **self.audit,
        )


IMPORTERS: dict[str, type[Importer]] = {
    importer.kind: importer
    for importer in [
        OrganisationImporter,
        MemberImporter,
        DocumentImporter,
        AttendanceImporter,
        WrittenReportImporter,
        RemediationImporter,
    ]
}
