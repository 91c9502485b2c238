"""What many tests do the same way: run an import through the CLI, flatten its errors."""

from __future__ import annotations

import json
from typing import Any


def run_import(cli: Any, path: Any, *flags: str, kind: str = "contacts") -> tuple[int, Any]:
    """Run ``import KIND FILE --json``: (exit code, the JSON document); never a traceback."""
    result = cli("import", kind, path, *flags, "--json")
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout, result.stderr
    return result.exit_code, json.loads(result.stdout)


def flat(report: dict[str, Any]) -> list[tuple[int, str]]:
    """The report's errors as (row, column), the way a person finds them in a spreadsheet."""
    return sorted((error["row"], error["column"] or "") for error in report["errors"])
