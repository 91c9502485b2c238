"""Import runs (docs/importing.md#import-runs, docs/importing.md#dry-run,
docs/importing.md#strict, docs/importing.md#the-error-file, docs/importing.md#exit-codes,
docs/importing.md#json-output): counts, re-imports that change nothing, file order,
--dry-run, --strict, exit codes, the --errors file, the JSON report, the record of runs, and
running a half-done import again."""

from __future__ import annotations

import csv
import hashlib
import json

import pytest

from tests.helpers import REPORT_KEYS, counts, flat, run_import


def show(cli, email):
    return cli.json("contacts", "show", email)


def everything(cli):
    """What the database holds, as a user can see it."""
    return {
        "contacts": cli.json("contacts", "list"),
        "labels": cli.json("labels", "list"),
        "companies": cli.json("companies", "list"),
    }


def stable(contact):
    """A contact without its ID and times; custom values as text (2.5 or "2.5" alike)."""
    return {
        "email": contact["email"],
        "first_name": contact["first_name"],
        "last_name": contact["last_name"],
        "company_id": contact["company_id"],
        "labels": sorted(contact["labels"]),
        "custom_fields": {name: str(value) for name, value in contact["custom_fields"].items()},
        "source": contact["source"],
    }


def read_csv(path):
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


@pytest.fixture
def catalog(cli):
    assert cli("labels", "add", "Trial", "Marketing").exit_code == 0
    assert cli("companies", "add", "Acme").exit_code == 0
    assert cli("fields", "add", "plan", "--type", "select", "--options", "basic,pro").exit_code == 0
    assert cli("fields", "add", "score", "--type", "number").exit_code == 0


# -- counts --------------------------------------------------------------------------------


def test_counts_created_updated_unchanged_failed(cli, write_csv, catalog):
    setup = "email,first_name,last_name\nann@example.com,Ann,Lee\ncy@example.com,Cy,Young\n"
    assert run_import(cli, write_csv(setup, name="setup.csv"))[0] == 0
    ann_before, cy_before = show(cli, "ann@example.com"), show(cli, "cy@example.com")
    path = write_csv(
        "email,first_name,last_name\n"
        "ann@example.com,Ann,Smith\n"
        "bob@example.com,Bob,Ray\n"
        "cy@example.com,Cy,Young\n"
        "not-an-email,Dee,Dee\n"
        "eve@example.com,,\n"
    )
    code, report = run_import(cli, path)
    assert code == 1
    assert counts(report) == {"rows": 5, "created": 2, "updated": 1, "unchanged": 1, "failed": 1}
    assert flat(report) == [(5, "email")]
    ann, cy = show(cli, "ann@example.com"), show(cli, "cy@example.com")
    assert ann["last_name"] == "Smith"
    assert ann["created_at"] == ann_before["created_at"]
    assert ann["updated_at"] != ann_before["updated_at"]
    assert cy == cy_before


FILE = (
    "email,first_name,last_name,company_id,labels,labels_id,plan,score\n"
    "ann@example.com,Ann,Lee,1,Trial,2,pro,2.50\n"
    "bob@example.com,Bob,,,Marketing,,basic,\n"
    "cy@example.com,,Young,,,,,-1\n"
)


def test_importing_the_same_file_twice_changes_nothing_the_second_time(cli, write_csv, catalog):
    path = write_csv(FILE)
    assert run_import(cli, path)[0] == 0
    before = everything(cli)
    code, report = run_import(cli, path)
    assert code == 0
    assert counts(report) == {"rows": 3, "created": 0, "updated": 0, "unchanged": 3, "failed": 0}
    after = everything(cli)
    assert [c["updated_at"] for c in after["contacts"]] == [
        c["updated_at"] for c in before["contacts"]
    ]
    assert after == before


