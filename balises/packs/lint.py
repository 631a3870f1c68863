"""Checks a pack the way a careful reviewer would, each problem as ``file:line: message``."""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import typing
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import TemplateSyntaxError, meta, nodes
from pydantic import ValidationError

from balises.contract import vocabulary
from balises.contract.conditions import condition_problems
from balises.contract.paths import model_fields
from balises.contract.profile import Profile
from balises.engine.compose import CONTEXT_NAMES, LENGTHS
from balises.engine.facts import Facts
from balises.engine.pack import OutlineAddition, Pack, SectionDef
from balises.engine.rules import LEGAL_KINDS, Rule, Source
from balises.errors import InputFileError, PackError
from balises.packs.lint_decisions import lint_decisions, lint_prose, sample_profiles, verdict_problems
from balises.packs.loader import (
    OUTLINE_FILE,
    SECTIONS_DIR,
    Layer,
    build_pack,
    default_pack_dir,
    read_layer,
    validation_message,
    validation_message_fr,
)
from balises.problems import Place, Problem
from balises.safeyaml import parse_yaml
from balises.text import did_you_mean

# a template line longer than this is hard to review; split it (Jinja joins lines with {%- -%})
MAX_TEMPLATE_LINE = 160
_DICT_METHODS = {"get", "items", "keys", "values"}  # the context holds dicts: their methods are not fields


def _literal_values(annotation) -> list[str] | None:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return [str(a) for a in typing.get_args(annotation)]
    if origin in (list, typing.Union) or str(origin) == "types.UnionType":
        for arg in typing.get_args(annotation):
            found = _literal_values(arg)
            if found:
                return found
    return None


def known_fields() -> dict[str, list[str] | None]:
    """Every dotted path a rule may test, with its allowed values where it is an enumeration."""
    fields = {str(path): _literal_values(info.annotation) for path, info in model_fields(Profile)}
    fields.update({str(path): _literal_values(info.annotation) for path, info in model_fields(Facts, ("facts",))})
    fields["facts.privacy_regime"] = list(typing.get_args(Facts.model_fields["privacy_regime"].annotation))
    return fields


# official sites of the law, and how each one addresses a single article or decision
OFFICIAL_SITES = ("legisquebec.gouv.qc.ca", "legifrance.gouv.fr", "eur-lex.europa.eu", "curia.europa.eu",
                  "fedlex.admin.ch", "laws-lois.justice.gc.ca", "laws.justice.gc.ca", "canlii.org",
                  "courdecassation.fr", "juricaf.org", "code.travail.gouv.fr", "ejustice.just.fgov.be",
                  "cnt-nar.be", "scc-csc.lexum.com", "ontario.ca", "bclaws.gov.bc.ca", "kings-printer.alberta.ca")


def article_level(url: str) -> bool:
    """Whether ``url`` opens one article or one decision, not a site's home page or a code's top page."""
    parts = urlsplit(url)
    host, path, frag = parts.netloc.lower(), parts.path.rstrip("/"), parts.fragment
    if not path:
        return False
    if "legisquebec" in host:
        return frag.startswith("se:")
    if "eur-lex" in host:
        return "CELEX:6" in url.upper() or frag.startswith(("art_", "anx_"))
    if "fedlex" in host:
        return frag.startswith("art_")
    if "laws-lois" in host:
        return "/section-" in path or (path.endswith(".html") and bool(frag))
    if "legifrance" in host:
        return any(k in path for k in ("/article_lc/", "/juri/id/", "/ceta/id/"))
    if "code.travail.gouv.fr" in host:
        return path.startswith("/code-du-travail/") and path.count("/") >= 2
    if "curia" in host:
        return "num=" in parts.query
    if "canlii" in host:
        return bool(frag) or "/doc/" in path  # an act's page opens at its title; a decision has its own page
    if "courdecassation" in host:
        return "/decision/" in path
    if "juricaf" in host:
        return "/arret/" in path
    if "bclaws" in host:
        return frag.startswith("section")
    if "cnt-nar" in host:
        return "/CCT-" in path.upper() and path.lower().endswith(".pdf")  # a collective agreement is one text
    if "ontario.ca" in host or "kings-printer" in host:
        return False  # e-Laws has no stable address per section; the King's Printer publishes whole-act PDFs
    return True  # another site: not a home page (checked above), its form unknown


