"""The README's screenshots: each one it shows is in ``docs/``, each one in ``docs/`` is
shown, and each is made by a browser test (``keep_for_readme(…, "NAME")``), so
``ROLODEX_UPDATE_SCREENSHOT=1`` with the browser tests renews them all."""

from __future__ import annotations

import re

from .browsing import DOCS, ROOT

README = ROOT / "README.md"
SHOWN = re.compile(r"!\[[^\]]+\]\(docs/(screenshot-[a-z-]+\.png)\)")
MADE = re.compile(r'(?:keep_for_readme|readme_shot)\(.*"([a-z-]+)"\)$', re.MULTILINE)


def test_every_screenshot_is_shown_exists_and_is_made_by_a_browser_test() -> None:
    shown = set(SHOWN.findall(README.read_text(encoding="utf-8")))
    kept = {path.name for path in DOCS.glob("screenshot-*.png")}
    sources = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.parent.glob("tests/e2e/*.py"))
    made = {f"screenshot-{name}.png" for name in MADE.findall(sources)}
    assert shown - kept == set(), "shown in the README, missing in docs/"
    assert kept - shown == set(), "in docs/, shown nowhere in the README"
    assert shown - made == set(), "made by no browser test"
