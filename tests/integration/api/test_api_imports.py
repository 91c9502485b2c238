"""Imports as jobs through the API (docs/api.md#imports-as-jobs, docs/importing.md#import-runs).

``POST /api/imports`` checks the file at once (a file error is a 422 ``{"error"}`` and
nothing is queued; past the size limit a 413) and answers 202 with the queued job. The
worker runs it through the same engine as the CLI: once ``done``, the job's ``summary`` is
the CLI's ``import --json`` document for the same file and flags, and
``GET /api/imports/{id}/errors.csv`` is the CLI's ``--errors`` file. Each comparison runs
the CLI on a second, empty database of the same kind holding the same catalog.
"""

from __future__ import annotations

import csv
import hashlib
import io

import pytest

from rolodex.services import catalog
from rolodex.store.store import Store
from tests.helpers import ADMIN, AGENT

from .conftest import Imports, bearer, sign_in

CONTACTS = (
    "email,first_name,last_name,company_id,labels,plan,score\n"
    "ann@example.com,Ann,Lee,1,Trial,pro,2.5\n"
    "bob@example.com,Bob,Ray,,Marketing:Trial,basic,\n"
    "cy@example.com,,Young,,,,-1\n"
)
WITH_BAD_ROWS = (
    "email,first_name,last_name,company_id,labels,plan,score\n"
    "ann@example.com,Ann,Lee,1,Trial,pro,2.5\n"
    "not-an-email,Dee,Dee,,,,\n"
    "bob@example.com,Bob,Ray,7,Unknown,gold,many\n"
    '"cy@example.com",Cy,"Young,\nJr",,,,\n'
)
SEMICOLONS_IN_WINDOWS_1252 = "email;first_name;last_name\nzoe@example.com;Zoé;Müller\n".encode(
    "cp1252"
)
NEW_LABELS = "email,labels\nann@example.com,Trial:Brand New\nbob@example.com,Other\n"
MANY_BAD_ROWS = "email,first_name\n" + "".join(f"bad-{n},Name\n" for n in range(150))

RUNS = {
    "valid rows": (CONTACTS, {}),
    "rows with errors": (WITH_BAD_ROWS, {}),
    "semicolons in Windows-1252": (SEMICOLONS_IN_WINDOWS_1252, {}),
    "dry run": (WITH_BAD_ROWS, {"dry_run": True}),
    "strict with a bad row": (WITH_BAD_ROWS, {"strict": True}),
    "strict with valid rows": (CONTACTS, {"strict": True}),
    "unknown labels": (NEW_LABELS, {}),
    "create labels": (NEW_LABELS, {"create_labels": True}),
    "dry run creating labels": (NEW_LABELS, {"create_labels": True, "dry_run": True}),
    "more than a hundred bad rows": (MANY_BAD_ROWS, {}),
    "header only": ("email,first_name\n", {}),
}
COUNTS = ("created", "updated", "unchanged", "failed")


def fill_catalog(url: str) -> None:
    store = Store.open(url)
    try:
        catalog.add_labels(store, ["Trial", "Marketing"])
        catalog.add_company(store, "Acme", "acme.example")
        catalog.add_field(store, "plan", "select", ["basic", "pro"])
        catalog.add_field(store, "score", "number")
    finally:
        store.close()


@pytest.fixture
def both_catalogs(db_url, other_db_url):
    """The same labels, company and custom fields in the app's database and the CLI's."""
    fill_catalog(db_url)
    fill_catalog(other_db_url)


def cli_flags(flags: dict[str, bool]) -> list[str]:
    return ["--" + name.replace("_", "-") for name, on in flags.items() if on]


def as_bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def without_id(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "id"}


def history(client, headers) -> list[dict]:
    answer = client.get("/api/imports", headers=headers)
    assert answer.status_code == 200
    return answer.json()


def contacts(client, headers) -> list[dict]:
    return client.get("/api/contacts", headers=headers, params={"per_page": 500}).json()["items"]


# -- upload → 202 → done ---------------------------------------------------------------------------


def test_upload_answers_202_with_the_queued_job(make_client, db_url, store, accounts):
    fill_catalog(db_url)
    client = make_client(run_worker=False)
    headers = bearer(store, AGENT[0])

    answer = Imports(client).upload(headers, CONTACTS, name="customers.csv", dry_run=True)

    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert job["status"] == "queued"
    assert (job["kind"], job["file"], job["dry_run"], job["who"]) == (
        "contacts",
        "customers.csv",
        True,
        AGENT[0],
    )
    assert (job["rows_done"], job["rows_total"]) == (0, 3)
    assert [job[key] for key in COUNTS] == [0, 0, 0, 0]
    assert job["sha256"] == hashlib.sha256(CONTACTS.encode()).hexdigest()
    assert job["summary"] is None
    assert client.get(f"/api/imports/{job['id']}", headers=headers).json() == job


