"""Packs: the rules, clause templates, outline, terminology and reference .docx that make a policy.

The built-in default pack is one pack like any other. Another pack (a folder or a .zip archive) is layered
over it: its rules and clause templates replace the default ones with the same id, add new ones, or
disable some. A pack is data only: YAML read with safe constructors, templates rendered in Jinja2's
sandbox, archive paths checked, nothing executed.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import ValidationError

from balises.engine.decisions import DECISIONS_DIR, parse_decision_files
from balises.engine.pack import OutlineAddition, Pack, PackInfo, SectionDef
from balises.engine.rules import Rule
from balises.errors import PackError
from balises.problems import Place, Problem
from balises.safeyaml import InputFileError, LineDict, parse_yaml

MAX_PACK_FILES = 2000
MAX_TEXT_BYTES = 1 * 1024 * 1024
MAX_BINARY_BYTES = 10 * 1024 * 1024
MAX_PACK_BYTES = 40 * 1024 * 1024
BINARY_SUFFIXES = {".docx", ".png", ".jpg", ".jpeg"}

PACK_FILE = "pack.yaml"
# What a pack is made of (its tests/ cases are read apart, by `balises test`). The default pack's folders sit
# at the top of a checkout, beside the code and the test suite, which are not pack files: the wheel ships
# these parts only (pyproject.toml's force-include; a test keeps the two alike).
PACK_PARTS = (PACK_FILE, "rules", "policy_templates", "decisions", "examples")
SECTIONS_DIR = "policy_templates/sections/"  # one file per section, read in file-name order
OUTLINE_FILE = "policy_templates/outline.yaml"  # in an overlay pack: clauses added to existing sections
TERMS_FILE = "policy_templates/terms.yaml"
REFERENCE_FILE = "policy_templates/reference.docx"
MANIFEST_FILE = "manifest.json"  # in an archive built by `balises pack build`: names, versions, checksums


# ---------------------------------------------------------------- reading files from a folder or an archive

def _check_member_path(name: str, source: str) -> str:
    path = PurePosixPath(name.replace("\\", "/"))
    if not path.parts or path.is_absolute() or name.startswith(("/", "\\")) or ".." in path.parts \
            or ":" in path.parts[0]:
        raise PackError(f"chemin refusé dans le paquet : {name!r} (hors du paquet).",
                        f"path refused in pack: {name!r} (outside the pack).", place=Place(source))
    return str(path)


def _check_size(name: str, size: int, source: str) -> None:
    limit = MAX_BINARY_BYTES if PurePosixPath(name).suffix.lower() in BINARY_SUFFIXES else MAX_TEXT_BYTES
    if size > limit:
        raise PackError(f"fichier trop volumineux dans le paquet : {name} ({size} octets ; "
                        f"maximum {limit}).",
                        f"file too large in pack: {name} ({size} bytes; at most {limit}).",
                        place=Place(source))


def _read_regular(path: Path, rel: str, source: str) -> bytes:
    """The bytes of a regular file, opened so that a file swapped for a FIFO since the check cannot block."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise PackError(f"lecture impossible de {rel} ({exc.strerror}).",
                        f"cannot read {rel} ({exc.strerror}).", place=Place(source)) from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise PackError(f"{rel} n'est pas un fichier ordinaire (tube, socket ou périphérique).",
                            f"{rel} is not a regular file (a pipe, socket or device).", place=Place(source))
        _check_size(rel, info.st_size, source)
        return fh.read(info.st_size + 1)


def read_pack_files(location: str | Path) -> dict[str, bytes]:
    """The files of a pack folder or .zip archive, as relative POSIX path -> bytes, after safety checks."""
    return read_pack(location)[0]


def _is_default_checkout(location: Path) -> bool:
    try:
        return location.resolve() == default_pack_dir() and (location / "pyproject.toml").is_file()
    except PackError:
        return False


