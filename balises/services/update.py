"""Updating an adopted policy: the organisation's document kept whole (its edits, styles, lists, comments,
notes, colleagues' revisions…) with Balises' changes written into it as Word tracked changes (a three-way
merge per clause, balises.render.merge; balises.render.docx.redline), a new version with its adoption
record; one file, or a folder of members' adopted policies.

What an update can start from: the answers embedded in the adopted file, or changed answers
(``answers``); and when the file lost its embedded data (saved as .odt, through Google Docs, pasted into
a new file), the original Balises file (``base_docx``) or the answers alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from pydantic import ValidationError

from balises.contract.answers import resolve
from balises.contract.profile import Policy, Profile, describe_errors
from balises.engine.compose import compose
from balises.engine.document import HistoryEntry, PolicyDocument
from balises.engine.pack import Pack
from balises.engine.templating import format_date
from balises.errors import BalisesError, InputFileError
from balises.packs.loader import load_pack
from balises.problems import Place
from balises.render import embedding, merge
from balises.render.adoption import acknowledgement_document
from balises.render.docx import docx_of, reading
from balises.render.docx.package import clean_adopted
from balises.render.docx.redline import apply_plan, body_of, open_conflicts, pending_authors
from balises.render.docx.units import W, key
from balises.render.merge import MergePlan, label_units
from balises.services.batch import (
    error_text,
    folder_lock,
    make_output_folder,
    policies_in,
    run_folder,
    worker_pack,
    write_if_changed,
)
from balises.services.diff import (
    CLASS_LABELS,
    CLASSES,
    ClauseChange,
    PolicyDiff,
    answer_changes,
    diff_payloads,
    in_pack_order,
    insert_changes,
    payload_date,
)
from balises.services.regenerate import read_docx
from balises.text import Bilingual

# ---------------------------------------------------------------- update that keeps the organisation's document


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
class Carried:
    """What the update found in the organisation's document and kept as it was, or could not."""

    open_conflicts: list[str] = field(default_factory=list)  # clauses of conflicts still to settle
    pending: dict[str, list[str]] = field(default_factory=dict)  # clause -> authors of pending revisions
    kept_back: list[tuple[str, str]] = field(default_factory=list)  # what could not be kept, said (fr, en)


