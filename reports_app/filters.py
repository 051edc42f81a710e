"""The report's filters: document, period (from/to, year, quarter), unit kind and sector.

They live in the query string so a filtered report is a link one can share.
"""

import datetime

import django_filters
from django import forms

from reports_app.selectors import ReportFilters
from sessions_app.choices import Sector, UnitKind
from sessions_app.models import Document, StudySession

QUARTERS = [(1, "Quý I"), (2, "Quý II"), (3, "Quý III"), (4, "Quý IV")]


def _no_op(queryset, name, value):
    # The report reads cleaned values through report_filters(); nothing is filtered here.
    return queryset


class ReportFilterSet(django_filters.FilterSet):
    document = django_filters.ModelChoiceFilter(
        label="Văn bản",
        queryset=Document.objects.order_by("-issued_on", "symbol"),
        method=_no_op,
        empty_label="Tất cả văn bản",
    )
    date_from = django_filters.DateFilter(
        label="Từ ngày", method=_no_op, widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})
    )
    date_to = django_filters.DateFilter(
        label="Đến ngày", method=_no_op, widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})
    )
    year = django_filters.NumberFilter(label="Năm", method=_no_op, min_value=2000, max_value=2100)
    quarter = django_filters.ChoiceFilter(
        label="Quý", choices=QUARTERS, method=_no_op, empty_label="Cả năm"
    )
    kind = django_filters.ChoiceFilter(
        label="Loại tổ chức", choices=UnitKind.choices, method=_no_op, empty_label="Tất cả"
    )
    sector = django_filters.ChoiceFilter(
        label="Lĩnh vực", choices=Sector.choices, method=_no_op, empty_label="Tất cả"
    )

    class Meta:
        model = StudySession
        fields = ["document", "date_from", "date_to", "year", "quarter", "kind", "sector"]

    def report_filters(self) -> ReportFilters:
        """The cleaned choices as ReportFilters; year and quarter narrow the period."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        date_from, date_to = data.get("date_from"), data.get("date_to")
        year, quarter = data.get("year"), int(data.get("quarter") or 0)
        if year:
            first_month, last_month = (1, 12) if not quarter else (3 * quarter - 2, 3 * quarter)
            start = datetime.date(int(year), first_month, 1)
            end = _month_end(int(year), last_month)
            date_from = max(filter(None, [date_from, start]))
            date_to = min(filter(None, [date_to, end]))
        return ReportFilters(
            document=data.get("document"),
            date_from=date_from,
            date_to=date_to,
            kind=data.get("kind") or "",
            sector=data.get("sector") or "",
        )


def _month_end(year: int, month: int) -> datetime.date:
    if month == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)
