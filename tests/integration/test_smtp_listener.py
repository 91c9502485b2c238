"""The inbound SMTP listener (docs/mail.md#sources), on SQLite and PostgreSQL.

Real mail over loopback with ``smtplib``: a message for one of the mailbox's addresses is
accepted and the addresses of its ``From``, ``Reply-To`` and ``Cc`` headers are stored as
contacts with ``source`` ``email`` — never the mailbox's own, never the envelope sender. Any
other recipient is refused with 550, so the listener is no open relay. A message whose
headers give no usable sender is still accepted and simply stores nothing. The last test runs
the installed ``rolodex smtp`` console script as a user would.
"""

from __future__ import annotations

import json
import os
import smtplib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rolodex.mail.senders import mailbox_keys_of
from rolodex.mail.smtp import make_controller
from rolodex.store import contacts as read
from tests.helpers import free_port, message

MAILBOX = "support@acme.example"
SECOND = "help@acme.example"
ROLODEX = Path(sys.executable).parent / "rolodex"


@pytest.fixture
def port(store) -> Iterator[int]:
    """The listener, in-process, for ``support@`` and ``help@acme.example``."""
    chosen = free_port()
    controller = make_controller(store, mailbox_keys_of([MAILBOX, SECOND]), "127.0.0.1", chosen)
    controller.start()
    try:
        yield chosen
    finally:
        controller.stop()


def send(port: int, raw: bytes, to: list[str], envelope_from: str = "bounce@lists.example"):
    """Send one message; returns what ``sendmail`` returns: the refused recipients."""
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        return client.sendmail(envelope_from, to, raw)


def stored(store) -> dict[str, tuple[str | None, str | None, str]]:
    """Every contact as ``email → (first_name, last_name, source)``."""
    with store.read() as conn:
        return {v.email: (v.first_name, v.last_name, v.source) for v in read.every(conn)}


def test_mail_for_the_mailbox_stores_its_from_reply_to_and_cc_senders(port, store, cli):
    raw = message(
        'From: "Doe, Jane" <jane@example.com>',
        "Reply-To: =?utf-8?q?Ren=C3=A9e_Dupont?= <renee@example.com>",
        f"To: {MAILBOX}, Tom <tom@example.com>",
        "Cc: Carl Cole <carl@example.com>",
    )

    refused = send(port, raw, [MAILBOX])

    assert refused == {}
    assert stored(store) == {
        "jane@example.com": ("Jane", "Doe", "email"),
        "renee@example.com": ("Renée", "Dupont", "email"),
        "carl@example.com": ("Carl", "Cole", "email"),
    }
    shown = cli.json("contacts", "show", "JANE@example.com")
    assert (shown["email"], shown["first_name"], shown["last_name"], shown["source"]) == (
        "jane@example.com",
        "Jane",
        "Doe",
        "email",
    )


@pytest.mark.parametrize(
    "recipient",
    [
        pytest.param(MAILBOX, id="the-mailbox"),
        pytest.param(SECOND, id="its-second-address"),
        pytest.param("Support@ACME.example", id="other-case"),
    ],
)
def test_every_mailbox_address_is_accepted(port, store, recipient):
    refused = send(port, message("From: jane@example.com"), [recipient])

    assert refused == {}
    assert set(stored(store)) == {"jane@example.com"}


@pytest.mark.parametrize(
    "recipient",
    [
        pytest.param("someone@elsewhere.example", id="another-domain"),
        pytest.param("sales@acme.example", id="same-domain-other-mailbox"),
        pytest.param("support@acme.example.evil.example", id="lookalike-domain"),
    ],
)
def test_any_other_recipient_is_refused_with_550_and_nothing_is_stored(port, store, recipient):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(port, message("From: Jane Doe <jane@example.com>"), [recipient])

    code, _ = refused.value.recipients[recipient]
    assert code == 550
    assert stored(store) == {}


