"""Many policies at once: one per spreadsheet row (CSV, XLSX) or per profile file, in parallel.

The column layout is the profile flattened (docs/batch.md): ``organisation.name``, ``uses.admin`` as a
``;``-separated list, ``tools.1.name``, ``tools.1.uses``… An empty cell leaves the question out (the pack's
``profile_defaults``, then the contract's defaults, apply). A bad row never stops the others: the report
(``report.csv``) names its fields at fault.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import difflib
import io
import os
import re
import signal
import threading
import time
import typing
import zipfile
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from . import api
from .api import remove_pending_temp_files, write_atomic
from .contract.answers import resolve
from .contract.paths import FieldPath, is_model, model_fields
from .errors import BalisesError, InputFileError, OutputError, ProfileError
from .pack import default_pack_dir, load_pack
from .profile import Profile, Tool
from .safeyaml import load_data_file
from .slug import slugify

MAX_ROWS = 20_000
MAX_SHEET_BYTES = 50 * 1024 * 1024
REPORT_NAME = "report.csv"
REPORT_COLUMNS = ["row", "organisation", "status", "file", "error"]
TEMPLATE_TOOLS = 3
LIST_SEPARATOR = ";"
TRUE = {"true", "yes", "oui", "vrai", "1", "y", "o", "x"}
FALSE = {"false", "no", "non", "faux", "0", "n"}


# ---------------------------------------------------------------- the column layout

def _is_list(annotation) -> bool:
    origin = typing.get_origin(annotation)
    if origin is list:
        return True
    return any(_is_list(a) for a in typing.get_args(annotation)) if origin is typing.Union else False


# one column per answer; the tools have numbered columns of their own (tools.1.name…)
PROFILE_COLUMNS = [(path.column, _is_list(info.annotation)) for path, info in model_fields(Profile)
                   if not is_model(info) and str(path) not in ("schema_version", "tools")]
TOOL_COLUMNS = [(name, _is_list(info.annotation)) for name, info in Tool.model_fields.items()]
LIST_COLUMNS = {name for name, is_list in PROFILE_COLUMNS if is_list}
TOOL_LIST_COLUMNS = {name for name, is_list in TOOL_COLUMNS if is_list}
_TOOL_COLUMN = re.compile(r"^tools\.(\d+)\.([a-z_]+)$")


def template_columns(tools: int = TEMPLATE_TOOLS) -> list[str]:
    cols = [name for name, _ in PROFILE_COLUMNS]
    for i in range(1, tools + 1):
        cols += [f"tools.{i}.{name}" for name, _ in TOOL_COLUMNS]
    return cols


def check_header(header: list[str], source: str) -> None:
    """Unknown columns are an error for the whole file (every row would be wrong), with a suggestion."""
    known = {name for name, _ in PROFILE_COLUMNS}
    tool_fields = {name for name, _ in TOOL_COLUMNS}
    bad = []
    for col in header:
        if not col or col.startswith(("#", "_")):
            continue  # a column of notes (member number, comments) is ignored
        match = _TOOL_COLUMN.match(col)
        if match and match.group(2) in tool_fields and int(match.group(1)) >= 1:
            continue
        if col not in known:
            hint = difflib.get_close_matches(col, template_columns(), n=1)
            bad.append(f"{col!r}" + (f" (did you mean {hint[0]!r}?)" if hint else ""))
    if bad:
        raise InputFileError(
            f"{source} : colonnes inconnues : {', '.join(bad)}. Voir docs/batch.md ou `balises batch --template`.",
            f"{source}: unknown columns: {', '.join(bad)}. See docs/batch.md or `balises batch --template`.")
    seen = set()
    for col in header:
        if col and col in seen:
            raise InputFileError(f"{source} : colonne en double : {col!r}.", f"{source}: duplicate column {col!r}.")
        seen.add(col)


def _cell(value: Any, is_list: bool) -> Any:
    """A cell as profile data: None for empty, lists split on ';', yes/no/oui/non as booleans."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (bool, int, float)):
        return [str(value)] if is_list else value
    text = str(value).strip()
    if text == "":
        return None
    if is_list:
        return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]
    lowered = text.lower()
    if lowered in TRUE - {"1", "x", "y", "o"} or lowered in FALSE - {"0", "n"}:
        return lowered in TRUE
    return text


def unflatten(row: dict[str, Any]) -> dict:
    """One spreadsheet row (column -> cell) as profile data. Empty cells leave keys out."""
    data: dict = {}
    tools: dict[int, dict] = {}
    for col, raw in row.items():
        if not col or col.startswith(("#", "_")):
            continue
        match = _TOOL_COLUMN.match(col)
        if match:
            value = _cell(raw, match.group(2) in TOOL_LIST_COLUMNS)
            if value is not None:
                tools.setdefault(int(match.group(1)), {})[match.group(2)] = value
            continue
        value = _cell(raw, col in LIST_COLUMNS)
        if value is not None:
            FieldPath.parse(col).set(data, value)
    if tools:
        data["tools"] = [tools[i] for i in sorted(tools)]
    return data


def flatten(profile_data: dict) -> dict[str, str]:
    """Profile data as one row of the layout (the reverse of :func:`unflatten`)."""
    row: dict[str, str] = {}

    def put(col: str, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, list):
            row[col] = LIST_SEPARATOR.join(str(v) for v in value)
        elif isinstance(value, bool):
            row[col] = "true" if value else "false"
        else:
            row[col] = str(value)

    for col, _ in PROFILE_COLUMNS:
        put(col, FieldPath.parse(col).get(profile_data))
    for i, tool in enumerate(profile_data.get("tools") or [], start=1):
        for name, _ in TOOL_COLUMNS:
            put(f"tools.{i}.{name}", tool.get(name))
    return row


# ---------------------------------------------------------------- reading the input

@dataclass
class Row:
    number: int  # spreadsheet row number (header = 1), or the position of a profile file
    label: str  # what the report calls it: the file name for profile files
    data: Any  # profile data, or None when the file could not be read
    error: str = ""


def read_rows(location: str | Path) -> list[Row]:
    """The rows of a CSV or XLSX file, or the profile files (YAML, JSON) of a folder."""
    location = Path(location)
    if not location.exists():
        raise InputFileError(f"Fichier introuvable : {location}", f"File not found: {location}")
    if location.is_dir():
        return _folder_rows(location)
    if location.stat().st_size > MAX_SHEET_BYTES:
        raise InputFileError(f"{location} : fichier trop volumineux.", f"{location}: file too large.")
    suffix = location.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        header, records = _xlsx_records(location)
    elif suffix in (".csv", ".txt", ".tsv"):
        header, records = _csv_records(location)
    else:
        raise InputFileError(f"{location} : un tableau .csv ou .xlsx, ou un dossier de profils, est attendu.",
                             f"{location}: a .csv or .xlsx spreadsheet, or a folder of profiles, is expected.")
    header = [str(h).strip() if h is not None else "" for h in header]
    check_header(header, str(location))
    rows = []
    for number, cells in records:
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise InputFileError(f"{location} : plus de {MAX_ROWS} lignes.", f"{location}: more than {MAX_ROWS} rows.")
        record = {col: (cells[i] if i < len(cells) else None) for i, col in enumerate(header)}
        rows.append(Row(number=number, label=str(number), data=unflatten(record)))
    return rows


def _csv_records(path: Path) -> tuple[list, Iterable]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # an old Excel export
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)  # the header never holds lists: count its separators
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def records():
        line = 0
        try:
            for line, cells in enumerate(reader, start=1):
                yield line, cells
        except csv.Error as exc:  # a cell over csv's field limit (131,072 characters), a stray NUL
            line += 1
            raise InputFileError(f"{path} : ligne {line} illisible (cellule trop longue ou caractère nul : {exc}).",
                                 f"{path}: line {line} unreadable (cell too long or NUL character: {exc}).") from None

    rows = records()
    try:
        _, header = next(rows)
    except StopIteration:
        raise InputFileError(f"{path} : fichier vide.", f"{path}: empty file.") from None
    return header, ((i, cells) for i, (_, cells) in enumerate(rows, start=2))


MAX_XLSX_PART = 32 * 1024 * 1024  # uncompressed: 20,000 rows of a member list take a few megabytes
MAX_XLSX_TOTAL = 128 * 1024 * 1024


def _check_xlsx(path: Path) -> None:
    """Refuse a workbook that would exhaust memory once inflated, or whose XML declares a DTD (entities)."""
    def refuse(fr: str, en: str):
        return InputFileError(f"{path} : {fr}", f"{path}: {en}")

    try:
        with zipfile.ZipFile(path) as archive:
            total = 0
            for info in archive.infolist():
                total += info.file_size
                if info.file_size > MAX_XLSX_PART or total > MAX_XLSX_TOTAL:
                    raise refuse(f"{info.filename} trop volumineux une fois décompressé ({info.file_size} octets ; "
                                 f"maximum {MAX_XLSX_PART}).",
                                 f"{info.filename} too large once uncompressed ({info.file_size} bytes; "
                                 f"at most {MAX_XLSX_PART}).")
                if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    raise refuse(f"{info.filename} chiffré ou compressé d'une manière non prise en charge.",
                                 f"{info.filename} is encrypted or uses an unsupported compression.")
                if info.filename.endswith((".xml", ".rels")) and _declares_dtd(archive, info):
                    raise refuse(f"{info.filename} : DTD ou entité XML refusée.",
                                 f"{info.filename}: XML DTD or entity refused.")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, RuntimeError, NotImplementedError) as exc:
        raise refuse(f"classeur illisible ({exc}).", f"unreadable workbook ({exc}).") from None


def _declares_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    tail = b""
    with archive.open(info) as member:
        while chunk := member.read(1024 * 1024):
            window = tail + chunk
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                return True
            tail = chunk[-16:]
    return False


def _xlsx_records(path: Path) -> tuple[list, Iterable]:
    # lazy: openpyxl takes ~200 ms to load, and only a .xlsx sheet needs it
    import openpyxl

    _check_xlsx(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputFileError(f"{path} : classeur illisible ({exc}).", f"{path}: unreadable workbook ({exc}).") from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = list(next(rows))
    except StopIteration:
        raise InputFileError(f"{path} : feuille vide.", f"{path}: empty sheet.") from None
    while header and header[-1] in (None, ""):
        header.pop()
    return header, ((i, list(cells)) for i, cells in enumerate(rows, start=2))


def _folder_rows(folder: Path) -> list[Row]:
    rows = []
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json") and p.is_file())
    if not files:
        raise InputFileError(f"{folder} : aucun profil (.yaml, .json) dans ce dossier.",
                             f"{folder}: no profile (.yaml, .json) in this folder.")
    for i, path in enumerate(files, start=1):
        try:
            rows.append(Row(number=i, label=path.name, data=load_data_file(path)))
        except BalisesError as exc:
            rows.append(Row(number=i, label=path.name, data=None, error=exc.message("en")))
    return rows


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
    """Write atomically unless the file already holds the same document: re-running is idempotent."""
    if path.exists() and same_docx(path, data):
        return False
    write_atomic(path, data)
    return True


def error_text(exc: BaseException, lang: str) -> str:
    if isinstance(exc, ProfileError) and exc.problems:  # each named by its column in the spreadsheet
        return " | ".join(replace(p, where=FieldPath.parse(p.where).column).text(lang) for p in exc.problems)
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
            trace_file, trace_data = Path(target).with_suffix(".trace.json"), api.decision_trace(result.document)
            if not (trace_file.is_file() and trace_file.read_bytes() == trace_data):
                api.write_atomic(trace_file, trace_data)
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
            pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker_process, initargs=(pack_location,))
            try:
                futures = {pool.submit(worker, *task): task for task in tasks}
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


