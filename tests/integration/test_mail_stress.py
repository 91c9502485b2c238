"""Inbound mail under stress (docs/mail.md#sources): a mailbox of 100,000 messages with duplicate
and malformed senders and one 1 MB header gives exactly the unique valid senders as contacts, and a
run killed part-way, run again, ends in the same state."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

MESSAGES = 100_000
SENDERS = 5_000
ROLODEX = Path(sys.executable).with_name("rolodex")


def sender(i: int) -> bytes:
    """Every message is from one of SENDERS people (in varying case); some are broken."""
    person = i % SENDERS
    if i % 997 == 0:
        return b"From: Broken <no-at-sign.example>"
    if i % 1_009 == 0:
        return b"From: \xff\xfe garbage <\x00@>"
    spelled = f"Person{person}@Example.COM" if i % 2 else f"person{person}@example.com"
    return f"From: Person {person} <{spelled}>".encode()


def write_mbox(path: Path) -> Path:
    with path.open("wb") as out:
        for i in range(MESSAGES):
            out.write(b"From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n")
            out.write(sender(i) + b"\n")
            if i == 50_000:
                out.write(b"Cc: " + b"x" * (1 << 20) + b"\n")
            out.write(b"To: help@desk.example\nSubject: hello\n\nBody line.\n\n")
    return path


def contacts(url: str) -> set[str]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        found = {row[0] for row in conn.execute(text("SELECT email_key FROM contacts"))}
    engine.dispose()
    return found


def ingest(url: str, mbox: Path, tmp_path: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROLODEX_")}
    env["HOME"] = str(tmp_path)
    return subprocess.Popen(
        [
            str(ROLODEX),
            "--db",
            url,
            "mail",
            "ingest",
            str(mbox),
            "--json",
            "--mailbox",
            "help@desk.example",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


EXPECTED = {f"person{p}@example.com" for p in range(SENDERS)}


@pytest.mark.slow
def test_a_hundred_thousand_messages_give_the_unique_valid_senders(db_url, tmp_path):
    mbox = write_mbox(tmp_path / "big.mbox")
    process = ingest(db_url, mbox, tmp_path)
    stdout, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr
    summary = json.loads(stdout)
    assert summary["messages"] == MESSAGES
    assert summary["contacts_created"] == SENDERS
    assert summary["skipped"] > 0 and "Traceback" not in stderr
    assert contacts(db_url) == EXPECTED


@pytest.mark.slow
def test_a_killed_ingest_run_again_ends_in_the_same_state(db_url, tmp_path):
    mbox = write_mbox(tmp_path / "big.mbox")
    process = ingest(db_url, mbox, tmp_path)
    for _ in range(1200):
        time.sleep(0.05)
        if process.poll() is not None:
            break
        try:
            if len(contacts(db_url)) >= 1_000:
                break
        except Exception:  # the schema may not exist for the first few moments
            continue
    process.send_signal(signal.SIGKILL)
    process.communicate()
    partial = contacts(db_url)
    assert partial <= EXPECTED

    again = ingest(db_url, mbox, tmp_path)
    stdout, stderr = again.communicate(timeout=600)
    assert again.returncode == 0, stderr
    assert json.loads(stdout)["contacts_created"] == SENDERS - len(partial)
    assert contacts(db_url) == EXPECTED
