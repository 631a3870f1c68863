"""The document model → a Word file, built on the pack's reference .docx."""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
from collections.abc import Mapping

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Inches, Mm
from lxml.etree import SubElement

from balises.engine.document import (
    Heading,
    ListBlock,
    Paragraph,
    PolicyDocument,
    Run,
    Table,
    heading_text,
    runs_text,
)
from balises.engine.templating import format_date
from balises.errors import PackError
from balises.render.docx.reference import FOOTER_MARKER, ORDERED_ABSTRACT_ID
from balises.render.docx.units import BOOKMARK_PREFIX, STATEMENT_PREFIX, element_text, mark_range
from balises.render.embedding import CUSTOM_XML_PART, payload_xml

W = nsdecls("w")

LABELS = {
    "fr": {"history": "Historique des versions", "history_cols": ["Version", "En vigueur le", "Adoption", "Changements"],
           "contents": "Table des matières", "version": "Version", "effective": "En vigueur le",
           "approved": "Adoptée par", "owner": "Responsable de la politique", "review": "Prochaine révision",
           "companion": "Accompagne la politique d'utilisation de l'IA, version {version}, en vigueur le {date}."},
    "en": {"history": "Version history", "history_cols": ["Version", "In force from", "Adoption", "Changes"],
           "contents": "Contents", "version": "Version", "effective": "In force from",
           "approved": "Approved by", "owner": "Policy owner", "review": "Next review",
           "companion": "Accompanies the policy on the use of AI, version {version}, in force from {date}."},
}


_R, _BR, _T = qn("w:r"), qn("w:br"), qn("w:t")
STATEMENT_BOOKMARK_ID = 20000  # clause bookmarks count from 9000
_XML_SPACE = qn("xml:space")
_RUN_SPECIAL = re.compile("[\t\r\n]")
# the styles the writer uses; their ids are resolved once per pack (resolving one costs a scan of the styles)
STYLE_NAMES = ("Normal", "Title", "Subtitle", "Title Page Detail", "Note", "TOC Heading", "Hyperlink", "Table Grid",
               *(f"Heading {n}" for n in range(1, 5)),
               *(f"List {kind}{suffix}" for kind in ("Bullet", "Number") for suffix in ("", " 2", " 3")))


def _set_text(r, text: str) -> None:
    """``r.text = text`` as python-docx writes it, without its character-by-character loop when the text has
    no tab or line break (the usual case)."""
    if _RUN_SPECIAL.search(text):
        r.text = text
        return
    t = SubElement(r, _T)
    t.text = text
    if len(text.strip()) < len(text):
        t.set(_XML_SPACE, "preserve")


# table cells: text in the Normal style (Arial 10.5 pt), in EMU per character, and the cell's side margins
_CHAR_EMU = int(6.2 * 12700)
_CELL_MARGINS_EMU = 2 * 108 * 635


