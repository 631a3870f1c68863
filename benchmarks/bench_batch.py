"""Batch throughput: N profiles (default 1,000) through `balises batch` on all cores.

    python benchmarks/bench_batch.py [--rows 1000] [--jobs N] [--pack P]

Prints documents per second and the peak resident memory of the main process and of the workers.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from balises.safeyaml import load_data_file
from balises.services.batch import run_batch
from balises.services.spreadsheet import flatten, template_columns


def write_sheet(path: Path, rows: int) -> None:
    bases = [flatten(load_data_file(p)) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=template_columns(6))
        writer.writeheader()
        for i in range(rows):
            row = dict(bases[i % len(bases)])
            row["organisation.name"] = f"{row['organisation.name']} {i + 1}"
            writer.writerow(row)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--pack", default=None)
    parser.add_argument("--lang", default="fr", choices=["fr", "en"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sheet = Path(tmp) / "members.csv"
        write_sheet(sheet, args.rows)
        out = Path(tmp) / "out"
        results = []
        for label in ("first run", "re-run (unchanged)"):
            start = time.perf_counter()
            result = run_batch(sheet, out, pack_location=args.pack, as_of=dt.date(2026, 11, 23), jobs=args.jobs,
                               lang=args.lang)
            elapsed = time.perf_counter() - start
            results.append((label, len(result.lines) - len(result.failed), len(result.failed), elapsed))
        size = sum(p.stat().st_size for p in out.glob("*.docx"))
    main_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"balises batch: {args.rows} profiles, {args.jobs} worker(s), {os.cpu_count()} core(s)")
    print(f"{'run':<22}{'ok':>6}{'failed':>8}{'seconds':>10}{'docs/s':>9}")
    for label, ok, failed, elapsed in results:
        print(f"{label:<22}{ok:>6}{failed:>8}{elapsed:>10.1f}{ok / elapsed:>9.1f}")
    print(f"peak RSS: main process {main_rss:.0f} MiB, largest worker {child_rss:.0f} MiB; "
          f"output {size / 1024 / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
