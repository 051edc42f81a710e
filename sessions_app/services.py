"""Writes that carry business rules. Admin, forms, views and imports call these."""

import datetime
from collections.abc import Mapping
from functools import partial

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from sessions_app import audit
from sessions_app.choices import AttendanceStatus, MemberStatus, ReportStatus, StaffRole
from sessions_app.models import (
    Attendance,
    Document,
    Exemption,
    Member,
    MemberPlacement,
    Organisation,
    RemediationItem,
    StaffProfile,
    StudySession,
    WrittenReport,
)
from sessions_app.models.scoping import unit_in_scope, user_scope_path
from sessions_app.roles import group_name, role_group
from sessions_app.selectors import members_required_at


@transaction.atomic
def organisation_create(
    *, parent: Organisation | None, by=None, reason: str = "", **fields
) -> Organisation:
    """Add a unit under its parent (or as a root) so its tree path is set."""
    unit = audit.attribute(Organisation(**fields), by=by, reason=reason)
    unit.full_clean(exclude=["path", "depth", "numchild"], validate_constraints=False)
    if parent is None:
        return Organisation.objects.add_root(instance=unit)
    return Organisation.objects.add_child(parent, instance=unit)


@transaction.atomic
def organisation_move(
    *, unit: Organisation, new_parent: Organisation, by=None, reason: str = ""
) -> Organisation:
    """Move a unit and its whole subtree under another parent (its history records the move)."""
    unit.refresh_from_db()
    new_parent.refresh_from_db()
    if new_parent.path.startswith(unit.path):
        raise ValidationError(
            {"parent": "Không thể chuyển đơn vị vào chính nó hoặc đơn vị cấp dưới của nó."}
        )
    Organisation.objects.move(unit, new_parent, pos="last-child")
    unit.refresh_from_db()
    audit.record_state(unit, by=by, reason=reason)
    return unit


@transaction.atomic
def member_create(
    *,
    unit: Organisation,
    code: str,
    full_name: str,
    joined_on: datetime.date,
    placed_on: datetime.date | None = None,
    **fields,
) -> Member:
    """Add a member to a cell's roster, with the placement that starts their history there."""
    member = Member(unit=unit, code=code, full_name=full_name, joined_on=joined_on, **fields)
    member.full_clean()
    member.save()
    MemberPlacement.objects.create(member=member, unit=unit, started_on=placed_on or joined_on)
    return member


@transaction.atomic
def member_transfer(*, member: Member, to_unit: Organisation | None, on: datetime.date) -> Member:
    """Move a member to another cell on a date, or out of the system (to_unit=None).

    The past stays where it was: the old placement ends on that date.
    """
    current = member.placements.select_for_update().filter(ended_on__isnull=True).first()
    if current is not None:
        if on <= current.started_on:
            raise ValidationError(
                {
                    "on": f"Ngày chuyển phải sau ngày bắt đầu sinh hoạt ({current.started_on:%d/%m/%Y})."
                }
            )
        if to_unit is not None and current.unit_id == to_unit.pk:
            raise ValidationError({"to_unit": "Đảng viên đang sinh hoạt ở chi bộ này."})
        current.ended_on = on
        current.save(update_fields=["ended_on"])
    if to_unit is not None:
        MemberPlacement.objects.create(member=member, unit=to_unit, started_on=on)
    member.unit = to_unit
    member.status = MemberStatus.ACTIVE if to_unit else MemberStatus.TRANSFERRED_OUT
    member.save(update_fields=["unit", "status", "search_text"])
    return member


@transaction.atomic
def exemption_grant(
    *,
    member: Member,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
    reason: str = "",
) -> Exemption:
    """Exempt a member from activity for a period: they are then not required at sessions."""
    exemption = Exemption(member=member, started_on=started_on, ended_on=ended_on, reason=reason)
    exemption.full_clean()
    exemption.save()
    return exemption


