"""Reading back, from any Word file Balises made (and an organisation may have edited), the statements of the
decision model it carries: the text inside each hidden ``_BalS_<n>`` bookmark, with where it stands (the
section heading above it, the row of a table it is in).

The package is parsed, never grepped (``docx/package.py``'s zip reader and XML parser: sizes checked before
anything is inflated, no DTD, no entity), deleted text (tracked changes) is left out and inserted text read as
if accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

from balises.errors import InputFileError
from balises.problems import Place
from balises.render.docx.package import parse_part, read_zip
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
    # only the body is inflated; the package reader's bounds and its hardened XML parser
    xml = read_zip(docx, source, wanted=lambda name: name == "word/document.xml").get("word/document.xml")
    if xml is None:
        raise InputFileError("pas de corps de document (word/document.xml).",
                             "no document body (word/document.xml).", place=Place(source))
    root = parse_part("word/document.xml", xml, source)
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
