"""Updating an adopted policy: the organisation's edits kept (a three-way merge per clause,
balises.services.merge), Balises' changes shown as Word tracked changes, a new version number and history;
one file, or a folder of members' adopted policies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from balises.contract.answers import resolve
from balises.engine.compose import compose
from balises.engine.document import (
    HistoryEntry,
    PolicyDocument,
)
from balises.engine.state import engine_for
from balises.engine.templating import format_date
from balises.errors import BalisesError
from balises.packs.loader import Pack, load_pack
from balises.render import embedding
from balises.render.docx.package import clean_adopted
from balises.render.docx.redline import apply_plan, body_of
from balises.render.docx.units import W, key
from balises.services import merge
from balises.services.batch import (
    _WORKER,
    _output_folder,
    error_text,
    folder_lock,
    policies_in,
    run_folder,
    write_if_changed,
)
from balises.services.diff import (
    CLASS_LABELS,
    CLASSES,
    ClauseChange,
    PolicyDiff,
    diff_payloads,
    insert_changes,
    payload_date,
)
from balises.services.merge import MergePlan, label_units
from balises.services.regenerate import read_docx

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
    removed: list[tuple[str, str]] = field(default_factory=list)  # what the adopted document could not carry

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
                "removed": "; ".join(en for _, en in self.removed),
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
                       + f"« {' '.join(text.split())[:80]} »")
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
        day = payload_date(old.get("generated_on")) or payload_date(old.get("effective_date")) or as_of
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
    day = payload_date(old.get("generated_on")) or dt.date.today()
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
    # bounds, every part parsed, what could act or reach out removed (and said): never carried over
    adopted = clean_adopted(adopted_docx, source)
    adopted_docx = adopted.to_bytes()
    old = embedding.read_payload(adopted_docx, source)
    profile = resolve(old.get("profile"), pack, f"{source} (embedded answers)").profile
    lang = old.get("lang")
    edition = old.get("edition") or "full"
    document = compose(profile, pack, lang=lang, as_of=as_of, edition=edition)
    old_version = str(old.get("version") or profile.policy.version)
    diff = diff_payloads(old, embedding.payload(document), pack, document)
    notes = [(f"retiré de votre document : {fr}", f"removed from your document: {en}")
             for fr, en in adopted.findings]
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
                   notes=notes, removed=adopted.findings)


def redline(old_docx: bytes, new_docx: bytes, pack: Pack | None = None, when: dt.datetime | None = None,
            removed: list | None = None) -> bytes:
    """Any two Balises policies as one Word file: the new one, with every difference from the old one as a
    tracked change and a comment (``balises diff OLD NEW --redline OUT``). Edits made to the old one by hand
    are kept as in an update. What either file could not carry is removed, and added to ``removed``."""
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
    return merge_documents(old_docx, new_docx, new, document, diff, base_units, when)[0]


# ---------------------------------------------------------------- a folder of members' adopted policies

UPDATE_COLUMNS = ["row", "organisation", "status", "file", "version", "material", "obligation",
                  "restriction_added", "restriction_removed", "wording", "kept_edits", "conflicts", "to_look_at",
                  "removed", "error"]


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
    _output_folder(out)
    with folder_lock(out):
        load_pack(pack_location)
        tasks = [(i, p.name, str(p), str(out / p.name), as_of, messages) for i, p in enumerate(files, start=1)]
        return run_folder(out, tasks, update_file, pack_location, jobs, progress, UPDATE_COLUMNS)
