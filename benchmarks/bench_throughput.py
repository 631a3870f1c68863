"""In-process batch throughput: profiles per second over N generations of the examples (default 30), profile →
Word bytes through ``api.generate`` with one pack, serially and on threads sharing the pack's engine.

    python benchmarks/bench_throughput.py [--generations 30] [--threads 4] [--rounds 3]

Each round generates the examples in turn (their own language, dates pinned) until N documents are made; the
first round starts from a fresh process state (the pack loaded, nothing compiled yet: "cold"), the next ones reuse
the compiled templates, parsed markup and style ids ("warm"). The best warm round is printed, and the threaded
run's wall time (the GIL makes it a check of sharing more than a speed-up).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from balises.contract.profile import parse_profile  # noqa: E402
from balises.packs.loader import load_pack  # noqa: E402
from balises.safeyaml import load_data_file  # noqa: E402
from balises.services.generate import generate  # noqa: E402

AS_OF = dt.date(2026, 11, 23)


def _jobs(count: int) -> list:
    profiles = [parse_profile(load_data_file(p), p.name) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    return [profiles[i % len(profiles)] for i in range(count)]


def _one(pack, profile) -> int:
    return len(generate(profile, pack, as_of=AS_OF).docx)


def _round(pack, jobs: list, threads: int) -> float:
    start = time.perf_counter()
    if threads <= 1:
        for profile in jobs:
            _one(pack, profile)
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(lambda p: _one(pack, p), jobs))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--generations", type=int, default=30)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=None, help="(run_all.py --quick) same as --rounds")
    parser.add_argument("--warmup", type=int, default=None, help="(ignored)")
    args, _ = parser.parse_known_args()
    rounds = max(1, args.repeat or args.rounds)
    pack = load_pack()
    jobs = _jobs(args.generations)
    n = len(jobs)
    cold = _round(pack, jobs, 1)
    warm = min(_round(pack, jobs, 1) for _ in range(rounds))
    threaded = min(_round(pack, jobs, args.threads) for _ in range(rounds))
    print(f"in-process throughput: {n} generations of {len(set(map(id, jobs)))} examples, api.generate (.docx)")
    print(f"{'run':<28}{'seconds':>9}{'profiles/s':>12}")
    for label, elapsed in (("serial, cold (first round)", cold), (f"serial, warm (best of {rounds})", warm),
                           (f"{args.threads} threads, warm", threaded)):
        print(f"{label:<28}{elapsed:>9.2f}{n / elapsed:>12.1f}")


if __name__ == "__main__":
    main()