def _source_problems(rule: Rule, index: int, src: Source) -> list[Problem]:
    where = Place(rule.file, src.line) if rule.file and src.line else rule.place
    label = f"rule {rule.id}: source {index} ({src.reference[:60]})"
    fr_label = f"règle {rule.id} : source {index} ({src.reference[:60]})"
    problems = []

    def add(en: str, fr: str) -> None:
        problems.append(Problem(where, en, fr))

    if not src.url and not src.unlinked:
        add(f"{label} has no URL (give one, or say why none exists with unlinked: <reason>)",
            f"{fr_label} sans URL (donnez-en une, ou dites pourquoi il n'y en a pas avec unlinked: <raison>)")
    if src.kind == "case":
        if not src.decided:
            add(f"{label}: a case needs its decided date", f"{fr_label} : une décision demande sa date decided")
        if src.applies_from:
            add(f"{label}: case-gated date: a case has a decided date, never an applies_from (it informs a clause, "
                "it does not gate it)",
                f"{fr_label} : date tirée d'une décision : une décision a une date decided, jamais applies_from "
                "(elle éclaire une clause, elle ne la déclenche pas)")
    elif src.legal and not src.applies_from and not src.undated:
        add(f"{label} has no applies_from date (the date the provision applies; or say why with undated: <reason>)",
            f"{fr_label} sans date applies_from (la date où la disposition s'applique ; ou dites pourquoi avec "
            "undated: <raison>)")
    if src.legal and src.url:
        official = any(site in urlsplit(src.url).netloc.lower() for site in OFFICIAL_SITES)
        if not src.unlinked and not article_level(src.url):
            add(f"{label}: a {src.kind} URL must open the article or the decision, not a home page or a code's "
                f"top page ({src.url}); if no address does, say why with unlinked: <reason>",
                f"{fr_label} : l'URL d'un {src.kind} doit ouvrir l'article ou la décision, pas une page d'accueil "
                f"ni la page d'un code ({src.url}) ; si aucune adresse ne le fait, dites pourquoi avec "
                "unlinked: <raison>")
        elif not official:
            add(f"{label}: a {src.kind} links to its official site ({src.url})",
                f"{fr_label} : un {src.kind} renvoie à son site officiel ({src.url})")
    if not src.legal:
        if src.applies_from or src.decided:
            add(f"{label}: study-gated date: a {src.kind} has a published date, never an applies_from (it "
                "informs a clause, it does not gate it)",
                f"{fr_label} : date tirée d'une étude : un {src.kind} a une date published, jamais applies_from "
                "(il éclaire une clause, il ne la déclenche pas)")
        if not src.published:
            add(f"{label}: a {src.kind} needs its published date",
                f"{fr_label} : un {src.kind} demande sa date published")
    if src.status == "NV" and not rule.conditional:
        add(f"{label} is not verified (NV): a rule resting on it must be marked conditional: true and say it "
            "conditionally",
            f"{fr_label} n'est pas vérifiée (NV) : une règle qui s'y appuie porte conditional: true et le dit "
            "au conditionnel")
    return problems