@dataclass
class Updated:
    docx: bytes  # the organisation's document with Balises' changes as tracked revisions
    document: PolicyDocument  # Balises' new text (without the organisation's edits)
    diff: PolicyDiff
    plan: MergePlan
    version: str
    old_payload: dict
    notes: list[tuple[str, str]] = field(default_factory=list)
    unchanged: bool = False  # no change by Balises: ``docx`` is the adopted file itself (less ``removed``)
    steps: list[tuple[str, str]] = field(default_factory=list)  # what the organisation does next
    carried: Carried = field(default_factory=Carried)
    ours_texts: list[str] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)  # what the adopted document could not carry

    @property
    def same_bytes(self) -> bool:
        """Nothing to do at all: ``docx`` is the adopted file, byte for byte."""
        return self.unchanged and not self.removed

    @property
    def conflicts(self) -> list:
        return self.plan.conflicts

    @property
    def old_version(self) -> str:
        return str(self.old_payload.get("version") or "1.0")

    def report(self) -> dict:
        """One line of the batch report: changes by class, conflicts to look at."""
        classes = self.diff.by_class()
        replaced = self.plan.replaced
        return {"version": self.version, "material": "yes" if self.diff.material else "no",
                **{cls: len([c for c in classes[cls] if c.kind != "updated"]) for cls in CLASSES if cls != "wording"},
                "wording": len([c for c in classes["wording"] if not c.versioning]),
                "kept_edits": len(self.plan.of_status("kept_edit", "merged", "conflict", "deleted_by_org",
                                                      "kept_deletion")),
                "conflicts": len(self.conflicts) + len(self.carried.open_conflicts),
                "removed": "; ".join(en for _, en in self.removed),
                "to_look_at": "; ".join([c.clause for c in self.plan.of_status("conflict", "reinstated",
                                                                               "kept_deletion")]
                                        + [f"{c} (open)" for c in self.carried.open_conflicts]
                                        + ([f"title page/headings replaced ({len(replaced)})"] if replaced else [])
                                        + [en for _, en in self.carried.kept_back])}

    def overview(self) -> dict:
        """The update in counts and section numbers, for a summary in plain words (the wizard's): the
        passages that change by class, where the conflicts and the reinstated clauses are, the edits kept, and
        the notes (what was removed from the document, a document older than the embedded text)."""
        numbers = {c.clause: c.section_number for c in self.diff.changes}
        for section in self.document.sections:
            for clause in section.clauses:
                numbers.setdefault(clause.id, section.number)

        def where(merges) -> list[str]:
            return sorted({numbers[m.clause] for m in merges if numbers.get(m.clause)}, key=lambda n: (len(n), n))

        changes: dict[str, int] = {}
        for change in self.diff.substantive:
            changes[change.cls] = changes.get(change.cls, 0) + 1
        return {"changes": changes, "conflicts": where(self.conflicts),
                "conflict_count": len(self.conflicts),
                "reinstated": where(self.plan.of_status("reinstated")),
                "reinstated_count": len(self.plan.of_status("reinstated")),
                "kept": len(self.plan.of_status("kept_edit", "merged", "deleted_by_org", "kept_deletion")),
                "replaced": len(self.plan.replaced), "notes": list(self.notes),
                "old_version": str(self.old_payload.get("version", "?")),
                "version": self.version, "material": self.diff.material and not self.unchanged,
                "changed": not self.unchanged}

    def lines(self, lang: str = "en") -> list[str]:
        fr = lang == "fr"
        i = 0 if fr else 1
        if self.unchanged:
            out = [("Aucun changement de Balises : le document reste tel quel (mêmes octets)." if fr else
                    "No change by Balises: the document stays as it is (the same bytes).") if self.same_bytes else
                   ("Aucun changement de Balises : le document reste tel quel, moins ce qui en est retiré (notes)."
                    if fr else "No change by Balises: the document stays as it is, less what was removed (notes).")]
            out += [f"note: {n[i]}" for n in self.notes]
            out += self._open_lines(fr)
            out.append(f"Version {self.version} → {self.version} "
                       + ("(aucun changement de Balises)" if fr else "(no change by Balises)"))
            return out
        out = self.diff.lines(lang)
        out += [f"note: {n[i]}" for n in self.notes]
        words = {"kept_edit": ("modification conservée", "edit kept"),
                 "merged": ("modification conservée, changement de Balises appliqué à côté",
                            "edit kept, Balises' change applied beside it"),
                 "conflict": ("CONFLIT : les deux versions côte à côte, marquées (commentaire et surlignage)",
                              "CONFLICT: both versions side by side, marked (comment and highlight)"),
                 "reinstated": ("clause supprimée par l'organisation, rétablie (exigée)",
                                "clause deleted by the organisation, reinstated (now required)"),
                 "deleted_by_org": ("suppression conservée", "deletion kept"),
                 "kept_deletion": ("suppression conservée alors que Balises a changé le texte",
                                   "deletion kept although Balises changed the text")}
        for merged in self.plan.clauses:
            authors = self.carried.pending.get(merged.clause)
            if authors:
                who = ", ".join(authors)
                out.append(f"  {merged.clause}: " + (f"révision(s) en attente de {who} conservées comme révisions"
                                                     if fr else f"pending revision(s) by {who} kept as revisions")
                           + ("" if merged.status not in words or merged.status == "kept_edit"
                              else f"; {words[merged.status][i]}"))
            elif merged.status in words:
                out.append(f"  {merged.clause}: {words[merged.status][i]}")
        for unit in self.plan.frame_kept:
            text = self.ours_texts[unit] if unit < len(self.ours_texts) else ""
            if key(text):
                out.append(("  page de titre ou titre : votre modification est conservée : "
                            if fr else "  title page or heading: your change is kept: ") + f"« {text[:80]} »")
        for text in self.plan.replaced:
            out.append(("  page de titre, titre ou bloc de Balises : votre version est remplacée par celle de "
                        "Balises (en modification suivie : la refuser vous la rend) : "
                        if fr else "  title page, heading or Balises' block: your version is replaced by Balises' "
                        "(a tracked change: rejecting it gives yours back): ") + f"« {text[:80]} »")
        for text in self.plan.not_added:
            out.append(("  page de titre : vous aviez supprimé cette ligne, la nouvelle n'est pas ajoutée : "
                        if fr else "  title page: you had deleted this line, the new one is not added: ")
                       + f"« {text[:80]} »")
        out += [f"  {w[i]}" for w in self.carried.kept_back]
        out += self._open_lines(fr)
        if self.diff.material:
            what = (f"(changements de fond : à adopter à nouveau ; nouveaux accusés de réception de la version "
                    f"{self.version})" if fr else
                    f"(material changes: to be adopted again; new acknowledgements of version {self.version})")
        elif self.diff.changes and all(c.versioning for c in self.diff.changes):
            what = "(adoption ou dates enregistrées)" if fr else "(adoption or dates recorded)"
        elif self.diff.changes:
            what = "(rédaction seulement)" if fr else "(wording only)"
        else:
            what = "(aucun changement de Balises)" if fr else "(no change by Balises)"
        out.append(f"Version {self.old_version} → {self.version} {what}")
        meta = self.document.meta
        when = format_date(meta.effective_date, meta.locale)
        out.append((f"En vigueur le {when}" if fr else f"In force from {when}")
                   + ((f" ; adoptée par {meta.approved_by} le {format_date(meta.adopted_on, meta.locale)}" if fr else
                       f"; adopted by {meta.approved_by} on {format_date(meta.adopted_on, meta.locale)}")
                      if meta.adopted_on else ""))
        for n, step in enumerate(self.steps, start=1):
            out.append(f"  {n}. {step[i]}")
        return out

    def _open_lines(self, fr: bool) -> list[str]:
        return [("  CONFLIT encore à trancher (mise à jour précédente) : " if fr else
                 "  CONFLICT still to settle (previous update): ") + clause for clause in self.carried.open_conflicts]


def _history(old: dict, new_version: str, as_of: dt.date, diff: PolicyDiff, lang: str, body: str,
             effective: dt.date, changed: bool, adopted_on: dt.date | None, adopted_by: str | None) -> list:
    """The version history as adoption records: each version, the day it comes into force, who adopted it
    and when (or what remains to be done), what changed. ``adopted_on``/``adopted_by``: the adoption of
    the adopted file's version, recorded now."""
    fr = lang == "fr"
    history = []
    for entry in old.get("history") or []:
        try:
            history.append(HistoryEntry.model_validate(entry))
        except ValueError:
            continue
    old_version = str(old.get("version") or "1.0")
    if not history:  # the first update: the version it starts from
        day = payload_date(old.get("generated_on")) or as_of
        history.append(HistoryEntry(version=old_version, date=day, adopted_by=str(old.get("approved_by") or ""),
                                    adopted_on=payload_date(old.get("adopted_on")),
                                    effective=payload_date(old.get("effective_date")),
                                    summary="Version initiale" if fr else "Initial version"))
    if adopted_on or adopted_by:  # the adopted file's version was adopted: said in its row
        row = next((h for h in reversed(history) if h.version == old_version), None)
        if row is not None:
            row.adopted_by = adopted_by or str(old.get("approved_by") or row.adopted_by)
            row.adopted_on = adopted_on or row.adopted_on
            if not changed:
                row.effective = effective
    if not changed:
        return history
    summary = diff.class_summary(lang)
    if diff.answers:
        summary += (" ; " if fr else "; ") + ("réponses modifiées" if fr else "answers changed")
    if diff.material:
        to_do = f"à adopter ({body})" if fr else f"to be adopted ({body})"
    else:
        to_do = "sans nouvelle adoption (rédaction)" if fr else "no new adoption (wording)"
    history.append(HistoryEntry(version=new_version, date=as_of, adopted_by=to_do, summary=summary,
                                effective=effective))
    return history


def next_steps(profile: Profile, version: str, diff: PolicyDiff, conflicts: int) -> list[tuple[str, str]]:
    """What the organisation does with a new version: settle the conflicts; for a material change, the staff
    representatives where the law or the policy involve them (in France, the CSE: Code du travail,
    art. L2312-8 from 50 employees), adoption, and the staff's acknowledgement of this version."""
    steps = []
    if conflicts:
        steps.append((f"Trancher les {conflicts} passage(s) en conflit (commentaires « Balises — conflit »), "
                       "puis supprimer leur commentaire.",
                       f"Settle the {conflicts} passage(s) in conflict (comments “Balises — conflict”), then "
                       "delete their comment."))
    if not diff.material:
        return steps
    org = profile.organisation
    if org.jurisdiction == "france" and org.staff_representation in ("cse", "union_and_cse"):
        if org.employees >= 50:
            steps.append(("CSE : information et consultation sur la nouvelle version avant sa mise en œuvre "
                          "(Code du travail, art. L2312-8) ; le CSE rend son avis dans un délai d'un mois "
                          "(art. R2312-6).",
                          "CSE: information and consultation on the new version before it is put in place (French "
                          "Labour Code, art. L2312-8); the CSE gives its opinion within one month (art. R2312-6)."))
        else:
            steps.append(("CSE : présenter la nouvelle version au CSE avant son adoption.",
                          "CSE: present the new version to the CSE before it is adopted."))
    if org.staff_representation in ("union", "union_and_cse"):
        steps.append(("Syndicat : présenter la nouvelle version au syndicat avant son adoption.",
                      "Union: present the new version to the union before it is adopted."))
    body = profile.policy.approved_by
    steps.append((f"Adoption de la version {version} par {body}, qui fixe sa date d'entrée en vigueur.",
                  f"Adoption of version {version} by {body}, who sets the day it comes into force."))
    steps.append((f"Accusé de réception de la version {version} par chaque personne visée.",
                  f"Acknowledgement of version {version} by each person it applies to."))
    return steps


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