def _folder_entries(root: Path, parts: tuple[str, ...] | None) -> list[Path]:
    """Every entry under ``root`` (``parts``: under those of its top entries only), in path order; hidden
    folders and ``__pycache__`` are not entered (a checkout's .git or .venv holds tens of thousands of files),
    and symbolic links and special files are listed for the caller to refuse."""
    tops = [root / name for name in parts if os.path.lexists(root / name)] if parts else [root]
    entries = [top for top in tops if top != root]
    for top in tops:
        if top.is_symlink() or not top.is_dir():
            continue
        for folder, subfolders, names in os.walk(top):
            entered = []
            for name in subfolders:
                if name.startswith(".") or name == "__pycache__":
                    continue
                entries.append(Path(folder, name))
                if not os.path.islink(os.path.join(folder, name)):
                    entered.append(name)
            subfolders[:] = entered
            entries.extend(Path(folder, name) for name in names)
    return sorted(entries)


def read_pack(location: str | Path) -> tuple[dict[str, bytes], dict | None]:
    """The files of a pack and, for an archive, its verified manifest (None for a folder). The one reader of
    packs: generation, lint, build and verify all go through it (top-folder handling included)."""
    location = Path(location)
    source = str(location)
    if not location.exists():
        raise PackError(f"Paquet introuvable : {location}", f"Pack not found: {location}")
    files: dict[str, bytes] = {}
    total = 0
    if location.is_dir():
        parts = PACK_PARTS if _is_default_checkout(location) else None
        for path in _folder_entries(location, parts):
            rel = path.relative_to(location).as_posix()
            if any(part.startswith(".") or part == "__pycache__" for part in PurePosixPath(rel).parts):
                continue
            if path.is_symlink():
                raise PackError(f"lien symbolique refusé dans le paquet : {rel}",
                                f"symbolic link refused in pack: {rel}", place=Place(source))
            if path.is_dir():
                continue
            if not path.is_file():  # a FIFO blocks for ever, a device node reads until memory runs out
                raise PackError(f"{rel} n'est pas un fichier ordinaire (tube, socket ou périphérique).",
                                f"{rel} is not a regular file (a pipe, socket or device).",
                                place=Place(source))
            size = path.stat().st_size
            _check_size(rel, size, source)
            total += size
            if len(files) >= MAX_PACK_FILES or total > MAX_PACK_BYTES:
                raise PackError("paquet trop volumineux.", "pack too large.", place=Place(source))
            files[rel] = _read_regular(path, rel, source)
        return files, None
    if not zipfile.is_zipfile(location):
        raise PackError("ni un dossier ni une archive .zip de paquet.",
                        "neither a pack folder nor a .zip pack archive.", place=Place(source))
    try:
        with zipfile.ZipFile(location) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_PACK_FILES:
                raise PackError("trop de fichiers dans l'archive.", "too many files in archive.",
                                place=Place(source))
            for info in infos:
                name = _check_member_path(info.filename, source)
                mode = info.external_attr >> 16
                if stat.S_ISLNK(mode):
                    raise PackError(f"lien symbolique refusé dans l'archive : {name}",
                                    f"symbolic link refused in archive: {name}", place=Place(source))
                if info.is_dir():
                    continue
                if info.flag_bits & 0x1:
                    raise PackError(f"fichier chiffré refusé dans l'archive : {name}",
                                    f"encrypted file refused in archive: {name}", place=Place(source))
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    raise PackError(f"méthode de compression {info.compress_type} non prise en charge "
                                    f"pour {name} (stockée ou deflate seulement).",
                                    f"compression method {info.compress_type} not supported for {name} "
                                    "(stored or deflate only).", place=Place(source))
                _check_size(name, info.file_size, source)
                total += info.file_size
                if total > MAX_PACK_BYTES:
                    raise PackError("archive trop volumineuse une fois décompressée.",
                                    "archive too large once uncompressed.", place=Place(source))
                with archive.open(info) as member:
                    # read one byte past the declared size: a lying header cannot smuggle in more
                    data = member.read(info.file_size + 1)
                if len(data) != info.file_size:
                    raise PackError(f"taille incohérente pour {name}.",
                                    f"inconsistent size for {name}.", place=Place(source))
                files[name] = data
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, RuntimeError, NotImplementedError,
            ValueError) as exc:
        raise PackError(f"archive illisible ({exc}).", f"unreadable archive ({exc}).",
                        place=Place(source)) from None
    # an archive may hold the pack at its root or inside one top folder (NAME-VERSION/)
    if PACK_FILE not in files:
        tops = {PurePosixPath(n).parts[0] for n in files}
        if len(tops) == 1:
            prefix = next(iter(tops)) + "/"
            files = {n[len(prefix):]: b for n, b in files.items() if n.startswith(prefix)}
    manifest = verify_manifest(files, source)
    files.pop(MANIFEST_FILE, None)
    return files, manifest


