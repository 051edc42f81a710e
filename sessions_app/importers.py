"""The record kinds that move in from spreadsheets: columns, checks and the writes they call.

Each prepare() resolves the codes of a whole chunk in a fixed number of queries, so an
import's query count grows with the number of chunks, never with the number of rows.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from sessions_app import services
from sessions_app.choices import (
    AttendanceStatus,
    CommitteeRole,
    Gender,
    MemberStatus,
    ReportStatus,
    Sector,
    UnitKind,
)
from sessions_app.imports import (
    Column,
    Importer,
    ImportReport,
    Row,
    changed_fields,
    choice_parser,
    code_parser,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    text_parser,
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
from sessions_app.text import nfc, parse_symbol


def out_of_scope(code: str, what: str = "đơn vị") -> str:
    return f"Không có {what} mã “{code}” trong phạm vi đơn vị của bạn."


def visible_units(user, codes: set[str]) -> dict[str, Organisation]:
    """Units the user may touch, by code: one query."""
    if not codes:
        return {}
    units = Organisation.objects.visible_to(user).filter(code__in=codes)
    return {unit.code: unit for unit in units}


# --- members (the roster) --------------------------------------------------------------


@dataclass
class MemberPlan:
    creates: list[tuple[Member, datetime.date]] = field(default_factory=list)
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
        Column(
            "Ngày vào Đảng", "joined_on", parse_date, required=True, example="19/05/2010"
        ),
        Column(
            "Ngày chuyển chính thức",
            "full_member_on",
            parse_date,
            example="19/05/2011",
            default=None,
        ),
        Column("Chức vụ cấp ủy", "committee_role", choice_parser(CommitteeRole), example="Không"),
        Column(
            "Cán bộ lãnh đạo, quản lý", "is_leader", parse_bool, example="Không", default=False
        ),
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
        existing = {m.code: m for m in Member.objects.filter(code__in=codes)}
        hidden = self._hidden_codes(existing)
        card_holders = dict(
            Member.objects.filter(
                card_number__in={r.values.get("card_number") for r in rows} - {"", None}
            ).values_list("card_number", "code")
        )
        plan = MemberPlan(update_fields=self._fields_in_file(rows))
        moving = []
        for row in rows:
            if not row.ok:
                continue
            member = existing.get(row.values["code"])
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
        )

    def _fields_in_file(self, rows: list[Row]) -> list[str]:
        present = set().union(*(row.values.keys() for row in rows)) if rows else set()
        return [name for name in MEMBER_FIELDS if name in present]

    def _check_duplicates(self, rows: list[Row], report: ImportReport) -> None:
        for row in rows:
            code = row.values.get("code")
            if code and code in self.seen_codes:
                report.error(row, "Mã đảng viên", f"Mã đảng viên “{code}” xuất hiện hai lần trong tệp.")
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
            Member.objects.visible_to(self.user)
            .filter(code__in=existing)
            .values_list("code", flat=True)
        )
        return set(existing) - visible

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
        elif member is None and status == MemberStatus.TRANSFERRED_OUT:
            report.error(
                row, "Tình trạng", "Đảng viên mới phải đang sinh hoạt tại một chi bộ."
            )
        card = values.get("card_number")
        if card and card_holders.get(card, code) != code:
            report.error(
                row,
                "Số thẻ đảng viên",
                f"Số thẻ “{card}” đã được dùng cho đảng viên mã “{card_holders[card]}”.",
            )
        self._check_dates(row, member, report)
        return unit

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
            fields = {name: values[name] for name in plan.update_fields}
            new = Member(code=values["code"], unit=unit, status=MemberStatus.ACTIVE, **fields)
            plan.creates.append((new, values.get("placed_on") or values["joined_on"]))
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
            report.classify(row, "changed", label, headers + (["Mã chi bộ"] if moving else []))
        else:
            report.classify(row, "unchanged", label)
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
