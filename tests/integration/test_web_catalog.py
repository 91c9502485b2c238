"""The catalog pages (docs/api.md#the-catalog): ``/labels``,
``/companies`` and ``/fields`` list what contacts refer to, with how many contacts each has;
admins create, rename, edit and delete there, agents only read (no change controls, and a
403 page for a change posted anyway). A deletion is asked for first, on a page naming how
many contacts it touches; an option some contacts hold is refused, saying how many. Every
form carries the session's CSRF token. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rolodex.importing.kinds import import_file
from rolodex.importing.options import ImportOptions
from rolodex.services import catalog
from rolodex.store import catalog as sql
from rolodex.store.store import Store

from . import test_web_pages as pages
from .test_web_pages import csrf_of, text_of

# The web pages' fixtures: the app with its worker, an admin and an agent signed in.
accounts, make_client, client = pages.accounts, pages.make_client, pages.client
admin, agent = pages.admin, pages.agent

PEOPLE = (
    "email,company_id,labels,plan\n"
    "ann@example.com,1,VIP:Trial,pro\n"
    "bob@example.com,1,VIP,pro\n"
    "cy@example.com,2,Trial,basic\n"
)


@pytest.fixture
def people(store: Store, tmp_path: Path) -> None:
    """Labels VIP (2 contacts), Trial (2), Unused (0); Acme (2), Globex (1); a select field."""
    catalog.add_labels(store, ["VIP", "Trial", "Unused"])
    catalog.add_company(store, "Acme", "acme.example")
    catalog.add_company(store, "Globex")
    catalog.add_field(store, "plan", "select", ["basic", "pro", "enterprise"], "Plan")
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    report = import_file("contacts", tmp_path / "people.csv", store, ImportOptions())
    assert (report.counts.created, report.counts.failed) == (3, 0)


def post(client: TestClient, path: str, page: str, **fields: str):  # type: ignore[no-untyped-def]
    """Send a form as the browser does, with the CSRF token of the page it is on."""
    token = csrf_of(client.get(page).text)
    return client.post(path, data={"csrf": token, **fields}, follow_redirects=False)


def rows(page: str) -> list[str]:
    """The list's rows as a person reads them."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return [text_of(row) for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", body, flags=re.S)]


def catalog_state(store: Store) -> tuple[object, ...]:
    with store.read() as conn:
        return (
            sql.labels(conn),
            sql.label_counts(conn),
            sql.companies(conn),
            sql.company_counts(conn),
            sql.fields(conn),
        )


# -- reading: everyone ----------------------------------------------------------------------------

LISTS = {
    "labels": (
        "/labels",
        ["VIP 2 Rename… Delete…", "Trial 2 Rename… Delete…", "Unused 0 Rename… Delete…"],
    ),
    "companies": (
        "/companies",
        ["1 Acme acme.example 2 Edit… Delete…", "2 Globex — 1 Edit… Delete…"],
    ),
    "fields": ("/fields", ["Plan plan select basic pro enterprise Edit…"]),
}


@pytest.mark.parametrize("path,expected", LISTS.values(), ids=LISTS.keys())
def test_an_admin_sees_each_entry_with_its_contacts_and_its_controls(
    admin: TestClient, people: None, path: str, expected: list[str]
) -> None:
    page = admin.get(path)

    assert page.status_code == 200
    assert rows(page.text) == expected
    assert 'aria-current="page"' in page.text


@pytest.mark.parametrize("path,expected", LISTS.values(), ids=LISTS.keys())
def test_an_agent_reads_the_same_lists_without_any_change_control(
    agent: TestClient, people: None, path: str, expected: list[str]
) -> None:
    page = agent.get(path)

    assert page.status_code == 200
    assert rows(page.text) == [re.sub(r" (Rename…|Edit…|Delete…)", "", row) for row in expected]
    assert re.findall(r'<form[^>]*action="([^"]*)"', page.text) == ["/logout"]
    assert "Only an admin can" in text_of(page.text)


def test_a_label_count_links_to_its_contacts(agent: TestClient, people: None) -> None:
    page = agent.get("/labels").text

    assert 'href="/contacts?label=VIP"' in page
    assert "Rename" not in page