def test_an_exported_file_imports_back_unchanged(cli, write_csv, catalog, tmp_path):
    assert run_import(cli, write_csv(FILE))[0] == 0
    before = everything(cli)
    exported = tmp_path / "export.csv"
    assert cli("export", "contacts", "-o", exported).exit_code == 0
    code, report = run_import(cli, exported)
    assert (code, report["unchanged"], report["created"], report["updated"]) == (0, 3, 0, 0)
    assert everything(cli) == before


# -- file order ----------------------------------------------------------------------------


def test_rows_are_applied_in_file_order(cli, write_csv, catalog):
    path = write_csv(
        "email,first_name,last_name,labels,plan\n"
        "ann@example.com,Ann,,Trial,basic\n"
        "ann@example.com,,Lee,,\n"
        "ANN@example.com,,,Marketing,\n"
        "ann@EXAMPLE.com,Ann,Lee,,basic\n"
    )
    code, report = run_import(cli, path)
    assert code == 0
    assert counts(report) == {"rows": 4, "created": 1, "updated": 2, "unchanged": 1, "failed": 0}
    ann = show(cli, "ann@example.com")
    assert (ann["first_name"], ann["last_name"]) == ("Ann", "Lee")
    assert sorted(ann["labels"]) == ["Marketing", "Trial"]
    assert ann["custom_fields"]["plan"] == "basic"
    assert len(cli.json("contacts", "list")) == 1


def test_a_rejected_row_does_not_stop_later_rows_for_the_same_email(cli, write_csv, catalog):
    path = write_csv(
        "email,first_name,last_name,score\n"
        "ann@example.com,Ann,,1\n"
        "ann@example.com,Anna,,not a number\n"
        "ann@example.com,,Lee,\n"
    )
    code, report = run_import(cli, path)
    assert code == 1
    assert counts(report) == {"rows": 3, "created": 1, "updated": 1, "unchanged": 0, "failed": 1}
    ann = show(cli, "ann@example.com")
    assert (ann["first_name"], ann["last_name"]) == ("Ann", "Lee")
    assert str(ann["custom_fields"]["score"]) == "1"


# -- dry run -------------------------------------------------------------------------------

SETUP = "email,first_name,last_name,labels\nann@example.com,Ann,Lee,Trial\n"


@pytest.mark.parametrize(
    ("content", "flags"),
    [
        pytest.param("email,first_name\nnew@example.com,New\n", (), id="new-contact"),
        pytest.param(
            "email,first_name,last_name,labels\nann@example.com,Ann,Smith,Marketing\n"
            "ann@example.com,Ann,Smith,\n",
            (),
            id="update-then-unchanged",
        ),
        pytest.param(
            "email,first_name\nbob@example.com,Bob\nBOB@example.com,Robert\n",
            (),
            id="same-email-twice-in-the-file",
        ),
        pytest.param(
            "email,first_name,score\nbob@example.com,Bob,x\nann@example.com,Annie,3\n",
            (),
            id="with-row-errors",
        ),
        pytest.param(
            "email,company_id,labels,labels_id\nbob@example.com,99,Nope,98\n"
            "cy@example.com,1,Trial,2\n",
            (),
            id="with-unknown-company-and-labels",
        ),
        pytest.param(
            "email,labels\nbob@example.com,Brand New\ncy@example.com,Brand New:Trial\n",
            ("--create-labels",),
            id="create-labels",
        ),
        pytest.param(
            "email,first_name\nann@example.com,Ann\n", ("--strict",), id="strict-unchanged"
        ),
    ],
)
def test_dry_run_gives_the_same_counts_as_a_real_run_and_writes_nothing(
    cli, write_csv, catalog, content, flags
):
    assert run_import(cli, write_csv(SETUP, name="setup.csv"))[0] == 0
    path = write_csv(content)
    before = everything(cli)
    dry_code, dry = run_import(cli, path, *flags, "--dry-run")
    assert dry["dry_run"] is True
    assert everything(cli) == before
    real_code, real = run_import(cli, path, *flags)
    assert real["dry_run"] is False
    assert dry_code == real_code
    assert counts(dry) == counts(real)
    assert dry["errors"] == real["errors"]


