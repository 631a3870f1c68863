"""Regenerating a policy: the answers embedded in the .docx made again with the current pack and law, with
what changed (balises.services.diff); one file, or a folder of them in worker processes (balises.services.batch).
Edits made to the old document are not kept: balises.services.update keeps them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from balises.contract.answers import resolve
from balises.engine.compose import compose
from balises.engine.document import (
    PolicyDocument,
)
from balises.engine.pack import Pack
from balises.packs.loader import load_pack
from balises.render import embedding
from balises.render.docx import docx_of
from balises.safeyaml import read_bytes
from balises.services.batch import (
    BatchResult,
    error_text,
    folder_lock,
    make_output_folder,
    policies_in,
    run_folder,
    worker_pack,
    write_if_changed,
)
from balises.services.diff import PolicyDiff, diff_payloads, insert_changes

# ---------------------------------------------------------------- regeneration

@dataclass
class Regenerated:
    docx: bytes
    document: PolicyDocument
    diff: PolicyDiff
    old_payload: dict


def regenerate(old_docx: bytes, pack: Pack | None = None, as_of: dt.date | None = None,
               source: str = "document", lang: str | None = None) -> Regenerated:
    """The policy in ``old_docx`` made again from its embedded answers, with ``pack`` and the law as of
    ``as_of`` (default: today), with what changed. Raises a BalisesError the user can act on."""
    pack = pack or load_pack()
    old = embedding.read_payload(old_docx, source)
    profile = resolve(old.get("profile"), pack, f"{source} (embedded answers)").profile
    lang = lang or old.get("lang")
    edition = old.get("edition") or "full"
    document = compose(profile, pack, lang=lang, as_of=as_of, edition=edition)
    new = embedding.payload(document)
    diff = diff_payloads(old, new, pack, document)
    old_name = (old.get("pack") or {}).get("name")
    if old_name and old_name != pack.info.name:
        diff.notes.insert(0, (f"la politique avait été produite avec le paquet {old_name}, elle est refaite avec "
                              f"{pack.info.name}",
                              f"the policy was made with pack {old_name}; it is remade with {pack.info.name}"))
    insert_changes(document, diff)
    return Regenerated(docx=docx_of(document, pack), document=document, diff=diff,
                       old_payload=old)


def read_docx(path) -> bytes:
    """A policy's bytes from disk, refused over 30 MB."""
    return read_bytes(Path(path), 30 * 1024 * 1024)


# ---------------------------------------------------------------- regenerating a folder of policies

REGEN_COLUMNS = ["row", "organisation", "status", "file", "changes", "error"]


def regenerate_file(number: int, label: str, source: str, target: str, as_of: dt.date | None,
                    messages: str = "en") -> dict:
    line = {"row": label, "organisation": "", "status": "ok", "file": Path(target).name, "changes": "", "error": ""}
    try:
        result = regenerate(read_docx(source), worker_pack(), as_of=as_of, source=label)
        line["organisation"] = result.document.meta.organisation
        diff = result.diff
        parts = [f"{kind} {', '.join(getattr(diff, kind))}" for kind in ("added", "removed", "changed")
                 if getattr(diff, kind)]
        line["changes"] = "; ".join(parts) or "none"
        line["written"] = write_if_changed(Path(target), result.docx)
    except Exception as exc:  # noqa: BLE001 - a bad file never stops the others
        line.update(status="error", file="", error=error_text(exc, messages))
    return line


def run_regenerate_folder(folder: str | Path, out_dir: str | Path, pack_location: str | None = None,
                          as_of: dt.date | None = None, jobs: int | None = None, messages: str = "en",
                          progress: Callable[[int], None] | None = None) -> BatchResult:
    folder, out = Path(folder), Path(out_dir)
    files = policies_in(folder, out, ("anciennes politiques", "old policies"))
    make_output_folder(out)
    with folder_lock(out):
        load_pack(pack_location)
        tasks = [(i, p.name, str(p), str(out / p.name), as_of, messages) for i, p in enumerate(files, start=1)]
        return run_folder(out, tasks, regenerate_file, pack_location, jobs, progress, REGEN_COLUMNS)
