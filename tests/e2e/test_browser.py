"""The web app in a real browser (docs/api.md#the-web-app): ``rolodex serve`` as a user starts it, a
temporary SQLite file, and headless Chromium driven by Playwright — log in, upload a file
with one bad row, see its first rows and the dry run's result, confirm, wait for the job,
download the error file and read it.

A screenshot of every page visited goes to ``tests/e2e/screenshots/`` (not kept in git); the
dry run's page goes to ``docs/screenshot-import.png`` for the README when that file is missing
or ``ROLODEX_UPDATE_SCREENSHOT=1`` (so a test run leaves the work tree clean).

Needs Debian's ``chromium`` and the ``playwright`` package (``browsing.py``): without them
the test skips, saying why — except under CI (``CI=true``), where it fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .browsing import Tabs, Visit, keep_for_readme
from .served import ADMIN

UPLOAD = (
    "email,first_name,last_name,labels\n"
    "ann.archer@example.com,Ann,Archer,\n"
    "bob.baker@example.com,Bob,Baker,\n"
    "not-an-email,Bad,Row,\n"
    "cat.cooper@example.com,Cat,Cooper,\n"
)

pytestmark = pytest.mark.slow


def test_upload_check_confirm_and_download_the_error_file(
    server: str, tabs: Tabs, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page = tabs.open(server, axe=False)  # the app's Content-Security-Policy enforced
    visit = Visit(page, server)

    # Anonymous: the app sends the browser to the login page.
    visit.go("/", "login")
    assert page.url == server + "/login"
    page.get_by_label("Email").fill(ADMIN[0])
    page.get_by_label("Password").fill(ADMIN[1])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Import a CSV file")).to_be_visible()
    visit.shot("import-form")

    # Upload: the dry run's page shows the first rows, then (the script polls) its result.
    upload = tmp_path / "customers.csv"
    upload.write_text(UPLOAD, encoding="utf-8")
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="First rows of the file")).to_be_visible()
    visit.shot("dry-run-started")
    confirm = page.get_by_role("button", name="Confirm import")
    expect(confirm).to_be_visible()
    preview = page.locator("table.preview")
    expect(preview).to_contain_text("not-an-email")
    expect(preview.locator("tbody tr")).to_have_count(4)
    expect(page.locator(".counts")).to_contain_text("Would be created3")
    expect(page.locator("table.errors")).to_contain_text("not-an-email")
    keep_for_readme(visit.shot("dry-run-result"), "import")

    # Confirm: the real import runs, and its page ends with the summary and the error file.
    confirm.click()
    expect(page.get_by_role("heading", name="Import of customers.csv")).to_be_visible()
    visit.shot("import-started")
    download_link = page.get_by_role("link", name="Download the error file")
    expect(download_link).to_be_visible()
    expect(page.locator(".counts")).to_contain_text("Created3")
    visit.shot("import-done")
    with page.expect_download() as started:
        download_link.click()
    download = started.value
    saved = tmp_path / download.suggested_filename
    download.save_as(str(saved))
    lines = saved.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "email,first_name,last_name,labels,error"
    assert len(lines) == 2
    assert lines[1].startswith("not-an-email,Bad,Row,,")
    assert "valid email address" in lines[1]

    # The history and the contacts list show what happened.
    visit.go("/imports", "history")
    expect(page.locator("table.history tbody tr")).to_have_count(2)
    visit.go("/contacts", "contacts")
    expect(page.locator("table.contacts tbody tr")).to_have_count(3)
    page.get_by_label("Search").fill("cooper")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("table.contacts tbody tr")).to_have_count(1)
    visit.shot("contacts-search")

    # On a phone: the same pages, nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in [("/contacts", "contacts-phone"), ("/imports", "history-phone"),
                       ("/imports/1", "dry-run-phone")]:  # fmt: skip
        visit.go(path, name)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
