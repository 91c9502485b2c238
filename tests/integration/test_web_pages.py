"""The web app at ``/`` (docs/api.md#the-web-app): sign in and out with a session cookie, CSRF on
every form post, upload → preview and dry run → confirm → the real import, the history and
the contacts list. Driven through Starlette's TestClient, on SQLite and PostgreSQL.

A page never answers 5xx: refusals are pages with their status (401, 403, 404, 409, 413,
422), and an anonymous visit is a redirect to ``/login``.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rolodex.config import Settings
from rolodex.importing.kinds import import_file
from rolodex.importing.options import ImportOptions
from rolodex.store.store import Store
from tests.helpers import (
    ADMIN,
    AGENT,
    FINAL,
    INACTIVE,
    WAIT_LIMIT_SECONDS,
    add_accounts,
    web_clients,
)

CONTACTS_ONE_BAD_ROW = (
    "email,first_name,last_name\n"
    "ann@example.com,Ann,Archer\n"
    "not-an-email,Bad,Row\n"
    "bob@example.com,Bob,Baker\n"
)


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def accounts(store: Store, tmp_path: Path) -> None:
    """An admin (as ``users create-admin`` makes one), an agent and an inactive agent."""
    add_accounts(store, tmp_path / "team.csv")


@pytest.fixture
def make_client(
    db_url: str, accounts: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., TestClient]]:
    """The app as ``rolodex serve`` runs it (worker thread included, polling every 20 ms)."""

    def settings_for(**overrides: Any) -> Settings:
        return Settings(database_url=db_url, **overrides)

    with web_clients(settings_for, monkeypatch) as make:
        yield make


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


@pytest.fixture
def admin(client: TestClient) -> TestClient:
    log_in(client, *ADMIN)
    return client


@pytest.fixture
def agent(client: TestClient) -> TestClient:
    log_in(client, *AGENT)
    return client


# -- helpers ------------------------------------------------------------------------------------


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]*)"', page)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def text_of(page: str) -> str:
    """The page as a person reads it: tags dropped, entities decoded, spaces collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()


def log_in(client: TestClient, email: str, password: str, next_path: str = "/") -> Any:
    form = client.get("/login", params={"next": next_path})
    assert form.status_code == 200
    data = {"email": email, "password": password, "next": next_path, "csrf": csrf_of(form.text)}
    return client.post("/login", data=data, follow_redirects=False)


def upload(client: TestClient, content: str | bytes, kind: str = "contacts", **flags: bool) -> Any:
    """Send the import form as a browser does; returns the answer, redirects not followed."""
    token = csrf_of(client.get("/").text)
    data = content.encode("utf-8") if isinstance(content, str) else content
    form = {"csrf": token, "kind": kind, **{key: "true" for key, on in flags.items() if on}}
    files = {"file": ("people.csv", data, "text/csv")}
    return client.post("/imports/preview", data=form, files=files, follow_redirects=False)


def wait(client: TestClient, import_id: int) -> dict[str, Any]:
    """Poll the JSON API with the session cookie, as the page's script does."""
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while True:
        job: dict[str, Any] = client.get(f"/api/imports/{import_id}").json()
        if job["status"] in FINAL:
            return job
        assert time.monotonic() < deadline, f"import {import_id} never finished: {job}"
        time.sleep(0.02)


def checked(client: TestClient, content: str, **flags: bool) -> int:
    """Upload a file and wait for its dry run; the dry run's ID."""
    import_id = id_of(upload(client, content, **flags))
    assert wait(client, import_id)["status"] == "done"
    return import_id


def id_of(answer: Any) -> int:
    """The import a redirect leads to (``/imports/ID``)."""
    assert answer.status_code == 303, text_of(answer.text)
    return int(answer.headers["location"].rsplit("/", 1)[1])


def confirm(client: TestClient, import_id: int) -> Any:
    token = csrf_of(client.get(f"/imports/{import_id}").text)
    return client.post(
        f"/imports/{import_id}/confirm", data={"csrf": token}, follow_redirects=False
    )


def uploads(client: TestClient) -> list[dict[str, Any]]:
    """The imports made through the web app (not the one that made the accounts)."""
    return [job for job in client.get("/api/imports").json() if job["file"] != "team.csv"]


def contact_emails(client: TestClient) -> list[str]:
    return [c["email"] for c in client.get("/api/contacts").json()["items"]]


