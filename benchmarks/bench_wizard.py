"""Wizard re-run time: server time of one interaction with a full profile, step by step (AppTest).

    python benchmarks/bench_wizard.py [--repeat 15]

Loads examples/theatre-quebec.yaml through the upload widget, then on every step repeats a typical
interaction (tick a box, pick an option, type a text, switch the preview language) and reports the median and
p95 of ``AppTest.run()`` — the whole script re-run plus AppTest's own bookkeeping, so an upper bound of the
server time a browser would see. The first run of each step (cold caches: the document is composed once per
distinct profile and language) is reported apart. Target: median under 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

TARGET_MS = 100.0


def timed(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = (time.perf_counter() - start) * 1000
    if at.exception:
        raise SystemExit(f"app error: {at.exception}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.file_uploader[0].set_value(("theatre.yaml", (ROOT / "examples/theatre-quebec.yaml").read_bytes(),
                                   "application/x-yaml"))
    at.run()

    def toggle(path):
        def act():
            box = at.checkbox(key="q:" + path)
            box.set_value(not box.value)
        return act

    def retype(path, a, b):
        def act():
            box = at.text_input(key="q:" + path)
            box.input(b if box.value == a else a)
        return act

    def reselect(path, a, b):
        def act():
            box = at.selectbox(key="q:" + path)
            box.set_value(b if box.value == a else a)
        return act

    def doc_lang():
        radio = at.radio(key="doc_lang")
        radio.set_value("en" if radio.value == "fr" else "fr")

    steps = [
        ("1 organisation", toggle("organisation.volunteers")),
        ("2 position", retype("policy.owner_role", "Direction générale", "Direction artistique")),
        ("3 uses", toggle("uses.model_training")),
        ("4 data and tools", toggle("data.holds_rights_catalogue")),
        ("5 commitments", reselect("commitments.disclosure", "substantial", "all_assisted")),
        ("6 review", doc_lang),
    ]
    print(f"{'step':<18} {'first ms':>9} {'median ms':>10} {'p95 ms':>8}  (n={args.repeat})")
    worst = 0.0
    for i, (name, act) in enumerate(steps):
        if i:
            at.button(key="nav_next").click()
            timed(at)
        act()
        first = timed(at)
        times = []
        for _ in range(args.repeat):
            act()
            times.append(timed(at))
        times.sort()
        median = statistics.median(times)
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        worst = max(worst, median)
        print(f"{name:<18} {first:>9.1f} {median:>10.1f} {p95:>8.1f}")
    verdict = "OK" if worst < TARGET_MS else "OVER"
    print(f"worst median {worst:.1f} ms — target {TARGET_MS:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
