"""Every page usable by everyone, in a real browser: axe-core finds no serious or critical
violation on any page (as an admin and, where the page differs, as an agent); the import
form is walked with Tab alone, its focus always visible; History and Contacts fit a
1280 px screen (and a 1920 px one) without sideways scrolling, Undo… in sight.

One ``rolodex serve`` for the module, filled from the command line with an agent and a few
imports (one of a long file name); each test opens its own browser context on it, signed in
from a stored session. Needs chromium and playwright, as every browser test (``browsing.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

from .axe import CONTEXT, assert_accessible
from .browsing import Tabs
from .served import ADMIN, AGENT, Site, serve_site

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow

LONG_NAME = (
    "customers_exported_from_the_old_crm_on_2024_03_14"
    "_with_every_custom_field_and_label_included_final_v2.csv"
)
CONTACTS = (
    "email,first_name,last_name,labels\n"
    "ann.archer@example.com,Ann,Archer,VIP\n"
    "alexandra.konstantinopoulou-villanueva@customer-relations.example-company.example,"
    "Alexandra,Konstantinopoulou-Villanueva,Met at the 2023 spring trade fair in Hanover\n"
    "not-an-email,Bad,Row,\n"
)
FOREIGN = "E-mail Address,Given Name,Family Name,Nickname\nfay.fisher@example.com,Fay,Fisher,Fi\n"
MIN_FOCUS_CONTRAST = 3.0  # WCAG 1.4.11: a focus indicator against what surrounds it
FILES: dict[str, str | bytes] = {
    LONG_NAME: CONTACTS,
    "customers.csv": CONTACTS,
    "google.csv": FOREIGN,
    "empty.csv": b"",
}
SETUP = [
    ["import", "contacts", "--create-labels", LONG_NAME],
    ["import", "contacts", "customers.csv"],
    ["import", "contacts", "customers.csv"],
]
WHO = {"admin": ADMIN, "agent": AGENT}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serve_site(tmp_path_factory.mktemp("site"), FILES, SETUP, rejects=True) as served:
        yield served


@pytest.fixture
def tab(site: Site, tabs: Tabs, request: pytest.FixtureRequest) -> Page:
    """A new tab of 1280×800, signed in as the role the test passes (indirect parameter:
    ``admin`` or ``agent``); anonymous without one."""
    role = getattr(request, "param", None)
    return tabs.open(site, WHO.get(role or ""), viewport={"width": 1280, "height": 800})


# -- the pages, each reached as a person reaches it ---------------------------------------------


def upload(page: Page, site: Site, name: str) -> None:
    page.goto(site.url + "/")
    page.get_by_label("CSV file").set_input_files(str(site.files / name))
    page.get_by_role("button", name="Check the file").click()


def login_refused(page: Page, site: Site) -> None:
    from playwright.sync_api import expect

    page.goto(site.url + "/login")
    page.get_by_label("Email").fill(ADMIN[0])
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()


def upload_refused(page: Page, site: Site) -> None:
    from playwright.sync_api import expect

    upload(page, site, "empty.csv")
    expect(page.get_by_role("alert")).to_contain_text("cannot be imported")


def columns_step(page: Page, site: Site) -> None:
    from playwright.sync_api import expect

    upload(page, site, "google.csv")
    expect(page.get_by_role("heading", name="Columns of google.csv")).to_be_visible()


def dry_run(page: Page, site: Site) -> None:
    from playwright.sync_api import expect

    upload(page, site, "customers.csv")
    expect(page.get_by_role("button", name="Confirm import")).to_be_visible()
    expect(page.locator("table.errors")).to_contain_text("not-an-email")


def confirmed(page: Page, site: Site) -> None:
    from playwright.sync_api import expect

    dry_run(page, site)
    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_role("link", name="Download the error file")).to_be_visible()


def undo_confirmation(page: Page, site: Site) -> None:
    page.goto(site.url + "/imports")
    page.get_by_role("link", name="Undo…").first.click()
    page.get_by_role("button", name=re.compile("Yes, undo")).wait_for()


def undone(page: Page, site: Site) -> None:
    undo_confirmation(page, site)
    page.get_by_role("button", name=re.compile("Yes, undo")).click()
    page.get_by_text("Done:").wait_for()


def go(path: str) -> Callable[[Page, Site], None]:
    def reach(page: Page, site: Site) -> None:
        page.goto(site.url + path)

    return reach


PAGES: dict[str, Callable[[Page, Site], None]] = {
    "login": go("/login"),
    "login refused": login_refused,
    "import form": go("/"),
    "import form, file refused": upload_refused,
    "columns step": columns_step,
    "dry run": dry_run,
    "import result": confirmed,
    "history": go("/imports"),
    "undo confirmation": undo_confirmation,
    "undo done": undone,
    "contacts": go("/contacts"),
    "contacts, none found": go("/contacts?q=nobody-by-this-name"),
    "page not found": go("/no-such-page"),
    "import not found": go("/imports/9999"),
    "undo refused to an agent": go("/imports/2/undo"),  # #2: the seeded contacts import
}
# Who sees which page: an agent where the page differs (no choice of kind, no Undo, refusals).
SEEN_BY = {
    "anonymous": ["login", "login refused"],
    "admin": [name for name in PAGES if "login" not in name and "agent" not in name],
    "agent": ["import form", "columns step", "dry run", "import result", "history", "contacts",
              "undo refused to an agent", "page not found"],
}  # fmt: skip
VISITS = [pytest.param(role, name, id=f"{role}-{name}") for role, names in SEEN_BY.items()
          for name in names]  # fmt: skip


@pytest.mark.parametrize(("tab", "name"), VISITS, indirect=["tab"])
def test_the_page_has_no_serious_or_critical_accessibility_violation(
    tab: Page, site: Site, name: str
) -> None:
    PAGES[name](tab, site)
    assert_accessible(tab, name)


# -- the keyboard -------------------------------------------------------------------------------

# The focused element, its outline, and the paint just outside the ring (what it must stand
# out from: the element under that point that is not the focused one, or its background).
FOCUS = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const ring = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth) + 1;
  const y = box.top >= ring ? box.top - ring : box.bottom + ring;
  let under = document.elementsFromPoint(box.left + box.width / 2, y)
    .find((other) => other !== el && !el.contains(other));
  let behind = "rgb(255, 255, 255)";  // the canvas, when nothing under the point paints
  for (; under; under = under.parentElement) {
    const paint = getComputedStyle(under).backgroundColor;
    if (paint !== "rgba(0, 0, 0, 0)") { behind = paint; break; }
  }
  return {tag: el.tagName, name: el.getAttribute("aria-label") || el.innerText || el.id || "",
          outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
          color: style.outlineColor, behind};
}"""


