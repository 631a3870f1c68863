"""The update's merge on repetitive input, and the largest adopted policy Balises accepts.

    python benchmarks/bench_merge.py [--sizes 1000,10000,40000] [--difflib 16000] [--no-update]

1. **Alignment and merge** (``balises.render.merge.plan``, in process): an adopted policy whose body is
   Balises' text followed by N paragraphs of the one letter "a" (the issue's attack: 55 kB of .docx), its
   embedded text forged to hold N - 1 of them too, and Balises' new text (every tenth paragraph reworded).
   Time per N; with ``--difflib N``, also the former matcher (difflib without its junk heuristic) at that N,
   stopped after 120 s.
2. **The whole update** (``balises update`` in a subprocess, the mini pack of tests/hostile): an adopted
   policy padded to N repeated paragraphs, up to the limit (``ADOPTED_LIMITS.paragraphs``), then one over it
   (refused: exit 2). Wall time and the subprocess's peak resident memory. The update records an adoption
   (``--adopted-on``): with nothing to change, an update gives the adopted file back without merging
   (issue 22); the record makes it merge and write every paragraph into the organisation's file.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from balises.render import merge  # noqa: E402
from balises.render.docx.package import ADOPTED_LIMITS  # noqa: E402

AS_OF = "2026-11-23"


def base_and_new(paragraphs: int = 300) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """A policy-like base (300 paragraphs in 30 clauses) and a new version with every tenth paragraph changed."""
    base = [(f"c{i // 10}", f"Paragraph {i} of clause {i // 10}: the policy says something here.")
            for i in range(paragraphs)]
    new = [(c, t + (" Reworded." if i % 10 == 0 else "")) for i, (c, t) in enumerate(base)]
    return base, new


def time_plan(n: int) -> float:
    """The attack: N one-letter paragraphs in the document and N - 1 in the text Balises embedded (a forged
    payload), so that the alignment meets them on both sides."""
    base, new = base_and_new()
    last = base[-1][0]
    base, new = base + [(last, "a")] * (n - 1), new + [(last, "a")] * (n - 1)
    ours = [t for _, t in base[:300]] + ["a"] * n
    start = time.perf_counter()
    merge.plan(base, ours, new, set())
    return time.perf_counter() - start


def _difflib_plan(n: int, conn) -> None:
    from difflib import SequenceMatcher

    merge.opcodes = lambda a, b: SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    conn.send(time_plan(n))


def time_difflib(n: int, limit: float = 120) -> float | None:
    receive, send = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.Process(target=_difflib_plan, args=(n, send))
    child.start()
    ready = receive.poll(limit)
    value = receive.recv() if ready else None
    child.kill()
    child.join()
    return value


RICH = (b"<w:p><w:pPr><w:spacing w:after=\"120\"/></w:pPr>"
        + b"<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">Texte ajout\xc3\xa9 </w:t></w:r>" * 4 + b"</w:p>")


def padded_policy(tmp: Path, pack: Path, n: int, paragraph: bytes = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>") -> Path:
    """The mini pack's policy with N paragraphs (one letter each, unless ``paragraph`` says otherwise) added at
    the end of its body."""
    source = tmp / "policy.docx"
    if not source.exists():
        subprocess.run([sys.executable, "-m", "balises", "generate", str(ROOT / "tests/hostile/valid.yaml"), "-o",
                        str(source), "--as-of", AS_OF, "--pack", str(pack)], cwd=ROOT, check=True)
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    doc = parts["word/document.xml"]
    at = doc.rindex(b"<w:sectPr")
    parts["word/document.xml"] = doc[:at] + paragraph * n + doc[at:]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    path = tmp / f"adopted-{n}-{len(paragraph)}.docx"
    path.write_bytes(out.getvalue())
    return path


def run_update(path: Path, pack: Path, tmp: Path) -> tuple[int, float, float]:
    """Exit code, seconds and peak resident MB of `balises update` on ``path`` (the child's own rusage)."""
    script = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
              "r = subprocess.run(sys.argv[1:], capture_output=True); "
              "print(r.returncode, time.perf_counter() - t, "
              "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", script, sys.executable, "-m", "balises", "update", str(path), "-o",
                          str(tmp / "new.docx"), "--as-of", AS_OF, "--pack", str(pack), "--adopted-on", "2026-11-20"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), float(out[1]), float(out[2])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,40000")
    parser.add_argument("--difflib", default="1000,10000", help="sizes to time with the former matcher too")
    parser.add_argument("--no-update", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    old_sizes = {int(s) for s in args.difflib.split(",") if s}
    print("1. alignment and three-way merge (merge.plan), 300 paragraphs of Balises' text + N times 'a'")
    print(f"{'N':>7} {'patience (s)':>13} {'difflib (s)':>12}")
    for n in sizes:
        new = min(time_plan(n) for _ in range(3))
        old = time_difflib(n) if n in old_sizes else None
        shown = "" if n not in old_sizes else (f"{old:.2f}" if old is not None else "> 120")
        print(f"{n:>7} {new:>13.3f} {shown:>12}", flush=True)
    if args.no_update:
        return
    limit = ADOPTED_LIMITS.paragraphs
    print(f"\n2. `balises update` of the mini pack's policy padded with N paragraphs (limit: {limit})")
    print(f"{'N':>7} {'.docx kB':>9} {'exit':>5} {'seconds':>8} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        pack = tmp / "mini"
        shutil.copytree(ROOT / "tests/hostile/pack", pack)
        shutil.copy(ROOT / "policy_templates/reference.docx", pack / "policy_templates/reference.docx")
        for n in sorted({*(s for s in sizes if s < limit), limit - 400, limit + 1}):
            path = padded_policy(tmp, pack, n)
            code, seconds, peak = run_update(path, pack, tmp)
            print(f"{n:>7} {path.stat().st_size / 1024:>9.0f} {code:>5} {seconds:>8.2f} {peak:>8.0f}", flush=True)
        # the largest accepted: paragraphs near their limit, each with 4 formatted runs (19 elements), so
        # that word/document.xml nears the 8 MB limit of an XML part and the element count nears its own
        n = limit - 400
        path = padded_policy(tmp, pack, n, RICH)
        with zipfile.ZipFile(path) as archive:
            inflated = archive.getinfo("word/document.xml").file_size
        code, seconds, peak = run_update(path, pack, tmp)
        print(f"\n3. the largest accepted: {n} paragraphs of 4 bold runs, word/document.xml {inflated / 2**20:.1f} MB "
              f"inflated ({path.stat().st_size / 1024:.0f} kB .docx): exit {code}, {seconds:.2f} s, "
              f"peak {peak:.0f} MB", flush=True)
    print(f"\n(peak MB: maximum resident set of the update's process; this process: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
