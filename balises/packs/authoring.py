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

from jinja2 import TemplateSyntaxError, nodes

from balises.contract import answers
from balises.contract.paths import flatten, merge, nest
from balises.contract.profile import parse_profile
from balises.engine.compose import compose
from balises.engine.state import engine_for
from balises.errors import BalisesError, PackError
from balises.packs.lint import SourceSummary, known_fields, lint_report, tolerant_layers
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
from balises.safeyaml import parse_yaml
from balises.services.generate import write_atomic
from balises.slug import slugify
from balises.text import did_you_mean

ARCHIVE_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so that building the same pack twice gives the same bytes
EXAMPLE_CLAUSE = "purpose.object"


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
    name = slugify(name or target.resolve().name, fallback="my-pack")
    publisher = publisher or "Mon association"
    written: list[Path] = []

    def write(rel: str, data: str | bytes) -> None:
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        written.append(path)

    write(PACK_FILE, PACK_YAML.format(name=name, publisher=publisher, base_version=base.info.version,
                                      today=dt.date.today().isoformat()))
    for lang in ("fr", "en"):
        key = f"policy_templates/{lang}/{EXAMPLE_CLAUSE}.md"
        if key in base.files:
            header = EXAMPLE_HEADER[lang].format(clause=EXAMPLE_CLAUSE)
            write(key, header + base.files[key].decode("utf-8"))
    write("rules/my-rules.yaml", RULES_YAML)
    write(OUTLINE_FILE, OUTLINE_YAML)
    write(REFERENCE_FILE, base.files[REFERENCE_FILE])
    write("README.md", README.format(name=name, publisher=publisher, clause=EXAMPLE_CLAUSE))
    return written


PACK_YAML = """\
# The identity of your pack. Keep `name` stable; raise `version` each time you publish it.
name: {name}
version: "1.0.0"
publisher: "{publisher}"
description: "Politique type de {publisher}"
languages: [fr, en]
extends: default              # your pack is layered over the Balises default pack
base_version: "{base_version}"   # the default pack version you checked your changes against

# Rules of the default pack you do not want (their ids are in `balises explain` and in annex F).
disable_rules: []
# Clauses you want out of every policy, whatever the rules say.
disable_clauses: []

# Answers you recommend, used only where a member's profile leaves the question out.
profile_defaults: {{}}
#  policy.stance: conditional
#  commitments.disclosure: all_assisted
#  policy.review_months: 12

# A line on the title page of every policy made with this pack.
preamble:
  fr: "Modèle proposé par {publisher} ({today})."
  en: "Model policy proposed by {publisher} ({today})."
"""

EXAMPLE_HEADER = {
    "fr": "{{# Exemple : ce fichier remplace le texte de la clause {clause} du paquet par défaut.\n"
          "   Modifiez-le librement ; supprimez-le pour revenir au texte par défaut. #}}\n",
    "en": "{{# Example: this file replaces the text of clause {clause} of the default pack.\n"
          "   Edit it freely; delete it to go back to the default text. #}}\n",
}

RULES_YAML = """\
# Your own rules. A rule with the id of a default rule replaces it; a new id adds a rule.
# Remove the `#` in front of the lines below to use the example.
#
# - id: myassoc-credits
#   when:
#     any:
#       - {field: uses.creative, empty: false}
#   select: [myassoc.credits]
#   why:
#     fr: "Nos membres créditent l'usage de l'IA au générique, selon la charte de l'association."
#     en: "Our members credit the use of AI in the credits, as the association's charter asks."
#   sources:
#     - reference: "Charte de l'association, art. 4"
#       url: https://example.org/charte
#       kind: charter            # statute, regulation, case | regulator_guidance, standard, sector_study, charter, bill
#       status: V2               # V official text checked, V2 reputable secondary sources, NV not verified
#       published: 2025-01-01    # a law has applies_from (the date the article applies) instead
"""

OUTLINE_YAML = """\
# Where your new clauses go: a section of the default pack and, optionally, the clause they follow.
# Each added clause needs a template in policy_templates/fr/ (and en/) and a rule that selects it.
#
# add:
#   - {section: transparency, clause: myassoc.credits, after: transparency.public_labelling}
"""

