"""Many policies at once: one per spreadsheet row or profile file (read by balises.services.spreadsheet),
in worker processes. A bad row never stops the others: the report (``report.csv``) names its fields at
fault, by their columns. Ctrl-C and SIGTERM stop the workers and leave no half-written file.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import fcntl
import gc
import io
import os
import signal
import threading
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from balises.contract.answers import resolve
from balises.contract.paths import FieldPath
from balises.engine.pack import Pack
from balises.errors import BalisesError, InputFileError, OutputError, ProfileError
from balises.packs.loader import load_pack
from balises.problems import Place
from balises.safewrite import check_not_input, remove_pending_temp_files, write_atomic
from balises.services import generate as api
from balises.services.spreadsheet import Row, read_rows
from balises.slug import slugify

REPORT_NAME = "report.csv"
REPORT_COLUMNS = ["row", "organisation", "status", "file", "error"]


# ---------------------------------------------------------------- file names

def output_names(rows: list[Row], suffix: str = ".docx") -> dict[int, str]:
    """One unique file name per row, from the organisation's name (rows in order: stable across runs)."""
    names: dict[int, str] = {}
    used: set[str] = {REPORT_NAME.lower()}
    for row in rows:
        org = (row.data or {}).get("organisation") if isinstance(row.data, dict) else None
        name = org.get("name") if isinstance(org, dict) else None
        stem = slugify(name, 80)
        stem = stem or f"row-{row.number}"
        candidate, n = stem + suffix, 1
        while candidate.lower() in used:
            n += 1
            candidate = f"{stem}-{n}{suffix}"
        used.add(candidate.lower())
        names[row.number] = candidate
    return names


# ---------------------------------------------------------------- the work of one row (in a worker process)

_WORKER: dict = {}


def _init_worker(pack_location: str | None) -> None:
    _WORKER["pack"] = load_pack(pack_location)  # once per worker process


def worker_pack() -> Pack | None:
    """In a worker process of a folder's run (batch, regenerate, update): the pack it loaded once."""
    return _WORKER.get("pack")


def _init_worker_process(pack_location: str | None) -> None:
    # Ctrl-C reaches the whole process group: the parent decides and stops the workers with SIGTERM, on
    # which a worker removes the temporary file it is writing and exits at once
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_stop)
    _init_worker(pack_location)


def _worker_stop(signum, frame) -> None:
    remove_pending_temp_files()
    os._exit(128 + signum)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT) or SIGTERM during a batch; ``lines`` holds the rows done, ``result`` the report once
    written."""

    def __init__(self, signum: int, lines: list[dict] | None = None):
        super().__init__(signum)
        self.signum = signum
        self.lines = lines or []
        self.result: BatchResult | None = None


@contextlib.contextmanager
def _signals_interrupt():
    """SIGINT and SIGTERM raise :class:`Interrupted` in the main thread for the duration of the block."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Interrupted(signum)

    old = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, previous in old.items():
            signal.signal(sig, previous)


@contextlib.contextmanager
def _signals_ignored():
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, previous in old.items():
            signal.signal(sig, previous)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and stop the workers now (SIGTERM, then SIGKILL after 2 s)."""
    processes = list((pool._processes or {}).values())  # no public API gives the workers
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + 2
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(1)
    # the pool's manager thread closes its wake-up pipe once it sees the workers gone; at exit Python writes
    # to that pipe, and a pipe closed at the same moment printed a traceback after the report (CPython race)
    manager = getattr(pool, "_executor_manager_thread", None)
    if manager is not None:
        manager.join(1)


def same_docx(path: Path, data: bytes) -> bool:
    """Whether the Word file at ``path`` holds the same parts as ``data`` (zip dates aside)."""
    try:
        with zipfile.ZipFile(path) as old, zipfile.ZipFile(io.BytesIO(data)) as new:
            names = old.namelist()
            if sorted(names) != sorted(new.namelist()):
                return False
            return all(old.read(n) == new.read(n) for n in names)
    except (OSError, zipfile.BadZipFile):
        return False


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write atomically unless the file already holds the same document (a Word file: the same parts, zip
    dates aside; any other file: the same bytes): re-running is idempotent."""
    if path.suffix.lower() == ".docx":
        same = path.exists() and same_docx(path, data)
    else:
        same = path.is_file() and path.read_bytes() == data
    if same:
        return False
    write_atomic(path, data)
    return True


def error_text(exc: BaseException, lang: str) -> str:
    if isinstance(exc, ProfileError) and exc.problems:  # each named by its column in the spreadsheet
        return " | ".join(replace(p, place=Place(field=FieldPath.parse(p.place.field).column)).text(lang)
                            for p in exc.problems)
    if isinstance(exc, BalisesError):
        return " ".join(exc.message(lang).split())
    return f"internal error ({type(exc).__name__}: {exc})"


def generate_row(number: int, label: str, data: Any, target: str, lang: str | None, as_of: dt.date | None,
                 messages: str = "en", trace: bool = False) -> dict:
    """Generate one policy; never raises: the outcome is a report line."""
    org = ""
    if isinstance(data, dict) and isinstance(data.get("organisation"), dict):
        org = str(data["organisation"].get("name") or "")
    line = {"row": label, "organisation": org, "status": "ok", "file": Path(target).name, "error": ""}
    try:
        pack = _WORKER.get("pack") or load_pack()
        source = f"row {label}" if label.isdigit() else label
        profile = resolve(data, pack, source).profile
        result = api.generate(profile, pack, lang=lang, as_of=as_of)
        line["written"] = write_if_changed(Path(target), result.docx)
        if trace:
            write_if_changed(Path(target).with_suffix(".trace.json"), api.decision_trace(result.document))
    except Exception as exc:  # noqa: BLE001 - a bad row never stops the others
        line.update(status="error", file="", error=error_text(exc, messages))
    return line


# ---------------------------------------------------------------- the batch

@dataclass
class BatchResult:
    lines: list[dict]
    report: Path

    @property
    def failed(self) -> list[dict]:
        return [line for line in self.lines if line["status"] != "ok"]

    @property
    def written(self) -> int:
        return sum(1 for line in self.lines if line.get("written"))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """A text a spreadsheet would run as a formula (``=HYPERLINK(…)``, ``+cmd|…``, ``@SUM``) starts with a
    quote, which spreadsheets show as plain text (OWASP's advice for CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_report(out_dir: Path, lines: list[dict], columns: list[str] = REPORT_COLUMNS) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: neutralise_cell(v) for k, v in line.items()} for line in lines)
    return write_atomic(out_dir / REPORT_NAME, buffer.getvalue().encode("utf-8"))


def _row_key(line: dict) -> tuple:
    return (0, int(line["row"]), "") if str(line["row"]).isdigit() else (1, 0, str(line["row"]))


def run_parallel(tasks: list[tuple], worker: Callable, pack_location: str | None, jobs: int | None,
                 progress: Callable[[int], None] | None = None) -> list[dict]:
    """Run ``worker(*task)`` for every task on ``jobs`` processes (each loads the pack once).

    On SIGINT or SIGTERM the workers are stopped within a second or two and :class:`Interrupted` is raised
    with the lines of the rows done."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks) or 1))
    lines: list[dict] = []
    try:
        with _signals_interrupt():
            if jobs == 1:
                _init_worker(pack_location)
                try:
                    for task in tasks:
                        lines.append(worker(*task))
                        if progress:
                            progress(1)
                finally:
                    _WORKER.clear()
                return lines
            gc.freeze()  # the workers are forks: what the parent holds stays shared instead of being copied
            pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker_process, initargs=(pack_location,))
            try:
                try:
                    futures = {pool.submit(worker, *task): task for task in tasks}  # the workers start here
                finally:
                    gc.unfreeze()
                for future in as_completed(futures):
                    try:
                        lines.append(future.result())
                    except Exception as exc:  # noqa: BLE001 - a worker that died: report the row, go on
                        task = futures[future]
                        lines.append({"row": task[1], "organisation": "", "status": "error", "file": "",
                                      "error": f"internal error ({type(exc).__name__}: {exc})"})
                    if progress:
                        progress(1)
            except BaseException:
                _stop_pool(pool)
                for future in futures:  # results that arrived while the workers were being stopped
                    if future.done() and not future.cancelled() and future.exception() is None \
                            and future.result() not in lines:
                        lines.append(future.result())
                raise
            pool.shutdown(wait=True)
    except KeyboardInterrupt as exc:
        raise Interrupted(getattr(exc, "signum", signal.SIGINT), lines) from None
    return lines


def _interrupted_report(exc: Interrupted, out: Path, done: list[dict], tasks: list[tuple], started: float,
                        columns: list[str] = REPORT_COLUMNS) -> None:
    """The report of an interrupted batch: the rows done, and the others marked as not done. A worker stopped
    between writing its file (atomically, so whole) and reporting it: the file's time tells."""
    lines = done + exc.lines
    finished = {str(line["row"]) for line in lines}
    for task in tasks:
        if str(task[1]) in finished:
            continue
        target = Path(task[3])
        try:
            fresh = target.stat().st_mtime >= started
        except OSError:
            fresh = False
        if fresh:
            lines.append({"row": task[1], "organisation": "", "status": "ok", "file": target.name, "error": "",
                          "written": True})
        else:
            lines.append({"row": task[1], "organisation": "", "status": "interrupted", "file": "",
                          "error": "not generated: the batch was interrupted"})
    lines.sort(key=_row_key)
    exc.result = BatchResult(lines=lines, report=write_report(out, lines, columns))


