"""The three-way merge of an update: what Balises wrote then (base), what the organisation has now (ours),
what Balises writes today (new), compared paragraph by paragraph inside each clause.

Pure: it works on texts and returns a plan (which paragraph of which document goes where, and as what
revision); :mod:`balises.render.docx.redline` carries the plan out on the Word files.

- a clause the organisation did not touch takes the new text (tracked deletion + insertion);
- a clause it edited keeps its text when Balises' text did not change (no revision);
- where both changed the same paragraphs, the organisation's text stays and the new text is proposed
  after it as a tracked insertion, flagged as a conflict;
- paragraphs the organisation added stay after the paragraph they followed;
- a clause the organisation deleted stays deleted, unless the law now requires it (a material change):
  then it comes back as a tracked insertion.

The sequences are compared with ``merge3`` (the three-way merge of bzr/breezy) on whitespace-normalised texts,
aligned by ``patiencediff`` (breezy's patience diff: anchored on the paragraphs that occur once on each side,
its recursion bounded), so that the work stays near-linear whatever the document: difflib's matcher, without
its junk heuristic, took 47 s on 16,000 repeated one-letter paragraphs (benchmarks/bench_merge.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from merge3 import Merge3
from patiencediff import PatienceSequenceMatcher

from balises.render.docx.units import key

Source = Literal["ours", "new"]
Revision = Literal["ins", "del"] | None
Status = Literal["same", "updated", "kept_edit", "merged", "conflict", "added", "removed", "reinstated",
                 "deleted_by_org", "kept_deletion"]


@dataclass
class Piece:
    source: Source
    index: int  # into the ours or the new units
    revision: Revision = None


@dataclass
class ClauseMerge:
    clause: str
    status: Status
    pieces: list[Piece] = field(default_factory=list)
    comment_at: int | None = None  # the piece that carries the comment
    ours_text: list[str] = field(default_factory=list)  # for conflicts: both versions
    new_text: list[str] = field(default_factory=list)

    @property
    def conflict(self) -> bool:
        return self.status == "conflict"


@dataclass
class MergePlan:
    clauses: list[ClauseMerge]  # in the order of the output
    new_clause_order: list[str]  # the clauses of the new document, in its order
    labels: list[str]  # the clause each ours unit belongs to ("" for the title page, contents, headings)
    org_paragraphs: int = 0  # paragraphs of the organisation's document that Balises did not write
    same: list[int | None] = field(default_factory=list)  # for each ours unit, the base unit it equals
    lost: list[str] = field(default_factory=list)  # the organisation's changes to the frame, not carried over

    def frame_edits(self, ours: list[str]) -> list[int]:
        """Units of the title page or headings the organisation changed: made anew, so not carried over."""
        return [i for i, (label, s) in enumerate(zip(self.labels, self.same))
                if not label and s is None and key(ours[i])]

    def of_status(self, *status: str) -> list[ClauseMerge]:
        return [c for c in self.clauses if c.status in status]

    @property
    def conflicts(self) -> list[ClauseMerge]:
        return self.of_status("conflict")


def opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes between two sequences of texts, by patience diff (near-linear, see above)."""
    return PatienceSequenceMatcher(None, a, b).get_opcodes()


