"""No request, however malformed, gets a 5xx; every answer is one ``/openapi.json`` documents
(docs/api.md#answers-and-errors: "every status code and body shape that an endpoint answers, its
errors (400, 401, 403, 404, 413, 422) included ... No request, however malformed, gets a 5xx").

Each malformed request below names the answers a careful API may give (a 400 or a 422 where
either says "malformed"); whatever it answers must also be documented for the endpoint, with
the body shape documented for that code. Hypothesis then throws arbitrary JSON, query
strings and path segments at the endpoints with the same two checks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rolodex.config import Settings
from rolodex.services.accounts import create_admin
from rolodex.web.app import create_app
from tests.helpers import ADMIN

from .conftest import bearer

Route = tuple[str, str]
TOKENS: Route = ("POST", "/api/tokens")
UPLOAD: Route = ("POST", "/api/imports")
IMPORT: Route = ("GET", "/api/imports/{import_id}")
ERRORS_CSV: Route = ("GET", "/api/imports/{import_id}/errors.csv")
UNDO: Route = ("POST", "/api/imports/{import_id}/undo")
CONTACTS: Route = ("GET", "/api/contacts")
CONTACT: Route = ("GET", "/api/contacts/{contact}")
CHANGE: Route = ("PATCH", "/api/contacts/{contact}")
LABELS: Route = ("POST", "/api/labels")
COMPANIES: Route = ("POST", "/api/companies")
FIELDS: Route = ("POST", "/api/fields")
LIST_LABELS: Route = ("GET", "/api/labels")
ADD_USER: Route = ("POST", "/api/users")
CHANGE_USER: Route = ("PATCH", "/api/users/{user_id}")

MALFORMED = {400, 422}


@pytest.fixture
def admin(client, store):
    """Only the admin: these tests need no agents (and skip importing them)."""
    create_admin(store, *ADMIN)
    return bearer(store, ADMIN[0])


JSON_TYPE = {"content-type": "application/json"}
MULTIPART = {"content-type": "multipart/form-data; boundary=abc"}


@cache
def openapi() -> dict[str, Any]:
    return create_app(Settings(database_url="sqlite:///never-opened.db")).openapi()


def documented(route: Route) -> dict[str, Any]:
    method, path = route
    responses: dict[str, Any] = openapi()["paths"][path][method.lower()]["responses"]
    return responses


def body_keys(route: Route, status: int) -> set[str]:
    """The properties of the JSON body documented for ``status`` (the required ones, if said)."""
    schema = documented(route)[str(status)]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = openapi()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return set(schema.get("required") or schema.get("properties", {}))


def assert_documented_answer(route: Route, answer) -> None:  # type: ignore[no-untyped-def]
    """Not a server error, and an answer the endpoint's OpenAPI description lists."""
    assert answer.status_code < 500, answer.text
    assert str(answer.status_code) in documented(route), (
        f"{route} answered {answer.status_code}, which /openapi.json does not list: "
        f"{answer.text[:200]}"
    )
    if answer.status_code >= 400:
        assert set(answer.json()) == body_keys(route, answer.status_code), answer.text


def multipart(*parts: bytes) -> bytes:
    return b"".join(b"--abc\r\n" + part + b"\r\n" for part in parts) + b"--abc--\r\n"


def kind_part(kind: bytes = b"contacts") -> bytes:
    return b'Content-Disposition: form-data; name="kind"\r\n\r\n' + kind


def file_part(name: bytes = b"a.csv", content: bytes = b"email\nx@example.com\n") -> bytes:
    return (
        b'Content-Disposition: form-data; name="file"; filename="' + name + b'"\r\n\r\n' + content
    )


@dataclass(frozen=True)
class Bad:
    route: Route
    url: str
    answers: set[int] | int
    json: Any = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] | None = None
    files: dict[str, Any] | None = None

    def send(self, client, auth: dict[str, str]):  # type: ignore[no-untyped-def]
        return client.request(
            self.route[0],
            self.url,
            headers={**auth, **self.headers},
            json=self.json,
            content=self.content,
            data=self.data,
            files=self.files,
        )

    @property
    def allowed(self) -> set[int]:
        return self.answers if isinstance(self.answers, set) else {self.answers}


