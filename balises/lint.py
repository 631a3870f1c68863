"""Checks a pack the way a careful reviewer would, each problem as ``file:line: message``."""

from __future__ import annotations

import typing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import TemplateSyntaxError, meta, nodes
from pydantic import BaseModel

from . import conditions
from .compose import renderer_for
from .errors import PackError
from .facts import Facts
from .lint_decisions import lint_decisions, lint_prose, sample_profiles
from .pack import SECTIONS_DIR, Layer, Pack, build_pack, default_pack_dir, read_layer
from .profile import Profile
from .rules import LEGAL_KINDS, Rule, Source

# what every template may use besides the profile's top-level keys (see compose.compose)
CONTEXT_NAMES = {"org", "facts", "lang", "locale", "jurisdiction", "as_of", "trace", "references", "selected",
                 "section_no", "next_review", "label", "labels", "term", "date", "join", "add_months", "params",
                 "variant", "clause_id", "section_number", "length", "table", "org_the", "org_of", "org_to",
                 "short", "short_of", "short_to"}


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


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
    fields: dict[str, list[str] | None] = {}

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            path = f"{prefix}{name}"
            ann = info.annotation
            fields[path] = _literal_values(ann)
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                walk(ann, path + ".")

    walk(Profile, "")
    walk(Facts, "facts.")
    fields["facts.privacy_regime"] = list(typing.get_args(Facts.model_fields["privacy_regime"].annotation))
    return fields


# official sites of the law, and how each one addresses a single article or decision
OFFICIAL_SITES = ("legisquebec.gouv.qc.ca", "legifrance.gouv.fr", "eur-lex.europa.eu", "curia.europa.eu",
                  "fedlex.admin.ch", "laws-lois.justice.gc.ca", "canlii.org", "courdecassation.fr",
                  "code.travail.gouv.fr", "ejustice.just.fgov.be", "scc-csc.lexum.com")


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
    return True  # another site: not a home page (checked above), its form unknown


def _source_problems(rule: Rule, index: int, src: Source) -> list[Problem]:
    where = f"{rule.file}:{src.line}" if rule.file and src.line else rule.where()
    label = f"rule {rule.id}: source {index} ({src.reference[:60]})"
    problems = []
    if not src.url:
        problems.append(Problem(where, f"{label} has no URL"))
    if src.legal:
        if not src.applies_from:
            problems.append(Problem(where, f"{label} has no applies_from date (the date the provision applies)"))
        if src.url and not article_level(src.url):
            problems.append(Problem(where, f"{label}: a {src.kind} URL must open the article or the decision, "
                                           f"not a home page or a code's top page ({src.url})"))
        elif src.url and not any(site in urlsplit(src.url).netloc.lower() for site in OFFICIAL_SITES):
            problems.append(Problem(where, f"{label}: a {src.kind} links to its official site ({src.url})"))
    else:
        if src.applies_from:
            problems.append(Problem(where, f"{label}: study-gated date: a {src.kind} has a published date, "
                                           "never an applies_from (it informs a clause, it does not gate it)"))
        if not src.published:
            problems.append(Problem(where, f"{label}: a {src.kind} needs its published date"))
    if src.status == "NV" and not rule.conditional:
        problems.append(Problem(where, f"{label} is not verified (NV): a rule resting on it must be marked "
                                       "conditional: true and say it conditionally"))
    return problems


def _rule_date_problems(rule: Rule) -> list[Problem]:
    """A rule's own applies_from must be the date of a provision it cites (or of a guideline or bill it
    announces, which cannot be cited before it exists), never a study's or a charter's date."""
    if not rule.applies_from:
        return []
    legal = {s.applies_from for s in rule.sources if s.legal and s.applies_from}
    announced = {s.published for s in rule.sources if s.kind in ("regulator_guidance", "bill") and s.published}
    if rule.applies_from in legal | announced:
        return []
    studies = {s.published for s in rule.sources if s.kind not in LEGAL_KINDS and s.published}
    what = "a study's or charter's publication" if rule.applies_from in studies else "no provision it cites"
    return [Problem(rule.where(), f"rule {rule.id}: study-gated date: applies_from {rule.applies_from} comes "
                                  f"from {what}")]


def _params_used(source: str, env) -> set[str]:
    """Names read as ``params.NAME`` or ``params['NAME']`` (``params.get(...)`` is optional by intent)."""
    used = set()
    for node in env.parse(source).find_all((nodes.Getattr, nodes.Getitem)):
        target = node.node
        if isinstance(target, nodes.Name) and target.name == "params":
            if isinstance(node, nodes.Getattr) and node.attr != "get":
                used.add(node.attr)
            elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
                used.add(str(node.arg.value))
    return used


def lint_pack(pack: Pack, layers: list[Layer]) -> list[Problem]:
    problems: list[Problem] = []
    fields = known_fields()
    outline_where = SECTIONS_DIR.rstrip('/')
    all_clauses = pack.clause_ids()
    seen = set()
    for clause in all_clauses:
        if clause in seen:
            problems.append(Problem(outline_where, f"clause {clause} appears twice in the outline"))
        seen.add(clause)
    for layer in layers:
        problems.extend(Problem(d.split(": ", 1)[0], d.split(": ", 1)[1])
                        for d in [*layer.duplicate_rules, *layer.invalid_rules])
    # the reference document reached out of the machine (removed from policies; the pack should not carry it)
    problems.extend(Problem(where, en + " (it would reach out of the machine when the policy is opened)")
                    for where, _, en in pack.reference_findings)

    selectable = set()
    env = renderer_for(pack).env
    profile_keys = set(Profile.model_fields)
    for rule in pack.rules.values():
        where = rule.where()
        for field, op, operand in conditions.fields_of(rule.when):
            if field not in fields:
                problems.append(Problem(where, f"rule {rule.id}: unknown field {field!r}"))
                continue
            allowed = fields[field]
            if allowed and op in ("equals", "not_equals", "in", "not_in", "contains", "contains_any", "contains_all"):
                values = operand if isinstance(operand, list) else [operand]
                for value in values:
                    if str(value) not in allowed:
                        problems.append(Problem(where, f"rule {rule.id}: {field} has no value {value!r} "
                                                       f"(allowed: {', '.join(allowed)})"))
        for sel in rule.select:
            if sel.clause not in all_clauses:
                problems.append(Problem(where, f"rule {rule.id}: unknown clause id {sel.clause!r}"))
            selectable.add(sel.clause)
        for clause in rule.excludes:
            if clause not in all_clauses:
                problems.append(Problem(where, f"rule {rule.id}: excludes unknown clause id {clause!r}"))
        if not rule.sources:
            problems.append(Problem(where, f"rule {rule.id}: no source (reference, URL, kind, status, date)"))
        for i, src in enumerate(rule.sources):
            problems.extend(_source_problems(rule, i + 1, src))
        problems.extend(_rule_date_problems(rule))

    for clause in all_clauses:
        if clause not in selectable:
            problems.append(Problem(outline_where, f"clause {clause}: no rule can select it"))
        for lang in pack.info.languages:
            key = pack.template_key(clause, lang)
            if key not in pack.templates:
                problems.append(Problem(f"policy_templates/{lang}", f"clause {clause}: no {lang} template "
                                                                    f"({key})"))
                continue
            origin = pack.template_files.get(key, key)
            source = pack.templates[key]
            try:
                undeclared = meta.find_undeclared_variables(env.parse(source))
            except TemplateSyntaxError as exc:
                problems.append(Problem(f"{origin}:{exc.lineno}", f"template syntax error: {exc.message}"))
                continue
            unknown = sorted(undeclared - CONTEXT_NAMES - profile_keys)
            if unknown:
                problems.append(Problem(origin, f"template variables not provided: {', '.join(unknown)}"))
            needed = _params_used(source, env)
            for rule in pack.rules.values():
                for sel in rule.select:
                    if sel.clause == clause:
                        missing = sorted(needed - set(sel.params))
                        if missing:
                            problems.append(Problem(rule.where(), f"rule {rule.id}: clause {clause} needs "
                                                                  f"params {', '.join(missing)}"))
    for key in pack.templates:
        lang, _, rest = key.partition("/")
        if rest.startswith("_") or not rest.endswith(".md"):
            continue
        if rest[:-3] not in all_clauses:
            problems.append(Problem(pack.template_files.get(key, key), "template for a clause not in the outline"))
    for section in pack.sections:
        for lang in pack.info.languages:
            if lang not in section.title:
                problems.append(Problem(outline_where, f"section {section.id}: no {lang} title"))
    problems.extend(lint_decisions(pack, fields, Problem))
    if len(layers) == 1:  # the default pack: its own sample profiles must read as written
        problems.extend(lint_prose(pack, sample_profiles(), Problem))
    return sorted(set(problems), key=_order)


def _order(problem: Problem) -> tuple:
    """file, then line as a number (so line 7 comes before line 28), then message."""
    file, _, line = problem.where.rpartition(":")
    if line.isdigit():
        return (file, int(line), problem.message)
    return (problem.where, 0, problem.message)


def lint_location(location: str | Path | None) -> list[Problem]:
    """Lint the default pack, or ``location`` layered over it."""
    base = read_layer(default_pack_dir(), lenient=True)
    layers = [base]
    if location is not None:
        overlay = read_layer(location, lenient=True)
        layers.append(overlay)
        pack = build_pack(base, [overlay])
        problems = []
        for rule_id in overlay.info.disable_rules:
            if rule_id not in base.rules:
                problems.append(Problem(f"{location}/pack.yaml", f"disable_rules: unknown rule {rule_id!r}"))
    else:
        pack = build_pack(base)
        problems = []
    try:
        return problems + lint_pack(pack, layers)
    except PackError as exc:
        return problems + [Problem(str(location or default_pack_dir()), exc.en)]