def _rule_date_problems(rule: Rule) -> list[Problem]:
    """A rule's own applies_from must be the date of a provision it cites (or of a guideline, a bill or a decision
    it reports, which cannot be cited before it exists), never a study's or a charter's date."""
    if not rule.applies_from:
        return []
    legal = {s.applies_from for s in rule.sources if s.gates}
    announced = {s.published for s in rule.sources if s.kind in ("regulator_guidance", "bill") and s.published}
    announced |= {s.decided for s in rule.sources if s.decided}
    if rule.applies_from in legal | announced:
        return []
    studies = {s.published for s in rule.sources if s.kind not in LEGAL_KINDS and s.published}
    study = rule.applies_from in studies
    what = "a study's or charter's publication" if study else "no provision it cites"
    what_fr = "que de la publication d'une étude ou d'une charte" if study else "d'aucune disposition citée"
    return [Problem(rule.place, f"rule {rule.id}: study-gated date: applies_from {rule.applies_from} comes "
                                  f"from {what}",
                    f"règle {rule.id} : date tirée d'une étude : applies_from {rule.applies_from} ne vient "
                    f"{what_fr}")]


@dataclasses.dataclass(frozen=True)
class SourceSummary:
    """The pack's sources, each counted once (same reference and URL), by kind and status; the law ones by how
    they open."""

    by_kind: dict[str, int]
    by_status: dict[str, int]
    law: int
    article_level: int
    unlinked: list[tuple[str, str]]  # (reference, reason)
    undated: list[tuple[str, str]]

    @property
    def share(self) -> float:
        return self.article_level / self.law if self.law else 1.0

    def text(self, lang: str) -> str:
        pct = f"{self.share:.1%}"
        if lang == "fr":
            return (f"Sources de droit : {self.law}, dont {self.article_level} ouvrent l'article ou la décision "
                    f"({pct}) ; {len(self.unlinked)} sans adresse d'article et {len(self.undated)} sans date, "
                    "chacune avec sa raison.")
        return (f"Law sources: {self.law}, {self.article_level} open at their article or decision ({pct}); "
                f"{len(self.unlinked)} without an article address and {len(self.undated)} undated, each with "
                "its reason.")


def source_summary(pack: Pack) -> SourceSummary:
    seen: dict[tuple, Source] = {}
    for rule in pack.rules.values():
        for src in rule.sources:
            seen.setdefault((src.reference, src.url), src)
    sources = list(seen.values())
    law = [s for s in sources if s.legal]
    return SourceSummary(
        by_kind=dict(sorted(Counter(s.kind for s in sources).items())),
        by_status=dict(sorted(Counter(f"{s.kind} {s.status}" for s in sources).items())),
        law=len(law),
        article_level=sum(1 for s in law if s.url and not s.unlinked and article_level(s.url)),
        unlinked=sorted((s.reference, s.unlinked) for s in law if s.unlinked),
        undated=sorted((s.reference, s.undated) for s in law if s.undated),
    )


@functools.lru_cache(maxsize=2048)
def syntax_tree(env, source: str):
    """A template's syntax tree, parsed once for the several checks that read it (none changes it)."""
    return env.parse(source)


def _params_used(source: str, env) -> set[str]:
    """Names read as ``params.NAME`` or ``params['NAME']`` (``params.get(...)`` is optional by intent)."""
    used = set()
    for node in syntax_tree(env, source).find_all((nodes.Getattr, nodes.Getitem)):
        target = node.node
        if isinstance(target, nodes.Name) and target.name == "params":
            if isinstance(node, nodes.Getattr) and node.attr != "get":
                used.add(node.attr)
            elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
                used.add(str(node.arg.value))
    return used


# template names that stand for a part of the profile (the context of compose.compose)
_ROOTS = {"org": "organisation", "facts": "facts", "jurisdiction": "organisation.jurisdiction",
          **{name: name for name in Profile.model_fields}}


def _extra_values() -> dict[str, list[str]]:
    return {"lang": list(vocabulary.LANGUAGES), "length": list(LENGTHS)}


def _chain(node) -> tuple[str, list[str]] | None:
    """``policy.stance`` as ("policy", ["stance"]); None for anything but a name and its attributes."""
    attrs = []
    while isinstance(node, nodes.Getattr):
        attrs.append(node.attr)
        node = node.node
    if isinstance(node, nodes.Name) and node.ctx == "load":
        return node.name, attrs[::-1]
    return None