CSV = ("a.csv", b"email\nx@example.com\n", "text/csv")
REQUESTS = {
    # POST /api/tokens
    "sign in: malformed JSON": Bad(
        TOKENS, "/api/tokens", MALFORMED, content=b'{"email": ', headers=JSON_TYPE
    ),
    "sign in: JSON array": Bad(TOKENS, "/api/tokens", 422, json=["a@example.com", "x"]),
    "sign in: JSON null": Bad(TOKENS, "/api/tokens", 422, content=b"null", headers=JSON_TYPE),
    "sign in: empty body": Bad(TOKENS, "/api/tokens", MALFORMED, content=b"", headers=JSON_TYPE),
    "sign in: email a number": Bad(TOKENS, "/api/tokens", 422, json={"email": 5, "password": "x"}),
    "sign in: no password": Bad(TOKENS, "/api/tokens", 422, json={"email": "a@example.com"}),
    "sign in: form-encoded": Bad(TOKENS, "/api/tokens", 422, data={"email": "a", "password": "b"}),
    "sign in: email of a megabyte": Bad(
        TOKENS, "/api/tokens", 422, json={"email": "a" * 1_000_000, "password": "x"}
    ),
    "sign in: NUL in the email": Bad(
        TOKENS, "/api/tokens", 401, json={"email": "a\x00@example.com", "password": "x"}
    ),
    "sign in: NUL as the password": Bad(
        TOKENS, "/api/tokens", 401, json={"email": "a@example.com", "password": "\x00"}
    ),
    "sign in: body not UTF-8": Bad(
        TOKENS,
        "/api/tokens",
        MALFORMED,
        content=b'{"email": "\xff", "password": "x"}',
        headers=JSON_TYPE,
    ),
    "sign in: deeply nested JSON": Bad(
        TOKENS, "/api/tokens", MALFORMED, content=b"[" * 100_000 + b"]" * 100_000, headers=JSON_TYPE
    ),
    # POST /api/imports
    "upload: JSON instead of multipart": Bad(
        UPLOAD, "/api/imports", 422, json={"kind": "contacts"}
    ),
    "upload: multipart without a boundary": Bad(
        UPLOAD,
        "/api/imports",
        MALFORMED,
        content=b"xx",
        headers={"content-type": "multipart/form-data"},
    ),
    "upload: multipart cut short": Bad(
        UPLOAD,
        "/api/imports",
        MALFORMED,
        content=b"--abc\r\n" + kind_part()[:40],
        headers=MULTIPART,
    ),
    "upload: no file part": Bad(UPLOAD, "/api/imports", 422, data={"kind": "contacts"}),
    "upload: no kind part": Bad(UPLOAD, "/api/imports", 422, files={"file": CSV}),
    "upload: file sent as a text field": Bad(
        UPLOAD, "/api/imports", 422, data={"kind": "contacts", "file": "email\n"}
    ),
    "upload: dry_run not a boolean": Bad(
        UPLOAD,
        "/api/imports",
        422,
        data={"kind": "contacts", "dry_run": "maybe"},
        files={"file": CSV},
    ),
    "upload: NUL in the kind": Bad(
        UPLOAD, "/api/imports", 422, data={"kind": "contacts\x00"}, files={"file": CSV}
    ),
    "upload: NUL in the file name": Bad(
        UPLOAD,
        "/api/imports",
        {202, 422},
        content=multipart(kind_part(), file_part(b"a\x00b.csv")),
        headers=MULTIPART,
    ),
    "upload: file name of 1500 characters": Bad(
        UPLOAD,
        "/api/imports",
        {202, 422},
        content=multipart(kind_part(), file_part(b"a" * 1500 + b".csv")),
        headers=MULTIPART,
    ),
    "upload: file name not UTF-8": Bad(
        UPLOAD,
        "/api/imports",
        {202, 422},
        content=multipart(kind_part(), file_part(b"\xff\xfe.csv")),
        headers=MULTIPART,
    ),
    "upload: empty file name": Bad(
        UPLOAD,
        "/api/imports",
        {202, 422},
        content=multipart(kind_part(), file_part(b"")),
        headers=MULTIPART,
    ),
    # GET /api/imports/{id}, its error file, its undo
    "import id not a number": Bad(IMPORT, "/api/imports/abc", {404, 422}),
    "import id a fraction": Bad(IMPORT, "/api/imports/1.5", {404, 422}),
    "import id negative": Bad(IMPORT, "/api/imports/-1", 404),
    "import id zero": Bad(IMPORT, "/api/imports/0", 404),
    "import id past 32 bits": Bad(IMPORT, "/api/imports/2147483648", 404),
    "import id past 64 bits": Bad(IMPORT, "/api/imports/999999999999999999999", 404),
    "error file of an id not a number": Bad(ERRORS_CSV, "/api/imports/abc/errors.csv", {404, 422}),
    "error file of an id past 32 bits": Bad(ERRORS_CSV, "/api/imports/2147483648/errors.csv", 404),
    "error file of an id past 64 bits": Bad(
        ERRORS_CSV, "/api/imports/999999999999999999999/errors.csv", 404
    ),
    "undo of an id not a number": Bad(UNDO, "/api/imports/abc/undo", {404, 422}),
    "undo of an id past 32 bits": Bad(UNDO, "/api/imports/2147483648/undo", 404),
    "undo of an id past 64 bits": Bad(UNDO, "/api/imports/999999999999999999999/undo", 404),
    "undo with dry_run not a boolean": Bad(UNDO, "/api/imports/1/undo?dry_run=maybe", 422),
    # GET /api/contacts
    "contacts: negative page": Bad(CONTACTS, "/api/contacts?page=-1", 422),
    "contacts: page not a number": Bad(CONTACTS, "/api/contacts?page=abc", 422),
    "contacts: page past 64 bits": Bad(CONTACTS, "/api/contacts?page=999999999999999999999", 422),
    "contacts: per_page past 64 bits": Bad(
        CONTACTS, "/api/contacts?per_page=999999999999999999999", 422
    ),
    "contacts: the last page there can be": Bad(
        CONTACTS, "/api/contacts?page=1000000&per_page=500", 200
    ),
    "contacts: search of 10 000 characters": Bad(CONTACTS, "/api/contacts?q=" + "a" * 10_000, 422),
    "contacts: NUL in the search": Bad(CONTACTS, "/api/contacts?q=a%00b", {200, 422}),
    "contacts: NUL in the label": Bad(CONTACTS, "/api/contacts?label=a%00b", {200, 422}),
    "contacts: search not UTF-8": Bad(CONTACTS, "/api/contacts?q=%ff%fe", {200, 422}),
    "contacts: label not UTF-8": Bad(CONTACTS, "/api/contacts?label=%ff", {200, 422}),
    # GET /api/contacts/{email}
    "contact: NUL in the email": Bad(CONTACT, "/api/contacts/a%00b@example.com", 404),
    "contact: email of 5000 characters": Bad(
        CONTACT, "/api/contacts/" + "a" * 5000 + "@example.com", 404
    ),
    "contact: email not UTF-8": Bad(CONTACT, "/api/contacts/%ff%fe@example.com", 404),
    "contact: an encoded surrogate": Bad(CONTACT, "/api/contacts/%ED%A0%80@example.com", 404),
    "contact: an ID past 64 bits": Bad(CONTACT, "/api/contacts/99999999999999999999999", 404),
    # PATCH /api/contacts/{contact}
    "change: malformed JSON": Bad(
        CHANGE, "/api/contacts/1", MALFORMED, content=b'{"first_name": ', headers=JSON_TYPE
    ),
    "change: labels not a list": Bad(CHANGE, "/api/contacts/1", {404, 422}, json={"labels": "A"}),
    "change: company_id a word": Bad(
        CHANGE, "/api/contacts/1", {404, 422}, json={"company_id": "acme"}
    ),
    "change: no such contact": Bad(CHANGE, "/api/contacts/424242", 404, json={}),
    "change: an unknown field named with a lone surrogate": Bad(
        CHANGE,
        "/api/contacts/1",
        {404, 422},
        content=b'{"custom_fields": {"\\ud800": "x"}}',
        headers=JSON_TYPE,
    ),
    # POST /api/labels, /api/companies, /api/fields
    "label: malformed JSON": Bad(
        LABELS, "/api/labels", MALFORMED, content=b'{"name": "A"', headers=JSON_TYPE
    ),
    "label: body not UTF-8": Bad(
        LABELS, "/api/labels", MALFORMED, content=b'{"name": "\xff"}', headers=JSON_TYPE
    ),
    "label: a JSON string": Bad(LABELS, "/api/labels", 422, json="VIP"),
    "label: name a number": Bad(LABELS, "/api/labels", 422, json={"name": 5}),
    "label: name a list": Bad(LABELS, "/api/labels", 422, json={"name": ["a"]}),
    "label: name of 10 000 characters": Bad(
        LABELS, "/api/labels", 422, json={"name": "x" * 10_000}
    ),
    "label: NUL in the name": Bad(LABELS, "/api/labels", 422, json={"name": "a\x00b"}),
    "label: an escaped lone surrogate": Bad(
        LABELS, "/api/labels", 422, content=b'{"name": "\\ud800"}', headers=JSON_TYPE
    ),
    "company: NUL in the name": Bad(COMPANIES, "/api/companies", 422, json={"name": "a\x00b"}),
    "company: NUL in the domain": Bad(
        COMPANIES, "/api/companies", 422, json={"name": "X", "domain": "x\x00.example"}
    ),
    "company: domain of 300 characters": Bad(
        COMPANIES, "/api/companies", 422, json={"name": "X", "domain": "a" * 300 + ".com"}
    ),
    "field: NUL in the title": Bad(
        FIELDS, "/api/fields", 422, json={"variable_name": "abc", "title": "a\x00"}
    ),
    "field: variable name null": Bad(FIELDS, "/api/fields", 422, json={"variable_name": None}),
    "field: variable name of 10 000 characters": Bad(
        FIELDS, "/api/fields", 422, json={"variable_name": "x" * 10_000}
    ),
    "field: 10 000 options": Bad(
        FIELDS,
        "/api/fields",
        422,
        json={"variable_name": "x", "type": "select", "options": ["o"] * 10_000},
    ),
    "field: options of mixed types": Bad(
        FIELDS,
        "/api/fields",
        422,
        json={"variable_name": "x", "type": "select", "options": ["a", 1, None]},
    ),
    # credentials
    "a token of 100 000 characters": Bad(
        LIST_LABELS, "/api/labels", 401, headers={"Authorization": "Bearer " + "x" * 100_000}
    ),
    "a token with a NUL": Bad(
        LIST_LABELS, "/api/labels", 401, headers={"Authorization": "Bearer a\x00b"}
    ),
}