# -- signing in and out -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/imports", "/imports/1", "/contacts?q=ann"])
def test_an_anonymous_visit_is_sent_to_the_login_page(client: TestClient, path: str) -> None:
    answer = client.get(path, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login")
    assert client.get(path).url.path == "/login"


def test_logging_in_sets_an_httponly_samesite_session_cookie(client: TestClient) -> None:
    answer = log_in(client, *ADMIN)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"
    cookie = next(
        c for c in answer.headers.get_list("set-cookie") if c.startswith("rolodex_session=")
    )
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert "httponly" in flags
    assert "samesite=lax" in flags
    assert "path=/" in flags
    home = client.get("/")
    assert home.status_code == 200
    assert ADMIN[0] in home.text


def test_logging_in_goes_back_to_the_page_asked_for(client: TestClient) -> None:
    answer = log_in(client, *ADMIN, next_path="/contacts?q=ann")
    assert answer.headers["location"] == "/contacts?q=ann"


@pytest.mark.parametrize("next_path", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_logging_in_never_sends_the_person_to_another_site(
    client: TestClient, next_path: str
) -> None:
    assert log_in(client, *ADMIN, next_path=next_path).headers["location"] == "/"


@pytest.mark.parametrize(
    ("email", "password"),
    [
        pytest.param(ADMIN[0], "wrong-password", id="wrong-password"),
        pytest.param("nobody@example.com", "whatever", id="unknown-email"),
        pytest.param(*INACTIVE, id="inactive-user"),
    ],
)
def test_wrong_credentials_show_the_form_again_with_a_message(
    client: TestClient, email: str, password: str
) -> None:
    answer = log_in(client, email, password)
    assert answer.status_code == 401
    assert "Wrong email or password" in text_of(answer.text)
    assert 'name="password"' in answer.text
    assert f'value="{email}"' in answer.text
    assert "rolodex_session" not in client.cookies


def test_an_empty_login_form_is_refused_with_a_message(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"csrf": token, "email": "", "password": ""})
    assert answer.status_code == 422
    assert "Enter your email and password" in text_of(answer.text)


def test_a_login_post_without_the_forms_token_is_refused(client: TestClient) -> None:
    answer = client.post("/login", data={"email": ADMIN[0], "password": ADMIN[1]})
    assert answer.status_code == 403
    assert "rolodex_session" not in client.cookies


def test_logging_out_revokes_the_session(admin: TestClient) -> None:
    cookie = admin.cookies["rolodex_session"]
    answer = admin.post("/logout", data={"csrf": csrf_of(admin.get("/").text)})
    assert answer.url.path == "/login"
    admin.cookies.set("rolodex_session", cookie)  # the old cookie, kept by someone
    assert admin.get("/", follow_redirects=False).status_code == 303
    assert admin.get("/api/imports").status_code == 401


# -- CSRF -------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "wrong-token", "ünïcode"])
@pytest.mark.parametrize("path", ["/logout", "/imports/preview", "/imports/1/confirm"])
def test_a_form_post_without_the_sessions_csrf_token_is_refused(
    admin: TestClient, path: str, token: str | None
) -> None:
    data = {"kind": "contacts"} if token is None else {"kind": "contacts", "csrf": token}
    files = {"file": ("people.csv", CONTACTS_ONE_BAD_ROW.encode(), "text/csv")}
    answer = admin.post(path, data=data, files=files, follow_redirects=False)
    assert answer.status_code == 403
    assert "CSRF" in text_of(answer.text)
    assert uploads(admin) == []
    assert admin.get("/", follow_redirects=False).status_code == 200  # still signed in


# -- upload, preview, dry run, confirm ----------------------------------------------------------


def test_a_file_is_previewed_and_dry_run_before_anything_is_written(admin: TestClient) -> None:
    import_id = checked(admin, CONTACTS_ONE_BAD_ROW)
    page = admin.get(f"/imports/{import_id}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "First rows of the file" in text
    assert "2 ann@example.com Ann Archer 3 not-an-email Bad Row 4 bob@example.com" in text
    assert "Would be created 2" in text
    assert "Rejected 1" in text
    assert "3 email 'not-an-email' is not a valid email address" in text
    assert "Confirm import" in text
    assert contact_emails(admin) == []


def test_confirming_imports_the_same_file_and_ends_with_contacts(admin: TestClient) -> None:
    dry_run = checked(admin, CONTACTS_ONE_BAD_ROW)
    answer = confirm(admin, dry_run)
    assert answer.status_code == 303
    real = int(answer.headers["location"].rsplit("/", 1)[1])
    assert real != dry_run
    job = wait(admin, real)
    assert (job["dry_run"], job["status"], job["created"], job["failed"]) == (False, "done", 2, 1)
    assert job["file"] == "people.csv"
    assert job["who"] == ADMIN[0]
    assert sorted(contact_emails(admin)) == ["ann@example.com", "bob@example.com"]

    text = text_of(admin.get(f"/imports/{real}").text)
    assert "Created 2" in text
    assert "Download the error file" in text
    assert f'href="/api/imports/{real}/errors.csv"' in admin.get(f"/imports/{real}").text
    errors = admin.get(f"/api/imports/{real}/errors.csv")
    assert errors.status_code == 200
    lines = errors.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "email,first_name,last_name,error"
    assert lines[1].startswith("not-an-email,Bad,Row,")


def test_the_confirmed_import_keeps_the_options_of_the_dry_run(admin: TestClient) -> None:
    content = "email,labels\nann@example.com,Brand-New\n"
    dry_run = checked(admin, content, create_labels=True)
    real = id_of(confirm(admin, dry_run))
    assert wait(admin, real)["created"] == 1
    assert [label["name"] for label in admin.get("/api/labels").json()] == ["Brand-New"]


def test_a_running_import_shows_a_progress_bar_that_polls_the_api(
    make_client: Callable[..., TestClient], db_url: str
) -> None:
    quiet = make_client()
    quiet.app.state.worker.stop()  # type: ignore[attr-defined]  # nothing runs: stays queued
    time.sleep(0.1)
    log_in(quiet, *ADMIN)
    answer = upload(quiet, CONTACTS_ONE_BAD_ROW)
    page = quiet.get(answer.headers["location"]).text
    import_id = answer.headers["location"].rsplit("/", 1)[1]
    assert f'data-poll="/api/imports/{import_id}"' in page
    assert "<progress" in page
    assert "Waiting to start" in text_of(page)
    assert '<script src="/static/app.js" defer></script>' in page
    assert quiet.get("/static/app.js").status_code == 200
    assert quiet.get(f"/api/imports/{import_id}").json()["status"] == "queued"


def test_confirming_twice_is_refused_for_anything_but_a_finished_dry_run(
    admin: TestClient,
) -> None:
    real = id_of(confirm(admin, checked(admin, CONTACTS_ONE_BAD_ROW)))
    wait(admin, real)
    answer = confirm(admin, real)
    assert answer.status_code == 409
    assert "Only a finished dry run can be confirmed" in text_of(answer.text)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "looks like a PNG image", id="png"),
        pytest.param(b"", "empty", id="empty-file"),
        pytest.param("email,email\nann@example.com,a\n", "appears twice", id="a-column-twice"),
        pytest.param('email\n"ann@example.com\n', "quote", id="unclosed-quote"),
    ],
)
def test_a_file_error_is_shown_on_the_form_without_a_traceback(
    admin: TestClient, content: str | bytes, message: str
) -> None:
    answer = upload(admin, content)
    assert answer.status_code == 422
    text = text_of(answer.text)
    assert "The file cannot be imported." in text
    assert message in text.lower() or message in text
    assert "Traceback" not in text
    assert 'type="file"' in answer.text
    assert uploads(admin) == []