def _made_again(profile: Profile, pack: Pack, lang: str, edition: str, day: dt.date) -> list[dict]:
    document = compose(profile, pack, lang=lang, as_of=day, edition=edition)
    return embedding.read_payload(docx_of(document, pack))["units"]


def _base_units(old: dict, profile: Profile, pack: Pack, lang: str, edition: str) -> tuple[list[dict], bool]:
    """What Balises wrote then: the embedded texts, or (a policy from before they were embedded) the policy
    made again as of its date with this pack — close, not exact, and said so."""
    units = old.get("units")
    if units and isinstance(units, list) and all(
            isinstance(u, dict) and isinstance(u.get("clause"), str) and isinstance(u.get("text"), str) for u in units):
        return units, True
    return _made_again(profile, pack, lang, edition, payload_date(old.get("generated_on")) or dt.date.today()), False


def _comment_lines(merged, change: ClauseChange | None, document: PolicyDocument, lang: str) -> list[str]:
    fr = lang == "fr"
    i = 0 if fr else 1
    lines = []
    if merged.status == "conflict":
        lines.append("Balises — conflit : votre organisation a modifié ce passage et Balises le modifie aussi. Les "
                     "deux versions sont côte à côte, surlignées (la nouvelle en insertion suivie) : gardez l'une "
                     "ou l'autre, puis supprimez ce commentaire. Tant qu'il est là, la prochaine mise à jour "
                     "signale le passage comme à trancher." if fr else
                     "Balises — conflict: your organisation edited this passage and Balises changes it too. Both "
                     "versions stand side by side, highlighted (the new one as a tracked insertion): keep one or "
                     "the other, then delete this comment. While it is there, the next update flags the passage "
                     "as still to settle.")
        short = lambda texts: " / ".join(texts)[:600]
        lines.append(("Votre version : « " if fr else "Your version: “") + (short(merged.ours_text) or (
            "(passage supprimé)" if fr else "(passage deleted)")) + (" »" if fr else "”"))
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


@dataclass
class Merged:
    docx: bytes
    plan: MergePlan
    carried: Carried
    ours_texts: list[str]


def merge_documents(ours_docx: bytes, new_docx: bytes, new_payload: dict, document: PolicyDocument,
                    diff: PolicyDiff, base_units: list[dict], when: dt.datetime, old_version: str | None = None
                    ) -> Merged:
    """The three-way merge of ``ours_docx`` (the organisation's) with ``new_docx`` (Balises' new text) over
    ``base_units`` (Balises' old text), written into the organisation's document as tracked changes."""
    ours_units = body_of(ours_docx)
    new_units = body_of(new_docx)
    new_labels = _labels_of(new_units, new_payload.get("units") or [])
    material = {c.clause for c in diff.changes if c.material}
    tables = lambda units: {i for i, u in enumerate(units) if u.element.tag == W + "tbl"}
    plan = merge.plan([(u["clause"], u["text"]) for u in base_units], [u.text for u in ours_units],
                      [(label, u.text) for label, u in zip(new_labels, new_units)], material,
                      _ours_bookmarks(ours_units, base_units), (tables(ours_units), tables(new_units)))
    changes = {c.clause: c for c in diff.changes}
    comments = {}
    for merged in [*plan.clauses]:
        if merged.comment_at is not None and merged.clause in changes or merged.status in ("conflict", "reinstated"):
            comments[merged.clause] = _comment_lines(merged, changes.get(merged.clause), document,
                                                     document.meta.lang)
    carried = Carried()
    for conflict in open_conflicts(ours_docx):
        label = plan.labels[conflict.unit] if conflict.unit < len(plan.labels) else ""
        if label not in carried.open_conflicts:
            carried.open_conflicts.append(label or "?")
    by_clause: dict[str, list] = {}
    for unit, label in zip(ours_units, plan.labels):
        by_clause.setdefault(label, []).append(unit)
    carried.pending = {c: a for c, a in ((c, pending_authors(u)) for c, u in by_clause.items() if c) if a}
    names = {u["clause"]: u["bookmark"] for u in new_payload.get("units") or [] if u.get("bookmark")}
    meta = document.meta
    properties = {"version": meta.version, "category": meta.version, "last_modified_by": "Balises",
                  "modified": when, "content_status": _status_text(meta)}
    applied = apply_plan(ours_docx, new_docx, new_labels, plan, comments, names, when,
                         payload=embedding.payload_bytes(new_docx),
                         versions=(old_version, meta.version) if old_version else None, properties=properties)
    carried.kept_back += applied.notes
    return Merged(applied.docx, plan, carried, [u.text for u in ours_units])


