"""axe-core's accessibility rules on a page of a browser test.

Why it looks the way it does:

- axe is vendored (``vendor/axe-core/axe.min.js``, its README says how to renew it), not
  fetched when the tests run: CI reaches no network but the package registries, and a pinned
  copy keeps a rule added upstream from failing an old commit.
- It is injected by Playwright (``page.add_script_tag``), so the app ships no test code. The
  app sends ``Content-Security-Policy: default-src 'self'``, which refuses a script from
  elsewhere; the context that runs axe is made with ``bypass_csp=True`` (``CONTEXT``).
- A page fails on a violation whose impact is ``serious`` or ``critical``; ``moderate`` and
  ``minor`` ones (mostly best practices) are left to review. The message lists each rule, its
  help text and the CSS selectors of the offending elements, enough to find them in a
  template without running the test again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
FAILING = frozenset({"serious", "critical"})
CONTEXT: dict[str, Any] = {"bypass_csp": True}  # new_context(**CONTEXT, viewport=…)
RUN = "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"


@dataclass(frozen=True)
class Violation:
    """One axe rule broken on a page: the rule, how bad, and where."""

    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def line(self) -> str:
        return f"{self.rule} ({self.impact}): {self.help} — at {', '.join(self.targets)}"


def violations(page: Page) -> list[Violation]:
    """Every axe violation on the page as it is now (axe injected once per document)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    return [
        Violation(
            rule=found["id"],
            impact=found["impact"] or "minor",
            help=found["help"],
            targets=tuple(" ".join(map(str, node["target"])) for node in found["nodes"]),
        )
        for found in page.evaluate(RUN)
    ]


def assert_accessible(page: Page, name: str) -> None:
    """Fail when axe finds a serious or critical violation on the page called ``name``."""
    failing = [found for found in violations(page) if found.impact in FAILING]
    lines = "\n".join(f"  {found.line()}" for found in failing)
    assert not failing, f"{name} ({page.url}) has accessibility violations:\n{lines}"