def files_checksum(files: dict[str, bytes]) -> tuple[dict[str, str], str]:
    """Per-file SHA-256 and one checksum of the whole pack (every path and its hash, in path order)."""
    hashes = {name: hashlib.sha256(files[name]).hexdigest() for name in sorted(files) if name != MANIFEST_FILE}
    listing = "".join(f"{digest}  {name}\n" for name, digest in hashes.items())
    return hashes, hashlib.sha256(listing.encode("utf-8")).hexdigest()


def verify_manifest(files: dict[str, bytes], source: str) -> dict:
    """An archive must carry the manifest written by ``balises pack build``, and match it file for file."""
    def refuse(fr: str, en: str):
        return PackError(f"archive de paquet refusée : {fr}", f"pack archive refused: {en}",
                         place=Place(source))

    if MANIFEST_FILE not in files:
        raise refuse("manifest.json manquant (construisez l'archive avec « balises pack build »).",
                     "manifest.json missing (build the archive with `balises pack build`).")
    try:
        manifest = json.loads(files[MANIFEST_FILE].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise refuse("manifest.json illisible.", "unreadable manifest.json.") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise refuse("manifest.json sans liste de fichiers.", "manifest.json lists no files.")
    hashes, checksum = files_checksum(files)
    listed = manifest["files"]
    extra = sorted(set(hashes) - set(listed))
    missing = sorted(set(listed) - set(hashes))
    altered = sorted(n for n in hashes if n in listed and listed[n] != hashes[n])
    if extra or missing or altered or manifest.get("checksum") != checksum:
        what = []
        if altered:
            what.append(("modifiés", "altered", altered))
        if extra:
            what.append(("ajoutés", "added", extra))
        if missing:
            what.append(("retirés", "removed", missing))
        fr = "; ".join(f"fichiers {w_fr} : {', '.join(n[:5])}" for w_fr, _, n in what) or "somme globale différente"
        en = "; ".join(f"files {w_en}: {', '.join(n[:5])}" for _, w_en, n in what) or "overall checksum differs"
        raise refuse(f"somme de contrôle incorrecte, l'archive a été modifiée après sa construction ({fr}).",
                     f"checksum mismatch, the archive was changed after it was built ({en}).")
    return manifest


# ---------------------------------------------------------------- parsing

def _yaml(files: dict[str, bytes], name: str, source: str) -> Any:
    try:
        return parse_yaml(files[name], f"{source}/{name}")
    except InputFileError as exc:
        raise PackError(exc.reason.fr, exc.reason.en, place=exc.place) from None


def validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(x) for x in err["loc"])
        parts.append(f"{loc}: {err['msg']}" if loc else err["msg"])
    return "; ".join(parts)


# pydantic's messages in French, for the errors an adviser meets most (others keep pydantic's English)
_FR_ERRORS = {
    "missing": lambda ctx: "champ requis",
    "extra_forbidden": lambda ctx: "champ non permis",
    "literal_error": lambda ctx: f"doit valoir {ctx.get('expected', '?').replace(' or ', ' ou ')}",
    "string_type": lambda ctx: "un texte est attendu",
    "list_type": lambda ctx: "une liste est attendue",
    "dict_type": lambda ctx: "un tableau associatif est attendu",
    "bool_type": lambda ctx: "true ou false est attendu",
    "bool_parsing": lambda ctx: "true ou false est attendu",
    "int_type": lambda ctx: "un nombre entier est attendu",
    "int_parsing": lambda ctx: "un nombre entier est attendu",
    "date_type": lambda ctx: "une date (AAAA-MM-JJ) est attendue",
    "date_from_datetime_parsing": lambda ctx: "une date (AAAA-MM-JJ) est attendue",
}


