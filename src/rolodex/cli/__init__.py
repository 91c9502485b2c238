"""The ``rolodex`` command line: a thin layer that builds options, calls the core, and
renders what comes back. Exit codes: 0 fine, 1 some rows failed or a record was not found,
2 a file or usage error."""

from rolodex.cli.app import main

__all__ = ["main"]
