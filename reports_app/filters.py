"""The report's filters: document, period (from/to, year, quarter), unit kind and sector.

They live in the query string so a filtered report is a link one can share. The FilterSet
filters obligation rows (to attend, by default) with the same rules every figure family
applies (reports_app.selectors.Family.filter): `filterset.qs` is the rows the report's
attendance figures count, before they are grouped by unit.
"""

import datetime

import django_filters
from django import forms

from reports_app.selectors import FAMILIES, ReportFilters
from sessions_app.choices import Sector, UnitKind
from sessions_app.models import AttendanceObligation, Document

QUARTERS = [(1, "Quý I"), (2, "Quý II"), (3, "Quý III"), (4, "Quý IV")]


class ReportFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error(
                "date_to",
                f"Đến ngày ({end:%d/%m/%Y}) không được trước Từ ngày ({start:%d/%m/%Y}).",
            )
        return data


class ReportFilterSet(django_filters.FilterSet):
    """Filters obligation rows of one family ("attend" unless told) by the report's choices."""

    document = django_filters.ModelChoiceFilter(
        label="Văn bản",
        queryset=Document.objects.order_by("-issued_on", "symbol"),
        method="filter_document",
        empty_label="Tất cả văn bản",
    )
    date_from = django_filters.DateFilter(
        label="Từ ngày",
        method="filter_date_from",
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )
    date_to = django_filters.DateFilter(
        label="Đến ngày",
        method="filter_date_to",
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )
    year = django_filters.NumberFilter(
        label="Năm", method="filter_year", min_value=2000, max_value=2100
    )
    quarter = django_filters.ChoiceFilter(
        label="Quý", choices=QUARTERS, method="filter_quarter", empty_label="Cả năm"
    )
    kind = django_filters.ChoiceFilter(
        label="Loại tổ chức", choices=UnitKind.choices, method="filter_unit", empty_label="Tất cả"
    )
    sector = django_filters.ChoiceFilter(
        label="Lĩnh vực", choices=Sector.choices, method="filter_unit", empty_label="Tất cả"
    )

    class Meta:
        model = AttendanceObligation
        fields = ["document", "date_from", "date_to", "year", "quarter", "kind", "sector"]
        form = ReportFilterForm

    def __init__(self, data=None, queryset=None, *, family: str = "attend", **kwargs):
        self.family = FAMILIES[family]
        if queryset is None:
            queryset = self.family.base()
        super().__init__(data, queryset, **kwargs)

    # Each method applies one choice through the family's own rule; year and quarter narrow
    # the period the same way report_filters() does.
    def _apply(self, queryset, **choices):
        return self.family.filter(queryset, ReportFilters(**choices))

    def filter_document(self, queryset, name, value):
        return self._apply(queryset, document=value)

    def filter_date_from(self, queryset, name, value):
        return self._apply(queryset, date_from=value)

    def filter_date_to(self, queryset, name, value):
        return self._apply(queryset, date_to=value)

    def filter_year(self, queryset, name, value):
        period = self.report_filters()
        return self._apply(queryset, date_from=period.date_from, date_to=period.date_to)

    def filter_quarter(self, queryset, name, value):
        return queryset  # applied with the year (a quarter without a year means nothing)

    def filter_unit(self, queryset, name, value):
        return self._apply(queryset, **{name: value})

    def report_filters(self) -> ReportFilters:
        """The cleaned choices as ReportFilters; year and quarter narrow the period.

        An invalid form (an inverted range, a bad date) filters nothing: the page shows the
        error next to the field and the report of everything.
        """
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