# -- strict --------------------------------------------------------------------------------


def test_strict_writes_nothing_when_a_row_fails(cli, write_csv, catalog):
    assert run_import(cli, write_csv(SETUP, name="setup.csv"))[0] == 0
    before = everything(cli)
    path = write_csv(
        "email,first_name,labels\n"
        "ann@example.com,Annie,Marketing\n"
        "bob@example.com,Bob,New Label\n"
        "not-an-email,Carol,\n"
    )
    code, report = run_import(cli, path, "--strict", "--create-labels")
    assert code == 1
    assert report["failed"] == 1
    assert flat(report) == [(4, "email")]
    assert everything(cli) == before


def test_strict_writes_everything_when_every_row_is_valid(cli, write_csv, catalog):
    path = write_csv("email,first_name\nann@example.com,Ann\nbob@example.com,Bob\n")
    code, report = run_import(cli, path, "--strict")
    assert code == 0
    assert counts(report) == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0, "failed": 0}
    assert sorted(c["email"] for c in cli.json("contacts", "list")) == [
        "ann@example.com",
        "bob@example.com",
    ]


# -- exit codes ----------------------------------------------------------------------------

GOOD = "email,first_name\nann@example.com,Ann\n"
ONE_BAD = "email,first_name\nann@example.com,Ann\nnot-an-email,Bob\n"


@pytest.mark.parametrize(
    ("content", "flags", "exit_code"),
    [
        pytest.param(GOOD, (), 0, id="every-row-valid"),
        pytest.param("email,first_name\n", (), 0, id="header-only"),
        pytest.param(GOOD, ("--dry-run",), 0, id="dry-run-every-row-valid"),
        pytest.param(ONE_BAD, (), 1, id="a-row-failed"),
        pytest.param(ONE_BAD, ("--dry-run",), 1, id="dry-run-a-row-failed"),
        pytest.param(ONE_BAD, ("--strict",), 1, id="strict-a-row-failed"),
        pytest.param("email,Shoe Size\nann@example.com,42\n", (), 2, id="bad-header"),
        pytest.param("", (), 2, id="empty-file"),
    ],
)
def test_exit_codes(cli, write_csv, content, flags, exit_code):
    result = cli("import", "contacts", write_csv(content), *flags)
    assert result.exit_code == exit_code, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("--no-such-option",), id="unknown-option"),
        pytest.param((), id="no-file-argument"),
    ],
)
def test_exit_code_2_for_a_usage_error(cli, write_csv, args):
    path = write_csv(GOOD)
    result = cli("import", "contacts", *([path] if args else []), *args)
    assert result.exit_code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()
    assert cli.json("contacts", "list") == []


def test_exit_code_2_for_a_file_that_does_not_exist(cli, tmp_path):
    result = cli("import", "contacts", tmp_path / "missing.csv")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


# -- the error file ------------------------------------------------------------------------


def test_errors_file_holds_the_rejected_rows_as_they_were_plus_an_error_column(
    cli, write_csv, catalog, tmp_path
):
    path = write_csv(
        "email,first_name,last_name,score\n"
        "ann@example.com,Ann,Lee,1\n"
        "bob@example,  Bob  ,Ray,2\n"
        "cy@example.com,Cy,,lots\n"
        "dee@example.com,Dee,,3\n"
    )
    errors = tmp_path / "fix-me.csv"
    code, report = run_import(cli, path, "--errors", errors)
    assert code == 1
    assert flat(report) == [(3, "email"), (4, "score")]
    rows = read_csv(errors)
    assert rows[0] == ["email", "first_name", "last_name", "score", "error"]
    assert [row[:-1] for row in rows[1:]] == [
        ["bob@example", "  Bob  ", "Ray", "2"],
        ["cy@example.com", "Cy", "", "lots"],
    ]
    assert all(row[-1].strip() for row in rows[1:])


