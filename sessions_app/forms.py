"""Forms of the data-entry admin: constraint errors on their field, units, documents, roll call."""

import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from sessions_app import services
from sessions_app.choices import AttendanceStatus
from sessions_app.models import Attendance, Document, Organisation
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
