"""Agents read, admins change — every admin-only action tried in a real browser
(docs/api.md#who-may-do-what).

For each action in ``ACTIONS``: an admin's page shows its control and an agent's does not;
an agent who asks for its page by address, or sends its form anyway (with a valid CSRF
token, so the refusal is the role's), gets a 403 page; the agent's own browser session
calling the API for it gets 403 (a users import's record: 404); none of that changes a
thing; and the admin's same API call does it. Where an admin does the action on its page
is named by ``by_admin``, a test of the other browser modules — or of this one: importing
agents from the import page. What agents may do they do here too: read every list and
record, export, download the contacts template.

Nothing is left out by oversight: ``test_every_admin_action_is_tried`` lists the app's
page routes and its admin-only API routes and fails on one that no action tries (pages
that agents may use are listed with the reason).

One ``rolodex serve`` for the module, filled from the command line. Needs chromium and
playwright, as every browser test (``browsing.py``).
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from .browsing import Tabs, call_api, post_form
from .routes import app_routes
from .served import ADMIN, AGENT, Site, serve_site

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.slow

TEAM = (
    "email,first_name,last_name,password\n"
    "sam@example.com,Sam,Sample,sam-first-password\n"
    "tia@example.com,Tia,Tester,tia-first-password\n"
    "uma@example.com,Uma,User,uma-first-password\n"
)
CONTACTS = (
    "email,first_name,last_name,company_id,labels,plan\n"
    "ann.archer@example.com,Ann,Archer,1,VIP:Trial,pro\n"
    "bob.baker@example.com,Bob,Baker,1,Trial,basic\n"
)
UNDO_ME = "email,first_name\ncarl.cole@example.com,Carl\n"
NEW_AGENTS = "email,first_name,last_name,password\nvic@example.com,Vic,Vance,vic-first-password\n"
SETUP = [
    ["labels", "add", "VIP", "Trial"],
    ["companies", "add", "Acme Inc.", "--domain", "acme.example"],
    ["companies", "add", "Globex"],
    ["fields", "add", "plan", "--type", "select", "--options", "basic,pro", "--title", "Plan"],
    ["import", "users", "team.csv"],
    ["import", "contacts", "contacts.csv"],
    ["import", "contacts", "undo-me.csv"],
]
FILES: dict[str, str | bytes] = {
    "team.csv": TEAM,
    "contacts.csv": CONTACTS,
    "undo-me.csv": UNDO_ME,
    "new-agents.csv": NEW_AGENTS,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serve_site(tmp_path_factory.mktemp("site"), FILES, SETUP) as served:
        yield served


@pytest.fixture(scope="module")
def ids(site: Site) -> dict[str, int]:
    """The records the actions act on, by a short name, read back from the command line."""

    def read(*args: str) -> Any:
        return json.loads(site.cli(*args, "--json"))

    labels = {x["name"]: x["id"] for x in read("labels", "list")}
    companies = {x["name"]: x["id"] for x in read("companies", "list")}
    runs = read("imports", "list")
    return {
        "vip": labels["VIP"],
        "trial": labels["Trial"],
        "acme": companies["Acme Inc."],
        "globex": companies["Globex"],
        "plan": read("fields", "list")[0]["id"],
        "ann": read("contacts", "show", "ann.archer@example.com")["id"],
        "sam": read("users", "show", "sam@example.com")["id"],
        "tia": read("users", "show", "tia@example.com")["id"],
        "uma": read("users", "show", "uma@example.com")["id"],
        "users_import": min(r["id"] for r in runs if r["kind"] == "users"),
        "contacts_import": min(r["id"] for r in runs if r["kind"] == "contacts"),
        "undo_me": max(r["id"] for r in runs if r["kind"] == "contacts"),
    }


# -- the actions ---------------------------------------------------------------------------------

UPLOAD = "UPLOAD"  # the agent's own import form, tampered with: its fields changed before sending
FILE = {"file": {"name": "contacts.csv", "content": "email\nzoe@example.com\n"}}


@dataclass(frozen=True)
class Action:
    """An admin-only action, where it is offered and how it is asked for."""

    control: tuple[str, str, str]  # where an admin has it: path, ARIA role, accessible name
    pages: tuple[tuple[str, str, dict[str, str]], ...]  # METHOD, path, form: refused an agent
    api: tuple[str, str, Any]  # METHOD, path, JSON body ({"multipart": {...}} for a form)
    state: str  # an API address whose answer the agent's attempts leave as it was
    by_admin: str  # "module::test" where an admin does it on the page
    admin_status: int = 200
    agent_status: int = 403
    extra_api: tuple[tuple[str, str, Any], ...] = field(default=())  # more calls refused an agent


CATALOG = "test_browser_catalog"
ACTIONS: dict[str, Action] = {
    "create a label": Action(
        ("/labels", "button", "Create label"),
        (("POST", "/labels", {"name": "Agents' own"}),),
        ("POST", "/api/labels", {"name": "Agents' own"}),
        "/api/labels?counts=true",
        f"{CATALOG}::test_an_admin_creates_renames_and_deletes_labels",
        admin_status=201,
    ),
    "rename a label": Action(
        ("/labels", "link", "Rename VIP"),
        (("GET", "/labels/{vip}/edit", {}), ("POST", "/labels/{vip}/edit", {"name": "VVIP"})),
        ("PATCH", "/api/labels/{vip}", {"name": "Very important"}),
        "/api/labels?counts=true",
        f"{CATALOG}::test_an_admin_creates_renames_and_deletes_labels",
    ),
    "delete a label": Action(
        ("/labels", "link", "Delete Trial"),
        (("GET", "/labels/{trial}/delete", {}), ("POST", "/labels/{trial}/delete", {})),
        ("DELETE", "/api/labels/{trial}", None),
        "/api/labels?counts=true",
        f"{CATALOG}::test_an_admin_creates_renames_and_deletes_labels",
    ),
    "create a company": Action(
        ("/companies", "button", "Create company"),
        (("POST", "/companies", {"name": "Agents Ltd"}),),
        ("POST", "/api/companies", {"name": "Agents Ltd"}),
        "/api/companies?counts=true",
        f"{CATALOG}::test_an_admin_creates_edits_and_deletes_companies",
        admin_status=201,
    ),
    "edit a company": Action(
        ("/companies", "link", "Edit Acme Inc."),
        (
            ("GET", "/companies/{acme}/edit", {}),
            ("POST", "/companies/{acme}/edit", {"name": "Acme", "domain": ""}),
        ),
        ("PATCH", "/api/companies/{acme}", {"domain": "acme.test"}),
        "/api/companies?counts=true",
        f"{CATALOG}::test_an_admin_creates_edits_and_deletes_companies",
    ),
    "delete a company": Action(
        ("/companies", "link", "Delete Globex"),
        (("GET", "/companies/{globex}/delete", {}), ("POST", "/companies/{globex}/delete", {})),
        ("DELETE", "/api/companies/{globex}", None),
        "/api/companies?counts=true",
        f"{CATALOG}::test_an_admin_creates_edits_and_deletes_companies",
    ),
    "create a custom field": Action(
        ("/fields", "button", "Create field"),
        (("POST", "/fields", {"variable_name": "agents_own", "type": "text"}),),
        ("POST", "/api/fields", {"variable_name": "agents_own", "type": "text"}),
        "/api/fields",
        f"{CATALOG}::test_an_admin_creates_and_edits_custom_fields",
        admin_status=201,
    ),
    "edit a custom field": Action(
        ("/fields", "link", "Edit Plan"),
        (
            ("GET", "/fields/{plan}/edit", {}),
            ("POST", "/fields/{plan}/edit", {"title": "Plan", "options": "basic\npro\nteam"}),
        ),
        ("PATCH", "/api/fields/{plan}", {"title": "Subscription"}),
        "/api/fields",
        f"{CATALOG}::test_an_admin_creates_and_edits_custom_fields",
    ),
    "edit a contact": Action(
        ("/contacts/{ann}", "button", "Save changes"),
        (("POST", "/contacts/{ann}", {"first_name": "Eve"}),),
        ("PATCH", "/api/contacts/{ann}", {"first_name": "Annie"}),
        "/api/contacts/{ann}",
        "test_browser_contact::test_an_admin_opens_a_contact_and_edits_it_with_the_keyboard",
    ),
    "undo an import": Action(
        ("/imports", "link", "Undo…"),
        (("GET", "/imports/{undo_me}/undo", {}), ("POST", "/imports/{undo_me}/undo", {})),
        ("POST", "/api/imports/{undo_me}/undo", None),
        "/api/imports/{undo_me}",
        "test_browser_import_page::test_undo_a_real_import_from_its_result_page",
    ),
    "add a person to the team": Action(
        ("/team", "button", "Add with a temporary password"),
        (
            ("GET", "/team", {}),
            ("POST", "/team", {"email": "eve@example.com", "action": "temporary"}),
        ),
        ("POST", "/api/users", {"email": "wes@example.com", "temporary_password": True}),
        "/api/users",
        "test_browser_team::test_an_admin_manages_the_team_and_an_agent_is_refused",
        admin_status=201,
        extra_api=(("GET", "/api/users", None),),
    ),
    "deactivate someone": Action(
        ("/team", "button", "Deactivate sam@example.com"),
        (("POST", "/team/{sam}/active", {"active": "false"}),),
        ("PATCH", "/api/users/{sam}", {"active": False}),
        "/api/users",
        "test_browser_team::test_an_admin_manages_the_team_and_an_agent_is_refused",
    ),
    "make someone admin": Action(
        ("/team", "button", "Make admin tia@example.com"),
        (("POST", "/team/{tia}/role", {"role": "admin"}),),
        ("PATCH", "/api/users/{tia}", {"role": "admin"}),
        "/api/users",
        "test_browser_team::test_an_admin_manages_the_team_and_an_agent_is_refused",
    ),
    "reset a password": Action(
        ("/team", "button", "Generate a temporary password for uma@example.com"),
        (("POST", "/team/{uma}/password", {"action": "temporary"}),),
        ("PATCH", "/api/users/{uma}", {"temporary_password": True}),
        "/api/users",
        "test_browser_team::test_an_admin_manages_the_team_and_an_agent_is_refused",
    ),
    "import agents": Action(
        ("/", "combobox", "The file holds"),
        ((UPLOAD, "/imports/preview", {"kind": "users"}),),
        ("POST", "/api/imports", {"multipart": {"kind": "users", **FILE}}),
        "/api/users",
        "test_browser_roles::test_an_admin_imports_agents_from_the_import_page",
        admin_status=202,
        extra_api=(
            ("GET", "/api/templates/users.csv", None),
            ("GET", "/api/templates/users.xlsx", None),
        ),
    ),
    "create labels or companies while importing": Action(
        ("/", "checkbox", "Create unknown labels"),
        (
            (UPLOAD, "/imports/preview", {"create_labels": "true"}),
            (UPLOAD, "/imports/preview", {"create_companies": "true"}),
        ),
        (
            "POST",
            "/api/imports",
            {"multipart": {"kind": "contacts", "create_labels": "true", "dry_run": "true", **FILE}},
        ),
        "/api/labels",
        "test_browser_columns::test_columns_step_with_google_and_outlook_exports",
        admin_status=202,
        extra_api=(
            (
                "POST",
                "/api/imports",
                {
                    "multipart": {
                        "kind": "contacts",
                        "dry_run": "true",
                        "create_companies": "true",
                        **FILE,
                    }
                },
            ),
        ),
    ),
}
AGENTS_MAY = {
    "GET /login": "signing in",
    "POST /login": "signing in",
    "POST /logout": "signing out",
    "GET /": "the import form: agents import contacts",
    "POST /imports/preview": "a contacts file (agents files and creating labels: refused above)",
    "GET /imports/columns/{token}": "the Columns step of their own upload",
    "POST /imports/columns/{token}": "the Columns step of their own upload",
    "GET /imports/{import_id}": "a contacts import (a users import: 404, tried below)",
    "POST /imports/{import_id}/confirm": "confirming their own contacts dry run",
    "GET /imports": "the history (without users imports)",
    "GET /contacts": "reading the directory",
    "GET /contacts/{contact_id}": "reading a contact",
    "GET /labels": "reading the labels",
    "GET /companies": "reading the companies",
    "GET /fields": "reading the custom fields",
}


def address(path: str, ids: dict[str, int]) -> str:
    return path.format(**ids)


def answer_of(page: Page, method: str, path: str, body: Any, ids: dict[str, int]) -> Any:
    status, text = call_api(page, method, address(path, ids), body)
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def tamper_and_upload(page: Page, site: Site, fields: dict[str, str]) -> int:
    """The agent's import form with ``fields`` changed or added, and a file: its answer."""
    page.goto(site.url + "/")
    page.evaluate(
        """(fields) => {
          const form = document.querySelector("form[action='/imports/preview']");
          for (const [name, value] of Object.entries(fields)) {
            const input = form.querySelector(`[name=${name}]`) || form.appendChild(
              Object.assign(document.createElement("input"), {type: "hidden", name}));
            input.value = value;
          }
        }""",
        fields,
    )
    page.get_by_label("CSV file").set_input_files(str(site.files / "contacts.csv"))
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Check the file").click()
    answer = navigation.value
    assert answer is not None
    return answer.status