@pytest.mark.parametrize("request_", REQUESTS.values(), ids=REQUESTS.keys())
def test_malformed_request_gets_a_documented_4xx(client, admin, request_):
    answer = request_.send(client, admin)

    assert answer.status_code in request_.allowed, answer.text
    assert_documented_answer(request_.route, answer)


def test_the_api_still_answers_after_the_malformed_requests(client, admin):
    for request_ in REQUESTS.values():
        request_.send(client, admin)

    assert client.get("/api/contacts", headers=admin).status_code == 200
    assert client.post("/api/labels", headers=admin, json={"name": "Still"}).status_code == 201


NOT_AN_ENDPOINT = {
    "unknown path": ("GET", "/api/nope", 404),
    "wrong method": ("PUT", "/api/tokens/current", 405),
    "GET on a POST-only path": ("GET", "/api/tokens", 405),
}


@pytest.mark.parametrize("method,url,status", NOT_AN_ENDPOINT.values(), ids=NOT_AN_ENDPOINT.keys())
def test_what_is_not_an_endpoint_is_404_or_405(client, admin, method, url, status):
    assert client.request(method, url, headers=admin).status_code == status


# -- arbitrary input (Hypothesis) ------------------------------------------------------------------

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
BODY_KEYS = st.sampled_from(
    ["name", "domain", "variable_name", "type", "options", "title", "email", "password"]
)
JSON_BODIES = (
    st.dictionaries(BODY_KEYS | st.text(max_size=8), JSON_VALUES, max_size=5) | JSON_VALUES
)


