"""Users import speed: 1,000 new users against the ideal of 1,000 × one hash ÷ cores."""

from __future__ import annotations

import time
from pathlib import Path

from bench.bench_hashing import one_hash_seconds
from rolodex.importing.kinds import import_file
from rolodex.importing.options import ImportOptions
from rolodex.security.passwords import HashingPool
from rolodex.store.store import Store


def users_file(path: Path, rows: int) -> Path:
    lines = ["email,first_name,last_name,password,active"]
    lines += [f"agent{i}@example.com,Agent,{i},password-{i:06d},true" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(url: str, workdir: Path, rows: int = 1000) -> dict[str, float]:
    path = users_file(workdir / "users.csv", rows)
    one = one_hash_seconds()
    store = Store.open(url)
    try:
        start = time.perf_counter()
        with HashingPool() as pool:
            report = import_file("users", path, store, ImportOptions(), pool=pool)
            cores = pool.processes
        seconds = time.perf_counter() - start
    finally:
        store.close()
    if report.counts.created != rows:
        raise SystemExit(f"users: expected {rows} created, got {report.as_dict()}")
    ideal = rows * one / cores
    return {"rows": rows, "seconds": seconds, "ideal": ideal, "ratio": seconds / ideal}
