# ruff: noqa: F811 (the fixtures of test_web_pages are taken as they are)
"""The web app as the team's directory: the contacts list (search by full name and by part of
an email, "51–100 of 1,234", an export of what it shows) and one contact's page (every
field, the imports that touched it, an edit form for admins only). On SQLite and PostgreSQL.

An edit is recorded like any change: undoing an earlier import that touched the contact
leaves the edit alone and names the contact, unless forced.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from rolodex.services.undo import undo_import
from rolodex.store.store import Store

from .test_web_pages import (  # noqa: F401 (fixtures)
    accounts,
    admin,
    agent,
    client,
    csrf_of,
    make_client,
    text_of,
)

PEOPLE = (
    "email,first_name,last_name,labels\n"
    "alan.turing@example.com,Alan,Turing,Computing\n"
    "alan.kay@example.org,Alan,Kay,Computing\n"
    "grace@navy.example,Grace,Hopper,Navy:Computing\n"
    "ada@example.com,Ada,Lovelace,\n"
)


@pytest.fixture
def people(cli: Any, write_csv: Any) -> int:
    """Four contacts imported as the CLI imports them (journal and all); the import's ID."""
    assert cli("labels", "add", "Computing", "Navy").exit_code == 0
    assert cli("companies", "add", "Bletchley Park").exit_code == 0
    assert cli("fields", "add", "born", "--type", "date", "--title", "Born").exit_code == 0
    field = ("fields", "add", "plan", "--type", "select", "--options", "basic,pro")
    assert cli(*field).exit_code == 0
    report = cli.json("import", "contacts", write_csv(PEOPLE))
    assert isinstance(report, dict) and report["created"] == 4
    return int(report["id"])


def contact_id(client: TestClient, email: str) -> int:
    return int(client.get(f"/api/contacts/{email}").json()["id"])


def listed(page: str) -> list[str]:
    """The emails the contacts list shows, in order."""
    return re.findall(r'<td class="email"[^>]*><a href="/contacts/\d+">([^<]*)</a>', page)


# -- the list -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        pytest.param("Alan Turing", ["alan.turing@example.com"], id="first-then-last"),
        pytest.param("turing alan", ["alan.turing@example.com"], id="last-then-first"),
        pytest.param("  Grace   HOPPER ", ["grace@navy.example"], id="spaces-and-case"),
        pytest.param("alan", ["alan.kay@example.org", "alan.turing@example.com"], id="one-word"),
    ],
)
def test_the_search_finds_a_full_name_in_either_order(
    admin: TestClient, people: int, q: str, expected: list[str]
) -> None:
    page = admin.get("/contacts", params={"q": q})
    assert page.status_code == 200
    assert listed(page.text) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        pytest.param("turing@", ["alan.turing@example.com"], id="local-part-and-at"),
        pytest.param("example.com", ["ada@example.com", "alan.turing@example.com"], id="domain"),
        pytest.param("@navy.", ["grace@navy.example"], id="middle-of-domain"),
        pytest.param("100%_", [], id="like-wildcards-are-literal"),
    ],
)
def test_the_search_finds_part_of_an_email(
    admin: TestClient, people: int, q: str, expected: list[str]
) -> None:
    assert listed(admin.get("/contacts", params={"q": q}).text) == expected


def test_the_list_says_which_contacts_of_how_many_it_shows(
    admin: TestClient, cli: Any, write_csv: Any
) -> None:
    rows = "".join(f"p{i:04}@example.com\n" for i in range(1234))
    assert cli("import", "contacts", write_csv("email\n" + rows)).exit_code == 0
    first = text_of(admin.get("/contacts").text)
    assert "1–50 of 1,234 contacts" in first
    second = text_of(admin.get("/contacts?page=2").text)
    assert "51–100 of 1,234 contacts" in second
    last = text_of(admin.get("/contacts?page=25").text)
    assert "1,201–1,234 of 1,234 contacts" in last


def statements(client: TestClient, path: str) -> int:
    """How many SQL statements the app runs on contacts and what they refer to to answer
    ``path`` (the session's own bookkeeping aside)."""
    engine = client.app.state.store.engine  # type: ignore[attr-defined]
    seen: list[str] = []

    def count(*args: Any) -> None:
        if re.search(r"\b(contacts|companies|labels|custom_fields)\b", args[2]):
            seen.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_a_page_of_the_list_costs_the_same_queries_for_3_contacts_or_50(
    admin: TestClient, cli: Any, write_csv: Any
) -> None:
    assert cli("companies", "add", "Acme").exit_code == 0
    few = "".join(f"f{i}@example.com,1,A:B\n" for i in range(3))
    assert (
        cli(
            "import", "contacts", "--create-labels", write_csv("email,company_id,labels\n" + few)
        ).exit_code
        == 0
    )
    small = statements(admin, "/contacts?q=example")
    many = "".join(f"m{i:03}@example.com,1,A:B\n" for i in range(120))
    more = write_csv("email,company_id,labels\n" + many, "more.csv")
    assert cli("import", "contacts", more).exit_code == 0
    assert statements(admin, "/contacts?q=example") == small
    assert small <= 6  # page, count, labels, custom values, company names, the label filter


def test_each_row_links_to_the_contacts_page(admin: TestClient, people: int) -> None:
    page = admin.get("/contacts", params={"q": "hopper"}).text
    link = re.search(r'href="(/contacts/\d+)">grace@navy.example<', page)
    assert link
    assert "Grace Hopper" in text_of(admin.get(link.group(1)).text)


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({}, id="everything"),
        pytest.param({"label": "Computing"}, id="label"),
        pytest.param({"q": "alan"}, id="search"),
        pytest.param({"label": "Computing", "q": "example.com"}, id="label-and-search"),
        pytest.param({"label": "Nobody"}, id="unknown-label"),
    ],
)
def test_the_export_button_downloads_what_the_cli_exports_for_the_same_filter(
    admin: TestClient, cli: Any, people: int, params: dict[str, str]
) -> None:
    page = admin.get("/contacts", params=params).text
    found = re.search(r'<a class="button" href="([^"]+)" download>Export', page)
    flags = [*(("--label", params["label"]) if "label" in params else ())]
    flags += [*(("--search", params["q"]) if "q" in params else ())]
    expected = cli("export", "contacts", *flags)
    assert expected.exit_code == 0
    if found is None:  # nothing found: no button, and the CLI writes the header alone
        assert "0 contacts" in text_of(page)
        assert expected.stdout.count("\n") == 1
        return
    download = admin.get(found.group(1).replace("&amp;", "&"))
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    assert download.content.decode("utf-8") == expected.stdout
    shown = len(listed(page))
    assert download.content.count(b"\r\n") == shown + 1


# -- one contact --------------------------------------------------------------------------------


def test_the_contact_page_shows_every_field(
    admin: TestClient, people: int, cli: Any, write_csv: Any
) -> None:
    more = write_csv("email,company_id,born\ngrace@navy.example,1,1906-12-09\n", "more.csv")
    assert cli("import", "contacts", more).exit_code == 0
    page = admin.get(f"/contacts/{contact_id(admin, 'grace@navy.example')}")
    assert page.status_code == 200
    text = text_of(page.text)
    for shown in ("grace@navy.example", "Grace", "Hopper", "Bletchley Park", "Navy", "Computing"):
        assert shown in text
    assert "Born 1906-12-09" in text  # a custom value under its field's title
    assert "Source import" in text
    assert re.search(r"Created \d{4}-\d\d-\d\d \d\d:\d\d UTC", text)
    assert re.search(r"Updated \d{4}-\d\d-\d\d \d\d:\d\d UTC", text)
    assert 'href="/companies#company-1">Bletchley Park</a>' in page.text
    assert 'id="company-1"' in admin.get("/companies").text  # the link lands on its row


def test_the_contact_page_lists_the_imports_that_touched_it(
    admin: TestClient, people: int, cli: Any, write_csv: Any
) -> None:
    later = cli.json("import", "contacts", write_csv("email,last_name\nada@example.com,King\n"))
    assert isinstance(later, dict)
    ada = admin.get(f"/contacts/{contact_id(admin, 'ada@example.com')}").text
    assert f'href="/imports/{later["id"]}"' in ada
    assert f'href="/imports/{people}"' in ada
    assert ada.index(f'href="/imports/{later["id"]}"') < ada.index(f'href="/imports/{people}"')
    text = text_of(ada)
    assert "created it" in text and "changed it" in text
    grace = admin.get(f"/contacts/{contact_id(admin, 'grace@navy.example')}").text
    assert f'href="/imports/{people}"' in grace
    assert f'href="/imports/{later["id"]}"' not in grace


