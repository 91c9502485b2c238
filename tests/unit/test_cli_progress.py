"""A progress bar on a terminal, none when output goes to a file or a pipe
(docs/importing.md#import-runs)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from rolodex.cli import context, imports


def stderr_is(monkeypatch: pytest.MonkeyPatch, console: Console) -> None:
    """Standard error (made on first use) is ``console``, for the test and for the bar."""
    monkeypatch.setattr(imports, "err", lambda: console)
    monkeypatch.setattr(context, "err", lambda: console)


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_no_bar_when_stderr_is_not_a_terminal(monkeypatch, as_json):
    stderr_is(monkeypatch, Console(file=io.StringIO(), force_terminal=False))
    with imports._progress_bar(as_json) as progress:
        assert progress is None


def test_a_bar_on_a_terminal_follows_the_rows(monkeypatch):
    screen = io.StringIO()
    stderr_is(monkeypatch, Console(file=screen, force_terminal=True, width=80))
    with imports._progress_bar(False) as progress:
        assert callable(progress)
        progress(500, 1000)
        progress(1000, 1000)
    assert "1000/1000" in screen.getvalue()


def test_json_output_never_gets_a_bar_even_on_a_terminal(monkeypatch):
    stderr_is(monkeypatch, Console(file=io.StringIO(), force_terminal=True))
    with imports._progress_bar(True) as progress:
        assert progress is None
