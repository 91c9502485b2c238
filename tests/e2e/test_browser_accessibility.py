"""Every page usable by everyone, in a real browser: axe-core finds no serious or critical
violation on any page the app serves — each of its page routes, as an admin and, where the
page differs, as an agent, with its refusals; on each of them Tab reaches every control, its
focus ring always shown (2 px or more, 3:1 against what surrounds it, cut off by nothing);
the main forms (sign in, import, search, a contact's edit, a company, a field, undo) are used
with the keyboard alone; History and Contacts fit a 1280 px screen (and a 1920 px one)
without sideways scrolling, Undo… in sight.

"Every page" is checked, not trusted: each stop below names the route that renders it, the
test asserts that the page shown came from that route, and
``test_every_page_route_is_checked`` lists the app's page routes and fails on one no stop
reaches. FastAPI's own ``/docs`` and ``/redoc`` (Swagger UI and ReDoc, loaded from a CDN)
are not the app's pages and are left out.

One ``rolodex serve`` for the module, filled from the command line with an agent, a catalog,
60 contacts and a few imports (one of a long file name); each test opens its own browser
context on it, signed in from a stored session. Needs chromium and playwright, as every
browser test (``browsing.py``).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from .axe import CONTEXT, assert_accessible
from .browsing import Tabs, post_form, tab_to
from .routes import app_routes
from .served import ADMIN, AGENT, Site, serve_site

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Response

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
MANY = "email,first_name,last_name,company_id,plan\n" + "".join(
    f"person{n:02}@example.org,Person,Number {n},1,{'pro' if n % 2 else 'basic'}\n"
    for n in range(60)
)  # more than a page of the contacts list (50)
SAM = ("sam@example.com", "sam-first-password")
FOREIGN = "E-mail Address,Given Name,Family Name,Nickname\nfay.fisher@example.com,Fay,Fisher,Fi\n"
MIN_FOCUS_CONTRAST = 3.0  # WCAG 1.4.11: a focus indicator against what surrounds it
FILES: dict[str, str | bytes] = {
    LONG_NAME: CONTACTS,
    "customers.csv": CONTACTS,
    "many.csv": MANY,
    "google.csv": FOREIGN,
    "empty.csv": b"",
    "sam.csv": f"email,first_name,last_name,password\n{SAM[0]},Sam,Sample,{SAM[1]}\n",
    "good.csv": "email,first_name,last_name\nkim.keys@example.com,Kim,Keys\n",
    **{f"undo-{x}.csv": f"email\nundo.{x}@example.com\n" for x in "abc"},  # one import each
}
SETUP = [
    ["companies", "add", "Acme Inc.", "--domain", "acme.example"],
    ["fields", "add", "plan", "--type", "select", "--options", "basic,pro", "--title", "Plan"],
    ["fields", "add", "score", "--type", "number", "--title", "Score"],
    ["import", "users", "sam.csv"],
    ["import", "contacts", "--create-labels", LONG_NAME],
    ["import", "contacts", "many.csv"],
    ["import", "contacts", "customers.csv"],
    ["import", "contacts", "customers.csv"],
    *(["import", "contacts", f"undo-{x}.csv"] for x in "abc"),
]
WHO = {"admin": ADMIN, "agent": AGENT}


@dataclass(frozen=True)
class Facts:
    """IDs the stops' addresses need, read back from the command line."""

    label: int  # VIP
    company: int  # Acme Inc.
    field: int  # plan
    contact: int  # ann.archer@example.com
    admin: int
    sam: int
    users_import: int  # the agents' import: an agent does not even see it
    contacts_import: int  # the first contacts import
    undo_a: int  # imports each undone by one test, whatever the order the tests run in
    undo_b: int
    undo_c: int

    @classmethod
    def of(cls, site: Site) -> Facts:
        def read(*args: str) -> Any:
            return json.loads(site.cli(*args, "--json"))

        runs = read("imports", "list")
        by_file = {run["file"]: run["id"] for run in runs}
        return cls(
            label=next(x["id"] for x in read("labels", "list") if x["name"] == "VIP"),
            company=read("companies", "list")[0]["id"],
            field=next(x["id"] for x in read("fields", "list") if x["variable_name"] == "plan"),
            contact=read("contacts", "show", "ann.archer@example.com")["id"],
            admin=read("users", "show", ADMIN[0])["id"],
            sam=read("users", "show", SAM[0])["id"],
            users_import=min(r["id"] for r in runs if r["kind"] == "users"),
            contacts_import=min(r["id"] for r in runs if r["kind"] == "contacts"),
            undo_a=by_file["undo-a.csv"],
            undo_b=by_file["undo-b.csv"],
            undo_c=by_file["undo-c.csv"],
        )


