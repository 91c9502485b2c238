"""Reading contacts and the catalog through the API (docs/api.md#contacts-and-the-catalog).

``GET /api/contacts`` pages, filters by label (exact name, case-sensitive) and searches the
email or the names; each item is the contact exactly as ``rolodex contacts show --json``
prints it. ``GET /api/contacts/{email}`` matches the email as an import does. The export is
the CLI's export, byte for byte. Labels, companies and custom fields list as the CLI lists
them; only admins create them, with the same checks as the CLI (a refusal is a 422).
"""

from __future__ import annotations

import pytest

from rolodex.importing.kinds import import_file
from rolodex.importing.options import ImportOptions
from rolodex.services import catalog

PEOPLE = (
    "email,first_name,last_name,company_id,labels,plan,score\n"
    "ann@example.com,Ann,Lee,1,Trial,pro,2.5\n"
    "bob@example.com,Bob,Roy,,Trial:Marketing,basic,\n"
    "cy@example.org,Cy,Young,,trial,,-1\n"
    "o_neil@example.org,Roy,O Neil,,,,\n"
    "jo@bücher.example,=SUM(A1),Jo,1,Marketing,,\n"
)
EVERYONE = {
    "ann@example.com",
    "bob@example.com",
    "cy@example.org",
    "o_neil@example.org",
    "jo@bücher.example",
}


@pytest.fixture
def people(store, write_csv):
    """Five contacts; the labels ``Trial`` and ``trial`` are two labels."""
    catalog.add_labels(store, ["Trial", "trial", "Marketing"])
    catalog.add_company(store, "Acme", "acme.example")
    catalog.add_field(store, "plan", "select", ["basic", "pro"])
    catalog.add_field(store, "score", "number")
    report = import_file("contacts", write_csv(PEOPLE), store, ImportOptions())
    assert (report.counts.created, report.counts.failed) == (5, 0)


