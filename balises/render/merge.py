"""The three-way merge of an update: what Balises wrote then (base), what the organisation has now (ours),
what Balises writes today (new), compared paragraph by paragraph inside each clause.

Pure: it works on texts and returns a plan (which paragraph of which document goes where, and as what
revision); :mod:`balises.render.docx.redline` carries the plan out in the organisation's Word file.

- a passage the organisation did not touch takes the new text (tracked deletion + insertion);
- a passage it edited keeps its text when Balises' text did not change (no revision);
- where both changed a passage, each paragraph is looked at: what the organisation left alone takes
  Balises' change, what it added stays, and only a paragraph both rewrote is a conflict (both versions kept
  side by side, marked); a table both changed is merged row by row;
- a clause the organisation deleted stays deleted, unless the law now requires it (a material change):
  then it comes back as a tracked insertion;
- the title page, headings and Balises' own blocks (the summary of changes, the history) are merged the same
  way, except that where both changed a line, Balises' line replaces the organisation's (tracked, and said).

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
    new_index: int | None = None  # an "ours" piece that is also Balises' new text: that new unit
    conflict: bool = False  # one of the two versions of a conflict (kept side by side, marked)
    rows_from: int | None = None  # a table both changed: Balises' rows (this new unit) merged into it, row by row
    base: str | None = None  # …over this base text


@dataclass
class ClauseMerge:
    clause: str
    status: Status
    pieces: list[Piece] = field(default_factory=list)
    comment_at: int | None = None  # the piece that carries the comment
    ours_text: list[str] = field(default_factory=list)  # for conflicts: both versions
    new_text: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # the frame: the organisation's lines Balises rewrites
    not_added: list[str] = field(default_factory=list)  # the frame: Balises' new lines the organisation deleted

    @property
    def conflict(self) -> bool:
        return self.status == "conflict"


@dataclass
class MergePlan:
    clauses: list[ClauseMerge]  # in the order of the new document (a removed clause after the one before it)
    new_clause_order: list[str]  # the clauses of the new document, in its order
    labels: list[str]  # the clause each ours unit belongs to ("" for the title page, contents, headings)
    org_paragraphs: int = 0  # paragraphs of the organisation's document that Balises did not write
    same: list[int | None] = field(default_factory=list)  # for each ours unit, the base unit it equals
    frame: ClauseMerge | None = None  # the title page, contents and section headings
    blocks: list[ClauseMerge] = field(default_factory=list)  # Balises' own blocks: changes, history

    @property
    def replaced(self) -> list[str]:
        """The organisation's changes to the frame or to Balises' blocks that Balises rewrites (tracked, so
        rejecting the revision gives them back)."""
        return [t for m in [self.frame, *self.blocks] if m is not None for t in m.replaced]

    @property
    def not_added(self) -> list[str]:
        """Balises' new title-page lines whose old line the organisation deleted: left out, and said."""
        return [t for m in [self.frame, *self.blocks] if m is not None for t in m.not_added]

    @property
    def frame_kept(self) -> list[int]:
        """Units of the title page or headings the organisation changed and that stay as it wrote them."""
        if self.frame is None:
            return []
        return [p.index for p in self.frame.pieces if p.source == "ours" and p.revision is None
                and p.new_index is None]

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
        around = [base[j][0] for j in (i - 1, i) if 0 <= j < len(base)]
        if around and all(label == "" for label in around):
            return ""  # between two lines of the title page (a logo under the name): part of it
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


def align_with_base(base: list[str], other: list[str]) -> tuple[list[tuple[str, int | None]], dict[int, list[int]]]:
    """How ``other`` treats each of ``base``: ("same", j), ("changed", j) or ("deleted", None); and the
    paragraphs ``other`` adds, by the base position they come before."""
    states: list[tuple[str, int | None]] = [("deleted", None)] * len(base)
    added: dict[int, list[int]] = {}
    for tag, i1, i2, j1, j2 in opcodes(base, other):
        if tag == "equal":
            for k in range(i2 - i1):
                states[i1 + k] = ("same", j1 + k)
        elif tag in ("replace", "insert"):
            paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
            for k in range(paired):  # rewritten in place
                states[i1 + k] = ("changed", j1 + k)
            added.setdefault(i1 + paired, []).extend(range(j1 + paired, j2))
    return states, added


