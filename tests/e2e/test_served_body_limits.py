"""Body limits against a real ``rolodex serve`` (docs/api.md#request-limits).

The review sent a chunked 300 MiB upload without a token to ``/api/imports``: 401 came only
after ~285 MiB had reached the temp directory; ``POST /login`` took file parts and wrote
280 MiB. Here each attack streams up to 300 MiB of chunks over a raw socket and stops as
soon as the server answers or stops reading; the server must answer (401, 413 or 415)
within a few seconds, having read at most a few MiB (the file limit is 1 MiB here), and
hold no more than the upload's allowance (the file limit plus the form's room around it) in
its temp directory at any moment.
"""

from __future__ import annotations

import json
import select
import socket
import time
import urllib.request
from dataclasses import dataclass
from itertools import chain, repeat
from pathlib import Path

import pytest

from rolodex.web.app import FORM_ROOM

from .served import ADMIN, Served, serve

pytestmark = pytest.mark.slow

FILE_LIMIT = 1024 * 1024
ATTACK_BYTES = 300 * 1024 * 1024
CHUNK = 64 * 1024
ANSWER_WITHIN_SECONDS = 10
SENT_AT_MOST = 16 * 1024 * 1024
"""What may leave the client before it sees the refusal: the file limit plus the kernel's
socket buffers on both sides (a few MiB on loopback); far below the 300 MiB attempted."""
MULTIPART = "multipart/form-data; boundary=xyz"
FILE_PART = (
    b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
    b"Content-Type: text/csv\r\n\r\nemail\r\n"
)


@dataclass(frozen=True)
class Outcome:
    status: int
    sent: int
    seconds: float
    peak_spooled: int


@pytest.fixture
def server(tmp_path: Path):  # type: ignore[no-untyped-def]
    with serve(tmp_path, ROLODEX_MAX_UPLOAD_BYTES=str(FILE_LIMIT)) as served:
        yield served


def token(served: Served) -> str:
    body = json.dumps({"email": ADMIN[0], "password": ADMIN[1]}).encode()
    request = urllib.request.Request(
        served.url + "/api/tokens", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return str(json.loads(answer.read())["token"])


def stream(served: Served, path: str, headers: dict[str, str], chunked: bool = True) -> Outcome:
    """Send ``ATTACK_BYTES`` of body (chunked, or as declared by Content-Length) until the
    server answers or stops reading; the answer's status and what it cost."""
    started, sent, peak = time.monotonic(), 0, 0
    framing = {"Transfer-Encoding": "chunked"} if chunked else {"Content-Length": str(ATTACK_BYTES)}
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", *_lines({**headers, **framing})]
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        first = FILE_PART + b"a" * (CHUNK - len(FILE_PART))
        for payload in chain([first], repeat(b"a" * CHUNK, ATTACK_BYTES // CHUNK - 1)):
            if time.monotonic() - started > ANSWER_WITHIN_SECONDS:
                break
            if select.select([sock], [], [], 0)[0]:
                break  # the server has answered
            frame = f"{CHUNK:x}\r\n".encode() + payload + b"\r\n" if chunked else payload
            try:
                sock.sendall(frame)
            except (BrokenPipeError, ConnectionResetError, TimeoutError):
                break  # the server stopped reading
            sent += CHUNK
            peak = max(peak, served.spooled_bytes())
        status = _status(sock)
    return Outcome(status, sent, time.monotonic() - started, peak)


def _lines(headers: dict[str, str]) -> list[str]:
    return [f"{name}: {value}" for name, value in headers.items()]


def _status(sock: socket.socket) -> int:
    sock.settimeout(ANSWER_WITHIN_SECONDS)
    first = b""
    while b"\r\n" not in first:
        data = sock.recv(4096)
        if not data:
            break
        first += data
    return int(first.split(b" ", 2)[1]) if first.startswith(b"HTTP/") else 0


def assert_refused_cheaply(served: Served, outcome: Outcome, statuses: set[int]) -> None:
    print(outcome)  # the figures, for ``pytest -s``
    assert outcome.status in statuses, outcome
    assert outcome.seconds < ANSWER_WITHIN_SECONDS, outcome
    assert outcome.sent < SENT_AT_MOST, outcome
    assert outcome.peak_spooled <= FILE_LIMIT + FORM_ROOM, outcome
    assert served.tmp_bytes() == 0
    assert served.process.poll() is None, "the server is still up"


def test_an_anonymous_chunked_upload_is_refused_before_it_is_read(server):
    outcome = stream(server, "/api/imports", {"Content-Type": MULTIPART})

    assert_refused_cheaply(server, outcome, {401})


def test_a_signed_in_chunked_upload_past_the_limit_is_413_as_it_arrives(server):
    auth = {"Authorization": f"Bearer {token(server)}", "Content-Type": MULTIPART}

    outcome = stream(server, "/api/imports", auth)

    assert_refused_cheaply(server, outcome, {413})


def test_a_declared_length_past_the_limit_is_413_before_a_byte_is_read(server):
    auth = {"Authorization": f"Bearer {token(server)}", "Content-Type": MULTIPART}

    outcome = stream(server, "/api/imports", auth, chunked=False)

    assert_refused_cheaply(server, outcome, {413})


def test_the_web_upload_of_an_anonymous_visitor_is_refused_before_it_is_read(server):
    outcome = stream(server, "/imports/preview", {"Content-Type": MULTIPART})

    assert_refused_cheaply(server, outcome, {303})  # to the sign-in page


@pytest.mark.parametrize(
    "content_type,statuses",
    [(MULTIPART, {415}), ("application/x-www-form-urlencoded", {413})],
    ids=["file parts", "a huge form"],
)
def test_the_sign_in_form_takes_a_small_urlencoded_body_only(server, content_type, statuses):
    outcome = stream(server, "/login", {"Content-Type": content_type})

    assert_refused_cheaply(server, outcome, statuses)
