"""How an import report looks on a terminal: a summary, warnings, the first errors."""

from __future__ import annotations

from collections.abc import Mapping

from rolodex.cli.context import out
from rolodex.importing.report import ImportReport

SHOWN_ERRORS = 20


def show_record(document: Mapping[str, object]) -> None:
    """A record as text a person reads: ``labels: VIP, Newsletter``, an empty value as
    ``-``, never Python's ``None`` or ``['VIP']``."""
    width = max(len(name) for name in document)
    for name, value in document.items():
        out().print(f"{name + ':':<{width + 1}} {as_text(value)}", markup=False)


def as_text(value: object) -> str:
    if value is None or value == [] or value == {}:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(as_text(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key} = {as_text(item)}" for key, item in value.items())
    return str(value)


def show_report(report: ImportReport, errors_file: str | None) -> None:
    verb = "would be" if report.dry_run else "were"
    source = f" from {report.source}" if report.source else ""
    out().print(
        f"{'Dry run: ' if report.dry_run else ''}{report.counts.rows} rows read{source} — "
        f"{report.counts.created} created, {report.counts.updated} updated, "
        f"{report.counts.unchanged} unchanged, {report.counts.failed} failed"
        + (" (nothing written)" if report.dry_run else ""),
        markup=False,
    )
    for note in report.column_notes:
        out().print(f"  {note}", markup=False)
    for line in _new_things(report):
        out().print(line, markup=False)
    for warning in report.warnings:
        out().print(f"warning: {warning}", markup=False)
    if report.errors:
        from rich.table import Table

        table = Table("row", "column", "problem", title=f"Rows that {verb} rejected")
        for issue in report.errors[:SHOWN_ERRORS]:
            table.add_row(str(issue.row), issue.column or "", issue.message)
        out().print(table)
        more = report.errors_total - SHOWN_ERRORS
        if more > 0:
            hint = f" in {errors_file}" if errors_file else " (use --errors FILE to get them all)"
            out().print(f"… and {more} more problems{hint}", markup=False)
    if errors_file and report.counts.failed:
        out().print(f"Rejected rows written to {errors_file}: fix them and import that file.")


_NOUNS = {
    "labels": ("label", "labels"),
    "companies": ("company", "companies"),
    "fields": ("custom field", "custom fields"),
}


def _new_things(report: ImportReport) -> list[str]:
    """``Created 2 labels: VIP, Beta`` (a dry run: would create)."""
    verb = "Would create" if report.dry_run else "Created"
    lines = []
    for what, names in report.new.as_dict().items():
        if names:
            noun = _NOUNS[what][len(names) > 1]
            more = f", … ({len(names) - 10} more)" if len(names) > 10 else ""
            lines.append(f"{verb} {len(names)} {noun}: {', '.join(names[:10])}{more}")
    return lines
