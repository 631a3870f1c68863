"""An adopted policy's life: the edits an organisation makes to it between two updates, and what an update
did with each one. Used by tests/test_living_policy.py and by scripts/policy_life.py (the table of edit
kinds × outcome of the closing note).

Each edit is made on its own copy of the adopted studio policy (generated as of 1 July 2026), the way people
make it: with Word (python-docx writing what Word writes) or in LibreOffice Writer (a Basic macro, see
tests/libreoffice). The copy is then updated (across the law date of 2 August 2026, or with a pack or an
answer change) and the new document is looked at: is the edit there, kept as it was (a colleague's pending
revision still a revision, a comment still a comment…), flagged as a conflict, reinstated, named as not
kept, or gone without a word?
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import docx
from docx.oxml.ns import qn

from balises.render.docx.redline import resolve  # Accept All / Reject All (checked against LibreOffice's own)

from . import docx_edits as ed

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
KEPT, CONFLICT, REINSTATED, NAMED, LOST = "kept", "conflict flagged", "reinstated", "named as lost", "LOST silently"
ADOPTED_ON, LAW_DATE = dt.date(2026, 7, 1), dt.date(2026, 8, 2)
norm = lambda s: " ".join((s or "").replace("\u00a0", " ").replace("\u202f", " ").split())


# ---------------------------------------------------------------- reading a Word file as Word would show it

def paragraph_text(p) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


class View:
    """A Word file with every revision accepted (``accept=True``), rejected (False) or as it is (None)."""

    def __init__(self, data: bytes, accept: bool | None):
        self.document = docx.Document(io.BytesIO(data))
        self.body = copy.deepcopy(self.document.element.body)
        if accept is not None:
            resolve(self.body, accept)
        self.styles = {s.element.get(qn("w:styleId")): s.name for s in self.document.styles}

    @cached_property
    def paragraphs(self) -> list:
        return [p for p in self.body.iter(qn("w:p")) if p.getparent().tag != qn("w:pPr")]

    @cached_property
    def texts(self) -> list[str]:
        return [norm(paragraph_text(p)) for p in self.paragraphs]

    def find(self, start: str):
        start = norm(start)
        return next((p for p, t in zip(self.paragraphs, self.texts) if t.startswith(start)), None)

    def has(self, text: str) -> bool:
        text = norm(text)
        return any(text in t for t in self.texts)

    def count(self, text: str) -> int:
        text = norm(text)
        return sum(1 for t in self.texts if text in t)

    def index(self, start: str) -> int:
        start = norm(start)
        return next((i for i, t in enumerate(self.texts) if t.startswith(start)), -1)

    def style_of(self, start: str) -> str | None:
        p = self.find(start)
        if p is None:
            return None
        ps = p.find(qn("w:pPr") + "/" + qn("w:pStyle"))
        return self.styles.get(ps.get(qn("w:val")) if ps is not None else None, "Normal")

    def body_texts(self) -> list[str]:
        """Non-empty paragraph texts, the table of contents left out (Word remakes it)."""
        toc = {id(p) for sdt in self.body.iter(qn("w:sdt")) for p in sdt.iter(qn("w:p"))}
        return [t for p, t in zip(self.paragraphs, self.texts) if t and id(p) not in toc]


def comments(data: bytes) -> list[tuple[str, str, bool]]:
    """(author, text, anchored in the body) of every comment."""
    document = docx.Document(io.BytesIO(data))
    refs = {r.get(qn("w:id")) for r in document.element.body.iter(qn("w:commentReference"))}
    out = []
    for c in document.comments:
        text = "\n".join(p.text for p in c.paragraphs)
        out.append((c.author, text, str(c.comment_id) in refs))
    return out


def notes(data: bytes, kind: str = "footnote") -> list[tuple[str, bool]]:
    """(text, referenced from the body once every revision is accepted) of every footnote or endnote."""
    document = docx.Document(io.BytesIO(data))
    reltype = ed._NOTES[kind][1]
    part = next((r.target_part for r in document.part.rels.values() if r.reltype == reltype), None)
    if part is None:
        return []
    from lxml import etree

    root = etree.fromstring(part.blob) if not hasattr(part, "element") else part.element
    body = copy.deepcopy(document.element.body)
    resolve(body, True)
    refs = {r.get(qn("w:id")) for r in body.iter(qn(f"w:{kind}Reference"))}
    return [(norm(paragraph_text(n)), n.get(qn("w:id")) in refs) for n in root.findall(qn(f"w:{kind}"))
            if n.get(qn("w:type")) in (None, "normal")]


def revisions(data: bytes, author: str) -> list[tuple[str, str]]:
    """(kind, text) of the pending revisions of ``author`` in the body."""
    body = docx.Document(io.BytesIO(data)).element.body
    out = []
    for kind in ("ins", "del"):
        for el in body.iter(qn(f"w:{kind}")):
            if el.get(qn("w:author")) == author and el.getparent().tag not in (qn("w:rPr"), qn("w:trPr")):
                out.append((kind, norm("".join(t.text or "" for t in el.iter(qn("w:t"), qn("w:delText"))))))
    return out


def part_texts(data: bytes, which: str) -> list[str]:
    """The text of every header or footer part (``which``: "header" or "footer"), revisions accepted."""
    document = docx.Document(io.BytesIO(data))
    out = []
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/" + which):
            root = copy.deepcopy(rel.target_part.element)
            resolve(root, True)
            out.append(norm(" ".join(paragraph_text(p) for p in root.iter(qn("w:p")))))
    return out


def header_images(data: bytes) -> int:
    document = docx.Document(io.BytesIO(data))
    count = 0
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/header"):
            part = rel.target_part
            for blip in part.element.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}blip"):
                target = part.rels.get(blip.get(qn("r:embed")))
                count += target is not None and target.target_part.content_type.startswith("image/")
    return count


# ---------------------------------------------------------------- numbering as Word shows it

_FORMATS = {
    "decimal": str,
    "lowerLetter": lambda n: "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26],
    "upperLetter": lambda n: "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(n - 1) % 26],
    "lowerRoman": lambda n: ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"][(n - 1) % 10],
    "upperRoman": lambda n: ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][(n - 1) % 10],
}


def numbering_labels(data: bytes, accept: bool | None = True) -> list[tuple[str, str]]:
    """(label, text) of every numbered or bulleted paragraph, as Word numbers them: the numbering
    definitions of the file, the paragraph's own numbering or its style's (and the styles it is based on)."""
    document = docx.Document(io.BytesIO(data))
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return []
    abstracts = {a.get(qn("w:abstractNumId")): a for a in numbering.findall(qn("w:abstractNum"))}
    nums = {}
    for num in numbering.findall(qn("w:num")):
        overrides = {o.get(qn("w:ilvl")): o for o in num.findall(qn("w:lvlOverride"))}
        nums[num.get(qn("w:numId"))] = (num.find(qn("w:abstractNumId")).get(qn("w:val")), overrides)
    styles = {s.get(qn("w:styleId")): s for s in document.styles.element.findall(qn("w:style"))}

    def style_num(style_id, depth=0):
        style = styles.get(style_id)
        if style is None or depth > 10:
            return None
        num_pr = style.find(qn("w:pPr") + "/" + qn("w:numPr"))
        if num_pr is not None:
            num_id = num_pr.find(qn("w:numId"))
            ilvl = num_pr.find(qn("w:ilvl"))
            return (num_id.get(qn("w:val")) if num_id is not None else None,
                    ilvl.get(qn("w:val")) if ilvl is not None else None)
        based = style.find(qn("w:basedOn"))
        return style_num(based.get(qn("w:val")), depth + 1) if based is not None else None

    body = copy.deepcopy(document.element.body)
    if accept is not None:
        resolve(body, accept)
    counters: dict[str, dict[int, int]] = {}
    started: set[str] = set()
    out = []
    for p in body.iter(qn("w:p")):
        ppr = p.find(qn("w:pPr"))
        style_id = None
        num_id = ilvl = None
        if ppr is not None:
            ps = ppr.find(qn("w:pStyle"))
            style_id = ps.get(qn("w:val")) if ps is not None else None
            num_pr = ppr.find(qn("w:numPr"))
            if num_pr is not None:
                n, lv = num_pr.find(qn("w:numId")), num_pr.find(qn("w:ilvl"))
                num_id = n.get(qn("w:val")) if n is not None else None
                ilvl = lv.get(qn("w:val")) if lv is not None else None
        inherited = style_num(style_id or "Normal")
        if num_id is None and inherited:
            num_id = inherited[0]
        if ilvl is None:
            ilvl = inherited[1] if inherited and inherited[1] is not None else "0"
        if not num_id or num_id == "0" or num_id not in nums:
            continue
        abstract_id, overrides = nums[num_id]
        abstract = abstracts.get(abstract_id)
        if abstract is None:
            continue
        link = abstract.find(qn("w:numStyleLink"))
        level = int(ilvl)
        lvls = {int(lv.get(qn("w:ilvl"))): lv for lv in abstract.findall(qn("w:lvl"))}
        for k, o in overrides.items():
            if o.find(qn("w:lvl")) is not None:
                lvls[int(k)] = o.find(qn("w:lvl"))
        if level not in lvls or link is not None:
            continue
        count = counters.setdefault(abstract_id, {})
        start = lambda k: int((lvls[k].find(qn("w:start")).get(qn("w:val"))) if k in lvls and lvls[k].find(
            qn("w:start")) is not None else 1)
        override = overrides.get(str(level))
        if override is not None and override.find(qn("w:startOverride")) is not None and num_id not in started:
            count[level] = int(override.find(qn("w:startOverride")).get(qn("w:val"))) - 1
        started.add(num_id)
        count[level] = count.get(level, start(level) - 1) + 1
        for deeper in [k for k in count if k > level]:
            del count[deeper]
        fmt = lvls[level].find(qn("w:numFmt"))
        text = lvls[level].find(qn("w:lvlText"))
        fmt = fmt.get(qn("w:val")) if fmt is not None else "decimal"
        pattern = text.get(qn("w:val")) if text is not None else ""
        if fmt == "bullet":
            label = "•"
        else:
            def sub(m):
                k = int(m.group(1)) - 1
                value = count.get(k, start(k))
                kfmt = lvls[k].find(qn("w:numFmt")).get(qn("w:val")) if k in lvls else "decimal"
                return _FORMATS.get(kfmt, str)(value)
            label = re.sub(r"%(\d)", sub, pattern)
        out.append((label, norm(paragraph_text(p))))
    return out


# ---------------------------------------------------------------- the edits

@dataclass
class Look:
    """What an update made of one edited policy: the new file and the update's report lines."""

    adopted: bytes  # the adopted policy with the edit
    updated: bytes
    lines: list[str] = field(default_factory=list)

    @cached_property
    def accepted(self) -> View:
        return View(self.updated, True)

    @cached_property
    def rejected(self) -> View:
        return View(self.updated, False)

    @cached_property
    def comments(self):
        return comments(self.updated)

    def named(self, *words: str) -> bool:
        text = norm(" ".join(self.lines)).lower()
        return any(norm(w).lower() in text for w in words)

    def conflict_on(self, text: str) -> bool:
        excerpt = norm(text)[:40]
        return any(a == "Balises" and ("conflit" in t.lower() or "conflict" in t.lower()) and excerpt in norm(t)
                   for a, t, _ in self.comments)

    def text_outcome(self, text: str, named_words: tuple[str, ...] = ()) -> str:
        """An edit of the text: there (flagged or not), or not."""
        if self.accepted.has(text):
            return CONFLICT if self.conflict_on(text) else KEPT
        return NAMED if named_words and self.named(*named_words) else LOST


