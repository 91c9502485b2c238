"""The web app's words for the way out of a problem: its controls, not the CLI's flags.

The core ends a message with the way out that the front end supplies
(:mod:`rolodex.importing.wording`); these are the pages'. They name what the person sees —
a box on the upload form, a choice in the Columns step, a page of the menu — in the terms
the templates use (``import_form.html``, ``columns.html``). Boxes that only admins see say so,
so an agent knows whom to ask.
"""

from __future__ import annotations

from typing import Any

from rolodex.importing.wording import Wording

STEP = "in the Columns step"
SAVE_AS_UTF8 = "save the file as UTF-8 (in Excel: CSV UTF-8) and upload it again"

PAGES = Wording(
    create_labels="tick “Create unknown labels” when you upload the file (admins)",
    create_companies="tick “Create unknown companies” when you upload the file (admins)",
    label_ids="the Labels page lists the labels with their IDs",
    company_ids="give one that exists (the Companies page lists the companies with their IDs)",
    ignore_unknown=f"choose “leave out” for them {STEP}",
    map=f"choose where each goes {STEP}",
    create_fields=f"choose “a new custom field” for them {STEP} (admins)",
    map_required="choose the column that holds the {target} " + STEP,
    mapping="In the Columns step, column",
    encoding=SAVE_AS_UTF8,
    encoding_named="",
    encoding_fix=f"S{SAVE_AS_UTF8[1:]}.",  # the same words as a sentence
)
"""Every entry differs from the CLI's, so a page never shows a ``--`` flag."""


def on_pages(text: str) -> str:
    """A stored message (a run from the command line or the API says ``--create-labels``)
    as the pages say it; a run the pages made already does."""
    return PAGES.reword(text)


def summary_on_pages(summary: dict[str, Any] | None) -> dict[str, Any] | None:
    """A run's summary with its row errors and warnings in the pages' words."""
    if summary is None:
        return None
    errors = [{**error, "message": on_pages(error["message"])} for error in summary["errors"]]
    warnings = [on_pages(warning) for warning in summary["warnings"]]
    return {**summary, "errors": errors, "warnings": warnings}
