"""The body of a Word document as a list of units (one per top-level paragraph or table), with their text.

The same reading serves the renderer (which records what Balises wrote, see :mod:`balises.render.embedding`) and
the update (which reads what the organisation has now), so both sides compare like with like whatever Word
or LibreOffice did to the runs: split runs, rsids, proofing marks, bookmarks and field codes do not change
a unit's text. Pending tracked changes read as if accepted (insertions in, deletions out; a pending move read
at its new place only).
"""

from __future__ import annotations

from dataclasses import dataclass, field

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
BOOKMARK_PREFIX = "_Bal_"  # hidden bookmarks (a leading underscore) around each clause
STATEMENT_PREFIX = "_BalS_"  # hidden bookmarks around each statement of the decision model


@dataclass
class Unit:
    element: object  # the lxml element (w:p, w:tbl or w:sdt) in the body
    text: str
    bookmarks: list[tuple[str, str]] = field(default_factory=list)  # (name, id) of the _Bal_ bookmarks starting in it
    ends: list[str] = field(default_factory=list)  # ids of the bookmarks that end in it


def key(text: str) -> str:
    """What two texts are compared on: whitespace (and non-breaking spaces) collapsed."""
    return " ".join(text.split())


def _para_text(p) -> str:
    out = []
    # the tag filter runs in lxml's C code; a deletion's ancestry is looked at only when there is one
    gone = (W + "del", W + "moveFrom")  # deleted, or moved away from here (the text is read where it went)
    has_del = next(p.iter(*gone), None) is not None
    for el in p.iter(W + "t", W + "tab", W + "br", W + "cr"):
        if has_del and any(a.tag in gone for a in el.iterancestors()):
            continue
        tag = el.tag
        if tag == W + "t":
            out.append(el.text or "")
        elif tag == W + "tab":
            if el.getparent() is not None and el.getparent().tag == W + "r":  # not a tab stop definition
                out.append("\t")
        elif el.get(W + "type") in (None, "textWrapping"):
            out.append("\n")
    return "".join(out)


def element_text(el) -> str:
    if el.tag == W + "p":
        return _para_text(el)
    if el.tag == W + "tbl":
        rows = []
        for tr in el.iter(W + "tr"):
            cells = [" ".join(_para_text(p) for p in tc.iter(W + "p")) for tc in tr.iter(W + "tc")]
            rows.append(" | ".join(cells))
        return "\n".join(rows)
    return " ".join(_para_text(p) for p in el.iter(W + "p"))


def body_units(body) -> list[Unit]:
    """Every top-level paragraph, table or content control of ``body`` (w:body), in order."""
    units = []
    for child in body:
        if child.tag not in (W + "p", W + "tbl", W + "sdt"):
            continue
        unit = Unit(child, element_text(child))
        for b in child.iter(W + "bookmarkStart"):
            name = b.get(W + "name") or ""
            if name.startswith(BOOKMARK_PREFIX) and not name.startswith(STATEMENT_PREFIX):
                unit.bookmarks.append((name, b.get(W + "id") or ""))
        unit.ends = [b.get(W + "id") for b in child.iter(W + "bookmarkEnd")]
        units.append(unit)
    return units


def first_last_paragraph(el):
    """The first and last paragraph of a unit (itself, for a paragraph); (None, None) for a table without any."""
    if el.tag == W + "p":
        return el, el
    ps = list(el.iter(W + "p"))
    return (ps[0], ps[-1]) if ps else (None, None)


def mark_range(first, last, kind: str, ident: int | str, name: str | None = None) -> bool:
    """A bookmark (``kind="bookmark"``) or a comment's range (``"commentRange"``) from the start of unit
    ``first`` (after its paragraph properties) to the end of unit ``last``; False when they hold no
    paragraph."""
    from docx.oxml import OxmlElement  # the w: prefix, as python-docx declares it

    p, _ = first_last_paragraph(first)
    _, q = first_last_paragraph(last)
    if p is None or q is None:
        return False
    start = OxmlElement(f"w:{kind}Start")
    start.set(W + "id", str(ident))
    if name is not None:
        start.set(W + "name", name)
    ppr = p.find(W + "pPr")
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    end = OxmlElement(f"w:{kind}End")
    end.set(W + "id", str(ident))
    q.append(end)
    return True