AGENT_REFUSED = {
    "create a label": ("post", "/labels", {"name": "New"}),
    "rename form": ("get", "/labels/1/edit", None),
    "rename a label": ("post", "/labels/1/edit", {"name": "Gold"}),
    "delete confirmation": ("get", "/labels/1/delete", None),
    "delete a label": ("post", "/labels/1/delete", {}),
    "create a company": ("post", "/companies", {"name": "New"}),
    "company form": ("get", "/companies/1/edit", None),
    "edit a company": ("post", "/companies/1/edit", {"name": "Other"}),
    "company delete confirmation": ("get", "/companies/1/delete", None),
    "delete a company": ("post", "/companies/1/delete", {}),
    "create a field": ("post", "/fields", {"variable_name": "city"}),
    "field form": ("get", "/fields/1/edit", None),
    "edit a field": ("post", "/fields/1/edit", {"title": "Other"}),
}


@pytest.mark.parametrize("method,path,fields", AGENT_REFUSED.values(), ids=AGENT_REFUSED.keys())
def test_an_agent_gets_a_403_page_for_any_change_and_nothing_changes(
    agent: TestClient, people: None, store: Store, method: str, path: str, fields: dict | None
) -> None:
    before = catalog_state(store)

    sent = fields or {}
    answer = agent.get(path) if method == "get" else post(agent, path, "/labels", **sent)

    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("text/html")
    assert "Only an admin may change" in text_of(answer.text)
    assert catalog_state(store) == before


@pytest.mark.parametrize("path", ["/labels", "/companies", "/fields", "/labels/1/edit"])
def test_an_anonymous_visit_goes_to_the_login_page(client: TestClient, path: str) -> None:
    answer = client.get(path, follow_redirects=False)

    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login?next=")


FORMS = {
    "create a label": ("/labels", {"name": "New"}),
    "rename a label": ("/labels/1/edit", {"name": "Gold"}),
    "delete a label": ("/labels/1/delete", {}),
    "create a company": ("/companies", {"name": "New"}),
    "edit a company": ("/companies/1/edit", {"name": "Other"}),
    "delete a company": ("/companies/1/delete", {}),
    "create a field": ("/fields", {"variable_name": "city"}),
    "edit a field": ("/fields/1/edit", {"title": "Other"}),
}


@pytest.mark.parametrize("path,fields", FORMS.values(), ids=FORMS.keys())
@pytest.mark.parametrize("token", [None, "forged"], ids=["no token", "a wrong token"])
def test_a_change_without_the_sessions_csrf_token_is_refused(
    admin: TestClient, people: None, store: Store, path: str, fields: dict, token: str | None
) -> None:
    before = catalog_state(store)
    data = fields if token is None else {**fields, "csrf": token}

    answer = admin.post(path, data=data, follow_redirects=False)

    assert answer.status_code == 403
    assert "CSRF" in text_of(answer.text)
    assert catalog_state(store) == before


# -- labels -------------------------------------------------------------------------------------


def test_an_admin_creates_a_label_and_the_list_says_so(admin: TestClient, people: None) -> None:
    answer = post(admin, "/labels", "/labels", name="  Gold  ")

    assert answer.status_code == 303
    page = admin.get(answer.headers["location"])
    assert "Label “Gold” created." in text_of(page.text)
    assert "Gold 0 Rename… Delete…" in rows(page.text)


@pytest.mark.parametrize(
    "name,reason",
    [("VIP", "already exists (ID 1)"), ("A:B", "cannot hold ':'"), ("   ", "cannot be empty")],
    ids=["exists", "colon", "blank"],
)
def test_a_refused_label_shows_the_form_again_with_the_reason(
    admin: TestClient, people: None, name: str, reason: str
) -> None:
    answer = post(admin, "/labels", "/labels", name=name)

    assert answer.status_code == 422
    assert reason in text_of(answer.text)
    assert f'value="{name}"' in answer.text
    assert 'role="alert"' in answer.text
    assert len(rows(answer.text)) == 3


