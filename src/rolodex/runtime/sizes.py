"""A byte count as a person reads it, the same in every message and page."""

from __future__ import annotations

_UNITS = ("KB", "MB", "GB", "TB")


def size_text(size: int, exact: bool = False) -> str:
    """``100 MB``, ``1.5 GB``, ``512 bytes`` (1 KB = 1,024 bytes); ``exact`` adds the count
    of bytes, for a limit a person may have to set: ``2 GB (2,147,483,648 bytes)``."""
    if size < 1024:
        return f"{size} bytes"
    value = size / 1024
    for unit in _UNITS:
        if value < 1024 or unit == _UNITS[-1]:
            break
        value /= 1024
    shown = f"{value:,.1f}".removesuffix(".0")
    return f"{shown} {unit} ({size:,} bytes)" if exact else f"{shown} {unit}"
