"""Lint of the decision table's data (decisions/*.yaml) and of the prose the default pack writes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from balises.contract import vocabulary
from balises.contract.profile import parse_profile
from balises.engine.compose import EDITIONS, compose
from balises.engine.conditions import condition_problems
from balises.engine.decisions import CLASS_ORDER, CONFLICT_CODES
from balises.errors import BalisesError, PackError
from balises.packs.loader import default_pack_dir
from balises.packs.prose import check_document
from balises.safeyaml import load_data_file

# what a decision rule may test besides the profile and facts
SUBJECT_FIELDS: dict[str, list[str] | None] = {
    "use.id": list(vocabulary.ALL_USES), "use.category": ["admin", "creative", "public", "hr"],
    "use.tags": None, "use.needs": list(CLASS_ORDER), "info": list(CLASS_ORDER),
    "tool.name": None, "tool.account": list(vocabulary.ACCOUNT), "tool.hosting": list(vocabulary.HOSTING),
    "tool.status": list(vocabulary.TOOL_STATUS), "tool.hosted_outside": None, "tool.hosting_unknown": None,
    "tool.uses": list(vocabulary.ALL_USES),
}


def lint_decisions(pack: Any, fields: dict[str, list[str] | None], problem) -> list:
    data = pack.decisions
    out = []
    known = {**fields, **SUBJECT_FIELDS}
    for rule in data.rules:
        where = f"{rule.file}:{rule.line}"
        out.extend(condition_problems(rule.when, known, where, f"decision rule {rule.id}",
                                      f"règle de décision {rule.id}", problem))
        for cond in rule.conditions:
            if cond not in data.conditions:
                out.append(problem(where, f"decision rule {rule.id}: condition {cond!r} has no wording in "
                                          "decisions/conditions.yaml",
                                   f"règle de décision {rule.id} : la condition {cond!r} n'a pas de libellé dans "
                                   "decisions/conditions.yaml"))
    for use in vocabulary.ALL_USES:
        if use not in data.uses:
            out.append(problem("decisions/uses.yaml", f"use {use} is not described (what information it needs)",
                               f"l'usage {use} n'est pas décrit (les informations dont il a besoin)"))
    for code in CONFLICT_CODES:
        if code not in data.conflicts:
            out.append(problem("decisions/conflicts.yaml", f"decision to take {code} has no wording",
                               f"la décision à prendre {code} n'a pas de libellé"))
    for key, texts in data.conditions.items():
        for lang in pack.info.languages:
            if lang not in texts:
                out.append(problem("decisions/conditions.yaml", f"condition {key}: no {lang} wording",
                               f"condition {key} : pas de libellé {lang}"))
    return out


def lint_prose(pack: Any, samples: list[Path], problem) -> list:
    """Every document of the kit for each sample profile, in each language, checked for seams."""
    identifiers = {r for r in pack.rules if "-" in r} | {r.id for r in pack.decisions.rules}
    defined = {e for s in pack.sections for e in s.editions} | {"full"}
    out = []
    for path in samples:
        try:
            profile = parse_profile(load_data_file(path), path.name)
        except BalisesError as exc:
            out.append(problem(str(path), exc.en, exc.fr))
            continue
        for lang in profile.policy.languages:
            for edition in (e for e in EDITIONS if e in defined):
                try:
                    doc = compose(profile, pack, lang=lang, as_of=profile.policy.effective_date or dt.date.today(),
                                  edition=edition)
                except BalisesError as exc:
                    out.append(problem(f"{path.name} [{lang}, {edition}]", exc.en, exc.fr))
                    continue
                for seam in check_document(doc, identifiers):
                    out.append(problem(f"{path.name} [{lang}, {edition}]", str(seam)))
    return out


def sample_profiles() -> list[Path]:
    """The default pack's sample profiles: examples/ in a checkout, the copy inside an installed wheel."""
    try:
        folder = default_pack_dir() / "examples"
    except PackError:
        return []
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []
