"""The web app's words for the way out of a problem: its controls, not the CLI's flags.

The core ends a message with the way out that the front end supplies
(:mod:`rolodex.importing.wording`); these are the pages'. They name what the person sees —
a box on the upload form, a choice in the Columns step, a page of the menu — in the terms
the templates use (``import_form.html``, ``columns.html``). Boxes that only admins see say so,
so an agent knows whom to ask.
"""

from __future__ import annotations

from rolodex.importing.wording import Wording

PAGES = Wording(
    create_labels="tick “Create unknown labels” when you upload the file (admins)",
    create_companies="tick “Create unknown companies” when you upload the file (admins)",
    label_ids="the Labels page lists the labels with their IDs",
    company_ids="the Companies page lists the companies with their IDs",
    ignore_unknown="choose “leave out” for them in the Columns step",
    map="choose where each goes in the Columns step",
    create_fields="choose “a new custom field” for them in the Columns step (admins)",
    map_required="choose the column that holds the {target} in the Columns step",
    mapping="In the Columns step, column",
    encoding="save the file as UTF-8 (in Excel: CSV UTF-8) and upload it again",
    encoding_named="",
    encoding_fix="Save the file as UTF-8 (in Excel: CSV UTF-8) and upload it again.",
)
"""Every entry differs from the CLI's, so a page never shows a ``--`` flag."""
