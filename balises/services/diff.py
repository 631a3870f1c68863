"""What changed between two policies, and why: clause by clause (added, removed, changed), each change
classed (an obligation, a restriction added or removed, wording) with the rules and the law behind it, and
the short "Changes since the previous version" block a new version opens with.

- :func:`diff_payloads` compares the embedded payloads of two policies (see :mod:`balises.render.embedding`);
- :func:`diff_documents` does the same from two .docx files' bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from jinja2 import TemplateSyntaxError, meta

from balises.contract import vocabulary
from balises.engine.compose import DOCUMENT_NAMES, section_numbers
from balises.engine.decisions import VERDICT_ORDER, DecisionTable
from balises.engine.document import (
    Clause,
    Heading,
    ListBlock,
    ListItem,
    Paragraph,
    PolicyDocument,
    Run,
    block_text,
)
from balises.engine.facts import locale_for
from balises.engine.pack import Pack
from balises.engine.templating import format_date
from balises.packs.loader import load_pack
from balises.render import embedding

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
    versioning: bool = False  # the text only follows the new version number, its dates or its adoption

    @property
    def material(self) -> bool:
        return self.cls != "wording"

@dataclass
class AnswerChange:
    """What a change of the answers changes in what the organisation may do: a tool that may now receive
    internal information removes a restriction (material: adopted again, acknowledged again)."""

    subject: str  # the tool or the use
    cls: Class
    text: tuple[str, str]  # (fr, en)

    @property
    def material(self) -> bool:
        return self.cls != "wording"


def _classes(classes: list[str], lang: str) -> str:
    words = [vocabulary.label(c, lang, "info_class").lower() for c in classes]
    return ", ".join(words) if words else ("rien" if lang == "fr" else "nothing")


def answer_changes(old: DecisionTable | None, new: DecisionTable | None) -> list[AnswerChange]:
    """The answers' changes as the decision table reads them, tool by tool and use by use: more
    information for a tool, a use permitted or less strictly ruled, a new tool in use, remove a restriction;
    the reverse adds one. Changes that move no verdict (a name, a contact) are not listed: the texts they
    change are wording."""
    if old is None or new is None:
        return []
    out: list[AnswerChange] = []
    before = {t.name: t for t in old.tools}
    after = {t.name: t for t in new.tools}
    for name in [*after, *[n for n in before if n not in after]]:
        was = before[name].may_receive() if name in before else []
        now = after[name].may_receive() if name in after else []
        gained, lost = [c for c in now if c not in was], [c for c in was if c not in now]
        if gained:
            out.append(AnswerChange(name, "restriction_removed", (
                f"{name} peut désormais recevoir : {_classes(gained, 'fr')} (jusqu'ici : {_classes(was, 'fr')})",
                f"{name} may now receive: {_classes(gained, 'en')} (until now: {_classes(was, 'en')})")))
        if lost:
            out.append(AnswerChange(name, "restriction_added", (
                f"{name} ne reçoit plus : {_classes(lost, 'fr')}", f"{name} no longer receives: {_classes(lost, 'en')}")))
    uses_before = {u.id: u for u in old.uses}
    uses_after = {u.id: u for u in new.uses}
    for use_id in [*uses_after, *[u for u in uses_before if u not in uses_after]]:
        was, now = uses_before.get(use_id), uses_after.get(use_id)
        label = (vocabulary.label(use_id, "fr", "use"), vocabulary.label(use_id, "en", "use"))
        verdict = lambda u, lang: vocabulary.label(u.verdict, lang, "verdict").lower() if u else (
            "non déclaré" if lang == "fr" else "not declared")
        if was is not None and now is not None and was.verdict == now.verdict:
            continue
        rank = lambda u: VERDICT_ORDER.index(u.verdict) if u else len(VERDICT_ORDER)
        cls: Class = "restriction_removed" if rank(now) < rank(was) else "restriction_added"
        out.append(AnswerChange(label[1], cls, (f"{label[0]} : {verdict(now, 'fr')} (jusqu'ici : {verdict(was, 'fr')})",
                                                f"{label[1]}: {verdict(now, 'en')} (until now: {verdict(was, 'en')})")))
    return out


@dataclass
class PolicyDiff:
    old: dict  # generated_on, pack, lang, edition
    new: dict
    changes: list[ClauseChange]
    notes: list[tuple[str, str]] = field(default_factory=list)
    answers: list[AnswerChange] = field(default_factory=list)  # what changed answers change (update --answers)

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
        return any(c.material for c in self.changes) or any(a.material for a in self.answers)

    def by_class(self) -> dict[str, list[ClauseChange]]:
        return {cls: [c for c in self.changes if c.cls == cls] for cls in CLASSES}

    def summary(self) -> str:
        return (f"+{len(self.added)} -{len(self.removed)} ~{len(self.changed)}"
                + (f" ({len(self.updated)} updated)" if self.updated else ""))

    def class_summary(self, lang: str = "en") -> str:
        i = 0 if lang == "fr" else 1
        sep = " : " if lang == "fr" else ": "
        counts = {k: len([c for c in v if not c.versioning]) for k, v in self.by_class().items()}
        parts = [f"{CLASS_LABELS[k][i]}{sep}{n}" for k, n in counts.items() if n]
        if not parts:
            return "aucun changement" if lang == "fr" else "no change"
        return (" ; " if lang == "fr" else "; ").join(parts)

    def to_dict(self) -> dict:
        return {"old": self.old, "new": self.new, "notes": [en for _, en in self.notes],
                "material": self.material,
                "answers": [{"subject": a.subject, "class": a.cls, "change": a.text[1]} for a in self.answers],
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
        for change in self.answers:
            out.append(f"{'réponses' if fr else 'answers'}: {change.text[0 if fr else 1]} "
                       f"[{CLASS_LABELS[change.cls][0 if fr else 1]}]")
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


def payload_date(value) -> dt.date | None:
    """A date of an embedded payload (ISO text, or None)."""
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _fingerprints(payload: dict) -> dict[str, dict]:
    return {c["clause"]: c for c in payload.get("clauses", []) if not str(c.get("clause", "")).startswith("balises.")}


def context_dependent_clauses(pack: Pack) -> frozenset[str]:
    """Clauses whose text reads the trace, the references, ``selected``, section numbers or the date (worked
    out once per pack, kept with its engine)."""
    return pack.engine.kept("context-dependent clauses", lambda: _context_dependent(pack))


def _context_dependent(pack: Pack) -> frozenset[str]:
    env = pack.engine.env
    out = set()
    for name, source in pack.templates.items():
        if not any(word in source for word in DOCUMENT_NAMES):
            continue  # a name the text does not contain is not read: no need to parse it
        lang, _, rest = name.partition("/")
        try:
            names = meta.find_undeclared_variables(env.parse(source))
        except TemplateSyntaxError:
            continue
        if names & DOCUMENT_NAMES:
            out.add(rest[:-3])
    return frozenset(out)


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
    old_day, new_day = payload_date(old.get("generated_on")), payload_date(new.get("generated_on"))
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
    in_pack_order(changes, pack)
    info = lambda p: {"generated_on": p.get("generated_on"), "pack": (p.get("pack") or {}).get("label"),
                      "lang": p.get("lang"), "edition": p.get("edition")}
    return PolicyDiff(old=info(old), new=info(new), changes=changes, notes=notes)


def in_pack_order(changes: list[ClauseChange], pack: Pack) -> None:
    """Sorted by section, then by clause, in the pack's order."""
    order = {s.id: i for i, s in enumerate(pack.sections)}
    clause_order = {c: i for i, c in enumerate(pack.clause_ids())}
    changes.sort(key=lambda c: (order.get(c.section, 999), clause_order.get(c.clause, 9999), c.clause))


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
        dates = [payload_date(d) for d in new_entry.get("applies_from", [])]
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
                   previous_version: str | None = None, steps: list[tuple[str, str]] | None = None,
                   kept_back: list[tuple[str, str]] | None = None) -> Clause:
    """A short block for the start of the new policy: what changed since the previous version, by class,
    whether the board must adopt it again and what is to be done (``steps``); ``kept_back``: what of the
    organisation's document Balises could not keep (never dropped without a word)."""
    fr = lang == "fr"
    i = 0 if fr else 1
    old_day = payload_date(diff.old.get("generated_on"))
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
    if diff.answers:
        blocks.append(Paragraph(runs=[Run(text="Réponses modifiées" if fr else "Answers changed", bold=True)]))
        blocks.append(ListBlock(items=[ListItem(runs=[Run(text=a.text[i]), Run(
            text=f" — {CLASS_LABELS[a.cls][i]}", italic=True)]) for a in diff.answers]))
    if not diff.substantive and not diff.answers:
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
    if steps:
        blocks.append(Paragraph(runs=[Run(text="À faire" if fr else "Next steps", bold=True)]))
        blocks.append(ListBlock(ordered=True, items=[ListItem(runs=[Run(text=s[i])]) for s in steps]))
    if conflicts:
        blocks.append(Paragraph(style="note", runs=[Run(text=(
            f"{conflicts} passage(s) que votre organisation avait modifié(s) et que Balises modifie aussi : les deux "
            "versions sont côte à côte, surlignées, avec un commentaire. Gardez l'une ou l'autre, puis supprimez le "
            "commentaire : tant qu'il est là, la prochaine mise à jour signale le passage comme à trancher."
            if fr else
            f"{conflicts} passage(s) your organisation had edited and Balises changes too: both versions stand side "
            "by side, highlighted, with a comment. Keep one or the other, then delete the comment: while it is "
            "there, the next update flags the passage as still to settle."))]))
    for what in kept_back or []:
        blocks.append(Paragraph(style="note", runs=[Run(text=what[i])]))
    return Clause(id=CHANGES_CLAUSE, blocks=blocks, rules=[])


def insert_changes(document: PolicyDocument, diff: PolicyDiff, conflicts: int = 0,
                   previous_version: str | None = None, steps: list[tuple[str, str]] | None = None,
                   kept_back: list[tuple[str, str]] | None = None) -> PolicyDocument:
    """The document with the changes block at the start of its first section."""
    if document.sections:
        first = document.sections[0]
        first.clauses = [c for c in first.clauses if c.id != CHANGES_CLAUSE]
        first.clauses.insert(0, changes_clause(diff, document.meta.lang, conflicts, document.meta.approved_by,
                                               previous_version, steps, kept_back))
    return document
