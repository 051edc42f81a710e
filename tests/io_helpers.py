"""Helpers for the import tests: run an import of a file in tests/data as a user would."""

from pathlib import Path

from imports_app.engine import ImportReport, import_run, read_table
from imports_app.kinds import IMPORTERS

DATA = Path(__file__).parent / "data"


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()


def run_import(
    kind: str, content: bytes | str, *, user, context=None, dry_run=False, **read_options
) -> ImportReport:
    if isinstance(content, str):
        content = data(content)
    table = read_table(content, **read_options)
    return import_run(IMPORTERS[kind](user=user, context=context), table, dry_run=dry_run)


def messages(report: ImportReport) -> list[str]:
    return [str(error) for error in report.errors]
