"""Every command is explained twice: by its own ``--help`` and in README.md.

Like sqlite-utils' ``tests/test_docs.py``: a new command without help text, or one the README
does not mention, fails here. The command tree is read from the Typer app itself, so the list
of commands never has to be kept by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from rolodex.cli.app import app

README = Path(__file__).resolve().parents[2] / "README.md"


def _commands() -> list[tuple[str, object]]:
    """Every command and group as ``("rolodex labels add", command)``, the root first."""

    def walk(command, path):
        yield " ".join(path), command
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            yield from walk(sub, [*path, name])

    return list(walk(typer.main.get_command(app), ["rolodex"]))


COMMANDS = _commands()
LEAVES = [(path, command) for path, command in COMMANDS if not hasattr(command, "commands")]


def _readme() -> str:
    return README.read_text(encoding="utf-8")


def _documented(path: str, readme: str) -> bool:
    """``rolodex labels list`` appears as such, or in the README's shorthand for a group,
    ``rolodex labels add NAME... | labels list`` (the form CONTRACT §6 uses too)."""
    if path in readme:
        return True
    group, _, leaf = path.rpartition(" ")
    short = f"| {group.removeprefix('rolodex ')} {leaf}"
    return any(
        line.lstrip("`").startswith(group + " ") and short in line for line in readme.splitlines()
    )


def test_the_cli_has_commands():
    assert len(LEAVES) >= 10


@pytest.mark.parametrize("path, command", COMMANDS, ids=[path for path, _ in COMMANDS])
def test_every_command_has_help_text(path, command):
    assert (command.help or "").strip(), f"`{path}` has no help text"


@pytest.mark.parametrize("path, command", LEAVES, ids=[path for path, _ in LEAVES])
def test_every_command_is_in_the_readme(path, command):
    assert _documented(path, _readme()), f"README.md does not mention `{path}`"


@pytest.mark.parametrize("phrase", ["make demo", "make test"])
def test_readme_starts_with_how_to_run_the_demo_and_the_tests(phrase):
    first_lines = "\n".join(_readme().splitlines()[:40])

    assert phrase in first_lines