def document_prepare(*, document: Document, symbol: str) -> Document:
    """Parse the typed symbol into the document's canonical symbol and its parts."""
    try:
        document.apply_symbol(symbol)
    except ValidationError as error:
        raise ValidationError({"symbol": error.messages}) from error
    return document


def _member_names(member_ids: set[int]) -> str:
    return ", ".join(
        str(m) for m in Member.objects.filter(pk__in=member_ids).order_by("full_name")[:5]
    )


def _check_attendance_members(session: StudySession, member_ids: set[int], by=None) -> None:
    """Every member must be required at the session, and (when `by` is a user) placed in
    that user's subtree on the day: a cell never records a neighbouring cell's members."""
    scope = user_scope_path(by) if by is not None else ""
    if scope is None:
        raise ValidationError({"member": "Tài khoản của bạn chưa được gắn với đơn vị nào."})
    required = members_required_at(session).filter(pk__in=member_ids)
    outsiders = member_ids - set(required.values_list("pk", flat=True))
    if outsiders:
        raise ValidationError(
            {
                "member": (
                    "Đảng viên không thuộc các đơn vị tham gia hội nghị vào ngày "
                    f"{session.held_on:%d/%m/%Y}: {_member_names(outsiders)}."
                )
            }
        )
    if scope:
        own = members_required_at(session, within=scope).filter(pk__in=member_ids)
        others = member_ids - set(own.values_list("pk", flat=True))
        if others:
            raise ValidationError(
                {
                    "member": (
                        "Chỉ được điểm danh đảng viên thuộc đơn vị của bạn; không được ghi cho: "
                        f"{_member_names(others)}."
                    )
                }
            )


@transaction.atomic
def attendance_record(
    *, session: StudySession, member: Member, status: str, by=None, note: str = ""
) -> Attendance:
    """Record one member's attendance; the member must be required at the session."""
    _check_attendance_members(session, {member.pk}, by)
    attendance, _ = Attendance.objects.update_or_create(
        session=session, member=member, defaults={"status": status, "note": note, "recorded_by": by}
    )
    return attendance


@transaction.atomic
def attendance_record_roster(
    *,
    session: StudySession,
    statuses: Mapping[int, str],
    notes: Mapping[int, str] | None = None,
    by=None,
    reason: str = "",
) -> dict[str, int]:
    """Record a whole roster checklist at once: one status per member id.

    Inserts the new rows and updates the changed ones in two bulk statements.
    Returns how many were created, updated and left unchanged.
    """
    notes = notes or {}
    invalid = {v for v in statuses.values() if v not in AttendanceStatus.values}
    if invalid:
        raise ValidationError(
            {"status": f"Trạng thái điểm danh không hợp lệ: {', '.join(invalid)}."}
        )
    _check_attendance_members(session, set(statuses), by)
    existing = {a.member_id: a for a in session.attendances.select_for_update()}
    now = timezone.now()
    to_create, to_update = [], []
    for member_id, status in statuses.items():
        note = notes.get(member_id, "")
        row = existing.get(member_id)
        if row is None:
            to_create.append(
                Attendance(
                    session=session,
                    member_id=member_id,
                    status=status,
                    note=note,
                    recorded_by=by,
                    recorded_at=now,
                )
            )
        elif (row.status, row.note) != (status, note):
            row.status, row.note, row.recorded_by, row.recorded_at = status, note, by, now
            to_update.append(row)
    # Bulk writes send no signals: write their audit trail explicitly.
    audit.bulk_create_audited(to_create, by=by, reason=reason, batch_size=500)
    audit.bulk_update_audited(
        to_update,
        ["status", "note", "recorded_by", "recorded_at"],
        by=by,
        reason=reason,
        batch_size=500,
    )
    return {
        "created": len(to_create),
        "updated": len(to_update),
        "unchanged": len(statuses) - len(to_create) - len(to_update),
    }


