"""Request and response bodies, so ``/openapi.json`` describes every answer."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from rolodex.importing.ports import ImportStatus
from rolodex.importing.report import IssueCode


class ErrorBody(BaseModel):
    """Every 4xx (and 5xx) answer of the API: one shape, so a client reads one key."""

    error: str = Field(description="What went wrong, in words for a person")


class ColumnTarget(BaseModel):
    column: str = Field(description="The header cell, as the file has it")
    target: str | None = Field(
        description="Where its values go; for a column that binds to nothing, the suggested "
        "target, or null when nothing is close"
    )


class ImportFileProblem(BaseModel):
    error: str = Field(description="Why the file cannot be imported; nothing was queued")
    columns: list[ColumnTarget] | None = Field(
        default=None,
        description="Only when columns bind to nothing: every header cell with its target "
        "or suggestion, so a client can offer a mapping step and send `mapping`",
    )


class Credentials(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)
    expires_in: int | None = Field(
        default=None,
        ge=60,
        le=366 * 24 * 3600,
        description="Seconds until the token ends (a minute to a year); none: until "
        "revoked, the password changes or the user is deactivated",
    )


class Token(BaseModel):
    token: str


class RowError(BaseModel):
    row: int
    column: str | None
    code: IssueCode = Field(
        description="What is wrong, stable for scripts: `unknown-label`, `invalid-email`…"
    )
    message: str


class NewThings(BaseModel):
    labels: list[str]
    companies: list[str]
    fields: list[str]


RESTORED = "An undo run: records put back as they were before the import (0 for an import)"
REMOVED = "An undo run: records the import had created, removed again (0 for an import)"


class ImportSummary(BaseModel):
    id: int | None
    kind: str
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int = Field(
        description="Rows that changed nothing; for an undo, records left alone (changed since)"
    )
    failed: int
    restored: int | None = Field(None, description=RESTORED + "; only in an undo's summary")
    removed: int | None = Field(None, description=REMOVED + "; only in an undo's summary")
    columns: list[ColumnTarget] = Field(description="The binding: one entry per header cell")
    new: NewThings = Field(description="What the run created (a dry run: would create)")
    errors: list[RowError]
    warnings: list[str]


class Job(BaseModel):
    id: int
    kind: str
    file: str
    sha256: str
    dry_run: bool
    status: ImportStatus = Field(description="queued, running, done, failed or interrupted")
    rows: int = Field(description="Rows read so far (the same as rows_done)")
    rows_done: int
    rows_total: int
    created: int
    updated: int
    unchanged: int = Field(
        description="Rows that changed nothing; for an undo, records left alone (changed since)"
    )
    failed: int
    restored: int = Field(0, description=RESTORED)
    removed: int = Field(0, description=REMOVED)
    warnings: list[str]
    who: str | None
    undo_of: int | None = Field(description="For an undo: the import it took back")
    undone_by: int | None = Field(description="The undo run that took this import back")
    started_at: str | None
    finished_at: str | None
    summary: ImportSummary | None = Field(description="The CLI's import JSON, once done")


class SkippedRecord(BaseModel):
    email: str
    changed: list[str] = Field(description="What changed since the import")
    reason: str | None = Field(
        default=None,
        description="Why it was left alone when not a change (the last active admin)",
    )


class UndoResult(BaseModel):
    id: int | None = Field(description="The undo's own run; null when nothing was done")
    undo_of: int
    dry_run: bool
    restored: int
    removed: int
    skipped: list[SkippedRecord]
    already_undone_by: int | None
    labels_removed: int = Field(description="Labels the import created, removed again")


class Contact(BaseModel):
    id: int
    email: str
    first_name: str | None
    last_name: str | None
    company_id: int | None
    labels: list[str]
    labels_id: list[int]
    custom_fields: dict[str, Any]
    source: str
    created_at: str | None
    updated_at: str | None


class ContactChanges(BaseModel):
    """``PATCH /api/contacts/{contact}``: only the keys sent change. ``null`` or ``""``
    clears a name, the company or a custom value; ``labels`` is the whole new set."""

    first_name: str | None = Field(default=None, max_length=1024)
    last_name: str | None = Field(default=None, max_length=1024)
    company_id: int | None = Field(default=None, description="An existing company's ID")
    labels: list[str] | None = Field(
        default=None, max_length=1000, description="Label names (exact case); all of them"
    )
    custom_fields: dict[str, str | bool | int | float | None] | None = Field(
        default=None,
        max_length=1000,
        description="variable_name → value, parsed by the field's type as an import does",
    )


class ContactPage(BaseModel):
    items: list[Contact]
    total: int


COUNTED = "How many contacts {}; only with `?counts=true`"


class Label(BaseModel):
    id: int
    name: str
    contacts: int | None = Field(default=None, description=COUNTED.format("carry it"))


class LabelChange(BaseModel):
    name: str = Field(min_length=1, max_length=255, description="The new name")


class Deleted(BaseModel):
    """What a deletion answers: the entry that is gone."""

    id: int
    name: str


class LabelDeleted(Deleted):
    contacts: int = Field(description="How many contacts carried it and lost it (they stay)")


class NewLabel(BaseModel):
    name: str = Field(min_length=1, max_length=255)


class Company(BaseModel):
    id: int
    name: str
    domain: str | None
    contacts: int | None = Field(default=None, description=COUNTED.format("are linked to it"))


class CompanyChange(BaseModel):
    name: str | None = Field(
        default=None, min_length=1, max_length=255, description="The new name; none: as it is"
    )
    domain: str | None = Field(
        default=None,
        max_length=255,
        description="The new domain; null or an empty string removes it; left out: as it is",
    )


class CompanyDeleted(Deleted):
    contacts: int = Field(description="How many contacts were linked to it: they stay, unlinked")


class NewCompany(BaseModel):
    name: str = Field(min_length=1, max_length=255)
    domain: str | None = Field(default=None, max_length=255)


class CustomField(BaseModel):
    id: int
    variable_name: str
    title: str
    type: str
    options: list[str]


class NewCustomField(BaseModel):
    variable_name: str = Field(max_length=64)
    type: str = "text"
    options: list[str] = Field(default_factory=list, max_length=1000)
    title: str | None = Field(default=None, max_length=255)


class User(BaseModel):
    """A member of the team; never a password or a hash."""

    id: int
    email: str
    first_name: str | None
    last_name: str | None
    active: bool
    role: Literal["admin", "agent"]
    created_at: str | None
    updated_at: str | None
    last_sign_in_at: str | None = Field(
        description="When the user last signed in (web or API token); null if never"
    )
    temporary_password: str | None = Field(
        default=None,
        description="Only in the answer that made it (`temporary_password: true`): the "
        "generated password, shown this once and stored only as a hash",
    )


class NewUser(BaseModel):
    email: str = Field(max_length=320)
    first_name: str | None = Field(default=None, max_length=255)
    last_name: str | None = Field(default=None, max_length=255)
    role: Literal["admin", "agent"] = "agent"
    password: str | None = Field(
        default=None,
        max_length=1024,
        description="At least 6 characters, kept exactly as sent; leave it out and set "
        "`temporary_password` to have one generated",
    )
    temporary_password: bool = Field(
        default=False, description="Generate a password and return it once in the answer"
    )


class UserChange(BaseModel):
    """What to change; what is left out stays as it is. A new password or a deactivation
    ends every session and token of the user."""

    active: bool | None = None
    role: Literal["admin", "agent"] | None = None
    password: str | None = Field(default=None, max_length=1024)
    temporary_password: bool = Field(
        default=False, description="Generate a new password and return it once in the answer"
    )


class CustomFieldChange(BaseModel):
    title: str | None = Field(default=None, max_length=255, description="none: as it is")
    options: list[str] | None = Field(
        default=None,
        max_length=1000,
        description="A select field's whole new list of options; none: as it is. An option "
        "some contact holds cannot be left out (409, saying how many hold it)",
    )


ERROR_ANSWERS = {
    400: "The request is malformed",
    401: "Not signed in",
    403: "Signed in, but not allowed (admins only, or a failed CSRF check)",
    404: "No such record",
    409: "A record with that name exists already, or the change would take a value "
    "from contacts that hold it",
    413: "The body is larger than the limit",
    415: "The body is not of a type this endpoint reads",
    422: "The request or the file cannot be used (a file error: nothing was queued)",
    429: "Too many attempts: wait the number of seconds in the Retry-After header",
}


def errors(
    *codes: int, unprocessable: type[BaseModel] = ErrorBody
) -> dict[int | str, dict[str, Any]]:
    """The error answers a route may give, for its OpenAPI description: all ``ErrorBody``
    (``unprocessable``: a 422 that says more, as an import's unbound columns do)."""
    return {
        code: {
            "model": unprocessable if code == 422 else ErrorBody,
            "description": ERROR_ANSWERS[code],
        }
        for code in codes
    }
