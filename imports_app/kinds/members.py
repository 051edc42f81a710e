"""The roster: members and their placements, by member code and cell code."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import CharField, F, Func, OuterRef, Subquery, Value
from django.utils import timezone

from imports_app.engine import (
    Column,
    Importer,
    ImportReport,
    Row,
    changed_fields,
    choice_parser,
    code_parser,
    parse_bool,
    parse_date,
    text_parser,
)
from imports_app.kinds.common import Kind, constraint_message, out_of_scope, visible_units
from imports_app.resources import ScopedResource, export_resource
from sessions_app import access, services
from sessions_app.choices import (
    CommitteeRole,
    Gender,
    MemberStatus,
)
from sessions_app.lookups import any_of
from sessions_app.models import (
    Member,
    MemberPlacement,
    Organisation,
)
from sessions_app.models.scoping import user_scope_path


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
        Column("Mã chi bộ", "unit", code_parser(30), example="CB01", export="unit__code"),
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
        # Cells by code, as resolved by earlier chunks (None: not the user's): a roster
        # names the same few hundred cells in every chunk.
        self.units: dict[str, Organisation | None] = {}
        self.seen_cards: dict[str, str] = {}
        self.today = timezone.localdate()

    def prepare(self, rows: list[Row], report: ImportReport) -> MemberPlan:
        self._check_duplicates(rows, report)
        codes = {row.values["code"] for row in rows if "code" in row.values}
        units = self._units({row.values.get("unit") for row in rows} - {"", None})
        existing = {
            m.code: m
            for m in self.lock(Member.objects.filter(any_of("code", codes)).select_related("unit"))
        }
        self._refuse_lost_zeros(rows, existing, report)
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

    def _units(self, codes: set[str]) -> dict[str, Organisation | None]:
        """The cells these codes name, looked up once per import (none for a code outside
        the user's units)."""
        if unknown := codes - self.units.keys():
            found = visible_units(self.user, unknown)
            self.units.update({code: found.get(code) for code in unknown})
        return self.units

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

    def _refuse_lost_zeros(self, rows: list[Row], existing: dict, report: ImportReport) -> None:
        """A code Excel stored as a number lost its leading zeros (00123 → 123): when a
        member the user sees has the full code, refuse the row rather than add a twin."""
        numbers = {
            row.values["code"]: row
            for row in rows
            if "code" in row.typed_numbers and row.values.get("code", "").isdigit()
        }
        numbers = {code: row for code, row in numbers.items() if code not in existing}
        if not numbers:
            return
        visible = access.restrict(Member.objects.all(), self.user, "view")
        padded = visible.filter(code__startswith="0").annotate(
            stripped=Func(F("code"), Value("0"), function="LTRIM", output_field=CharField())
        )
        for full, stripped in padded.filter(any_of("stripped", numbers)).values_list(
            "code", "stripped"
        ):
            report.error(
                numbers[stripped],
                "Mã đảng viên",
                f"Mã “{stripped}” được Excel lưu dạng số nên mất các số 0 ở đầu, trong khi đã "
                f"có đảng viên mã “{full}”. Hãy định dạng cột “Mã đảng viên” là Văn bản (Text) "
                "rồi nhập đủ mã.",
            )

    def _hidden_codes(self, existing: dict[str, Member]) -> set[str]:
        if not existing or user_scope_path(self.user) == "":
            return set()
        visible = set(
            access.restrict(Member.objects.all(), self.user, "change")
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
        if "joined_on" in values and Member.joined_in_future(joined, self.today):
            report.error(row, "Ngày vào Đảng", Member.JOINED_IN_FUTURE)
        if joined and full and full < joined:
            report.error(
                row,
                "Ngày chuyển chính thức",
                constraint_message(Member, "member_full_after_joined"),
            )
        if joined and born and born >= joined:
            report.error(row, "Ngày sinh", constraint_message(Member, "member_born_before_joined"))

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
            try:
                services.member_transfer_date_check(current=current, on=on)
            except ValidationError as refusal:
                report.error(row, "Ngày bắt đầu sinh hoạt tại chi bộ", " ".join(refusal.messages))
                continue
            member.unit = to_unit
            member.status = MemberStatus.ACTIVE if to_unit else MemberStatus.TRANSFERRED_OUT
            plan.transfers.append((member, current, on))
        if plan.transfers:
            plan.update_fields = [*plan.update_fields, "unit", "status"]


class MemberExport(ScopedResource):
    """Members with their cell's code and the day they were placed there."""

    def related(self, queryset):
        open_since = MemberPlacement.objects.filter(
            member=OuterRef("pk"), ended_on__isnull=True
        ).values("started_on")[:1]
        return queryset.select_related("unit").annotate(placed_on=Subquery(open_since))

    def dehydrate_placed_on(self, member):
        placed_on = getattr(member, "placed_on", None)
        return f"{placed_on:%d/%m/%Y}" if placed_on else ""


KIND = Kind(
    importer=MemberImporter,
    resource=export_resource(MemberImporter, Member, MemberExport),
    model=Member,
)
