"""An update of a document someone uploaded, run away from the wizard's server: in a child process with a
memory cap and a time limit.

The wizard serves every session from one process. An update is CPU-bound Python: run in a session's thread,
it holds the interpreter lock, and an upload made to be slow (before the merge was bounded, 16,000 repeated
paragraphs held the server for 316 s) slowed every other user's pages tenfold. In a child process, the
session's thread only waits on a pipe; a child that runs out of its time is stopped, one that runs out of
memory fails alone, and each ends in a message, never in the server's error screen. The command line runs
the same update with the same bounds on the document (balises.render.docx.package), in its own process.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import resource
from dataclasses import dataclass
from typing import Any

from balises.contract.vocabulary import LANGUAGE_CODES
from balises.errors import BalisesError, InputFileError
from balises.problems import Place

SECONDS = 90  # the largest policy accepted updates in about 20 s on a busy 2-core machine
MEMORY = 1536 * 1024 * 1024  # address space of the child; the largest policy accepted needs about 700 MB
PRELOAD = ["balises.services.update"]  # imported once by the fork server: each child starts with its modules


@dataclass(frozen=True)
class UpdateOptions:
    """What the wizard gives an update besides the file (``balises update``'s options): the answers on
    screen (--answers), the original file (--base), the adoption record and the new version's day."""

    answers: Any = None  # a validated Profile
    base_docx: bytes | None = None
    effective: dt.date | None = None
    adopted_on: dt.date | None = None
    adopted_by: str | None = None


@dataclass(frozen=True)
class UpdateSummary:
    """What the wizard shows and offers from an update: the new file, its version, the report's lines, and
    for a material change the staff's acknowledgement sheets of the new version."""

    docx: bytes
    version: str
    lines: dict[str, list[str]]  # by language
    overview: dict  # Updated.overview(): counts and sections, for a summary in plain words
    material: bool = False
    unchanged: bool = False
    acknowledgements: bytes | None = None


def _update_child(conn, data: bytes, pack_location: str | None, source: str, as_of: dt.date | None,
                  options: UpdateOptions) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (SECONDS, SECONDS + 5))
    try:
        from balises.packs.loader import load_pack
        from balises.services.update import acknowledgements, update

        pack = load_pack(pack_location)
        result = update(data, pack, as_of=as_of, source=source, answers=options.answers,
                        base_docx=options.base_docx, effective=options.effective, adopted_on=options.adopted_on,
                        adopted_by=options.adopted_by)
        material = result.diff.material and not result.unchanged  # a material change is acknowledged again
        lines = {lang: result.lines(lang) for lang in LANGUAGE_CODES}
        conn.send(("ok", UpdateSummary(result.docx, result.version, lines,
                                       result.overview(), material, result.unchanged,
                                       acknowledgements(result, pack) if material else None)))
    except BalisesError as exc:
        conn.send(("error", (exc.fr, exc.en, exc.details)))
    except MemoryError:
        conn.send(("memory", None))
    except Exception as exc:  # noqa: BLE001 - said to the user as a failure of this file, never a traceback
        conn.send(("internal", f"{type(exc).__name__}: {exc}"[:300]))
    finally:
        conn.close()


def update_isolated(data: bytes, pack_location: str | None, source: str, as_of: dt.date | None = None,
                    seconds: float = SECONDS, options: UpdateOptions | None = None) -> UpdateSummary:
    """``balises.services.update.update`` of ``data`` (with ``options``) in a child process; a BalisesError
    for anything that stops it (the file's own problems, the time or memory limit)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_update_child, daemon=True,
                            args=(send, data, pack_location, source, as_of, options or UpdateOptions()))
    child.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise InputFileError(
                f"la mise à jour a pris plus de {seconds:g} s et a été arrêtée (document trop "
                "volumineux ou trop répétitif).",
                f"the update took more than {seconds:g} s and was stopped (the document is too large "
                "or too repetitive).", place=Place(source))
        try:
            kind, value = receive.recv()
        except (EOFError, OSError):
            kind, value = "memory", None  # the child died without a word: killed by its limits
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if kind == "ok":
        return value
    if kind == "error":
        fr, en, details = value
        raise BalisesError(fr, en, details=details)
    if kind == "memory":
        raise InputFileError(f"la mise à jour demande plus de mémoire que permis ({MEMORY >> 20} Mo).",
                             f"the update needs more memory than allowed ({MEMORY >> 20} MB).",
                             place=Place(source))
    raise InputFileError(f"la mise à jour a échoué ({value}).", f"the update failed ({value}).",
                         place=Place(source))
