"""Single-generation benchmark: profile → .docx bytes in process, for every example profile.

    python benchmarks/bench_generate.py                  # table on stdout
    python benchmarks/bench_generate.py --repeat 50 --save after.json --baseline before.json

For each example and language it measures, side by side:

* generation (``parse_profile`` + ``api.generate``), median and p95 over ``--repeat`` runs after a warm-up;
* the floor: the same document's parts (the XML the renderer produced) re-zipped with ``zipfile`` alone,
  i.e. the unavoidable cost of writing the file, and the ratio generation / floor;
* where the time goes: profile validation, rules (facts + decide), templates (Jinja), markup
  (Markdown → blocks), the rest of compose, opening the reference .docx, building the Word XML with
  python-docx, and saving (median of each stage, manual timers around the pipeline's functions);
* memory: tracemalloc peak of one generation, and the process's peak RSS at the end.

The generation date is pinned (``--as-of``, default 2026-11-23) so that runs compare.
Target: median under 100 ms for the largest example (the one with the most clauses).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import resource
import statistics
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from balises.contract.answers import resolve  # the answers over the pack's recommended answers
from balises.engine import compose, markup, templating
from balises.packs.loader import load_pack
from balises.render.docx import docx_of
from balises.safeyaml import load_data_file
from balises.services import generate as api

AS_OF = dt.date(2026, 11, 23)
TARGET_MS = 100.0
STAGES = ("profile", "rules", "templates", "markup", "compose_rest", "docx_open", "docx_build", "save")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


class StageTimer:
    """Wraps the pipeline's functions with timers while active (single-threaded use only)."""

    def __init__(self):
        self.totals: dict[str, float] = {}

    def add(self, stage: str, seconds: float) -> None:
        self.totals[stage] = self.totals.get(stage, 0.0) + seconds

    def wrap(self, stage: str, fn):
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.add(stage, time.perf_counter() - t0)

        return timed

    @contextlib.contextmanager
    def active(self):
        import docx
        import docx.document

        patches = [
            (compose, "decisions_for", "rules"),
            (templating.ClauseRenderer, "render", "templates"),
            (markup, "parse", "markup"),  # a parse the pack's engine has not kept yet
            (docx, "Document", "docx_open"),
            (docx.document.Document, "save", "save"),
        ]
        saved = [(obj, name, getattr(obj, name)) for obj, name, _ in patches]
        try:
            for obj, name, stage in patches:
                setattr(obj, name, self.wrap(stage, getattr(obj, name)))
            yield self
        finally:
            for obj, name, original in saved:
                setattr(obj, name, original)


def one_generation(raw: dict, pack, lang: str, timer: StageTimer | None = None) -> api.GeneratedPolicy:
    t0 = time.perf_counter()
    profile = resolve(raw, pack).profile
    t1 = time.perf_counter()
    if timer is None:
        return api.generate(profile, pack, lang=lang, as_of=AS_OF)
    timer.add("profile", t1 - t0)
    t2 = time.perf_counter()
    document = compose.compose(profile, pack, lang=lang, as_of=AS_OF)
    t3 = time.perf_counter()
    data = docx_of(document, pack)
    t4 = time.perf_counter()
    timer.add("compose_total", t3 - t2)
    timer.add("render_total", t4 - t3)
    return api.GeneratedPolicy(document=document, docx=data)


def stage_breakdown(raw: dict, pack, lang: str, repeat: int) -> dict[str, float]:
    """Median seconds of each stage over ``repeat`` instrumented runs."""
    per_stage: dict[str, list[float]] = {s: [] for s in STAGES}
    for _ in range(repeat):
        pack.engine.clear_parsed()
        timer = StageTimer()
        with timer.active():
            one_generation(raw, pack, lang, timer)
        t = timer.totals
        t.setdefault("docx_open", 0.0)
        t.setdefault("save", 0.0)
        t["compose_rest"] = t["compose_total"] - t.get("rules", 0) - t.get("templates", 0) - t.get("markup", 0)
        t["docx_build"] = t["render_total"] - t["docx_open"] - t["save"]
        for s in STAGES:
            per_stage[s].append(t.get(s, 0.0))
    return {s: statistics.median(v) for s, v in per_stage.items()}


