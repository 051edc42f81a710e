"""One module per record kind that moves in and out of the system.

Each declares its columns once (header, key, how a cell is read, where the export reads
it): the import, its template and the django-import-export export are built from them.
"""

from imports_app.kinds import (
    attendance,
    documents,
    members,
    organisations,
    remediations,
    written_reports,
)
from imports_app.kinds.common import Kind

KINDS: dict[str, Kind] = {
    module.KIND.name: module.KIND
    for module in (organisations, members, documents, attendance, written_reports, remediations)
}
IMPORTERS = {name: kind.importer for name, kind in KINDS.items()}
RESOURCES = {name: kind.resource for name, kind in KINDS.items()}
