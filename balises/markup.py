"""Clause markup (CommonMark with tables, parsed by markdown-it-py) to document blocks, with the
typography of the document's locale and XML-illegal characters removed."""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from .document import Block, Heading, ListBlock, ListItem, Paragraph, Run, Table

# Raw HTML stays text: a clause cannot smuggle markup into the document. Rules a clause never needs are off:
# indented code and fences (template indentation must not turn text into code), HTML, reference links,
# setext headings, images, autolinks, and entities (a user's "R&amp;D" stays as typed).
_PARSER = (MarkdownIt("commonmark", {"html": False, "typographer": False})
           .enable("table")
           .disable(["code", "fence", "html_block", "reference", "lheading", "image", "autolink",
                     "html_inline", "entity"]))

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space, before ; ! ? in France
_TYPO_CHARS = re.compile("[«»:;!?]")
_GUILL_OPEN = re.compile(r"«[ \u00a0\u202f]*")
_GUILL_CLOSE = re.compile(r"[ \u00a0\u202f]*»")
_COLON = re.compile(r"[ \u00a0\u202f]+:(?=\s|$)")
_HIGH_PUNCT = re.compile(r"[ \u00a0\u202f]+([;!?])")


def sanitise(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def typography(text: str, locale: str) -> str:
    """French spacing: France puts no-break spaces before ; : ! ? and inside « »; Québec only before : and
    inside « » (Office québécois de la langue française)."""
    if not locale.startswith("fr"):
        return text
    if not _TYPO_CHARS.search(text):  # nothing to adjust (most runs): skip the substitutions
        return text
    text = _GUILL_OPEN.sub("«" + NBSP, text)
    text = _GUILL_CLOSE.sub(NBSP + "»", text)
    text = _COLON.sub(NBSP + ":", text)
    if locale == "fr-CA":
        text = _HIGH_PUNCT.sub(r"\1", text)
    else:
        text = _HIGH_PUNCT.sub(NNBSP + r"\1", text)
    return text


class _Inline:
    def __init__(self, locale: str):
        self.locale = locale

    def runs(self, node: SyntaxTreeNode | None) -> list[Run]:
        if node is None:
            return []
        out: list[Run] = []
        self._walk(node, out, bold=False, italic=False, link=None)
        return _merge(out, self.locale)

    def _walk(self, node, out, bold, italic, link):
        for child in node.children:
            t = child.type
            if t == "text" or t == "code_inline":
                out.append(Run(text=child.content, bold=bold, italic=italic, link=link))
            elif t == "softbreak":
                out.append(Run(text=" ", bold=bold, italic=italic, link=link))
            elif t == "hardbreak":
                out.append(Run(text="", bold=bold, italic=italic, link=link, line_break=True))
            elif t == "strong":
                self._walk(child, out, True, italic, link)
            elif t == "em":
                self._walk(child, out, bold, True, link)
            elif t == "link":
                href = str(child.attrs.get("href", ""))
                safe = href if href.startswith(("https://", "http://", "mailto:")) else None
                self._walk(child, out, bold, italic, safe)
            elif t == "image":
                out.append(Run(text=child.content or "", bold=bold, italic=italic, link=link))
            else:
                self._walk(child, out, bold, italic, link)


def _merge(runs: list[Run], locale: str) -> list[Run]:
    # ``runs`` are fresh from _Inline._walk and seen by nobody else: they are updated in place (the same
    # values as copies with the new text, without a model copy per run)
    merged: list[Run] = []
    for run in runs:
        text = sanitise(run.text)
        if merged and not run.line_break and (merged[-1].bold, merged[-1].italic, merged[-1].link) == (
                run.bold, run.italic, run.link):
            merged[-1].text = merged[-1].text + text
        else:
            run.text = text
            merged.append(run)
    french = locale.startswith("fr")
    for i, run in enumerate(merged):
        text = typography(run.text, locale)
        # a space ending this run before "?" or ":" starting the next one (as in "**Puis-je** ?")
        nxt = merged[i + 1].text[:1] if i + 1 < len(merged) else ""
        if nxt and french and text.endswith(" "):
            text = typography(text + nxt, locale)[:-1]
        run.text = text
    return merged


@functools.lru_cache(maxsize=4096)
def _parse_cached(text: str, locale: str) -> tuple[Block, ...]:
    return tuple(_parse(text, locale))


def parse(text: str, locale: str) -> list[Block]:
    """Blocks of one clause's rendered markup. Clauses whose text does not depend on the organisation
    (most definitions, principles, annex headers) come out identical from one policy to the next: a batch or
    a wizard session parses each distinct text once. Blocks are never modified after parsing."""
    return list(_parse_cached(text, locale))


def _parse(text: str, locale: str) -> list[Block]:
    tree = SyntaxTreeNode(_PARSER.parse(text))
    inline = _Inline(locale)
    return _blocks(tree, inline)


def _inline_child(node: SyntaxTreeNode) -> SyntaxTreeNode | None:
    return next((c for c in node.children if c.type == "inline"), None)


def _blocks(node: SyntaxTreeNode, inline: _Inline) -> list[Block]:
    blocks: list[Block] = []
    for child in node.children:
        t = child.type
        if t == "heading":
            level = int(child.tag[1])
            blocks.append(Heading(level=max(2, min(level, 4)), runs=inline.runs(_inline_child(child))))
        elif t == "paragraph":
            runs = inline.runs(_inline_child(child))
            if runs and "".join(r.text for r in runs).strip():
                blocks.append(Paragraph(runs=runs))
        elif t in ("bullet_list", "ordered_list"):
            blocks.append(_list(child, inline))
        elif t == "blockquote":
            for b in _blocks(child, inline):
                if isinstance(b, Paragraph):
                    b.style = "note"
                blocks.append(b)
        elif t == "table":
            blocks.append(_table(child, inline))
        elif t in ("code_block", "fence"):
            blocks.append(Paragraph(runs=[Run(text=sanitise(child.content.strip()))]))
        elif t == "hr":
            continue
        else:
            blocks.extend(_blocks(child, inline))
    return blocks


def _list(node: SyntaxTreeNode, inline: _Inline) -> ListBlock:
    items = []
    for li in node.children:
        runs: list[Run] = []
        children: list[ListBlock] = []
        for part in li.children:
            if part.type == "paragraph":
                more = inline.runs(_inline_child(part))
                if runs and more:
                    more[0] = more[0].model_copy(update={"line_break": True})
                runs.extend(more)
            elif part.type in ("bullet_list", "ordered_list"):
                children.append(_list(part, inline))
        items.append(ListItem(runs=runs, children=children))
    return ListBlock(ordered=node.type == "ordered_list", items=items)


def _table(node: SyntaxTreeNode, inline: _Inline) -> Table:
    header: list[list[Run]] = []
    rows: list[list[list[Run]]] = []
    for part in node.children:
        for tr in part.children:
            cells = [inline.runs(_inline_child(cell)) for cell in tr.children]
            if part.type == "thead":
                header = cells
            else:
                rows.append(cells)
    return Table(header=header, rows=rows)