def _status_text(meta) -> str:
    fr = meta.lang == "fr"
    if meta.adopted_on:
        return (f"Version {meta.version} adoptée le {format_date(meta.adopted_on, meta.locale)}" if fr else
                f"Version {meta.version} adopted on {format_date(meta.adopted_on, meta.locale)}")
    return f"Version {meta.version} à adopter" if fr else f"Version {meta.version} to be adopted"


def _old_payload(adopted_docx: bytes, source: str, pack: Pack, base_docx: bytes | None,
                 answers: Profile | None) -> tuple[dict, list[tuple[str, str]]]:
    """The adopted policy's embedded data; or, for a policy that lost it, the original file's (``base_docx``)
    or a reconstruction from the answers, said so."""
    if base_docx is not None:
        old = embedding.read_payload(base_docx, f"{source} (--base)")
        try:
            embedding.read_payload(adopted_docx, source)
        except InputFileError:
            return old, [("le document a perdu ses données intégrées : le texte d'origine est celui du fichier "
                          "donné par --base, ses paragraphes alignés sur le vôtre",
                          "the document lost its embedded data: the original text is that of the --base file, "
                          "its paragraphs aligned with yours")]
        return old, [("le texte d'origine est celui du fichier donné par --base",
                      "the original text is that of the --base file")]
    try:
        return embedding.read_payload(adopted_docx, source), []
    except InputFileError as exc:
        if answers is None:
            raise InputFileError(
                exc.fr + " S'il a perdu ses données (enregistré en .odt, passé par Google Docs, copié dans un "
                "nouveau fichier), donnez le fichier d'origine avec --base ORIGINAL.docx, ou les réponses avec "
                "--answers RÉPONSES.yaml.",
                exc.en + " If it lost its data (saved as .odt, through Google Docs, pasted into a new file), give "
                "the original file with --base ORIGINAL.docx, or the answers with --answers ANSWERS.yaml.",
                details=exc.details) from None
    lang = answers.policy.languages[0]
    language = reading.language_of(adopted_docx)  # not a Word file: said by the reading below
    if language[:2] in answers.policy.languages:
        lang = language[:2]
    day = reading.created_on(adopted_docx)
    if day is None or not dt.date(2000, 1, 1) <= day <= dt.date.today():
        day = min(answers.policy.effective_date, dt.date.today())
    document = compose(answers, pack, lang=lang, as_of=day)
    old = embedding.read_payload(docx_of(document, pack))
    when = format_date(day, document.meta.locale)
    return old, [(f"le document a perdu ses données intégrées : le texte d'origine est refait à partir des réponses "
                  f"données, au {when} ; des modifications peuvent être mal reconnues (--base ORIGINAL.docx est exact)",
                  f"the document lost its embedded data: the original text is made again from the answers given, as "
                  f"of {when}; some edits may be misread (--base ORIGINAL.docx is exact)")]


_OPTIONS = {"version": "--version", "effective_date": "--effective", "adopted_on": "--adopted-on",
            "approved_by": "--adopted-by"}


def _check_options(**values) -> None:
    """The version, dates and adopting body given to an update (command-line options, the wizard's fields)
    checked as the answers' own fields are: one line of text, a plausible date; exit 2 naming the option."""
    given = {name: value for name, value in values.items() if value is not None}
    try:
        Policy.model_validate(given)
    except ValidationError as exc:
        problems = [replace(p, place=Place(field=_OPTIONS.get(p.place.field.rsplit(".", 1)[-1], p.place.field)))
                    for p in describe_errors(exc)]
        raise InputFileError("Option de mise à jour invalide.", "Invalid update option.",
                             details=[Bilingual(fr=p.text("fr"), en=p.text("en")) for p in problems]) from None


def _with_policy(profile: Profile, **values) -> Profile:
    return profile.model_copy(update={"policy": profile.policy.model_copy(update=values)})