@dataclass(frozen=True)
class Checked:
    """The site a stop is reached on, and its IDs."""

    site: Site
    facts: Facts


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serve_site(tmp_path_factory.mktemp("site"), FILES, SETUP, rejects=True) as served:
        yield served


@pytest.fixture(scope="module")
def facts(site: Site) -> Facts:
    return Facts.of(site)


@pytest.fixture
def tab(site: Site, tabs: Tabs, request: pytest.FixtureRequest) -> Page:
    """A new tab of 1280×800, signed in as the role the test passes (indirect parameter:
    ``admin`` or ``agent``); anonymous without one."""
    role = getattr(request, "param", None)
    return tabs.open(site, WHO.get(role or ""), viewport={"width": 1280, "height": 800})


class Shown:
    """The request whose answer is the document a tab shows now (after any redirect)."""

    def __init__(self, page: Page):
        self.page, self.method, self.path, self.status = page, "", "", 0
        page.on("response", self.seen)

    def seen(self, response: Response) -> None:
        request = response.request
        if request.is_navigation_request() and response.frame == self.page.main_frame:
            self.method, self.path = request.method, urlsplit(response.url).path
            self.status = response.status


# -- the pages, each reached as a person reaches it ---------------------------------------------

Reach = Callable[["Page", Checked], None]


@dataclass(frozen=True)
class Stop:
    """A page as someone sees it: the route that renders it, how a person gets there, and
    who sees it (``anonymous``, ``admin``, ``agent``: an agent where the page differs)."""

    route: str  # "METHOD /path/{param}", as the app declares it
    reach: Reach
    roles: tuple[str, ...] = ("admin",)


def go(path: str) -> Reach:
    """Open the address; ``{label}``, ``{contact}``… are the site's :class:`Facts`."""

    def reach(page: Page, at: Checked) -> None:
        page.goto(at.site.url + path.format(**vars(at.facts)))

    return reach


def then(*steps: Reach) -> Reach:
    def reach(page: Page, at: Checked) -> None:
        for step in steps:
            step(page, at)

    return reach


def click(name: str, role: str = "button") -> Reach:
    def reach(page: Page, at: Checked) -> None:
        page.get_by_role(role, name=name, exact=True).first.click()
        page.wait_for_load_state()

    return reach


def fill(label: str, value: str) -> Reach:
    def reach(page: Page, at: Checked) -> None:
        page.get_by_label(label, exact=True).fill(value)

    return reach


def choose(label: str, value: str) -> Reach:
    def reach(page: Page, at: Checked) -> None:
        page.get_by_label(label, exact=True).select_option(value)

    return reach


def posted(path: str, **fields: str) -> Reach:
    """Send a form to the address from the page shown (with its CSRF token): what a page
    of the app would send, for a person the page offers no such form."""

    def reach(page: Page, at: Checked) -> None:
        post_form(page, at.site.url + path.format(**vars(at.facts)), fields)

    return reach


def upload(name: str, kind: str | None = None) -> Reach:
    def reach(page: Page, at: Checked) -> None:
        page.goto(at.site.url + "/")
        if kind:
            page.get_by_label("The file holds").select_option(kind)
        page.get_by_label("CSV file").set_input_files(str(at.site.files / name))
        page.get_by_role("button", name="Check the file").click()
        page.wait_for_load_state()

    return reach


def wait_for(text: str, role: str | None = None) -> Reach:
    def reach(page: Page, at: Checked) -> None:
        from playwright.sync_api import expect

        found = page.get_by_role(role, name=text) if role else page.get_by_text(text)
        expect(found.first).to_be_visible()

    return reach


def confirmed_twice(page: Page, at: Checked) -> None:
    """Confirm a dry run, then send its Confirm form again (Back, and Confirm once more)."""
    dry_run(page, at)
    dry = urlsplit(page.url).path
    click("Confirm import")(page, at)
    wait_for("Download the error file", "link")(page, at)
    post_form(page, at.site.url + dry + "/confirm", {})


def history_first(page: Page, at: Checked) -> None:
    page.goto(at.site.url + "/imports")
    page.locator("table.history tbody tr").first.get_by_role("link").first.click()
    page.wait_for_load_state()


login_refused = then(
    go("/login"), fill("Email", ADMIN[0]), fill("Password", "not the password"), click("Log in")
)
dry_run = then(upload("customers.csv"), wait_for("Confirm import", "button"))
undo_confirmation = then(go("/imports"), click("Undo…", "link"), wait_for("Yes, undo", "button"))


def yes_undo(page: Page, at: Checked) -> None:
    page.get_by_role("button", name=re.compile("Yes, undo")).click()


def a_new_email(page: Page, at: Checked) -> None:
    page.get_by_label("Email", exact=True).fill(f"new-{uuid.uuid4().hex[:8]}@example.com")


def open_reset(email: str) -> Reach:
    def reach(page: Page, at: Checked) -> None:
        page.locator("summary", has_text=f"Reset password of {email}").click()

    return reach


def undone(which: str) -> Reach:
    return then(go(f"/imports/{{{which}}}/undo"), yes_undo, wait_for("Done:"))


edit_contact = go("/contacts/{contact}")

