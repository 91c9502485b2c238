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

A run's messages are stored in the words of the front end that ran it; a front end showing
a run another one made rewords them (:meth:`Wording.reword`): the web app's pages show an
import run from the command line with the pages' words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields
from functools import cache, partial
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

    def reword(self, text: str, others: tuple[Wording, ...] = ()) -> str:
        """``text`` with each phrase of the ``others`` (the CLI's when none are given) put
        in this front end's words: a message stored by a run another front end made. The
        longest phrases go first, so one holding another (``--map``) is taken whole; a
        phrase that starts a sentence keeps its capital; ``{target}`` and ``{name}`` carry
        over. Text with no such phrase comes back as it was."""
        for other in others or (CLI,):
            for pattern, fill in _rewrites(other, self):
                text = pattern.sub(fill, text)
        return text

    @classmethod
    def from_recorded(cls, recorded: Mapping[str, Any] | None) -> Wording:
        names = {f.name for f in fields(cls)}
        found = recorded or {}
        return cls(**{k: v for k, v in found.items() if k in names and isinstance(v, str)})


CLI = Wording()


@cache
def _rewrites(
    theirs: Wording, ours: Wording
) -> tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...]:
    """Each phrase of ``theirs`` that ``ours`` says otherwise, as a pattern and its
    replacement, longest first: made once per pair, not once per message (an error file
    rewords every rejected row)."""
    pairs = [(getattr(theirs, f.name), getattr(ours, f.name)) for f in fields(Wording)]
    return tuple(
        (_phrase(phrase), partial(_filled, words))
        for phrase, words in sorted(pairs, key=lambda pair: -len(pair[0]))
        if phrase and phrase != words
    )


def _phrase(template: str) -> re.Pattern[str]:
    """A phrase as a pattern: its first letter in either case, each ``{slot}`` a word."""
    pattern = re.escape(template)
    pattern = re.sub(r"\\\{([a-z_]+)\\\}", r"(?P<\1>[^\\s()\"']+)", pattern)
    first = template[0]
    if first.isalpha():
        pattern = f"[{first.lower()}{first.upper()}]" + pattern[len(re.escape(first)) :]
    return re.compile(pattern)


def _filled(template: str, found: re.Match[str]) -> str:
    words = template.format(**found.groupdict())
    return words[:1].upper() + words[1:] if found.group(0)[:1].isupper() else words
