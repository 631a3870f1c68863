"""Every benchmark in one command: single generation (bench_generate.py), then, when their owners have added
them, batch throughput (bench_batch.py) and wizard interaction time (bench_wizard.py).

    python benchmarks/run_all.py [--quick]

Each script is run as ``python benchmarks/<script> [args]`` and prints its own table; a missing script is
reported as such. Extra arguments are passed to every script; --quick asks each for fewer repetitions.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["bench_generate.py", "bench_throughput.py", "bench_kit.py", "bench_batch.py", "bench_wizard.py",
           "bench_sessions.py", "bench_update.py", "bench_merge.py"]


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    extra = [a for a in argv if a != "--quick"]
    status = 0
    for name in SCRIPTS:
        script = HERE / name
        print(f"\n=== {name} ===", flush=True)
        if not script.exists():
            print("not present (yet): skipped")
            continue
        args = [sys.executable, str(script), *extra]
        if quick and name == "bench_generate.py":
            args += ["--repeat", "5", "--warmup", "1"]
        status |= subprocess.call(args, cwd=HERE.parent)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
