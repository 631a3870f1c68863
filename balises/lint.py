"""Checks a pack the way a careful reviewer would, each problem as ``file:line: message``."""

from __future__ import annotations

import typing
from dataclasses import dataclass
from pathlib import Path

from jinja2 import TemplateSyntaxError, meta, nodes
from pydantic import BaseModel

from . import conditions
from .compose import renderer_for
from .errors import PackError
from .facts import Facts
from .lint_decisions import lint_decisions, lint_prose, sample_profiles
from .pack import SECTIONS_DIR, Layer, Pack, build_pack, default_pack_dir, read_layer
from .profile import Profile

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
        problems.extend(Problem(d.split(": ", 1)[0], d.split(": ", 1)[1]) for d in layer.duplicate_rules)

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
            problems.append(Problem(where, f"rule {rule.id}: no source (reference, URL, status, applies_from)"))
        for i, src in enumerate(rule.sources):
            if not src.url:
                problems.append(Problem(where, f"rule {rule.id}: source {i + 1} ({src.reference}) has no URL"))
            if not src.applies_from:
                problems.append(Problem(where, f"rule {rule.id}: source {i + 1} ({src.reference}) has no "
                                               "applies_from date"))

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
    base = read_layer(default_pack_dir())
    layers = [base]
    if location is not None:
        overlay = read_layer(location)
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