@pytest.mark.parametrize("route", [TOKENS, LABELS, COMPANIES, FIELDS], ids=" ".join)
def test_arbitrary_json_bodies_get_documented_answers(client, admin, route):
    @FUZZ
    @given(body=JSON_BODIES)
    def check(body: Any) -> None:
        answer = client.post(route[1], headers=admin, content=json.dumps(body), params=None)
        assert_documented_answer(route, answer)

    check()


USER_BODIES = st.dictionaries(
    st.sampled_from(["email", "password", "temporary_password", "role", "active", "first_name"]),
    JSON_VALUES,
    max_size=4,
)


@pytest.mark.parametrize(
    ("route", "url"), [(ADD_USER, "/api/users"), (CHANGE_USER, "/api/users/999")], ids=" ".join
)
def test_arbitrary_user_bodies_get_documented_answers(client, admin, route, url):
    @FUZZ
    @given(body=USER_BODIES | JSON_VALUES)
    def check(body: Any) -> None:
        answer = client.request(route[0], url, headers={**JSON_TYPE, **admin}, json=body)
        assert_documented_answer(route, answer)
        assert "$argon2" not in answer.text

    check()


CHANGES = st.fixed_dictionaries(
    {},
    optional={
        key: JSON_VALUES | st.dictionaries(st.sampled_from(["plan", "nope", "\x00"]), JSON_VALUES)
        for key in ("first_name", "last_name", "company_id", "labels", "custom_fields")
    },
)


