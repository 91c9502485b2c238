"""How one import should run; built by a front end, read by the engine."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rolodex.config import Limits

Progress = Callable[[int, int], None]
"""Called with (rows done, rows in the file) after each batch."""


@dataclass(frozen=True)
class ImportOptions:
    dry_run: bool = False
    strict: bool = False
    create_labels: bool = False
    batch_size: int = 2000
    max_listed_errors: int = 1000
    limits: Limits = field(default_factory=Limits)
    actor: str | None = None
    parse_in_child_from: int = 20_000
    """Files with at least this many rows are parsed in a second process (where the kind
    allows it and there is a second core); below it, starting one costs more than it saves."""
    file_name: str | None = None
    """The name recorded for the run; defaults to the path's name (the API passes the
    uploaded file's own name)."""
    sheet: str | None = None
    """The workbook's sheet to read; ``None``: the first. A CSV file has none."""

    def recorded(self) -> dict[str, object]:
        """What the import record keeps, so a queued run is carried out as it was asked."""
        kept: dict[str, object] = {"create_labels": self.create_labels}
        if self.sheet is not None:
            kept["sheet"] = self.sheet
        return kept