def label_units(base: list[tuple[str, str]], ours: list[str], bookmarks: list[str | None] | None = None
                ) -> tuple[list[str], list[int | None]]:
    """The clause of each of ``ours`` (texts in document order), by aligning them with ``base`` ((clause,
    text) as Balises wrote them). A paragraph rewritten in place takes the clause of the one it replaced; a
    paragraph added takes the clause of the paragraph before it (or after it, after a heading). A bookmark
    range (``bookmarks[i]``: the clause whose bookmark covers unit i, if any) settles an added paragraph.
    Returns the labels and, for each unit, the base unit it is the same as (None if edited or added)."""
    bk = [key(t) for _, t in base]
    ok = [key(t) for t in ours]
    labels: list[str] = [""] * len(ours)
    same: list[int | None] = [None] * len(ours)

    def near(i: int) -> str:
        for j in (i - 1, i):  # the paragraph before, else the one after
            if 0 <= j < len(base) and base[j][0] and not base[j][0].startswith("balises."):
                return base[j][0]
        for j in range(i, len(base)):
            if base[j][0] and not base[j][0].startswith("balises."):
                return base[j][0]
        return ""

    for tag, i1, i2, j1, j2 in opcodes(bk, ok):
        if tag == "equal":
            for k in range(i2 - i1):
                labels[j1 + k], same[j1 + k] = base[i1 + k][0], i1 + k
        elif tag in ("replace", "insert"):
            paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
            for k in range(j2 - j1):
                if k < paired:  # rewritten in place (a title page line stays frame: it is made anew)
                    labels[j1 + k] = base[i1 + k][0]
                else:
                    mark = bookmarks[j1 + k] if bookmarks else None
                    labels[j1 + k] = mark or near(i1 + paired)
    return labels, same


def _only_inserts(base: list[str], other: list[str]) -> bool:
    """``other`` is ``base`` with paragraphs added (none changed or removed)."""
    return all(tag in ("equal", "insert") for tag, *_ in opcodes(base, other))


def _inserted_positions(base: list[str], other: list[str]) -> set[int]:
    return {j for tag, _, _, j1, j2 in opcodes(base, other) if tag == "insert" for j in range(j1, j2)}


def _first_equal(base: list[str], other: list[str]) -> int:
    for tag, _, _, j1, _ in opcodes(base, other):
        if tag == "equal":
            return j1
    return len(other)


def merge_clause(clause: str, base: list[str], ours: list[tuple[int, str]], new: list[tuple[int, str]],
                 material: bool) -> ClauseMerge:
    """One clause: ``base`` texts, ``ours`` and ``new`` as (unit index, text)."""
    b, a, n = [key(t) for t in base], [key(t) for _, t in ours], [key(t) for _, t in new]
    ours_p = lambda i, rev=None: Piece("ours", ours[i][0], rev)
    new_p = lambda i, rev=None: Piece("new", new[i][0], rev)
    if not base:  # a clause Balises adds
        return ClauseMerge(clause, "added", [new_p(i, "ins") for i in range(len(n))], comment_at=0 if n else None)
    if not new:  # a clause Balises removes
        if a == b:
            return ClauseMerge(clause, "removed", [ours_p(i, "del") for i in range(len(a))], comment_at=0)
        if not a:
            return ClauseMerge(clause, "deleted_by_org")
        return ClauseMerge(clause, "conflict", [ours_p(i) for i in range(len(a))], comment_at=0,
                           ours_text=[t for _, t in ours], new_text=[])
    if not a:  # the organisation deleted the whole clause
        if material:
            return ClauseMerge(clause, "reinstated", [new_p(i, "ins") for i in range(len(n))], comment_at=0)
        return ClauseMerge(clause, "deleted_by_org" if b == n else "kept_deletion")
    pieces: list[Piece] = []
    result = ClauseMerge(clause, "same")
    org_changed = balises_changed = conflict = False
    iz = ia = ib = 0
    regions = Merge3(b, a, n, sequence_matcher=PatienceSequenceMatcher).find_sync_regions()
    for zmatch, zend, amatch, aend, bmatch, bend in regions:
        if amatch - ia or bmatch - ib:
            equal_a = a[ia:amatch] == b[iz:zmatch]
            equal_b = n[ib:bmatch] == b[iz:zmatch]
            if a[ia:amatch] == n[ib:bmatch] or equal_b:  # same change on both sides, or the organisation's
                pieces += [ours_p(i) for i in range(ia, amatch)]
                org_changed = True
            elif equal_a:  # Balises' change only
                first = len(pieces)
                pieces += [ours_p(i, "del") for i in range(ia, amatch)]
                pieces += [new_p(i, "ins") for i in range(ib, bmatch)]
                if result.comment_at is None:
                    result.comment_at = first
                balises_changed = True
            elif _only_inserts(b[iz:zmatch], a[ia:amatch]):
                # the organisation only added paragraphs here: they stay, Balises' change applies around them
                first = len(pieces)
                kept = _inserted_positions(b[iz:zmatch], a[ia:amatch])
                pieces += [ours_p(i, None if i - ia in kept else "del") for i in range(ia, amatch)]
                pieces += [new_p(i, "ins") for i in range(ib, bmatch)]
                if result.comment_at is None:
                    result.comment_at = first
                org_changed = balises_changed = True
            elif _only_inserts(b[iz:zmatch], n[ib:bmatch]):
                # Balises only adds paragraphs here: the organisation's edits stay, the additions come in
                added = _inserted_positions(b[iz:zmatch], n[ib:bmatch])
                lead = [i for i in range(ib, bmatch) if i - ib in added and i - ib < _first_equal(b[iz:zmatch],
                                                                                                 n[ib:bmatch])]
                first = len(pieces)
                pieces += [new_p(i, "ins") for i in lead]
                pieces += [ours_p(i) for i in range(ia, amatch)]
                pieces += [new_p(i, "ins") for i in range(ib, bmatch) if i - ib in added and i not in lead]
                if result.comment_at is None:
                    result.comment_at = first if lead else len(pieces) - 1
                org_changed = balises_changed = True
            else:  # both changed the same paragraphs: the organisation's text stays, the new one is proposed
                pieces += [ours_p(i) for i in range(ia, amatch)]
                first = len(pieces)
                pieces += [new_p(i, "ins") for i in range(ib, bmatch)]
                result.comment_at = first if bmatch > ib else max(0, first - 1)
                result.ours_text += [ours[i][1] for i in range(ia, amatch)]
                result.new_text += [new[i][1] for i in range(ib, bmatch)]
                conflict = True
        pieces += [ours_p(i) for i in range(amatch, aend)]
        iz, ia, ib = zend, aend, bend
    result.pieces = pieces
    if conflict:
        result.status = "conflict"
    elif org_changed and balises_changed:
        result.status = "merged"
    elif balises_changed:
        result.status = "updated"
    elif org_changed:
        result.status = "kept_edit"
    return result


