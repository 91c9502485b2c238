"""Web messages name web controls, never CLI flags.

The core's messages end with a way out that the front end supplies
(``rolodex.importing.wording``): the CLI keeps ``--create-labels``, ``--map``,
``rolodex companies list``…; the pages say *tick “Create unknown labels”*, *choose … in the
Columns step*, *the Companies page* (``rolodex.web.wording.PAGES``). Each case below is a
message a page shows — on the dry run's page, the Columns step or the upload form — and
none may hold a ``--`` flag or a ``rolodex`` command. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rolodex.importing.columns import BindOptions, UnboundColumns, bind
from rolodex.importing.contacts import contact_targets
from rolodex.importing.encodings import Guess, warning
from rolodex.importing.wording import CLI, Wording
from rolodex.web.wording import PAGES

from . import test_web_pages as pages
from .test_web_columns import choose, step_of
from .test_web_pages import csrf_of, id_of, text_of, upload, wait

# The web pages' fixtures: the app with its worker, an admin and an agent signed in.
accounts, make_client, client = pages.accounts, pages.make_client, pages.client
admin, agent = pages.admin, pages.agent

CLI_WAYS = re.compile(r"--[a-z]|\brolodex [a-z]+ (list|add)\b")


def assert_web_words(text: str) -> None:
    found = CLI_WAYS.search(text)
    assert found is None, f"a page names a CLI way out ({found.group(0)!r}): {text[:400]}"


def result_page(client: TestClient, answer: Any) -> str:
    """The dry run's page, once its job is done, as a person reads it."""
    import_id = id_of(answer)
    assert wait(client, import_id)["status"] == "done"
    return text_of(client.get(f"/imports/{import_id}").text)


# -- row problems on the dry run's page ---------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "web_way"),
    [
        pytest.param(
            "email,labels\nann@example.com,Nope\n",
            "tick “Create unknown labels” when you upload the file",
            id="unknown-label",
        ),
        pytest.param(
            "email,labels_id\nann@example.com,99\n",
            "the Labels page lists the labels with their IDs",
            id="unknown-label-id",
        ),
        pytest.param(
            "email,company_id\nann@example.com,99\n",
            "the Companies page lists the companies with their IDs",
            id="unknown-company-id",
        ),
    ],
)
def test_a_rejected_row_names_the_web_control(
    agent: TestClient, content: str, web_way: str
) -> None:
    page = result_page(agent, upload(agent, content))
    assert web_way in page
    assert_web_words(page)


def test_an_unknown_company_name_names_the_create_companies_box(agent: TestClient) -> None:
    step = step_of(upload(agent, "email,Company\nann@example.com,Initech\n"))
    page = result_page(agent, choose(agent, step))
    assert "tick “Create unknown companies” when you upload the file" in page
    assert_web_words(page)


def test_an_unsure_encoding_says_to_save_as_utf8_not_to_give_a_flag(agent: TestClient) -> None:
    content = "email,first_name\nann@example.com,José\nbob@example.com,Françoise\n"
    page = result_page(agent, upload(agent, content.encode("cp1252")))
    assert "save the file as UTF-8 (in Excel: CSV UTF-8) and upload it again" in page
    assert_web_words(page)


def test_a_step_left_without_an_email_names_the_columns_step(admin: TestClient) -> None:
    step = step_of(upload(admin, "Name,Address\nAnn Archer,ann@example.com\n"))
    page = text_of(choose(admin, step).text)
    assert "Choose the column that holds the email" in page
    assert_web_words(page)


def test_an_unbound_column_on_a_page_names_the_columns_step(admin: TestClient) -> None:
    """The upload form's refusal, when the header cannot go to the Columns step — here
    posted straight to the step's action with a target the file cannot have."""
    step = step_of(upload(admin, "E-mail Address,Notes\nann@example.com,tea\n"))
    page = admin.get(step).text
    answer = admin.post(
        step, data={"csrf": csrf_of(page), "target-0": "email", "target-1": "no_such_target"}
    )
    assert answer.status_code == 422
    assert_web_words(text_of(answer.text))


# -- the tables themselves -------------------------------------------------------------------


@pytest.mark.parametrize("way", [f.name for f in dataclasses.fields(Wording)])
def test_every_way_out_has_web_words_free_of_cli_flags(way: str) -> None:
    assert getattr(PAGES, way) != getattr(CLI, way)
    assert_web_words(getattr(PAGES, way).format(target="email", name="cp1252"))


def test_the_unbound_columns_message_takes_the_front_ends_words() -> None:
    targets = contact_targets([])
    header = ["email", "Frist Name", "Notes"]
    with pytest.raises(UnboundColumns) as cli_error:
        bind(header, targets)
    with pytest.raises(UnboundColumns) as web_error:
        bind(header, targets, BindOptions(wording=PAGES))
    assert "--ignore-unknown" in str(cli_error.value)
    assert "--create-fields" in str(cli_error.value)
    assert "choose “leave out” for them in the columns step" in str(web_error.value).lower()
    assert_web_words(str(web_error.value))


def test_the_encoding_warning_takes_the_front_ends_words() -> None:
    unsure = Guess("cp1252", "cp1257")
    assert "(--encoding cp1257)" in warning(unsure)
    assert_web_words(warning(unsure, PAGES))


def test_the_cli_keeps_its_flags(cli: Any, write_csv: Any) -> None:
    report = cli.json("import", "contacts", write_csv("email,labels\nann@example.com,Nope\n"))
    assert report["errors"][0]["message"].endswith("or import with --create-labels")
