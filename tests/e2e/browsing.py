"""Headless Chromium on ``rolodex serve``: what every browser test shares.

The server is :func:`tests.e2e.served.serve` (a free port, a temporary SQLite file, an admin
already made); the browser is Debian's ``chromium`` driven by Playwright for Python. Without
either the browser tests skip, saying why — except under CI (``CI=true``), where they fail:
CI must run them (``.ci/run`` installs chromium). The fixtures built on this module are in
``conftest.py`` beside it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
JOB_LIMIT_MS = 60_000  # a safety net against a hang, not a measure of speed
SHOTS = Path(__file__).resolve().parent / "screenshots"


def missing(what: str) -> NoReturn:
    """Skip, saying why; under CI, fail instead."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what}: CI must run the browser tests (.ci/run installs chromium)")
    pytest.skip(what)


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium, closed after; skips (or fails under CI) when it cannot start."""
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the playwright package is not installed (pip install playwright)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def log_in(page: Page, base: str, who: tuple[str, str]) -> None:
    """Log in from the login page as a person does; wait for the import page."""
    from playwright.sync_api import expect

    page.goto(base + "/login")
    page.get_by_label("Email").fill(who[0])
    page.get_by_label("Password").fill(who[1])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Import a CSV file")).to_be_visible()


class Visit:
    """One browser tab on the app that saves a screenshot of every page it shows."""

    def __init__(self, page: Page, base: str):
        self.page, self.base, self.count = page, base, 0
        SHOTS.mkdir(exist_ok=True)

    def shot(self, name: str) -> Path:
        self.count += 1
        path = SHOTS / f"{self.count:02}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def go(self, path: str, name: str) -> None:
        self.page.goto(self.base + path)
        self.shot(name)