def plan(base: list[tuple[str, str]], ours: list[str], new: list[tuple[str, str]],
         material: set[str] | None = None, bookmarks: list[str | None] | None = None) -> MergePlan:
    """The merge of a whole policy. ``base`` and ``new``: (clause, text) per unit, as Balises wrote them
    (clause "" for the frame: title page, contents, section headings; "balises.*" for generated blocks);
    ``ours``: the organisation's unit texts. ``material``: clauses the law or the rules now require."""
    material = material or set()
    labels, same = label_units(base, ours, bookmarks)
    base_by: dict[str, list[str]] = {}
    for clause, text in base:
        if clause and not clause.startswith("balises."):
            base_by.setdefault(clause, []).append(text)
    ours_by: dict[str, list[tuple[int, str]]] = {}
    for i, (clause, text) in enumerate(zip(labels, ours)):
        if clause and not clause.startswith("balises."):
            ours_by.setdefault(clause, []).append((i, text))
    new_by: dict[str, list[tuple[int, str]]] = {}
    for i, (clause, text) in enumerate(new):
        if clause and not clause.startswith("balises."):
            new_by.setdefault(clause, []).append((i, text))
    new_order = list(new_by)
    # removed clauses go after the clause that preceded them in the base
    order: list[str] = []
    base_order = list(base_by) + [c for c in ours_by if c not in base_by]
    after: dict[str | None, list[str]] = {}
    previous = None
    for clause in base_order:
        if clause in new_by:
            previous = clause
        else:
            after.setdefault(previous, []).append(clause)
    order += after.get(None, [])
    for clause in new_order:
        order.append(clause)
        order += after.get(clause, [])
    clauses = [merge_clause(c, base_by.get(c, []), ours_by.get(c, []), new_by.get(c, []), c in material)
               for c in order]
    edited = sum(1 for i, s in enumerate(same) if s is None and labels[i] and key(ours[i]))
    return MergePlan(clauses=clauses, new_clause_order=new_order, labels=labels, org_paragraphs=edited,
                     same=same)