def test_a_file_over_the_upload_limit_is_refused_on_the_form(
    make_client: Callable[..., TestClient],
) -> None:
    small = make_client(max_upload_bytes=1024)
    log_in(small, *ADMIN)
    answer = upload(small, "email\n" + "someone@example.com\n" * 10_000)
    assert answer.status_code == 413
    assert "larger than the limit" in text_of(answer.text)


def test_a_form_without_a_file_asks_for_one(admin: TestClient) -> None:
    token = csrf_of(admin.get("/").text)
    answer = admin.post("/imports/preview", data={"csrf": token, "kind": "contacts"})
    assert answer.status_code == 422
    assert "Choose a CSV file" in text_of(answer.text)


# -- who may import what --------------------------------------------------------------------------


def test_agents_are_not_offered_the_users_import(agent: TestClient) -> None:
    page = agent.get("/")
    assert 'value="users"' not in page.text
    assert checked(agent, CONTACTS_ONE_BAD_ROW)  # agents import contacts


def test_an_agent_cannot_import_users(agent: TestClient) -> None:
    answer = upload(agent, "email,password\nnew@example.com,long-enough\n", kind="users")
    assert answer.status_code == 403
    assert "Only an admin may import agents" in text_of(answer.text)
    assert uploads(agent) == []