@transaction.atomic
def written_report_submit(
    *,
    report: WrittenReport,
    submitted_on: datetime.date,
    text: str = "",
    action_plan: str = "",
    relates_to_practice: bool = False,
) -> WrittenReport:
    """A member hands in (or hands in again) their written report."""
    report.submitted_on = submitted_on
    report.text = text or report.text
    report.action_plan = action_plan or report.action_plan
    report.relates_to_practice = relates_to_practice
    report.status = ReportStatus.SUBMITTED
    report.full_clean()
    report.save()
    return report


REVIEWED_STATUSES = {ReportStatus.PASSED, ReportStatus.FAILED, ReportStatus.REVISION_REQUESTED}


@transaction.atomic
def written_report_review(
    *,
    report: WrittenReport,
    status: str,
    by=None,
    grade=None,
    comment: str = "",
    reviewed_on: datetime.date | None = None,
) -> WrittenReport:
    """Grade a submitted report: pass it, fail it or send it back for revision.

    Records who reviewed it and when; sending back counts a revision. A leader's report
    passes only with an action plan (WrittenReport.clean).
    """
    stored = WrittenReport.objects.filter(pk=report.pk).values_list("status", flat=True).first()
    if (stored or report.status) == ReportStatus.NOT_SUBMITTED and not report.submitted_on:
        raise ValidationError({"status": "Bài thu hoạch chưa nộp thì chưa thể chấm."})
    if status not in REVIEWED_STATUSES:
        raise ValidationError(
            {"status": "Kết quả chấm phải là Đạt, Không đạt hoặc Yêu cầu viết lại."}
        )
    if status == ReportStatus.REVISION_REQUESTED:
        report.revision_count += 1
    report.status = status
    report.grade = grade
    report.reviewer = by
    report.reviewer_comment = comment
    report.reviewed_on = reviewed_on or timezone.localdate()
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def remediation_resolve(
    *, item: RemediationItem, resolved_on: datetime.date, resolution: str
) -> RemediationItem:
    """Close a remediation item with what was done."""
    if not resolution.strip():
        raise ValidationError({"resolution": "Phải ghi kết quả khắc phục."})
    item.resolved_on = resolved_on
    item.resolution = resolution
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def staff_profile_save(*, user, unit: Organisation, role: str, by=None) -> StaffProfile:
    """Place a login in a unit with a role, and keep its groups equal to that role's group.

    `by` is the administrator doing it: a unit administrator may only place logins in
    their own subtree. The login becomes staff (it works in the admin).
    """
    if role not in StaffRole.values:
        raise ValidationError({"role": "Vai trò không hợp lệ."})
    if by is not None and not unit_in_scope(by, unit):
        raise ValidationError({"unit": "Chỉ được phân công cán bộ vào đơn vị mình quản lý."})
    profile, _ = StaffProfile.objects.update_or_create(
        user=user, defaults={"unit": unit, "role": role}
    )
    role_groups = Group.objects.filter(name__in=[group_name(r) for r in StaffRole])
    user.groups.remove(*role_groups)
    user.groups.add(role_group(role))
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return profile


class StaleEdit(ValidationError):
    """Raised when a save is based on a copy of the record that someone has changed since."""


def edit_lock_check(*, instance, seen_version: int | None) -> None:
    """Refuse a save when the record changed after the user opened it (no lost edits).

    Locks the row until the surrounding transaction ends, so two saves of the same
    version cannot both pass. The message names who changed it and when, if known.
    """
    if instance.pk is None or seen_version is None:
        return
    model = type(instance)
    current = (
        model._default_manager.select_for_update()
        .filter(pk=instance.pk)
        .values_list("version", flat=True)
        .first()
    )
    if current is None or current == seen_version:
        return
    raise StaleEdit(_stale_edit_message(model, instance.pk), code="stale_edit")


