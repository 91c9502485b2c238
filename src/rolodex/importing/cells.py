"""A workbook cell → the text a person reads in it, never what Python prints
(docs/importing.md#workbooks).

The spreadsheet shows ``3``, ``2.5``, ``2024-03-15`` and ``TRUE``; Python would print
``3.0``, ``2.5``, ``datetime.date(2024, 3, 15)`` and ``True``. Numbers are doubles, so
``=0.1+0.2`` holds 0.30000000000000004: like a spreadsheet, we show at most 15 significant
digits (``0.3``), and never an exponent (``0.000001``, not ``1e-06``).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

__all__ = ["cell_text"]

_WHOLE_LIMIT = 1e15
"""Below this a double holds every whole number exactly, so ``int()`` adds no noise."""
_ANY_DAY = date(2000, 1, 1)


def cell_text(value: object) -> str:
    """The text of one cell as python-calamine hands it over ("" for an empty cell)."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if kind is float:
        return number_text(value)  # type: ignore[arg-type]
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is datetime:
        return _moment_text(value)  # type: ignore[arg-type]
    if kind is date:
        return value.isoformat()  # type: ignore[attr-defined,no-any-return]
    if kind is time:
        return _moment_text(datetime.combine(_ANY_DAY, value))[11:]  # type: ignore[arg-type]
    if kind is timedelta:
        return _duration_text(value)  # type: ignore[arg-type]
    return "" if value is None else str(value)


def number_text(value: float) -> str:
    """``3.0`` → ``3``, ``2.5`` → ``2.5``, ``0.1 + 0.2`` → ``0.3``, ``1e-06`` → ``0.000001``."""
    if value.is_integer() and abs(value) < _WHOLE_LIMIT:
        return str(int(value))
    text = format(Decimal(f"{value:.15g}"), "f")
    return "0" if text in ("-0", "0") else text


def _moment_text(moment: datetime) -> str:
    """To the nearest second: a time stored as a fraction of a day comes back as 09:29:59.999."""
    if moment.microsecond >= 500_000 and moment < datetime.max - timedelta(seconds=1):
        moment += timedelta(seconds=1)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _duration_text(duration: timedelta) -> str:
    """A duration cell as ``[h]:mm:ss`` shows it: ``36:00:00``."""
    seconds = round(duration.total_seconds())
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