@pytest.mark.parametrize("name", list(ACTIONS))
def test_an_agent_is_offered_and_allowed_no_admin_action(
    site: Site, ids: dict[str, int], tabs: Tabs, name: str
) -> None:
    from playwright.sync_api import expect

    action = ACTIONS[name]
    admin, agent = tabs.open(site, ADMIN), tabs.open(site, AGENT)
    path, role, control = action.control

    # The control: on the admin's page, not on the agent's.
    for page, count in ((admin, 1), (agent, 0)):
        page.goto(site.url + address(path, ids))
        # hidden too: a reset's buttons are inside a closed <details>
        found = page.get_by_role(role, name=control, exact=True, include_hidden=True)  # type: ignore[arg-type]
        if count:
            expect(found.first).to_be_attached()
        else:
            expect(found).to_have_count(0)
    if name == "add a person to the team":
        expect(agent.get_by_role("navigation", name="Main")).not_to_contain_text("Team")

    before = answer_of(admin, "GET", action.state, None, ids)

    # Its page asked for by address, its form sent anyway: a 403 page.
    for method, where, fields in action.pages:
        if method == UPLOAD:
            status = tamper_and_upload(agent, site, fields)
        elif method == "GET":
            answer = agent.goto(site.url + address(where, ids))
            status = answer.status if answer else 0
        else:
            agent.goto(site.url + "/contacts")
            answer = post_form(agent, site.url + address(where, ids), fields)
            status = answer.status if answer else 0
        assert status == 403, f"{name}: {method} {where} answered {status} to an agent"
        expect(agent.get_by_role("main")).to_contain_text(re.compile("admin", re.IGNORECASE))

    # The API from the agent's own browser session: refused for the role, not the token.
    agent.goto(site.url + "/contacts")
    for method, where, body in (action.api, *action.extra_api):
        status, said = answer_of(agent, method, where, body, ids)
        assert status == action.agent_status, f"{name}: {method} {where} → {status} {said}"
        assert "admin" in said["error"].lower(), said

    assert answer_of(admin, "GET", action.state, None, ids) == before, "an agent changed it"

    # The admin's same call does it.
    admin.goto(site.url + "/contacts")
    status, said = answer_of(admin, *action.api, ids)
    assert status == action.admin_status, f"{name}: the admin's call → {status} {said}"