@pytest.mark.parametrize("content,flags", RUNS.values(), ids=RUNS.keys())
def test_finished_job_summary_is_the_cli_import_json(
    client, admin, imports, both_catalogs, other_cli, write_csv, content, flags
):
    job = imports.run(admin, content, **flags)
    expected = other_cli.json("import", "contacts", write_csv(content), *cli_flags(flags))

    assert job["status"] == "done"
    assert without_id(job["summary"]) == without_id(expected)
    assert job["summary"]["id"] == job["id"]
    assert job["rows_done"] == job["rows_total"] == expected["rows"]
    assert [job[key] for key in COUNTS] == [expected[key] for key in COUNTS]
    assert job["dry_run"] is bool(flags.get("dry_run"))
    assert job["finished_at"] is not None


def test_summary_errors_carry_a_code_beside_the_message(client, admin, imports, both_catalogs):
    job = imports.run(admin, WITH_BAD_ROWS)

    codes = {(e["row"], e["column"]): e["code"] for e in job["summary"]["errors"]}
    assert codes[(3, "email")] == "invalid-email"
    assert codes[(4, "labels")] == "unknown-label"
    assert codes[(4, "company_id")] == "unknown-company"


@pytest.mark.parametrize(
    "content,flags",
    [RUNS["rows with errors"], RUNS["strict with a bad row"], RUNS["header only"]],
    ids=["rows with errors", "strict with a bad row", "no errors"],
)
def test_error_file_is_the_cli_error_file(
    client, admin, imports, both_catalogs, other_cli, write_csv, tmp_path, content, flags
):
    job = imports.run(admin, content, **flags)
    cli_errors = tmp_path / "cli-errors.csv"
    other_cli("import", "contacts", write_csv(content), *cli_flags(flags), "--errors", cli_errors)

    answer = client.get(f"/api/imports/{job['id']}/errors.csv", headers=admin)

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    assert answer.content == cli_errors.read_bytes()


def test_error_file_of_a_users_import_blanks_the_passwords(
    client, admin, imports, other_cli, write_csv, tmp_path
):
    content = (
        "email,first_name,password,active\n"
        "kim@example.com,Kim,abc12,true\n"
        "lee@example.com,Lee,long-enough-secret,maybe\n"
    )
    job = imports.run(admin, content, kind="users")
    cli_errors = tmp_path / "cli-errors.csv"
    other_cli("import", "users", write_csv(content), "--errors", cli_errors)

    answer = client.get(f"/api/imports/{job['id']}/errors.csv", headers=admin)

    assert answer.content == cli_errors.read_bytes()
    assert b"abc12" not in answer.content
    assert b"long-enough-secret" not in answer.content
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["email", "first_name", "password", "active", "error"]
    assert [(row[0], row[2]) for row in rows[1:]] == [
        ("kim@example.com", ""),
        ("lee@example.com", ""),
    ]


def test_users_import_by_an_admin_creates_agents_who_can_sign_in(client, admin, imports):
    job = imports.run(
        admin, "email,first_name,password\nkim@example.com,Kim,kim-secret\n", kind="users"
    )

    assert (job["status"], job["created"], job["failed"]) == ("done", 1, 0)
    signed_in = sign_in(client, "kim@example.com", "kim-secret")
    assert client.post("/api/labels", headers=signed_in, json={"name": "X"}).status_code == 403


def test_history_lists_imports_newest_first(client, admin, agent, imports):
    first = imports.run(admin, "email\na@example.com\n")
    second = imports.run(agent, "email\nb@example.com\n", dry_run=True)
    third = imports.run(admin, "email\nc@example.com\n")

    listed = history(client, agent)

    ids = [job["id"] for job in listed]
    assert ids[:3] == [third["id"], second["id"], first["id"]]
    assert ids == sorted(ids, reverse=True)
    assert listed[:3] == [third, second, first]
    assert [job["who"] for job in listed[:3]] == [ADMIN[0], AGENT[0], ADMIN[0]]