def test_arbitrary_contact_changes_get_documented_answers(client, admin, store, write_csv):
    from rolodex.importing.kinds import import_file
    from rolodex.importing.options import ImportOptions
    from rolodex.services import catalog

    catalog.add_field(store, "plan", "select", ["basic", "pro"])
    import_file("contacts", write_csv("email\nann@example.com\n"), store, ImportOptions())

    @FUZZ
    @given(body=CHANGES | JSON_BODIES)
    def check(body: Any) -> None:
        answer = client.patch("/api/contacts/ann@example.com", headers=admin, json=body)
        assert_documented_answer(CHANGE, answer)

    check()


QUERY = st.dictionaries(
    st.sampled_from(["q", "label", "page", "per_page"]),
    st.text(max_size=30) | st.integers().map(str),
    max_size=4,
)


def test_arbitrary_contact_queries_get_documented_answers(client, admin):
    @FUZZ
    @given(params=QUERY)
    def check(params: dict[str, str]) -> None:
        assert_documented_answer(
            CONTACTS, client.get("/api/contacts", headers=admin, params=params)
        )

    check()


SEGMENT = st.text(min_size=1, max_size=40).filter(lambda s: s not in {".", ".."})


@pytest.mark.parametrize(
    "route,template",
    [
        (CONTACT, "/api/contacts/{}"),
        (IMPORT, "/api/imports/{}"),
        (ERRORS_CSV, "/api/imports/{}/errors.csv"),
    ],
    ids=["contact", "import", "error file"],
)
def test_arbitrary_path_segments_get_documented_answers(client, admin, route, template):
    from urllib.parse import quote

    @FUZZ
    @given(segment=SEGMENT | st.integers().map(str))
    def check(segment: str) -> None:
        url = template.format(quote(segment, safe=""))
        assert_documented_answer(route, client.get(url, headers=admin))

    check()


# -- /openapi.json ---------------------------------------------------------------------------------

# Each endpoint, its success answer and the errors that apply to it
# (docs/api.md#answers-and-errors).
ANSWERS: dict[Route, tuple[int, set[int]]] = {
    ("POST", "/api/tokens"): (201, {401, 422}),
    ("DELETE", "/api/tokens/current"): (204, {401}),
    ("POST", "/api/imports"): (202, {401, 403, 413, 422}),
    ("GET", "/api/imports"): (200, {401}),
    ("GET", "/api/imports/{import_id}"): (200, {401, 404, 422}),
    ("GET", "/api/imports/{import_id}/errors.csv"): (200, {401, 404, 422}),
    ("POST", "/api/imports/{import_id}/undo"): (200, {401, 403, 404, 422}),
    ("GET", "/api/contacts"): (200, {401, 422}),
    ("GET", "/api/contacts/{contact}"): (200, {401, 404}),
    ("PATCH", "/api/contacts/{contact}"): (200, {400, 401, 403, 404, 413, 422}),
    ("GET", "/api/export/contacts.csv"): (200, {401, 422}),
    ("GET", "/api/labels"): (200, {401, 422}),
    ("POST", "/api/labels"): (201, {401, 403, 422}),
    ("PATCH", "/api/labels/{label_id}"): (200, {401, 403, 404, 409, 422}),
    ("DELETE", "/api/labels/{label_id}"): (200, {401, 403, 404, 422}),
    ("GET", "/api/companies"): (200, {401, 422}),
    ("POST", "/api/companies"): (201, {401, 403, 409, 422}),
    ("PATCH", "/api/companies/{company_id}"): (200, {401, 403, 404, 409, 422}),
    ("DELETE", "/api/companies/{company_id}"): (200, {401, 403, 404, 422}),
    ("GET", "/api/fields"): (200, {401}),
    ("POST", "/api/fields"): (201, {401, 403, 422}),
    ("GET", "/api/users"): (200, {401, 403}),
    ("POST", "/api/users"): (201, {401, 403, 409, 413, 422}),
    ("PATCH", "/api/users/{user_id}"): (200, {401, 403, 404, 409, 413, 422}),
    ("PATCH", "/api/fields/{field_id}"): (200, {401, 403, 404, 409, 422}),
    ("GET", "/api/templates/contacts.csv"): (200, {401}),
    ("GET", "/api/templates/contacts.xlsx"): (200, {401}),
    ("GET", "/api/templates/users.csv"): (200, {401, 403}),
    ("GET", "/api/templates/users.xlsx"): (200, {401, 403}),
}