STOPS: dict[str, Stop] = {
    # Signing in
    "login": Stop("GET /login", go("/login"), ("anonymous",)),
    "login refused": Stop("POST /login", login_refused, ("anonymous",)),
    # Importing
    "import form": Stop("GET /", go("/"), ("admin", "agent")),
    "import form, file refused": Stop(
        "POST /imports/preview",
        then(upload("empty.csv"), wait_for("cannot be imported")),
        ("admin", "agent"),
    ),
    "columns step": Stop(
        "GET /imports/columns/{token}",
        then(upload("google.csv"), wait_for("Columns of google.csv", "heading")),
        ("admin", "agent"),
    ),
    "columns step, refused": Stop(
        "POST /imports/columns/{token}",
        then(
            upload("google.csv"),
            choose("Where column A (E-mail Address) goes", "ignore"),
            click("Check the file"),
            wait_for("Not yet:"),
        ),
    ),
    "dry run": Stop(
        "GET /imports/{import_id}", then(dry_run, wait_for("not-an-email")), ("admin", "agent")
    ),
    "dry run of agents": Stop(
        "GET /imports/{import_id}",
        then(upload("sam.csv", kind="users"), wait_for("Confirm import", "button")),
    ),
    "import result": Stop(
        "GET /imports/{import_id}",
        then(dry_run, click("Confirm import"), wait_for("Download the error file", "link")),
        ("admin", "agent"),
    ),
    "confirmed twice": Stop("POST /imports/{import_id}/confirm", confirmed_twice),
    "history": Stop("GET /imports", go("/imports"), ("admin", "agent")),
    "undo confirmation": Stop("GET /imports/{import_id}/undo", undo_confirmation),
    "undo done": Stop("POST /imports/{import_id}/undo", undone("undo_a")),
    "an undo run": Stop("GET /imports/{import_id}", then(undone("undo_b"), history_first)),
    "undo refused to an agent": Stop(
        "GET /imports/{import_id}/undo", go("/imports/{contacts_import}/undo"), ("agent",)
    ),
    "undo sent by an agent, refused": Stop(
        "POST /imports/{import_id}/undo",
        then(go("/imports"), posted("/imports/{contacts_import}/undo")),
        ("agent",),
    ),
    "import not found": Stop("GET /imports/{import_id}", go("/imports/99999")),
    "agents' import hidden from an agent": Stop(
        "GET /imports/{import_id}", go("/imports/{users_import}"), ("agent",)
    ),
    # The directory
    "contacts": Stop("GET /contacts", go("/contacts"), ("admin", "agent")),
    "contacts, second page": Stop("GET /contacts", go("/contacts?page=2"), ("admin", "agent")),
    "contacts, by label": Stop("GET /contacts", go("/contacts?label=VIP"), ("admin", "agent")),
    "contacts, none found": Stop("GET /contacts", go("/contacts?q=nobody-by-this-name")),
    "a contact": Stop("GET /contacts/{contact_id}", edit_contact, ("admin", "agent")),
    "a contact, saved": Stop(
        "GET /contacts/{contact_id}",
        then(edit_contact, fill("First name", "Annie"), click("Save changes"), wait_for("Saved.")),
    ),
    "a contact, edit refused": Stop(
        "POST /contacts/{contact_id}",
        then(
            edit_contact, fill("Score", "1,5"), click("Save changes"), wait_for("Nothing was saved")
        ),
    ),
    "an edit sent by an agent, refused": Stop(
        "POST /contacts/{contact_id}",
        then(edit_contact, posted("/contacts/{contact}", first_name="Eve")),
        ("agent",),
    ),
    "contact not found": Stop("GET /contacts/{contact_id}", go("/contacts/99999")),
    # The catalog
    "labels": Stop("GET /labels", go("/labels"), ("admin", "agent")),
    "labels, a name refused": Stop(
        "POST /labels", then(go("/labels"), fill("Name", "VIP"), click("Create label"))
    ),
    "rename a label": Stop("GET /labels/{label_id}/edit", go("/labels/{label}/edit")),
    "rename a label, refused": Stop(
        "POST /labels/{label_id}/edit",
        then(go("/labels/{label}/edit"), fill("New name", "a:b"), click("Rename label")),
    ),
    "delete a label": Stop("GET /labels/{label_id}/delete", go("/labels/{label}/delete")),
    "delete a label, refused to an agent": Stop(
        "POST /labels/{label_id}/delete",
        then(go("/labels"), posted("/labels/{label}/delete")),
        ("agent",),
    ),
    "rename a label, refused to an agent": Stop(
        "GET /labels/{label_id}/edit", go("/labels/{label}/edit"), ("agent",)
    ),
    "companies": Stop("GET /companies", go("/companies"), ("admin", "agent")),
    "companies, a name refused": Stop(
        "POST /companies",
        then(go("/companies"), fill("Name", "ACME INC."), click("Create company")),
    ),
    "edit a company": Stop("GET /companies/{company_id}/edit", go("/companies/{company}/edit")),
    "edit a company, refused": Stop(
        "POST /companies/{company_id}/edit",
        then(
            go("/companies/{company}/edit"),
            fill("Domain (optional)", "not a domain"),
            click("Save company"),
        ),
    ),
    "delete a company": Stop(
        "GET /companies/{company_id}/delete", go("/companies/{company}/delete")
    ),
    "delete a company, refused to an agent": Stop(
        "POST /companies/{company_id}/delete",
        then(go("/companies"), posted("/companies/{company}/delete")),
        ("agent",),
    ),
    "fields": Stop("GET /fields", go("/fields"), ("admin", "agent")),
    "fields, a field refused": Stop(
        "POST /fields",
        then(
            go("/fields"),
            fill("Variable name", "tier"),
            choose("Type", "select"),
            click("Create field"),
        ),
    ),
    "edit a field": Stop("GET /fields/{field_id}/edit", go("/fields/{field}/edit")),
    "edit a field, an option in use refused": Stop(
        "POST /fields/{field_id}/edit",
        then(go("/fields/{field}/edit"), fill("Options", "basic"), click("Save field")),
    ),
    # The team
    "team": Stop("GET /team", go("/team")),
    "team, a person added with a temporary password": Stop(
        "POST /team",
        then(
            go("/team"),
            a_new_email,
            click("Add with a temporary password"),
            wait_for("Temporary password for", "heading"),
        ),
    ),
    "team, deactivating the last admin refused": Stop(
        "POST /team/{user_id}/active",
        then(go("/team"), click(f"Deactivate {ADMIN[0]}"), wait_for("last active admin")),
    ),
    "team, demoting the last admin refused": Stop(
        "POST /team/{user_id}/role",
        then(go("/team"), click(f"Make agent {ADMIN[0]}"), wait_for("last active admin")),
    ),
    "team, a temporary password made": Stop(
        "POST /team/{user_id}/password",
        then(
            go("/team"),
            open_reset(SAM[0]),
            click(f"Generate a temporary password for {SAM[0]}"),
            wait_for(f"Temporary password for {SAM[0]}", "heading"),
        ),
    ),
    "team refused to an agent": Stop("GET /team", go("/team"), ("agent",)),
    "team change refused to an agent": Stop(
        "POST /team/{user_id}/active",
        then(go("/contacts"), posted("/team/{sam}/active", active="false")),
        ("agent",),
    ),
    # Anything else
    "page not found": Stop("GET /no-such-page", go("/no-such-page"), ("admin", "agent")),
}
NOT_A_PAGE = {
    "POST /logout": "answers only with a redirect to the login page (checked as 'login')",
}
VISITS = [
    pytest.param(role, name, id=f"{role}-{name}")
    for name, stop in STOPS.items()
    for role in stop.roles
]