def test_a_fixed_errors_file_imports_as_it_is(cli, write_csv, catalog, tmp_path):
    path = write_csv(
        "email,first_name,score\nann@example.com,Ann,1\nbob@example,Bob,2\ncy@example.com,Cy,lots\n"
    )
    errors = tmp_path / "fix-me.csv"
    assert run_import(cli, path, "--errors", errors)[0] == 1
    rows = read_csv(errors)
    fixes = {"bob@example": "bob@example.com", "lots": "100"}
    fixed = tmp_path / "fixed.csv"
    with fixed.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([[fixes.get(v, v) for v in row] for row in rows])
    code, report = run_import(cli, fixed)
    assert code == 0, report["errors"]
    assert counts(report) == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0, "failed": 0}
    assert str(show(cli, "cy@example.com")["custom_fields"]["score"]) == "100"
    assert show(cli, "bob@example.com")["first_name"] == "Bob"


def test_a_formula_like_value_survives_the_errors_file_round_trip(cli, write_csv, tmp_path):
    path = write_csv("email,first_name,last_name\nbob@example,=cmd,+1 555\n")
    errors = tmp_path / "fix-me.csv"
    assert run_import(cli, path, "--errors", errors)[0] == 1
    rows = read_csv(errors)
    rows[1][0] = "bob@example.com"
    fixed = tmp_path / "fixed.csv"
    with fixed.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)
    code, report = run_import(cli, fixed)
    assert (code, report["created"]) == (0, 1), report["errors"]
    bob = show(cli, "bob@example.com")
    assert (bob["first_name"], bob["last_name"]) == ("=cmd", "+1 555")


def test_an_unfixed_errors_file_gives_the_same_rows_and_one_error_column(cli, write_csv, tmp_path):
    path = write_csv("email,first_name\nann@example.com,Ann\nnot-an-email,Bob\n")
    first, second = tmp_path / "first-errors.csv", tmp_path / "second-errors.csv"
    assert run_import(cli, path, "--errors", first)[0] == 1
    code, report = run_import(cli, first, "--errors", second)
    assert code == 1
    assert flat(report) == [(2, "email")]
    assert read_csv(second)[0] == ["email", "first_name", "error"]
    assert [row[:-1] for row in read_csv(second)] == [row[:-1] for row in read_csv(first)]


def test_a_row_with_too_few_fields_keeps_its_error_in_the_error_column(cli, write_csv, tmp_path):
    path = write_csv("email,first_name,last_name\nann@example.com,Ann\n")
    errors = tmp_path / "fix-me.csv"
    assert run_import(cli, path, "--errors", errors)[0] == 1
    with errors.open(encoding="utf-8-sig", newline="") as stream:
        (row,) = list(csv.DictReader(stream))
    assert (row["email"], row["first_name"]) == ("ann@example.com", "Ann")
    assert row["last_name"] in ("", None)
    assert row["error"].strip()


# -- the JSON report -----------------------------------------------------------------------


def test_json_report_has_the_documented_keys(cli, write_csv, catalog):
    path = write_csv(
        "email,first_name,score\nann@example.com,Ann,1\nbad,Bob,2\ncy@example.com,Cy,x\n"
    )
    result = cli("import", "contacts", path, "--json")
    report = json.loads(result.stdout)
    assert set(report) >= REPORT_KEYS
    assert isinstance(report["id"], int)
    assert report["kind"] == "contacts"
    assert report["dry_run"] is False
    assert counts(report) == {"rows": 3, "created": 1, "updated": 0, "unchanged": 0, "failed": 2}
    assert all(isinstance(report[k], int) for k in ("rows", "created", "updated", "unchanged"))
    assert isinstance(report["warnings"], list)
    for error in report["errors"]:
        assert {"row", "column", "message"} <= set(error)
        assert isinstance(error["row"], int)
        assert isinstance(error["message"], str) and error["message"].strip()
    assert flat(report) == [(3, "email"), (4, "score")]


