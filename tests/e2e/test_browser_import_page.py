"""The import page in a real browser: download a template from it (CSV and Excel, the custom
fields among its columns) and import that very file back, straight to the dry run; take
a real import back from its own result page with **Undo this import…**, its run then saying
what it restored and removed, and a contact it left alone (edited since) with **Undo those
too…**, its box ticked; and read an import's problems and its error file in the
pages' words — the page's boxes and pages, never a CLI flag — whoever ran it, the command
line included. Every page on the way passes axe (``axe.py``). The import form with its
templates and the history with an undo run go to ``docs/screenshot-templates.png`` and
``docs/screenshot-history.png`` for the README when missing or ``ROLODEX_UPDATE_SCREENSHOT=1``.

``rolodex serve`` on a temporary SQLite file, a custom field added from the command line;
headless Chromium driven by Playwright (``browsing.py``: skips without them, fails under CI).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .axe import assert_accessible
from .browsing import Visit, keep_for_readme
from .served import AGENT, Site, serve_site

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.slow

UPLOAD = (
    "email,first_name,last_name\n"
    "ann.archer@example.com,Ann,Archer\n"
    "bob.baker@example.com,Bob,Baker\n"
    "cat.cooper@example.com,Cat,Cooper\n"
)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """The served app with a custom field ``plan`` (select: basic, pro)."""
    setup = [["fields", "add", "plan", "--type", "select", "--options", "basic,pro"]]
    with serve_site(tmp_path, setup=setup) as served:
        yield served


BAD_ROWS = (
    "email,first_name,labels,labels_id,company_id\n"
    "zed@example.com,Zed,Nope,77,99\n"
    "yan@example.com,Yan,,,\n"
)
CLI_WAYS = re.compile(r"--[a-z]|\brolodex [a-z]+ (list|add)\b")
PAGE_WAYS = (
    "tick “Create unknown labels” when you upload the file (admins)",
    "the Labels page lists the labels with their IDs",
    "the Companies page lists the companies with their IDs",
)


@pytest.fixture
def page(admin: Page) -> Page:
    return admin


def download(page: Page, link: Any, into: Path) -> Path:
    with page.expect_download() as started:
        link.click()
    saved = into / started.value.suggested_filename
    started.value.save_as(str(saved))
    return saved


def test_download_a_template_from_the_import_page_and_import_it_back(
    page: Page, site: Site, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    visit = Visit(page, site.url)
    accepted = page.locator('table.accepted-columns[data-kind="contacts"]')
    expect(accepted).to_contain_text("plan")
    expect(accepted).to_contain_text("One of: basic, pro.")
    keep_for_readme(visit.shot("import-form-accepted-columns"), "templates")
    assert_accessible(page, "the import form with its accepted columns")

    templates = page.locator('[data-template^="contacts-"]')
    csv_file = download(page, page.locator('[data-template="contacts-csv"]'), tmp_path)
    xlsx_file = download(page, page.locator('[data-template="contacts-xlsx"]'), tmp_path)
    expect(templates).to_have_count(2)
    header = csv_file.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "email,first_name,last_name,company_id,labels,labels_id,plan"
    assert xlsx_file.suffix == ".xlsx"
    assert xlsx_file.read_bytes()[:2] == b"PK"  # a zip, as every .xlsx is

    for template in (csv_file, xlsx_file):
        page.goto(site.url + "/")
        page.get_by_label("CSV file").set_input_files(str(template))
        page.get_by_role("button", name="Check the file").click()
        # straight to the dry run: no Columns step, no column that binds to nothing
        expect(page.get_by_role("heading", name="First rows of the file")).to_be_visible()
        expect(page.locator(".counts")).to_contain_text("Would be created1")
        expect(page.locator(".counts")).to_contain_text("Rejected0")
        visit.shot(f"template-{template.suffix[1:]}-dry-run")


def test_undo_a_real_import_from_its_result_page(page: Page, site: Site, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    visit = Visit(page, site.url)
    upload = tmp_path / "customers.csv"
    upload.write_text(UPLOAD, encoding="utf-8")
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("link", name="Undo this import…")).to_have_count(0)  # a dry run
    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".counts")).to_contain_text("Created3")
    undo = page.get_by_role("link", name="Undo this import…")
    expect(undo).to_be_visible()
    visit.shot("import-done-with-undo")
    assert_accessible(page, "the result page with Undo")

    undo.click()
    expect(page.get_by_role("heading", name="Undo import")).to_be_visible()
    assert_accessible(page, "the undo confirmation")
    page.get_by_role("button", name="Yes, undo import").click()
    expect(page.get_by_role("status")).to_contain_text("0 records restored, 3 removed")
    visit.shot("undone")

    visit.go("/imports", "history-after-undo")
    expect(page.locator("table.history tbody tr").first).to_contain_text("0 restored, 3 removed")
    keep_for_readme(visit.shot("history"), "history")
    page.locator("table.history tbody tr").first.get_by_role("link").first.click()
    expect(page.locator(".counts")).to_contain_text("Removed3")
    expect(page.locator(".counts")).not_to_contain_text("Updated")
    visit.shot("undo-run")
    assert_accessible(page, "the undo run's page")


def assert_in_page_words(text: str) -> None:
    found = CLI_WAYS.search(text)
    assert found is None, f"a CLI way out on the web ({found.group(0)!r}): {text}"
    for way in PAGE_WAYS:
        assert way in text


def test_problems_and_error_file_name_the_pages_controls_whoever_ran_the_import(
    agent: Page, site: Site, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    (site.files / "bad.csv").write_text(BAD_ROWS, encoding="utf-8")
    by_cli = json.loads(site.cli("import", "contacts", "bad.csv", "--json", codes=(1,)))["id"]
    visit = Visit(agent, site.url)
    for run in ("the command line's", "the page's"):
        if run == "the page's":
            agent.goto(site.url + "/")
            agent.get_by_label("CSV file").set_input_files(str(site.files / "bad.csv"))
            agent.get_by_role("button", name="Check the file").click()
            agent.get_by_role("button", name="Confirm import").click()
        else:
            agent.goto(site.url + "/imports")
            agent.get_by_role("link", name="bad.csv").first.click()
        problems = agent.locator("table.errors")
        expect(problems).to_contain_text("tick “Create unknown labels”")
        assert_in_page_words(problems.inner_text())
        visit.shot(f"problems-{run.split()[1][:-2]}-run")
        download = download_from(agent, agent.get_by_role("link", name="Download the error file"))
        saved = tmp_path / f"{run.split()[1]}.csv"
        download.save_as(saved)
        assert_in_page_words(saved.read_text(encoding="utf-8-sig"))

    # The API, with a token, keeps the CLI's words: its error file is the CLI's own.
    signed = {"email": AGENT[0], "password": AGENT[1]}
    token = agent.request.post(site.url + "/api/tokens", data=signed).json()["token"]
    answer = agent.request.get(
        f"{site.url}/api/imports/{by_cli}/errors.csv", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status == 200
    assert "or import with --create-labels" in answer.text()


def download_from(page: Page, link: Any) -> Any:
    with page.expect_download() as started:
        link.click()
    return started.value


def test_undo_those_too_takes_back_the_records_left_alone(page: Page, site: Site) -> None:
    """An undo leaves alone a contact edited since the import; *Undo those too…* comes with
    its box ticked, and takes it back."""
    from playwright.sync_api import expect

    (site.files / "customers.csv").write_text(UPLOAD, encoding="utf-8")
    page.get_by_label("CSV file").set_input_files(str(site.files / "customers.csv"))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".counts")).to_contain_text("Created3")
    imported = page.url

    page.goto(site.url + "/contacts?q=ann.archer")
    page.get_by_role("link", name="ann.archer@example.com").click()
    page.get_by_label("Last name").fill("King")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_have_text("Saved.")

    page.goto(imported)
    page.get_by_role("link", name="Undo this import…").click()
    expect(page.get_by_label("Also restore records changed since the import")).not_to_be_checked()
    page.get_by_role("button", name="Yes, undo import").click()
    expect(page.get_by_role("status")).to_contain_text("0 records restored, 2 removed")
    expect(page.get_by_role("region", name="Records left alone")).to_contain_text("last_name")
    assert_accessible(page, "an undo that left a record alone")

    page.get_by_role("link", name="Undo those too…").click()
    expect(page.get_by_label("Also restore records changed since the import")).to_be_checked()
    page.get_by_role("button", name="Yes, undo import").click()
    expect(page.get_by_role("status")).to_contain_text("0 records restored, 1 removed")
    page.goto(site.url + "/contacts?q=ann.archer")
    expect(page.get_by_role("status")).to_contain_text("0 contacts")
