"""Users imports are admin-only on every route (docs/api.md#who-may-do-what).

An agent got an admin's users import — passwords in its preview, its error file — through
``/api/imports/{id}``, ``errors.csv`` and the history. An agent now gets 404 for such a run
(not 403: the history leaves users imports out, so an agent cannot tell which ids they are),
and an undo of a users import is hidden the same way.
"""

from __future__ import annotations

from .conftest import bearer

USERS_WITH_A_BAD_ROW = "email,password\nnew@example.com,long-enough\nnot-an-email,Secret-123\n"


def test_an_agent_gets_404_for_a_users_import_on_every_route(client, admin, agent, imports):
    job = imports.run(admin, USERS_WITH_A_BAD_ROW, kind="users")
    assert job["failed"] == 1

    for url in (f"/api/imports/{job['id']}", f"/api/imports/{job['id']}/errors.csv"):
        answer = client.get(url, headers=agent)
        assert answer.status_code == 404, url
        assert set(answer.json()) == {"error"}
        assert client.get(url, headers=admin).status_code == 200, url


def test_an_agents_history_leaves_out_users_imports_and_their_undos(client, admin, agent, imports):
    users_job = imports.run(admin, USERS_WITH_A_BAD_ROW, kind="users")
    contacts_job = imports.run(agent, "email\nzoe@example.com\n")
    undo = client.post(f"/api/imports/{users_job['id']}/undo", headers=admin)
    assert undo.status_code == 200, undo.text

    seen_by_agent = {job["id"] for job in client.get("/api/imports", headers=agent).json()}
    seen_by_admin = {job["id"] for job in client.get("/api/imports", headers=admin).json()}

    assert contacts_job["id"] in seen_by_agent
    assert users_job["id"] not in seen_by_agent
    assert undo.json()["id"] not in seen_by_agent
    assert {users_job["id"], undo.json()["id"], contacts_job["id"]} <= seen_by_admin
    assert client.get(f"/api/imports/{undo.json()['id']}", headers=agent).status_code == 404


def test_an_agent_the_import_itself_created_cannot_see_it(client, store, admin, imports):
    """Visibility follows the caller's role, even for a run that names the caller."""
    job = imports.run(admin, "email,password\nother@example.com,long-enough\n", kind="users")
    agent = bearer(store, "other@example.com")

    assert client.get(f"/api/imports/{job['id']}", headers=agent).status_code == 404