def luminance(css: str) -> float:
    """WCAG's relative luminance of ``rgb(r, g, b)`` (an alpha, if any, is not counted)."""
    r, g, b = (float(part) / 255 for part in re.findall(r"[\d.]+", css)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("tab", ["admin", "agent"], indirect=True)
def test_tab_reaches_the_import_button_with_focus_always_visible(tab: Page, site: Site) -> None:
    tab.goto(site.url + "/")
    seen: list[str] = []
    for _ in range(30):
        tab.keyboard.press("Tab")
        focus = tab.evaluate(FOCUS)
        seen.append(f"{focus['tag']} {focus['name'].strip()[:30]!r}")
        assert focus["outline"] != "none" and focus["width"] >= 2, f"focus not shown: {seen[-1]}"
        ratio = contrast(focus["color"], focus["behind"])
        ring = f"{focus['color']} on {focus['behind']}"
        assert ratio >= MIN_FOCUS_CONTRAST, f"{seen[-1]}: focus ring {ring}, {ratio:.1f}:1"
        if focus["tag"] == "BUTTON" and focus["name"] == "Check the file":
            break
    else:
        pytest.fail("Tab never reached 'Check the file':\n" + "\n".join(seen))
    assert seen[0].startswith("A 'Skip to content'"), seen


# -- wide screens -------------------------------------------------------------------------------

# The page, and each table's box, wider than what shows: a sideways scroll bar.
SIDEWAYS = """() => [document.documentElement, ...document.querySelectorAll(".table-wrap")]
  .filter((box) => box.scrollWidth > box.clientWidth)
  .map((box) => `${box.tagName}.${box.className}: ${box.scrollWidth} > ${box.clientWidth}`)"""


def assert_undo_in_sight(tab: Page, width: int) -> None:
    undos = tab.get_by_role("link", name="Undo…")
    assert undos.count() >= 3
    for undo in undos.all():
        box = undo.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, box


@pytest.mark.parametrize("width", [1280, 1920])
@pytest.mark.parametrize("tab", ["admin"], indirect=True)
def test_history_fits_the_screen_with_every_undo_in_sight(
    tab: Page, site: Site, width: int
) -> None:
    from playwright.sync_api import expect

    tab.set_viewport_size({"width": width, "height": 800})
    tab.goto(site.url + "/imports")
    expect(tab.get_by_role("link", name=LONG_NAME)).to_be_visible()
    assert tab.locator("table.history tbody tr").count() >= 4
    assert tab.evaluate(SIDEWAYS) == []
    assert_undo_in_sight(tab, width)


@pytest.mark.parametrize("width", [390, 1024])
@pytest.mark.parametrize("tab", ["admin"], indirect=True)
def test_on_a_narrower_screen_every_undo_stays_in_sight(tab: Page, site: Site, width: int) -> None:
    """At 1024 px the table may scroll inside its box, its actions column stays; on a phone
    each import is a card, nothing wider than the screen."""
    tab.set_viewport_size({"width": width, "height": 800})
    tab.goto(site.url + "/imports")
    assert tab.evaluate("document.documentElement.scrollWidth") <= width
    assert_undo_in_sight(tab, width)


@pytest.mark.parametrize("width", [390, 1280, 1920])
@pytest.mark.parametrize("tab", ["admin"], indirect=True)
def test_contacts_fit_the_screen(tab: Page, site: Site, width: int) -> None:
    tab.set_viewport_size({"width": width, "height": 800})
    tab.goto(site.url + "/contacts")
    assert tab.locator("table.contacts tbody tr").count() >= 2
    assert tab.evaluate(SIDEWAYS) == []


# -- the check itself ---------------------------------------------------------------------------


def test_a_violation_is_reported_with_its_rule_its_help_and_where_it_is(browser: Browser) -> None:
    context = browser.new_context(**CONTEXT)
    page = context.new_page()
    page.set_content(
        '<!doctype html><title>bad</title><main><input id="nameless">'
        '<p style="color: #bbb">faint</p></main>'
    )
    with pytest.raises(AssertionError) as failed:
        assert_accessible(page, "a bad page")
    context.close()
    message = str(failed.value)
    assert "a bad page" in message
    assert "label (critical): Form elements must have labels — at #nameless" in message
    assert "color-contrast (serious)" in message
    assert "html-has-lang (serious)" in message
