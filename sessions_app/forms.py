"""Forms of the data-entry admin: constraint errors on their field, units, documents, roll call."""

import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from sessions_app import services
from sessions_app.choices import AttendanceStatus, ReportRating, ReportStatus
from sessions_app.models import Attendance, Document, Organisation, WrittenReport
from sessions_app.report_files import clean_text, read_report_file
from sessions_app.selectors import members_required_at

# Where a database constraint's message belongs on the form: the field the user
# must correct. Without this, Django shows constraint errors above the form.
CONSTRAINT_FIELD = {
    "session_ends_after_start": "end_time",
    "session_reported_attended_lte_expected": "reported_attended",
    "session_reported_rate_percent": "reported_rate",
    "session_not_makeup_of_itself": "makeup_of",
    "site_attended_lte_expected": "attended",
    "site_name_unique_per_session": "name",
    "attendance_one_per_member_per_session": "member",
    "document_symbol_term_unique": "symbol",
    "member_full_after_joined": "full_member_on",
    "member_born_before_joined": "birth_date",
    "member_active_has_unit": "unit",
    "member_card_number_unique": "card_number",
    "placement_dates_in_order": "ended_on",
    "exemption_dates_in_order": "ended_on",
    "inspection_dates_in_order": "ended_on",
    "inspection_not_of_itself": "inspected_unit",
    "remediation_resolved_has_result": "resolution",
    "fact_period_in_order": "period_end",
    "report_one_per_member_per_document": "document",
    "report_grade_0_to_10": "grade",
    "report_submitted_has_date": "submitted_on",
    "report_reviewed_after_submitted": "reviewed_on",
    "report_rating_matches_status": "decision",
    "programme_one_per_unit_per_document": "document",
}