def zip_floor(data: bytes, repeat: int) -> float:
    """Median seconds to write the same parts with zipfile alone."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = [(info, z.read(info.filename)) for info in z.infolist()]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for info, payload in parts:
                z.writestr(info.filename, payload, compress_type=info.compress_type)
        out.getvalue()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measure(name: str, raw: dict, pack, lang: str, repeat: int, warmup: int) -> dict:
    for _ in range(warmup):
        result = one_generation(raw, pack, lang)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = one_generation(raw, pack, lang)
        times.append(time.perf_counter() - t0)
    # cold: no parsed clause text in the cache, as for the first policy of a process
    cold = []
    for _ in range(max(5, repeat // 2)):
        pack.engine.clear_parsed()
        t0 = time.perf_counter()
        one_generation(raw, pack, lang)
        cold.append(time.perf_counter() - t0)
    floor = zip_floor(result.docx, repeat)
    pack.engine.clear_parsed()
    stages = stage_breakdown(raw, pack, lang, max(5, repeat // 3))
    tracemalloc.start()
    one_generation(raw, pack, lang)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    median = statistics.median(times)
    return {
        "example": name, "lang": lang, "clauses": len(result.document.clause_ids()),
        "size_kb": len(result.docx) / 1024, "median_ms": median * 1e3, "p95_ms": percentile(times, 0.95) * 1e3,
        "cold_ms": statistics.median(cold) * 1e3, "floor_ms": floor * 1e3, "ratio": median / floor if floor else float("nan"),
        "stages_ms": {s: v * 1e3 for s, v in stages.items()}, "tracemalloc_peak_mb": peak / 2**20,
    }


def print_table(rows: list[dict], baseline: dict[tuple, dict] | None, errors: list[str]) -> None:
    head = ["example", "lang", "clauses", "KB", "median", "p95", "cold", "floor", "ratio", *STAGES, "peak MB"]
    if baseline:
        head[5:5] = ["before", "speed-up"]
    lines = [head]
    for r in rows:
        st = r["stages_ms"]
        line = [r["example"], r["lang"], str(r["clauses"]), f"{r['size_kb']:.0f}", f"{r['median_ms']:.1f}",
                f"{r['p95_ms']:.1f}", f"{r['cold_ms']:.1f}", f"{r['floor_ms']:.1f}", f"{r['ratio']:.0f}x",
                *[f"{st[s]:.1f}" for s in STAGES], f"{r['tracemalloc_peak_mb']:.1f}"]
        if baseline:
            b = baseline.get((r["example"], r["lang"]))
            line[5:5] = ([f"{b['median_ms']:.1f}", f"{b['median_ms'] / r['median_ms']:.1f}x"] if b else ["–", "–"])
        lines.append(line)
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    print("times in ms; median/p95: the same profile again (parsed clause text cached, as in a batch or a wizard "
          "session); cold: cache emptied before each run; stages: medians of instrumented runs (cold); "
          "floor: same parts re-zipped with zipfile")
    for i, row in enumerate(lines):
        print("  ".join(c.rjust(w) if j >= 2 else c.ljust(w) for j, (c, w) in enumerate(zip(row, widths))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    for e in errors:
        print(f"skipped: {e}")
    if rows:
        largest = max(rows, key=lambda r: (r["clauses"], r["size_kb"]))
        ok = largest["median_ms"] < TARGET_MS
        print(f"\nlargest example: {largest['example']} ({largest['lang']}, {largest['clauses']} clauses): median "
              f"{largest['median_ms']:.1f} ms, cold {largest['cold_ms']:.1f} ms — target < {TARGET_MS:.0f} ms: "
              f"{'met' if ok else 'MISSED'}{'' if largest['cold_ms'] < TARGET_MS else ' (cold: missed)'}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {rss:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per example (default 30)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--examples", default=str(ROOT / "examples" / "*.yaml"), help="glob of profiles")
    parser.add_argument("--lang", action="append", choices=["fr", "en"],
                        help="languages (default: every language of each profile the pack has)")
    parser.add_argument("--pack", default=None, help="a pack folder or .zip layered over the default")
    parser.add_argument("--save", default=None, help="write the results as JSON")
    parser.add_argument("--baseline", default=None, help="a JSON written by --save, shown as 'before'")
    args = parser.parse_args(argv)

    pack = load_pack(args.pack)
    paths = sorted(Path(p) for p in __import__("glob").glob(args.examples))
    rows, errors = [], []
    for path in paths:
        raw = load_data_file(path)
        langs = args.lang or list(dict.fromkeys(raw.get("policy", {}).get("languages", ["fr"])))
        for lang in langs:
            try:
                rows.append(measure(path.stem, raw, pack, lang, args.repeat, args.warmup))
            except Exception as exc:  # a profile the pack cannot generate today: say so, keep measuring
                errors.append(f"{path.stem} ({lang}): {type(exc).__name__}: {exc}")
    baseline = None
    if args.baseline:
        data = json.loads(Path(args.baseline).read_text())
        baseline = {(r["example"], r["lang"]): r for r in data["rows"]}
    print_table(rows, baseline, errors)
    if args.save:
        Path(args.save).write_text(json.dumps({"as_of": AS_OF.isoformat(), "rows": rows, "skipped": errors},
                                              indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