def template_problems(source: str, origin: str, env, fields: dict[str, list[str] | None],
                      check_length: bool = True) -> list[Problem]:
    """Static checks of one template against the context compose gives it: syntax, variables, attributes of
    the profile's parts, the values conditions compare them with, and line length; each at its line."""
    try:
        tree = syntax_tree(env, source)
    except TemplateSyntaxError as exc:
        return [Problem(Place(origin, exc.lineno), f"template syntax error: {exc.message}",
                        f"erreur de syntaxe du gabarit : {exc.message}")]
    problems: list[Problem] = []
    local = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    names = CONTEXT_NAMES | set(Profile.model_fields)
    # a name the template sets itself (in a branch too: Jinja counts it undeclared there) is its own
    for name in sorted(meta.find_undeclared_variables(tree) - names - local):
        line = min((n.lineno for n in tree.find_all(nodes.Name) if n.name == name), default=1)
        problems.append(Problem(Place(origin, line),
                                f"template variable not provided: {name}"
                                f"{did_you_mean(name, names, cutoff=0.5)}",
                                f"variable de gabarit non fournie : {name}"
                                f"{did_you_mean(name, names, 'fr', cutoff=0.5)}"))
    children: dict[str, set[str]] = {}
    for path in fields:
        parent, _, child = path.rpartition(".")
        children.setdefault(parent, set()).add(child)
    for node in tree.find_all(nodes.Getattr):
        chain = _chain(node)
        if not chain or chain[0] in local or chain[0] not in _ROOTS:
            continue
        root, attrs = chain
        parent = _ROOTS[root]
        for depth, attr in enumerate(attrs):
            kids = children.get(parent)
            if not kids or attr in _DICT_METHODS:
                break  # not a part of the profile whose fields are known (a list, a mapping, a text)
            if attr not in kids:
                shown = ".".join([root, *attrs[:depth]])
                problems.append(Problem(Place(origin, node.lineno),
                                        f"{shown} has no attribute {attr!r}"
                                        f"{did_you_mean(attr, kids, cutoff=0.5)}",
                                        f"{shown} n'a pas d'attribut {attr!r}"
                                        f"{did_you_mean(attr, kids, 'fr', cutoff=0.5)}"))
                break
            parent = f"{parent}.{attr}"
    extra = _extra_values()

    def allowed_values(node) -> tuple[str, list[str]] | None:
        chain = _chain(node)
        if not chain or chain[0] in local:
            return None
        root, attrs = chain
        if root in extra and not attrs:
            return root, extra[root]
        if root not in _ROOTS:
            return None
        allowed = fields.get(".".join([_ROOTS[root], *attrs]))
        return (".".join([root, *attrs]), allowed) if allowed else None

    for cmp in tree.find_all(nodes.Compare):
        if len(cmp.ops) != 1:
            continue
        op, left, right = cmp.ops[0].op, cmp.expr, cmp.ops[0].expr
        if op in ("eq", "ne"):
            pairs = [(left, [right]), (right, [left])]
        elif op in ("in", "notin"):
            if isinstance(right, (nodes.List, nodes.Tuple)):
                listed = right.items
            elif isinstance(right, nodes.Const) and isinstance(right.value, (list, tuple)):  # folded by Jinja
                listed = [nodes.Const(v) for v in right.value]
            else:
                listed = []
            pairs = [(right, [left]), (left, listed)]
        else:
            continue
        for target, operands in pairs:
            known = allowed_values(target)
            if not known:
                continue
            shown, allowed = known
            for const in operands:
                if isinstance(const, nodes.Const) and isinstance(const.value, str) and const.value not in allowed:
                    value = const.value
                    problems.append(Problem(
                        Place(origin, cmp.lineno),
                        f"{value!r} is not a value of {shown} (allowed: {', '.join(allowed)})"
                        f"{did_you_mean(value, allowed, cutoff=0.5)}",
                        f"{value!r} n'est pas une valeur de {shown} (valeurs permises : {', '.join(allowed)})"
                        f"{did_you_mean(value, allowed, 'fr', cutoff=0.5)}"))
    if check_length:
        for number, line in enumerate(source.splitlines(), 1):
            if len(line) > MAX_TEMPLATE_LINE:
                problems.append(Problem(
                    Place(origin, number),
                    f"line of {len(line)} characters (at most {MAX_TEMPLATE_LINE}): split it, Jinja joins "
                    "lines with {%- and -%}",
                    f"ligne de {len(line)} caractères (au plus {MAX_TEMPLATE_LINE}) : coupez-la, Jinja joint "
                    "les lignes avec {%- et -%}"))
    return problems


