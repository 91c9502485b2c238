"""How one import should run; built by a front end, read by the engine."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rolodex.config import Limits
from rolodex.importing.wording import Wording

if TYPE_CHECKING:
    from rolodex.importing.columns import BindOptions

Progress = Callable[[int, int], None]
"""Called with (rows done, rows in the file) after each batch."""


@dataclass(frozen=True)
class ImportOptions:
    dry_run: bool = False
    strict: bool = False
    create_labels: bool = False
    create_companies: bool = False
    create_fields: bool = False
    ignore_unknown: bool = False
    mapping: Mapping[str, str] = field(default_factory=dict)
    """Header → target (``--map``, the web app's Columns step), before every other rule."""
    labels_separator: str | None = None
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
    encoding: str | None = None
    """The file's encoding as a person gave it (``--encoding``); None lets the reader find it."""
    sheet: str | None = None
    """The workbook's sheet to read; ``None``: the first. A CSV file has none."""
    wording: Wording = field(default_factory=Wording)
    """How the front end names the way out of a problem (:mod:`.wording`): the CLI's flags
    unless it says otherwise."""

    @property
    def binding(self) -> BindOptions:
        """Imported here: the binding loads the value parsers, which the CLI's ``--help``
        must not pay for."""
        from rolodex.importing.columns import BindOptions

        return BindOptions(
            dict(self.mapping),
            self.ignore_unknown,
            self.create_fields,
            self.labels_separator,
            self.wording,
        )

    def recorded(self) -> dict[str, Any]:
        """What the import record keeps of the options, so a queued run (or the confirmed
        run after a dry run) binds and creates exactly as the one that was checked."""
        wording = self.wording.recorded()
        return {
            "create_labels": self.create_labels,
            "create_companies": self.create_companies,
            "create_fields": self.create_fields,
            "ignore_unknown": self.ignore_unknown,
            "mapping": dict(self.mapping),
            "labels_separator": self.labels_separator,
            "encoding": self.encoding,
            "sheet": self.sheet,
        } | ({"wording": wording} if wording else {})

    @staticmethod
    def from_recorded(recorded: Mapping[str, Any]) -> dict[str, Any]:
        """The keyword arguments :meth:`recorded` stands for (older records lack some)."""
        return {
            "create_labels": bool(recorded.get("create_labels")),
            "create_companies": bool(recorded.get("create_companies")),
            "create_fields": bool(recorded.get("create_fields")),
            "ignore_unknown": bool(recorded.get("ignore_unknown")),
            "mapping": dict(recorded.get("mapping") or {}),
            "labels_separator": recorded.get("labels_separator"),
            "encoding": recorded.get("encoding"),
            "sheet": recorded.get("sheet"),
            "wording": Wording.from_recorded(recorded.get("wording")),
        }
