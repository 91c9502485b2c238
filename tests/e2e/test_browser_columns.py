"""The Columns step in a real browser (docs/api.md#the-columns-step), with real exports from Google
Contacts and Outlook.com as people download them: the step shows each column with a target
pre-chosen as the binding binds it; one is changed; the dry run counts; the import is
confirmed; the same header again comes with the choice made the first time.

The files are read from ``../shared/fixtures/real-exports/`` (beside the repository, never
copied into it). The Columns step's page goes to ``docs/screenshot-columns.png`` for the
README when that file is missing or ``ROLODEX_UPDATE_SCREENSHOT=1``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .browsing import SHOTS, Tabs, Visit, keep_for_readme
from .served import ADMIN

# `../shared` next to the checkout; a worktree sits deeper, so look up the parents for it.
EXPORTS = next(
    (
        found
        for parent in Path(__file__).resolve().parents[3:]
        if (found := parent / "shared" / "fixtures" / "real-exports").is_dir()
    ),
    Path("../shared/fixtures/real-exports"),
)
GOOGLE = EXPORTS / "google-legacy-roundcube.csv"
OUTLOOK = EXPORTS / "outlook-com-people.csv"

pytestmark = pytest.mark.slow


@pytest.fixture
def exports() -> Path:
    if not (GOOGLE.exists() and OUTLOOK.exists()):
        pytest.skip(f"the real exports are not at {EXPORTS} (they live beside the repository)")
    return EXPORTS


def target(page: Any, column: str) -> Any:
    """The select of the column with this header."""
    return page.get_by_label(f"({column}) goes")


def check_file(page: Any, server: str, path: Path) -> None:
    """Upload a file from the import page, as a person does."""
    page.goto(server + "/")
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()


def test_columns_step_with_google_and_outlook_exports(
    server: str, tabs: Tabs, exports: Path
) -> None:
    from playwright.sync_api import expect

    page = tabs.open(server, axe=False)  # the app's Content-Security-Policy enforced
    visit = Visit(page, server)
    visit.go("/login", "columns-login")
    page.get_by_label("Email").fill(ADMIN[0])
    page.get_by_label("Password").fill(ADMIN[1])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Import a CSV file")).to_be_visible()

    # Google: the step shows, with Google's names bound as docs/importing.md#binding-columns says.
    check_file(page, server, GOOGLE)
    expect(page.get_by_role("heading", name=f"Columns of {GOOGLE.name}")).to_be_visible()
    expect(target(page, "E-mail 1 - Value")).to_have_value("email")
    expect(target(page, "Given Name")).to_have_value("first_name")
    expect(target(page, "Family Name")).to_have_value("last_name")
    expect(target(page, "Group Membership")).to_have_value("labels")
    expect(page.locator("td.samples").first).to_contain_text("Prefix Firstname Middle")
    shot = visit.shot("columns-google")
    screenful = SHOTS / "columns-google-first-screenful.png"
    page.screenshot(path=str(screenful))  # for the README: the columns as chosen
    keep_for_readme(screenful, "columns")

    # Change one (keyboard only: focus the select, pick the option), ask to create labels.
    name = target(page, "Name")
    name.focus()
    name.select_option("ignore")
    page.get_by_label("Create unknown labels").check()
    page.get_by_label("Create unknown companies").check()
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name=f"Check of {GOOGLE.name}")).to_be_visible()
    counts = page.locator(".counts")
    expect(counts).to_contain_text("Would be created1")
    visit.shot("columns-google-dry-run")

    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_role("heading", name=f"Import of {GOOGLE.name}")).to_be_visible()
    expect(page.locator(".counts")).to_contain_text("Created1")
    visit.shot("columns-google-imported")

    # The same header again: the choice made above comes back.
    check_file(page, server, GOOGLE)
    expect(page.get_by_text("Your choice from last time is filled in")).to_be_visible()
    expect(target(page, "Name")).to_have_value("ignore")
    expect(target(page, "E-mail 1 - Value")).to_have_value("email")
    visit.shot("columns-google-remembered")

    # Outlook.com: the step shows with Outlook's names bound; the dry run counts its rows.
    check_file(page, server, OUTLOOK)
    expect(page.get_by_role("heading", name=f"Columns of {OUTLOOK.name}")).to_be_visible()
    expect(target(page, "E-mail Address")).to_have_value("email")
    expect(target(page, "First Name")).to_have_value("first_name")
    expect(target(page, "Last Name")).to_have_value("last_name")
    visit.shot("columns-outlook")
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator(".counts")).to_contain_text("Rows2")
    visit.shot("columns-outlook-dry-run")
    assert shot.exists()