def validation_message_fr(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(x) for x in err["loc"])
        word = _FR_ERRORS.get(err["type"])
        msg = word(err.get("ctx") or {}) if word else err["msg"]
        parts.append(f"{loc} : {msg}" if loc else msg)
    return " ; ".join(parts)


def _parse_rules(files: dict[str, bytes], source: str, invalid: list[Problem] | None = None
                 ) -> tuple[dict[str, Rule], list[Problem]]:
    """Rules of one layer. Duplicate ids inside a layer are reported as problems (the linter lists them);
    with ``invalid`` given (the linter), an unreadable file or an invalid rule is listed there as a problem
    and skipped instead of stopping the read, so that lint reports every problem in one run."""
    rules: dict[str, Rule] = {}
    duplicates: list[Problem] = []
    for name in sorted(n for n in files if n.startswith("rules/") and n.endswith((".yaml", ".yml"))):
        try:
            data = _yaml(files, name, source)
            if data is not None and not isinstance(data, list):
                raise PackError("une liste de règles est attendue.", "a list of rules is expected.",
                                place=Place(f"{source}/{name}"))
        except PackError as exc:
            if invalid is None:
                raise
            invalid.append(Problem(exc.place or Place(f"{source}/{name}"), exc.reason.en, exc.reason.fr))
            continue
        for item in data or []:
            line = item.line if isinstance(item, LineDict) else 0
            where = Place(f"{source}/{name}", line)
            if not isinstance(item, dict):
                if invalid is not None:
                    invalid.append(Problem(where, "a rule is a mapping", "une règle est un tableau associatif"))
                    continue
                raise PackError("une règle est un tableau associatif.", "a rule is a mapping.", place=where)
            try:
                rule = Rule.model_validate({**item, "file": f"{source}/{name}", "line": line})
            except ValidationError as exc:
                where = _source_place(item, exc, f"{source}/{name}") or where
                if invalid is not None:
                    invalid.append(Problem(where, f"invalid rule {item.get('id', '?')} ({validation_message(exc)})",
                                           f"règle invalide {item.get('id', '?')} ({validation_message_fr(exc)})"))
                    continue
                raise PackError(f"règle invalide ({validation_message(exc)}).",
                                f"invalid rule ({validation_message(exc)}).", place=where) from None
            if rule.id in rules:
                also = rules[rule.id].where()
                duplicates.append(Problem(where, f"duplicate rule id {rule.id} (also {also})",
                                          f"identifiant de règle en double {rule.id} (aussi {also})"))
            rules[rule.id] = rule
    return rules, duplicates


def _source_place(item: dict, exc: ValidationError, file: str) -> Place | None:
    """The line of the source an error is about (a bad status is on the source's line, not the rule's)."""
    loc = exc.errors()[0]["loc"] if exc.errors() else ()
    if len(loc) >= 2 and loc[0] == "sources" and isinstance(loc[1], int):
        sources = item.get("sources")
        if isinstance(sources, list) and loc[1] < len(sources) and getattr(sources[loc[1]], "line", 0):
            return Place(file, sources[loc[1]].line)
    return None


def _parse_templates(files: dict[str, bytes], source: str) -> tuple[dict[str, str], dict[str, str]]:
    texts, origins = {}, {}
    for name, raw in files.items():
        if not name.startswith("policy_templates/") or not name.endswith(".md"):
            continue
        key = name[len("policy_templates/"):]
        try:
            texts[key] = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise PackError("le gabarit n'est pas en UTF-8.", "the template is not UTF-8.",
                            place=Place(f"{source}/{name}")) from None
        origins[key] = f"{source}/{name}"
    return texts, origins