@dataclass(frozen=True)
class Edit:
    id: str
    kind: str  # the edit as a director would name it
    tool: str  # "Word" or "LibreOffice"
    make: Callable | str  # python-docx edit of a Document, or the Life.bas operation
    look: Callable[[Look], str]
    expected: str = KEPT  # what a serious tool does with it


# the texts the edits write (found again in the updated policy)
T_OWNER = "Direction de la production et des studios. Il lui revient"
T_HR = "Un usage RH de l'IA n'est mis en place qu'avec l'accord du CSE ; la DRH en tient le registre."
T_ADDED = "Les délégués syndicaux reçoivent chaque version de la politique quinze jours avant son adoption."
T_DELETED = "un transfert hors de l'Union européenne seulement avec les garanties prévues"
T_COMMENT = "À relire avec l'équipe juridique avant le conseil."
T_COMMENT_CHANGED = "Le service communication veut une mention plus visible."
T_FOOTNOTE = "Voir aussi la note interne du service juridique du 3 mars 2026."
T_FOOTNOTE_CHANGED = "Calendrier établi avec le cabinet d'avocats."
T_ENDNOTE = "Procédure détaillée dans le guide des incidents (intranet)."
T_PENDING_INS = " Le Studio rappelle ces règles à chaque équipe une fois par trimestre."
T_PENDING_DEL = ", et répond de ce qu'elle publie ou envoie"
T_PENDING_CHANGED = " Le Studio applique déjà ces mentions aux bandes-annonces."
T_PENDING_PARA = "Les stagiaires sont formés dès leur arrivée."
T_SUBTITLE = "Studio Lumen Animation SAS"
T_TABLE = "Abonnement d'équipe payant"
T_LABELLING = "Le Studio signale au public tout contenu publié"
STYLE = "Encadré maison"
HEADING_STYLE = "Titre de section maison"