def _clause_places(layers: list[Layer]) -> dict[str, Place]:
    """file:line where each clause enters the outline: its line in a section file, or its addition's line in
    an overlay's outline.yaml (the last layer wins, as in the pack)."""
    places: dict[str, Place] = {}
    for layer in layers:
        for name, raw in sorted(layer.files.items()):
            if not (name.startswith(SECTIONS_DIR) or name == OUTLINE_FILE) or not name.endswith((".yaml", ".yml")):
                continue
            for number, line in enumerate(raw.decode("utf-8", "replace").splitlines(), 1):
                found = re.match(r"\s*-\s*([\w.]+)\s*(#.*)?$", line) if name != OUTLINE_FILE else \
                    re.search(r"clause:\s*['\"]?([\w.]+)", line)
                if found:
                    places[found.group(1)] = Place(f"{layer.source}/{name}", number)
    return places


def lint_pack(pack: Pack, layers: list[Layer], as_read: list[Layer] | None = None,
              prose: bool = True) -> list[Problem]:
    """``as_read``: the layers as read from disk (``layers`` may have bad parts left out), for line numbers;
    ``prose``: the default pack's sample policies read as written (slow: they are generated)."""
    problems: list[Problem] = []
    fields = known_fields()
    places = _clause_places(as_read or layers)
    outline_where = Place(SECTIONS_DIR.rstrip('/'))
    all_clauses = pack.clause_ids()
    seen = set()
    for clause in all_clauses:
        if clause in seen:
            problems.append(Problem(outline_where, f"clause {clause} appears twice in the outline",
                                    f"la clause {clause} figure deux fois au plan"))
        seen.add(clause)
    for layer in layers:
        problems.extend([*layer.duplicate_rules, *layer.invalid_rules])
    # the reference document reached out of the machine (removed from policies; the pack should not carry it)
    problems.extend(Problem(p.place, p.message + " (it would reach out of the machine when the policy is opened)",
                            p.fr + " (il sortirait de la machine à l'ouverture de la politique)")
                    for p in pack.reference_findings)

    selectable = set()
    env = pack.engine.env
    for rule in pack.rules.values():
        where = rule.place
        problems.extend(condition_problems(rule.when, fields, where, f"rule {rule.id}", f"règle {rule.id}",
                                           Problem))
        for sel in rule.select:
            if sel.clause not in all_clauses:
                problems.append(Problem(where, f"rule {rule.id}: unknown clause id {sel.clause!r}"
                                               f"{did_you_mean(sel.clause, all_clauses, cutoff=0.5)}",
                                        f"règle {rule.id} : clause inconnue {sel.clause!r}"
                                        f"{did_you_mean(sel.clause, all_clauses, 'fr', cutoff=0.5)}"))
            selectable.add(sel.clause)
        for clause in rule.excludes:
            if clause not in all_clauses:
                problems.append(Problem(where, f"rule {rule.id}: excludes unknown clause id {clause!r}",
                                        f"règle {rule.id} : exclut une clause inconnue {clause!r}",
                                        code="unknown_excluded_clause", subject=clause))
        if not rule.sources:
            problems.append(Problem(where, f"rule {rule.id}: no source (reference, URL, kind, status, date)",
                                    f"règle {rule.id} : aucune source (référence, URL, type, statut, date)"))
        for i, src in enumerate(rule.sources):
            problems.extend(_source_problems(rule, i + 1, src))
        problems.extend(_rule_date_problems(rule))

    for clause in all_clauses:
        if clause not in selectable:
            problems.append(Problem(places.get(clause, outline_where), f"clause {clause}: no rule can select it",
                                    f"clause {clause} : aucune règle ne peut la choisir"))
        for lang in pack.info.languages:
            key = pack.template_key(clause, lang)
            if key not in pack.templates:
                problems.append(Problem(places.get(clause, Place(f"policy_templates/{lang}")),
                                        f"clause {clause}: no {lang} template ({key})",
                                        f"clause {clause} : pas de gabarit {lang} ({key})"))
                continue
            try:
                needed = _params_used(pack.templates[key], env)
            except TemplateSyntaxError:
                continue  # reported with the template's checks below
            for rule in pack.rules.values():
                for sel in rule.select:
                    if sel.clause == clause:
                        missing = sorted(needed - set(sel.params))
                        if missing:
                            problems.append(Problem(rule.place, f"rule {rule.id}: clause {clause} needs "
                                                                  f"params {', '.join(missing)}",
                                                    f"règle {rule.id} : la clause {clause} demande les "
                                                    f"paramètres {', '.join(missing)}"))
    # every template, at its lines; line length only in a pack's own templates (the default pack's are
    # being split under another issue)
    default_templates = f"{default_pack_dir()}/policy_templates/"
    for key, source in pack.templates.items():
        origin = pack.template_files.get(key, key)
        problems.extend(template_problems(source, origin, env, fields,
                                          check_length=not origin.startswith(default_templates)))
        try:  # a template renders the decision model; it never writes a verdict itself
            problems.extend(verdict_problems(syntax_tree(env, source), origin, pack, Problem))
        except TemplateSyntaxError:
            pass  # reported by template_problems
    for key in pack.templates:
        lang, _, rest = key.partition("/")
        if rest.startswith("_") or not rest.endswith(".md"):
            continue
        if rest[:-3] not in all_clauses:
            problems.append(Problem(Place(pack.template_files.get(key, key)),
                                    "template for a clause not in the outline", "gabarit d'une clause absente du plan",
                                    code="template_not_in_outline", subject=rest[:-3]))
    for section in pack.sections:
        for lang in pack.info.languages:
            if lang not in section.title:
                problems.append(Problem(outline_where, f"section {section.id}: no {lang} title",
                                        f"section {section.id} : pas de titre {lang}"))
    problems.extend(lint_decisions(pack, fields, Problem))
    if prose and len(layers) == 1:  # the default pack: its own sample profiles must read as written
        problems.extend(lint_prose(pack, sample_profiles(), Problem))
    return sorted(set(problems), key=_order)