def page(client, headers, **params) -> dict:
    answer = client.get("/api/contacts", headers=headers, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def emails(result: dict) -> list[str]:
    """The page's emails, sorted: docs/api.md#contacts-and-the-catalog fixes no order of the
    list."""
    return sorted(item["email"] for item in result["items"])


# -- GET /api/contacts -----------------------------------------------------------------------------


def test_contact_list_items_are_contacts_as_the_cli_shows_them(client, agent, people, cli):
    result = page(client, agent)

    assert set(result) == {"items", "total"}
    assert result["total"] == 5
    assert result["items"] == cli.json("contacts", "list")
    assert {item["email"] for item in result["items"]} == EVERYONE


LABEL_FILTERS = {
    "label": ("Trial", ["ann@example.com", "bob@example.com"]),
    "the label differing only by case": ("trial", ["cy@example.org"]),
    "another label": ("Marketing", ["bob@example.com", "jo@bücher.example"]),
    "unknown label": ("Nobody", []),
}


@pytest.mark.parametrize("label,expected", LABEL_FILTERS.values(), ids=LABEL_FILTERS.keys())
def test_label_filter_takes_the_exact_label_name(client, agent, people, label, expected):
    result = page(client, agent, label=label)

    assert emails(result) == expected
    assert result["total"] == len(expected)


SEARCHES = {
    "whole email": ("ann@example.com", ["ann@example.com"]),
    "part of an email": ("@example.org", ["cy@example.org", "o_neil@example.org"]),
    "email in capitals": ("ANN@EXAMPLE", ["ann@example.com"]),
    "first name": ("cy", ["cy@example.org"]),
    "last name": ("young", ["cy@example.org"]),
    "first or last name": ("roy", ["bob@example.com", "o_neil@example.org"]),
    "unicode domain": ("bücher", ["jo@bücher.example"]),
    "surrounding spaces": ("  lee ", ["ann@example.com"]),
    "nothing matches": ("zebra", []),
    "an underscore is literal": ("o_n", ["o_neil@example.org"]),
    "an underscore matches no other character": ("n_e", []),
    "a percent sign is literal": ("%", []),
}


@pytest.mark.parametrize("q,expected", SEARCHES.values(), ids=SEARCHES.keys())
def test_search_matches_the_email_or_a_name(client, agent, people, q, expected):
    result = page(client, agent, q=q)

    assert emails(result) == expected
    assert result["total"] == len(expected)


def test_label_filter_and_search_combine(client, agent, people):
    result = page(client, agent, label="Trial", q="roy")

    assert (emails(result), result["total"]) == (["bob@example.com"], 1)


def test_pages_together_hold_every_contact_once_with_the_full_total(client, agent, people):
    everyone = page(client, agent)["items"]

    pages = [page(client, agent, page=n, per_page=2) for n in (1, 2, 3, 4)]

    assert [p["items"] for p in pages] == [everyone[0:2], everyone[2:4], everyone[4:], []]
    assert {p["total"] for p in pages} == {5}


def test_a_page_of_a_filtered_list_counts_the_whole_filtered_list(client, agent, people):
    marketing = page(client, agent, label="Marketing")["items"]

    result = page(client, agent, label="Marketing", page=2, per_page=1)

    assert (result["items"], result["total"]) == (marketing[1:], 2)


def test_empty_directory_is_an_empty_page(client, agent):
    assert page(client, agent) == {"items": [], "total": 0}


BAD_PAGING = {
    "page zero": {"page": 0},
    "negative page": {"page": -1},
    "page not a number": {"page": "two"},
    "per_page zero": {"per_page": 0},
    "per_page negative": {"per_page": -5},
    "per_page above 500": {"per_page": 501},
    "per_page a fraction": {"per_page": 2.5},
}


@pytest.mark.parametrize("params", BAD_PAGING.values(), ids=BAD_PAGING.keys())
def test_bad_paging_is_422(client, agent, params):
    answer = client.get("/api/contacts", headers=agent, params=params)

    assert answer.status_code == 422
    assert set(answer.json()) == {"error"}


# -- GET /api/contacts/{email} ---------------------------------------------------------------------

LOOKUPS = {
    "as stored": ("ann@example.com", "ann@example.com"),
    "in capitals": ("ANN@EXAMPLE.COM", "ann@example.com"),
    "mixed case": ("Bob@Example.Com", "bob@example.com"),
    "unicode domain": ("jo@bücher.example", "jo@bücher.example"),
    "domain in its ASCII form": ("JO@XN--BCHER-KVA.EXAMPLE", "jo@bücher.example"),
    "underscore in the address": ("O_Neil@example.org", "o_neil@example.org"),
}


@pytest.mark.parametrize("asked,stored", LOOKUPS.values(), ids=LOOKUPS.keys())
def test_one_contact_by_email_case_insensitively(client, agent, people, cli, asked, stored):
    answer = client.get(f"/api/contacts/{asked}", headers=agent)

    assert answer.status_code == 200, answer.text
    assert answer.json() == cli.json("contacts", "show", stored)


MISSING = {
    "unknown address": "nobody@example.com",
    "same local part, other domain": "ann@example.org",
    "not an email": "ann",
    "a search pattern": "%25",
}


@pytest.mark.parametrize("asked", MISSING.values(), ids=MISSING.keys())
def test_missing_contact_is_404(client, agent, people, asked):
    answer = client.get(f"/api/contacts/{asked}", headers=agent)

    assert answer.status_code == 404
    assert set(answer.json()) == {"error"}


# -- GET /api/export/contacts.csv ------------------------------------------------------------------


@pytest.mark.parametrize("filled", [True, False], ids=["five contacts", "no contacts"])
def test_export_is_the_cli_export(client, agent, cli, tmp_path, request, filled):
    if filled:
        request.getfixturevalue("people")
    exported = tmp_path / "cli.csv"
    assert cli("export", "contacts", "-o", exported).exit_code == 0

    answer = client.get("/api/export/contacts.csv", headers=agent)

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"] == 'attachment; filename="contacts.csv"'
    assert answer.content == exported.read_bytes()


@pytest.mark.parametrize(
    "query,starts", [("", "\ufeffemail,"), ("?bom=true", "\ufeffemail,"), ("?bom=false", "email,")]
)
def test_export_has_a_bom_unless_bom_false(client, agent, people, query, starts):
    answer = client.get(f"/api/export/contacts.csv{query}", headers=agent)

    assert answer.status_code == 200
    assert answer.content.decode("utf-8").startswith(starts)
    assert answer.content.count("\ufeff".encode()) == (1 if "\ufeff" in starts else 0)


def test_export_neutralises_formulas(client, agent, people):
    lines = client.get("/api/export/contacts.csv", headers=agent).text.splitlines()

    assert "jo@bücher.example,'=SUM(A1),Jo,1,Marketing,3,," in lines


# -- labels, companies, fields ---------------------------------------------------------------------

LISTS = {
    "labels": ("labels", "list"),
    "companies": ("companies", "list"),
    "fields": ("fields", "list"),
}


@pytest.mark.parametrize("resource", LISTS, ids=LISTS.keys())
def test_catalog_lists_are_the_cli_lists(client, agent, people, cli, resource):
    answer = client.get(f"/api/{resource}", headers=agent)

    assert answer.status_code == 200
    assert answer.json() == cli.json(*LISTS[resource])
    assert answer.json() != []


CREATED = {
    "label": ("labels", {"name": "VIP"}, {"name": "VIP"}),
    "label differing only by case": ("labels", {"name": "marketing"}, {"name": "marketing"}),
    "label name trimmed": ("labels", {"name": "  Spaced  "}, {"name": "Spaced"}),
    "company": ("companies", {"name": "Globex"}, {"name": "Globex", "domain": None}),
    "company with a domain": (
        "companies",
        {"name": "Initech", "domain": "Initech.Example"},
        {"name": "Initech", "domain": "initech.example"},
    ),
    "text field": (
        "fields",
        {"variable_name": "city"},
        {"variable_name": "city", "title": "city", "type": "text", "options": []},
    ),
    "select field with a title": (
        "fields",
        {"variable_name": "tier", "type": "select", "options": ["a", "b"], "title": "Tier"},
        {"variable_name": "tier", "title": "Tier", "type": "select", "options": ["a", "b"]},
    ),
    "date field": (
        "fields",
        {"variable_name": "renewal", "type": "date"},
        {"variable_name": "renewal", "title": "renewal", "type": "date", "options": []},
    ),
}


@pytest.mark.parametrize("resource,body,expected", CREATED.values(), ids=CREATED.keys())
def test_admin_creates_catalog_entries(client, admin, people, resource, body, expected):
    before = client.get(f"/api/{resource}", headers=admin).json()

    answer = client.post(f"/api/{resource}", headers=admin, json=body)

    assert answer.status_code == 201, answer.text
    created = answer.json()
    assert isinstance(created.pop("id"), int)
    assert created == expected
    after = client.get(f"/api/{resource}", headers=admin).json()
    assert after == [*before, answer.json()]
    assert answer.json()["id"] not in [entry["id"] for entry in before]


def test_a_field_created_through_the_api_is_a_column_imports_accept(client, admin, imports):
    assert (
        client.post("/api/fields", headers=admin, json={"variable_name": "city"}).status_code == 201
    )

    job = imports.run(admin, "email,city\nann@example.com,Paris\n")

    assert (job["created"], job["failed"]) == (1, 0)
    contact = client.get("/api/contacts/ann@example.com", headers=admin).json()
    assert contact["custom_fields"] == {"city": "Paris"}


REFUSED = {
    "label that exists": ("labels", {"name": "Trial"}),
    "label holding a colon": ("labels", {"name": "Trial:Demo"}),
    "empty label": ("labels", {"name": ""}),
    "blank label": ("labels", {"name": "   "}),
    "label without a name": ("labels", {}),
    "label name not text": ("labels", {"name": 7}),
    "label name of 256 characters": ("labels", {"name": "x" * 256}),
    "company without a name": ("companies", {"domain": "x.example"}),
    "blank company name": ("companies", {"name": "  "}),
    "company domain that is not a domain": ("companies", {"name": "X", "domain": "not a domain"}),
    "field named in capitals": ("fields", {"variable_name": "Plan2"}),
    "field named like a standard column": ("fields", {"variable_name": "email"}),
    "field named error": ("fields", {"variable_name": "error"}),
    "field that exists": ("fields", {"variable_name": "plan"}),
    "field of an unknown type": ("fields", {"variable_name": "x", "type": "colour"}),
    "select field without options": ("fields", {"variable_name": "x", "type": "select"}),
    "text field with options": ("fields", {"variable_name": "x", "options": ["a"]}),
    "field options not a list": (
        "fields",
        {"variable_name": "x", "type": "select", "options": "a"},
    ),
}


@pytest.mark.parametrize("resource,body", REFUSED.values(), ids=REFUSED.keys())
def test_refused_catalog_entry_is_422_and_creates_nothing(client, admin, people, resource, body):
    before = client.get(f"/api/{resource}", headers=admin).json()

    answer = client.post(f"/api/{resource}", headers=admin, json=body)

    assert answer.status_code == 422, answer.text
    assert set(answer.json()) == {"error"}
    assert client.get(f"/api/{resource}", headers=admin).json() == before


@pytest.mark.parametrize("name", ["Acme", "  acme ", "ACME"], ids=["same", "trimmed", "capitals"])
def test_company_name_that_exists_in_any_case_is_409_naming_its_id(client, admin, people, name):
    acme = next(c for c in client.get("/api/companies", headers=admin).json())

    answer = client.post("/api/companies", headers=admin, json={"name": name})

    assert answer.status_code == 409, answer.text
    assert answer.json() == {"error": f"company 'Acme' already exists (ID {acme['id']})"}
    assert client.get("/api/companies", headers=admin).json() == [acme]
