"""Errors cross a process boundary (a large file is read in a child process): a pickled
``FileError`` comes back with its message, row and column."""

from __future__ import annotations

import pickle

import pytest

from rolodex.errors import FileError, RolodexError


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_a_file_error_pickles_with_its_row_and_column(protocol):
    error = FileError("Row 3: the email is wrong", row=3, column="email")

    back = pickle.loads(pickle.dumps(error, protocol=protocol))

    assert type(back) is FileError
    assert isinstance(back, RolodexError)
    assert (back.message, str(back), back.args) == (error.message, str(error), error.args)
    assert (back.row, back.column) == (3, "email")


def test_a_file_error_without_a_row_pickles_as_one():
    back = pickle.loads(pickle.dumps(FileError("The file is empty")))
    assert (back.message, back.row, back.column) == ("The file is empty", None, None)


def test_a_row_only_file_error_keeps_its_row():
    back = pickle.loads(pickle.dumps(FileError("Row 9: a quote", row=9)))
    assert (back.message, back.row, back.column) == ("Row 9: a quote", 9, None)