def row_conflicts(base: str, ours: str, new: str) -> tuple[list[str], list[str]]:
    """The rows of a table both changed that both changed (the others merge): (ours, new) texts."""
    b, a, n = ([key(r) for r in t.split("\n")] for t in (base, ours, new))
    a_rows, n_rows = ours.split("\n"), new.split("\n")
    ours_of, _ = align_with_base(b, a)
    new_of, _ = align_with_base(b, n)
    mine, theirs = [], []
    for (o_state, o), (n_state, m) in zip(ours_of, new_of):
        if o_state != "same" and n_state != "same" and (o_state, n_state) != ("deleted", "deleted"):
            mine += [a_rows[o]] if o is not None else []
            theirs += [n_rows[m]] if m is not None else []
    return mine, theirs


def merge_clause(clause: str, base: list[str], ours: list[tuple[int, str]], new: list[tuple[int, str]],
                 material: bool, authority: Literal["both", "balises"] = "both",
                 tables: tuple[set[int], set[int]] = (set(), set())) -> ClauseMerge:
    """One clause: ``base`` texts, ``ours`` and ``new`` as (unit index, text). ``authority="balises"`` for
    the title page and Balises' own blocks: where both changed a paragraph, Balises' text replaces the
    organisation's (as a tracked change, named in ``replaced``) instead of a conflict. ``tables``: the ours
    and new units that are tables (both changed: merged row by row, a conflict only where rows clash)."""
    b, a, n = [key(t) for t in base], [key(t) for _, t in ours], [key(t) for _, t in new]
    ours_p = lambda i, rev=None, same=None, conflict=False: Piece("ours", ours[i][0], rev,
                                                                  None if same is None else new[same][0], conflict)
    new_p = lambda i, rev=None, conflict=False: Piece("new", new[i][0], rev, conflict=conflict)
    if not base and not a:  # a clause Balises adds
        return ClauseMerge(clause, "added", [new_p(i, "ins") for i in range(len(n))], comment_at=0 if n else None)
    if not a and base:  # the organisation deleted the whole clause
        if not n:
            return ClauseMerge(clause, "deleted_by_org")
        if material:
            return ClauseMerge(clause, "reinstated", [new_p(i, "ins") for i in range(len(n))], comment_at=0)
        return ClauseMerge(clause, "deleted_by_org" if b == n else "kept_deletion")
    if not new and a == b:
        return ClauseMerge(clause, "removed", [ours_p(i, "del") for i in range(len(a))], comment_at=0)
    pieces: list[Piece] = []
    result = ClauseMerge(clause, "same")
    org_changed = balises_changed = conflict = False

    def first_change() -> None:
        if result.comment_at is None:
            result.comment_at = len(pieces)

    iz = ia = ib = 0
    regions = Merge3(b, a, n, sequence_matcher=PatienceSequenceMatcher).find_sync_regions()
    for zmatch, zend, amatch, aend, bmatch, bend in regions:
        if amatch - ia or bmatch - ib:
            region_b, region_a, region_n = b[iz:zmatch], a[ia:amatch], n[ib:bmatch]
            if region_a == region_n:  # the same change on both sides
                pieces += [ours_p(i, same=ib + (i - ia)) for i in range(ia, amatch)]
                org_changed = org_changed or region_a != region_b
            elif region_n == region_b:  # the organisation's change only
                pieces += [ours_p(i) for i in range(ia, amatch)]
                org_changed = True
            elif region_a == region_b:  # Balises' change only
                first_change()
                pieces += [ours_p(i, "del") for i in range(ia, amatch)]
                pieces += [new_p(i, "ins") for i in range(ib, bmatch)]
                balises_changed = True
            else:  # both changed here: paragraph by paragraph
                ours_of, ours_added = align_with_base(region_b, region_a)
                new_of, new_added = align_with_base(region_b, region_n)
                for k in range(len(region_b) + 1):
                    for j in ours_added.get(k, []):  # paragraphs the organisation added stay where it put them
                        pieces.append(ours_p(ia + j))
                        org_changed = True
                    for j in new_added.get(k, []):  # and Balises' additions come in
                        first_change()
                        pieces.append(new_p(ib + j, "ins"))
                        balises_changed = True
                    if k == len(region_b):
                        break
                    (o_state, o), (n_state, m) = ours_of[k], new_of[k]
                    if o_state == "same" and n_state == "same":
                        pieces.append(ours_p(ia + o, same=ib + m))
                    elif o_state == "same":  # untouched by the organisation: Balises' change applies
                        first_change()
                        pieces.append(ours_p(ia + o, "del"))
                        if n_state == "changed":
                            pieces.append(new_p(ib + m, "ins"))
                        balises_changed = True
                    elif n_state == "same":  # the organisation's change (or deletion) stays
                        if o_state == "changed":
                            pieces.append(ours_p(ia + o))
                        org_changed = True
                    elif authority == "balises" and o_state == "changed":
                        first_change()  # the frame: Balises' line replaces the organisation's (tracked)
                        result.replaced.append(ours[ia + o][1])
                        pieces.append(ours_p(ia + o, "del"))
                        if n_state == "changed":
                            pieces.append(new_p(ib + m, "ins"))
                        balises_changed = True
                    elif authority == "balises":  # the organisation removed a line Balises changes: removed
                        if n_state == "changed":
                            result.not_added.append(new[ib + m][1])
                        org_changed = True
                    elif o_state == n_state == "changed" and ours[ia + o][0] in tables[0] \
                            and new[ib + m][0] in tables[1]:  # a table: row by row
                        mine, theirs = row_conflicts(base[iz + k], ours[ia + o][1], new[ib + m][1])
                        first_change()
                        pieces.append(Piece("ours", ours[ia + o][0], rows_from=new[ib + m][0], base=base[iz + k],
                                            conflict=bool(mine or theirs)))
                        result.ours_text += mine
                        result.new_text += theirs
                        conflict = conflict or bool(mine or theirs)
                        org_changed = balises_changed = True
                    else:  # both changed the same paragraph: both versions, side by side, marked (the
                        # conflict's comment spans them)
                        if o_state == "changed":
                            pieces.append(ours_p(ia + o, conflict=True))
                            result.ours_text.append(ours[ia + o][1])
                        if n_state == "changed":
                            pieces.append(new_p(ib + m, "ins", conflict=True))
                            result.new_text.append(new[ib + m][1])
                        conflict = True
        pieces += [ours_p(i, same=bmatch + (i - amatch)) for i in range(amatch, aend)]
        iz, ia, ib = zend, aend, bend
    result.pieces = pieces
    if conflict:
        result.status = "conflict"
    elif org_changed and balises_changed:
        result.status = "merged"
    elif balises_changed:
        result.status = "updated" if base else "added"
    elif org_changed:
        result.status = "kept_edit"
    if not new and not conflict:
        result.status = "removed" if balises_changed else result.status
    return result


