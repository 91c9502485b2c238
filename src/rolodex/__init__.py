"""rolodex: the contact and team directory behind a shared inbox.

The import engine lives in :mod:`rolodex.importing`; front ends (the CLI, the web app)
build options, call it, and render its report.
"""

__version__ = "0.1.0"
