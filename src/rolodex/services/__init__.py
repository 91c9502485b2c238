"""What the front ends ask for: the directory's use cases over the store.

Each module is one service (accounts, the catalog of labels/companies/fields, jobs, undo,
export, uploads, the header mappings, and the views that shape records for output). The CLI,
the HTTP API and the web pages call these; none of them talks SQL.
"""