def _reword_owner(d):
    p = ed.find(d, "Responsable de la politique : Direction de production. Il lui")
    ed.set_text(p, ed.text_of(p).replace("Direction de production. Il lui revient", T_OWNER))


def _reword_hr(d):
    ed.set_text(ed.find(d, "Un usage de l'IA en gestion du personnel"), T_HR)


def _add_paragraph(d):
    ed.add_after(ed.find(d, "La représentation du personnel est associée"), T_ADDED)


def _delete_paragraph(d):
    ed.delete(ed.find(d, T_DELETED))


def _delete_clause_unchanged(d):
    ed.delete(ed.find(d, "L'IA générative ne sert pas à établir la traduction"))


def _delete_clause_required(d):
    for start in ("Le règlement européen sur l'IA rend certaines de ces mentions", T_LABELLING):
        ed.delete(ed.find(d, start))


def _comment_unchanged(d):
    ed.comment(d, ed.find(d, "Elle vise l'IA générative"), T_COMMENT)


def _comment_changed(d):
    ed.comment(d, ed.find(d, T_LABELLING), T_COMMENT_CHANGED)


def _footnote_unchanged(d):
    ed.note(d, ed.find(d, "Une personne morale ne peut être autrice"), T_FOOTNOTE)


def _footnote_changed(d):
    ed.note(d, ed.find(d, "Échéances suivies par la personne responsable"), T_FOOTNOTE_CHANGED)