def _output_folder(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file, a FIFO or a device where the folder should be; no permission
        raise OutputError(f"Dossier de sortie {out} impossible à créer ({exc.strerror}).",
                          f"Cannot create the output folder {out} ({exc.strerror}).") from None


def run_batch(source: str | Path, out_dir: str | Path, pack_location: str | None = None, lang: str | None = None,
              as_of: dt.date | None = None, jobs: int | None = None, messages: str = "en",
              progress: Callable[[int], None] | None = None, rows: list[Row] | None = None,
              traces: bool = False) -> BatchResult:
    """One policy per row of ``source`` into ``out_dir`` (with its decision trace if ``traces``), and
    ``out_dir/report.csv``."""
    out = Path(out_dir)
    _output_folder(out)
    started = time.time() - 1  # file times may be rounded down to the second
    load_pack(pack_location)  # a bad pack fails once, here, not once per row
    rows = rows if rows is not None else read_rows(source)
    names = output_names(rows)
    tasks, lines = [], []
    for row in rows:
        if row.data is None:
            lines.append({"row": row.label, "organisation": "", "status": "error", "file": "", "error": row.error})
            if progress:
                progress(1)
            continue
        tasks.append((row.number, row.label, row.data, str(out / names[row.number]), lang, as_of, messages,
                      traces))
    try:
        lines += run_parallel(tasks, generate_row, str(Path(pack_location).resolve()) if pack_location else None,
                              jobs, progress)
    except Interrupted as exc:
        with _signals_ignored():  # a second Ctrl-C must not cut the report short
            _interrupted_report(exc, out, lines, tasks, started)
        raise
    lines.sort(key=_row_key)
    return BatchResult(lines=lines, report=write_report(out, lines))


# ---------------------------------------------------------------- the template spreadsheet

def template_rows() -> tuple[list[str], list[dict[str, str]]]:
    """The header and two example rows (from the example profiles, when at hand)."""
    rows = []
    examples = default_pack_dir() / "examples"
    for name in ("theatre-quebec.yaml", "animation-studio-france.yaml"):
        path = examples / name
        if path.is_file():
            try:
                rows.append(flatten(load_data_file(path)))
            except BalisesError:
                pass
    if not rows:
        rows.append({"organisation.name": "Théâtre Exemple", "organisation.jurisdiction": "quebec",
                     "organisation.sector": "performing_arts", "organisation.employees": "12"})
    tools = max([TEMPLATE_TOOLS] + [int(m.group(1)) for r in rows for c in r if (m := _TOOL_COLUMN.match(c))])
    return template_columns(tools), rows


def write_template(path: str | Path) -> Path:
    """A template spreadsheet (.csv or .xlsx): every column of the layout, and example rows."""
    path = Path(path)
    header, rows = template_rows()
    if path.suffix.lower() == ".xlsx":
        # lazy: openpyxl takes ~200 ms to load, and only a .xlsx sheet needs it
        import openpyxl
        from openpyxl.styles import Font

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "members"
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([row.get(col, "") for col in header])
        sheet.freeze_panes = "B2"
        for i, col in enumerate(header, start=1):
            sheet.column_dimensions[openpyxl.utils.get_column_letter(i)].width = max(12, min(40, len(col) + 2))
        book.properties.creator = "Balises"
        book.properties.created = book.properties.modified = dt.datetime(2026, 1, 1)
        buffer = io.BytesIO()
        book.save(buffer)
        return write_atomic(path, buffer.getvalue())
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return write_atomic(path, buffer.getvalue().encode("utf-8"))


# ---------------------------------------------------------------- regenerating a folder of policies

REGEN_COLUMNS = ["row", "organisation", "status", "file", "changes", "error"]


def regenerate_file(number: int, label: str, source: str, target: str, as_of: dt.date | None,
                    messages: str = "en") -> dict:
    # lazy: update imports batch's worker machinery (a cycle)
    from .update import read_docx, regenerate

    line = {"row": label, "organisation": "", "status": "ok", "file": Path(target).name, "changes": "", "error": ""}
    try:
        result = regenerate(read_docx(source), _WORKER.get("pack"), as_of=as_of, source=label)
        line["organisation"] = result.document.meta.organisation
        diff = result.diff
        parts = [f"{kind} {', '.join(getattr(diff, kind))}" for kind in ("added", "removed", "changed")
                 if getattr(diff, kind)]
        line["changes"] = "; ".join(parts) or "none"
        line["written"] = write_if_changed(Path(target), result.docx)
    except Exception as exc:  # noqa: BLE001 - a bad file never stops the others
        line.update(status="error", file="", error=error_text(exc, messages))
    return line


def policies_in(folder: Path, out: Path, what: tuple[str, str]) -> list[Path]:
    """The Word policies of a folder (Word's lock files and hidden files aside), for regenerate and update;
    the output folder must be another one. ``what`` names the folder's policies in French and English."""
    if not folder.is_dir():
        raise InputFileError(f"{folder} : dossier introuvable.", f"{folder}: no such folder.")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".docx" and p.is_file()
                   and not p.name.startswith(("~$", ".")))
    if not files:
        raise InputFileError(f"{folder} : aucun document .docx dans ce dossier.",
                             f"{folder}: no .docx document in this folder.")
    if out.resolve() == folder.resolve():
        raise InputFileError(f"Le dossier de sortie doit être différent du dossier des {what[0]}.",
                             f"The output folder must differ from the folder of {what[1]}.")
    return files


def run_regenerate_folder(folder: str | Path, out_dir: str | Path, pack_location: str | None = None,
                          as_of: dt.date | None = None, jobs: int | None = None, messages: str = "en",
                          progress: Callable[[int], None] | None = None) -> BatchResult:
    folder, out = Path(folder), Path(out_dir)
    files = policies_in(folder, out, ("anciennes politiques", "old policies"))
    _output_folder(out)
    started = time.time() - 1
    load_pack(pack_location)
    tasks = [(i, p.name, str(p), str(out / p.name), as_of, messages) for i, p in enumerate(files, start=1)]
    try:
        lines = run_parallel(tasks, regenerate_file, str(Path(pack_location).resolve()) if pack_location else None,
                             jobs, progress)
    except Interrupted as exc:
        with _signals_ignored():
            _interrupted_report(exc, out, [], tasks, started, REGEN_COLUMNS)
        raise
    lines.sort(key=lambda line: line["row"])
    return BatchResult(lines=lines, report=write_report(out, lines, REGEN_COLUMNS))