def make_output_folder(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file, a FIFO or a device where the folder should be; no permission
        raise OutputError(f"Dossier de sortie {out} impossible à créer ({exc.strerror}).",
                          f"Cannot create the output folder {out} ({exc.strerror}).") from None


@contextlib.contextmanager
def folder_lock(out: Path):
    """One run at a time writes into a folder: a second batch, regenerate or update into the same folder is
    refused (exit 2) instead of mixing its files and its report with the first one's. The lock is the
    kernel's (flock on the folder itself): nothing is left behind, and it goes with the process."""
    try:
        fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise OutputError(f"Dossier de sortie {out} inaccessible ({exc.strerror}).",
                          f"Cannot open the output folder {out} ({exc.strerror}).") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise OutputError("une autre exécution écrit déjà dans ce dossier ; attendez qu'elle se "
                              "termine, ou choisissez un autre dossier.",
                              "another run is already writing into this folder; wait for it to finish, "
                              "or choose another folder.", place=Place(str(out))) from None
        yield
    finally:
        os.close(fd)


def run_folder(out: Path, tasks: list[tuple], worker: Callable, pack_location: str | None, jobs: int | None,
               progress: Callable[[int], None] | None, columns: list[str], done: list[dict] | None = None
               ) -> BatchResult:
    """``tasks`` run by ``worker`` into ``out`` (locked by the caller), then ``out/report.csv``. Interrupted
    (Ctrl-C, SIGTERM): the report is written all the same, saying what was done, and :class:`Interrupted`
    goes on up with it."""
    started = time.time() - 1  # file times may be rounded down to the second
    lines = list(done or [])
    try:
        lines += run_parallel(tasks, worker, str(Path(pack_location).resolve()) if pack_location else None,
                              jobs, progress)
    except Interrupted as exc:
        with _signals_ignored():  # a second Ctrl-C must not cut the report short
            _interrupted_report(exc, out, lines, tasks, started, columns)
        raise
    lines.sort(key=_row_key)
    return BatchResult(lines=lines, report=write_report(out, lines, columns))


def run_batch(source: str | Path, out_dir: str | Path, pack_location: str | None = None, lang: str | None = None,
              as_of: dt.date | None = None, jobs: int | None = None, messages: str = "en",
              progress: Callable[[int], None] | None = None, rows: list[Row] | None = None,
              traces: bool = False) -> BatchResult:
    """One policy per row of ``source`` into ``out_dir`` (with its decision trace if ``traces``), and
    ``out_dir/report.csv``."""
    out = Path(out_dir)
    if Path(source).is_dir() and Path(source).resolve() == out.resolve():
        raise InputFileError("Le dossier de sortie doit être différent du dossier des profils.",
                             "The output folder must differ from the folder of profiles.")
    check_not_input(out / REPORT_NAME, source)
    make_output_folder(out)
    with folder_lock(out):
        load_pack(pack_location)  # a bad pack fails once, here, not once per row
        rows = rows if rows is not None else read_rows(source)
        names = output_names(rows)
        tasks, lines = [], []
        for row in rows:
            if row.data is None:
                lines.append({"row": row.label, "organisation": "", "status": "error", "file": "",
                              "error": row.error})
                if progress:
                    progress(1)
                continue
            tasks.append((row.number, row.label, row.data, str(out / names[row.number]), lang, as_of, messages,
                          traces))
        return run_folder(out, tasks, generate_row, pack_location, jobs, progress, REPORT_COLUMNS, lines)


def policies_in(folder: Path, out: Path, what: tuple[str, str]) -> list[Path]:
    """The Word policies of a folder (Word's lock files and hidden files aside), for regenerate and update;
    the output folder must be another one. ``what`` names the folder's policies in French and English."""
    if not folder.is_dir():
        raise InputFileError("dossier introuvable.", "no such folder.", place=Place(str(folder)))
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".docx" and p.is_file()
                   and not p.name.startswith(("~$", ".")))
    if not files:
        raise InputFileError("aucun document .docx dans ce dossier.",
                             "no .docx document in this folder.", place=Place(str(folder)))
    if out.resolve() == folder.resolve():
        raise InputFileError(f"Le dossier de sortie doit être différent du dossier des {what[0]}.",
                             f"The output folder must differ from the folder of {what[1]}.")
    return files