def _order(problem: Problem) -> tuple:
    """file, then line as a number (so line 7 comes before line 28), then message."""
    return (problem.place.file or problem.where, problem.place.line, problem.message)


def _key_line(raw: bytes, key: str, default: int) -> int:
    """The line of a top-level ``key:`` in a YAML file (a section's bad key is reported there)."""
    match = re.search(rb"^" + re.escape(key.encode()) + rb"\s*:", raw, re.MULTILINE)
    return raw.count(b"\n", 0, match.start()) + 1 if match else default


def tolerant_layers(base: Layer, overlays: list[Layer]) -> tuple[Layer, list[Layer], list[Problem]]:
    """The layers with their bad section files and bad outline additions left out, and a problem for each:
    the rest of the pack still builds, so that one run reports every problem."""
    problems: list[Problem] = []
    files = dict(base.files)
    ids: list[str] = []
    for name in sorted(n for n in files if n.startswith(SECTIONS_DIR) and n.endswith((".yaml", ".yml"))):
        where = f"{base.source}/{name}"
        try:
            data = parse_yaml(files[name], where)
            ids.append(SectionDef.model_validate(data if isinstance(data, dict) else {}).id)
        except InputFileError as exc:
            problems.append(Problem(exc.place or Place(where), exc.reason.en, exc.reason.fr))
            del files[name]
        except ValidationError as exc:
            first = exc.errors()[0]["loc"] if exc.errors() else ()
            line = _key_line(files[name], str(first[0]), getattr(data, "line", 1)) if first else 1
            problems.append(Problem(Place(where, line), f"invalid section: {validation_message(exc)}",
                                    f"section invalide : {validation_message_fr(exc)}"))
            del files[name]
    base = dataclasses.replace(base, files=files)
    checked = []
    for layer in overlays:
        if OUTLINE_FILE in layer.files:
            where = f"{layer.source}/{OUTLINE_FILE}"
            good = []
            try:
                data = parse_yaml(layer.files[OUTLINE_FILE], where) or {}
            except InputFileError as exc:
                data = {}
                problems.append(Problem(exc.place or Place(where), exc.reason.en, exc.reason.fr))
            additions = data.get("add", []) if isinstance(data, dict) else None
            if not isinstance(additions, list):
                problems.append(Problem(Place(where), "'add' must be a list of {section, clause, after}",
                                        "« add » doit être une liste de {section, clause, after}"))
                additions = []
            for raw in additions:
                at = Place(where, getattr(raw, "line", 0))
                try:
                    add = OutlineAddition.model_validate(raw)
                except ValidationError as exc:
                    problems.append(Problem(at, f"invalid addition: {validation_message(exc)}",
                                            f"ajout invalide : {validation_message_fr(exc)}"))
                    continue
                if add.section not in ids:
                    problems.append(Problem(at, f"add {add.clause}: unknown section {add.section!r}"
                                                f"{did_you_mean(add.section, ids, cutoff=0.5)}",
                                            f"ajout de {add.clause} : section inconnue {add.section!r}"
                                            f"{did_you_mean(add.section, ids, 'fr', cutoff=0.5)}"))
                    continue
                good.append(add.model_dump(exclude_none=True))
            layer = dataclasses.replace(layer, files={**layer.files, OUTLINE_FILE: json.dumps({"add": good}).encode()})
        checked.append(layer)
    return base, checked, problems