def test_mixed_recipients_the_others_are_refused_and_the_mail_is_still_stored(port, store):
    refused = send(port, message("From: jane@example.com"), ["someone@elsewhere.example", MAILBOX])

    assert list(refused) == ["someone@elsewhere.example"]
    assert refused["someone@elsewhere.example"][0] == 550
    assert set(stored(store)) == {"jane@example.com"}


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(["From: customer@example.com", f"Cc: {MAILBOX}"], id="in-cc"),
        pytest.param(
            ["From: customer@example.com", "Cc: Acme Help <HELP@Acme.Example>"], id="cc-cased"
        ),
        pytest.param(
            ["From: customer@example.com", f"Reply-To: Acme Support <{MAILBOX}>"], id="in-reply-to"
        ),
        pytest.param([f"From: {MAILBOX}", "Cc: customer@example.com"], id="in-from"),
    ],
)
def test_the_mailbox_own_addresses_are_never_stored(port, store, headers):
    refused = send(port, message(*headers), [MAILBOX])

    assert refused == {}
    assert set(stored(store)) == {"customer@example.com"}


def test_the_envelope_sender_is_not_a_contact_only_the_headers_are(port, store):
    send(port, message("From: jane@example.com"), [MAILBOX], envelope_from="bounce@lists.example")

    assert set(stored(store)) == {"jane@example.com"}


def test_an_existing_contact_keeps_its_names_and_source(port, store, cli, tmp_path):
    csv = tmp_path / "existing.csv"
    csv.write_text("email,first_name,last_name\njane@example.com,Janet,\n", encoding="utf-8")
    assert cli.json("import", "contacts", csv)["created"] == 1

    send(port, message("From: Jane Doe <jane@example.com>"), [MAILBOX])

    assert stored(store) == {"jane@example.com": ("Janet", "Doe", "import")}


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(message("From: Jane Doe"), id="name-without-address"),
        pytest.param(message("From: jane@@example..com"), id="invalid-address"),
        pytest.param(message("From: <<<>>>"), id="broken-angles"),
        pytest.param(message(b"From: \x8f\xff <\xff\xfe@example.com>"), id="8bit-garbage"),
        pytest.param(message("To: support@acme.example"), id="no-from-header"),
        pytest.param(b"no headers at all\r\n", id="no-headers"),
    ],
)
def test_a_message_with_a_malformed_sender_is_accepted_and_stores_nothing(port, store, raw):
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.ehlo()
        assert client.mail("bounce@lists.example")[0] == 250
        assert client.rcpt(MAILBOX)[0] == 250
        code, _ = client.data(raw)

    assert code == 250
    assert stored(store) == {}


def test_the_listener_keeps_serving_after_a_malformed_message(port, store):
    send(port, message("From: <<<>>>"), [MAILBOX])
    send(port, message("From: Jane Doe <jane@example.com>"), [MAILBOX])

    assert stored(store) == {"jane@example.com": ("Jane", "Doe", "email")}


# --- the console script ------------------------------------------------------------------


def wait_until_listening(process: subprocess.Popen[str], port: int) -> None:
    """Poll until the port takes a connection; fail at once if the process has ended."""
    for _ in range(600):
        if process.poll() is not None:
            pytest.fail(f"rolodex smtp ended with {process.returncode}: {process.stderr.read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail("rolodex smtp never listened")


@pytest.fixture(params=["smtp", "serve"])
def smtp_process(request, tmp_path) -> Iterator[tuple[int, str, dict[str, str]]]:
    """``rolodex --db sqlite:///… smtp --port P --mailbox support@acme.example`` running —
    or ``rolodex serve``, which runs the same listener beside the web app."""
    assert ROLODEX.is_file(), f"the console script is not installed at {ROLODEX}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROLODEX_")}
    env["HOME"] = str(tmp_path)
    url = f"sqlite:///{tmp_path / 'rolodex.db'}"
    chosen = free_port()
    command = (
        ["smtp", "--port", str(chosen)]
        if request.param == "smtp"
        else ["serve", "--port", str(free_port()), "--smtp-port", str(chosen)]
    )
    process = subprocess.Popen(
        [str(ROLODEX), "--db", url, *command, "--mailbox", MAILBOX],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_listening(process, chosen)
        yield chosen, url, env
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_the_rolodex_smtp_command_stores_the_sender_of_real_mail(smtp_process, tmp_path):
    port, url, env = smtp_process

    refused = send(port, message("From: Jane Doe <jane@example.com>", f"To: {MAILBOX}"), [MAILBOX])

    assert refused == {}
    shown = subprocess.run(
        [str(ROLODEX), "--db", url, "contacts", "show", "jane@example.com", "--json"],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stderr
    contact = json.loads(shown.stdout)
    assert (contact["email"], contact["first_name"], contact["last_name"], contact["source"]) == (
        "jane@example.com",
        "Jane",
        "Doe",
        "email",
    )
