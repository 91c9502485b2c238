"""The ``rolodex`` command line: a thin layer that builds options, calls the core, and
renders what comes back. Exit codes: 0 fine, 1 some rows failed or a record was not found,
2 a file or usage error.

The modules here import the services, the store and their libraries (SQLAlchemy, argon2,
the mail and web stacks, even Rich) inside the commands that use them, not at the top: every
command, and every ``--help``, builds the whole command tree, and those imports took start-up
from about 130 ms to 600-700 ms of CPU. ``tests/unit/test_cli_startup.py`` keeps it that way."""

from rolodex.cli.app import main

__all__ = ["main"]
