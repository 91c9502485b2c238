"""The command line starts without the service layer's libraries: ``rolodex --help`` and a
command's ``--help`` load Typer, never the database, web or password stack, nor pydantic or
Rich.

Importing SQLAlchemy, FastAPI and argon2 (through the store, the services and the password
hashing) took ``rolodex --help`` from about 130 ms to 600-700 ms. The CLI modules import
them inside the commands that use them; this test keeps it that way without timing
anything: it runs the help in a fresh interpreter and looks at ``sys.modules``. Two more
cost a sub-command's help about 250 ms of CPU between them: pydantic, which Typer loads to
coerce an option not even given (``cli/app.py: _absent_values_need_no_pydantic``), and
Rich, which only a command's output needs (``cli/context.py: out``, ``err``).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("sqlalchemy", "fastapi", "argon2", "psycopg", "email_validator", "uvicorn", "aiosmtpd")
NOT_FOR_HELP = (*HEAVY, "pydantic", "rich")

PROBE = """
import json, sys
from rolodex.cli import main
sys.argv = ["rolodex", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def modules_loaded_by(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_importing_the_cli_loads_no_service_library():
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys, rolodex.cli; print(json.dumps(list(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    top_level = {name.split(".")[0] for name in json.loads(done.stdout)}
    assert not top_level & set(NOT_FOR_HELP)


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["import", "contacts", "--help"],
        ["import", "users", "--help"],
        ["imports", "list", "--help"],
        ["export", "contacts", "--help"],
        ["contacts", "show", "--help"],
        ["labels", "list", "--help"],
        ["users", "verify", "--help"],
        ["mail", "ingest", "--help"],
        ["serve", "--help"],
        ["worker", "--help"],
        ["smtp", "--help"],
    ],
    ids=" ".join,
)
def test_help_loads_no_service_library(args):
    assert not modules_loaded_by(*args) & set(NOT_FOR_HELP)
