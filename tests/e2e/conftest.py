"""The browser tests' fixtures: ``server``, the base URL of a fresh ``rolodex serve`` with an
admin; ``browser``, headless Chromium (one per test module: starting it costs a second or
two); ``tabs``, the test's own tabs (:class:`~tests.e2e.browsing.Tabs`, closed after it);
and ``admin`` / ``agent``, a tab signed in as that person on the module's ``site`` fixture
(a :class:`~tests.e2e.served.Site`, which each module fills with what its tests need).
Tests that attack the server without a browser (``test_served_*``) define a ``server`` of
their own, which wins in their module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .browsing import Tabs, chromium
from .served import ADMIN, AGENT, Site, serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``rolodex serve`` on a free port, with an admin already made; its base URL."""
    with serve(tmp_path) as served:
        yield served.url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def tabs(browser: Browser) -> Iterator[Tabs]:
    opened = Tabs(browser)
    yield opened
    opened.close()


@pytest.fixture
def admin(site: Site, tabs: Tabs) -> Page:
    """A tab signed in as the admin on the module's ``site``."""
    return tabs.open(site, ADMIN)


@pytest.fixture
def agent(site: Site, tabs: Tabs) -> Page:
    """A tab signed in as the agent on the module's ``site``."""
    return tabs.open(site, AGENT)
