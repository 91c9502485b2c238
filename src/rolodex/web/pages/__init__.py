"""The web app at ``/``: server-rendered pages over the same store and jobs as the API.

Signing in sets an HttpOnly, SameSite=Lax session cookie; every form post then carries the
session's CSRF token in a hidden ``csrf`` field (the sign-in form has a token of its own, in
a short-lived cookie), so another site cannot post a form in the person's name.

An upload is checked by a dry-run job first: the page shows the file's first rows and, when
the job ends, what the import would do. "Confirm import" queues the real run from the copy
of the file the dry run kept in the database, so the browser sends the file only once.

Errors on a page are pages: :class:`PageRoute` turns every refusal (400, 403, 404, 409, 413,
422) into HTML and an anonymous visit into a redirect to ``/login``; no input gives a 5xx.
"""

from fastapi import APIRouter

from rolodex.web.pages import auth, catalog, columns, contact, contacts, history, imports, team

router = APIRouter()
for area in (auth, imports, columns, history, contacts, contact, catalog, team):
    router.include_router(area.router)
