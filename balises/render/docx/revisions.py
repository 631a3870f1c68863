"""Tracked revisions as Word writes them: a paragraph, table or row inserted or deleted (``w:ins`` /
``w:del``, nested inside a colleague's insertion where Balises deletes what they inserted), a reworded
paragraph word by word in its own formatting, a table changed row by row and cell by cell, a highlight
recorded as a formatting change. Used by :mod:`balises.render.docx.redline`."""

from __future__ import annotations

import copy
import datetime as dt
import re
from difflib import SequenceMatcher

from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from balises.render.docx.units import element_text, key
from balises.render.merge import align_with_base, opcodes

REV = (qn("w:ins"), qn("w:del"))
# a word-by-word comparison costs up to (words of one) × (words of the other) with difflib: beyond these, a
# paragraph changes whole (its deletion, then its insertion), as when the two are too different
MAX_WORD_PAIRS = 400_000  # two paragraphs of about 300 words each
MAX_WORD_PAIRS_PER_DOCUMENT = 20_000_000
NOTE_REFS = (qn("w:footnoteReference"), qn("w:endnoteReference"))


def inside(el, tags: tuple[str, ...], stop) -> bool:
    for a in el.iterancestors():
        if a is stop:
            return False
        if a.tag in tags:
            return True
    return False


class Revisions:
    """Balises' revision marks: one author, one date, ids above every id the document already uses."""

    def __init__(self, author: str, when: dt.datetime, first_id: int = 5000):
        self.author = author
        self.when = when
        self.date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.next_id = first_id
        self.word_pairs = MAX_WORD_PAIRS_PER_DOCUMENT  # what is left for word-by-word comparisons

    def compare(self, ta: list[str], tb: list[str]) -> SequenceMatcher | None:
        """difflib's matcher of two paragraphs' words, or None when comparing them would cost more than is
        left (one pair of paragraphs, or the document's budget): an attack of long or many paragraphs
        stays bounded, the paragraph then changes whole."""
        pairs = len(ta) * len(tb)
        if pairs > MAX_WORD_PAIRS or pairs > self.word_pairs:
            return None
        self.word_pairs -= max(pairs, 1)
        return SequenceMatcher(None, ta, tb, autojunk=False)

    def take_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def mark_element(self, kind: str):
        el = OxmlElement(f"w:{kind}")
        el.set(qn("w:id"), str(self.take_id()))
        el.set(qn("w:author"), self.author)
        el.set(qn("w:date"), self.date)
        return el

    def _paragraph_mark(self, p, kind: str) -> None:
        ppr = p.find(qn("w:pPr"))
        if ppr is None:
            ppr = OxmlElement("w:pPr")
            p.insert(0, ppr)
        rpr = ppr.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            follow = [c for c in ppr if c.tag in (qn("w:sectPr"), qn("w:pPrChange"))]
            if follow:
                follow[0].addprevious(rpr)
            else:
                ppr.append(rpr)
        if rpr.find(qn("w:del")) is not None or (kind == "ins" and rpr.find(qn("w:ins")) is not None):
            return  # already deleted (by a colleague), or already inserted
        ins = rpr.find(qn("w:ins"))
        if kind == "del" and ins is not None:  # a colleague's paragraph, deleted by Balises: both marks
            ins.addnext(self.mark_element(kind))
        else:
            rpr.insert(0, self.mark_element(kind))

    def _rows(self, el, kind: str) -> None:
        for tr in el.iter(qn("w:tr")):
            trpr = tr.find(qn("w:trPr"))
            if trpr is None:
                trpr = OxmlElement("w:trPr")
                prex = tr.find(qn("w:tblPrEx"))
                if prex is not None:
                    prex.addnext(trpr)
                else:
                    tr.insert(0, trpr)
            if trpr.find(qn("w:del")) is None and trpr.find(qn(f"w:{kind}")) is None:
                trpr.append(self.mark_element(kind))

    def mark_row(self, tr, kind: str) -> None:
        """A whole table row inserted or deleted (the row mark and every paragraph in it)."""
        self._rows(tr, kind)
        for p in tr.iter(qn("w:p")):
            self.mark(p, kind)

    def mark(self, el, kind: str, keep_notes: bool = False) -> None:
        """Every run and paragraph mark of ``el`` (a paragraph, table or content control) as inserted or
        deleted. Text a colleague already deleted stays as it is; text a colleague inserted is deleted
        inside their insertion (Reject All still gives the adopted text back). Comment anchors are never
        deleted; with ``keep_notes``, footnote and endnote references are not either (the paragraph is
        replaced: on Accept All they join the new one)."""
        if el.tag == qn("w:tbl"):
            self._rows(el, kind)
        paragraphs = [el] if el.tag == qn("w:p") else list(el.iter(qn("w:p")))
        for p in paragraphs:
            last = None
            for r in list(p.iter(qn("w:r"))):
                if inside(r, (qn("w:del"), qn("w:moveFrom")), p) or (kind == "ins" and inside(r, REV, p)):
                    continue
                if r.find(qn("w:commentReference")) is not None:
                    continue
                if keep_notes and any(r.find(t) is not None for t in NOTE_REFS):
                    continue
                if last is not None and r.getprevious() is last:
                    last.append(r)
                else:
                    last = self.mark_element(kind)
                    r.addprevious(last)
                    last.append(r)
                if kind == "del":
                    for t in r.findall(qn("w:t")):
                        t.tag = qn("w:delText")
                    for t in r.findall(qn("w:instrText")):
                        t.tag = qn("w:delInstrText")
            self._paragraph_mark(p, kind)

    def highlight(self, el, tracked: bool) -> None:
        """A conflict's range in yellow; on the organisation's text as a tracked formatting change (Reject
        All takes it away with the rest)."""
        for r in el.iter(qn("w:r")):
            if r.find(qn("w:t")) is None and r.find(qn("w:delText")) is None:
                continue
            rpr = r.find(qn("w:rPr"))
            if rpr is None:
                rpr = OxmlElement("w:rPr")
                r.insert(0, rpr)
            if rpr.find(qn("w:highlight")) is not None:
                continue
            before = copy.deepcopy(rpr)
            rpr.highlight_val = WD_COLOR_INDEX.YELLOW
            if tracked and rpr.find(qn("w:rPrChange")) is None:
                change = self.mark_element("rPrChange")
                old = OxmlElement("w:rPr")
                for child in before:
                    old.append(child)
                change.append(old)
                rpr.append(change)


# ---------------------------------------------------------------- a reworded paragraph, word by word

TOKENS = re.compile(r"\w+|\s+|[^\w\s]")
ANCHORS = {qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:commentRangeStart"), qn("w:commentRangeEnd"),
            qn("w:permStart"), qn("w:permEnd")}


def _items(p) -> list[tuple] | None:
    """A paragraph as ("text", text, run properties) and ("anchor", element) items (bookmarks, comment
    ranges and references, note references: no width), or None when it holds more than plain text (links,
    fields, tabs, breaks, drawings, revisions): those change as whole paragraphs."""
    out: list[tuple] = []
    for child in p:
        if child.tag in (qn("w:pPr"), qn("w:proofErr")):
            continue
        if child.tag in ANCHORS:
            out.append(("anchor", child))
            continue
        if child.tag != qn("w:r"):
            return None
        rpr = child.find(qn("w:rPr"))
        kinds = {rc.tag for rc in child if rc.tag not in (qn("w:rPr"), qn("w:lastRenderedPageBreak"))}
        if kinds and kinds <= {qn("w:commentReference"), *NOTE_REFS}:
            out.append(("anchor", child))
            continue
        if kinds - {qn("w:t")}:
            return None
        for rc in child:
            if rc.tag == qn("w:t"):
                out.append(("text", rc.text or "", rpr))
    return out


