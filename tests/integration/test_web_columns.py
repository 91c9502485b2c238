"""The web app's Columns step (docs/api.md#the-columns-step): a file whose header is
not exactly ours shows each column with its first values and a target, pre-chosen as the
binding binds it; the dry run runs with the choice, which is remembered for the next file
with the same header. Exactly-ours files skip the step. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from rolodex.services import catalog
from rolodex.store.store import Store
from tests.helpers import AGENT

from . import test_web_pages as pages
from .test_web_pages import csrf_of, id_of, log_in, text_of, upload, uploads, wait

# The web pages' fixtures: the app with its worker, an admin and an agent signed in.
accounts, make_client, client = pages.accounts, pages.make_client, pages.client
admin, agent = pages.admin, pages.agent

GOOGLE_LIKE = (
    "Name,Given Name,Family Name,Notes,E-mail 1 - Value,Organization 1 - Name\n"
    "Ann Archer,Ann,Archer,likes tea,ann@example.com,Acme\n"
    "Bob Baker,Bob,Baker,,bob@example.com,Acme\n"
    "Cat Cooper,Cat,Cooper,,cat@example.com,\n"
    "Dan Dyer,Dan,Dyer,,dan@example.com,\n"
)
NO_EMAIL_NAME = "Name,Address\nAnn Archer,ann@example.com\n"


def step_of(answer: Any) -> str:
    """The Columns step a redirect leads to."""
    assert answer.status_code == 303, text_of(answer.text)
    location = answer.headers["location"]
    assert location.startswith("/imports/columns/"), location
    return str(location)


def selected(page: str) -> dict[str, str]:
    """Each column's select (``target-INDEX``) → its chosen value."""
    found = {}
    for name, body in re.findall(r'<select id="[^"]+" name="([^"]+)">(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        found[name] = chosen.group(1) if chosen else ""
    return found


def choose(client: TestClient, step: str, **targets: str) -> Any:
    """Send the step with its pre-chosen targets, changed where ``targets`` says."""
    page = client.get(step).text
    form = {**selected(page), **targets, "csrf": csrf_of(page)}
    return client.post(step, data=form, follow_redirects=False)


def test_a_header_that_is_not_ours_shows_the_columns_step(admin: TestClient) -> None:
    step = step_of(upload(admin, GOOGLE_LIKE))
    page = admin.get(step)

    assert page.status_code == 200
    text = text_of(page.text)
    assert "Columns of people.csv" in text
    assert "E E-mail 1 - Value ann@example.com bob@example.com cat@example.com" in text
    assert "D Notes likes tea" in text
    assert selected(page.text) == {
        "target-0": "name",
        "target-1": "first_name",
        "target-2": "last_name",
        "target-3": "ignore",
        "target-4": "email",
        "target-5": "company",
    }
    assert "a new custom field (text)" in text
    assert 'for="target-4"' in page.text  # every select has its label
    assert uploads(admin) == []  # nothing queued before the choice


def test_the_dry_run_runs_with_the_chosen_columns_and_confirms_as_checked(
    admin: TestClient, store: Store
) -> None:
    catalog.add_company(store, "Acme", None)
    step = step_of(upload(admin, GOOGLE_LIKE))

    dry_run = id_of(choose(admin, step, **{"target-3": "new", "target-0": "ignore"}))

    job = wait(admin, dry_run)
    assert (job["status"], job["created"], job["failed"]) == ("done", 4, 0)
    columns = {c["column"]: c["target"] for c in job["summary"]["columns"]}
    assert columns["Notes"] == "notes"
    assert columns["Name"] == "ignore"
    assert "First rows of the file" in text_of(admin.get(f"/imports/{dry_run}").text)
    assert admin.get(step).status_code == 404  # the step is used up

    token = csrf_of(admin.get(f"/imports/{dry_run}").text)
    real = id_of(admin.post(f"/imports/{dry_run}/confirm", data={"csrf": token},
                            follow_redirects=False))  # fmt: skip
    assert wait(admin, real)["created"] == 4
    ann = admin.get("/api/contacts/ann@example.com").json()
    assert ann["custom_fields"] == {"notes": "likes tea"}
    assert ann["company_id"] is not None


def test_the_same_header_again_comes_with_the_choice_made_last_time(admin: TestClient) -> None:
    first = step_of(upload(admin, GOOGLE_LIKE))
    wait(admin, id_of(choose(admin, first, **{"target-0": "ignore", "target-2": "ignore"})))

    again = admin.get(step_of(upload(admin, GOOGLE_LIKE))).text

    assert "Your choice from last time is filled in" in text_of(again)
    chosen = selected(again)
    assert (chosen["target-0"], chosen["target-2"], chosen["target-4"]) == (
        "ignore",
        "ignore",
        "email",
    )


def test_a_header_that_is_exactly_ours_skips_the_step(admin: TestClient) -> None:
    answer = upload(admin, "email,first_name\nann@example.com,Ann\n")
    assert answer.headers["location"].startswith("/imports/")
    assert "/columns/" not in answer.headers["location"]


def test_a_file_without_an_email_column_gets_the_step_not_an_error(admin: TestClient) -> None:
    step = step_of(upload(admin, NO_EMAIL_NAME))
    page = admin.get(step).text
    assert selected(page)["target-1"] == "ignore"

    left = choose(admin, step)
    assert left.status_code == 422
    message = text_of(left.text)
    assert "Choose the column that holds the email" in message
    assert "--map" not in message  # web messages name web controls, not CLI flags

    dry_run = id_of(choose(admin, step, **{"target-1": "email"}))
    assert wait(admin, dry_run)["created"] == 1


def test_agents_are_not_offered_a_new_field_and_cannot_ask_for_one(agent: TestClient) -> None:
    step = step_of(upload(agent, GOOGLE_LIKE))
    page = agent.get(step).text
    assert "a new custom field" not in page
    assert 'name="create_companies"' not in page

    answer = choose(agent, step, **{"target-3": "new"})
    assert answer.status_code == 422
    assert uploads(agent) == []

    refused = choose(agent, step, create_companies="true")
    assert refused.status_code == 403
    assert "Only an admin may create companies" in text_of(refused.text)


def test_the_step_of_another_person_or_an_unknown_token_is_not_found(
    admin: TestClient, make_client: Any
) -> None:
    step = step_of(upload(admin, GOOGLE_LIKE))
    assert admin.get("/imports/columns/no-such-token").status_code == 404
    other = make_client()
    log_in(other, *AGENT)
    assert other.get(step).status_code == 404


def test_a_post_without_the_csrf_token_is_refused(admin: TestClient) -> None:
    step = step_of(upload(admin, GOOGLE_LIKE))
    answer = admin.post(step, data={"target-0": "email"}, follow_redirects=False)
    assert answer.status_code == 403
    assert uploads(admin) == []
