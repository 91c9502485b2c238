"""The way out of a problem, in the words of the front end that shows it.

A core message says what is wrong and how to get on. The "how" depends on who reads it:
at the command line the person passes a flag (``--create-labels``); on the web app's pages
there are no flags, they tick a box or choose in the Columns step. So each message takes
its way out from a :class:`Wording` that the front end hands over with its options
(``ImportOptions.wording``), one entry per option or step — the CLI's words are the
defaults, so a caller that says nothing gets them, and so does the API, whose documents are
the CLI's. The web app's table is ``rolodex.web.wording``.

An entry is a phrase that completes the core's sentence (``…: create it first, or``
*import with --create-labels*), so a table is written once, not per message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Wording:
    """One phrase per way out; each ``#:`` comment says which problem it ends."""

    #: An unknown label name (``unknown-label``).
    create_labels: str = "import with --create-labels"
    #: An unknown company name (``unknown-company``).
    create_companies: str = "import with --create-companies"
    #: An unknown label ID (``unknown-label-id``).
    label_ids: str = "see `rolodex labels list` for the IDs"
    #: An unknown company ID (``unknown-company``).
    company_ids: str = "see `rolodex companies list` for the IDs"
    #: Columns that bind to nothing, first way: leave them out.
    ignore_unknown: str = "leave them out with --ignore-unknown"
    map: str = 'bind them with --map "HEADER=TARGET"'  #: … second way: say where they go.
    #: … third way (contacts): make each a new custom field.
    create_fields: str = "keep them as new custom fields with --create-fields"
    #: No column holds a required target (``{target}``: ``email``).
    map_required: str = 'bind one with --map "HEADER={target}"'
    mapping: str = "--map"  #: What a person's own binding is called, starting its messages.
    encoding: str = "give --encoding"  #: A guessed encoding that may be wrong: how to set it.
    #: How to pick the runner-up encoding ``{name}``; empty where it cannot be picked.
    encoding_named: str = " (--encoding {name})"
    #: Bytes the encoding cannot read: the sentence that ends the message.
    encoding_fix: str = "Give the file's encoding with --encoding, or save it as UTF-8."

    def recorded(self) -> dict[str, str]:
        """What an import record keeps: only the entries that differ from the CLI's, so a
        queued run says what the front end that queued it would say."""
        default = asdict(Wording())
        return {k: v for k, v in asdict(self).items() if v != default[k]}

    @classmethod
    def from_recorded(cls, recorded: Mapping[str, Any] | None) -> Wording:
        names = {f.name for f in fields(cls)}
        found = recorded or {}
        return cls(**{k: v for k, v in found.items() if k in names and isinstance(v, str)})


CLI = Wording()