# -- the record of runs --------------------------------------------------------------------


def test_imports_list_and_show_record_each_run(cli, write_csv, catalog):
    first = write_csv("email,first_name\nann@example.com,Ann\n", name="first.csv")
    second = write_csv("email,first_name\nann@example.com,Anna\nbad,Bob\n", name="second.csv")
    _, one = run_import(cli, first)
    _, two = run_import(cli, second, "--dry-run")
    history = cli.json("imports", "list")
    assert [run["id"] for run in history] == [two["id"], one["id"]]
    newest, oldest = history
    for run in history:
        assert set(run) >= {
            "id",
            "kind",
            "file",
            "sha256",
            "dry_run",
            "status",
            "created",
            "updated",
            "unchanged",
            "failed",
            "started_at",
        }
    assert (oldest["kind"], oldest["file"], oldest["status"]) == ("contacts", "first.csv", "done")
    assert oldest["sha256"] == hashlib.sha256(first.read_bytes()).hexdigest()
    assert oldest["dry_run"] is False
    assert (oldest["created"], oldest["updated"], oldest["unchanged"], oldest["failed"]) == (
        1,
        0,
        0,
        0,
    )
    assert newest["file"] == "second.csv"
    assert newest["sha256"] == hashlib.sha256(second.read_bytes()).hexdigest()
    assert newest["dry_run"] is True
    assert (newest["updated"], newest["failed"]) == (1, 1)
    assert oldest["started_at"]
    shown = cli.json("imports", "show", str(two["id"]))
    assert (shown["id"], shown["status"], shown["sha256"]) == (
        two["id"],
        "done",
        newest["sha256"],
    )
    assert [(e["row"], e["column"]) for e in shown["errors"]] == [(3, "email")]


def test_imports_show_for_an_unknown_id_exits_1(cli):
    assert cli("imports", "show", "999").exit_code == 1


# -- running a half-done import again ------------------------------------------------------

WHOLE = [
    "email,first_name,last_name,company_id,labels,plan,score",
    "ann@example.com,Ann,Lee,1,Trial,pro,1",
    "bob@example.com,Bob,,,Marketing:Trial,,2.5",
    "cy@example.com,Cy,Young,,,basic,",
    "dee@example.com,,Dee,1,Trial,,",
    "eve@example.com,Eve,,,,pro,7",
    "fay@example.com,Fay,Ray,,Marketing,,",
]
EXPECTED = {
    "ann@example.com": ("Ann", "Lee", 1, ["Trial"], {"plan": "pro", "score": "1"}),
    "bob@example.com": ("Bob", None, None, ["Marketing", "Trial"], {"score": "2.5"}),
    "cy@example.com": ("Cy", "Young", None, [], {"plan": "basic"}),
    "dee@example.com": (None, "Dee", 1, ["Trial"], {}),
    "eve@example.com": ("Eve", None, None, [], {"plan": "pro", "score": "7"}),
    "fay@example.com": ("Fay", "Ray", None, ["Marketing"], {}),
}


@pytest.mark.parametrize(
    ("runs", "last"),
    [
        pytest.param([7], (6, 0, 0), id="whole-file-once"),
        pytest.param([4, 7], (3, 0, 3), id="first-half-then-whole-file"),
        pytest.param([2, 7], (5, 0, 1), id="first-row-then-whole-file"),
        pytest.param([6, 7], (1, 0, 5), id="all-but-last-then-whole-file"),
        pytest.param([7, 7], (0, 0, 6), id="whole-file-twice"),
    ],
)
def test_running_a_half_done_import_again_completes_it(cli, write_csv, catalog, runs, last):
    """Each run imports the first ``lines`` lines of WHOLE (header included); the last run
    is always the whole file, and the end state is the same whatever came before it."""
    for number, lines in enumerate(runs):
        path = write_csv("\n".join(WHOLE[:lines]) + "\n", name=f"run{number}.csv")
        code, report = run_import(cli, path)
        assert code == 0, report["errors"]
    assert (report["created"], report["updated"], report["unchanged"]) == last
    final = {c["email"]: stable(c) for c in cli.json("contacts", "list")}
    assert final == {
        email: {
            "email": email,
            "first_name": first,
            "last_name": last_name,
            "company_id": company,
            "labels": labels,
            "custom_fields": custom,
            "source": "import",
        }
        for email, (first, last_name, company, labels, custom) in EXPECTED.items()
    }