def lint_location(location: str | Path | None) -> list[Problem]:
    """Lint the default pack, or ``location`` layered over it: every problem found in one run. A pack's own
    problems only: what the default pack alone would report is left out, so that a pack just made by
    ``balises pack init`` starts clean. A pack that cannot be read at all (not found, no pack.yaml) raises
    PackError."""
    return lint_report(location)[0]


def lint_report(location: str | Path | None) -> tuple[list[Problem], SourceSummary | None]:
    """The problems of lint_location, and how the built pack's law sources open (None if it does not build)."""
    base = read_layer(default_pack_dir(), lenient=True)
    problems, pack = _lint_layers(base, location)
    home = str(default_pack_dir())
    if location is not None and any(p.where.startswith(home) for p in problems):
        # a problem at the default pack's own lines may be inherited: what the default pack alone reports is
        # left out (computed only then, and without its prose checks, which never run on a layered pack)
        inherited = set(_lint_layers(base, None, prose=False)[0])
        problems = [p for p in problems if p not in inherited]
    return problems, source_summary(pack) if pack is not None else None


def _lint_layers(base: Layer, location: str | Path | None, prose: bool = True) -> tuple[list[Problem], Pack | None]:
    overlays = [read_layer(location, lenient=True)] if location is not None else []
    problems = []
    for overlay in overlays:
        for rule_id in overlay.info.disable_rules:
            if rule_id not in base.rules:
                problems.append(Problem(Place(f"{location}/pack.yaml"), f"disable_rules: unknown rule {rule_id!r}",
                                        f"disable_rules : règle inconnue {rule_id!r}"))
    as_read = [base, *overlays]
    base, overlays, found = tolerant_layers(base, overlays)
    problems.extend(found)
    try:
        pack = build_pack(base, overlays)
        return sorted(set(problems + lint_pack(pack, [base, *overlays], as_read, prose=prose)), key=_order), pack
    except PackError as exc:
        return problems + [Problem(Place(str(location or default_pack_dir())), exc.en, exc.fr)], None
