"""How long uploaded files are kept, and how many one person may have kept at once.

An upload is kept in the database, sealed, for its job to run and — for a dry run — to
be confirmed without sending the file again. A users file holds passwords, so nothing is
kept longer than it is needed:

- a real run's file goes when the run is done, and with it the file of the dry run it
  confirmed (:class:`rolodex.services.jobs.Worker`);
- any other file goes ``ROLODEX_UPLOAD_HOURS`` (24) after its upload once its run has
  ended. This is checked at every upload (before the quota is counted) and by each
  worker every ``PURGE_EVERY`` (10 min) while it is idle, so nothing waits on traffic;
- a person may have at most ``ROLODEX_MAX_PENDING_UPLOADS`` (20) files kept: one more is
  refused (429) with when the oldest will go.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from rolodex.config import UploadPolicy
from rolodex.errors import RolodexError
from rolodex.store import jobs as queue
from rolodex.store.store import Store

PURGE_EVERY = timedelta(minutes=10)


class TooManyUploads(RolodexError):
    """The person has as many uploads kept as allowed; one must be confirmed or dropped."""

    def __init__(self, kept: int, retry_after: int):
        super().__init__(
            f"You have {kept} uploads waiting (dry runs not confirmed, or runs not started): "
            "confirm or finish them first, or wait until they are dropped"
        )
        self.retry_after = retry_after


def admit(store: Store, policy: UploadPolicy, actor: str) -> None:
    """Before an upload is read: drop the files past their time, then raise
    :class:`TooManyUploads` when ``actor`` may not keep one more."""
    purge(store, policy)
    check_quota(store, policy, actor)


def purge(store: Store, policy: UploadPolicy) -> int:
    """Drop the files kept past ``policy.hours``; how many runs lost theirs."""
    cutoff = datetime.now(UTC) - timedelta(hours=policy.hours)
    with store.write() as conn:
        return queue.forget_uploads_before(conn, cutoff)


def check_quota(store: Store, policy: UploadPolicy, actor: str) -> None:
    """Raise :class:`TooManyUploads` when ``actor`` may not keep one more file."""
    with store.read() as conn:
        kept = queue.pending_uploads(conn, actor)
    if len(kept) >= policy.max_pending:
        oldest_goes = kept[0] + timedelta(hours=policy.hours) - datetime.now(UTC)
        raise TooManyUploads(len(kept), max(1, math.ceil(oldest_goes.total_seconds())))