def test_an_agent_cannot_confirm_an_admins_users_import(
    make_client: Callable[..., TestClient],
) -> None:
    admin, agent = make_client(), make_client()
    log_in(admin, *ADMIN)
    log_in(agent, *AGENT)
    answer = upload(admin, "email,password\nnew@example.com,long-enough\n", kind="users")
    import_id = id_of(answer)
    wait(admin, import_id)
    assert agent.get(f"/imports/{import_id}").status_code == 404
    refused = agent.post(
        f"/imports/{import_id}/confirm", data={"csrf": csrf_of(agent.get("/").text)}
    )
    assert refused.status_code == 404
    assert "Confirm import" in text_of(admin.get(f"/imports/{import_id}").text)


def test_an_agent_sees_no_users_import_on_any_page(
    make_client: Callable[..., TestClient],
) -> None:
    """docs/api.md#who-may-do-what: an agent read an admin's users import (and a password) on its
    page."""
    admin, agent = make_client(), make_client()
    log_in(admin, *ADMIN)
    log_in(agent, *AGENT)
    import_id = id_of(upload(admin, "email,password\nnew@example.com,long-enough\n", "users"))
    wait(admin, import_id)

    assert agent.get(f"/imports/{import_id}").status_code == 404
    assert f'href="/imports/{import_id}"' not in agent.get("/imports").text
    assert f'href="/imports/{import_id}"' in admin.get("/imports").text
    assert agent.get(f"/api/imports/{import_id}").status_code == 404
    assert agent.get(f"/api/imports/{import_id}/errors.csv").status_code == 404


def test_the_preview_of_a_users_file_never_shows_a_password(admin: TestClient) -> None:
    content = "email,password\nnew@example.com,Sup3r-Secret!\n"
    answer = upload(admin, content, kind="users")
    page = admin.get(answer.headers["location"]).text
    assert "new@example.com" in page
    assert "Sup3r-Secret!" not in page


UNEVEN_USERS_FILES = {
    "a row short one cell": "email,first_name,last_name,password\n"
    "new2@acme.example,NoLastName,TopSecret222\n",
    "a row one cell too long": "email,first_name,password\nnew2@acme.example,Ann,x,TopSecret222\n",
    "the password first, short": "password,first_name,email\nTopSecret222,new2@acme.example\n",
    "a hash column": "email,password_hash,first_name\nnew2@acme.example,TopSecret222,Ann\n",
}


@pytest.mark.parametrize("content", UNEVEN_USERS_FILES.values(), ids=UNEVEN_USERS_FILES.keys())
def test_the_preview_hides_what_binds_to_a_password_and_uneven_rows_show_only_an_email(
    make_client: Callable[..., TestClient], content: str
) -> None:
    """docs/importing.md#passwords: a row short one cell showed its password in the last_name
    column. Checked on the page as built at upload time and as rebuilt from the stored file."""
    admin = make_client()
    log_in(admin, *ADMIN)
    location = upload(admin, content, kind="users").headers["location"]
    later = make_client()  # another server: no cached preview, rebuilt from the stored file
    log_in(later, *ADMIN)

    for client in (admin, later):
        page = text_of(client.get(location).text)
        assert "TopSecret222" not in page
        assert "NoLastName" not in page


# -- history and contacts -----------------------------------------------------------------------


def test_the_history_lists_imports_newest_first_with_links(admin: TestClient) -> None:
    first = checked(admin, CONTACTS_ONE_BAD_ROW)
    second = id_of(confirm(admin, first))
    wait(admin, second)
    page = admin.get("/imports")
    assert page.status_code == 200
    assert page.text.index(f'href="/imports/{second}"') < page.text.index(
        f'href="/imports/{first}"'
    )
    text = text_of(page.text)
    assert "people.csv" in text
    assert "dry run" in text
    assert ADMIN[0] in text


