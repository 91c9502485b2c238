"""What one SMTP client may cost the listener (docs/mail.md#limits), over real loopback SMTP.

Sessions at once, recipients per message, message size and contacts per message are all
capped (``MailLimits``, settings ``ROLODEX_SMTP_*``); past a cap the client hears the SMTP
answer that says so — ``421``, ``452``, ``552`` — and the listener goes on serving others.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable, Iterator

import pytest

from rolodex.config import MailLimits
from rolodex.mail.senders import mailbox_keys_of
from rolodex.mail.smtp import make_controller
from rolodex.store import contacts as read
from tests.helpers import free_port

MAILBOX = "support@acme.example"
Listen = Callable[[MailLimits], int]


@pytest.fixture
def listen(store) -> Iterator[Listen]:
    """Start the real listener with the limits given; stopped at the end of the test."""
    started = []

    def start(limits: MailLimits) -> int:
        port = free_port()
        controller = make_controller(store, mailbox_keys_of([MAILBOX]), "127.0.0.1", port, limits)
        controller.start()
        started.append(controller)
        return port

    yield start
    for controller in started:
        controller.stop()


def client(port: int) -> smtplib.SMTP:
    connection = smtplib.SMTP("127.0.0.1", port, timeout=30)
    connection.ehlo("tester.example")
    return connection


def contacts(store) -> set[str]:
    with store.read() as conn:
        return {view.email for view in read.every(conn)}


def test_rcpt_past_the_cap_is_452_and_the_message_still_goes_to_the_rest(listen, store):
    port = listen(MailLimits(max_recipients=100))
    started = time.monotonic()
    with client(port) as smtp:
        smtp.mail("sender@example.com")
        codes = [smtp.rcpt(MAILBOX)[0] for _ in range(5_000)]
        code, _ = smtp.data(b"From: Jane Doe <jane@example.com>\r\nSubject: hi\r\n\r\nHello\r\n")
    elapsed = time.monotonic() - started

    assert codes[:100] == [250] * 100
    assert set(codes[100:]) == {452}
    assert code == 250
    assert contacts(store) == {"jane@example.com"}
    assert elapsed < 60


def test_the_size_is_announced_and_a_larger_message_is_552(listen, store):
    port = listen(MailLimits(max_message_bytes=100_000))
    big = b"From: jane@example.com\r\nSubject: big\r\n\r\n" + b"x" * 76 + b"\r\n"
    big *= 2_000

    with client(port) as smtp:
        assert smtp.esmtp_features["size"] == "100000"
        with pytest.raises(smtplib.SMTPSenderRefused) as declared:
            smtp.sendmail("sender@example.com", [MAILBOX], big)  # MAIL FROM … SIZE=
        assert declared.value.smtp_code == 552
        smtp.rset()
        smtp.mail("sender@example.com")  # no SIZE: the data itself goes past the cap
        smtp.rcpt(MAILBOX)
        code, _ = smtp.data(big)

    assert code == 552
    assert contacts(store) == set()


def test_the_default_size_cap_is_announced(listen):
    port = listen(MailLimits())
    with client(port) as smtp:
        assert int(smtp.esmtp_features["size"]) == 10 * 1024 * 1024


def test_a_session_past_the_cap_is_421_and_a_freed_slot_serves_again(listen):
    port = listen(MailLimits(max_sessions=3))
    held = [client(port) for _ in range(3)]

    with pytest.raises(smtplib.SMTPConnectError) as refused:
        smtplib.SMTP("127.0.0.1", port, timeout=30)
    assert refused.value.smtp_code == 421

    held.pop().quit()
    deadline = time.monotonic() + 10
    while True:
        try:
            again = smtplib.SMTP("127.0.0.1", port, timeout=30)
            break
        except smtplib.SMTPConnectError:
            assert time.monotonic() < deadline, "the freed session was never given back"
            time.sleep(0.05)
    assert again.noop()[0] == 250
    again.quit()
    for smtp in held:
        smtp.quit()


def test_a_message_with_1400_cc_makes_at_most_the_cap_of_contacts(listen, store):
    port = listen(MailLimits(max_contacts_per_message=50))
    cc = ",\r\n ".join(f"person{n}@example.com" for n in range(1_400))  # folded lines
    raw = f"From: Jane Doe <jane@example.com>\r\nCc: {cc}\r\nSubject: hi\r\n\r\nHello\r\n"

    with client(port) as smtp:
        assert smtp.sendmail("sender@example.com", [MAILBOX], raw.encode()) == {}

    made = contacts(store)
    assert len(made) == 50
    assert "jane@example.com" in made  # From first
