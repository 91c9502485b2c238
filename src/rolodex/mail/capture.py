"""Storing the senders of inbound mail as contacts.

A new address becomes a contact (``source`` = ``email``) with the names its display name
gives; an existing contact is never overwritten, only its empty names filled. Messages are
taken in batches, each batch in one transaction with one lookup for all its addresses, so a
mailbox of a hundred thousand messages costs a few hundred queries, and running the same
mailbox again changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime

from rolodex.domain import ContactState, Source
from rolodex.importing.ports import ContactWrite, ImportStore
from rolodex.mail.senders import MAX_SENDERS, Sender, senders_of
from rolodex.mail.sources import RawMessage, SourceProblem
from rolodex.runtime.iterutil import batched

BATCH = 500


@dataclass
class CaptureSummary:
    messages: int = 0
    contacts_created: int = 0
    names_filled: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    """Messages (and sources) left out, by reason."""
    invalid_addresses: int = 0
    machine_addresses: int = 0
    capped_addresses: int = 0

    def as_dict(self) -> dict[str, object]:
        """The counts in field order, then what was skipped in all and by reason."""
        counts = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "skipped"}
        skipped = {"skipped": sum(self.skipped.values())}
        return {**counts, **skipped, "skipped_reasons": dict(self.skipped.most_common())}


def capture(
    messages: Iterable[RawMessage | SourceProblem],
    store: ImportStore,
    mailbox_keys: frozenset[str],
    progress: Callable[[int], None] | None = None,
    max_senders: int = MAX_SENDERS,
) -> CaptureSummary:
    """Store the senders of every message (at most ``max_senders`` each); ``progress``
    gets the bytes read so far."""
    summary = CaptureSummary()
    done = 0
    for batch in batched(messages, BATCH):
        senders: list[Sender] = []
        for item in batch:
            if isinstance(item, SourceProblem):
                summary.skipped[f"{item.origin}: {item.reason}"] += 1
                continue
            summary.messages += 1
            done += len(item.raw)
            found = senders_of(item.raw, mailbox_keys, max_senders)
            summary.invalid_addresses += found.invalid
            summary.machine_addresses += found.machines
            summary.capped_addresses += found.capped
            if found.skipped_reason:
                summary.skipped[found.skipped_reason] += 1
            senders.extend(found.senders)
        _store_senders(store, senders, summary)
        if progress:
            progress(done)
    return summary


def _store_senders(store: ImportStore, senders: list[Sender], summary: CaptureSummary) -> None:
    if not senders:
        return
    with store.unit() as unit:
        states = unit.contacts_by_key({s.key for s in senders})
        before = {key: state.copy() for key, state in states.items()}
        for sender in senders:
            _merge(sender, states, summary)
        writes = [
            ContactWrite(state, before.get(key))
            for key, state in sorted(states.items())
            if state != before.get(key)
        ]
        if writes:
            unit.write_contacts(writes, Source.EMAIL, datetime.now(UTC))


def _merge(sender: Sender, states: dict[str, ContactState], summary: CaptureSummary) -> None:
    state = states.get(sender.key)
    if state is None:
        states[sender.key] = ContactState(
            None, sender.address, sender.key, sender.first_name, sender.last_name
        )
        summary.contacts_created += 1
        return
    filled = False
    if not state.first_name and sender.first_name:
        state.first_name, filled = sender.first_name, True
    if not state.last_name and sender.last_name:
        state.last_name, filled = sender.last_name, True
    summary.names_filled += filled