def _endnote(d):
    ed.note(d, ed.find(d, "Toute personne qui constate un problème"), T_ENDNOTE, "endnote")


def _pending_insert(d):
    ed.track_insert(ed.find(d, "Les voix et les visages se contrefont"), T_PENDING_INS)


def _pending_delete(d):
    ed.track_delete(ed.find(d, "Une personne relit et vérifie tout résultat"), T_PENDING_DEL)


def _pending_changed(d):
    ed.track_insert(ed.find(d, T_LABELLING), T_PENDING_CHANGED)


def _pending_paragraph(d):
    ed.track_new_paragraph(ed.find(d, "Chaque personne reçoit la politique et l'aide-mémoire"), T_PENDING_PARA)


def _custom_style(d):
    ed.restyle(d, ed.find(d, "Des outils d'IA sont déjà à l'essai"), STYLE)


def _heading_style(d):
    ed.restyle(d, ed.find(d, "Formation"), HEADING_STYLE, base="Heading 1")


def _footer(d):
    ed.footer_add(d, " · Document interne")


def _header_logo(d):
    ed.header_logo(d)


def _body_image(d):
    ed.picture_after(ed.find(d, "La présente politique, adoptée par"))


def _title_logo(d):
    ed.picture_after(ed.find(d, "Studio Lumen Animation"))


def _renumber(d):
    ed.list_format(d, ed.find(d, "L'humain au centre"))


def _swap(d):
    ed.swap(ed.find(d, "Les contrats de commande, de cession"), ed.find(d, "On ne demande pas à un outil d'imiter"))


def _title_page(d):
    ed.set_text(ed.find(d, "Studio Lumen Animation"), T_SUBTITLE)