def test_openapi_is_served(client):
    answer = client.get("/openapi.json")

    assert answer.status_code == 200
    assert answer.json() == openapi()


def test_every_api_endpoint_is_described_here():
    described = {
        (method.upper(), path)
        for path, operations in openapi()["paths"].items()
        if path.startswith("/api")
        for method in operations
    }

    assert described == set(ANSWERS)


@pytest.mark.parametrize("route", sorted(ANSWERS), ids=" ".join)
def test_openapi_lists_each_endpoints_answers(route):
    success, errors = ANSWERS[route]

    listed = {int(code) for code in documented(route)}

    assert success in listed
    assert errors <= listed, f"missing: {sorted(errors - listed)}"


@pytest.mark.parametrize("route", sorted(ANSWERS), ids=" ".join)
def test_openapi_error_bodies_are_the_bodies_the_api_sends(route):
    """Every error answers ``{"error": "..."}`` (docs/api.md#answers-and-errors)."""
    errors = {int(code) for code in documented(route) if int(code) >= 400}

    shapes = {code: body_keys(route, code) for code in errors}

    assert shapes == {code: {"error"} for code in errors}


@pytest.mark.parametrize(
    "route",
    [("GET", "/api/export/contacts.csv"), ("GET", "/api/imports/{import_id}/errors.csv")],
    ids=" ".join,
)
def test_openapi_says_the_csv_endpoints_answer_csv(route):
    assert "text/csv" in documented(route)["200"]["content"]


# -- one error shape (docs/api.md#answers-and-errors) -------------------------------------------

FRAMEWORK_REFUSALS = {
    "no such endpoint": ("GET", "/api/no-such-thing", None, 404),
    "wrong method": ("PUT", "/api/labels", None, 405),
    "body that is not JSON": ("POST", "/api/tokens", b"{not json", 422),
    "body of the wrong type": ("POST", "/api/tokens", b'{"email": 1}', 422),
}


@pytest.mark.parametrize(
    "method,url,content,status", FRAMEWORK_REFUSALS.values(), ids=FRAMEWORK_REFUSALS.keys()
)
def test_the_frameworks_own_refusals_answer_the_one_error_shape(
    client, admin, method, url, content, status
):
    answer = client.request(method, url, content=content, headers={**JSON_TYPE, **admin})

    assert answer.status_code == status, answer.text
    assert set(answer.json()) == {"error"}, answer.text
    assert answer.json()["error"]


def test_every_documented_error_of_every_route_is_the_shared_error_body():
    for path, operations in openapi()["paths"].items():
        for method, operation in operations.items():
            for code, answer in operation["responses"].items():
                if int(code) >= 400:
                    schema = answer["content"]["application/json"]["schema"]
                    # An import's 422 says more: the columns that bind to nothing.
                    more = (path, method, code) == ("/api/imports", "post", "422")
                    body = "ImportFileProblem" if more else "ErrorBody"
                    assert schema == {"$ref": f"#/components/schemas/{body}"}, (method, path)


def test_a_refusal_outside_the_api_is_still_a_page(client):
    answer = client.get("/no-such-page")

    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