def update(adopted_docx: bytes, pack: Pack | None = None, as_of: dt.date | None = None, source: str = "document",
           version: str | None = None, *, answers: Profile | None = None, base_docx: bytes | None = None,
           effective: dt.date | None = None, adopted_on: dt.date | None = None, adopted_by: str | None = None
           ) -> Updated:
    """The adopted policy (``adopted_docx``, as the organisation has it now, edits included) brought up to date
    with ``pack``, the law as of ``as_of`` and, if given, changed ``answers``: Balises' changes written into
    the organisation's document as Word tracked changes, classified, the version moved on (unless
    ``version`` is given) and the history carried over.

    ``effective``: the day the new version (or, with no change, this one) comes into force;
    ``adopted_on``/``adopted_by``: when and by whom the adopted file's version was adopted (its record).
    ``base_docx``: the original Balises file, for a policy that lost its embedded data. Nothing to do:
    the adopted file itself, byte for byte (``unchanged``).

    Both files go through the package check first (bounds, every part parsed, what could act or reach out
    removed): the update writes into the *cleaned* adopted package, never into the bytes given, so that no
    field, link, object or macro of the adopted file is carried into the new version (``removed`` says
    what went)."""
    pack = pack or load_pack()
    as_of = as_of or dt.date.today()
    _check_options(version=version, effective_date=effective, adopted_on=adopted_on, approved_by=adopted_by)
    adopted = clean_adopted(adopted_docx, source)
    adopted_docx = adopted.to_bytes()  # the very bytes given when nothing was removed
    if base_docx is not None:  # only its embedded answers and text are used: nothing of it is carried
        base_docx = clean_adopted(base_docx, f"{source} (--base)").to_bytes()
    old, notes = _old_payload(adopted_docx, source, pack, base_docx, answers)
    notes[:0] = [(f"retiré de votre document : {fr}", f"removed from your document: {en}")
                 for fr, en in adopted.findings]
    old_profile = resolve(old.get("profile"), pack, f"{source} (embedded answers)").profile
    profile = answers or old_profile
    lang = old.get("lang")
    edition = old.get("edition") or "full"
    old_version = str(old.get("version") or old_profile.policy.version)
    old_effective = payload_date(old.get("effective_date")) or old_profile.policy.effective_date
    old_adopted = payload_date(old.get("adopted_on"))
    # what Balises changes, the version and its dates left as they are
    as_adopted = _with_policy(profile, version=old_version, effective_date=old_effective, adopted_on=old_adopted)
    draft = compose(as_adopted, pack, lang=lang, as_of=as_of, edition=edition)
    diff = diff_payloads(old, embedding.payload(draft), pack, draft)
    if answers is not None:
        before = compose(_with_policy(old_profile, version=old_version), pack, lang=lang, as_of=as_of, edition=edition)
        diff.answers = answer_changes(before.decisions, draft.decisions)
        _reason_from_answers(diff)
    changed = bool(diff.changes) or any(a.material for a in diff.answers)
    if not changed and not (effective or adopted_on or adopted_by):
        draft.history = _history(old, old_version, as_of, diff, draft.meta.lang, "", old_effective, False, None, None)
        return Updated(docx=adopted_docx, document=draft, diff=diff, plan=MergePlan([], [], []), version=old_version,
                       old_payload=old, notes=notes, unchanged=True, removed=adopted.findings,
                       carried=Carried(open_conflicts=[c for c, _ in _check(adopted_docx, source).conflicts]))
    new_version = version or (bump_version(old_version, diff.material) if changed else old_version)
    if answers is not None and answers.policy.effective_date != old_profile.policy.effective_date:
        effective = effective or answers.policy.effective_date  # the answers give the new day
    if changed:  # a new version: in force when said (or not before this update), adopted only if not material
        new_effective = effective or max(as_of, old_effective)
        new_adopted = None if diff.material else (adopted_on or old_adopted)
        if not effective:
            when = format_date(new_effective, draft.meta.locale)
            notes.append((f"entrée en vigueur indiquée : le {when} ; donnez la date décidée à l'adoption avec "
                          "--effective", f"in force from {when} as written; give the day decided at adoption with "
                                         "--effective"))
    else:  # the adopted version itself, its record completed
        new_effective, new_adopted = effective or old_effective, adopted_on or old_adopted
    final = _with_policy(profile, version=new_version, effective_date=new_effective, adopted_on=new_adopted,
                         approved_by=adopted_by or profile.policy.approved_by)
    document = compose(final, pack, lang=lang, as_of=as_of, edition=edition)
    new = embedding.payload(document)
    substantive = {c.clause for c in diff.changes}
    for change in diff_payloads({**old, "profile": new["profile"]}, new, pack, document).changes:
        if change.clause not in substantive:  # texts that only follow the version, its dates or its adoption
            change.kind, change.cls, change.versioning = "updated", "wording", True
            change.reasons = [("texte mis à jour pour la version, ses dates ou son adoption",
                               "text updated for the version, its dates or its adoption")]
            diff.changes.append(change)
    in_pack_order(diff.changes, pack)
    base_units, exact = _base_units(old, old_profile, pack, lang, edition)
    if not exact:
        notes.append(("ce document précède l'enregistrement du texte de Balises : le texte d'origine est refait à sa "
                      "date, des modifications peuvent être mal reconnues",
                      "this document predates the embedded text: the original text is made again as of its date; "
                      "some edits may be misread"))
    when = dt.datetime.combine(as_of, dt.time(12, 0))
    body = final.policy.approved_by

    def render(conflicts: int, kept_back: list[tuple[str, str]]) -> tuple[bytes, dict, list]:
        document.history = _history(old, new_version, as_of, diff, document.meta.lang, body, new_effective, changed,
                                    adopted_on, adopted_by)
        steps = next_steps(final, new_version, diff, conflicts) if changed else []
        if changed:
            insert_changes(document, diff, conflicts, old_version, steps, kept_back)
        data = docx_of(document, pack)
        return data, embedding.read_payload(data), steps

    # what the package check removed is said in the summary too (without the addresses: the report has them)
    removed = [(f"Balises a retiré de votre document ce qui pouvait agir ou aller chercher du contenu à l'ouverture "
                f"({len(adopted.findings)} élément(s) : champs, liens, images distantes, objets, macros) ; le "
                "rapport de la mise à jour les nomme.",
                f"Balises removed from your document what could act or fetch content when it is opened "
                f"({len(adopted.findings)} item(s): fields, links, remote images, objects, macros); the update's "
                "report names them.")] if adopted.findings else []
    new_docx, new_payload, steps = render(0, removed)
    result = merge_documents(adopted_docx, new_docx, new_payload, document, diff, base_units, when, old_version)
    open_count = len(result.plan.conflicts) + len(result.carried.open_conflicts)
    kept_back = removed + result.carried.kept_back + [(
        f"Votre version de « {text[:80]} » est remplacée par celle de Balises (modification suivie : la refuser "
        "vous la rend).",
        f"Your version of “{text[:80]}” is replaced by Balises' (a tracked change: rejecting it gives yours "
        "back).") for text in result.plan.replaced] + [(
        f"Vous aviez supprimé la ligne que remplace « {text[:80]} » : elle n'est pas ajoutée.",
        f"You had deleted the line “{text[:80]}” replaces: it is not added.") for text in result.plan.not_added]
    if open_count or len(kept_back) > len(removed):  # said in the summary and the steps: merge again on that text
        new_docx, new_payload, steps = render(open_count, kept_back)
        result = merge_documents(adopted_docx, new_docx, new_payload, document, diff, base_units, when, old_version)
    return Updated(docx=result.docx, document=document, diff=diff, plan=result.plan, version=new_version,
                   old_payload=old, notes=notes, steps=steps, carried=result.carried, ours_texts=result.ours_texts,
                   removed=adopted.findings)


