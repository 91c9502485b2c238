"""The browser tests' fixtures: ``server``, the base URL of a fresh ``rolodex serve`` with an
admin, and ``browser``, headless Chromium (one per test module: starting it costs a second or
two; each test opens its own context). Tests that attack the server without a browser
(``test_served_*``) define a ``server`` of their own, which wins in their module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .browsing import chromium
from .served import serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``rolodex serve`` on a free port, with an admin already made; its base URL."""
    with serve(tmp_path) as served:
        yield served.url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched
