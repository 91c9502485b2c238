"""Headless Chromium on ``rolodex serve``: what every browser test shares.

The server is :func:`tests.e2e.served.serve` (a free port, a temporary SQLite file, an admin
already made); the browser is Debian's ``chromium`` driven by Playwright for Python. Without
either the browser tests skip, saying why — except under CI (``CI=true``), where they fail:
CI must run them (``.ci/run`` installs chromium). The fixtures built on this module are in
``conftest.py`` beside it: ``browser``, ``tabs`` (:class:`Tabs`), and ``admin`` / ``agent``,
a signed-in tab on the module's ``site``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from .axe import CONTEXT
from .served import Site

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Response, ViewportSize

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
DOCS = ROOT / "docs"
VIEWPORT: ViewportSize = {"width": 1280, "height": 860}


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


def post_form(page: Page, url: str, fields: dict[str, str]) -> Response | None:
    """Send a form from the page shown, as a form of the app sends it (its CSRF token, taken
    from the page, among the fields), and wait for the answer to be the page shown; that
    answer. For what a page does not offer someone — an agent's change — so that a refusal
    is the role's, not a missing token's."""
    with page.expect_navigation() as navigation:
        page.evaluate(POST_FORM, [url, fields])
    return navigation.value


def call_api(page: Page, method: str, path: str, body: Any = None) -> tuple[int, str]:
    """The JSON API called from the page shown, in its session, as the app's own script calls
    it (the session cookie, and the page's CSRF token in ``X-CSRF-Token``): the status and
    the text of the answer. ``body``: JSON, or ``{"multipart": {name: value}}`` for a form,
    a file being ``{"name": …, "content": …}``."""
    answer: dict[str, Any] = page.evaluate(CALL_API, [method, path, body])
    return answer["status"], answer["text"]


CALL_API = """async ([method, path, body]) => {
  const token = document.querySelector("input[name=csrf]")?.value ?? "";
  const init = {method, headers: {"X-CSRF-Token": token}};
  if (body && body.multipart) {
    init.body = new FormData();
    for (const [name, value] of Object.entries(body.multipart)) {
      if (typeof value === "object") init.body.append(name, new Blob([value.content]), value.name);
      else init.body.append(name, value);
    }
  } else if (body !== null) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const answer = await fetch(path, init);
  return {status: answer.status, text: await answer.text()};
}"""


POST_FORM = """([url, fields]) => {
  const form = Object.assign(document.createElement("form"), {method: "post", action: url});
  const token = document.querySelector("input[name=csrf]");
  for (const [name, value] of Object.entries({csrf: token ? token.value : "", ...fields})) {
    form.append(Object.assign(document.createElement("input"), {type: "hidden", name, value}));
  }
  document.body.append(form);
  form.submit();
}"""


FOCUSED_NAME = """() => {
  const el = document.activeElement;
  return (el.getAttribute("aria-label") || el.labels?.[0]?.textContent || el.textContent || "")
    .trim();
}"""


def tab_to(page: Page, name: str, limit: int = 80) -> None:
    """Press Tab until the focus is on the control called ``name`` (its ``aria-label``, its
    label's text or its own), as a keyboard user looks for it."""
    seen: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED_NAME))
        if seen[-1] == name:
            return
    raise AssertionError(f"Tab never reached {name!r}; it went through {seen}")


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


class Tabs:
    """Browser tabs for one test, each in a context of its own (closed after the test).

    A tab is made for axe (``axe=True``: the app's Content-Security-Policy is bypassed so
    axe can be injected, ``axe.py``) unless a test wants the page exactly as a person's
    browser runs it (``axe=False``: the policy enforced). Signed in as ``who`` on a
    :class:`~tests.e2e.served.Site`, the session is kept on the site, so each person signs
    in through the login page once per site and later tabs start signed in; either way a
    signed-in tab opens on the import page, where signing in leads."""

    def __init__(self, browser: Browser):
        self.browser = browser
        self.contexts: list[BrowserContext] = []

    def open(
        self,
        at: Site | str,
        who: tuple[str, str] | None = None,
        *,
        axe: bool = True,
        viewport: ViewportSize | None = None,
    ) -> Page:
        url = at.url if isinstance(at, Site) else at
        kept = at.sessions.get(who[0]) if isinstance(at, Site) and who else None
        settings: dict[str, Any] = dict(CONTEXT) if axe else {}
        context = self.browser.new_context(
            **settings, viewport=viewport or VIEWPORT, accept_downloads=True, storage_state=kept
        )
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(JOB_LIMIT_MS)
        if who and kept is None:
            log_in(page, url, who)
            if isinstance(at, Site):
                at.sessions[who[0]] = context.storage_state()
        elif who:
            page.goto(url + "/")  # where signing in leads
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def keep_for_readme(shot: Path, name: str) -> None:
    """A screenshot for the README, ``docs/screenshot-NAME.png``: copied when that file is
    missing or ``ROLODEX_UPDATE_SCREENSHOT=1``, so a test run leaves the work tree clean."""
    kept = DOCS / f"screenshot-{name}.png"
    if not kept.exists() or os.environ.get("ROLODEX_UPDATE_SCREENSHOT") == "1":
        DOCS.mkdir(exist_ok=True)
        shutil.copyfile(shot, kept)