def plan(base: list[tuple[str, str]], ours: list[str], new: list[tuple[str, str]],
         material: set[str] | None = None, bookmarks: list[str | None] | None = None,
         tables: tuple[set[int], set[int]] = (set(), set())) -> MergePlan:
    """The merge of a whole policy. ``base`` and ``new``: (clause, text) per unit, as Balises wrote them
    (clause "" for the frame: title page, contents, section headings; "balises.*" for generated blocks);
    ``ours``: the organisation's unit texts. ``material``: clauses the law or the rules now require.
    ``tables``: which ours and new units are tables."""
    material = material or set()
    labels, same = label_units(base, ours, bookmarks)
    base_by: dict[str, list[str]] = {}
    for clause, text in base:
        base_by.setdefault(clause, []).append(text)
    ours_by: dict[str, list[tuple[int, str]]] = {}
    for i, (clause, text) in enumerate(zip(labels, ours)):
        ours_by.setdefault(clause, []).append((i, text))
    new_by: dict[str, list[tuple[int, str]]] = {}
    for i, (clause, text) in enumerate(new):
        new_by.setdefault(clause, []).append((i, text))
    is_clause = lambda c: bool(c) and not c.startswith("balises.")
    new_order = [c for c in new_by if is_clause(c)]
    # removed clauses go after the clause that preceded them in the base
    order: list[str] = []
    base_order = [c for c in base_by if is_clause(c)] + [c for c in ours_by if is_clause(c) and c not in base_by]
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
    merge = lambda c, authority="both": merge_clause(c, base_by.get(c, []), ours_by.get(c, []), new_by.get(c, []),
                                                     c in material, authority, tables)
    clauses = [merge(c) for c in order]
    blocks = [merge(c, "balises") for c in dict.fromkeys(c for c in [*base_by, *new_by, *ours_by]
                                                         if c.startswith("balises."))]
    edited = sum(1 for i, s in enumerate(same) if s is None and is_clause(labels[i]) and key(ours[i]))
    return MergePlan(clauses=clauses, new_clause_order=new_order, labels=labels, org_paragraphs=edited,
                     same=same, frame=merge("", "balises"), blocks=blocks)