def test_renaming_a_label_keeps_it_on_its_contacts(
    admin: TestClient, people: None, store: Store
) -> None:
    form = admin.get("/labels/1/edit")
    assert "2 contacts carry it" in text_of(form.text)

    answer = post(admin, "/labels/1/edit", "/labels/1/edit", name="Gold")

    assert answer.status_code == 303
    assert "Label renamed to “Gold”." in text_of(admin.get(answer.headers["location"]).text)
    assert "Gold 2 Rename… Delete…" in rows(admin.get("/labels").text)
    with store.read() as conn:
        assert sql.label_counts(conn)[1] == 2


def test_renaming_a_label_to_another_labels_name_is_refused_naming_it(
    admin: TestClient, people: None
) -> None:
    answer = post(admin, "/labels/1/edit", "/labels/1/edit", name="Trial")

    assert answer.status_code == 409
    assert "label 'Trial' already exists (ID 2)" in text_of(answer.text)
    assert "VIP 2" in rows(admin.get("/labels").text)[0]


def test_deleting_a_label_is_confirmed_on_a_page_naming_how_many_contacts_lose_it(
    admin: TestClient, people: None, store: Store
) -> None:
    confirmation = admin.get("/labels/1/delete")

    assert confirmation.status_code == 200
    assert "Delete label “VIP”?" in text_of(confirmation.text)
    assert "2 contacts carry it and will lose it" in text_of(confirmation.text)
    assert catalog_state(store)[0][0].name == "VIP"  # asking deletes nothing

    answer = post(admin, "/labels/1/delete", "/labels/1/delete")

    assert answer.status_code == 303
    assert "Label “VIP” deleted; 2 contacts lost it." in text_of(
        admin.get(answer.headers["location"]).text
    )
    with store.read() as conn:
        assert [label.name for label in sql.labels(conn)] == ["Trial", "Unused"]
        assert sql.label_counts(conn) == {2: 2}


# -- companies ----------------------------------------------------------------------------------


def test_an_admin_creates_a_company_with_a_domain(admin: TestClient, people: None) -> None:
    answer = post(admin, "/companies", "/companies", name="Initech", domain="Initech.Example")

    assert answer.status_code == 303
    page = admin.get(answer.headers["location"])
    assert "Company “Initech” created." in text_of(page.text)
    assert "3 Initech initech.example 0 Edit… Delete…" in rows(page.text)


@pytest.mark.parametrize("name", ["Acme", " acme ", "ACME"])
def test_a_company_name_that_exists_in_any_case_is_refused_naming_its_id(
    admin: TestClient, people: None, name: str
) -> None:
    answer = post(admin, "/companies", "/companies", name=name, domain="")

    assert answer.status_code == 409
    assert "company 'Acme' already exists (ID 1)" in text_of(answer.text)
    assert len(rows(answer.text)) == 2


def test_editing_a_company_changes_its_name_and_removes_its_domain(
    admin: TestClient, people: None, store: Store
) -> None:
    answer = post(admin, "/companies/1/edit", "/companies/1/edit", name="Acme Corp", domain="")

    assert answer.status_code == 303
    assert "1 Acme Corp — 2 Edit… Delete…" in rows(admin.get("/companies").text)


def test_an_edit_to_another_companys_name_shows_the_form_with_the_reason(
    admin: TestClient, people: None
) -> None:
    answer = post(
        admin, "/companies/1/edit", "/companies/1/edit", name="globex", domain="x.example"
    )

    assert answer.status_code == 409
    assert "company 'Globex' already exists (ID 2)" in text_of(answer.text)
    assert 'value="globex"' in answer.text and 'value="x.example"' in answer.text


def test_deleting_a_company_is_confirmed_and_leaves_its_contacts_unlinked(
    admin: TestClient, people: None, store: Store
) -> None:
    confirmation = admin.get("/companies/1/delete")
    assert "2 contacts belong to it; they stay, with no company." in text_of(confirmation.text)

    answer = post(admin, "/companies/1/delete", "/companies/1/delete")

    assert answer.status_code == 303
    assert "Company “Acme” deleted; 2 contacts now have no company." in text_of(
        admin.get(answer.headers["location"]).text
    )
    items = admin.get("/api/contacts").json()["items"]
    assert {c["email"]: c["company_id"] for c in items} == {
        "ann@example.com": None,
        "bob@example.com": None,
        "cy@example.com": 2,
    }


# -- custom fields ------------------------------------------------------------------------------


