"""The installed console script, run as a user runs it: a real process, real pipes, a real
SQLite file — the bundled example end to end, as ``make demo`` does it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "contacts.csv"
ROLODEX = Path(sys.executable).parent / "rolodex"

# Variables that make rich draw for a terminal even into a pipe; a user's pipe has none.
FORCE_TERMINAL = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")


@pytest.fixture
def rolodex(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in FORCE_TERMINAL}
    env["ROLODEX_DATABASE_URL"] = f"sqlite:///{tmp_path / 'rolodex.db'}"

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(ROLODEX), *map(str, args)],
            cwd=tmp_path,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


def setup_as_the_demo_does(rolodex) -> None:
    """What examples/demo.sh creates before it imports examples/contacts.csv."""
    for args in (
        ["labels", "add", "Marketing", "Trial", "Demo", "VIP"],
        ["companies", "add", "Acme Inc.", "--domain", "acme.example"],
        ["companies", "add", "Globex", "--domain", "globex.example"],
        ["fields", "add", "plan", "--type", "select", "--options", "basic,pro,enterprise",
         "--title", "Plan"],
        ["fields", "add", "seats", "--type", "number", "--title", "Seats"],
        ["fields", "add", "renewal_date", "--type", "date", "--title", "Renewal date"],
    ):  # fmt: skip
        done = rolodex(*args)
        assert done.returncode == 0, done.stderr


def test_console_script_imports_the_bundled_example_into_a_pipe(rolodex, tmp_path):
    assert ROLODEX.is_file(), f"the console script is not installed at {ROLODEX}"
    setup_as_the_demo_does(rolodex)

    done = rolodex("import", "contacts", EXAMPLE, "--errors", "rejected.csv")

    assert done.returncode == 1, "the example has one bad row on purpose"
    assert "Traceback" not in done.stderr
    for stream in (done.stdout, done.stderr):
        assert "\x1b[" not in stream, "no progress bar or colour: output is not a terminal"
        assert "\r" not in stream, "nothing redrawn in place"
    assert (tmp_path / "rolodex.db").is_file()
    history = json.loads(rolodex("imports", "list", "--json").stdout)
    assert len(history) == 1
    assert {k: history[0][k] for k in ("rows", "created", "updated", "unchanged", "failed")} == {
        "rows": 6,
        "created": 5,
        "updated": 0,
        "unchanged": 0,
        "failed": 1,
    }
    assert len(json.loads(rolodex("contacts", "list", "--json").stdout)) == 5
    rejected = (tmp_path / "rejected.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rejected[0].endswith(",error")
    assert rejected[1].startswith("not-an-email,")
    assert len(rejected) == 2