def test_an_unknown_contact_is_a_404_page(admin: TestClient) -> None:
    for path in ("/contacts/424242", "/contacts/0", "/contacts/99999999999999999999"):
        answer = admin.get(path)
        assert answer.status_code == 404
        assert answer.headers["content-type"].startswith("text/html")


# -- editing ------------------------------------------------------------------------------------


def edit_form(client: TestClient, contact: int) -> dict[str, Any]:
    """The edit form's fields as the page fills them in (a browser would send these)."""
    page = client.get(f"/contacts/{contact}").text
    form = {"csrf": csrf_of(page)}
    form["seen"] = re.findall(r'name="seen" value="([^"]*)"', page)[0]
    for name, value in re.findall(
        r'<input type="(?:text|date)" [^>]*name="([^"]+)"[^>]*value="([^"]*)"', page
    ):
        form[name] = value
    for name, body in re.findall(
        r'<select id="[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', page, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        form[name] = chosen.group(1) if chosen else ""
    form["labels"] = re.findall(r'name="labels" value="([^"]+)" checked', page)
    return form


def test_an_admin_edits_names_company_labels_and_custom_values(
    admin: TestClient, people: int
) -> None:
    ada = contact_id(admin, "ada@example.com")
    before = admin.get(f"/api/contacts/{ada}").json()
    form = edit_form(admin, ada)
    form.update(
        {
            "first_name": "Augusta Ada",
            "last_name": "King",
            "company_id": "1",
            "labels": ["Navy"],
            "custom.born": "1815-12-10",
            "custom.plan": "pro",
        }
    )
    answer = admin.post(f"/contacts/{ada}", data=form, follow_redirects=False)
    assert answer.status_code == 303
    assert "Saved." in text_of(admin.get(answer.headers["location"]).text)
    after = admin.get(f"/api/contacts/{ada}").json()
    assert (after["first_name"], after["last_name"], after["company_id"]) == (
        "Augusta Ada",
        "King",
        1,
    )
    assert after["labels"] == ["Navy"]
    assert after["custom_fields"] == {"born": "1815-12-10", "plan": "pro"}
    assert after["updated_at"] > before["updated_at"]
    assert after["source"] == "import"

    cleared = edit_form(admin, ada) | {"last_name": "", "labels": [], "custom.plan": ""}
    admin.post(f"/contacts/{ada}", data=cleared)
    again = admin.get(f"/api/contacts/{ada}").json()
    assert (again["last_name"], again["labels"]) == (None, [])
    assert again["custom_fields"] == {"born": "1815-12-10"}


def test_saving_an_unchanged_form_changes_nothing(admin: TestClient, people: int) -> None:
    ada = contact_id(admin, "ada@example.com")
    before = admin.get(f"/api/contacts/{ada}").json()
    answer = admin.post(f"/contacts/{ada}", data=edit_form(admin, ada))
    assert "Nothing changed" in text_of(answer.text)
    assert admin.get(f"/api/contacts/{ada}").json() == before


def test_a_web_edit_is_seen_by_the_undo_of_an_earlier_import(
    admin: TestClient, people: int, store: Store
) -> None:
    alan = contact_id(admin, "alan.turing@example.com")
    form = edit_form(admin, alan) | {"first_name": "Alan M."}
    assert admin.post(f"/contacts/{alan}", data=form, follow_redirects=False).status_code == 303

    report = undo_import(store, people)

    assert [(s.email, s.changed) for s in report.skipped] == [
        ("alan.turing@example.com", ["first_name"])
    ]
    assert report.removed == 3  # the three others the import created
    assert admin.get(f"/api/contacts/{alan}").json()["first_name"] == "Alan M."
    forced = undo_import(store, people, force=True)
    assert forced.removed == 1
    assert admin.get(f"/api/contacts/{alan}").status_code == 404


def test_a_web_edit_of_labels_or_custom_values_is_seen_by_undo_too(
    admin: TestClient, people: int, store: Store
) -> None:
    grace = contact_id(admin, "grace@navy.example")
    form = edit_form(admin, grace) | {"labels": ["Navy"], "custom.plan": "basic"}
    admin.post(f"/contacts/{grace}", data=form)

    report = undo_import(store, people, dry_run=True)

    assert [(s.email, s.changed) for s in report.skipped] == [
        ("grace@navy.example", ["labels", "plan"])
    ]


def test_a_form_opened_before_another_change_saves_nothing_and_shows_the_contact_now(
    admin: TestClient, people: int, cli: Any, write_csv: Any
) -> None:
    ada = contact_id(admin, "ada@example.com")
    form = edit_form(admin, ada) | {"first_name": "Augusta"}
    later = write_csv("email,last_name\nada@example.com,King\n", "later.csv")
    assert cli("import", "contacts", later).exit_code == 0

    answer = admin.post(f"/contacts/{ada}", data=form)

    assert answer.status_code == 422
    assert "someone else changed this contact" in text_of(answer.text)
    assert (
        'name="last_name" maxlength="255" autocomplete="off"\n           value="King"'
        in answer.text
    )
    stored = admin.get(f"/api/contacts/{ada}").json()
    assert (stored["first_name"], stored["last_name"]) == ("Ada", "King")
    again = edit_form(admin, ada) | {"first_name": "Augusta"}
    assert admin.post(f"/contacts/{ada}", data=again, follow_redirects=False).status_code == 303


def test_an_agent_reads_a_contact_but_cannot_change_it(agent: TestClient, people: int) -> None:
    ada = contact_id(agent, "ada@example.com")
    page = agent.get(f"/contacts/{ada}")
    assert page.status_code == 200
    assert "Ada" in text_of(page.text)
    assert 'action="/contacts/' not in page.text
    assert "Save changes" not in page.text
    token = csrf_of(page.text)  # the sign-out form's
    refused = agent.post(f"/contacts/{ada}", data={"csrf": token, "first_name": "Eve"})
    assert refused.status_code == 403
    assert agent.get(f"/api/contacts/{ada}").json()["first_name"] == "Ada"


def test_an_edit_without_the_csrf_token_is_refused(admin: TestClient, people: int) -> None:
    ada = contact_id(admin, "ada@example.com")
    form = edit_form(admin, ada) | {"first_name": "Eve"}
    del form["csrf"]
    assert admin.post(f"/contacts/{ada}", data=form).status_code == 403
    assert admin.post(f"/contacts/{ada}", data=form | {"csrf": "forged"}).status_code == 403
    assert admin.get(f"/api/contacts/{ada}").json()["first_name"] == "Ada"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        pytest.param(
            {"custom.born": "10/12/1815"}, "born", "is not a date in the form YYYY-MM-DD", id="date"
        ),
        pytest.param({"custom.plan": "Pro"}, "plan", "did you mean 'pro'?", id="select-case"),
        pytest.param({"first_name": "x" * 256}, "first_name", "at most 255", id="long-name"),
        pytest.param({"last_name": "a\x01b"}, "last_name", "control character", id="control"),
        pytest.param({"company_id": "77"}, "company_id", "no company with ID 77", id="company"),
        pytest.param({"labels": ["navy"]}, "labels", "did you mean 'Navy'?", id="label-case"),
    ],
)
def test_a_refused_edit_shows_each_problem_beside_its_field_and_saves_nothing(
    admin: TestClient, people: int, change: dict[str, Any], field: str, message: str
) -> None:
    ada = contact_id(admin, "ada@example.com")
    before = admin.get(f"/api/contacts/{ada}").json()
    form = edit_form(admin, ada) | {"first_name": "Changed"} | change

    answer = admin.post(f"/contacts/{ada}", data=form)

    assert answer.status_code == 422
    beside = re.search(rf'<p class="problem" id="problem-{field}">([^<]*)</p>', answer.text)
    assert beside and message in beside.group(1).replace("&#39;", "'")
    assert f'aria-describedby="problem-{field}"' in answer.text
    assert "Nothing was saved" in text_of(answer.text)
    assert "--" not in text_of(answer.text).split("Nothing was saved")[1].split("First name")[0]
    assert admin.get(f"/api/contacts/{ada}").json() == before
