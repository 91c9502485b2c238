"""The whole path once, on both databases: set up, import, show, export, re-import."""

from __future__ import annotations


def test_import_show_export_reimport(cli, write_csv, tmp_path):
    assert cli("labels", "add", "Marketing", "Trial").exit_code == 0
    assert cli("companies", "add", "Acme").exit_code == 0
    assert cli("fields", "add", "plan", "--type", "select", "--options", "basic,pro").exit_code == 0
    path = write_csv(
        "email,first_name,last_name,company_id,labels,labels_id,plan\n"
        "jane@Example.com,Jane,Doe,1,Marketing:Trial,,pro\n"
        "bob@example.com,Bob,,,,1,\n"
    )
    report = cli.json("import", "contacts", path)
    assert (report["created"], report["failed"]) == (2, 0)
    jane = cli.json("contacts", "show", "JANE@example.com")
    assert jane["labels"] == ["Marketing", "Trial"]
    assert jane["custom_fields"] == {"plan": "pro"}
    exported = tmp_path / "out.csv"
    assert cli("export", "contacts", "-o", exported).exit_code == 0
    again = cli.json("import", "contacts", exported)
    assert (again["unchanged"], again["created"], again["updated"]) == (2, 0, 0)