def _stale_edit_message(model, pk) -> str:
    last = (
        model.history.filter(**{model._meta.pk.attname: pk})
        .select_related("history_user")
        .order_by("-history_date")
        .first()
    )
    who = ""
    if last is not None:
        when = timezone.localtime(last.history_date).strftime("%H:%M ngày %d/%m/%Y")
        name = last.history_user.get_username() if last.history_user else "một người khác"
        who = f" ({name} lưu lúc {when})"
    return (
        f"{model._meta.verbose_name.capitalize()} này đã được người khác sửa sau khi bạn mở "
        f"ra{who}. Thay đổi của bạn chưa được lưu để không ghi đè lên thay đổi đó; "
        "nội dung bạn vừa nhập vẫn còn bên dưới. Hãy mở lại bản ghi ở một thẻ khác để xem "
        "bản mới nhất, rồi nhập lại thay đổi của bạn."
    )


BULK_BATCH_SIZE = 1000


@transaction.atomic
def members_import(
    *,
    creates: list[tuple[Member, datetime.date]],
    updates: list[Member],
    update_fields: list[str],
    transfers: list[tuple[Member, MemberPlacement | None, datetime.date]],
    by=None,
    reason: str = "",
) -> None:
    """Write a checked chunk of a roster import with bulk statements.

    The same rules as member_create and member_transfer: a new member opens a placement;
    a transfer ends the open placement on its date and opens one in the new cell (none
    when the member leaves the system). bulk_create skips save(), so the search key is
    filled here; bulk writes send no signals, so their history is written here too, in
    the importing user's name.
    """
    audited = {"by": by, "reason": reason, "batch_size": BULK_BATCH_SIZE}
    for member, _ in creates:
        member.fill_search_text()
    # PostgreSQL takes new rows by COPY (the bulk path's 1,000-row INSERTs and one Python
    # history object per row cost ten times as much); SQLite keeps the bulk path.
    if connection.vendor == "postgresql":
        create = partial(audit.copy_create_audited, by=by, reason=reason)
    else:
        create = partial(audit.bulk_create_audited, **audited)
    created = create([m for m, _ in creates])
    placements = [
        MemberPlacement(member=member, unit_id=member.unit_id, started_on=placed_on)
        for member, (_, placed_on) in zip(created, creates, strict=True)
        if member.unit_id is not None  # a restored member who had already left
    ]
    for member in updates:
        member.fill_search_text()
    audit.bulk_update_audited(updates, [*update_fields, "search_text"], **audited)
    closing = []
    for member, current, on in transfers:
        if current is not None:
            current.ended_on = on
            closing.append(current)
        if member.unit_id is not None:
            placements.append(MemberPlacement(member=member, unit_id=member.unit_id, started_on=on))
    audit.bulk_update_audited(closing, ["ended_on"], **audited)
    create(placements)


@transaction.atomic
def organisation_update(*, unit: Organisation, by=None, reason: str = "", **fields) -> Organisation:
    """Change a unit's own fields (not its place in the tree: see organisation_move)."""
    audit.attribute(unit, by=by, reason=reason)
    for name, value in fields.items():
        setattr(unit, name, value)
    unit.full_clean(exclude=["path", "depth", "numchild"], validate_constraints=False)
    unit.save()
    return unit


@transaction.atomic
def documents_import(
    *,
    creates: list[Document],
    updates: list[Document],
    update_fields: list[str],
    by=None,
    reason: str = "",
) -> None:
    """Write a checked chunk of documents; symbols are already parsed (Document.apply_symbol)."""
    audited = {"by": by, "reason": reason, "batch_size": BULK_BATCH_SIZE}
    for document in [*creates, *updates]:
        document.fill_search_text()
    audit.bulk_create_audited(creates, **audited)
    audit.bulk_update_audited(updates, [*update_fields, "search_text"], **audited)


@transaction.atomic
def checked_rows_write(
    *,
    creates: list,
    updates: list,
    update_fields: list[str],
    by=None,
    reason: str = "",
) -> None:
    """Write a checked chunk of imported rows (written reports, remediation items), audited."""
    audited = {"by": by, "reason": reason, "batch_size": BULK_BATCH_SIZE}
    audit.bulk_create_audited(creates, **audited)
    audit.bulk_update_audited(updates, update_fields, **audited)
