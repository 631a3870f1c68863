"""Update benchmark: an adopted policy (the studio's, generated as of 1 July 2026) brought up to date across the
law date of 2 August 2026, in process.

    python benchmarks/bench_update.py [--repeat 10]

Cases: the policy untouched; with a dozen edits (tests/policy_life.py: a rewording, a conflict, comments, a
footnote, a colleague's pending revisions, a style, a renumbered list, the title page…); the same with active
and outbound content the package check removes (tests/test_living_hostile.py: fields, remote images, an OLE
link, imported HTML, a javascript: link); saved by LibreOffice when it is installed; and a no-change update
(the same day: the same bytes back). Median and p95 after a
warm-up. Runs against whatever `balises` is importable first (PYTHONPATH=OLD_TREE for a before figure: the
edits and the measure stay this file's).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from balises.contract.profile import load_profile  # noqa: E402
from balises.packs.loader import load_pack  # noqa: E402
from balises.services import generate as api  # noqa: E402
from balises.services.update import update  # noqa: E402
from tests import docx_edits as ed  # noqa: E402
from tests import libreoffice as lo  # noqa: E402
from tests import policy_life as pl  # noqa: E402
from tests.test_living_hostile import hostile  # noqa: E402

EDITS = ("reword", "reword_changed", "add", "comment", "footnote", "pending_insert", "pending_delete", "style",
         "renumber", "title_page", "footer", "table")


def cases(adopted: bytes) -> dict[str, tuple[bytes, dt.date]]:
    document = ed.open_docx(adopted)
    for edit in pl.WORD_EDITS:
        if edit.id in EDITS:
            edit.make(document)
    out = {"untouched": (adopted, pl.LAW_DATE), f"{len(EDITS)} edits": (ed.save(document), pl.LAW_DATE)}
    hostile(document)
    out[f"{len(EDITS)} edits + active content"] = (ed.save(document), pl.LAW_DATE)
    out["no change"] = (adopted, pl.ADOPTED_ON)
    if lo.SOFFICE:
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "a.docx").write_bytes(adopted)
            subprocess.run([lo.SOFFICE, f"-env:UserInstallation=file://{folder}/profile", "--headless",
                            "--convert-to", f"docx:{lo.DOCX}", "--outdir", f"{folder}/lo", f"{folder}/a.docx"],
                           capture_output=True, timeout=300)
            out["saved by LibreOffice"] = ((Path(folder) / "lo" / "a.docx").read_bytes(), pl.LAW_DATE)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    pack = load_pack()
    adopted = api.generate(load_profile(ROOT / "examples" / "animation-studio-france.yaml"), pack, lang="fr",
                           as_of=pl.ADOPTED_ON).docx
    print(f"| case | median ms | p95 ms | output KB |\n|---|---|---|---|")
    for name, (data, day) in cases(adopted).items():
        result = update(data, pack, as_of=day)  # warm-up
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            update(data, pack, as_of=day)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"| {name} | {statistics.median(times):.0f} | {p95:.0f} | {len(result.docx) // 1024} |")


if __name__ == "__main__":
    main()