@dataclass
class Layer:
    info: PackInfo
    source: str
    files: dict[str, bytes]
    rules: dict[str, Rule]
    duplicate_rules: list[Problem]
    invalid_rules: list[Problem] = field(default_factory=list)  # only when read for the linter


def read_layer(location: str | Path, lenient: bool = False) -> Layer:
    files = read_pack_files(location)
    source = str(location)
    if PACK_FILE not in files:
        raise PackError("pack.yaml manquant (nom, version, langues du paquet).",
                        "pack.yaml missing (the pack's name, version, languages).", place=Place(source))
    raw = _yaml(files, PACK_FILE, source)
    try:
        info = PackInfo.model_validate(raw if isinstance(raw, dict) else {})
    except ValidationError as exc:
        msg = validation_message(exc)
        raise PackError(msg, msg, place=Place(f"{source}/{PACK_FILE}")) from None
    invalid: list[Problem] | None = [] if lenient else None
    rules, duplicates = _parse_rules(files, source, invalid)
    return Layer(info=info, source=source, files=files, rules=rules, duplicate_rules=duplicates,
                 invalid_rules=invalid or [])


def _outline(files: dict[str, bytes], source: str) -> list[SectionDef]:
    sections = []
    for name in sorted(n for n in files if n.startswith(SECTIONS_DIR) and n.endswith((".yaml", ".yml"))):
        data = _yaml(files, name, source)
        try:
            sections.append(SectionDef.model_validate(data if isinstance(data, dict) else {}))
        except ValidationError as exc:
            msg = validation_message(exc)
            raise PackError(msg, msg, place=Place(f"{source}/{name}")) from None
    return sections


def _apply_additions(sections: list[SectionDef], files: dict[str, bytes], source: str) -> None:
    data = _yaml(files, OUTLINE_FILE, source) or {}
    additions = data.get("add", []) if isinstance(data, dict) else None
    if not isinstance(additions, list):
        raise PackError("« add » doit être une liste de {section, clause, after}.",
                        "'add' must be a list of {section, clause, after}.",
                        place=Place(f"{source}/{OUTLINE_FILE}"))
    for raw in additions:
        try:
            add = OutlineAddition.model_validate(raw)
        except ValidationError as exc:
            msg = validation_message(exc)
            raise PackError(msg, msg, place=Place(f"{source}/{OUTLINE_FILE}")) from None
        target = next((s for s in sections if s.id == add.section), None)
        if target is None:
            raise PackError(f"section inconnue {add.section!r}.", f"unknown section {add.section!r}.",
                            place=Place(f"{source}/{OUTLINE_FILE}"))
        if add.clause in target.clauses:
            continue
        pos = target.clauses.index(add.after) + 1 if add.after in target.clauses else len(target.clauses)
        target.clauses.insert(pos, add.clause)


def _terms(files: dict[str, bytes], source: str) -> dict[str, dict[str, str]]:
    """terms.yaml: each term a mapping of language or locale to its wording."""
    if TERMS_FILE not in files:
        return {}
    data = _yaml(files, TERMS_FILE, source) or {}
    where = f"{source}/{TERMS_FILE}"
    if not isinstance(data, dict):
        raise PackError("un tableau associatif terme -> {fr: …, en: …} est attendu.",
                        "a mapping of term -> {fr: …, en: …} is expected.", place=Place(where))
    for key, value in data.items():
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise PackError(f"le terme {key!r} doit associer chaque langue à un texte "
                            f"({{fr: …, en: …}}), pas {value!r:.60}.",
                            f"term {key!r} must map each language to a text ({{fr: …, en: …}}), "
                            f"not {value!r:.60}.", place=Place(where))
    return data