class AdminModelForm(forms.ModelForm):
    """A model form that shows each constraint's Vietnamese message on the field to correct.

    Decimal fields read and show the Vietnamese comma (8,5), as staff type them.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DecimalField | forms.FloatField):
                # A number input would refuse the comma; a text box with a decimal keypad.
                field.localize = True
                field.widget = forms.TextInput(attrs={"inputmode": "decimal", "size": 8})
                field.widget.is_localized = True

    def _post_clean(self):
        super()._post_clean()
        self._move_constraint_errors_to_fields()

    def _move_constraint_errors_to_fields(self):
        if NON_FIELD_ERRORS not in self._errors:
            return
        field_by_message = {
            constraint.get_violation_error_message(): CONSTRAINT_FIELD.get(constraint.name)
            for constraint in self._meta.model._meta.constraints
        }
        remaining = []
        for error in self._errors[NON_FIELD_ERRORS].as_data():
            field = field_by_message.get(error.message)
            if field in self.fields:
                self.add_error(field, error)
            else:
                remaining.append(error)
        if remaining:
            self._errors[NON_FIELD_ERRORS] = self.error_class(remaining, error_class="nonfield")
        else:
            del self._errors[NON_FIELD_ERRORS]


class OrganisationForm(AdminModelForm):
    """A unit with its parent: the tree path follows from the parent, never typed."""

    parent = forms.ModelChoiceField(
        label="Trực thuộc",
        queryset=Organisation.objects.none(),
        required=False,
        help_text="Tổ chức đảng cấp trên trực tiếp.",
    )

    class Meta:
        model = Organisation
        fields = [
            "parent",
            "code",
            "name",
            "kind",
            "sector",
            "reported_members",
            "reported_grassroots",
            "reported_cells",
            "is_active",
            "source",
        ]

    def __init__(self, *args, parent_choices=None, parent_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        current = Organisation.objects.get_parent(self.instance) if self.instance.pk else None
        if parent_choices is not None:
            if current is not None:
                parent_choices = parent_choices | Organisation.objects.filter(pk=current.pk)
            self.fields["parent"].queryset = parent_choices
        self.fields["parent"].initial = current
        # Only a superuser may add a top-level unit; everyone else adds under a unit they see.
        self.fields["parent"].required = parent_required and not (
            self.instance.pk and current is None
        )

    def clean_parent(self):
        parent = self.cleaned_data["parent"]
        if parent is not None and self.instance.pk and parent.path.startswith(self.instance.path):
            raise ValidationError(
                "Không thể chuyển đơn vị vào chính nó hoặc đơn vị cấp dưới của nó."
            )
        return parent


class DocumentForm(AdminModelForm):
    """The typed symbol is parsed (114-qd/tw → 114-QĐ/TW); number, kind and issuer follow."""

    class Meta:
        model = Document
        fields = [
            "symbol",
            "issuing_body",
            "issued_on",
            "title",
            "term",
            "report_required",
            "source",
        ]

    def clean(self):
        cleaned = super().clean()
        if "symbol" in cleaned:
            try:
                services.document_prepare(document=self.instance, symbol=cleaned["symbol"])
            except ValidationError as error:
                self.add_error(None, error)
            else:
                cleaned["symbol"] = self.instance.symbol
        return cleaned


_STATUS_KEY = re.compile(r"^status_(\d+)$")


class AttendanceChecklistForm(forms.Form):
    """A roll call: one status radio and one note per member required at the session.

    Every member starts present unless already recorded otherwise.
    """

    def __init__(self, *args, members, existing, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            status, note = existing.get(member.pk, (AttendanceStatus.PRESENT, ""))
            self.fields[f"status_{member.pk}"] = forms.ChoiceField(
                label=member.full_name,
                choices=AttendanceStatus.choices,
                initial=status,
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{member.pk}"] = forms.CharField(
                label="ghi chú",
                required=False,
                max_length=300,
                initial=note,
                widget=forms.TextInput(attrs={"placeholder": "Ghi chú (lý do)"}),
            )

    def rows(self):
        """(member, status field, note field) in roster order, for the template."""
        return [(m, self[f"status_{m.pk}"], self[f"note_{m.pk}"]) for m in self.members]

    def statuses(self) -> dict[int, str]:
        """Every posted status, including ids not on the roster: the service refuses those."""
        posted = {
            int(match[1]): value
            for key, value in self.data.items()
            if (match := _STATUS_KEY.match(key))
        }
        posted.update({m.pk: self.cleaned_data[f"status_{m.pk}"] for m in self.members})
        return posted

    def notes(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data[f"note_{m.pk}"].strip() for m in self.members}


class AttendanceForm(AdminModelForm):
    """One attendance row: the member must be on the session's roster that day."""

    class Meta:
        model = Attendance
        fields = ["session", "member", "status", "note"]

    def clean(self):
        cleaned = super().clean()
        session, member = cleaned.get("session"), cleaned.get("member")
        if session and member and not members_required_at(session).filter(pk=member.pk).exists():
            self.add_error(
                "member",
                "Đảng viên không thuộc các đơn vị tham gia hội nghị vào ngày "
                f"{session.held_on:%d/%m/%Y}.",
            )
        return cleaned


class MemberTransferForm(forms.Form):
    """Move a member to another cell on a date, or out of the system (no cell)."""

    to_unit = forms.ModelChoiceField(
        label="Chuyển đến chi bộ",
        queryset=Organisation.objects.none(),
        required=False,
        help_text="Để trống nếu đảng viên chuyển sinh hoạt ra ngoài phạm vi của hệ thống.",
    )
    on = forms.DateField(label="Ngày chuyển", help_text="Ví dụ: 01/10/2024.")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = units


class RemediationCloseForm(forms.Form):
    """The inspected unit reports a remediation item done: when, and what was done."""

    resolved_on = forms.DateField(label="Ngày khắc phục xong", help_text="Ví dụ: 15/05/2024.")
    resolution = forms.CharField(
        label="Kết quả khắc phục", widget=forms.Textarea(attrs={"rows": 4})
    )


# --- Written reports -------------------------------------------------------------------

SEND_BACK = "yeu_cau_sua"
REVIEW_DECISIONS = [
    ("", "— Chưa chấm lần này —"),
    *ReportRating.choices,
    (SEND_BACK, "Trả lại, yêu cầu viết lại"),
]


def _checked_upload(field_value):
    """A file field's upload, checked by content (report_files); None when none was sent."""
    if not field_value:
        return None
    return read_report_file(field_value)


class WrittenReportForm(AdminModelForm):
    """Record a handing-in (pasted text or a file) and, when the reviewer decides, the review.

    The rules themselves live in services and report_files; this form asks them first, so
    that a refusal shows on the field to correct instead of after the save.
    """

    upload = forms.FileField(
        label="Tệp bài thu hoạch",
        required=False,
        help_text="Nhận .docx, .pdf, .odt, .txt; nội dung chữ được trích ra để chấm và so sánh.",
    )
    decision = forms.ChoiceField(label="Chấm bài", choices=REVIEW_DECISIONS, required=False)

    class Meta:
        model = WrittenReport
        fields = [
            "member",
            "document",
            "session",
            "submitted_on",
            "text",
            "relates_to_practice",
            "action_plan",
            "grade",
            "reviewer_comment",
            "reviewed_on",
        ]

    def clean_upload(self):
        return _checked_upload(self.cleaned_data.get("upload"))

    def clean_text(self):
        return clean_text(self.cleaned_data.get("text", ""))

    def is_submitting(self) -> bool:
        """This save hands the report in (again): a file, or a date with new text or date.

        A date alone records a report handed in on paper: it counts, but has no text to
        compare.
        """
        data = self.cleaned_data
        if data.get("upload") is not None:
            return True
        if not data.get("submitted_on"):
            return False
        return self.instance.pk is None or bool({"text", "submitted_on"} & set(self.changed_data))

    def review_status(self) -> str:
        decision = self.cleaned_data.get("decision") or ""
        if decision == SEND_BACK:
            return ReportStatus.REVISION_REQUESTED
        return services.review_status(rating=decision)

    def clean(self):
        data = super().clean()
        typed = data.get("upload") or "text" in self.changed_data and data.get("text")
        if typed and not data.get("submitted_on"):
            self.add_error("submitted_on", "Phải ghi ngày nộp bài.")
        decision = data.get("decision")
        if not decision:
            if self.is_submitting():
                # A new handing-in starts unreviewed; the old review stays on its version.
                data.update(reviewed_on=None, grade=None, reviewer_comment="")
            return data
        submitted = self.is_submitting() or (
            self.instance.pk and self.instance.status != ReportStatus.NOT_SUBMITTED
        )
        if not submitted:
            self.add_error("decision", "Bài thu hoạch chưa nộp thì chưa thể chấm.")
        status = self.review_status()
        if (
            status == ReportStatus.REVISION_REQUESTED
            and not (data.get("reviewer_comment") or "").strip()
        ):
            self.add_error("reviewer_comment", services.SEND_BACK_REASON_MESSAGE)
        member = data.get("member")
        action_plan = data.get("action_plan") or ""
        if member and WrittenReport.plan_missing(
            member=member, status=status, action_plan=action_plan
        ):
            self.add_error("action_plan", WrittenReport.LEADER_PLAN_MESSAGE)
        return data


class SendBackForm(forms.Form):
    """One reason for every report sent back at once."""

    reason = forms.CharField(
        label="Lý do trả lại", widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )


class CopyFlagDismissForm(forms.Form):
    """A reviewer decides a similarity is not copying."""

    reason = forms.CharField(
        label="Lý do bỏ qua cảnh báo", widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )


class DocumentOutlineForm(forms.Form):
    """The document's own text, pasted or from a file, for the copy checks."""

    text = forms.CharField(
        label="Nội dung văn bản / đề cương",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 90}),
    )
    upload = forms.FileField(
        label="Hoặc tải tệp", required=False, help_text="Nhận .docx, .pdf, .odt, .txt."
    )

    def clean_upload(self):
        return _checked_upload(self.cleaned_data.get("upload"))

    def clean(self):
        data = super().clean()
        if not data.get("upload") and not (data.get("text") or "").strip():
            self.add_error("text", "Phải dán nội dung văn bản hoặc tải tệp.")
        return data