def _margins(d):
    from docx.shared import Mm

    for section in d.sections:
        section.left_margin = Mm(30)


def _table_cell(d):
    table = next(t for t in d.tables if t.rows[0].cells[0].text == "Outil")
    row = next(r for r in table.rows if r.cells[0].text == "Midjourney")
    cell = row.cells[2]
    ed.set_text(cell.paragraphs[0], T_TABLE)


def _bold(d):
    ed.bold_word(ed.find(d, "Les outils approuvés s'utilisent avec un compte du Studio"), "authentification")


def _page_break(d):
    ed.page_break_before(ed.find(d, "Données personnelles et confidentialité"))


# ---------------------------------------------------------------- how each edit is looked for

def _has_revision(look: Look, kind: str, text: str) -> str:
    from .libreoffice import USER

    authors = (ed.AUTHOR, " ".join(USER))
    found = any((k, norm(text)) in revisions(look.updated, a) for a in authors for k in (kind,))
    if found:
        return CONFLICT if look.conflict_on(text) else KEPT
    if (kind == "ins" and look.accepted.has(text)) or (kind == "del" and not look.accepted.has(text)):
        return LOST  # no longer a revision: accepted in the colleague's name
    return LOST


def _comment_kept(text: str):
    def look(lk: Look) -> str:
        if any(norm(text) in norm(t) and anchored for _, t, anchored in lk.comments):
            return KEPT
        return NAMED if lk.named("commentaire", "comment") else LOST
    return look


def _note_kept(text: str, kind: str = "footnote"):
    def look(lk: Look) -> str:
        if any(norm(text) in t and referenced for t, referenced in notes(lk.updated, kind)):
            return KEPT
        return NAMED if lk.named("note de bas de page", "footnote", "endnote") else LOST
    return look


def _deleted(text: str):
    def look(lk: Look) -> str:
        if not lk.accepted.has(text):
            return KEPT
        return REINSTATED if lk.named("rétablie", "reinstated") else LOST
    return look


def _style_kept(start: str, name: str):
    def look(lk: Look) -> str:
        return KEPT if lk.accepted.style_of(start) == name else (NAMED if lk.named("style") else LOST)
    return look


def _footer_kept(lk: Look) -> str:
    return KEPT if any("Document interne" in t for t in part_texts(lk.updated, "footer")) else (
        NAMED if lk.named("pied de page", "footer") else LOST)


def _header_kept(lk: Look) -> str:
    return KEPT if header_images(lk.updated) else (NAMED if lk.named("en-tête", "header") else LOST)


def _image_after(start: str, before: str):
    """An image paragraph right after the paragraph starting with ``start`` and before ``before``."""
    def look(lk: Look) -> str:
        view = lk.accepted
        i, j = view.index(start), view.index(before)
        drawings = [k for k, p in enumerate(view.paragraphs) if p.find(".//" + qn("w:drawing")) is not None]
        if any(i < k < j for k in drawings) and i >= 0:
            return KEPT
        return NAMED if lk.named("image") else LOST
    return look


def _renumbered(lk: Look) -> str:
    labels = dict((t[:20], label) for label, t in numbering_labels(lk.updated))
    return KEPT if labels.get(norm("L'humain au centre. On")[:20]) in ("a)", "a.") else (
        NAMED if lk.named("numérotation", "numbering") else LOST)


def _order(lk: Look) -> str:
    view = lk.accepted
    a, b = view.index("On ne demande pas à un outil d'imiter"), view.index("Les contrats de commande, de cession")
    return KEPT if 0 <= a < b else (NAMED if lk.named("ordre", "order") else LOST)


def _margins_kept(lk: Look) -> str:
    sect = docx.Document(io.BytesIO(lk.updated)).sections[-1]
    return KEPT if abs(sect.left_margin.mm - 30) < 0.5 else (NAMED if lk.named("marges", "margins") else LOST)


def _bold_kept(lk: Look) -> str:
    p = lk.accepted.find("Les outils approuvés s'utilisent avec un compte du Studio")
    if p is not None:
        for r in p.iter(qn("w:r")):
            if "authentification" in paragraph_text(r) and r.find(qn("w:rPr") + "/" + qn("w:b")) is not None:
                return KEPT
    return NAMED if lk.named("gras", "bold", "mise en forme", "formatting") else LOST