README = """\
# Pack « {name} » — {publisher}

This folder is a **pack**: your own version of the Balises model policy. It holds only text files and one
Word file; you can edit them with any text editor and Word. Nothing in it is a program.

| file | what it is |
|---|---|
| `pack.yaml` | the pack's name, version, publisher, and the simple settings below |
| `policy_templates/fr/*.md`, `policy_templates/en/*.md` | your wording of clauses (one file per clause) |
| `rules/*.yaml` | your own rules: when a clause goes into a policy |
| `policy_templates/outline.yaml` | where your new clauses go in the policy |
| `policy_templates/reference.docx` | the look of the Word document: fonts, colours, logo |

After every change, check the pack:

    balises lint --pack {name}

and try it on a profile:

    balises generate examples/theatre-quebec.yaml -o test.docx --pack {name}

## 1. Replace the wording of a clause

Every clause has an id, shown by `balises explain PROFILE` (e.g. `{clause}`). To use your own wording,
put a file with the same name in `policy_templates/fr/` (French) and `policy_templates/en/` (English).
This pack already contains one example: `policy_templates/fr/{clause}.md`. Copy the default text from
the Balises `policy_templates/` folder and change it.

Inside a clause, `{{{{ org.name }}}}` is replaced by the organisation's name, `{{% if … %}} … {{% endif %}}`
keeps a passage only in some cases. Use `## Title` for a sub-heading, `- ` for a bullet, `**bold**`.

## 2. Add a clause

1. Write `policy_templates/fr/myassoc.credits.md` (and the `en/` version).
2. Say where it goes in `policy_templates/outline.yaml`:
   `add: [{{section: transparency, clause: myassoc.credits, after: transparency.public_labelling}}]`
3. Add a rule that selects it in `rules/my-rules.yaml` (there is a commented example). A rule without
   `when:` selects the clause in every policy.

## 3. Remove something

- A rule: list its id under `disable_rules:` in `pack.yaml`. `balises lint --pack` tells you if a clause
  is then chosen by nothing.
- A clause: list its id under `disable_clauses:`.

## 4. Recommend answers (profile defaults)

Under `profile_defaults:` in `pack.yaml`, give the answer your association recommends, e.g.

    profile_defaults:
      policy.stance: conditional
      commitments.disclosure: all_assisted

It is used only when a member's answers leave that question out; a member's own answer always wins.

## 5. A line on the title page (preamble)

    preamble:
      fr: "Modèle proposé par {publisher}."
      en: "Model policy proposed by {publisher}."

## 6. Your letterhead

Open `policy_templates/reference.docx` in Word: change the fonts and colours of the styles (Heading 1,
Normal, Title…), put your logo in the header, save. Keep the style names and the `BALISES_FOOTER` text
in the footer.

## 7. Publish

Raise `version:` in `pack.yaml`, then

    balises pack build {name} -o {name}-VERSION.zip

gives one `.zip` file your members use directly: `balises generate … --pack {name}-VERSION.zip`.
The archive carries a checksum: if anyone changes it afterwards, Balises refuses it. Publish the
checksum printed by `balises pack build` (or `balises pack verify`) next to the download link.
"""


# ---------------------------------------------------------------- overlay checks (balises lint --pack)

_CONTEXT_DEPENDENT = {"trace", "references", "selected", "section_no", "as_of"}


def unsafe_template_access(source: str, env) -> list[tuple[int, str]]:
    """(line, name) of every attribute or key starting with ``_`` (``''.__class__``, ``x['__globals__']``):
    the sandbox refuses them when rendering; lint refuses them before."""
    found = []
    try:
        tree = env.parse(source)
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
        if lang in ("fr", "en") and not rest.startswith("_") and clause not in all_clauses:
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
        if lang not in ("fr", "en"):
            problems.append(Problem(pack_file, f"preamble: unknown language {lang!r} (fr, en)",
                                    f"preamble : langue inconnue {lang!r} (fr, en)"))

    # templates reaching for Python internals
    env = engine_for(pack).env
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
                compose(profile, base_pack, lang=lang)
            except BalisesError:
                continue  # the default pack itself cannot do it: not this pack's fault
            try:
                compose(answers.load(path, pack).profile, pack, lang=lang)
            except BalisesError as exc:
                cause = (exc.en, exc.fr, exc.place.file if exc.place else "")
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