def build_pack(base: Layer, overlays: list[Layer] = ()) -> Pack:
    files = base.files
    if not _is_base(files):
        raise PackError(f"un paquet de base contient {SECTIONS_DIR} et {REFERENCE_FILE}.",
                        f"a base pack holds {SECTIONS_DIR} and {REFERENCE_FILE}.", place=Place(base.source))
    sections = _outline(files, base.source)
    templates, origins = _parse_templates(files, base.source)
    terms = _terms(files, base.source)
    rules = dict(base.rules)
    reference = files[REFERENCE_FILE]
    reference_where = f"{base.source}/{REFERENCE_FILE}"
    disabled: set[str] = set()
    for layer in overlays:
        if OUTLINE_FILE in layer.files:
            _apply_additions(sections, layer.files, layer.source)
        more, more_origins = _parse_templates(layer.files, layer.source)
        templates.update(more)
        origins.update(more_origins)
        if TERMS_FILE in layer.files:
            for key, value in _terms(layer.files, layer.source).items():
                terms[key] = {**terms.get(key, {}), **value}
        rules.update(layer.rules)
        if REFERENCE_FILE in layer.files:
            reference = layer.files[REFERENCE_FILE]
            reference_where = f"{layer.source}/{REFERENCE_FILE}"
        for rule_id in layer.info.disable_rules:
            disabled.add(rule_id)
            rules.pop(rule_id, None)
        for clause in layer.info.disable_clauses:
            for s in sections:
                if clause in s.clauses:
                    s.clauses.remove(clause)
    top = overlays[-1].info if overlays else base.info
    decision_layers = [(layer.source, _decision_files(layer.files, layer.source)) for layer in (base, *overlays)]
    if not any(files for _, files in decision_layers):  # a complete pack written before the decision table
        default = default_pack_dir()
        decision_layers = [(str(default), _decision_files(read_pack_files(default), str(default)))]
    decisions = parse_decision_files(decision_layers)
    # lazy: python-docx (~25 ms) is loaded when a pack is, not at `balises --help`
    from balises.render.docx.package import clean_reference

    # the reference is copied into every policy: sanitised once here
    reference, found = clean_reference(reference, reference_where)
    return Pack(decisions=decisions, info=top, layers=[base.info, *[o.info for o in overlays]], sections=sections,
                rules=rules,
                templates=templates, template_files=origins, terms=terms or {}, reference_docx=reference,
                rule_files={r.id: r.file for r in rules.values()}, disabled_rules=disabled,
                reference_findings=[Problem(Place(reference_where), en, fr) for fr, en in found])


def _decision_files(files: dict[str, bytes], source: str) -> dict[str, Any]:
    return {name: _yaml(files, name, source) for name in sorted(files)
            if name.startswith(DECISIONS_DIR) and name.endswith((".yaml", ".yml"))}


def _is_base(files: dict[str, bytes]) -> bool:
    return REFERENCE_FILE in files and any(n.startswith(SECTIONS_DIR) for n in files)


def default_pack_dir() -> Path:
    package = Path(__file__).resolve().parents[1]  # balises/
    for candidate in (package.parent, package / "default_pack"):  # a source checkout, then an installed wheel
        if (candidate / PACK_FILE).is_file() and (candidate / "rules").is_dir():
            return candidate
    raise PackError("Paquet par défaut introuvable : réinstallez Balises.",
                    "Default pack not found: reinstall Balises.")


@functools.lru_cache(maxsize=8)
def _cached_pack(location: str | None, stamp: float) -> Pack:
    base = read_layer(default_pack_dir())
    if location is None:
        return build_pack(base)
    overlay = read_layer(location)
    if overlay.info.extends in (None, "") and _is_base(overlay.files):
        return build_pack(overlay)  # a complete pack of its own
    return build_pack(base, [overlay])


def load_pack(location: str | Path | None = None) -> Pack:
    """The default pack, or ``location`` (folder or .zip) layered over it. Cached per location and change."""
    if location is None:
        return _cached_pack(None, _stamp(default_pack_dir()))
    path = Path(location).resolve()
    return _cached_pack(str(path), _stamp(path))


def _stamp(path: Path) -> float:
    """The latest modification time under ``path``, so an edited pack is read again."""
    try:
        if path.is_file():
            return path.stat().st_mtime
        files = _folder_entries(path, PACK_PARTS)
        return max((p.stat().st_mtime for p in files if p.is_file() and not p.is_symlink()), default=0.0)
    except OSError:
        return dt.datetime.now().timestamp()