def _page_break_kept(lk: Look) -> str:
    p = lk.accepted.find("Données personnelles et confidentialité")
    ok = p is not None and p.find(qn("w:pPr") + "/" + qn("w:pageBreakBefore")) is not None
    return KEPT if ok else (NAMED if lk.named("saut de page", "page break") else LOST)


def _title_logo_kept(lk: Look) -> str:
    return _image_after("Studio Lumen Animation", "Version")(lk)


WORD_EDITS: list[Edit] = [
    Edit("reword", "a sentence reworded (a clause Balises leaves alone)", "Word", _reword_owner,
         lambda lk: lk.text_outcome(T_OWNER)),
    Edit("reword_changed", "a paragraph rewritten that Balises changes too", "Word", _reword_hr,
         lambda lk: lk.text_outcome(T_HR), CONFLICT),
    Edit("add", "a paragraph added", "Word", _add_paragraph, lambda lk: lk.text_outcome(T_ADDED)),
    Edit("delete", "a paragraph deleted", "Word", _delete_paragraph, _deleted(T_DELETED)),
    Edit("delete_clause", "a clause deleted (Balises leaves it alone)", "Word", _delete_clause_unchanged,
         _deleted("L'IA générative ne sert pas à établir la traduction")),
    Edit("delete_required", "a clause deleted that the law now requires", "Word", _delete_clause_required,
         lambda lk: REINSTATED if lk.accepted.has(T_LABELLING) and lk.named("rétablie", "reinstated") else (
             KEPT if not lk.accepted.has(T_LABELLING) else LOST), REINSTATED),
    Edit("comment", "a comment", "Word", _comment_unchanged, _comment_kept(T_COMMENT)),
    Edit("comment_changed", "a comment on a passage Balises changes", "Word", _comment_changed,
         _comment_kept(T_COMMENT_CHANGED)),
    Edit("footnote", "a footnote", "Word", _footnote_unchanged, _note_kept(T_FOOTNOTE)),
    Edit("footnote_changed", "a footnote in a passage Balises changes", "Word", _footnote_changed,
         _note_kept(T_FOOTNOTE_CHANGED)),
    Edit("endnote", "an endnote", "Word", _endnote, _note_kept(T_ENDNOTE, "endnote")),
    Edit("pending_insert", "a colleague's pending insertion", "Word", _pending_insert,
         lambda lk: _has_revision(lk, "ins", T_PENDING_INS)),
    Edit("pending_delete", "a colleague's pending deletion", "Word", _pending_delete,
         lambda lk: _has_revision(lk, "del", T_PENDING_DEL)),
    Edit("pending_paragraph", "a colleague's pending new paragraph", "Word", _pending_paragraph,
         lambda lk: _has_revision(lk, "ins", T_PENDING_PARA)),
    Edit("pending_changed", "a colleague's pending insertion in a passage Balises changes", "Word",
         _pending_changed, lambda lk: _has_revision(lk, "ins", T_PENDING_CHANGED), CONFLICT),
    Edit("style", "a paragraph style of the organisation's own", "Word", _custom_style,
         _style_kept("Des outils d'IA sont déjà à l'essai", STYLE)),
    Edit("heading_style", "a section heading in another style", "Word", _heading_style,
         _style_kept("Formation", HEADING_STYLE)),
    Edit("footer", "the footer edited", "Word", _footer, _footer_kept),
    Edit("header_logo", "a logo in the header", "Word", _header_logo, _header_kept),
    Edit("title_logo", "a logo on the title page", "Word", _title_logo, _title_logo_kept),
    Edit("image", "an image in the text", "Word", _body_image,
         _image_after("La présente politique, adoptée par", "Portée")),
    Edit("renumber", "a numbered list renumbered a), b)…", "Word", _renumber, _renumbered),
    Edit("order", "two clauses in another order", "Word", _swap, _order),
    Edit("title_page", "the title page edited", "Word", _title_page,
         lambda lk: lk.text_outcome(T_SUBTITLE, ("page de titre", "title page"))),
    Edit("margins", "the page margins changed", "Word", _margins, _margins_kept),
    Edit("table", "a table cell edited", "Word", _table_cell, lambda lk: lk.text_outcome(T_TABLE)),
    Edit("bold", "a word put in bold", "Word", _bold, _bold_kept),
    Edit("page_break", "a page break before a section", "Word", _page_break, _page_break_kept),
]


