"""Balises' new paragraphs and tables carried into the organisation's Word file (the update writes into the
adopted document, so that everything around the text stays: its styles, lists, comments, notes, headers,
footers, images and page setup).

A paragraph written by Balises refers to things of Balises' own package: style ids, list (numbering)
definitions, link relationships. :class:`Carrier` copies it into the organisation's package with each of
these found there by name, or brought along under a fresh id when the organisation's file lacks it; a list
Balises adds gets numbering definitions of its own (never the id of one of the organisation's lists, which
is what scrambled the numbering of a policy saved by LibreOffice).
"""

from __future__ import annotations

import copy
import hashlib

from docx.oxml.ns import qn

from balises.render.docx.units import BOOKMARK_PREFIX, STATEMENT_PREFIX

_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STYLE_REFS = ("w:pStyle", "w:rStyle", "w:tblStyle")


def _name(style) -> str:
    name = style.find(qn("w:name"))
    return (name.get(qn("w:val")) if name is not None else style.get(qn("w:styleId")) or "").casefold()


class Carrier:
    """Copies elements of ``source`` (a python-docx Document: Balises' new policy) into ``target`` (the
    organisation's)."""

    def __init__(self, target, source):
        self.part, self.source_part = target.part, source.part
        self.styles = target.styles.element
        self.source_styles = {s.get(qn("w:styleId")): s for s in source.styles.element.findall(qn("w:style"))}
        self.by_name = {(s.get(qn("w:type")), _name(s)): s.get(qn("w:styleId"))
                        for s in self.styles.findall(qn("w:style"))}
        self.ids = {s.get(qn("w:styleId")) for s in self.styles.findall(qn("w:style"))}
        self._styles: dict[str, str] = {}
        self._nums: dict[str, str] = {}
        self._abstracts: dict[str, str] = {}
        self._rels: dict[str, str] = {}
        self.added_styles: list[str] = []

    # -- styles: the organisation's style of the same name, else Balises' brought along
    def style(self, style_id: str) -> str:
        if style_id in self._styles:
            return self._styles[style_id]
        source = self.source_styles.get(style_id)
        if source is None:
            self._styles[style_id] = style_id
            return style_id
        found = self.by_name.get((source.get(qn("w:type")), _name(source)))
        if found is not None:
            self._styles[style_id] = found
            return found
        new_id = style_id
        while new_id in self.ids:
            new_id += "B"
        self._styles[style_id] = new_id
        self.ids.add(new_id)
        style = copy.deepcopy(source)
        style.set(qn("w:styleId"), new_id)
        for tag in ("w:basedOn", "w:next", "w:link"):
            ref = style.find(qn(tag))
            if ref is not None:
                ref.set(qn("w:val"), self.style(ref.get(qn("w:val"))))
        self._numbering(style)
        self.styles.append(style)
        self.by_name[(style.get(qn("w:type")), _name(style))] = new_id
        self.added_styles.append(_name(source))
        return new_id

    # -- lists: Balises' list definitions copied under fresh ids
    def _numbering_root(self):
        return self.part.numbering_part.element

    def _abstract(self, abstract_id: str) -> str:
        if abstract_id in self._abstracts:
            return self._abstracts[abstract_id]
        root = self._numbering_root()
        source = next(a for a in self.source_part.numbering_part.element.findall(qn("w:abstractNum"))
                      if a.get(qn("w:abstractNumId")) == abstract_id)
        taken = [int(a.get(qn("w:abstractNumId"))) for a in root.findall(qn("w:abstractNum"))]
        new_id = str(max(taken + [0]) + 1)
        abstract = copy.deepcopy(source)
        abstract.set(qn("w:abstractNumId"), new_id)
        nsid = abstract.find(qn("w:nsid"))
        if nsid is not None:  # a list identity of its own (Word merges lists that share one)
            nsid.set(qn("w:val"), hashlib.sha256(f"balises-{new_id}".encode()).hexdigest()[:8].upper())
        for ps in abstract.iter(qn("w:pStyle")):
            ps.set(qn("w:val"), self.style(ps.get(qn("w:val"))))
        first_num = root.find(qn("w:num"))
        if first_num is not None:  # every abstractNum comes before the first num
            first_num.addprevious(abstract)
        else:
            root.append(abstract)
        self._abstracts[abstract_id] = new_id
        return new_id

    def num(self, num_id: str) -> str:
        if num_id == "0" or num_id in self._nums:
            return self._nums.get(num_id, num_id)
        try:
            source_root = self.source_part.numbering_part.element
        except (KeyError, NotImplementedError):
            return num_id
        source = next((n for n in source_root.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id), None)
        if source is None:
            return num_id
        root = self._numbering_root()
        abstract = self._abstract(source.find(qn("w:abstractNumId")).get(qn("w:val")))
        taken = [int(n.get(qn("w:numId"))) for n in root.findall(qn("w:num"))]
        new_id = str(max(taken + [0]) + 1)
        num = copy.deepcopy(source)
        num.set(qn("w:numId"), new_id)
        num.find(qn("w:abstractNumId")).set(qn("w:val"), abstract)
        root.append(num)
        self._nums[num_id] = new_id
        return new_id

    def _numbering(self, el) -> None:
        for num_id in el.iter(qn("w:numId")):
            num_id.set(qn("w:val"), self.num(num_id.get(qn("w:val"))))

    # -- relationships: links and images related again from the organisation's document
    def _relate(self, r_id: str) -> str | None:
        if r_id in self._rels:
            return self._rels[r_id]
        rel = self.source_part.rels.get(r_id)
        if rel is None:
            return None
        if rel.is_external:
            new = self.part.relate_to(rel.target_ref, rel.reltype, is_external=True)
        else:
            new = self.part.relate_to(rel.target_part, rel.reltype)
        self._rels[r_id] = new
        return new

    def element(self, el):
        """A copy of ``el`` (a paragraph, table or content control of the source) valid in the target."""
        el = copy.deepcopy(el)
        for tag in ("w:bookmarkStart", "w:bookmarkEnd"):
            for b in list(el.iter(qn(tag))):
                if tag == "w:bookmarkEnd" or (b.get(qn("w:name")) or "").startswith(
                        (BOOKMARK_PREFIX, STATEMENT_PREFIX)):
                    b.getparent().remove(b)
        for tag in _STYLE_REFS:
            for ref in el.iter(qn(tag)):
                ref.set(qn("w:val"), self.style(ref.get(qn("w:val"))))
        self._numbering(el)
        for node in el.iter():
            for attr, value in list(node.attrib.items()):
                if attr.startswith(f"{{{_R_NS}}}"):
                    related = self._relate(value)
                    if related is None:
                        del node.attrib[attr]
                    else:
                        node.set(attr, related)
        return el
