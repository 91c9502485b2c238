"""The catalog pages in a real browser (docs/api.md#the-catalog):
Labels, Companies and Fields, each action done as a person does it — as an admin (create,
rename or edit, delete after the confirmation naming how many contacts it touches, a change
refused with its reason) and as an agent (the same lists, no change control, a 403 page for
a change asked for by address). axe-core checks every page on the way (``axe.py``); one
label is created and deleted with the keyboard alone.

One ``rolodex serve`` per test, filled from the command line with an agent, two labels, a
company, a select field and three contacts. The lists go to ``docs/screenshot-labels.png``,
``-companies.png`` and ``-fields.png`` for the README when missing or
``ROLODEX_UPDATE_SCREENSHOT=1``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .axe import assert_accessible
from .browsing import Visit, keep_for_readme, tab_to
from .served import Site, serve_site

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.slow

CONTACTS = (
    "email,first_name,last_name,company_id,labels,plan\n"
    "ann.archer@example.com,Ann,Archer,1,VIP:Trial,pro\n"
    "bob.baker@example.com,Bob,Baker,1,Trial,pro\n"
    "cat.cooper@example.com,Cat,Cooper,,,basic\n"
)
SETUP = [
    ["labels", "add", "VIP", "Trial"],
    ["companies", "add", "Acme Inc.", "--domain", "acme.example"],
    ["fields", "add", "plan", "--type", "select", "--options", "basic,pro,enterprise",
     "--title", "Plan"],
    ["import", "contacts", "contacts.csv"],
]  # fmt: skip


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """A fresh site per test: each changes the catalog."""
    with serve_site(tmp_path, {"contacts.csv": CONTACTS}, SETUP) as served:
        yield served


def readme_shot(visit: Visit, name: str) -> None:
    """The page for the README, when its file is missing or asked for."""
    keep_for_readme(visit.shot(name), name)


def rows(page: Page) -> list[str]:
    return [
        " ".join(text.split()) for text in page.locator("table.catalog tbody tr").all_inner_texts()
    ]


def test_an_admin_creates_renames_and_deletes_labels(site: Site, admin: Page) -> None:
    from playwright.sync_api import expect

    page, visit = admin, Visit(admin, site.url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Labels").click()
    expect(page.get_by_role("heading", name="Labels", exact=True)).to_be_visible()
    assert rows(page) == ["VIP 1 Rename… Delete…", "Trial 2 Rename… Delete…"]
    assert_accessible(page, "labels")

    page.get_by_label("Name", exact=True).fill("Gold")
    page.get_by_role("button", name="Create label").click()
    expect(page.get_by_role("status")).to_have_text("Label “Gold” created.")
    readme_shot(visit, "labels")

    page.get_by_label("Name", exact=True).fill("Trial")
    page.get_by_role("button", name="Create label").click()
    expect(page.get_by_role("alert")).to_contain_text("label 'Trial' already exists (ID 2)")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Trial")
    assert_accessible(page, "labels, a name refused")

    page.get_by_role("link", name="Rename VIP").click()
    expect(page.get_by_role("heading", name="Rename label “VIP”")).to_be_visible()
    assert_accessible(page, "rename a label")
    page.get_by_label("New name").fill("Gold")
    page.get_by_role("button", name="Rename label").click()
    expect(page.get_by_role("alert")).to_contain_text("label 'Gold' already exists")
    assert_accessible(page, "rename a label, refused")
    page.get_by_label("New name").fill("Very important")
    page.get_by_role("button", name="Rename label").click()
    expect(page.get_by_role("status")).to_have_text("Label renamed to “Very important”.")

    page.get_by_role("link", name="Delete Trial").click()
    expect(page.get_by_role("heading", name="Delete label “Trial”?")).to_be_visible()
    expect(page.locator("#consequence")).to_contain_text("2 contacts carry it and will lose it")
    assert_accessible(page, "delete a label")
    visit.shot("label-delete")
    page.get_by_role("button", name="Yes, delete label “Trial”").click()
    expect(page.get_by_role("status")).to_have_text("Label “Trial” deleted; 2 contacts lost it.")
    assert rows(page) == ["Very important 1 Rename… Delete…", "Gold 0 Rename… Delete…"]

    page.get_by_role("link", name="1 contact labelled Very important").click()
    expect(page.locator("table.contacts tbody tr")).to_have_count(1)
    expect(page.locator("table.contacts")).to_contain_text("Very important")


def test_the_keyboard_alone_creates_and_deletes_a_label(site: Site, admin: Page) -> None:
    from playwright.sync_api import expect

    page = admin
    page.goto(site.url + "/labels")

    tab_to(page, "Name")
    page.keyboard.type("Keyed")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Label “Keyed” created.")
    tab_to(page, "Delete Keyed")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Delete label “Keyed”?")).to_be_visible()
    tab_to(page, "Yes, delete label “Keyed”")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Label “Keyed” deleted; 0 contacts lost it.")


def test_an_admin_creates_edits_and_deletes_companies(site: Site, admin: Page) -> None:
    from playwright.sync_api import expect

    page, visit = admin, Visit(admin, site.url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Companies").click()
    assert rows(page) == ["1 Acme Inc. acme.example 2 Edit… Delete…"]
    assert_accessible(page, "companies")

    page.get_by_label("Name", exact=True).fill("Globex")
    page.get_by_label("Domain (optional)").fill("globex.example")
    page.get_by_role("button", name="Create company").click()
    expect(page.get_by_role("status")).to_have_text("Company “Globex” created.")
    readme_shot(visit, "companies")

    page.get_by_label("Name", exact=True).fill("ACME INC.")
    page.get_by_role("button", name="Create company").click()
    expect(page.get_by_role("alert")).to_contain_text("company 'Acme Inc.' already exists (ID 1)")
    assert_accessible(page, "companies, a name refused")

    page.get_by_role("link", name="Edit Acme Inc.").click()
    assert_accessible(page, "edit a company")
    page.get_by_label("Name", exact=True).fill("Acme Corporation")
    page.get_by_label("Domain (optional)").fill("")
    page.get_by_role("button", name="Save company").click()
    expect(page.get_by_role("status")).to_have_text("Company “Acme Corporation” saved.")

    page.get_by_role("link", name="Delete Acme Corporation").click()
    expect(page.locator("#consequence")).to_have_text(
        "2 contacts belong to it; they stay, with no company."
    )
    assert_accessible(page, "delete a company")
    page.get_by_role("button", name="Yes, delete company “Acme Corporation”").click()
    expect(page.get_by_role("status")).to_have_text(
        "Company “Acme Corporation” deleted; 2 contacts now have no company."
    )
    assert rows(page) == ["2 Globex globex.example 0 Edit… Delete…"]
    page.goto(site.url + "/contacts")
    expect(page.locator("table.contacts tbody tr")).to_have_count(3)


def test_an_admin_creates_and_edits_custom_fields(site: Site, admin: Page) -> None:
    from playwright.sync_api import expect

    page, visit = admin, Visit(admin, site.url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Fields").click()
    assert rows(page) == ["Plan plan select basic pro enterprise Edit…"]
    assert_accessible(page, "fields")

    page.get_by_label("Variable name").fill("tier")
    page.get_by_label("Title (optional)").fill("Tier")
    page.get_by_label("Type", exact=True).select_option("select")
    page.get_by_role("button", name="Create field").click()
    expect(page.get_by_role("alert")).to_contain_text("a select field needs its options")
    assert_accessible(page, "fields, a field refused")
    page.get_by_label("Options (select fields only)").fill("gold\nsilver")
    page.get_by_role("button", name="Create field").click()
    expect(page.get_by_role("status")).to_have_text("Custom field “Tier” created.")
    readme_shot(visit, "fields")

    page.get_by_role("link", name="Edit Plan").click()
    assert_accessible(page, "edit a field")
    page.get_by_label("Options", exact=True).fill("basic\nenterprise")
    page.get_by_role("button", name="Save field").click()
    expect(page.get_by_role("alert")).to_contain_text("'pro' (held by 2 contacts)")
    expect(page.get_by_label("Options", exact=True)).to_have_value("basic\nenterprise")
    assert_accessible(page, "edit a field, an option in use refused")
    visit.shot("field-option-refused")
    page.get_by_label("Title", exact=True).fill("Plan name")
    page.get_by_label("Options", exact=True).fill("basic\npro\nteam")
    page.get_by_role("button", name="Save field").click()
    expect(page.get_by_role("status")).to_have_text("Custom field “Plan name” saved.")
    assert rows(page)[0] == "Plan name plan select basic pro team Edit…"


@pytest.mark.parametrize("path", ["/labels", "/companies", "/fields"])
def test_an_agent_reads_every_list_without_a_change_control(
    site: Site, agent: Page, path: str
) -> None:
    from playwright.sync_api import expect

    page = agent
    Visit(page, site.url).go(path, f"agent{path.replace('/', '-')}")

    expect(page.locator("table.catalog tbody tr").first).to_be_visible()
    expect(page.get_by_role("main").get_by_role("button")).to_have_count(0)
    expect(page.get_by_role("main").get_by_role("textbox")).to_have_count(0)
    for action in ("Rename", "Edit", "Delete"):
        expect(page.get_by_role("link", name=action)).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text("Only an admin can")
    assert_accessible(page, f"{path} as an agent")


@pytest.mark.parametrize(
    "path", ["/labels/1/edit", "/labels/1/delete", "/companies/1/delete", "/fields/1/edit"]
)
def test_an_agent_asking_for_a_change_by_address_gets_a_refusal_page(
    site: Site, agent: Page, path: str
) -> None:
    from playwright.sync_api import expect

    page = agent
    answer = page.goto(site.url + path)

    assert answer is not None and answer.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    assert_accessible(page, f"{path} refused to an agent")


def test_the_lists_fit_a_phone(site: Site, admin: Page) -> None:
    page = admin
    page.set_viewport_size({"width": 390, "height": 844})
    visit = Visit(page, site.url)

    for path in ("/labels", "/companies", "/fields", "/labels/1/delete", "/fields/1/edit"):
        visit.go(path, f"phone{path.replace('/', '-')}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
