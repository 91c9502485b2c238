"""Rows read and parsed on a second core while the first one writes.

Turning a contacts row into checked values (decoding, the address, names, custom values)
costs about as much as the database takes to store it. On a machine with two cores the
two overlap: a child process reads and parses the file batch by batch and sends each batch
through a pipe, while this process applies the previous one. The pipe holds about one
batch, so memory stays flat however long the file is, and the child never runs far ahead.

Small files are parsed in this process: starting a child costs more than it saves. Either
way the engine sees the same batches, in the same order, with the same results.

Only a refused row needs its cells again (for the error file), so the child sends a batch's
rows as read in one pickle that the parent opens only when a row of the batch is refused:
building eight strings and a tuple for every row cost the importing process 3 of its 8 µs
a row of receiving (ARCHITECTURE.md#the-sixth-sessions-step).
"""

from __future__ import annotations

import gc
import pickle
import signal
from collections.abc import Generator, Iterator
from itertools import islice
from multiprocessing.connection import Connection
from typing import Any

from rolodex.errors import FileError
from rolodex.importing.ports import Parser, ParsesBatches, PortableParser, RowSource
from rolodex.importing.reader import RawRow
from rolodex.runtime.gc_tuning import BULK_THRESHOLDS
from rolodex.runtime.iterutil import batched
from rolodex.runtime.processes import available_cpus, start_context


class ParsedBatch:
    """A batch's drafts (what its kind's parser made of each row, in file order) and its
    rows as read, kept packed until someone asks for them."""

    __slots__ = ("_rows", "drafts")

    def __init__(self, drafts: list[Any], rows: list[RawRow] | bytes):
        self.drafts = drafts
        self._rows = rows

    def rows(self) -> list[RawRow]:
        """The rows as read, in the order of :attr:`drafts`."""
        if isinstance(self._rows, bytes):
            self._rows = [RawRow(*row) for row in pickle.loads(self._rows)]
        return self._rows

    def __len__(self) -> int:
        return len(self.drafts)


def parsed_batches(
    source: RowSource, parser: Parser, batch_size: int, skip: int, in_child: bool
) -> Generator[ParsedBatch, None, None]:
    """The file's rows after the first ``skip``, parsed, in batches of ``batch_size``.

    A generator, so that the caller can close it and stop the second process early.
    ``in_child`` asks for the second process; it is used only where there is a second core
    to run it on and ``parser`` packs its results (a :class:`PortableParser`). ``parser``
    must then pickle (its parse must need nothing of this process).
    """
    if in_child and isinstance(parser, PortableParser) and available_cpus() > 1:
        yield from _from_child(source, parser, batch_size, skip)
    else:
        yield from _parse(source, parser, batch_size, skip)


def _parse(source: RowSource, parser: Parser, batch_size: int, skip: int) -> Iterator[ParsedBatch]:
    parse_batch = parser.parse_batch if isinstance(parser, ParsesBatches) else None
    for batch in batched(islice(source.rows(), skip, None), batch_size):
        rows = list(batch)
        if parse_batch is not None:
            yield ParsedBatch(parse_batch(rows), rows)
        else:
            yield ParsedBatch([parser.parse(raw) for raw in rows], rows)


def _from_child(
    source: RowSource, parser: PortableParser, batch_size: int, skip: int
) -> Iterator[ParsedBatch]:
    context = start_context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_produce,
        args=(source, parser, batch_size, skip, sender),
        name="rolodex-parser",
        daemon=True,
    )
    child.start()
    sender.close()  # the child holds the only sending end: its exit means end of file
    unpack = parser.unpack
    try:
        while True:
            try:
                message = receiver.recv()
            except (EOFError, OSError):  # OSError: the child died part-way through a batch
                raise FileError(
                    "Reading the file stopped unexpectedly (its reading process ended). "
                    "Run the import again; rows already imported count as unchanged."
                ) from None
            if message is None:
                return
            if isinstance(message, BaseException):
                raise message
            drafts, rows = message
            yield ParsedBatch([unpack(packed) for packed in drafts], rows)
    finally:
        receiver.close()
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
            child.join()


def _produce(
    source: RowSource, parser: PortableParser, batch_size: int, skip: int, sender: Connection
) -> None:
    """The child: parse and send until the end (``None``) or the first error, which the
    parent raises as its own (no traceback is printed here).

    Ctrl-C is the parent's to handle: it stops the run and closes the pipe, which ends
    this loop with a broken pipe, quietly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.set_threshold(*BULK_THRESHOLDS)
    pack = parser.pack
    try:
        try:
            for batch in _parse(source, parser, batch_size, skip):
                rows = [tuple(raw) for raw in batch.rows()]
                packed = pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
                sender.send(([pack(draft) for draft in batch.drafts], packed))
            sender.send(None)
        except Exception as error:
            sender.send(error)
    except (BrokenPipeError, ConnectionResetError):
        return
    finally:
        sender.close()