def route_pattern(route: str) -> tuple[str, re.Pattern[str]]:
    method, path = route.split(" ", 1)
    return method, re.compile(re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(path)))


def test_every_page_route_is_checked() -> None:
    routes = {route.key for route in app_routes() if route.page}
    checked = {stop.route for stop in STOPS.values()} | set(NOT_A_PAGE)
    assert routes - checked == set(), "page routes no stop reaches"
    assert checked - routes == {"GET /no-such-page"}, "stops naming no route of the app"
    assert len(routes) > 30  # the walk found the app's routes


# -- the keyboard -------------------------------------------------------------------------------

# Every control a person could reach with Tab on the page as it is (every <details> opened
# first, so the controls inside count too), each marked with its number; the focus then
# starts from the top of the page, before the first of them.
CONTROLS = """() => {
  for (const details of document.querySelectorAll("details")) details.open = true;
  const all = [...document.querySelectorAll(
      "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]")]
    .filter((el) => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0
                    && getComputedStyle(el).visibility !== "hidden");
  all.forEach((el, index) => { el.dataset.control = index; });
  const start = Object.assign(document.createElement("span"), {id: "walk-start", tabIndex: -1});
  document.body.prepend(start);
  start.focus();
  return all.map((el) => `${el.tagName} ${(el.getAttribute("aria-label") || el.innerText
    || el.labels?.[0]?.innerText || el.name || el.id || "").trim().slice(0, 40)}`);
}"""