def test_dry_run_writes_nothing_and_counts_as_a_real_run(client, admin, imports):
    labels_before = client.get("/api/labels", headers=admin).json()

    dry = imports.run(admin, NEW_LABELS, dry_run=True, create_labels=True)

    assert contacts(client, admin) == []
    assert client.get("/api/labels", headers=admin).json() == labels_before
    real = imports.run(admin, NEW_LABELS, create_labels=True)
    assert (dry["summary"]["dry_run"], real["summary"]["dry_run"]) == (True, False)
    assert without_id(dry["summary"]) | {"dry_run": None} == without_id(real["summary"]) | {
        "dry_run": None
    }
    assert len(contacts(client, admin)) == 2


def test_strict_import_with_a_bad_row_writes_nothing(client, admin, imports, both_catalogs):
    job = imports.run(admin, WITH_BAD_ROWS, strict=True)

    assert job["status"] == "done"
    assert (job["created"], job["updated"], job["unchanged"], job["failed"]) == (0, 0, 0, 2)
    assert contacts(client, admin) == []


# -- refused at once -------------------------------------------------------------------------------

FILE_ERRORS = {
    "no email column": b"first_name,last_name\nAnn,Lee\n",
    "unknown column": b"email,first_nme\nann@example.com,Ann\n",
    "duplicate column": b"email,email\nann@example.com,ann@example.com\n",
    "empty file": b"",
    "unterminated quote": b'email,first_name\nann@example.com,"Ann\nbob@example.com,Bob\n',
    "an xlsx workbook": b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(64),
    "a gzip file": b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(64),
    "a png image": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
}


@pytest.mark.parametrize("content", FILE_ERRORS.values(), ids=FILE_ERRORS.keys())
def test_file_error_is_422_at_once_and_queues_nothing(client, admin, other_cli, write_csv, content):
    before = history(client, admin)

    answer = imports_upload(client, admin, content)

    expected = other_cli.json("import", "contacts", write_csv(content))
    assert answer.status_code == 422
    assert answer.json() == expected
    unbound = content == FILE_ERRORS["unknown column"]
    assert set(answer.json()) == ({"error", "columns"} if unbound else {"error"})
    assert history(client, admin) == before


def test_users_file_with_a_contact_column_is_a_file_error(client, admin):
    before = history(client, admin)

    answer = imports_upload(client, admin, b"email,labels\nkim@example.com,Trial\n", kind="users")

    assert answer.status_code == 422
    assert "labels" in answer.json()["error"]
    assert history(client, admin) == before


@pytest.mark.parametrize("kind", ["people", "Contacts", ""], ids=["people", "capitalised", "empty"])
def test_unknown_kind_is_422_and_queues_nothing(client, admin, kind):
    before = history(client, admin)

    answer = imports_upload(client, admin, CONTACTS.encode(), kind=kind)

    assert answer.status_code == 422
    assert set(answer.json()) == {"error"}
    assert history(client, admin) == before


def imports_upload(client, headers, content: bytes, kind: str = "contacts"):
    return client.post(
        "/api/imports",
        headers=headers,
        data={"kind": kind},
        files={"file": ("upload.csv", content, "text/csv")},
    )


# -- the size limit --------------------------------------------------------------------------------

LIMIT = 200
AT_THE_LIMIT = (
    "email\n" + "a" * (LIMIT - len("email\n@example.com\n")) + "@example.com\n"
).encode()


def test_file_at_the_size_limit_is_accepted(make_client, store, accounts):
    client = make_client(run_worker=False, max_upload_bytes=LIMIT)
    assert len(AT_THE_LIMIT) == LIMIT

    answer = imports_upload(client, bearer(store, AGENT[0]), AT_THE_LIMIT)

    assert answer.status_code == 202, answer.text


@pytest.mark.parametrize(
    "size", [LIMIT + 1, 1_000_000], ids=["one byte past the limit", "far past the limit"]
)
def test_file_past_the_size_limit_is_413_and_queues_nothing(make_client, store, accounts, size):
    client = make_client(run_worker=False, max_upload_bytes=LIMIT)
    headers = bearer(store, AGENT[0])
    content = AT_THE_LIMIT + b"b" * (size - LIMIT - 1) + b"\n"
    assert len(content) == size

    answer = imports_upload(client, headers, content)

    assert answer.status_code == 413
    assert set(answer.json()) == {"error"}
    assert str(LIMIT) in answer.json()["error"]
    assert history(client, headers) == []  # an agent does not see the accounts' users import
