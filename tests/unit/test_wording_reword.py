"""A message stored in one front end's words, shown by another in its own
(``Wording.reword``): the pages show an import run from the command line without a ``--``
flag, word for word as if the pages had run it."""

from __future__ import annotations

import dataclasses
import re

import pytest

from rolodex.importing.columns import BindOptions, UnboundColumns, bind
from rolodex.importing.contacts import contact_targets
from rolodex.importing.encodings import Guess, warning
from rolodex.importing.wording import CLI, Wording
from rolodex.web.wording import PAGES

SLOTS = {"target": "email", "name": "cp1257"}
CLI_WAYS = re.compile(r"--[a-z]|\brolodex [a-z]+ (list|add)\b")


@pytest.mark.parametrize("way", [f.name for f in dataclasses.fields(Wording)])
def test_every_way_out_is_reworded_in_a_sentence(way: str) -> None:
    def sentence(words: Wording) -> str:
        return f"row 2: there is a problem: fix it, or {getattr(words, way).format(**SLOTS)}; next"

    assert PAGES.reword(sentence(CLI)) == sentence(PAGES)
    if getattr(PAGES, way):  # a way the pages leave out cannot be put back
        assert CLI.reword(sentence(PAGES), (PAGES,)) == sentence(CLI)


@pytest.mark.parametrize("runner_up", ["cp1257", None])
def test_an_encoding_warning_reads_as_the_pages_write_it(runner_up: str | None) -> None:
    guess = Guess("cp1252", runner_up)
    assert PAGES.reword(warning(guess)) == warning(guess, PAGES)


@pytest.mark.parametrize(
    "header", [["email", "Frist Name", "Notes"], ["Name", "Address"]], ids=["unbound", "no-email"]
)
def test_a_header_refusal_reads_as_the_pages_write_it(header: list[str]) -> None:
    targets = contact_targets([])
    messages = []
    for options in (BindOptions(), BindOptions(wording=PAGES)):
        with pytest.raises(Exception) as refused:
            bind(header, targets, options)
        messages.append(str(refused.value))
    assert isinstance(refused.value, UnboundColumns) or "required" in messages[0]
    assert PAGES.reword(messages[0]) == messages[1]
    assert CLI_WAYS.search(PAGES.reword(messages[0])) is None


def test_an_error_file_cell_of_several_problems_is_reworded_whole() -> None:
    cell = (
        "labels: there is no label named 'Nope': create it first, or import with "
        "--create-labels; company_id: there is no company with ID 9: create it first, or see "
        "`rolodex companies list` for the IDs"
    )
    reworded = PAGES.reword(cell)
    assert CLI_WAYS.search(reworded) is None
    assert "tick “Create unknown labels”" in reworded
    assert "the Companies page lists the companies with their IDs" in reworded


def test_text_without_a_way_out_is_left_as_it_is() -> None:
    plain = "'not-an-email' is not a valid email address: an email address must have an @-sign."
    assert PAGES.reword(plain) == plain
    assert PAGES.reword(PAGES.reword(CLI.create_labels)) == PAGES.create_labels
