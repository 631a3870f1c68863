"""Authoring and distributing a pack: ``balises pack init``, the overlay checks of ``balises lint --pack``,
and ``balises pack build`` (one .zip with a manifest and checksums).

A pack stays data only: nothing here imports or runs anything from the pack.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from string import Template

from jinja2 import TemplateSyntaxError, nodes

from balises.contract import answers
from balises.contract.paths import flatten, merge, nest
from balises.contract.profile import parse_profile
from balises.contract.vocabulary import LANGUAGE_CODES
from balises.engine.compose import compose
from balises.errors import BalisesError, PackError
from balises.packs.lint import SourceSummary, known_fields, lint_report, syntax_tree, tolerant_layers
from balises.packs.lint_decisions import sample_profiles
from balises.packs.loader import (
    MANIFEST_FILE,
    OUTLINE_FILE,
    PACK_FILE,
    REFERENCE_FILE,
    Layer,
    build_pack,
    default_pack_dir,
    files_checksum,
    read_layer,
    read_pack,
    read_pack_files,
)
from balises.problems import Place, Problem
from balises.safewrite import write_atomic
from balises.safeyaml import parse_yaml
from balises.slug import slugify
from balises.text import did_you_mean

ARCHIVE_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so that building the same pack twice gives the same bytes
# what `balises pack init` writes: these files as they are, with $name, $publisher, $base_version, $today and
# $clause (the example clause) filled in; the default pack's text of each example clause and its reference
# .docx are added to them
SCAFFOLD = Path(__file__).with_name("scaffold")


# ---------------------------------------------------------------- pack init

def init_pack(directory: str | Path, extends: str = "default", name: str | None = None,
              publisher: str | None = None) -> list[Path]:
    """Scaffold a pack in ``directory`` (created; must be empty). Returns the files written."""
    if extends != "default":
        raise PackError(f"Seul le paquet « default » peut être étendu (reçu {extends!r}).",
                        f"Only the 'default' pack can be extended (got {extends!r}).")
    target = Path(directory)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BalisesError(f"{target} existe déjà et n'est pas un dossier vide : choisissez un autre dossier.",
                           f"{target} already exists and is not an empty folder: choose another folder.")
    base = read_layer(default_pack_dir())
    sources = {p.relative_to(SCAFFOLD).as_posix(): p for p in SCAFFOLD.rglob("*") if p.is_file()}
    examples = [rel for rel in sources  # policy_templates/LANG/CLAUSE.md
                if rel.startswith("policy_templates/") and rel.count("/") == 2 and rel.endswith(".md")]
    values = {"name": slugify(name or target.resolve().name, fallback="my-pack"),
              "publisher": publisher or "Mon association", "base_version": base.info.version,
              "today": dt.date.today().isoformat(), "clause": ", ".join(sorted({Path(e).stem for e in examples}))}
    files = {REFERENCE_FILE: base.files[REFERENCE_FILE]}
    for rel, source in sources.items():
        text = Template(source.read_text(encoding="utf-8")).substitute(values)
        if rel in examples:  # an example clause: its header, then the default text, which it keeps until edited
            if rel not in base.files:
                continue
            text += base.files[rel].decode("utf-8")
        files[rel] = text.encode("utf-8")
    written = []
    for rel in sorted(files):
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[rel])
        written.append(path)
    return written


# ---------------------------------------------------------------- overlay checks (balises lint --pack)

def unsafe_template_access(source: str, env) -> list[tuple[int, str]]:
    """(line, name) of every attribute or key starting with ``_`` (``''.__class__``, ``x['__globals__']``):
    the sandbox refuses them when rendering; lint refuses them before."""
    found = []
    try:
        tree = syntax_tree(env, source)
    except TemplateSyntaxError:
        return []  # the main lint reports syntax errors
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        attr = node.attr if isinstance(node, nodes.Getattr) else (
            node.arg.value if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str) else "")
        if attr.startswith("_") or attr in ("mro", "gi_frame", "f_globals", "func_globals"):
            found.append((node.lineno, attr))
    return found


def overlay_problems(location: str | Path) -> list[Problem]:
    """What ``balises lint --pack`` checks beyond the default-pack lint: the overrides themselves."""
    # read leniently, bad sections and additions left out: lint_location reports them, the checks go on
    base, (overlay,), _ = tolerant_layers(read_layer(default_pack_dir(), lenient=True),
                                          [read_layer(location, lenient=True)])
    info = overlay.info
    pack_file = Place(f"{location}/{PACK_FILE}")
    problems: list[Problem] = []
    if info.extends not in (None, "", "default"):
        problems.append(Problem(pack_file, f"extends: only 'default' can be extended (got {info.extends!r})",
                                f"extends : seul « default » peut être étendu (reçu {info.extends!r})"))
    try:
        pack = build_pack(base, [overlay])
    except PackError as exc:
        return problems + [Problem(Place(str(location)), exc.en, exc.fr,
                                   subject=exc.place.file if exc.place else "")]
    base_pack = build_pack(base)
    base_clauses = set(base_pack.clause_ids())
    all_clauses = set(pack.clause_ids())

    # templates that override nothing (a typo in the file name)
    for key, origin in pack.template_files.items():
        if not origin.startswith(str(location)):
            continue
        lang, _, rest = key.partition("/")
        clause = rest.removesuffix(".md")
        if lang in LANGUAGE_CODES and not rest.startswith("_") and clause not in all_clauses:
            problems.append(Problem(Place(origin), f"overrides clause {clause!r}, which does not exist"
                                    + did_you_mean(clause, base_clauses),
                                    f"remplace la clause {clause!r}, qui n'existe pas"
                                    + did_you_mean(clause, base_clauses, "fr")))
    for clause in info.disable_clauses:
        if clause not in base_clauses:
            problems.append(Problem(pack_file, f"disable_clauses: unknown clause {clause!r}",
                                    f"disable_clauses : clause inconnue {clause!r}"))

    # disabled rules: unknown ids, and clauses left with no rule to choose them
    selectable = {sel.clause for rule in pack.rules.values() for sel in rule.select}
    for rule_id in info.disable_rules:
        rule = base.rules.get(rule_id)
        if rule is None:
            problems.append(Problem(pack_file, f"disable_rules: unknown rule {rule_id!r}"
                                    + did_you_mean(rule_id, base.rules),
                                    f"disable_rules : règle inconnue {rule_id!r}"
                                    + did_you_mean(rule_id, base.rules, "fr")))
            continue
        for sel in rule.select:
            if sel.clause in all_clauses and sel.clause not in selectable:
                problems.append(Problem(pack_file, f"disable_rules: without rule {rule_id}, clause {sel.clause} "
                                        "is selected by no rule (disable the clause too, or add a rule)",
                                        f"disable_rules : sans la règle {rule_id}, aucune règle ne choisit la "
                                        f"clause {sel.clause} (désactivez aussi la clause, ou ajoutez une règle)"))
    for section in pack.sections:
        if not any(c in selectable for c in section.clauses):
            problems.append(Problem(pack_file, f"section {section.id}: no rule can select any of its clauses",
                                    f"section {section.id} : aucune règle ne peut choisir l'une de ses clauses"))

    # outline additions: `after` a clause that is not there
    if OUTLINE_FILE in overlay.files:
        data = parse_yaml(overlay.files[OUTLINE_FILE], f"{location}/{OUTLINE_FILE}") or {}
        for add in data.get("add", []) if isinstance(data, dict) else []:
            if isinstance(add, dict) and add.get("after") and add["after"] not in all_clauses:
                at = Place(f"{location}/{OUTLINE_FILE}", getattr(add, "line", 0))
                problems.append(Problem(at, f"add {add.get('clause')}: after unknown clause {add['after']!r}",
                                        f"ajout de {add.get('clause')} : après une clause inconnue "
                                        f"{add['after']!r}"))

    problems.extend(defaults_problems(info.profile_defaults, pack_file))
    for lang in info.preamble:
        if lang not in LANGUAGE_CODES:
            problems.append(Problem(pack_file, f"preamble: unknown language {lang!r} (fr, en)",
                                    f"preamble : langue inconnue {lang!r} (fr, en)"))

    # templates reaching for Python internals
    env = pack.engine.env
    for key, origin in pack.template_files.items():
        if origin.startswith(str(location)):
            for line, attr in unsafe_template_access(pack.templates[key], env):
                problems.append(Problem(Place(origin, line), f"template reaches a Python internal ({attr}): "
                                        "not allowed in a pack",
                                        f"le gabarit atteint un élément interne de Python ({attr}) : interdit "
                                        "dans un paquet"))

    # a smoke test: the example profiles generate with this pack wherever they generate with the default one
    problems.extend(_smoke(pack, base_pack, Place(str(location))))
    return sorted(set(problems), key=lambda p: (p.where, p.message))


def pack_problems(location: str | Path | None) -> list[Problem]:
    return pack_report(location)[0]


def pack_report(location: str | Path | None) -> tuple[list[Problem], SourceSummary | None]:
    """Everything ``balises lint --pack`` reports: the default-pack lint over the layered pack (the pack's own
    problems only, see lint_location), plus the overlay checks; and how its law sources open."""
    found, summary = lint_report(location)
    if location is None:
        return found, summary
    disabled = set(read_layer(location, lenient=True).info.disable_clauses)
    # a clause the pack disables keeps its default template: not a problem of the pack
    # (and a default rule excluding a clause the pack disables: nothing left to exclude, not a problem)
    found = [p for p in found if not (p.code in ("template_not_in_outline", "unknown_excluded_clause")
                                      and p.subject in disabled)]
    overlay = [p for p in overlay_problems(location) if p not in found]
    # a template already reported at its line: the examples it stops add nothing but noise
    at_line = {p.place.file for p in found if p.place.line}
    overlay = [p for p in overlay if not (p.place == Place(str(location)) and p.subject in at_line)]
    return found + overlay, summary


def defaults_problems(defaults: dict, where: Place) -> list[Problem]:
    problems = []
    if not defaults:
        return problems
    fields = known_fields()
    nested = nest(defaults)

    for found in flatten(nested):
        path = str(found)
        if path not in fields and not found.startswith("tools"):
            questions = [f for f in fields if not f.startswith("facts.")]
            problems.append(Problem(where, f"profile_defaults: unknown question {path!r}"
                                    + did_you_mean(path, questions),
                                    f"profile_defaults : question inconnue {path!r}"
                                    + did_you_mean(path, questions, "fr")))
    if problems:
        return problems
    sample = {"organisation": {"name": "x", "jurisdiction": "quebec", "sector": "other", "employees": 1}}
    try:
        parse_profile(merge(sample, nested), "profile_defaults")  # the pack's answers over a sample
    except BalisesError as exc:
        for problem in getattr(exc, "problems", []) or []:
            problems.append(Problem(where, f"profile_defaults: {problem.text('en')}",
                                    f"profile_defaults : {problem.text('fr')}", problem.code))
        if not getattr(exc, "problems", None):
            problems.append(Problem(where, f"profile_defaults: {exc.en}", f"profile_defaults : {exc.fr}"))
    return problems


def _smoke(pack, base_pack, where: Place) -> list[Problem]:
    examples = sample_profiles()  # examples/ in a checkout, the wheel's copy after a pip install
    failed: dict[tuple[str, str, str], list[str]] = {}
    for path in examples:
        try:
            profile = answers.load(path, None).profile
        except BalisesError:
            continue
        for lang in pack.info.languages:
            try:
                compose(answers.load(path, pack).profile, pack, lang=lang)
                continue
            except BalisesError as exc:
                cause = (exc.en, exc.fr, exc.place.file if exc.place else "")
            try:  # asked only of a failure (half the work of a pack that generates)
                compose(profile, base_pack, lang=lang)
            except BalisesError:
                continue  # the default pack itself cannot do it: not this pack's fault
            failed.setdefault(cause, []).append(f"{path.name} ({lang})")
    # one problem per cause, naming the examples it stops (not one copy per example); subject: the file at fault
    return [Problem(where, f"example(s) {', '.join(names)} do not generate: {en}",
                    f"exemple(s) {', '.join(names)} ne se génèrent pas : {fr}", subject=file)
            for (en, fr, file), names in failed.items()]


def smoke_skipped() -> tuple[str, str] | None:
    """(fr, en) note when the smoke test of ``lint --pack`` cannot run: no sample profile to generate."""
    if sample_profiles():
        return None
    return ("Test de fumée sauté : aucun profil d'exemple du paquet par défaut n'a été trouvé "
            "(examples/ ou balises/default_pack/examples/).",
            "Smoke test skipped: no sample profile of the default pack was found "
            "(examples/ or balises/default_pack/examples/).")


# ---------------------------------------------------------------- pack build / verify

def check_archive_path(directory: str | Path, output: str | Path | None) -> None:
    """An archive is never written inside the pack it holds: it would overwrite one of the pack's files (``-o
    DIR/pack.yaml``) or join the next build."""
    if output is not None and Path(directory).resolve() in Path(output).resolve().parents:
        raise PackError(f"l'archive ne peut pas être écrite dans le paquet qu'elle contient ({directory}).",
                        f"the archive cannot be written inside the pack it holds ({directory}).",
                        place=Place(str(output)))


def build_archive(directory: str | Path, output: str | Path | None = None) -> tuple[Path, dict]:
    """Write the pack folder as one .zip with ``manifest.json``. Returns the path and the manifest."""
    directory = Path(directory)
    if not directory.is_dir():
        raise PackError("un dossier de paquet est attendu.", "a pack folder is expected.",
                        place=Place(str(directory)))
    layer: Layer = read_layer(directory)
    files = {n: b for n, b in read_pack_files(directory).items() if n != MANIFEST_FILE}
    base = read_layer(default_pack_dir())
    info = layer.info
    hashes, checksum = files_checksum(files)
    manifest = {
        "format": "balises-pack-archive",
        "format_version": 1,
        "name": info.name,
        "version": info.version,
        "publisher": info.publisher,
        "extends": info.extends,
        "base_version": info.base_version or base.info.version,
        "files": hashes,
        "checksum": checksum,
    }
    output = Path(output) if output else Path(f"{slugify(info.name, fallback='my-pack')}-{info.version}.zip")
    check_archive_path(directory, output)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in [(MANIFEST_FILE, json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")),
                           *sorted(files.items())]:
            entry = zipfile.ZipInfo(name, date_time=ARCHIVE_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data)
    write_atomic(output, buffer.getvalue())
    read_pack_files(output)  # the archive reads back and verifies
    return output, manifest


def verify_archive(path: str | Path) -> dict:
    """The manifest of a built archive, after checking every file against it (PackError if tampered).
    Read by the same reader as generation, so an archive with one top folder verifies as it generates."""
    path = Path(path)
    if path.is_dir():
        raise PackError("une archive .zip est attendue (construisez-la avec « balises pack build »).",
                        "a .zip archive is expected (build it with `balises pack build`).",
                        place=Place(str(path)))
    return read_pack(path)[1]


def reference_findings(location: str | Path) -> list[str]:
    """What the pack's reference .docx carries that reaches out of the machine (``where: message`` each)."""
    # lazy: python-docx (~25 ms) only for this check, not at `balises --help`
    from balises.render.docx.package import clean_reference

    files = read_pack_files(location)
    if REFERENCE_FILE not in files:
        return []
    where = f"{location}/{REFERENCE_FILE}"
    return [f"{where}: {en}" for _, en in clean_reference(files[REFERENCE_FILE], where)[1]]
