"""The table of the closing note of issue 22: each edit an organisation makes to its adopted policy (with Word
or in LibreOffice, tests/policy_life.py) × what an update did with it, for three updates: across the law date
of 2 August 2026, with a new pack version, and with changed answers.

    python scripts/policy_life.py OUT_DIR [--no-libreoffice]

Prints the table (markdown) and leaves every edited and updated policy in OUT_DIR.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml  # noqa: E402

from balises.contract.profile import load_profile  # noqa: E402
from balises.packs.loader import load_pack  # noqa: E402
from balises.services import generate as api  # noqa: E402
from balises.services.update import update  # noqa: E402
from tests import libreoffice as lo  # noqa: E402
from tests import policy_life as pl  # noqa: E402
from tests.docx_edits import png  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
STUDIO = ROOT / "examples" / "animation-studio-france.yaml"


def changed_answers(folder: Path) -> Path:
    """The studio's answers a few months on: Midjourney approved, on a business account."""
    data = yaml.safe_load(STUDIO.read_text(encoding="utf-8"))
    tool = next(t for t in data["tools"] if t["name"] == "Midjourney")
    tool.update(status="approved", account="business")
    path = folder / "answers-midjourney-approved.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def updates(folder: Path):
    """(column, function adopted bytes -> (new bytes, report lines)) for each update of the table."""
    pack = load_pack()
    reworded = load_pack(str(ROOT / "tests" / "fixtures" / "packs" / "reworded"))
    out = [("law date", lambda data: update(data, pack, as_of=pl.LAW_DATE)),
           ("pack change", lambda data: update(data, reworded, as_of=pl.ADOPTED_ON))]
    if "answers" in inspect.signature(update).parameters:
        answers = load_profile(changed_answers(folder))
        out.append(("answer change", lambda data: update(data, pack, as_of=pl.ADOPTED_ON, answers=answers)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--no-libreoffice", action="store_true")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    adopted = api.generate(load_profile(STUDIO), load_pack(), lang="fr", as_of=pl.ADOPTED_ON).docx
    (out / "adopted.docx").write_bytes(adopted)
    documents: dict[str, bytes] = {}
    for edit in pl.WORD_EDITS:
        documents[edit.id] = pl.edited(adopted, edit)
    edits = list(pl.WORD_EDITS)
    if not args.no_libreoffice and lo.SOFFICE:
        (out / "image.png").write_bytes(png())
        jobs, conversions = [], []
        for edit in pl.LO_EDITS:
            source = out / f"{edit.id}-before.docx"
            top = pl.LO_ON_TOP.get(edit.id)
            source.write_bytes(pl.edited(adopted, pl.Edit("", "", "", top, None)) if top else adopted)
            if edit.make == "convert":
                conversions.append((source, edit.id))
            else:
                jobs.append((edit.make, source, out / f"{edit.id}.docx", lo.DOCX))
        lo.run(out, jobs, image=out / "image.png")
        for source, name in conversions:
            (out / "converted").mkdir(exist_ok=True)
            converted = lo.convert(out, [source], "docx:" + lo.DOCX, out / "converted")[0]
            (out / f"{name}.docx").write_bytes(converted.read_bytes())
        for edit in pl.LO_EDITS:
            documents[edit.id] = (out / f"{edit.id}.docx").read_bytes()
        edits += pl.LO_EDITS
    columns = updates(out)
    rows = []
    for edit in edits:
        (out / f"{edit.id}.docx").write_bytes(documents[edit.id])
        cells = []
        for name, run in columns:
            try:
                result = run(documents[edit.id])
                data = result.docx
                (out / f"{edit.id}.{name.replace(' ', '-')}.docx").write_bytes(data)
                cells.append(edit.look(pl.Look(documents[edit.id], data, result.lines("en"))))
            except Exception as exc:  # noqa: BLE001 - a failure is a cell of the table
                cells.append(f"error: {type(exc).__name__}: {str(exc)[:60]}")
        rows.append((edit, cells))
    print(f"| edit | made with | {' | '.join(n for n, _ in columns)} |")
    print(f"|---|---|{'---|' * len(columns)}")
    for edit, cells in rows:
        print(f"| {edit.kind} | {edit.tool} | {' | '.join(cells)} |")
    totals = {}
    for _, cells in rows:
        for c in cells:
            totals[c] = totals.get(c, 0) + 1
    print("\n" + ", ".join(f"{k}: {v}" for k, v in sorted(totals.items())), f"({dt.date.today()})")


if __name__ == "__main__":
    main()