def test_a_failed_strict_run_says_the_good_rows_were_held_back(cli, write_csv):
    path = write_csv("email\nann@example.com\nnot-an-address\nbob@example.com\n")
    result = cli("import", "contacts", path, "--strict")
    assert result.exit_code == 1
    assert "strict run" in result.stdout and "its 2 good rows were held back" in result.stdout
    assert cli.json("contacts", "list") == []


def test_a_later_row_for_the_same_email_merges_into_the_earlier_one(cli, write_csv):
    path = write_csv(
        "email,first_name,last_name,labels\nsam@x.example,Sam,,VIP\nSAM@X.example,,First,Beta\n"
    )
    report = cli.json("import", "contacts", path, "--create-labels")
    assert (report["created"], report["updated"], report["failed"]) == (1, 1, 0)
    sam = cli.json("contacts", "show", "sam@x.example")
    assert (sam["first_name"], sam["last_name"], sorted(sam["labels"])) == (
        "Sam",
        "First",
        ["Beta", "VIP"],
    )
    again = cli.json("import", "contacts", path)
    assert (again["unchanged"], again["updated"]) == (2, 0)


def test_a_later_row_that_disagrees_with_an_earlier_one_is_a_row_error(cli, write_csv):
    path = write_csv(
        "email,first_name,last_name\nsam@x.example,Sam,First\nSAM@X.example,Samuel,Second\n"
    )
    report = cli.json("import", "contacts", path)
    assert (report["created"], report["failed"]) == (1, 1)
    messages = [e["message"] for e in report["errors"]]
    assert [e["row"] for e in report["errors"]] == [3, 3]
    assert "row 2" in messages[0] and "'Sam'" in messages[0] and "'Samuel'" in messages[0]
    again = cli.json("import", "contacts", path)
    assert (again["unchanged"], again["updated"], again["failed"]) == (1, 0, 1)
    assert cli.json("contacts", "show", "sam@x.example")["first_name"] == "Sam"


def test_a_later_row_naming_another_company_disagrees_with_a_company_named_earlier(cli, write_csv):
    """A company given by name counts as given: the later row names the earlier one."""
    for name in ("Acme", "Globex"):
        assert cli("companies", "add", name).exit_code == 0
    path = write_csv("email,company\nsam@x.example,Acme\nSAM@X.example,Globex\n")
    report = cli.json("import", "contacts", path)
    assert (report["created"], report["failed"]) == (1, 1)
    [error] = report["errors"]
    assert (error["row"], error["column"], error["code"]) == (3, "company", "conflicting-duplicate")
    assert "row 2" in error["message"] and "'Globex'" in error["message"]
    acme = next(c["id"] for c in cli.json("companies", "list") if c["name"] == "Acme")
    assert cli.json("contacts", "show", "sam@x.example")["company_id"] == acme


def test_a_later_row_that_disagrees_on_a_field_the_import_creates_is_a_row_error(cli, write_csv):
    """A field ``--create-fields`` makes is known by its new id when the rows are compared."""
    path = write_csv("email,shoe_size\nsam@x.example,42\nSAM@X.example,43\n")
    report = cli.json("import", "contacts", path, "--create-fields")
    assert (report["created"], report["failed"]) == (1, 1)
    [error] = report["errors"]
    assert (error["row"], error["column"], error["code"]) == (
        3,
        "shoe_size",
        "conflicting-duplicate",
    )
    assert "row 2" in error["message"] and "'42'" in error["message"]
