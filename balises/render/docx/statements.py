"""Reading back, from any Word file Balises made (and an organisation may have edited), the statements of the
decision model it carries: the text inside each hidden ``_BalS_<n>`` bookmark, with where it stands (the
section heading above it, the row of a table it is in).

The package is parsed, never grepped: every part's size is checked before it is inflated, XML with a DTD or
entities is refused, deleted text (tracked changes) is left out and inserted text read as if accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

from balises.errors import InputFileError, PackError
from balises.render.docx.reference import _parse, read_docx_parts
from balises.render.docx.units import STATEMENT_PREFIX, W

_SKIP = {W + "del", W + "moveFrom", W + "instrText"}


@dataclass
class Found:
    """One statement as the document says it now."""

    name: str  # its bookmark (_BalS_12)
    text: str
    heading: str  # the last heading above it
    row: str  # the first cell of its table row ("" outside a table)


def read_statements(docx: bytes, source: str) -> list[Found]:
    try:
        parts = read_docx_parts(docx, source)
        xml = parts.get("word/document.xml")
        if xml is None:
            raise InputFileError(f"{source} : pas de corps de document (word/document.xml).",
                                 f"{source}: no document body (word/document.xml).")
        root = _parse("word/document.xml", xml, source)
    except PackError as exc:  # the reader's own wording, for a user's file
        raise InputFileError(exc.fr, exc.en) from None
    found: dict[str, Found] = {}
    open_ids: dict[str, str] = {}  # bookmark id -> name, for the statements open at this point
    heading = ""
    for p in root.iter(W + "p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        val = (style.get(W + "val") or "").lower() if style is not None else ""
        if val.startswith(("heading", "titre")):
            heading = _text(p)
        row = _row_label(p)
        for el in p.iter(W + "bookmarkStart", W + "bookmarkEnd", W + "t", W + "tab", W + "br"):
            tag = el.tag
            if tag == W + "bookmarkStart":
                name = el.get(W + "name") or ""
                if name.startswith(STATEMENT_PREFIX):
                    open_ids[el.get(W + "id") or ""] = name
                    found.setdefault(name, Found(name=name, text="", heading=heading, row=row))
            elif tag == W + "bookmarkEnd":
                open_ids.pop(el.get(W + "id") or "", None)
            elif open_ids and not _skipped(el):
                piece = el.text or "" if tag == W + "t" else (" " if tag in (W + "tab", W + "br") else "")
                for name in open_ids.values():
                    found[name].text += piece
    return list(found.values())


def _skipped(el) -> bool:
    return any(a.tag in _SKIP for a in el.iterancestors())


def _text(p) -> str:
    return "".join(t.text or "" for t in p.iter(W + "t") if not _skipped(t)).strip()


def _row_label(p) -> str:
    tr = next((a for a in p.iterancestors() if a.tag == W + "tr"), None)
    if tr is None:
        return ""
    first = tr.find(W + "tc")
    return " ".join(_text(x) for x in first.iter(W + "p")) if first is not None else ""