# The focused element, its outline, the paint just outside the ring (what it must stand out
# from: the element under that point that is not the focused one, or its background), and
# the first box around it that would cut the ring off (overflow other than visible).
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
  const edge = ring - 1;
  let clipped = null;
  for (let around = el.parentElement; around && !clipped; around = around.parentElement) {
    const overflow = getComputedStyle(around);
    if (overflow.overflowX === "visible" && overflow.overflowY === "visible") continue;
    const room = around.getBoundingClientRect();
    if (box.left - edge < room.left || box.right + edge > room.right
        || box.top - edge < room.top || box.bottom + edge > room.bottom) {
      clipped = `${around.tagName.toLowerCase()}.${around.className}`;
    }
  }
  return {tag: el.tagName, control: el.dataset.control ?? null,
          name: el.getAttribute("aria-label") || el.innerText || el.id || "",
          outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
          color: style.outlineColor, behind, clipped};
}"""


def luminance(css: str) -> float:
    """WCAG's relative luminance of ``rgb(r, g, b)`` (an alpha, if any, is not counted)."""
    r, g, b = (float(part) / 255 for part in re.findall(r"[\d.]+", css)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def assert_keyboard_reaches_every_control(page: Page, name: str) -> None:
    """Tab from the top of the page to its end: the first stop is *Skip to content*, every
    control is reached, and each shows a focus ring of 2 px or more, 3:1 against what
    surrounds it, cut off by nothing."""
    controls = page.evaluate(CONTROLS)
    reached: list[str] = []
    for _ in range(len(controls) + 3):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if focus["control"] is None:  # past the last control: out of the page
            break
        where = f"{name}: {focus['tag']} {focus['name'].strip()[:40]!r}"
        reached.append(focus["control"])
        assert focus["outline"] != "none" and focus["width"] >= 2, f"focus not shown: {where}"
        ratio = contrast(focus["color"], focus["behind"])
        ring = f"{focus['color']} on {focus['behind']}"
        assert ratio >= MIN_FOCUS_CONTRAST, f"{where}: focus ring {ring}, {ratio:.1f}:1"
        assert focus["clipped"] is None, f"{where}: focus ring cut off by {focus['clipped']}"
    missed = [label for index, label in enumerate(controls) if str(index) not in reached]
    assert not missed, f"{name}: Tab never reaches {missed}"
    assert controls[int(reached[0])].startswith("A Skip to content"), reached


@pytest.mark.parametrize(("tab", "name"), VISITS, indirect=["tab"])
def test_the_page_passes_axe_and_the_keyboard_reaches_every_control_in_sight(
    tab: Page, site: Site, facts: Facts, name: str
) -> None:
    """One visit, two checks: axe finds no serious or critical violation, and Tab reaches
    every control with its focus shown (``assert_keyboard_reaches_every_control``)."""
    stop, shown = STOPS[name], Shown(tab)
    stop.reach(tab, Checked(site, facts))
    method, pattern = route_pattern(stop.route)
    if stop.route != "GET /no-such-page":
        assert (shown.method, bool(pattern.fullmatch(shown.path))) == (method, True), (
            f"{name}: {shown.method} {shown.path} shown, not {stop.route}"
        )
    assert shown.status < 500, f"{name}: {shown.status}"
    assert_accessible(tab, name)
    assert_keyboard_reaches_every_control(tab, name)


# The main forms used with the keyboard alone: Tab to a control, type, Space, arrows, Enter.


def enter_and_wait(page: Page) -> None:
    """Press Enter on a link or in a form, and wait for the page it opens."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.parametrize("tab", [None], indirect=True)
def test_signing_in_with_the_keyboard_alone(tab: Page, site: Site) -> None:
    from playwright.sync_api import expect

    tab.goto(site.url + "/login")
    tab_to(tab, "Email")
    tab.keyboard.type(AGENT[0])
    tab_to(tab, "Password")
    tab.keyboard.type(AGENT[1])
    enter_and_wait(tab)
    expect(tab.get_by_role("heading", name="Import a CSV file")).to_be_visible()


@pytest.mark.parametrize("tab", ["agent"], indirect=True)
def test_importing_a_file_with_the_keyboard_alone(tab: Page, site: Site) -> None:
    from playwright.sync_api import expect

    tab.goto(site.url + "/")
    tab_to(tab, "CSV file")
    with tab.expect_file_chooser() as chooser:
        tab.keyboard.press("Space")  # the browser's file dialog, here answered by the test
    chooser.value.set_files(str(site.files / "good.csv"))
    tab_to(tab, "Strict: all or nothing")
    tab.keyboard.press("Space")
    expect(tab.get_by_label("Strict: all or nothing")).to_be_checked()
    tab_to(tab, "Check the file")
    enter_and_wait(tab)
    expect(tab.get_by_role("button", name="Confirm import")).to_be_visible()
    expect(tab.locator(".meta")).to_contain_text("strict")
    tab_to(tab, "Confirm import")
    enter_and_wait(tab)
    expect(tab.get_by_role("heading", name="Import of good.csv")).to_be_visible()


@pytest.mark.parametrize("tab", ["agent"], indirect=True)
def test_searching_and_opening_a_contact_with_the_keyboard_alone(tab: Page, site: Site) -> None:
    from playwright.sync_api import expect

    tab.goto(site.url + "/contacts")
    tab_to(tab, "Search")
    tab.keyboard.type("person 57")  # "Person" "Number 57": every word, in first or last name
    enter_and_wait(tab)
    expect(tab.locator("table.contacts tbody tr")).to_have_count(1)
    tab_to(tab, "person57@example.org")
    enter_and_wait(tab)
    expect(tab.get_by_role("heading", name="Person Number 57", level=1)).to_be_visible()


@pytest.mark.parametrize("tab", ["admin"], indirect=True)
def test_editing_a_contact_with_the_keyboard_alone(tab: Page, site: Site) -> None:
    from playwright.sync_api import expect

    tab.goto(site.url + "/contacts?q=person08")
    tab_to(tab, "person08@example.org")
    enter_and_wait(tab)
    tab_to(tab, "Last name")
    tab.keyboard.press("Control+A")
    tab.keyboard.type("Eight")
    tab_to(tab, "Company")
    tab.keyboard.press("ArrowUp")  # from Acme Inc. up to "No company"
    tab_to(tab, "VIP")
    tab.keyboard.press("Space")
    tab_to(tab, "Score")
    tab.keyboard.type("8")
    tab_to(tab, "Save changes")
    enter_and_wait(tab)
    expect(tab.get_by_role("status")).to_have_text("Saved.")
    details = tab.locator("dl.details")
    for shown in ("Eight", "VIP", "8"):
        expect(details).to_contain_text(shown)
    expect(details.get_by_role("link", name="Acme Inc.")).to_have_count(0)


@pytest.mark.parametrize("tab", ["admin"], indirect=True)
def test_creating_a_company_and_a_field_with_the_keyboard_alone(tab: Page, site: Site) -> None:
    from playwright.sync_api import expect

    tab.goto(site.url + "/companies")
    tab_to(tab, "Name")
    tab.keyboard.type(f"Keyed {uuid.uuid4().hex[:6]}")
    tab_to(tab, "Domain (optional)")
    tab.keyboard.type("keyed.example")
    enter_and_wait(tab)
    expect(tab.get_by_role("status")).to_contain_text("created.")

    tab.goto(site.url + "/fields")
    name = f"keyed_{uuid.uuid4().hex[:6]}"
    tab_to(tab, "Variable name")
    tab.keyboard.type(name)
    tab_to(tab, "Type")
    tab.keyboard.type("select")  # a closed list takes the typed name of an option
    tab_to(tab, "Options (select fields only)")
    tab.keyboard.type("gold")
    tab.keyboard.press("Enter")  # a new line in the options, not the form sent
    tab.keyboard.type("silver")
    tab_to(tab, "Create field")
    enter_and_wait(tab)
    expect(tab.get_by_role("status")).to_have_text(f"Custom field “{name}” created.")
    expect(tab.locator("table.catalog")).to_contain_text("gold silver")


@pytest.mark.parametrize("tab", ["admin"], indirect=True)
def test_undoing_an_import_with_the_keyboard_alone(tab: Page, site: Site, facts: Facts) -> None:
    from playwright.sync_api import expect

    tab.goto(f"{site.url}/imports/{facts.undo_c}")
    tab_to(tab, "Undo this import…")
    enter_and_wait(tab)
    expect(tab.get_by_role("heading", name=re.compile("Undo import"))).to_be_visible()
    tab_to(tab, "Also restore records changed since the import")
    tab.keyboard.press("Space")
    tab_to(tab, tab.get_by_role("button", name=re.compile("Yes, undo")).inner_text())
    enter_and_wait(tab)
    expect(tab.get_by_role("status")).to_contain_text("Done:")


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
