"""The whole kit per example: every document in every language (Word and spreadsheet), then with the PDFs.

    python benchmarks/bench_kit.py [--repeat N] [--no-pdf]

Prints, per example: documents made, median time of the Word+spreadsheet kit, and the time of one kit with
PDFs (LibreOffice, one conversion run for all files; skipped when LibreOffice is not installed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from balises.contract.profile import parse_profile  # noqa: E402
from balises.packs.loader import load_pack  # noqa: E402
from balises.safeyaml import load_data_file  # noqa: E402
from balises.services.kit import build_kit, soffice  # noqa: E402

AS_OF = dt.date(2026, 12, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-pdf", action="store_true")
    args, _ = parser.parse_known_args()
    pack = load_pack()
    root = Path(__file__).resolve().parent.parent
    with_pdf = not args.no_pdf and soffice() is not None
    print(f"{'example':24} {'files':>5} {'kit ms (median)':>16} {'with PDF s':>11}")
    for path in sorted((root / "examples").glob("*.yaml")):
        profile = parse_profile(load_data_file(path), path.name)
        build_kit(profile, pack, AS_OF, pdf=False)  # warm-up
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            kit = build_kit(profile, pack, AS_OF, pdf=False)
            times.append((time.perf_counter() - start) * 1000)
        pdf_s = "—"
        if with_pdf:
            start = time.perf_counter()
            kit = build_kit(profile, pack, AS_OF, pdf=True)
            pdf_s = f"{time.perf_counter() - start:.1f}"
        print(f"{path.stem:24} {len(kit.files):>5} {statistics.median(times):>16.0f} {pdf_s:>11}")


if __name__ == "__main__":
    main()