def _lo_numbering_same(lk: Look) -> str:
    """Opened and saved in LibreOffice: the headings and lists numbered as before."""
    before = [label for label, _ in numbering_labels(lk.adopted)]
    after = dict((t, label) for label, t in numbering_labels(lk.updated))
    common = [(label, t) for label, t in numbering_labels(lk.adopted) if t in after]
    same = all(after[t] == label for label, t in common) and len(common) >= len(before) * 0.9
    return KEPT if same else LOST


LO_EDITS: list[Edit] = [
    Edit("lo_save", "opened and saved in LibreOffice (numbering)", "LibreOffice", "save", _lo_numbering_same),
    Edit("lo_pending_insert", "a colleague's pending insertion", "LibreOffice", "track_insert",
         lambda lk: _has_revision(lk, "ins", T_PENDING_INS)),
    Edit("lo_pending_delete", "a colleague's pending deletion", "LibreOffice", "track_delete",
         lambda lk: _has_revision(lk, "del", T_PENDING_DEL)),
    Edit("lo_comment", "a comment (made in Word, saved in LibreOffice)", "LibreOffice", "convert",
         _comment_kept(T_COMMENT)),
    Edit("lo_footnote", "a footnote", "LibreOffice", "footnote", _note_kept(T_FOOTNOTE)),
    Edit("lo_style", "a paragraph style of the organisation's own", "LibreOffice", "style",
         _style_kept("Des outils d'IA sont déjà à l'essai", STYLE)),
    Edit("lo_renumber", "a numbered list renumbered a), b)…", "LibreOffice", "numbering", _renumbered),
    Edit("lo_footer", "the footer edited", "LibreOffice", "footer", _footer_kept),
    Edit("lo_image", "an image in the text", "LibreOffice", "image",
         _image_after("La présente politique, adoptée par", "Portée")),
    Edit("lo_reword_changed", "a paragraph rewritten that Balises changes too", "LibreOffice", "reword",
         lambda lk: lk.text_outcome(T_HR), CONFLICT),
    Edit("lo_delete", "a paragraph deleted", "LibreOffice", "delete_paragraph", _deleted(T_DELETED)),
    Edit("lo_heading_style", "a section heading in another style", "LibreOffice", "heading_style",
         _style_kept("Formation", "Heading 2")),
]
# the LibreOffice edits made on a document that already has a Word edit; "convert": saved by a conversion
# (soffice --convert-to), since headless LibreOffice cannot open a document with comments in a window
LO_ON_TOP = {"lo_comment": _comment_unchanged}


def edited(adopted: bytes, edit: Edit) -> bytes:
    """``adopted`` with a python-docx edit made."""
    document = ed.open_docx(adopted)
    edit.make(document)
    return ed.save(document)


# ---------------------------------------------------------------- what every update must keep true

def styles_of(data: bytes) -> set[str]:
    return {s.name for s in docx.Document(io.BytesIO(data)).styles}


# problems() reads the adopted policy and Balises' new text again for each update compared with them: each
# reading is kept (problems only reads what it gets)
_kept = functools.lru_cache(maxsize=16)
_view, _numbering_labels, _comments, _notes, _styles_of, _part_texts = (
    _kept(View), _kept(numbering_labels), _kept(comments), _kept(notes), _kept(styles_of), _kept(part_texts))


def problems(adopted: bytes, updated: bytes, new_policy: bytes, version: str) -> list[str]:
    """What is wrong with ``updated`` (the update of ``adopted``; ``new_policy``: Balises' new text alone)
    as a user would see it: Reject All not giving back the adopted text, Accept All duplicating a paragraph
    outside a marked conflict, numbering that moved, comments, notes, styles, header or footer lost, the
    version or its dates not said."""
    out = []
    before, after = _view(adopted, False).body_texts(), _view(updated, False).body_texts()
    if before != after:
        import difflib

        diff = [d for d in difflib.unified_diff(before, after, lineterm="", n=0) if d[:1] in "+-"][2:8]
        out.append(f"Reject All is not the adopted text: {diff}")
    accepted = _view(updated, True).body_texts()
    ours, new = _view(adopted, True).body_texts(), _view(new_policy, True).body_texts()
    marked = " ".join(t for a, t, _ in _comments(updated) if a == "Balises" and t.startswith(
        ("Balises — conflit", "Balises — conflict")))
    for text in set(accepted):
        if accepted.count(text) > max(ours.count(text), new.count(text)) and text[:40] not in norm(marked):
            out.append(f"Accept All has a paragraph twice: {text[:60]!r}")
        if text not in ours and text not in new and text[:40] not in norm(marked):
            out.append(f"Accept All has a paragraph from nowhere: {text[:60]!r}")
    # numbering: each heading and list paragraph numbered as in Balises' new text (the organisation's own
    # renumbering aside: its labels are compared with its own document)
    want = dict((t, label) for label, t in _numbering_labels(new_policy))
    had = dict((t, label) for label, t in _numbering_labels(adopted))
    for label, text in _numbering_labels(updated):
        if text in want and text in had and label not in (want[text], had[text]) and label != "•":
            out.append(f"numbered {label!r} instead of {want[text]!r}: {text[:50]!r}")
    for author, text, anchored in _comments(adopted):  # the organisation's (Balises' own go with their text)
        if anchored and author != "Balises" and not any(a == author and t == text and ok
                                                        for a, t, ok in _comments(updated)):
            out.append(f"comment lost: {text[:50]!r}")
    for kind in ("footnote", "endnote"):
        for text, referenced in _notes(adopted, kind):
            if referenced and (text, True) not in _notes(updated, kind):
                out.append(f"{kind} lost: {text[:50]!r}")
    lost_styles = _styles_of(adopted) - _styles_of(updated)
    if lost_styles:
        out.append(f"styles lost: {sorted(lost_styles)}")
    for which in ("header", "footer"):
        wanted = [t.replace(f"version {_view(adopted, None).document.core_properties.category}", "version")
                  for t in _part_texts(adopted, which)]
        got = [t.replace(f"version {version}", "version") for t in _part_texts(updated, which)]
        for text in wanted:
            if text and text not in got:
                out.append(f"{which} changed: {text[:60]!r}")
    view = _view(updated, True)
    said = _view(adopted, True).has("Version :") or _view(adopted, True).has("Version:")
    if said and not view.has(f"Version : {version}") and not view.has(f"Version: {version}"):
        out.append(f"title page does not say version {version}")
    if not view.has(f"version {version},"):
        out.append(f"the text does not say version {version}")
    if docx.Document(io.BytesIO(updated)).core_properties.version != version:
        out.append("the document's properties do not say the version")
    return out


def random_edits(adopted: bytes, seed: int) -> tuple[bytes, list[str]]:
    """``adopted`` after up to eight edits drawn at random (paragraphs deleted, rewritten, added, swapped,
    commented, restyled; a colleague's pending insertion): the edits nobody thought of."""
    import random

    rnd = random.Random(seed)
    document = ed.open_docx(adopted)
    done = []
    for n in range(rnd.randint(1, 8)):
        p = rnd.choice([p for p in document.paragraphs if p.text.strip() and p.runs])
        op = rnd.choice(["delete", "rewrite", "add", "swap", "comment", "pending", "style"])
        done.append(f"{op} {p.text[:30]!r}")
        if op == "delete":
            ed.delete(p)
        elif op == "rewrite":
            ed.set_text(p, p.text + " (modifié)")
        elif op == "add":
            ed.add_after(p, f"Ajout {seed}-{n}.")
        elif op == "swap" and p._p.getnext() is not None and p._p.getnext().tag == p._p.tag:
            p._p.addprevious(p._p.getnext())
        elif op == "comment":
            ed.comment(document, p, f"Commentaire {seed}-{n}")
        elif op == "pending":
            ed.track_insert(p, f" ajout en attente {seed}-{n}")
        elif op == "style":
            ed.restyle(document, p, "Style maison")
    return ed.save(document), done