def _column_widths(block: Table, cols: int, total: int) -> list[Emu]:
    """Column widths from the content, not equal shares: each column gets at least its longest word (so that
    "Fournisseur" or "Hébergement" is never cut in the middle), the rest where it makes the table shortest."""
    longest = [1] * cols
    amount = [1.0] * cols
    for r, row in enumerate([block.header, *block.rows]):
        for j in range(min(cols, len(row))):
            text = runs_text(row[j])
            words = text.split()
            longest[j] = max([longest[j], *(len(w) + (1 if r == 0 else 0) for w in words)])
            amount[j] += len(text)
    minimum = [n * _CHAR_EMU + _CELL_MARGINS_EMU for n in longest]
    if sum(minimum) >= total:  # too many long words: share in proportion, as well as can be done
        return [Emu(int(total * m / sum(minimum))) for m in minimum]
    # the rest in small steps, each to the column where it shortens the table most (its height in lines,
    # roughly: a row is as high as its longest cell); a step that shortens nothing goes by the amount of text
    # (the square root: a long column does not crush the others)
    spare = total - sum(minimum)
    lengths = [[len(runs_text(row[j])) if j < len(row) else 0 for j in range(cols)] for row in block.rows]

    def lines(widths: list[int]) -> int:
        chars = [max(1, (w - _CELL_MARGINS_EMU) // _CHAR_EMU - 2) for w in widths]
        return sum(max(-(-n // c) for n, c in zip(row, chars)) for row in lengths)

    widths = list(minimum)
    steps = 40
    step = spare // steps
    weights = [a ** 0.5 for a in amount]
    for _ in range(steps):
        now = lines(widths)
        gains = [now - lines(widths[:j] + [widths[j] + step] + widths[j + 1:]) for j in range(cols)]
        best = max(range(cols), key=lambda j: (gains[j], weights[j] / widths[j]))
        widths[best] += step
    widths[-1] += total - sum(widths)  # what the steps' rounding left
    return [Emu(w) for w in widths]


class _Writer:
    """Builds the body with python-docx's oxml elements directly: the proxy objects' slow paths (a style
    lookup through ``Styles.default`` for every paragraph and run, a table's cells recomputed for every row)
    made rendering cost most of a generation. The XML written is the same."""

    def __init__(self, document, style_ids: Mapping[str, str | None] | None = None):
        self.document = document
        self.body = document.element.body
        self.sect_pr = self.body.find(qn("w:sectPr"))
        self.part = document.part
        self.styles = {}
        self._links: dict[str, str] = {}
        # the pack's resolved ids (its engine's, shared and read only), and this document's own lookups
        self._style_ids: dict[str, str | None] = dict(style_ids or {})
        self._p_protos: dict[str | None, object] = {}
        self._rpr_protos: dict[tuple, object] = {}
        self.statements: list[dict] = []  # the decision model's statements written, in order (n, key, text)

    def style(self, name: str):
        if name not in self.styles:
            try:
                self.styles[name] = self.document.styles[name]
            except KeyError:
                raise PackError(f"Le document de référence n'a pas le style « {name} ».",
                                f"The reference document has no style '{name}'.") from None
        return self.styles[name]

    def style_id(self, name: str) -> str | None:
        """The id python-docx would write for this style (None for the default style of its type)."""
        if name not in self._style_ids:
            style = self.style(name)
            self._style_ids[name] = self.part.get_style_id(style, style.type)
        return self._style_ids[name]

    def paragraph(self, style: str, runs: list[Run] | None = None, text: str | None = None):
        """A new ``w:p`` before the section properties (as ``Document.add_paragraph``), returned as CT_P."""
        style_id = self.style_id(style)
        proto = self._p_protos.get(style_id)
        if proto is None:
            proto = self._p_protos[style_id] = OxmlElement("w:p")
            proto.style = style_id  # as Paragraph.style: an empty w:pPr for the default style
        p = copy.deepcopy(proto)
        if text is not None:
            r = SubElement(p, _R)
            if text:
                _set_text(r, text)
        if runs:
            self.runs(p, runs)
        self.sect_pr.addprevious(p)
        return p

    def runs(self, p, runs: list[Run]) -> None:
        current = None  # the statement being written: a hidden bookmark around its runs
        for run in runs:
            if run.statement != current:
                if current is not None:
                    self._end_statement(p)
                if run.statement is not None:
                    self._start_statement(p, run.statement)
                current = run.statement
            if current is not None:
                self.statements[-1]["text"] += run.text
            if run.line_break:
                SubElement(SubElement(p, _R), _BR)  # as Run.add_break()
            if not run.text:
                continue
            r = SubElement(p, _R)
            _set_text(r, run.text)
            if run.bold or run.italic or run.link:
                key = (self.style_id("Hyperlink") if run.link else None, run.bold, run.italic)
                proto = self._rpr_protos.get(key)
                if proto is None:  # w:rPr as Run.bold / Run.italic / Run.style would write it
                    r0 = OxmlElement("w:r")
                    if run.bold:
                        r0.get_or_add_rPr()._set_bool_val("b", True)
                    if run.italic:
                        r0.get_or_add_rPr()._set_bool_val("i", True)
                    if run.link:
                        r0.style = key[0]
                    proto = self._rpr_protos[key] = r0.rPr
                r.insert(0, copy.deepcopy(proto))
            if run.link:
                self._hyperlink(p, r, run.link)
        if current is not None:
            self._end_statement(p)

    def _start_statement(self, p, key: str) -> None:
        n = len(self.statements) + 1
        start = SubElement(p, qn("w:bookmarkStart"))
        start.set(qn("w:id"), str(STATEMENT_BOOKMARK_ID + n))
        start.set(qn("w:name"), f"{STATEMENT_PREFIX}{n}")
        self.statements.append({"n": n, "key": key, "text": ""})

    def _end_statement(self, p) -> None:
        end = SubElement(p, qn("w:bookmarkEnd"))
        end.set(qn("w:id"), str(STATEMENT_BOOKMARK_ID + self.statements[-1]["n"]))

    def _hyperlink(self, p, r, url: str) -> None:
        r_id = self._links.get(url)
        if r_id is None:
            r_id = self._links[url] = self.part.relate_to(url, RT.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), r_id)
        r.addprevious(link)
        link.append(r)

    def heading(self, level: int, runs: list[Run], page_break: bool = False, numbered: bool = True):
        p = self.paragraph(f"Heading {level}", runs)
        if page_break:
            p.get_or_add_pPr().pageBreakBefore_val = True
        if not numbered:
            num_pr = p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_numId().val = 0  # numId 0: no number for this heading
        return p

    def list(self, block: ListBlock, depth: int = 0) -> None:
        num_id = None
        if block.ordered:
            numbering = self.part.numbering_part.element
            num = numbering.add_num(ORDERED_ABSTRACT_ID)
            num.add_lvlOverride(ilvl=depth).add_startOverride(1)
            num_id = num.numId
        for item in block.items:
            if block.ordered:
                p = self.paragraph("List Number" if depth == 0 else f"List Number {min(depth + 1, 3)}", item.runs)
                num_pr = p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = depth
                num_pr.get_or_add_numId().val = num_id
            else:
                self.paragraph("List Bullet" if depth == 0 else f"List Bullet {min(depth + 1, 3)}", item.runs)
            for child in item.children:
                self.list(child, depth + 1)

    def table(self, block: Table) -> None:
        cols = max([len(block.header), *[len(r) for r in block.rows]] or [1])
        table = self.document.add_table(rows=1 + len(block.rows), cols=cols)
        table._tbl.tblStyle_val = self.style_id("Table Grid")
        widths = _column_widths(block, cols, self.document._block_width)
        for col, width in zip(table._tbl.tblGrid.gridCol_lst, widths):
            col.w = width
        rows = table._tbl.tr_lst
        for tr in rows:
            for tc, width in zip(tr.tc_lst, widths):
                tc.width = width
        header = rows[0]
        header.get_or_add_trPr().append(parse_xml(f'<w:tblHeader {W}/>'))  # the header repeats on every page
        for j, tc in enumerate(header.tc_lst):
            runs = block.header[j] if j < len(block.header) else []
            self._cell(tc, [r.model_copy(update={"bold": True}) for r in runs], shade=True)
        for tr, row in zip(rows[1:], block.rows):
            for j, tc in enumerate(tr.tc_lst):
                self._cell(tc, row[j] if j < len(row) else [])
        self.paragraph("Normal").get_or_add_pPr().spacing_after = 0

    def _cell(self, tc, runs: list[Run], shade: bool = False) -> None:
        p = tc.p_lst[0]
        proto = self._p_protos.get("cell")
        if proto is None:
            p0 = OxmlElement("w:p")
            p0.get_or_add_pPr().spacing_after = 0
            proto = self._p_protos["cell"] = p0.pPr
        p.insert(0, copy.deepcopy(proto))  # as paragraph_format.space_after = 0 on the cell's empty paragraph
        self.runs(p, runs)
        if shade:
            tc.get_or_add_tcPr().append(parse_xml(f'<w:shd {W} w:val="clear" w:color="auto" w:fill="DCE8EA"/>'))

    def page_break(self) -> None:
        self.paragraph("Normal").add_r().add_br().type = "page"


def _toc(writer: _Writer, doc: PolicyDocument, template, pages: dict[str, int] | None = None) -> None:
    """The reference's table-of-contents field, its cached result filled with this policy's headings, so it
    reads right before Word updates it (LibreOffice shows the cached result)."""
    sdt = copy.deepcopy(template)
    instr = sdt.find(".//" + qn("w:instrText"))
    instr_text = instr.text if instr is not None else ' TOC \\o "1-1" \\h \\z \\u '
    content = sdt.find(qn("w:sdtContent"))
    for child in list(content):
        content.remove(child)
    entries = [heading_text(s.number, s.title, ".\u00a0") for s in doc.sections]
    for i, text in enumerate(entries):
        p = OxmlElement("w:p")
        p.append(parse_xml(f'<w:pPr {W}><w:pStyle w:val="TOC1"/><w:tabs><w:tab w:val="right" w:leader="dot" '
                           f'w:pos="9350"/></w:tabs></w:pPr>'))
        if i == 0:
            # dirty: Word recomputes the table (with page numbers) when it opens the file
            p.append(parse_xml(f'<w:r {W}><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'))
            r = parse_xml(f'<w:r {W}><w:instrText xml:space="preserve"></w:instrText></w:r>')
            r[0].text = instr_text
            p.append(r)
            p.append(parse_xml(f'<w:r {W}><w:fldChar w:fldCharType="separate"/></w:r>'))
        r = parse_xml(f'<w:r {W}><w:t xml:space="preserve"></w:t></w:r>')
        r[0].text = text
        p.append(r)
        page = (pages or {}).get(doc.sections[i].id)
        if page:
            p.append(parse_xml(f'<w:r {W}><w:tab/></w:r>'))
            r = parse_xml(f'<w:r {W}><w:t></w:t></w:r>')
            r[0].text = str(page)
            p.append(r)
        if i == len(entries) - 1:
            p.append(parse_xml(f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>'))
        content.append(p)
    writer.sect_pr.addprevious(sdt)


def _footer(document, text: str) -> None:
    for section in document.sections:
        for footer in (section.footer, section.even_page_footer):
            for t in footer._element.iter(qn("w:t")):
                if t.text and FOOTER_MARKER in t.text:
                    t.text = t.text.replace(FOOTER_MARKER, text)


def _language(document, locale: str) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), locale)


def _fit(text: str, limit: int = 255) -> str:
    """Word's core properties hold 255 characters (python-docx refuses more); a 200-character name fits the
    contract but not "Politique … – " before it."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _properties(document, doc: PolicyDocument) -> None:
    meta = doc.meta
    props = document.core_properties
    props.title = _fit(meta.title)
    props.subject = _fit(f"{meta.title} – {meta.organisation}")
    props.author = _fit(meta.organisation)
    props.last_modified_by = "Balises"
    props.language = meta.locale
    props.keywords = "IA; AI; politique; policy; Balises"
    props.comments = _fit(f"Balises {meta.pack}")
    props.category = meta.version
    moment = dt.datetime.combine(meta.generated_on, dt.time(12, 0))
    props.created = moment
    props.modified = moment
    props.revision = 1


def adopted_text(body: str, day: dt.date | None, locale: str) -> str:
    """"Board, on 15 January 2027" (the body alone while the day is not recorded)."""
    if not day:
        return body
    return f"{body}, {'le' if locale.startswith('fr') else 'on'} {format_date(day, locale)}"


def _history(writer: _Writer, doc: PolicyDocument) -> None:
    """The versions as adoption records: the day each came into force, who adopted it and when."""
    labels = LABELS[doc.meta.lang]
    locale = doc.meta.locale
    writer.heading(2, [Run(text=labels["history"])], numbered=False)
    writer.table(Table(header=[[Run(text=c)] for c in labels["history_cols"]],
                       rows=[[[Run(text=h.version)], [Run(text=format_date(h.effective, locale) if h.effective
                                                               else "—")],
                              [Run(text=adopted_text(h.adopted_by, h.adopted_on, locale))], [Run(text=h.summary)]]
                             for h in doc.history]))


def _bookmark_clauses(body, tags: list[str]) -> list[dict]:
    """Hidden bookmarks around each clause's elements (Word and LibreOffice keep them), and the units: the
    text of every body element with the clause that wrote it ("" for the title page, contents, headings)."""
    elements = [el for el in body if el.tag != qn("w:sectPr")]
    units, n, i = [], 0, 0
    while i < len(elements):
        label = tags[i] if i < len(tags) else ""
        j = i
        while j + 1 < len(elements) and (tags[j + 1] if j + 1 < len(tags) else "") == label:
            j += 1
        entry_name = None
        if label and not label.startswith("balises."):
            if mark_range(elements[i], elements[j], "bookmark", 9000 + n + 1, f"{BOOKMARK_PREFIX}{n + 1}"):
                n += 1
                entry_name = f"{BOOKMARK_PREFIX}{n}"
        for k in range(i, j + 1):
            unit = {"clause": label, "text": element_text(elements[k])}
            if k == i and entry_name:
                unit["bookmark"] = entry_name
            units.append(unit)
        i = j + 1
    return units


def _open(reference: bytes):
    try:
        return docx.Document(io.BytesIO(reference))
    except Exception as exc:  # a broken reference .docx in a pack
        raise PackError(f"Document de référence illisible : {exc}", f"Unreadable reference document: {exc}") from None


def reference_style_ids(reference: bytes) -> dict[str, str | None]:
    """The id python-docx writes for each style of :data:`STYLE_NAMES` the reference document has (None for
    the default style of its type). A style it lacks is left out: using it raises the pack's error."""
    document = _open(reference)
    writer = _Writer(document)
    ids = {}
    for name in STYLE_NAMES:
        try:
            ids[name] = writer.style_id(name)
        except PackError:
            continue
    return ids


def render_docx(doc: PolicyDocument, reference: bytes, toc_pages: dict[str, int] | None = None,
                style_ids: Mapping[str, str | None] | None = None) -> bytes:
    """The Word file of ``doc``. ``toc_pages`` (section id -> page), when known, fills the table of contents'
    page numbers, so that it reads right in LibreOffice and in a PDF before any field update. ``style_ids``:
    :func:`reference_style_ids` of ``reference``, resolved once per pack by its engine (looked up here when
    not given)."""
    document = _open(reference)
    meta = doc.meta
    labels = LABELS[meta.lang]
    writer = _Writer(document, style_ids)
    body = writer.body
    toc_template = body.find(qn("w:sdt"))
    for child in list(body):
        if child is not writer.sect_pr:
            body.remove(child)

    section = document.sections[0]
    if meta.locale.endswith("-CA"):
        section.page_width, section.page_height = Inches(8.5), Inches(11)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(18)
    _language(document, meta.locale)

    # The policy opens on a title block; only a complete policy gets a cover page and a table of contents.
    # A companion document (aide-mémoire, register…) is its title and its text, nothing else.
    policy = meta.edition == "full"
    title = writer.paragraph("Title", text=meta.title)
    if not meta.toc:  # only a complete policy opens on a cover; the others start at the top of their page
        title.get_or_add_pPr().append(parse_xml(f'<w:spacing {W} w:before="0"/>'))
    writer.paragraph("Subtitle", text=meta.subtitle)
    dated = {"effective": "date.effective", "review": "date.review"}  # the decision model's dates
    if policy:
        for key, value in (("version", meta.version), ("effective", format_date(meta.effective_date, meta.locale)),
                           ("approved", adopted_text(meta.approved_by, meta.adopted_on, meta.locale)),
                           ("owner", meta.owner_role),
                           ("review", format_date(meta.next_review, meta.locale) if meta.next_review else None)):
            if value:
                sep = "\u00a0: " if meta.locale.startswith("fr") else ": "
                writer.paragraph("Title Page Detail", [Run(text=labels[key] + sep, bold=True),
                                                       Run(text=value, statement=dated.get(key))])
    else:
        before, _, after = labels["companion"].format(version=meta.version, date="\x00").partition("\x00")
        writer.paragraph("Note", [Run(text=before), Run(text=format_date(meta.effective_date, meta.locale),
                                                          statement="date.effective"), Run(text=after)])
    if meta.preamble and policy:
        writer.paragraph("Note", text=meta.preamble)
    for notice in doc.notices if policy else ():
        writer.paragraph("Note", text=notice)

    with_toc = policy and meta.toc and toc_template is not None and len(doc.sections) > 1
    if with_toc:
        p = writer.paragraph("TOC Heading", text=labels["contents"])
        p.get_or_add_pPr().pageBreakBefore_val = True
        _toc(writer, doc, toc_template, toc_pages)

    tags: list[str] = []  # the clause that wrote each body element ("" for the frame)

    def mark(label: str) -> None:
        tags.extend([label] * (len(body) - 1 - len(tags)))

    last_body = max((i for i, s in enumerate(doc.sections) if s.kind == "body"), default=len(doc.sections) - 1)
    mark("")
    for i, sec in enumerate(doc.sections):
        if not (not policy and sec.title == meta.title):  # a companion document's title is not said twice
            writer.heading(1, [Run(text=sec.title)],
                           page_break=with_toc and i == 0, numbered=sec.kind == "body")
        mark("")
        for clause in sec.clauses:
            mark("")
            for block in clause.blocks:
                if isinstance(block, Heading):
                    writer.heading(min(block.level, 4), block.runs,
                                   numbered=sec.kind == "body" and block.level == 2)
                elif isinstance(block, Paragraph):
                    writer.paragraph({"body": "Normal", "note": "Note", "quote": "Note"}[block.style], block.runs)
                elif isinstance(block, ListBlock):
                    writer.list(block)
                elif isinstance(block, Table):
                    writer.table(block)
            mark(clause.id)
        if i == last_body and doc.history:
            _history(writer, doc)
            mark("balises.history")

    units = _bookmark_clauses(body, tags)
    _footer(document, meta.footer)
    _properties(document, doc)
    part = Part(PackURI(CUSTOM_XML_PART), "application/xml", payload_xml(doc, units, writer.statements),
                document.part.package)
    document.part.relate_to(part, RT.CUSTOM_XML)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
