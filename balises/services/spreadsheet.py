"""The spreadsheet of answers: one row per organisation (CSV, XLSX) or a folder of answers files.

The column layout is the profile flattened (docs/batch.md): ``organisation.name``, ``uses.admin`` as a
``;``-separated list, ``tools.1.name``, ``tools.1.uses``… (a column per field path: balises.contract.paths).
An empty cell leaves the answer out (the pack's recommended answer, then the contract's default, apply).
Cells are read as text, never as formulas; the workbook's size and parts are checked before it is opened.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import typing
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from balises.contract.paths import FieldPath, is_model, model_fields
from balises.contract.profile import Profile, Tool
from balises.errors import BalisesError, InputFileError
from balises.packs.loader import default_pack_dir
from balises.problems import Place
from balises.safewrite import write_atomic
from balises.safeyaml import load_data_file
from balises.text import did_you_mean

MAX_ROWS = 20_000
MAX_SHEET_BYTES = 50 * 1024 * 1024
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
            bad.append(f"{col!r}" + did_you_mean(col, template_columns()))
    if bad:
        raise InputFileError(
            f"colonnes inconnues : {', '.join(bad)}. Voir docs/batch.md ou `balises batch --template`.",
            f"unknown columns: {', '.join(bad)}. See docs/batch.md or `balises batch --template`.",
            place=Place(source))
    seen = set()
    for col in header:
        if col and col in seen:
            raise InputFileError(f"colonne en double : {col!r}.", f"duplicate column {col!r}.",
                                 place=Place(source))
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
        raise InputFileError("fichier trop volumineux.", "file too large.", place=Place(str(location)))
    suffix = location.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        header, records = _xlsx_records(location)
    elif suffix in (".csv", ".txt", ".tsv"):
        header, records = _csv_records(location)
    else:
        raise InputFileError("un tableau .csv ou .xlsx, ou un dossier de profils, est attendu.",
                             "a .csv or .xlsx spreadsheet, or a folder of profiles, is expected.",
                             place=Place(str(location)))
    header = [str(h).strip() if h is not None else "" for h in header]
    check_header(header, str(location))
    rows = []
    for number, cells in records:
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise InputFileError(f"plus de {MAX_ROWS} lignes.", f"more than {MAX_ROWS} rows.",
                                 place=Place(str(location)))
        record = {col: (cells[i] if i < len(cells) else None) for i, col in enumerate(header)}
        rows.append(Row(number=number, label=str(number), data=unflatten(record)))
    return rows


def _csv_records(path: Path) -> tuple[list, Iterable]:
    raw = path.read_bytes()
    # Excel's "Unicode text" and some exports are UTF-16, said by their byte order mark
    encoding = "utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        if encoding == "utf-16":
            raise InputFileError("texte UTF-16 illisible.", "unreadable UTF-16 text.",
                                 place=Place(str(path))) from None
        text = raw.decode("cp1252", errors="replace")  # an old Excel export
    if "\x00" in text:
        raise InputFileError("octets nuls dans le fichier (enregistrez-le en CSV UTF-8).",
                             "NUL bytes in the file (save it as CSV UTF-8).", place=Place(str(path)))
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
            raise InputFileError(f"ligne {line} illisible (cellule trop longue ou caractère nul : {exc}).",
                                 f"line {line} unreadable (cell too long or NUL character: {exc}).",
                                 place=Place(str(path))) from None

    rows = records()
    try:
        _, header = next(rows)
    except StopIteration:
        raise InputFileError("fichier vide.", "empty file.", place=Place(str(path))) from None
    return header, ((i, cells) for i, (_, cells) in enumerate(rows, start=2))


MAX_XLSX_PART = 32 * 1024 * 1024  # uncompressed: 20,000 rows of a member list take a few megabytes
MAX_XLSX_TOTAL = 128 * 1024 * 1024


def check_workbook(path: Path) -> None:
    """Refuse a workbook that would exhaust memory once inflated, or whose XML declares a DTD (entities)."""
    def refuse(fr: str, en: str):
        return InputFileError(fr, en, place=Place(str(path)))

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

    check_workbook(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputFileError(f"classeur illisible ({exc}).", f"unreadable workbook ({exc}).",
                             place=Place(str(path))) from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = list(next(rows))
    except StopIteration:
        raise InputFileError("feuille vide.", "empty sheet.", place=Place(str(path))) from None
    while header and header[-1] in (None, ""):
        header.pop()
    return header, ((i, list(cells)) for i, cells in enumerate(rows, start=2))


def _folder_rows(folder: Path) -> list[Row]:
    rows = []
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json") and p.is_file())
    if not files:
        raise InputFileError("aucun profil (.yaml, .json) dans ce dossier.",
                             "no profile (.yaml, .json) in this folder.", place=Place(str(folder)))
    for i, path in enumerate(files, start=1):
        try:
            rows.append(Row(number=i, label=path.name, data=load_data_file(path)))
        except BalisesError as exc:
            rows.append(Row(number=i, label=path.name, data=None, error=exc.message("en")))
    return rows


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
