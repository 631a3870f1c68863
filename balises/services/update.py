"""Updating a policy: regenerate it from the answers embedded in the .docx, with the current pack and law,
and say what changed and why.

Pure functions for every shell (CLI, wizard):

- :func:`diff_payloads` compares the embedded payloads of two policies (see :mod:`balises.render.embedding`);
- :func:`diff_documents` does the same from two .docx files' bytes;
- :func:`regenerate` takes an old policy's bytes and returns the new policy (with a short
  "Changes since the previous version" block at the start of its body) and the diff.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from jinja2 import TemplateSyntaxError, meta

from balises.contract.answers import resolve
from balises.engine.compose import DOCUMENT_NAMES, compose, section_numbers
from balises.engine.document import (
    Clause,
    Heading,
    HistoryEntry,
    ListBlock,
    ListItem,
    Paragraph,
    PolicyDocument,
    Run,
    block_text,
)
from balises.engine.facts import locale_for
from balises.engine.state import engine_for
from balises.engine.templating import format_date
from balises.errors import BalisesError
from balises.packs.loader import Pack, load_pack
from balises.render import embedding
from balises.render.docx.redline import apply_plan, body_of
from balises.render.docx.units import W, key
from balises.safeyaml import read_bytes
from balises.services import merge
from balises.services.batch import (
    _WORKER,
    BatchResult,
    error_text,
    policies_in,
    run_parallel,
    write_if_changed,
    write_report,
)
from balises.services.merge import MergePlan, label_units

CHANGES_CLAUSE = "balises.changes"  # the block added by regeneration; never part of a diff itself

Kind = Literal["added", "removed", "changed", "updated"]
# what a change means for the organisation: the first three are material (re-adoption, acknowledgement)
Class = Literal["obligation", "restriction_added", "restriction_removed", "wording"]
CLASSES = ("obligation", "restriction_added", "restriction_removed", "wording")
CLASS_LABELS = {
    "obligation": ("obligation d'une loi ou d'une date nouvelle", "obligation from a new law or date"),
    "restriction_added": ("restriction ajoutée", "restriction added"),
    "restriction_removed": ("restriction retirée", "restriction removed"),
    "wording": ("rédaction seulement", "wording only"),
}


@dataclass
class ClauseChange:
    """One clause that differs. ``updated`` means its text follows other changes (a list of references,
    the decision trace, a cross-reference): not a change of its own."""

    kind: Kind
    section: str
    clause: str
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (fr, en)
    section_title: str = ""
    section_number: str = ""
    excerpt: str = ""
    cls: Class = "wording"
    plain: list[tuple[str, str]] = field(default_factory=list)  # the reasons without rule ids, for the policy

    @property
    def material(self) -> bool:
        return self.cls != "wording"

    def reason_text(self, lang: str) -> str:
        return "; ".join(fr if lang == "fr" else en for fr, en in self.reasons)


@dataclass
class PolicyDiff:
    old: dict  # generated_on, pack, lang, edition
    new: dict
    changes: list[ClauseChange]
    notes: list[tuple[str, str]] = field(default_factory=list)

    def of_kind(self, kind: Kind) -> list[ClauseChange]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def added(self) -> list[str]:
        return [c.clause for c in self.of_kind("added")]

    @property
    def removed(self) -> list[str]:
        return [c.clause for c in self.of_kind("removed")]

    @property
    def changed(self) -> list[str]:
        return [c.clause for c in self.of_kind("changed")]

    @property
    def updated(self) -> list[str]:
        return [c.clause for c in self.of_kind("updated")]

    @property
    def substantive(self) -> list[ClauseChange]:
        return [c for c in self.changes if c.kind != "updated"]

    @property
    def material(self) -> bool:
        """Material changes need the board's re-adoption and the staff's acknowledgement."""
        return any(c.material for c in self.changes)

    def by_class(self) -> dict[str, list[ClauseChange]]:
        return {cls: [c for c in self.changes if c.cls == cls] for cls in CLASSES}

    def summary(self) -> str:
        return (f"+{len(self.added)} -{len(self.removed)} ~{len(self.changed)}"
                + (f" ({len(self.updated)} updated)" if self.updated else ""))

    def class_summary(self, lang: str = "en") -> str:
        i = 0 if lang == "fr" else 1
        sep = " : " if lang == "fr" else ": "
        parts = [f"{CLASS_LABELS[k][i]}{sep}{len(v)}" for k, v in self.by_class().items() if v]
        if not parts:
            return "aucun changement" if lang == "fr" else "no change"
        return (" ; " if lang == "fr" else "; ").join(parts)

    def to_dict(self) -> dict:
        return {"old": self.old, "new": self.new, "notes": [en for _, en in self.notes],
                "material": self.material,
                "changes": [{"kind": c.kind, "section": c.section, "clause": c.clause, "class": c.cls,
                             "reasons": [en for _, en in c.reasons]} for c in self.changes]}

    def lines(self, lang: str = "en") -> list[str]:
        """The diff as text, per section (for the CLI)."""
        fr = lang == "fr"
        words = {"added": ("ajoutée", "added"), "removed": ("retirée", "removed"),
                 "changed": ("modifiée", "changed"), "updated": ("mise à jour", "updated")}
        out = [f"{'Avant' if fr else 'Before'}: {self.old['generated_on']} ({self.old['pack']})",
               f"{'Après' if fr else 'After'}: {self.new['generated_on']} ({self.new['pack']})"]
        out += [f"{'note' if fr else 'note'}: {n[0] if fr else n[1]}" for n in self.notes]
        if not self.changes:
            out.append("Aucune clause n'a changé." if fr else "No clause changed.")
        current = None
        for change in self.changes:
            if change.section != current:
                current = change.section
                number = f"{change.section_number}. " if change.section_number else ""
                out.append(f"\n{number}{change.section_title or change.section}")
            label = CLASS_LABELS[change.cls][0 if fr else 1]
            out.append(f"  {words[change.kind][0 if fr else 1]}: {change.clause} [{label}]")
            for reason in change.reasons:
                out.append(f"    {'pourquoi' if fr else 'why'}: {reason[0] if fr else reason[1]}")
        return out


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _fingerprints(payload: dict) -> dict[str, dict]:
    return {c["clause"]: c for c in payload.get("clauses", []) if not str(c.get("clause", "")).startswith("balises.")}


def context_dependent_clauses(pack: Pack) -> set[str]:
    """Clauses whose text reads the trace, the references, ``selected``, section numbers or the date."""
    env = engine_for(pack).env
    out = set()
    for name, source in pack.templates.items():
        lang, _, rest = name.partition("/")
        try:
            names = meta.find_undeclared_variables(env.parse(source))
        except TemplateSyntaxError:
            continue
        if names & DOCUMENT_NAMES:
            out.add(rest[:-3])
    return out


def _rule_reasons(rule_ids: list[str], pack: Pack, old_day: dt.date | None, new_day: dt.date | None,
                  pack_changed: bool, removed: bool = False) -> list[tuple[str, str]]:
    reasons = []
    for rule_id in rule_ids:
        rule = pack.rules.get(rule_id)
        if rule is None:
            if rule_id in pack.disabled_rules:
                reasons.append((f"la règle {rule_id} est désactivée par le paquet {pack.label}",
                                f"rule {rule_id} is disabled by pack {pack.label}"))
            else:
                reasons.append((f"la règle {rule_id} n'existe plus dans le paquet {pack.label}",
                                f"rule {rule_id} is no longer in pack {pack.label}"))
            continue
        start, until = rule.effective_from(), rule.applies_until
        why = rule.why
        if not removed and start and old_day and new_day and old_day < start <= new_day:
            reasons.append((f"la règle {rule_id} s'applique depuis le {start.isoformat()} : {why.fr}",
                            f"rule {rule_id} applies from {start.isoformat()}: {why.en}"))
        elif removed and until and old_day and new_day and old_day < until <= new_day:
            reasons.append((f"la règle {rule_id} ne s'applique plus depuis le {until.isoformat()}",
                            f"rule {rule_id} no longer applies from {until.isoformat()}"))
        elif pack_changed:
            reasons.append((f"règle {rule_id}, nouvelle ou modifiée dans le paquet {pack.label} : {why.fr}",
                            f"rule {rule_id}, new or changed in pack {pack.label}: {why.en}"))
        elif removed:
            reasons.append((f"la règle {rule_id} ne s'applique plus à ces réponses",
                            f"rule {rule_id} no longer applies to these answers"))
        else:
            reasons.append((f"règle {rule_id} : {why.fr}", f"rule {rule_id}: {why.en}"))
    return reasons


def _plain_reasons(rule_ids: list[str], pack: Pack, old_day: dt.date | None, new_day: dt.date | None,
                   removed: bool = False) -> list[tuple[str, str]]:
    """The reasons as the board reads them: what the rule says and the date, no rule identifier."""
    out = []
    for rule_id in rule_ids:
        rule = pack.rules.get(rule_id)
        if rule is None:
            continue
        start, until = rule.effective_from(), rule.applies_until
        if removed:
            if until and old_day and new_day and old_day < until <= new_day:
                out.append((f"ne s'applique plus depuis le {format_date(until, 'fr-FR')}",
                            f"no longer applies from {format_date(until, 'en-GB')}"))
            continue
        if start and old_day and new_day and old_day < start <= new_day:
            fr, en = format_date(start, "fr-FR"), format_date(start, "en-GB")
            # the why often says the date itself ("Depuis le 2 août 2026, …")
            out.append((rule.why.fr if fr in rule.why.fr else f"depuis le {fr} : {rule.why.fr}",
                        rule.why.en if en in rule.why.en else f"from {en}: {rule.why.en}"))
        else:
            out.append((rule.why.fr, rule.why.en))
    return out


def _profile_changes(old: dict, new: dict, prefix: str = "") -> list[str]:
    paths = []
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name), new.get(name)
        if isinstance(a, dict) and isinstance(b, dict):
            paths += _profile_changes(a, b, f"{prefix}{name}.")
        elif a != b:
            paths.append(f"{prefix}{name}")
    return paths


def diff_payloads(old: dict, new: dict, pack: Pack | None = None, document: PolicyDocument | None = None
                  ) -> PolicyDiff:
    """What changed between two policies, per section, and why.

    ``pack`` is the pack the new policy was made with (for the rules' dates and reasons); ``document`` the new
    policy's model, if at hand, for section titles and excerpts."""
    pack = pack or load_pack()
    old_day, new_day = _date(old.get("generated_on")), _date(new.get("generated_on"))
    old_pack, new_pack = old.get("pack", {}), new.get("pack", {})
    pack_changed = (old_pack.get("label") != new_pack.get("label"))
    notes: list[tuple[str, str]] = []
    if pack_changed:
        notes.append((f"paquet : {old_pack.get('label')} → {new_pack.get('label')}",
                      f"pack: {old_pack.get('label')} → {new_pack.get('label')}"))
    if old.get("lang") != new.get("lang") or old.get("edition") != new.get("edition"):
        notes.append(("langue ou édition différente : les textes ne sont pas comparables",
                      "different language or edition: the texts are not comparable"))
    answers = _profile_changes(old.get("profile") or {}, new.get("profile") or {})
    if answers:
        notes.append((f"réponses modifiées : {', '.join(answers)}", f"answers changed: {', '.join(answers)}"))
    before, after = _fingerprints(old), _fingerprints(new)
    dependent = context_dependent_clauses(pack)
    changes: list[ClauseChange] = []
    for clause, entry in after.items():
        previous = before.get(clause)
        if previous is None:
            reasons = _rule_reasons(entry.get("rules", []), pack, old_day, new_day, pack_changed)
            if answers:
                reasons.append((f"réponses modifiées : {', '.join(answers)}", f"answers changed: {', '.join(answers)}"))
            changes.append(ClauseChange("added", entry["section"], clause, reasons))
        elif previous.get("sha256") != entry.get("sha256"):
            old_rules, new_rules = previous.get("rules", []), entry.get("rules", [])
            if old_rules != new_rules:
                gained = [r for r in new_rules if r not in old_rules]
                lost = [r for r in old_rules if r not in new_rules]
                reasons = _rule_reasons(gained, pack, old_day, new_day, pack_changed)
                reasons += _rule_reasons(lost, pack, old_day, new_day, pack_changed, removed=True)
                changes.append(ClauseChange("changed", entry["section"], clause, reasons))
            elif clause in dependent:
                changes.append(ClauseChange("updated", entry["section"], clause, [(
                    "texte mis à jour pour suivre les autres changements (références, justification des "
                    "clauses, renvois ou date)",
                    "text updated to follow the other changes (references, why each clause, cross-references "
                    "or date)")]))
            elif pack_changed:
                changes.append(ClauseChange("changed", entry["section"], clause, [(
                    f"nouvelle rédaction dans le paquet {new_pack.get('label')}",
                    f"new wording in pack {new_pack.get('label')}")]))
            elif answers:
                changes.append(ClauseChange("changed", entry["section"], clause, [(
                    f"réponses modifiées : {', '.join(answers)}", f"answers changed: {', '.join(answers)}")]))
            else:
                changes.append(ClauseChange("changed", entry["section"], clause, [(
                    "nouvelle rédaction du modèle", "new wording of the model")]))
    for clause, entry in before.items():
        if clause not in after:
            reasons = _rule_reasons(entry.get("rules", []), pack, old_day, new_day, pack_changed, removed=True)
            if entry["section"] not in {s.id for s in pack.sections}:
                reasons.append(("section retirée du modèle", "section removed from the model"))
            changes.append(ClauseChange("removed", entry["section"], clause, reasons))
    _classify(changes, before, after, pack, old_day, new_day)
    for change in changes:
        old_rules = (before.get(change.clause) or {}).get("rules", [])
        new_rules = (after.get(change.clause) or {}).get("rules", [])
        if change.kind in ("added", "changed"):
            change.plain = _plain_reasons([r for r in new_rules if r not in old_rules] or new_rules * (
                change.kind == "added"), pack, old_day, new_day)
            change.plain += _plain_reasons([r for r in old_rules if r not in new_rules], pack, old_day, new_day,
                                           removed=True)
        elif change.kind == "removed":
            change.plain = _plain_reasons(old_rules, pack, old_day, new_day, removed=True)
    _decorate(changes, pack, new.get("lang") or "fr", new, document)
    order = {s.id: i for i, s in enumerate(pack.sections)}
    clause_order = {c: i for i, c in enumerate(pack.clause_ids())}
    changes.sort(key=lambda c: (order.get(c.section, 999), clause_order.get(c.clause, 9999), c.clause))
    info = lambda p: {"generated_on": p.get("generated_on"), "pack": (p.get("pack") or {}).get("label"),
                      "lang": p.get("lang"), "edition": p.get("edition")}
    return PolicyDiff(old=info(old), new=info(new), changes=changes, notes=notes)


def _in_window(dates, old_day: dt.date | None, new_day: dt.date | None) -> bool:
    if not old_day or not new_day:
        return False
    return any(d and old_day < d <= new_day for d in dates)


def _classify(changes: list[ClauseChange], before: dict, after: dict, pack: Pack, old_day, new_day) -> None:
    """Material or wording, from the decision trace: a clause that comes or goes, a changed set of rules or
    variant is material (an obligation when a source or rule starts to apply between the two dates); the same
    rules and variant with another text is wording."""
    for change in changes:
        old_entry, new_entry = before.get(change.clause) or {}, after.get(change.clause) or {}
        old_rules, new_rules = old_entry.get("rules", []), new_entry.get("rules", [])
        dates = [_date(d) for d in new_entry.get("applies_from", [])]
        for rule_id in new_rules:
            rule = pack.rules.get(rule_id)
            if rule is not None:
                dates.append(rule.effective_from())
        ending = [pack.rules[r].applies_until for r in old_rules if r in pack.rules]
        variant_changed = ("variant" in old_entry and "variant" in new_entry
                           and old_entry.get("variant") != new_entry.get("variant"))
        if change.kind == "added":
            change.cls = "obligation" if _in_window(dates, old_day, new_day) else "restriction_added"
        elif change.kind == "removed":
            change.cls = "restriction_removed"
        elif change.kind == "changed" and (old_rules != new_rules or variant_changed):
            if _in_window(dates, old_day, new_day):
                change.cls = "obligation"
            elif _in_window(ending, old_day, new_day) or not [r for r in new_rules if r not in old_rules]:
                change.cls = "restriction_removed" if not variant_changed else "restriction_added"
            else:
                change.cls = "restriction_added"
        elif change.kind == "changed" and _in_window(dates, old_day, new_day):
            change.cls = "obligation"  # same rules, but the law they cite starts to apply in between
        else:
            change.cls = "wording"


def _decorate(changes: list[ClauseChange], pack: Pack, lang: str, new: dict,
              document: PolicyDocument | None) -> None:
    jurisdiction = ((new.get("profile") or {}).get("organisation") or {}).get("jurisdiction", "")
    locale = locale_for(lang, jurisdiction) if jurisdiction else lang
    numbers = section_numbers(pack.sections)  # a section the new document no longer has: the pack's order
    texts = {}
    if document is not None:
        for section in document.sections:
            numbers[section.id] = section.number
            for clause in section.clauses:
                lines = [line for b in clause.blocks for line in block_text(b) if line.strip()]
                texts[clause.id] = lines[0] if lines else ""
    for change in changes:
        try:
            change.section_title = pack.section(change.section).title_for(lang, locale)
        except KeyError:
            change.section_title = change.section
        change.section_number = numbers.get(change.section, "")
        excerpt = texts.get(change.clause, "")
        change.excerpt = excerpt if len(excerpt) <= 90 else excerpt[:87].rstrip() + "…"


def diff_documents(old_docx: bytes, new_docx: bytes, pack: Pack | None = None) -> PolicyDiff:
    return diff_payloads(embedding.read_payload(old_docx, "old"), embedding.read_payload(new_docx, "new"), pack)


# ---------------------------------------------------------------- the "changes" block

def changes_clause(diff: PolicyDiff, lang: str, conflicts: int = 0, approved_by: str = "",
                   previous_version: str | None = None) -> Clause:
    """A short block for the start of the new policy: what changed since the previous version, by class, and
    whether the board must adopt it again."""
    fr = lang == "fr"
    i = 0 if fr else 1
    old_day = _date(diff.old.get("generated_on"))
    blocks: list = [Heading(level=3, runs=[Run(text="Changements depuis la version précédente" if fr
                                               else "Changes since the previous version")])]
    when = format_date(old_day, "fr-FR" if fr else "en-GB") if old_day else "?"
    version = (f"version {previous_version}, " if previous_version else "")
    blocks.append(Paragraph(style="note", runs=[Run(text=(
        f"Version précédente ({version}produite le {when}, paquet {diff.old.get('pack')}). "
        if fr else f"Previous version ({version}drafted on {when}, pack {diff.old.get('pack')}). ") + (
        "Cette version tient compte des règles et du droit en vigueur à la date de production."
        if fr else "This version reflects the rules and the law in force on the date it was drafted."))]))
    verbs = {"added": ("Ajout", "Added"), "removed": ("Retrait", "Removed"), "changed": ("Modification", "Changed")}
    for cls, changes in diff.by_class().items():
        changes = [c for c in changes if c.kind != "updated"]
        if not changes:
            continue
        label = CLASS_LABELS[cls][i]
        blocks.append(Paragraph(runs=[Run(text=label[0].upper() + label[1:], bold=True)]))
        items = []
        for change in changes:
            where = f"section {change.section_number}" if change.section_number else change.section
            excerpt = (f"« {change.excerpt} »" if fr else f"“{change.excerpt}”") if change.excerpt else change.clause
            reason = (change.plain or change.reasons or [("", "")])[0][i]
            text = f"{verbs[change.kind][i]} ({where}, {change.section_title}){' :' if fr else ':'} {excerpt}"
            runs = [Run(text=text)]
            if reason:
                runs.append(Run(text=(" — " + reason), italic=True))
            items.append(ListItem(runs=runs))
        blocks.append(ListBlock(items=items))
    if not diff.substantive:
        blocks.append(Paragraph(style="note", runs=[Run(text="Aucun changement de fond." if fr
                                                         else "No change of substance.")]))
    updated = diff.of_kind("updated")
    if updated:
        names = ", ".join(dict.fromkeys(c.section_title for c in updated))
        blocks.append(Paragraph(style="note", runs=[Run(text=(
            f"Mises à jour en conséquence : {names}." if fr else f"Updated accordingly: {names}."))]))
    who = approved_by or ("l'instance qui l'adopte" if fr else "the body that adopts it")
    if diff.material:
        text = (f"Ces changements sont de fond : la politique doit être adoptée à nouveau ({who}) et le personnel "
                "doit en prendre connaissance et en accuser réception." if fr else
                f"These are material changes: the policy must be adopted again ({who}) and the staff must read "
                "it and acknowledge it.")
    elif diff.changes:
        text = ("Changements de rédaction seulement : ni nouvelle adoption ni accusé de réception ne sont requis."
                if fr else "Wording changes only: neither a new adoption nor an acknowledgement is needed.")
    else:
        text = ""
    if text:
        blocks.append(Paragraph(style="note", runs=[Run(text=text, bold=diff.material)]))
    if conflicts:
        blocks.append(Paragraph(style="note", runs=[Run(text=(
            f"{conflicts} passage(s) que votre organisation avait modifié(s) et que Balises modifie aussi : votre "
            "texte est conservé, le nouveau est proposé à côté en modification suivie, avec un commentaire."
            if fr else
            f"{conflicts} passage(s) your organisation had edited and Balises changes too: your text is kept, the "
            "new one is proposed beside it as a tracked change, with a comment."))]))
    return Clause(id=CHANGES_CLAUSE, blocks=blocks, rules=[])


def insert_changes(document: PolicyDocument, diff: PolicyDiff, conflicts: int = 0,
                   previous_version: str | None = None) -> PolicyDocument:
    """The document with the changes block at the start of its first section."""
    if document.sections:
        first = document.sections[0]
        first.clauses = [c for c in first.clauses if c.id != CHANGES_CLAUSE]
        first.clauses.insert(0, changes_clause(diff, document.meta.lang, conflicts, document.meta.approved_by,
                                               previous_version))
    return document


# ---------------------------------------------------------------- regeneration

@dataclass
class Regenerated:
    docx: bytes
    document: PolicyDocument
    diff: PolicyDiff
    old_payload: dict


def regenerate(old_docx: bytes, pack: Pack | None = None, as_of: dt.date | None = None,
               source: str = "document", lang: str | None = None) -> Regenerated:
    """The policy in ``old_docx`` made again from its embedded answers, with ``pack`` and the law as of
    ``as_of`` (default: today), with what changed. Raises a BalisesError the user can act on."""
    pack = pack or load_pack()
    old = embedding.read_payload(old_docx, source)
    profile = resolve(old.get("profile"), pack, f"{source} (embedded answers)").profile
    lang = lang or old.get("lang")
    edition = old.get("edition") or "full"
    document = compose(profile, pack, lang=lang, as_of=as_of, edition=edition)
    new = embedding.payload(document)
    diff = diff_payloads(old, new, pack, document)
    old_name = (old.get("pack") or {}).get("name")
    if old_name and old_name != pack.info.name:
        diff.notes.insert(0, (f"la politique avait été produite avec le paquet {old_name}, elle est refaite avec "
                              f"{pack.info.name}",
                              f"the policy was made with pack {old_name}; it is remade with {pack.info.name}"))
    insert_changes(document, diff)
    return Regenerated(docx=engine_for(pack).render_docx(document), document=document, diff=diff,
                       old_payload=old)


def read_docx(path) -> bytes:
    return read_bytes(Path(path), 30 * 1024 * 1024)


__all__ = [
    "CHANGES_CLAUSE",
    "BalisesError",
    "ClauseChange",
    "PolicyDiff",
    "Regenerated",
    "changes_clause",
    "diff_documents",
    "diff_payloads",
    "insert_changes",
    "regenerate",
    "redline",
    "run_update_folder",
    "update",
]


# ---------------------------------------------------------------- update that keeps the organisation's edits

def bump_version(version: str, material: bool) -> str:
    """1.0 → 1.1 for wording, 2.0 for material changes; a version that is not "N.M" gets a suffix."""
    parts = version.strip().split(".")
    if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
        major, minor = int(parts[0]), int(parts[1])
        return f"{major + 1}.0" if material else f"{major}.{minor + 1}"
    if version.strip().isdigit():
        return f"{int(version) + 1}.0" if material else f"{version.strip()}.1"
    return f"{version}-{'2' if material else '1'}"


@dataclass
class Updated:
    docx: bytes  # the new policy with the organisation's edits and Balises' changes as tracked revisions
    document: PolicyDocument  # Balises' new text (without the organisation's edits)
    diff: PolicyDiff
    plan: MergePlan
    version: str
    old_payload: dict
    notes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def conflicts(self) -> list:
        return self.plan.conflicts

    def report(self) -> dict:
        """One line of the batch report: changes by class, conflicts to look at."""
        classes = self.diff.by_class()
        lost = self.plan.lost
        return {"version": self.version, "material": "yes" if self.diff.material else "no",
                **{cls: len([c for c in classes[cls] if c.kind != "updated"]) for cls in CLASSES if cls != "wording"},
                "wording": len(classes["wording"]),
                "kept_edits": len(self.plan.of_status("kept_edit", "merged", "conflict", "deleted_by_org",
                                                      "kept_deletion")),
                "conflicts": len(self.conflicts),
                "to_look_at": "; ".join([c.clause for c in self.plan.of_status("conflict", "reinstated",
                                                                               "kept_deletion")]
                                        + ([f"title page/headings ({len(lost)})"] if lost else []))}

    def lines(self, lang: str = "en") -> list[str]:
        fr = lang == "fr"
        out = self.diff.lines(lang)
        out += [f"note: {n[0] if fr else n[1]}" for n in self.notes]
        words = {"kept_edit": ("modification conservée", "edit kept"),
                 "merged": ("modification conservée, changement de Balises appliqué à côté",
                            "edit kept, Balises' change applied beside it"),
                 "conflict": ("CONFLIT : votre texte conservé, le nouveau proposé", "CONFLICT: your text kept, "
                              "the new one proposed"),
                 "reinstated": ("clause supprimée par l'organisation, rétablie (exigée)",
                                "clause deleted by the organisation, reinstated (now required)"),
                 "deleted_by_org": ("suppression conservée", "deletion kept"),
                 "kept_deletion": ("suppression conservée alors que Balises a changé le texte",
                                   "deletion kept although Balises changed the text")}
        for merged in self.plan.clauses:
            if merged.status in words:
                out.append(f"  {merged.clause}: {words[merged.status][0 if fr else 1]}")
        for text in self.plan.lost:
            out.append(("  page de titre ou titre refait, votre modification n'est pas reprise : "
                        if fr else "  title page or heading made anew, your change is not carried over: ")
                       + f"« {text[:80]} »")
        if self.diff.material:
            what = ("(changements de fond : adoption et accusés de réception)" if fr else
                    "(material changes: adoption and acknowledgements)")
        elif self.diff.changes:
            what = "(rédaction seulement)" if fr else "(wording only)"
        else:
            what = "(aucun changement de Balises)" if fr else "(no change by Balises)"
        out.append(f"Version {self.old_payload.get('version', '?')} → {self.version} {what}")
        return out


def _history(old: dict, new_version: str, as_of: dt.date, diff: PolicyDiff, conflicts: int, lang: str,
             approved_by: str) -> list:
    fr = lang == "fr"
    history = []
    for entry in old.get("history") or []:
        try:
            history.append(HistoryEntry.model_validate(entry))
        except ValueError:
            continue
    if not history:  # the first update: the version it starts from, dated like the new one (drafting date)
        day = _date(old.get("generated_on")) or _date(old.get("effective_date")) or as_of
        history.append(HistoryEntry(version=str(old.get("version") or "1.0"), date=day,
                                    adopted_by=str(old.get("approved_by") or ""),
                                    summary="Version initiale" if fr else "Initial version"))
    if not diff.changes:  # nothing new: no new version, no new row
        return history
    summary = diff.class_summary(lang)
    if diff.material:
        summary += " ; nouvelle adoption requise" if fr else "; to be adopted again"
    if conflicts:
        summary += (f" ; {conflicts} conflit(s) à trancher" if fr else f"; {conflicts} conflict(s) to settle")
    adopted = ((f"à adopter ({approved_by})" if fr else f"to be adopted ({approved_by})") if diff.material
               else ("sans nouvelle adoption (rédaction)" if fr else "no new adoption (wording)"))
    history.append(HistoryEntry(version=new_version, date=as_of, adopted_by=adopted, summary=summary))
    return history


def _ours_bookmarks(units, old_units: list[dict]) -> list[str | None]:
    """For each unit of the organisation's document, the clause whose bookmark covers it (if any). Only
    closed ranges count: LibreOffice sometimes splits a bookmark and leaves a start without its end."""
    names = {u["bookmark"]: u["clause"] for u in old_units if u.get("bookmark")}
    ends: dict[str, int] = {}
    for i, unit in enumerate(units):
        for ident in unit.ends:
            ends.setdefault(ident, i)
    out: list[str | None] = [None] * len(units)
    for i, unit in enumerate(units):
        for name, ident in unit.bookmarks:
            j = ends.get(ident)
            if name in names and j is not None and j >= i:
                for k in range(i, j + 1):
                    out[k] = out[k] or names[name]
    return out


def _base_units(old: dict, profile, pack: Pack, lang: str, edition: str) -> tuple[list[dict], bool]:
    """What Balises wrote then: the embedded texts, or (a policy from before they were embedded) the policy
    made again as of its date with this pack — close, not exact, and said so."""
    units = old.get("units")
    if units and isinstance(units, list) and all(
            isinstance(u, dict) and isinstance(u.get("clause"), str) and isinstance(u.get("text"), str) for u in units):
        return units, True
    day = _date(old.get("generated_on")) or dt.date.today()
    document = compose(profile, pack, lang=lang, as_of=day, edition=edition)
    return embedding.read_payload(engine_for(pack).render_docx(document))["units"], False


def _comment_lines(merged, change: ClauseChange | None, document: PolicyDocument, lang: str) -> list[str]:
    fr = lang == "fr"
    i = 0 if fr else 1
    lines = []
    if merged.status == "conflict":
        lines.append("Balises — conflit : votre organisation a modifié ce passage et Balises le modifie aussi. "
                     "Votre texte est conservé ; le nouveau texte de Balises est proposé juste après, en insertion "
                     "suivie : gardez l'un ou l'autre." if fr else
                     "Balises — conflict: your organisation edited this passage and Balises changes it too. Your "
                     "text is kept; Balises' new text is proposed just after it as a tracked insertion: keep one "
                     "or the other.")
        short = lambda texts: " / ".join(texts)[:600]
        lines.append(("Votre version : « " if fr else "Your version: “") + short(merged.ours_text) + (" »" if fr else "”"))
        lines.append(("Version de Balises : « " if fr else "Balises' version: “")
                     + (short(merged.new_text) or ("(passage retiré par Balises)" if fr else "(passage removed by Balises)"))
                     + (" »" if fr else "”"))
    elif merged.status == "reinstated":
        lines.append("Balises — clause rétablie : votre organisation l'avait supprimée, mais elle est désormais "
                     "exigée." if fr else "Balises — clause reinstated: your organisation had deleted it, but it is "
                     "now required.")
    else:
        label = CLASS_LABELS[change.cls][i] if change else CLASS_LABELS["wording"][i]
        lines.append(f"Balises — {label}")
    if change is not None:
        lines += [("Pourquoi : " if fr else "Why: ") + r[i] for r in change.reasons]
        if change.material:
            lines.append("Changement de fond : à adopter à nouveau et à faire connaître au personnel."
                         if fr else "Material change: to be adopted again and made known to the staff.")
    entry = next((t for t in document.trace if t.clause == merged.clause), None)
    if entry is not None:
        for src in entry.sources:
            since = (f" ({'applicable depuis le' if fr else 'applies from'} "
                     f"{format_date(src.applies_from, document.meta.locale)})") if src.applies_from else ""
            lines.append(("Source : " if fr else "Source: ") + src.reference + since)
    return lines


def _labels_of(units, payload_units: list[dict]) -> list[str]:
    """The clause of each unit of a Balises document's body: its own embedded list when it matches (a fresh
    rendering), else by aligning its texts with the list."""
    if len(units) == len(payload_units) and all(key(u.text) == key(p["text"]) for u, p in zip(units, payload_units)):
        return [p["clause"] for p in payload_units]
    return label_units([(p["clause"], p["text"]) for p in payload_units], [u.text for u in units])[0]


def merge_documents(ours_docx: bytes, new_docx: bytes, new_payload: dict,
                    document: PolicyDocument, diff: PolicyDiff, base_units: list[dict], when: dt.datetime
                    ) -> tuple[bytes, MergePlan]:
    """The three-way merge of ``ours_docx`` (the organisation's) with ``new_docx`` (Balises' new text) over
    ``base_units`` (Balises' old text), as a Word file with tracked changes; and the plan."""
    ours_units = body_of(ours_docx)
    new_units = body_of(new_docx)
    new_labels = _labels_of(new_units, new_payload.get("units") or [])
    material = {c.clause for c in diff.changes if c.material}
    plan = merge.plan([(u["clause"], u["text"]) for u in base_units], [u.text for u in ours_units],
                      [(label, u.text) for label, u in zip(new_labels, new_units)], material,
                      _ours_bookmarks(ours_units, base_units))
    changes = {c.clause: c for c in diff.changes}
    comments = {}
    for merged in plan.clauses:
        if merged.comment_at is not None:
            comments[merged.clause] = _comment_lines(merged, changes.get(merged.clause), document,
                                                     document.meta.lang)
    names = {u["clause"]: u["bookmark"] for u in new_payload.get("units") or [] if u.get("bookmark")}
    # the title page and headings are made anew: say which of the organisation's changes there are not kept
    # (the table of contents is left out: Word fills in its page numbers)
    plan.lost = [ours_units[i].text for i in plan.frame_edits([u.text for u in ours_units])
                 if ours_units[i].element.tag != W + "sdt"]
    return apply_plan(new_docx, new_labels, ours_docx, plan, comments, names, when), plan


def update(adopted_docx: bytes, pack: Pack | None = None, as_of: dt.date | None = None, source: str = "document",
           version: str | None = None) -> Updated:
    """The adopted policy (``adopted_docx``, as the organisation has it now, edits included) brought up to date
    with ``pack`` and the law as of ``as_of``: a three-way merge shown as Word tracked changes, the changes
    classified, the version moved on (unless ``version`` is given) and the history carried over."""
    pack = pack or load_pack()
    as_of = as_of or dt.date.today()
    old = embedding.read_payload(adopted_docx, source)
    profile = resolve(old.get("profile"), pack, f"{source} (embedded answers)").profile
    lang = old.get("lang")
    edition = old.get("edition") or "full"
    document = compose(profile, pack, lang=lang, as_of=as_of, edition=edition)
    old_version = str(old.get("version") or profile.policy.version)
    diff = diff_payloads(old, embedding.payload(document), pack, document)
    notes: list[tuple[str, str]] = []
    base_units, exact = _base_units(old, profile, pack, lang, edition)
    if not exact:
        notes.append(("ce document précède l'enregistrement du texte de Balises : le texte d'origine est refait à sa "
                      "date, des modifications peuvent être mal reconnues",
                      "this document predates the embedded text: the original text is made again as of its date; "
                      "some edits may be misread"))
    new_version = version or (bump_version(old_version, diff.material) if diff.changes else old_version)
    meta = document.meta
    meta.footer = meta.footer.replace(f"version {meta.version}", f"version {new_version}")
    meta.version = new_version
    when = dt.datetime.combine(as_of, dt.time(12, 0))

    def render(conflicts: int) -> tuple[bytes, dict]:
        document.history = _history(old, new_version, as_of, diff, conflicts, meta.lang, meta.approved_by)
        insert_changes(document, diff, conflicts, old_version)
        data = engine_for(pack).render_docx(document)
        return data, embedding.read_payload(data)

    new_docx, new_payload = render(0)
    merged, plan = merge_documents(adopted_docx, new_docx, new_payload, document, diff, base_units, when)
    if plan.conflicts:  # say so in the summary and the history, then merge again on the final text
        new_docx, new_payload = render(len(plan.conflicts))
        merged, plan = merge_documents(adopted_docx, new_docx, new_payload, document, diff, base_units, when)
    return Updated(docx=merged, document=document, diff=diff, plan=plan, version=new_version, old_payload=old,
                   notes=notes)


def redline(old_docx: bytes, new_docx: bytes, pack: Pack | None = None, when: dt.datetime | None = None) -> bytes:
    """Any two Balises policies as one Word file: the new one, with every difference from the old one as a
    tracked change and a comment (``balises diff OLD NEW --redline OUT``). Edits made to the old one by hand
    are kept as in an update."""
    pack = pack or load_pack()
    old = embedding.read_payload(old_docx, "old")
    new = embedding.read_payload(new_docx, "new")
    if (old.get("lang"), old.get("edition")) != (new.get("lang"), new.get("edition")):
        raise BalisesError("Les deux politiques n'ont pas la même langue ou la même édition : pas de comparaison "
                           "suivie possible.",
                           "The two policies differ in language or edition: no tracked comparison is possible.")
    profile = resolve(new.get("profile"), pack, "new (embedded answers)").profile
    document = compose(profile, pack, lang=new.get("lang"), as_of=_date(new.get("generated_on")),
                       edition=new.get("edition") or "full")
    diff = diff_payloads(old, new, pack, document)
    old_profile = resolve(old.get("profile"), pack, "old (embedded answers)").profile
    base_units = _base_units(old, old_profile, pack, old.get("lang"), old.get("edition") or "full")[0]
    when = when or dt.datetime.combine(_date(new.get("generated_on")) or dt.date.today(), dt.time(12, 0))
    return merge_documents(old_docx, new_docx, new, document, diff, base_units, when)[0]


# ---------------------------------------------------------------- a folder of members' adopted policies

UPDATE_COLUMNS = ["row", "organisation", "status", "file", "version", "material", "obligation",
                  "restriction_added", "restriction_removed", "wording", "kept_edits", "conflicts", "to_look_at",
                  "error"]


def update_file(number: int, label: str, source: str, target: str, as_of: dt.date | None,
                messages: str = "en") -> dict:
    """Update one member's policy; never raises: the outcome is a report line."""
    line = {"row": label, "organisation": "", "status": "ok", "file": Path(target).name, "error": ""}
    try:
        result = update(read_docx(source), _WORKER.get("pack"), as_of=as_of, source=label)
        line["organisation"] = result.document.meta.organisation
        line.update(result.report())
        line["written"] = write_if_changed(Path(target), result.docx)
    except Exception as exc:  # noqa: BLE001 - a bad file never stops the others
        line.update(status="error", file="", error=error_text(exc, messages))
    return line


def run_update_folder(folder, out_dir, pack_location: str | None = None, as_of: dt.date | None = None,
                      jobs: int | None = None, messages: str = "en", progress=None):
    """Every adopted policy (.docx) of ``folder`` updated into ``out_dir``, with report.csv: per member, the
    changes by class, the edits kept and the conflicts to look at."""
    folder, out = Path(folder), Path(out_dir)
    files = policies_in(folder, out, ("politiques adoptées", "adopted policies"))
    out.mkdir(parents=True, exist_ok=True)
    load_pack(pack_location)
    tasks = [(i, p.name, str(p), str(out / p.name), as_of, messages) for i, p in enumerate(files, start=1)]
    lines = run_parallel(tasks, update_file, str(Path(pack_location).resolve()) if pack_location else None,
                         jobs, progress)
    lines.sort(key=lambda line: line["row"])
    return BatchResult(lines=lines, report=write_report(out, lines, UPDATE_COLUMNS))
