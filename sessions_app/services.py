"""Writes that carry business rules. Admin, forms, views and imports call these."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from sessions_app import audit
from sessions_app.choices import (
    AttendanceStatus,
    CopyFlagStatus,
    CopySource,
    MemberStatus,
    ReportRating,
    ReportStatus,
    StaffRole,
)
from sessions_app.models import (
    Attendance,
    CopyFlag,
    Document,
    DocumentOutline,
    Exemption,
    Member,
    MemberPlacement,
    Organisation,
    RemediationItem,
    ReportBand,
    ReportSignature,
    StaffProfile,
    StudySession,
    WrittenReport,
    WrittenReportVersion,
)
from sessions_app.models.scoping import unit_in_scope, user_scope_path
from sessions_app.obligations import (
    obligations_refresh,
    refresh_scope,
    report_obligations_link,
)
from sessions_app.report_files import ReportFile, clean_text
from sessions_app.roles import groups_for, managed_group_names
from sessions_app.selectors import members_required_at

TOP_LEVEL_UNIT_MESSAGE = (
    "Chỉ quản trị hệ thống mới thêm được đơn vị cấp cao nhất; hãy ghi mã đơn vị cấp trên."
)


def organisation_top_level_check(*, by) -> None:
    """Only a superuser adds a top-level unit; everyone else adds under a unit they see.
    (`by` None: a seed or a command, not a person.)"""
    if by is not None and user_scope_path(by) != "":
        raise ValidationError({"parent": TOP_LEVEL_UNIT_MESSAGE})


@transaction.atomic
def organisation_create(
    *, parent: Organisation | None, by=None, reason: str = "", **fields
) -> Organisation:
    """Add a unit under its parent (or as a root) so its tree path is set."""
    if parent is None:
        organisation_top_level_check(by=by)
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
    # New paths, and the sessions of the new parents now reach the subtree's members.
    obligations_refresh(
        member_ids=MemberPlacement.objects.filter(unit__path__startswith=unit.path).values_list(
            "member_id", flat=True
        )
    )
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
    obligations_refresh(member_ids=[member.pk])
    return member


@transaction.atomic
def member_update(*, member: Member, **fields) -> Member:
    """Change a member's own fields (joining date, leadership, committee role, …).

    Placements change through member_transfer; obligations follow either way.
    """
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean()
    member.save()
    obligations_refresh(member_ids=[member.pk])
    return member


def member_transfer_date_check(*, current: MemberPlacement | None, on: datetime.date) -> None:
    """A transfer starts after the placement it ends did: the past stays where it was."""
    if current is not None and on <= current.started_on:
        raise ValidationError(
            {"on": f"Ngày chuyển phải sau ngày bắt đầu sinh hoạt ({current.started_on:%d/%m/%Y})."}
        )


@transaction.atomic
def member_transfer(*, member: Member, to_unit: Organisation | None, on: datetime.date) -> Member:
    """Move a member to another cell on a date, or out of the system (to_unit=None).

    The past stays where it was: the old placement ends on that date.
    """
    current = member.placements.select_for_update().filter(ended_on__isnull=True).first()
    member_transfer_date_check(current=current, on=on)
    if current is not None:
        if to_unit is not None and current.unit_id == to_unit.pk:
            raise ValidationError({"to_unit": "Đảng viên đang sinh hoạt ở chi bộ này."})
        current.ended_on = on
        current.save(update_fields=["ended_on"])
    if to_unit is not None:
        MemberPlacement.objects.create(member=member, unit=to_unit, started_on=on)
    member.unit = to_unit
    member.status = MemberStatus.ACTIVE if to_unit else MemberStatus.TRANSFERRED_OUT
    member.save(update_fields=["unit", "status", "search_text"])
    obligations_refresh(member_ids=[member.pk])
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
    obligations_refresh(member_ids=[member.pk])
    return exemption


@transaction.atomic
def exemption_delete(*, exemption: Exemption) -> None:
    """Withdraw an exemption: the member is required again at the sessions it covered."""
    member_id = exemption.member_id
    exemption.delete()
    obligations_refresh(member_ids=[member_id])


SESSION_M2M = ("participating_units", "documents")


@transaction.atomic
def study_session_create(
    *,
    organiser: Organisation,
    title: str,
    held_on: datetime.date,
    participating_units: list[Organisation],
    documents: list[Document],
    **fields,
) -> StudySession:
    """Record a study session with its units and documents; its members now owe it."""
    session = StudySession(organiser=organiser, title=title, held_on=held_on, **fields)
    session.full_clean()
    session.save()
    session.participating_units.set(participating_units)
    session.documents.set(documents)
    obligations_refresh(session_ids=[session.pk])
    return session


@transaction.atomic
def study_session_update(*, session: StudySession, **fields) -> StudySession:
    """Change a session (date, audience, units, documents, make-up link, reported counts)."""
    m2m = {name: fields.pop(name) for name in SESSION_M2M if name in fields}
    previous_original = session.makeup_of_id
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean()
    session.save()
    for name, values in m2m.items():
        getattr(session, name).set(values)
    obligations_refresh(session_ids={session.pk, previous_original} - {None})
    return session


@transaction.atomic
def study_session_delete(*, session: StudySession) -> None:
    """Delete a session with its roll call; its members' reports may now be owed elsewhere."""
    scope = refresh_scope(session, deleting=True)
    session.delete()
    obligations_refresh(**scope)


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


NOT_OWN_MEMBER_MESSAGE = "Chỉ được điểm danh đảng viên thuộc đơn vị của bạn"


def not_at_session_message(session: StudySession) -> str:
    return f"Đảng viên không thuộc các đơn vị tham gia hội nghị vào ngày {session.held_on:%d/%m/%Y}"


def attendance_outsiders(
    *, session: StudySession, member_ids: set[int], by=None
) -> tuple[set[int], set[int]]:
    """Who of these members may not be recorded at the session: (those not required
    there that day, those required but outside `by`'s subtree, when `by` is a user).
    A cell never records a neighbouring cell's members. Two queries at most."""
    scope = user_scope_path(by) if by is not None else ""
    if scope is None:
        raise ValidationError({"member": "Tài khoản của bạn chưa được gắn với đơn vị nào."})
    required = members_required_at(session).filter(pk__in=member_ids)
    outsiders = member_ids - set(required.values_list("pk", flat=True))
    others = set()
    if scope:
        own = members_required_at(session, within=scope).filter(pk__in=member_ids)
        others = member_ids - outsiders - set(own.values_list("pk", flat=True))
    return outsiders, others


def _check_attendance_members(session: StudySession, member_ids: set[int], by=None) -> None:
    outsiders, others = attendance_outsiders(session=session, member_ids=member_ids, by=by)
    if outsiders:
        message = f"{not_at_session_message(session)}: {_member_names(outsiders)}."
        raise ValidationError({"member": message})
    if others:
        message = f"{NOT_OWN_MEMBER_MESSAGE}; không được ghi cho: {_member_names(others)}."
        raise ValidationError({"member": message})


@transaction.atomic
def attendance_record(
    *, session: StudySession, member: Member, status: str, by=None, note: str = ""
) -> Attendance:
    """Record one member's attendance; the member must be required at the session."""
    _check_attendance_members(session, {member.pk}, by)
    attendance, _ = Attendance.objects.update_or_create(
        session=session, member=member, defaults={"status": status, "note": note, "recorded_by": by}
    )
    obligations_refresh(session_ids=[session.pk])
    return attendance


@transaction.atomic
def attendance_delete(*, attendance: Attendance) -> None:
    """Remove one roll-call row: the member is back to "not recorded" at the session."""
    session_id = attendance.session_id
    attendance.delete()
    obligations_refresh(session_ids=[session_id])


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
    obligations_refresh(session_ids=[session.pk])
    return {
        "created": len(to_create),
        "updated": len(to_update),
        "unchanged": len(statuses) - len(to_create) - len(to_update),
    }


def _current_version(report: WrittenReport) -> WrittenReportVersion | None:
    """The latest version of a report; a report recorded before versions gets its first."""
    version = report.versions.order_by("-number").first()
    if version is None and report.submitted_on:
        version = WrittenReportVersion.objects.create(
            report=report,
            number=1,
            submitted_on=report.submitted_on,
            text=report.text,
            file=report.file.name if report.file else "",
            file_name=report.file_name,
            file_kind=report.file_kind,
            action_plan=report.action_plan,
            relates_to_practice=report.relates_to_practice,
        )
    return version


@transaction.atomic
def written_report_submit(
    *,
    report: WrittenReport,
    submitted_on: datetime.date,
    text: str = "",
    action_plan: str = "",
    relates_to_practice: bool = False,
    upload: ReportFile | None = None,
    by=None,
) -> WrittenReport:
    """A member hands in (or hands in again) their written report.

    Each handing-in is a new version (text, file, dates) kept beside the earlier ones;
    the text of a file is the extracted one. The report is then checked for copying
    against the other reports on the document and the document's own text. A report
    handed in on paper (no text, no file) counts as handed in, with nothing to compare.
    """
    if upload is not None:
        text = upload.text
    text = clean_text(text)
    if report.pk:
        _current_version(report)  # a report typed in before versions keeps its first one
    report.submitted_on = submitted_on
    report.text = text or report.text
    report.action_plan = clean_text(action_plan) or report.action_plan
    report.relates_to_practice = relates_to_practice
    report.status = ReportStatus.SUBMITTED
    # A new handing-in starts unreviewed; the previous review stays on its version.
    report.rating = ""
    report.grade = None
    report.reviewer = None
    report.reviewed_on = None
    report.reviewer_comment = ""
    if upload is not None:
        report.file_name = upload.name
        report.file_kind = upload.kind
    elif text:
        # Pasted text replaces an earlier file; that file stays on its own version.
        report.file = ""
        report.file_name = ""
        report.file_kind = ""
    audit.attribute(report, by=by, reason="Nộp bài thu hoạch")
    report.full_clean(exclude=["file"])
    if upload is not None:
        report.file.save(upload.name, ContentFile(upload.content), save=False)
    report.save()
    last = report.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = WrittenReportVersion.objects.create(
        report=report,
        number=last + 1,
        submitted_on=submitted_on,
        text=report.text,
        file=report.file.name if report.file else "",
        file_name=report.file_name,
        file_kind=report.file_kind,
        action_plan=report.action_plan,
        relates_to_practice=report.relates_to_practice,
        recorded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    copy_check(report=report, version=version)
    report_obligations_link(member_ids=[report.member_id])
    return report


REVIEWED_STATUSES = {ReportStatus.PASSED, ReportStatus.FAILED, ReportStatus.REVISION_REQUESTED}
SEND_BACK_REASON_MESSAGE = "Phải ghi lý do trả bài để viết lại."


def review_status(*, status: str = "", rating: str = "") -> str:
    """The status a review leads to: from the grade when one is given."""
    if rating:
        return ReportStatus.FAILED if rating == ReportRating.FAIL else ReportStatus.PASSED
    return status


@transaction.atomic
def written_report_review(
    *,
    report: WrittenReport,
    status: str = "",
    rating: str = "",
    by=None,
    grade=None,
    comment: str = "",
    reviewed_on: datetime.date | None = None,
) -> WrittenReport:
    """Grade a submitted report (Tốt, Khá, Đạt, Không đạt), or send it back for revision.

    Records who reviewed it and when, on the report and on its current version; sending
    back needs a reason and counts a revision. A leader's report passes only with an
    action plan (WrittenReport.clean).
    """
    status = review_status(status=status, rating=rating)
    stored = WrittenReport.objects.filter(pk=report.pk).values_list("status", flat=True).first()
    if (stored or report.status) == ReportStatus.NOT_SUBMITTED and not report.submitted_on:
        raise ValidationError({"status": "Bài thu hoạch chưa nộp thì chưa thể chấm."})
    if status not in REVIEWED_STATUSES:
        raise ValidationError(
            {"status": "Kết quả chấm phải là Đạt, Không đạt hoặc Yêu cầu viết lại."}
        )
    if rating and rating not in ReportRating.values:
        raise ValidationError({"rating": "Xếp loại phải là Tốt, Khá, Đạt hoặc Không đạt."})
    if status == ReportStatus.REVISION_REQUESTED:
        if not (comment or "").strip() and by is not None:
            raise ValidationError({"reviewer_comment": SEND_BACK_REASON_MESSAGE})
        report.revision_count += 1
        rating = ""
    elif not rating:
        rating = ReportRating.FAIL if status == ReportStatus.FAILED else ""
    report.status = status
    report.rating = rating
    report.grade = grade
    report.reviewer = by
    report.reviewer_comment = comment
    report.reviewed_on = reviewed_on or timezone.localdate()
    audit.attribute(report, by=by, reason=f"Chấm bài: {ReportStatus(status).label}")
    report.full_clean(exclude=["file"])
    report.save()
    version = _current_version(report)
    if version is not None:
        version.outcome = status
        version.rating = rating
        version.grade = grade
        version.reviewer = report.reviewer
        version.reviewed_on = report.reviewed_on
        version.reviewer_comment = comment
        version.save()
    report_obligations_link(member_ids=[report.member_id])
    return report


@dataclass
class BulkReviewResult:
    """What a bulk review did: the reports it changed and why the others were left alone."""

    done: list[WrittenReport] = field(default_factory=list)
    refused: list[tuple[WrittenReport, str]] = field(default_factory=list)


@transaction.atomic
def written_reports_review_many(
    *, reports, status: str = "", rating: str = "", comment: str = "", by=None
) -> BulkReviewResult:
    """Pass (or send back) several reports at once; those the rules refuse are listed.

    Each report goes through written_report_review, so the leader rule, the history and
    the versions are the same as one at a time.
    """
    result = BulkReviewResult()
    for report in reports:
        try:
            with transaction.atomic():
                written_report_review(
                    report=report, status=status, rating=rating, comment=comment, by=by
                )
        except ValidationError as error:
            messages_ = error.messages if hasattr(error, "messages") else [str(error)]
            result.refused.append((report, " ".join(messages_)))
        else:
            result.done.append(report)
    return result


# --- Copy detection -------------------------------------------------------------------


@transaction.atomic
def copy_check(*, report: WrittenReport, version: WrittenReportVersion) -> list[CopyFlag]:
    """Index a handed-in report and flag it when it is close to another text.

    Replaces the report's LSH entry, asks the per-document band index for candidates
    (reports sharing a band key, most shared bands first), and compares exactly only
    those and the document's own text. Other units' reports on the same document count:
    copying crosses unit borders.
    """
    from sessions_app import copying

    ReportBand.objects.filter(report=report).delete()
    if not report.text.strip():
        ReportSignature.objects.filter(report=report).delete()
        return []
    fingerprint = copying.Fingerprint.of(report.text)
    signature = copying.minhash(fingerprint)
    keys = copying.band_keys(signature)
    ReportSignature.objects.update_or_create(
        report=report,
        defaults={
            "document_id": report.document_id,
            "minhash": signature.tobytes(),
            "shingle_count": len(fingerprint.folded),
        },
    )
    ReportBand.objects.bulk_create(
        [ReportBand(document_id=report.document_id, report=report, key=key) for key in keys]
    )
    candidate_ids = list(
        ReportBand.objects.filter(document_id=report.document_id, key__in=keys)
        .exclude(report=report)
        .values("report_id")
        .annotate(shared=Count("id"))
        .order_by("-shared", "report_id")
        .values_list("report_id", flat=True)[: copying.MAX_CANDIDATES]
    )
    flags = []
    for other_id, other_text in WrittenReport.objects.filter(pk__in=candidate_ids).values_list(
        "pk", "text"
    ):
        measured = copying.similarity(fingerprint, copying.Fingerprint.of(other_text))
        if measured.is_suspect:
            flags.append(
                _flag(report, version, CopySource.OTHER_REPORT, measured, matched_id=other_id)
            )
    outline = DocumentOutline.objects.filter(document_id=report.document_id).first()
    if outline is not None:
        measured = copying.similarity(fingerprint, copying.Fingerprint.of(outline.text))
        if measured.is_suspect:
            flags.append(_flag(report, version, CopySource.DOCUMENT_TEXT, measured))
    return CopyFlag.objects.bulk_create(flags)


def _flag(report, version, source, measured, *, matched_id=None) -> CopyFlag:
    return CopyFlag(
        report=report,
        version=version,
        source=source,
        matched_report_id=matched_id,
        score=round(measured.score, 4),
        jaccard=round(measured.jaccard, 4),
        containment=round(measured.containment, 4),
        jaccard_accented=round(measured.jaccard_accented, 4),
    )


@transaction.atomic
def copy_flag_dismiss(*, flag: CopyFlag, reason: str, by=None) -> CopyFlag:
    """A reviewer decides a flagged similarity is not copying, and says why."""
    if not (reason or "").strip():
        raise ValidationError({"dismissal_reason": "Bỏ qua cảnh báo sao chép phải ghi lý do."})
    if not flag.is_open:
        raise ValidationError({"status": "Cảnh báo này đã được bỏ qua."})
    flag.status = CopyFlagStatus.DISMISSED
    flag.dismissal_reason = reason.strip()
    flag.dismissed_by = by if getattr(by, "is_authenticated", False) else None
    flag.dismissed_on = timezone.localdate()
    audit.attribute(flag, by=by, reason="Bỏ qua cảnh báo sao chép")
    flag.full_clean()
    flag.save()
    return flag


@transaction.atomic
def document_outline_save(
    *, document: Document, text: str = "", upload: ReportFile | None = None, by=None
) -> DocumentOutline:
    """Keep the document's own text (pasted or from a file) for the copy checks."""
    if upload is not None:
        text = upload.text
    text = clean_text(text)
    if not text:
        raise ValidationError({"text": "Phải dán nội dung văn bản hoặc tải tệp."})
    outline = DocumentOutline.objects.filter(document=document).first() or DocumentOutline(
        document=document
    )
    outline.text = text
    if upload is not None:
        outline.file_name = upload.name
    outline.updated_by = by if getattr(by, "is_authenticated", False) else None
    audit.attribute(outline, by=by, reason="Cập nhật nội dung văn bản để so sánh")
    outline.full_clean()
    outline.save()
    return outline


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
    user.groups.remove(*Group.objects.filter(name__in=managed_group_names()))
    user.groups.add(*groups_for(role, unit))
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
    creates: list[tuple[dict[str, Any], datetime.date]],
    updates: list[Member],
    update_fields: list[str],
    transfers: list[tuple[Member, MemberPlacement | None, datetime.date]],
    by=None,
    reason: str = "",
) -> None:
    """Write a checked chunk of a roster import with bulk statements.

    The same rules as member_create and member_transfer: a new member opens a placement;
    a transfer ends the open placement on its date and opens one in the new cell (none
    when the member leaves the system). New members come as their field values with the
    day they were placed: a roster of 100,000 builds no model instance per new row.
    Bulk writes skip save() and send no signals, so the search key and the history (in
    the importing user's name) are written here.
    """
    audited = {"by": by, "reason": reason, "batch_size": BULK_BATCH_SIZE}
    rows = []
    for fields, _ in creates:
        fields["search_text"] = Member.search_key(
            fields["code"], fields.get("card_number", ""), fields["full_name"]
        )
        rows.append(fields)
    created = audit.insert_rows_audited(Member, rows, **audited)
    placements = [
        {"member_id": member_id, "unit_id": fields["unit_id"], "started_on": placed_on}
        for member_id, (fields, placed_on) in zip(created, creates, strict=True)
        if fields.get("unit_id") is not None  # a restored member who had already left
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
            placements.append({"member_id": member.pk, "unit_id": member.unit_id, "started_on": on})
    audit.bulk_update_audited(closing, ["ended_on"], **audited)
    audit.insert_rows_audited(MemberPlacement, placements, **audited)
    obligations_refresh(
        member_ids=created + [m.pk for m in updates] + [member.pk for member, _, _ in transfers]
    )


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
    if "report_required" in update_fields:
        obligations_refresh(document_ids=[d.pk for d in updates])


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
    reports = [row for row in [*creates, *updates] if isinstance(row, WrittenReport)]
    if reports:
        report_obligations_link(member_ids={report.member_id for report in reports})