@pytest.fixture
def some_contacts(store: Store, tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text(
        "email,first_name,last_name,labels\n"
        "ann@example.com,Ann,Archer,VIP\n"
        "bob@example.com,Bob,Baker,VIP:Trial\n"
        "cat@example.com,Cat,Cooper,Trial\n",
        encoding="utf-8",
    )
    import_file("contacts", people, store, ImportOptions(create_labels=True))


def emails_on(page: str) -> list[str]:
    return re.findall(r'<td class="email"[^>]*><a href="/contacts/\d+">([^<]*)</a></td>', page)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("", ["ann@example.com", "bob@example.com", "cat@example.com"], id="all"),
        pytest.param("?label=VIP", ["ann@example.com", "bob@example.com"], id="label"),
        pytest.param("?q=cooper", ["cat@example.com"], id="search-name"),
        pytest.param("?q=bob%40", ["bob@example.com"], id="search-email"),
        pytest.param("?label=Trial&q=bob", ["bob@example.com"], id="label-and-search"),
        pytest.param("?label=Nope", [], id="unknown-label"),
    ],
)
def test_the_contacts_list_filters_by_label_and_searches(
    admin: TestClient, some_contacts: None, query: str, expected: list[str]
) -> None:
    page = admin.get(f"/contacts{query}")
    assert page.status_code == 200
    assert emails_on(page.text) == expected
    assert '<option value="VIP"' in page.text


def test_the_contacts_list_is_paged(admin: TestClient, store: Store, tmp_path: Path) -> None:
    people = tmp_path / "many.csv"
    people.write_text(
        "email\n" + "".join(f"p{i:03}@example.com\n" for i in range(120)), encoding="utf-8"
    )
    import_file("contacts", people, store, ImportOptions())
    first = admin.get("/contacts")
    assert len(emails_on(first.text)) == 50
    assert "page 1 of 3" in text_of(first.text)
    last = admin.get("/contacts?page=3")
    assert emails_on(last.text)[-1] == "p119@example.com"
    assert 'rel="next"' not in last.text


# -- no input gives a 5xx -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/contacts?page=abc",
        "/contacts?page=-3",
        "/contacts?page=99999999999999999999",
        "/contacts?q=%00%01",
        "/contacts?label=%00",
        "/contacts?q=" + "x" * 5000,
        "/imports/abc",
        "/imports/0",
        "/imports/99999999999999999999",
        "/imports/12345",
        "/login?next=%00",
    ],
)
def test_bad_input_never_gets_a_server_error(admin: TestClient, path: str) -> None:
    answer = admin.get(path)
    assert answer.status_code < 500, answer.text
    assert answer.headers["content-type"].startswith("text/html")


def test_a_malformed_form_post_never_gets_a_server_error(admin: TestClient) -> None:
    token = csrf_of(admin.get("/").text)
    broken = admin.post(
        "/imports/preview",
        content=b"--x\r\nbroken",
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert broken.status_code < 500
    odd = admin.post("/imports/preview", data={"csrf": token, "kind": "nonsense"})
    assert odd.status_code == 422
    garbled = admin.post("/login", content=b"\xff\xfe", headers={"content-type": "x"})
    assert garbled.status_code < 500


# -- undo from the history ---------------------------------------------------------------------


def test_an_admin_undoes_an_import_from_the_history_after_confirming(admin: TestClient) -> None:
    real = id_of(confirm(admin, checked(admin, CONTACTS_ONE_BAD_ROW)))
    wait(admin, real)
    history = admin.get("/imports").text
    assert f'href="/imports/{real}/undo"' in history
    confirmation = admin.get(f"/imports/{real}/undo")
    assert confirmation.status_code == 200
    assert "Yes, undo import" in text_of(confirmation.text)
    assert sorted(contact_emails(admin)) == ["ann@example.com", "bob@example.com"]

    done = admin.post(f"/imports/{real}/undo", data={"csrf": csrf_of(confirmation.text)})
    assert done.status_code == 200
    assert "2 removed" in text_of(done.text)
    assert contact_emails(admin) == []
    assert f'href="/imports/{real}/undo"' not in admin.get("/imports").text


def test_an_undo_without_the_csrf_token_is_refused(admin: TestClient) -> None:
    real = id_of(confirm(admin, checked(admin, CONTACTS_ONE_BAD_ROW)))
    wait(admin, real)
    assert admin.post(f"/imports/{real}/undo", data={}).status_code == 403
    assert sorted(contact_emails(admin)) == ["ann@example.com", "bob@example.com"]


def test_agents_are_not_offered_undo(agent: TestClient) -> None:
    real = id_of(confirm(agent, checked(agent, CONTACTS_ONE_BAD_ROW)))
    wait(agent, real)
    assert "/undo" not in agent.get("/imports").text
    assert agent.get(f"/imports/{real}/undo").status_code == 403