def test_an_admin_imports_agents_from_the_import_page(
    site: Site, tabs: Tabs, ids: dict[str, int]
) -> None:
    from playwright.sync_api import expect

    admin = tabs.open(site, ADMIN)
    admin.get_by_label("The file holds").select_option("users")
    admin.get_by_label("CSV file").set_input_files(str(site.files / "new-agents.csv"))
    admin.get_by_role("button", name="Check the file").click()
    expect(admin.locator(".meta")).to_contain_text("Dry run of agents")
    expect(admin.locator(".counts")).to_contain_text("Would be created1")
    expect(admin.locator("table.preview")).not_to_contain_text("vic-first-password")
    admin.get_by_role("button", name="Confirm import").click()
    expect(admin.locator(".counts")).to_contain_text("Created1")

    vic = tabs.open(site, ("vic@example.com", "vic-first-password"))
    expect(vic.get_by_role("link", name="Team")).to_have_count(0)  # imported people are agents
    admin.goto(site.url + "/team")
    expect(admin.locator("table.team")).to_contain_text("vic@example.com")


def test_an_agent_reads_every_list_and_record_and_exports(
    site: Site, tabs: Tabs, ids: dict[str, int], tmp_path: Any
) -> None:
    from playwright.sync_api import expect

    agent = tabs.open(site, AGENT)
    reads = ["/api/contacts", "/api/contacts/{ann}", "/api/labels", "/api/companies",
             "/api/fields", "/api/imports", "/api/imports/{contacts_import}",
             "/api/imports/{contacts_import}/errors.csv", "/api/export/contacts.csv",
             "/api/templates/contacts.csv", "/api/templates/contacts.xlsx"]  # fmt: skip
    for where in reads:
        status, said = answer_of(agent, "GET", where, None, ids)
        assert status == 200, f"{where} → {status} {said}"
    for where in ["/api/imports/{users_import}", "/api/imports/{users_import}/errors.csv"]:
        assert answer_of(agent, "GET", where, None, ids)[0] == 404, where
    answer = agent.goto(site.url + address("/imports/{users_import}", ids))
    assert answer is not None and answer.status == 404

    agent.goto(site.url + "/imports")
    expect(agent.locator("table.history")).not_to_contain_text("team.csv")
    agent.goto(site.url + "/")
    expect(agent.locator('[data-template^="users-"]')).to_have_count(0)
    with agent.expect_download() as template:
        agent.locator('[data-template="contacts-csv"]').click()
    assert template.value.suggested_filename == "rolodex-contacts.csv"

    agent.goto(site.url + "/contacts?q=baker")  # a contact no action here changes
    with agent.expect_download() as exported:
        agent.get_by_role("link", name=re.compile("^Export")).click()
    saved = tmp_path / "contacts.csv"
    exported.value.save_as(saved)
    by_cli = tmp_path / "cli.csv"
    site.cli("export", "contacts", "--search", "baker", "-o", str(by_cli))
    assert saved.read_bytes() == by_cli.read_bytes()


def test_every_admin_action_is_tried() -> None:
    routes = app_routes()
    pages = {route.key for route in routes if route.page}
    tried_pages = {
        f"{'POST' if method == UPLOAD else method} {re.sub(r'{[a-z_]+}', '{}', path)}"
        for action in ACTIONS.values()
        for method, path, _ in action.pages
    }
    shape = {f"{key.split()[0]} {re.sub(r'{[a-z_]+}', '{}', key.split()[1])}": key for key in pages}
    left = {key for short, key in shape.items() if short not in tried_pages} - set(AGENTS_MAY)
    assert left == set(), "page routes no action tries and agents may not use"

    admin_api = {re.sub(r"{[a-z_]+}", "{}", r.key) for r in routes if r.admin_only}
    tried_api = {
        f"{method} {re.sub(r'{[a-z_]+}', '{}', path).split('?')[0]}"
        for action in ACTIONS.values()
        for method, path, _ in (action.api, *action.extra_api)
    }
    assert admin_api - tried_api == set(), "admin-only API routes no action tries"

    for action in ACTIONS.values():
        module, test = action.by_admin.split("::")
        assert hasattr(importlib.import_module(f"tests.e2e.{module}"), test), action.by_admin
