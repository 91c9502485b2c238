"""The directory in a real browser: search the contacts list by full name and by part of an
email, download the export of what it shows (the very file ``rolodex export contacts``
writes for the same filter), open a contact, and — as an admin — edit it with the keyboard,
a refused value shown beside its field; an agent reads the same page without a form. axe-core
checks every page reached (``axe.py``).

One ``rolodex serve`` for the module, filled from the command line. The contact page as an
admin goes to ``docs/screenshot-contact.png`` when that file is missing or
``ROLODEX_UPDATE_SCREENSHOT=1``. Needs chromium and playwright (``browsing.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .axe import assert_accessible
from .browsing import SHOTS, keep_for_readme
from .served import Site, serve_site

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.slow

PEOPLE = (
    "email,first_name,last_name,company_id,labels,plan\n"
    "alan.turing@example.com,Alan,Turing,1,Computing:Research,pro\n"
    "alan.kay@example.org,Alan,Kay,,Computing,basic\n"
    "grace.hopper@navy.example,Grace,Hopper,,Computing:Navy,\n"
    "ada.lovelace@example.com,Ada,Lovelace,,Research,\n"
)
SETUP = [
    ["labels", "add", "Computing", "Research", "Navy"],
    ["companies", "add", "Bletchley Park", "--domain", "bletchley.example"],
    ["fields", "add", "plan", "--type", "select", "--options", "basic,pro", "--title", "Plan"],
    ["fields", "add", "score", "--type", "number", "--title", "Score"],
    ["import", "contacts", "people.csv"],
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serve_site(tmp_path_factory.mktemp("site"), {"people.csv": PEOPLE}, SETUP) as served:
        yield served


def search(page: Page, site: Site, text: str) -> None:
    """Type into the search box and press Enter, as a person does."""
    page.goto(site.url + "/contacts")
    page.get_by_label("Search").fill(text)
    page.get_by_label("Search").press("Enter")
    page.wait_for_url(re.compile(r"/contacts\?"))


def rows(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("table.contacts td.email").all_inner_texts()]


def test_the_search_finds_full_names_and_parts_of_emails(admin: Page, site: Site) -> None:
    from playwright.sync_api import expect

    search(admin, site, "Alan Turing")
    assert rows(admin) == ["alan.turing@example.com"]
    expect(admin.get_by_role("status")).to_contain_text("1–1 of 1 contact found")
    SHOTS.mkdir(exist_ok=True)
    admin.screenshot(path=str(SHOTS / "contacts-searched.png"), full_page=True)
    assert_accessible(admin, "contacts, searched")
    search(admin, site, "turing alan")
    assert rows(admin) == ["alan.turing@example.com"]
    search(admin, site, "example.com")
    assert rows(admin) == ["ada.lovelace@example.com", "alan.turing@example.com"]
    search(admin, site, "hopper@")
    assert rows(admin) == ["grace.hopper@navy.example"]


def test_the_export_button_downloads_the_cli_export_of_the_same_filter(
    admin: Page, site: Site, tmp_path: Path
) -> None:
    admin.goto(site.url + "/contacts")
    admin.get_by_label("Label").select_option("Computing")
    admin.get_by_label("Search").fill("alan")
    admin.get_by_role("button", name="Filter").click()
    assert rows(admin) == ["alan.kay@example.org", "alan.turing@example.com"]

    with admin.expect_download() as started:
        admin.get_by_role("link", name=re.compile("^Export")).click()
    saved = tmp_path / "download.csv"
    started.value.save_as(saved)

    by_cli = tmp_path / "cli.csv"
    site.cli("export", "contacts", "--label", "Computing", "--search", "alan", "-o", str(by_cli))
    assert saved.read_bytes() == by_cli.read_bytes()
    assert saved.read_bytes().count(b"\r\n") == 3
    assert started.value.suggested_filename == "contacts.csv"


def test_an_admin_opens_a_contact_and_edits_it_with_the_keyboard(admin: Page, site: Site) -> None:
    from playwright.sync_api import expect

    search(admin, site, "ada")
    admin.get_by_role("link", name="ada.lovelace@example.com").click()
    expect(admin.get_by_role("heading", name="Ada Lovelace", level=1)).to_be_visible()
    imports = admin.get_by_role("region", name="Imports that touched this contact")
    expect(imports.get_by_role("link", name=re.compile(r"^#\d+$"))).to_have_count(1)
    assert_accessible(admin, "contact, admin")

    admin.get_by_label("Last name").fill("King")
    admin.get_by_label("Company").select_option(label="Bletchley Park")
    admin.get_by_label("Navy").check()
    admin.get_by_label("Plan").select_option("pro")
    admin.get_by_label("Score").fill("1,5")  # refused: a plain decimal point is asked for
    admin.get_by_label("Score").press("Enter")
    problem = admin.locator("#problem-score")
    expect(problem).to_contain_text("is not a number")
    expect(admin.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(admin.get_by_label("Last name")).to_have_value("King")  # kept as typed
    assert admin.get_by_label("Score").get_attribute("aria-describedby") == "problem-score"
    assert_accessible(admin, "contact, edit refused")

    admin.get_by_label("Score").fill("1.5")
    admin.get_by_role("button", name="Save changes").click()
    expect(admin.get_by_role("status")).to_have_text("Saved.")
    details = admin.locator("dl.details")
    for shown in ("King", "Bletchley Park", "Navy", "Research", "pro", "1.5"):
        expect(details).to_contain_text(shown)
    expect(details.get_by_role("link", name="Bletchley Park")).to_be_visible()
    shot = SHOTS / "contact-admin.png"
    SHOTS.mkdir(exist_ok=True)
    admin.screenshot(path=str(shot), full_page=True)
    keep_for_readme(shot, "contact")


def test_an_agent_reads_a_contact_without_a_form(agent: Page, site: Site) -> None:
    from playwright.sync_api import expect

    search(agent, site, "grace hopper")
    agent.get_by_role("link", name="grace.hopper@navy.example").click()
    expect(agent.get_by_role("heading", name="Grace Hopper", level=1)).to_be_visible()
    expect(agent.locator("dl.details")).to_contain_text("Navy")
    expect(agent.get_by_role("button", name="Save changes")).to_have_count(0)
    expect(agent.get_by_label("Last name")).to_have_count(0)
    assert_accessible(agent, "contact, agent")


def test_an_agent_is_refused_an_edit_posted_anyway(agent: Page, site: Site) -> None:
    agent.goto(site.url + "/contacts")
    token = agent.locator('input[name="csrf"]').first.get_attribute("value")
    answer: Any = agent.request.post(
        site.url + "/contacts/1", form={"csrf": token or "", "first_name": "Eve"}
    )
    assert answer.status == 403
