"""Lint of the decision table's data (decisions/*.yaml) and of the prose the default pack writes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from balises.contract import vocabulary
from balises.contract.conditions import condition_problems
from balises.contract.profile import parse_profile
from balises.engine.approval import criteria_fields
from balises.engine.compose import EDITIONS, compose
from balises.engine.decisions import CLASS_ORDER, CONFLICT_CODES, VERDICT_ORDER
from balises.errors import BalisesError, PackError
from balises.packs.loader import default_pack_dir
from balises.packs.prose import check_document
from balises.problems import Place
from balises.safeyaml import load_data_file

# what a decision rule may test besides the profile and facts
SUBJECT_FIELDS: dict[str, list[str] | None] = {
    "use.id": list(vocabulary.ALL_USES), "use.category": list(vocabulary.USE_CATEGORIES),
    "use.tags": None, "use.needs": list(CLASS_ORDER), "info": list(CLASS_ORDER),
    "use.materials": list(vocabulary.CONFIDENTIAL_MATERIAL), "use.anonymised": None,
    "tool.name": None, "tool.account": list(vocabulary.ACCOUNT), "tool.hosting": list(vocabulary.HOSTING),
    "tool.status": list(vocabulary.TOOL_STATUS), "tool.hosted_outside": None, "tool.hosting_unknown": None,
    "tool.uses": list(vocabulary.ALL_USES), **criteria_fields(),
}


def lint_decisions(pack: Any, fields: dict[str, list[str] | None], problem) -> list:
    data = pack.decisions
    out = []
    known = {**fields, **SUBJECT_FIELDS}
    for rule in data.rules:
        where = Place(rule.file, rule.line)
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
            out.append(problem(Place("decisions/uses.yaml"),
                               f"use {use} is not described (what information it needs)",
                               f"l'usage {use} n'est pas décrit (les informations dont il a besoin)"))
    for code in CONFLICT_CODES:
        if code not in data.conflicts:
            out.append(problem(Place("decisions/conflicts.yaml"), f"decision to take {code} has no wording",
                               f"la décision à prendre {code} n'a pas de libellé"))
    for key, texts in data.conditions.items():
        for lang in pack.info.languages:
            if lang not in texts:
                out.append(problem(Place("decisions/conditions.yaml"), f"condition {key}: no {lang} wording",
                               f"condition {key} : pas de libellé {lang}"))
    return out


# ids a template would map to its own words if it re-decided a verdict or a tool's standing
_DECIDED_IDS = {*VERDICT_ORDER, *vocabulary.TOOL_STATUS, *vocabulary.TOOL_STANDING}


def _verdict_words() -> list[str]:
    """The words the decision model's rendering says a verdict or a standing with (vocabulary and the pack's
    situations): a template that writes them itself decides instead of rendering."""
    words = set()
    for table in (vocabulary.VERDICTS, vocabulary.TOOL_STANDING):
        for fr, en in table.values():
            words.update((fr, en))
    return sorted(words, key=len, reverse=True)


def verdict_problems(tree, origin: str, pack: Any, problem) -> list:
    """A template only renders the decision model: it never maps verdict or status ids to its own words, nor
    writes a verdict's or a standing's words itself (a table cell "| Permis |", "Pas encore : demander
    d'abord"); it prints the model's wording (table.uses[…].verdict_label, table.tools[…].status_label…)."""
    from jinja2 import nodes

    out = []
    for node in tree.find_all(nodes.Dict):
        keys = {k.key.value for k in node.items if isinstance(k.key, nodes.Const) and isinstance(k.key.value, str)}
        if len(keys & _DECIDED_IDS) >= 2:
            out.append(problem(Place(origin, node.lineno),
                               "the template maps verdicts or tool statuses to its own words: print the decision "
                               "model's wording (verdict_label, short, answer, status_label) instead",
                               "le gabarit associe ses propres mots aux verdicts ou aux statuts d'outils : "
                               "affichez le libellé du modèle de décision (verdict_label, short, answer, "
                               "status_label)"))
    words = _verdict_words() + [a.get(lang) for a in pack.decisions.situations.answers.values() for lang in
                                vocabulary.LANGUAGE_CODES if " " in a.get(lang)]
    single = [w for w in words if " " not in w]
    multi = [w for w in words if " " in w]
    cell = re.compile(r"\|\s*(" + "|".join(re.escape(w) for w in single) + r")\s*\|") if single else None
    texts = [(n.lineno, n.data) for n in tree.find_all(nodes.TemplateData)]
    texts += [(n.lineno, n.value) for n in tree.find_all(nodes.Const) if isinstance(n.value, str)]
    for line, text in texts:
        at = next((text.find(w) for w in multi if w in text), -1)
        found = next((w for w in multi if w in text), None)
        if found is None and cell is not None:
            m = cell.search(text)
            found, at = (m.group(1), m.start()) if m else (None, -1)
        if found:
            line += text[:at].count("\n")  # the line of the words, not of the chunk of text they are in
            out.append(problem(Place(origin, line),
                               f"the template writes a verdict itself ({found!r}): print the decision model's "
                               "wording instead",
                               f"le gabarit écrit lui-même un verdict ({found!r}) : affichez le libellé du modèle "
                               "de décision"))
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
            out.append(problem(Place(str(path)), exc.en, exc.fr))
            continue
        for lang in profile.policy.languages:
            for edition in (e for e in EDITIONS if e in defined):
                try:
                    doc = compose(profile, pack, lang=lang, as_of=profile.policy.effective_date or dt.date.today(),
                                  edition=edition)
                except BalisesError as exc:
                    out.append(problem(Place(f"{path.name} [{lang}, {edition}]"), exc.en, exc.fr))
                    continue
                for seam in check_document(doc, identifiers):
                    out.append(problem(Place(f"{path.name} [{lang}, {edition}]"), str(seam)))
    return out


def sample_profiles() -> list[Path]:
    """The default pack's sample profiles: examples/ in a checkout, the copy inside an installed wheel."""
    try:
        folder = default_pack_dir() / "examples"
    except PackError:
        return []
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []
