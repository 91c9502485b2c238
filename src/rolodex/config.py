"""Settings, read from the environment only when a front end asks for them.

Nothing here runs at import time: :func:`Settings.from_env` is called by the CLI or the web
app once, and the result travels as a value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields, replace
from typing import Any, ClassVar, Self

from rolodex.errors import UsageError

DEFAULT_DATABASE_URL = "sqlite:///rolodex.db"


def _setting(variable: str, default: int) -> int:
    """A whole-number setting: its default, and the environment variable that changes it."""
    return field(default=default, metadata={"env": variable})


class _FromEnv:
    """A policy whose every field is made by :func:`_setting`."""

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Self:
        """The defaults, each replaced by its environment variable when set (in field order)."""
        defaults = cls()
        read = {
            f.name: _int(env, f.metadata["env"], getattr(defaults, f.name))
            for f in fields(defaults)
        }
        return replace(defaults, **read)


@dataclass(frozen=True)
class Limits(_FromEnv):
    """Bounds on what one file may hold, so a hostile file meets a clear error, not a stall."""

    max_file_bytes: int = _setting("ROLODEX_MAX_FILE_BYTES", 2 * 1024**3)
    max_field_chars: int = _setting("ROLODEX_MAX_FIELD_CHARS", 10 * 1024 * 1024)
    max_rows: int = _setting("ROLODEX_MAX_ROWS", 10_000_000)
    max_labels_per_cell: int = _setting("ROLODEX_MAX_LABELS_PER_CELL", 1_000)


@dataclass(frozen=True)
class MailLimits(_FromEnv):
    """Bounds on inbound mail, so a hostile sender meets a refusal, not a stall.

    Eight 24 MB messages at once took a listener from 199 to 1,060 MiB: each message is
    held whole while it arrives (up to about three copies). Eight sessions of 10 MiB keep
    that under ~250 MiB. 100 recipients is RFC 5321's floor (section 4.5.3.1.8), and the mailbox has
    a handful of addresses anyway. 50 contacts a message covers any real Cc line while a
    message with 1,400 Cc can no longer fill the directory by itself.
    """

    max_sessions: int = _setting("ROLODEX_SMTP_MAX_SESSIONS", 8)
    max_recipients: int = _setting("ROLODEX_SMTP_MAX_RECIPIENTS", 100)
    max_message_bytes: int = _setting("ROLODEX_SMTP_MAX_MESSAGE_BYTES", 10 * 1024 * 1024)
    max_contacts_per_message: int = _setting("ROLODEX_MAIL_MAX_CONTACTS_PER_MESSAGE", 50)


@dataclass(frozen=True)
class ThrottlePolicy(_FromEnv):
    """How fast passwords may be guessed (see :mod:`rolodex.security.throttle`)."""

    account_failures: int = _setting("ROLODEX_LOGIN_ACCOUNT_FAILURES", 5)
    address_failures: int = _setting("ROLODEX_LOGIN_ADDRESS_FAILURES", 20)
    lock_seconds: int = _setting("ROLODEX_LOGIN_LOCK_SECONDS", 30)
    max_lock_seconds: int = _setting("ROLODEX_LOGIN_MAX_LOCK_SECONDS", 15 * 60)


@dataclass(frozen=True)
class SessionPolicy(_FromEnv):
    """How long a web session lasts: ``idle_minutes`` (120) after its last use, and never
    more than ``max_hours`` (12) after sign-in — a working day, then sign in again."""

    idle_minutes: int = _setting("ROLODEX_SESSION_IDLE_MINUTES", 120)
    max_hours: int = _setting("ROLODEX_SESSION_MAX_HOURS", 12)


@dataclass(frozen=True)
class UploadPolicy(_FromEnv):
    """Uploaded files (kept sealed in the database) are dropped ``hours`` (24) after upload
    once their run has ended, and a person may have at most ``max_pending`` (20) kept at
    once — dry runs not confirmed yet, and queued runs (see :mod:`rolodex.services.uploads`)."""

    hours: int = _setting("ROLODEX_UPLOAD_HOURS", 24)
    max_pending: int = _setting("ROLODEX_MAX_PENDING_UPLOADS", 20)


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    limits: Limits = field(default_factory=Limits)
    mail: MailLimits = field(default_factory=MailLimits)
    throttle: ThrottlePolicy = field(default_factory=ThrottlePolicy)
    sessions: SessionPolicy = field(default_factory=SessionPolicy)
    uploads: UploadPolicy = field(default_factory=UploadPolicy)
    mailbox_addresses: tuple[str, ...] = ()
    max_upload_bytes: int = 100 * 1024 * 1024
    max_body_bytes: int = 1024 * 1024
    """Any other request body (JSON, forms): 1 MiB is far more than any of them needs."""
    journal_days: int = 30
    secret_key: str | None = field(default=None, repr=False)
    key_file: str = "~/.config/rolodex/secret.key"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        mailbox = tuple(
            a.strip() for a in env.get("ROLODEX_MAILBOX_ADDRESSES", "").split(",") if a.strip()
        )
        return cls(
            database_url=env.get("ROLODEX_DATABASE_URL") or DEFAULT_DATABASE_URL,
            limits=Limits.from_env(env),
            mail=MailLimits.from_env(env),
            throttle=ThrottlePolicy.from_env(env),
            sessions=SessionPolicy.from_env(env),
            uploads=UploadPolicy.from_env(env),
            mailbox_addresses=mailbox,
            max_upload_bytes=_int(env, "ROLODEX_MAX_UPLOAD_BYTES", cls.max_upload_bytes),
            max_body_bytes=_int(env, "ROLODEX_MAX_BODY_BYTES", cls.max_body_bytes),
            journal_days=_int(env, "ROLODEX_JOURNAL_DAYS", cls.journal_days),
            secret_key=env.get("ROLODEX_SECRET_KEY") or None,
            key_file=env.get("ROLODEX_KEY_FILE") or cls.key_file,
        )


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise UsageError(f"{name} must be a whole number, not {raw!r}") from None
    if value <= 0:
        raise UsageError(f"{name} must be greater than 0, not {value}")
    return value
