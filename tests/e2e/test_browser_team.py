"""The team page in a real browser (docs/api.md#the-team): an admin
adds a person with a password and one with a temporary password (by keyboard alone), resets
a password both ways, makes admin and agent, deactivates and reactivates, and is refused
deactivating the last admin; the newcomer logs in with the temporary password and, being an
agent, is refused the page; a reset ends the session of the person reset. axe-core checks
every state of the page.

The page with a temporary password shown goes to ``docs/screenshot-team.png`` for the README
when that file is missing or ``ROLODEX_UPDATE_SCREENSHOT=1``. Needs chromium and playwright,
as every browser test (``browsing.py``).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .axe import assert_accessible
from .browsing import Tabs, Visit, keep_for_readme, log_in
from .served import ADMIN, rolodex, serve

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.slow

NIA = ("nia@example.com", "nia-first-secret")
TIM = "tim@example.com"


def row_action(page: Page, name: str, email: str) -> None:
    """Press a person's button (its accessible name ends with their email)."""
    page.get_by_role("button", name=f"{name} {email}").click()


def notice(page: Page, text: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#team-notice")).to_contain_text(text)


def reset(page: Page, email: str, password: str | None) -> None:
    """Open the person's "Reset password" and set ``password``, or generate one."""
    page.locator("summary", has_text=f"Reset password of {email}").click()
    if password is None:
        page.get_by_role("button", name=f"Generate a temporary password for {email}").click()
        return
    page.get_by_label(f"New password for {email}").fill(password)
    page.get_by_role("button", name=f"Set this password for {email}").click()


def shown_password(page: Page, email: str) -> str:
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name=f"Temporary password for {email}")).to_be_visible()
    secret = page.locator("#temporary-password").inner_text().strip()
    assert len(secret) >= 6
    return secret


def test_an_admin_manages_the_team_and_an_agent_is_refused(server: str, tabs: Tabs) -> None:
    from playwright.sync_api import expect

    admin = tabs.open(server, ADMIN, viewport={"width": 1280, "height": 900})
    visit = Visit(admin, server)
    admin.get_by_role("link", name="Team").click()
    expect(admin.get_by_role("heading", name="Team", exact=True)).to_be_visible()
    expect(admin.locator("table.team tbody tr")).to_have_count(1)
    visit.shot("team")
    assert_accessible(admin, "team")

    # Add with a password, with the mouse.
    admin.get_by_label("Email").fill(NIA[0])
    admin.get_by_label("First name").fill("Nia")
    admin.get_by_label("Last name").fill("Lee")
    admin.get_by_label("Password", exact=True).fill(NIA[1])
    admin.get_by_role("button", name="Add with this password").click()
    notice(admin, f"{NIA[0]} is on the team as an agent")
    assert_accessible(admin, "team, added")

    # Nia logs in elsewhere; the reset below ends that session.
    nia = tabs.open(server, NIA)

    # Add with a temporary password, by keyboard alone: Email, then Tab to the second button.
    admin.get_by_label("Email").focus()
    admin.keyboard.type(TIM)
    for _ in range(6):  # first name, last name, role, password, "Add with this password", …
        admin.keyboard.press("Tab")
    focused = admin.evaluate("document.activeElement.textContent")
    assert focused == "Add with a temporary password"
    admin.keyboard.press("Enter")
    temporary = shown_password(admin, TIM)
    expect(admin.locator("table.team tbody tr")).to_have_count(3)
    keep_for_readme(visit.shot("team-temporary-password"), "team")
    assert_accessible(admin, "team, temporary password")
    visit.go("/team", "team-again")
    assert temporary not in admin.content()  # shown once

    # Reset Nia's password: set one, then a temporary one; her session has ended.
    reset(admin, NIA[0], "nia-second-secret")
    notice(admin, "has a new password. Their sessions and API tokens have ended.")
    nia.goto(server + "/contacts")
    expect(nia.get_by_role("heading", name="Log in")).to_be_visible()
    reset(admin, NIA[0], None)
    shown_password(admin, NIA[0])
    visit.shot("team-reset")

    # Roles and state.
    row_action(admin, "Make admin", NIA[0])
    notice(admin, f"{NIA[0]} is now an admin")
    row_action(admin, "Make agent", NIA[0])
    notice(admin, f"{NIA[0]} is now an agent")
    row_action(admin, "Deactivate", NIA[0])
    notice(admin, f"{NIA[0]} is inactive")
    expect(admin.get_by_role("button", name=f"Reactivate {NIA[0]}")).to_be_visible()
    row_action(admin, "Reactivate", NIA[0])
    notice(admin, f"{NIA[0]} is active again")

    # The last active admin stays.
    row_action(admin, "Deactivate", ADMIN[0])
    expect(admin.get_by_role("alert")).to_contain_text("last active admin")
    visit.shot("team-last-admin")
    assert_accessible(admin, "team, last admin refused")

    # The newcomer signs in with the temporary password; an agent is refused the page.
    tim = tabs.open(server, (TIM, temporary))
    expect(tim.get_by_role("link", name="Team")).to_have_count(0)
    answer = tim.goto(server + "/team")
    assert answer is not None and answer.status == 403
    expect(tim.get_by_role("heading", name="Not allowed")).to_be_visible()
    assert_accessible(tim, "team refused to an agent")

    # On a phone: one card per person, nothing wider than the screen.
    admin.set_viewport_size({"width": 390, "height": 844})
    visit.go("/team", "team-phone")
    assert admin.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_login_page_names_the_first_admin_command_while_there_is_none(
    tmp_path: Path, tabs: Tabs
) -> None:
    from playwright.sync_api import expect

    hint = "rolodex users create-admin EMAIL"
    with serve(tmp_path) as served:
        # The only admin made inactive behind the app's back: neither the Team page nor an
        # import lets the last active admin go (docs/importing.md#the-last-active-admin).
        with sqlite3.connect(tmp_path / "rolodex.db") as db:
            db.execute("UPDATE users SET active = 0")
        page = tabs.open(served.url)
        page.goto(served.url + "/login")
        expect(page.locator("#first-admin")).to_contain_text(hint)
        Visit(page, served.url).shot("login-first-admin")
        assert_accessible(page, "login, no admin yet")

        rolodex(tmp_path, "users", "create-admin", ADMIN[0], stdin=ADMIN[1] + "\n")
        page.reload()
        expect(page.get_by_role("heading", name="Log in")).to_be_visible()
        expect(page.locator("#first-admin")).to_have_count(0)
        log_in(page, served.url, ADMIN)