def run_of(text: str, rpr, deleted: bool = False):
    r = OxmlElement("w:r")
    if rpr is not None:
        r.append(copy.deepcopy(rpr))
    t = OxmlElement("w:delText" if deleted else "w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    r.append(t)
    return r


def word_changes(old_p, new_p, revisions: Revisions, min_ratio: float = 0.6):
    """``old_p`` (the organisation's paragraph, in its document) rewritten as ``new_p`` with the words that
    changed as tracked deletions and insertions, the way Word shows a reworded sentence: the paragraph keeps
    its own properties (style, list, indents), the formatting of the words that stay, its bookmarks,
    comment ranges and note references where they were. None when the two are too different or not plain
    text (then the paragraph is replaced whole)."""
    if old_p.tag != qn("w:p") or new_p.tag != qn("w:p"):
        return None
    a, b = _items(old_p), _items(new_p)
    if a is None or b is None:
        return None
    old_text = "".join(i[1] for i in a if i[0] == "text")
    new_text = "".join(i[1] for i in b if i[0] == "text")
    if not old_text.strip() or not new_text.strip():
        return None
    ta, tb = TOKENS.findall(old_text), TOKENS.findall(new_text)
    matcher = revisions.compare(ta, tb)
    if matcher is None or matcher.ratio() < min_ratio:
        return None
    oa, ob = [0], [0]
    for tok in ta:
        oa.append(oa[-1] + len(tok))
    for tok in tb:
        ob.append(ob[-1] + len(tok))
    # the old paragraph's items with their offsets in its text
    placed, pos = [], 0
    for item in a:
        if item[0] == "text":
            placed.append((pos, pos + len(item[1]), item))
            pos += len(item[1])
        else:
            placed.append((pos, pos, item))
    p = OxmlElement("w:p")
    for name, value in old_p.attrib.items():
        p.set(name, value)
    ppr = old_p.find(qn("w:pPr"))
    if ppr is not None:
        p.append(ppr)
    used: set[int] = set()

    def old_segment(start: int, end: int, deleted: bool, last: bool = False) -> None:
        wrapper = None
        for k, (s, e, item) in enumerate(placed):
            if item[0] == "anchor":
                if k not in used and (start <= s < end or (last and s == end)):
                    used.add(k)
                    p.append(item[1])
                    wrapper = None
                continue
            lo, hi = max(start, s), min(end, e)
            if lo >= hi:
                continue
            run = run_of(item[1][lo - s:hi - s], item[2], deleted)
            if deleted:
                if wrapper is None:
                    wrapper = revisions.mark_element("del")
                    p.append(wrapper)
                wrapper.append(run)
            else:
                p.append(run)

    def new_segment(start: int, end: int) -> None:
        wrapper = revisions.mark_element("ins")
        pos = 0
        for item in b:
            if item[0] != "text":
                continue
            s, e = pos, pos + len(item[1])
            pos = e
            lo, hi = max(start, s), min(end, e)
            if lo < hi:
                wrapper.append(run_of(item[1][lo - s:hi - s], item[2]))
        p.append(wrapper)

    ops = matcher.get_opcodes()
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        last = n == len(ops) - 1
        if tag == "equal":
            old_segment(oa[i1], oa[i2], False, last)
            continue
        if i2 > i1:
            old_segment(oa[i1], oa[i2], True, last)
        if j2 > j1:
            new_segment(ob[j1], ob[j2])
        if last and i2 == i1:
            old_segment(oa[i2], oa[i2], False, True)
    for k, (_, _, item) in enumerate(placed):  # anything left (an anchor at the very end)
        if item[0] == "anchor" and k not in used:
            p.append(item[1])
    return p


def _cell_text(tc) -> str:
    return " ".join(element_text(p) for p in tc.iter(qn("w:p")))


def _row_key(tr) -> str:
    return " | ".join(_cell_text(tc) for tc in tr.iter(qn("w:tc")))


def replace(old, new) -> None:
    old.addprevious(new)
    old.getparent().remove(old)


def _row_changes(old_tr, new_tr, revisions: Revisions, carry) -> None:
    """A row that stays, changed in place: its cells, paragraph by paragraph, word by word."""
    for old_tc, new_tc in zip(old_tr.findall(qn("w:tc")), new_tr.findall(qn("w:tc"))):
        if _cell_text(old_tc) == _cell_text(new_tc):
            continue
        old_ps, new_ps = old_tc.findall(qn("w:p")), new_tc.findall(qn("w:p"))
        for old_p, new_p in zip(old_ps, new_ps):
            if element_text(old_p) == element_text(new_p):
                continue
            new_p = carry(new_p)
            changed = word_changes(old_p, new_p, revisions, min_ratio=0.0)
            if changed is not None:
                replace(old_p, changed)
            else:
                revisions.mark(old_p, "del", keep_notes=True)
                old_p.addnext(new_p)
                revisions.mark(new_p, "ins")
        for new_p in new_ps[len(old_ps):]:
            new_p = carry(new_p)
            old_tc.append(new_p)
            revisions.mark(new_p, "ins")
        for old_p in old_ps[len(new_ps):]:
            revisions.mark(old_p, "del")


def table_merge(old_tbl, base: str, new_tbl, revisions: Revisions, carry) -> bool | None:
    """A table both the organisation and Balises changed, merged row by row into the organisation's
    (``old_tbl``, in place) over ``base`` (the table's text as Balises wrote it): the organisation's rows
    stay, Balises' changes to the other rows come in as tracked changes; where both changed a row, both rows
    stay, highlighted. True when there is such a row; None when the tables do not have the same columns."""
    old_rows, new_rows = old_tbl.findall(qn("w:tr")), new_tbl.findall(qn("w:tr"))
    width = lambda tr: len(tr.findall(qn("w:tc")))
    if not old_rows or not new_rows or {width(r) for r in old_rows} != {width(r) for r in new_rows}:
        return None
    b = [key(r) for r in base.split("\n")]
    ours_of, ours_added = align_with_base(b, [key(_row_key(r)) for r in old_rows])
    new_of, new_added = align_with_base(b, [key(_row_key(r)) for r in new_rows])
    last, clash = None, False

    def insert(j: int, conflict: bool = False) -> None:
        nonlocal last
        row = carry(new_rows[j])
        (last.addnext if last is not None else old_rows[0].addprevious)(row)
        revisions.mark_row(row, "ins")
        if conflict:
            revisions.highlight(row, tracked=False)
        last = row

    for k in range(len(b) + 1):
        for j in ours_added.get(k, []):
            last = old_rows[j]
        for j in new_added.get(k, []):
            insert(j)
        if k == len(b):
            break
        (o_state, o), (n_state, m) = ours_of[k], new_of[k]
        if o_state == "deleted":
            if n_state == "changed":
                insert(m, conflict=True)
                clash = True
            continue
        row = old_rows[o]
        if o_state == "same" and n_state == "changed":
            _row_changes(row, new_rows[m], revisions, carry)
        elif o_state == "same" and n_state == "deleted":
            revisions.mark_row(row, "del")
        elif o_state == "changed" and n_state != "same":  # both changed this row: both stay, marked
            revisions.highlight(row, tracked=True)
            clash = True
            last = row
            if n_state == "changed":
                insert(m, conflict=True)
            continue
        last = row
    return clash


def table_changes(old_tbl, new_tbl, revisions: Revisions, carry=lambda el: copy.deepcopy(el)):
    """The organisation's table (``old_tbl``, changed in place) with only what changed tracked: rows added
    or removed, and in a row that stays, the words changed cell by cell. ``carry`` makes a copy of one of
    ``new_tbl``'s elements valid in the organisation's document. None when the two tables do not have the
    same columns."""
    if old_tbl.tag != qn("w:tbl") or new_tbl.tag != qn("w:tbl"):
        return None
    old_rows, new_rows = old_tbl.findall(qn("w:tr")), new_tbl.findall(qn("w:tr"))
    width = lambda tr: len(tr.findall(qn("w:tc")))
    if not old_rows or not new_rows or {width(r) for r in old_rows} != {width(r) for r in new_rows}:
        return None
    rows_ops = opcodes([_row_key(r) for r in old_rows], [_row_key(r) for r in new_rows])
    for tag, i1, i2, j1, j2 in reversed(rows_ops):  # from the end: row indexes stay valid
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(paired):  # a row that stays: its cells, paragraph by paragraph
            _row_changes(old_rows[i1 + k], new_rows[j1 + k], revisions, carry)
        anchor = old_rows[i2] if i2 < len(old_rows) else None
        for k in range(paired, j2 - j1):
            row = carry(new_rows[j1 + k])
            revisions.mark_row(row, "ins")
            if anchor is not None:
                anchor.addprevious(row)
            else:
                old_tbl.append(row)
        for k in range(paired, i2 - i1):
            revisions.mark_row(old_rows[i1 + k], "del")
    return old_tbl
