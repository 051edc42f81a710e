"""Documents to study, by symbol and term."""

from imports_app.engine import (
    Column,
    ImportReport,
    RecordPlan,
    Row,
    changed_fields,
    parse_bool,
    parse_date,
    text_parser,
)
from imports_app.kinds.common import Kind, RecordImporter, parse_document_symbol
from imports_app.resources import ScopedResource, export_resource
from sessions_app import services
from sessions_app.models import (
    Document,
)

DOCUMENT_FIELDS = ["issued_on", "title", "issuing_body", "report_required"]


class DocumentImporter(RecordImporter):
    """Documents by symbol and term; the symbol is parsed into its number, kind and issuer."""

    write_service = staticmethod(services.documents_import)

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

    def prepare(self, rows: list[Row], report: ImportReport) -> RecordPlan:
        symbols = {row.values["symbol"] for row in rows if row.ok}
        existing = {
            (d.symbol, d.term): d for d in self.lock(Document.objects.filter(symbol__in=symbols))
        }
        fields = [n for n in DOCUMENT_FIELDS if any(n in row.values for row in rows)]
        plan = RecordPlan(update_fields=fields)
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


class DocumentExport(ScopedResource):
    def scope(self, queryset):
        return queryset  # documents are issued from above: every user reads all of them


KIND = Kind(
    importer=DocumentImporter,
    resource=export_resource(DocumentImporter, Document, DocumentExport),
    model=Document,
)