def test_an_admin_creates_a_select_field_with_one_option_a_line(
    admin: TestClient, people: None, store: Store
) -> None:
    answer = post(
        admin, "/fields", "/fields",
        variable_name="tier", title="Tier", type="select", options="gold\r\n\r\n silver \n",
    )  # fmt: skip

    assert answer.status_code == 303
    assert "Custom field “Tier” created." in text_of(admin.get(answer.headers["location"]).text)
    with store.read() as conn:
        tier = sql.fields(conn)[-1]
    assert (tier.variable_name, tier.type.value, tier.options) == (
        "tier",
        "select",
        ("gold", "silver"),
    )


REFUSED_FIELDS = {
    "select without options": ({"variable_name": "x", "type": "select"}, "needs its options"),
    "text with options": ({"variable_name": "x", "options": "a"}, "only a select field"),
    "a standard column": ({"variable_name": "email"}, "is a standard column"),
    "capitals": ({"variable_name": "Plan2"}, "cannot be a variable name"),
}


@pytest.mark.parametrize("fields,reason", REFUSED_FIELDS.values(), ids=REFUSED_FIELDS.keys())
def test_a_refused_field_says_why_in_the_pages_words(
    admin: TestClient, people: None, fields: dict, reason: str
) -> None:
    answer = post(admin, "/fields", "/fields", **{"type": "text", **fields})

    assert answer.status_code == 422
    assert reason in text_of(answer.text)
    assert "--" not in text_of(answer.text)  # no CLI flag on a page


def test_editing_a_field_changes_its_title_and_adds_an_option(
    admin: TestClient, people: None, store: Store
) -> None:
    answer = post(
        admin, "/fields/1/edit", "/fields/1/edit", title="Plan name",
        options="basic\npro\nenterprise\nteam",
    )  # fmt: skip

    assert answer.status_code == 303
    with store.read() as conn:
        plan = sql.fields(conn)[0]
    assert (plan.title, plan.options) == ("Plan name", ("basic", "pro", "enterprise", "team"))


def test_removing_an_option_contacts_hold_is_refused_saying_how_many(
    admin: TestClient, people: None, store: Store
) -> None:
    before = catalog_state(store)

    answer = post(admin, "/fields/1/edit", "/fields/1/edit", title="Plan", options="basic")

    assert answer.status_code == 409
    assert "'pro' (held by 2 contacts)" in text_of(answer.text)
    assert "basic" in answer.text and 'aria-invalid="true"' in answer.text
    assert catalog_state(store) == before


def test_an_option_no_contact_holds_is_removed(
    admin: TestClient, people: None, store: Store
) -> None:
    answer = post(admin, "/fields/1/edit", "/fields/1/edit", title="Plan", options="basic\npro")

    assert answer.status_code == 303
    with store.read() as conn:
        assert sql.fields(conn)[0].options == ("basic", "pro")


# -- odd requests -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/labels/99/edit", "/labels/99/delete", "/companies/99/edit", "/fields/99/edit",
     "/labels/0/edit", "/labels/x/delete", "/companies/99999999999/edit"],
)  # fmt: skip
def test_an_unknown_or_impossible_id_is_a_404_page(
    admin: TestClient, people: None, path: str
) -> None:
    answer = admin.get(path)

    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")


def test_the_notice_shows_once_and_no_address_can_make_one_up(
    admin: TestClient, people: None
) -> None:
    answer = post(admin, "/labels", "/labels", name="Gold")

    assert "Label “Gold” created." in text_of(admin.get(answer.headers["location"]).text)
    assert 'role="status"' not in admin.get("/labels").text
    crafted = admin.get("/labels", params={"done": "label-deleted", "name": "VIP", "count": "9"})
    assert 'role="status"' not in crafted.text


@pytest.mark.parametrize(
    "cookie", ["nonsense", "%7B%7D", "%5B1%5D", '%7B%22done%22%3A%22x%22%7D'],
    ids=["not JSON", "empty object", "a list", "an unknown notice"],
)  # fmt: skip
def test_a_notice_cookie_that_is_not_ours_shows_nothing(
    admin: TestClient, people: None, cookie: str
) -> None:
    admin.cookies.set("rolodex_notice", cookie)

    page = admin.get("/labels")

    assert page.status_code == 200
    assert 'role="status"' not in page.text
