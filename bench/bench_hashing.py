"""How fast rolodex hashes a bulk import's passwords
(ARCHITECTURE.md#hashing-passwords-on-every-core).

The goal: hashing ``n`` new users' passwords takes at most about 1.2 × (n × one hash ÷ cores).
The pool is timed from cold, start-up of the worker processes included, because that is what
an import pays.

Run it: ``python bench/bench_hashing.py [n]`` prints a small table.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

from rolodex.security.passwords import ARGON2_PARAMS, HashingPool, hash_password

GOAL_RATIO = 1.2


def one_hash_seconds(samples: int = 15) -> float:
    """Median time of one argon2id hash in this process, after one warm-up hash."""
    hash_password("warm-up")
    times = []
    for i in range(samples):
        start = time.perf_counter()
        hash_password(f"sample-{i}")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pool_seconds(n: int) -> tuple[float, int]:
    """Time to hash ``n`` distinct passwords through a fresh pool, and the pool's size."""
    secrets = [f"bench-password-{i}" for i in range(n)]
    start = time.perf_counter()
    with HashingPool() as pool:
        hashes = pool.hash_many(secrets)
    elapsed = time.perf_counter() - start
    assert len(hashes) == n
    return elapsed, pool.processes


def run(n: int = 1000) -> dict[str, float | int]:
    """Measure one hash, ``n`` hashes on every core, and their ratio to the ideal.

    The load average is recorded before and after: other work on the machine takes cores
    from the pool but not from the single-hash measurement, and inflates the ratio. After a
    clean run the 1-minute figure sits near the number of cores (the pool's own workers).
    """
    load = os.getloadavg()[0]
    one = one_hash_seconds()
    elapsed, cores = pool_seconds(n)
    load_after = os.getloadavg()[0]
    ideal = n * one / cores
    return {
        "n": n,
        "cores": cores,
        "load_avg_1m_before": load,
        "load_avg_1m_after": load_after,
        "memory_cost_kib": ARGON2_PARAMS.memory_cost,
        "time_cost": ARGON2_PARAMS.time_cost,
        "one_hash_ms": one * 1000,
        "ideal_s": ideal,
        "pool_s": elapsed,
        "ratio": elapsed / ideal,
    }


def render(result: dict[str, float | int]) -> str:
    """The result as a two-column table."""
    rows = [
        ("passwords", f"{result['n']}"),
        ("cores", f"{result['cores']}"),
        ("load average (1 min) before", f"{result['load_avg_1m_before']:.2f}"),
        ("load average (1 min) after", f"{result['load_avg_1m_after']:.2f}"),
        ("argon2id", f"m={result['memory_cost_kib']} KiB, t={result['time_cost']}, p=1"),
        ("one hash", f"{result['one_hash_ms']:.1f} ms"),
        ("ideal (n × hash ÷ cores)", f"{result['ideal_s']:.2f} s"),
        ("HashingPool, cold start", f"{result['pool_s']:.2f} s"),
        ("ratio (goal ≤ 1.2)", f"{result['ratio']:.3f}"),
    ]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


def main(argv: list[str]) -> int:
    n = int(argv[1]) if len(argv) > 1 else 1000
    result = run(n)
    print(render(result))
    return 0 if result["ratio"] <= GOAL_RATIO else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