def acknowledgements(result: Updated, pack: Pack) -> bytes:
    """The staff's acknowledgement sheets of the new version (a material change is acknowledged again)."""
    return docx_of(acknowledgement_document(result.document), pack)


def _reason_from_answers(diff: PolicyDiff) -> None:
    """A clause changed by changed answers says which, and takes the most material of their classes."""
    if not diff.answers:
        return
    material = [a for a in diff.answers if a.material]
    for change in diff.changes:
        if change.kind == "updated" or not any(r[1].startswith("answers changed") for r in change.reasons):
            continue
        change.reasons = [(f"réponses modifiées : {a.text[0]}", f"answers changed: {a.text[1]}")
                          for a in diff.answers] or change.reasons
        if change.cls == "wording" and material:
            change.cls = material[0].cls


# ---------------------------------------------------------------- what is still to settle in an adopted policy

@dataclass
class Check:
    conflicts: list[tuple[str, str]]  # (clause, the conflict comment's text)
    pending: dict[str, int]  # author -> pending revisions (Balises' own included)
    removed: list[tuple[str, str]] = field(default_factory=list)  # what an update would not carry (fr, en)

    def lines(self, lang: str = "en") -> list[str]:
        fr = lang == "fr"
        out = [(f"à retirer (une mise à jour ne le reprend pas) : {r[0]}" if fr else
                f"to be removed (an update does not carry it): {r[1]}") for r in self.removed]
        for clause, text in self.conflicts:
            first = text.split("\n")
            out.append(("CONFLIT à trancher" if fr else "CONFLICT to settle") + f" ({clause}):")
            out += [f"    {line}" for line in first[1:3]]
        for author, count in self.pending.items():
            out.append((f"{count} révision(s) en attente de {author}" if fr else
                        f"{count} pending revision(s) by {author}"))
        if not self.conflicts:
            out.append("Aucun conflit à trancher." if fr else "No conflict to settle.")
        return out


def check(adopted_docx: bytes, source: str = "document") -> Check:
    """The conflicts a previous update marked and nobody has settled yet, the pending revisions by author,
    and what an update would remove (``balises update --check``): the file is read through the same package
    check as an update."""
    adopted = clean_adopted(adopted_docx, source)
    result = _check(adopted.to_bytes(), source)
    result.removed = adopted.findings
    return result


def _check(adopted_docx: bytes, source: str) -> Check:
    """:func:`check` of a package already checked."""
    units = body_of(adopted_docx)
    try:
        old = embedding.read_payload(adopted_docx, source)
        labels = label_units([(u["clause"], u["text"]) for u in old.get("units") or []], [u.text for u in units],
                             _ours_bookmarks(units, old.get("units") or []))[0]
    except InputFileError:
        labels = [""] * len(units)
    conflicts = [(labels[c.unit] if c.unit < len(labels) and labels[c.unit] else "?", c.text)
                 for c in open_conflicts(adopted_docx)]
    pending: dict[str, int] = {}
    for unit in units:
        for el in unit.element.iter(W + "ins", W + "del"):
            if el.getparent().tag not in (W + "rPr", W + "trPr"):
                author = el.get(W + "author") or "?"
                pending[author] = pending.get(author, 0) + 1
    return Check(conflicts, pending)


def redline(old_docx: bytes, new_docx: bytes, pack: Pack | None = None, when: dt.datetime | None = None,
            removed: list | None = None) -> bytes:
    """Any two Balises policies as one Word file: the old one, with every difference from the new one as a
    tracked change and a comment (``balises diff OLD NEW --redline OUT``), and the new one's embedded data.
    Edits made to the old one by hand are kept as in an update. Both files go through the package check
    first: the changes are written into the *cleaned* old one; what either could not carry is removed, and
    added to ``removed``."""
    pack = pack or load_pack()
    old_package, new_package = clean_adopted(old_docx, "old"), clean_adopted(new_docx, "new")
    if removed is not None:
        removed += [(f"old : {fr}", f"old: {en}") for fr, en in old_package.findings]
        removed += [(f"new : {fr}", f"new: {en}") for fr, en in new_package.findings]
    old_docx, new_docx = old_package.to_bytes(), new_package.to_bytes()
    old = embedding.read_payload(old_docx, "old")
    new = embedding.read_payload(new_docx, "new")
    if (old.get("lang"), old.get("edition")) != (new.get("lang"), new.get("edition")):
        raise BalisesError("Les deux politiques n'ont pas la même langue ou la même édition : pas de comparaison "
                           "suivie possible.",
                           "The two policies differ in language or edition: no tracked comparison is possible.")
    profile = resolve(new.get("profile"), pack, "new (embedded answers)").profile
    document = compose(profile, pack, lang=new.get("lang"), as_of=payload_date(new.get("generated_on")),
                       edition=new.get("edition") or "full")
    diff = diff_payloads(old, new, pack, document)
    old_profile = resolve(old.get("profile"), pack, "old (embedded answers)").profile
    base_units = _base_units(old, old_profile, pack, old.get("lang"), old.get("edition") or "full")[0]
    when = when or dt.datetime.combine(payload_date(new.get("generated_on")) or dt.date.today(), dt.time(12, 0))
    return merge_documents(old_docx, new_docx, new, document, diff, base_units, when,
                           str(old.get("version") or "")).docx


# ---------------------------------------------------------------- a folder of members' adopted policies

UPDATE_COLUMNS = ["row", "organisation", "status", "file", "version", "material", "obligation",
                  "restriction_added", "restriction_removed", "wording", "kept_edits", "conflicts", "to_look_at",
                  "removed", "error"]


def update_file(number: int, label: str, source: str, target: str, as_of: dt.date | None,
                messages: str = "en") -> dict:
    """Update one member's policy; never raises: the outcome is a report line."""
    line = {"row": label, "organisation": "", "status": "ok", "file": Path(target).name, "error": ""}
    try:
        result = update(read_docx(source), worker_pack(), as_of=as_of, source=label)
        line["organisation"] = result.document.meta.organisation
        line.update(result.report())
        line["written"] = write_if_changed(Path(target), result.docx)
    except Exception as exc:  # noqa: BLE001 - a bad file never stops the others
        line.update(status="error", file="", error=error_text(exc, messages))
    return line


def run_update_folder(folder, out_dir, pack_location: str | None = None, as_of: dt.date | None = None,
                      jobs: int | None = None, messages: str = "en", progress=None):
    """Every adopted policy (.docx) of ``folder`` updated into ``out_dir``, with report.csv: per member, the
    changes by class, the edits kept, the conflicts to look at and what was removed. One run at a time
    writes into ``out_dir`` (locked); interrupted, the report says what was written."""
    folder, out = Path(folder), Path(out_dir)
    files = policies_in(folder, out, ("politiques adoptées", "adopted policies"))
    make_output_folder(out)
    with folder_lock(out):
        load_pack(pack_location)
        tasks = [(i, p.name, str(p), str(out / p.name), as_of, messages) for i, p in enumerate(files, start=1)]
        return run_folder(out, tasks, update_file, pack_location, jobs, progress, UPDATE_COLUMNS)
