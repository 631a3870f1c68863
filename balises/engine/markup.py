"""Clause markup (CommonMark with tables, parsed by markdown-it-py) to document blocks, with the
typography of the document's locale and XML-illegal characters removed."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from balises.engine.document import Block, Heading, ListBlock, ListItem, Paragraph, Run, Table
from balises.engine.statements import OPEN, split

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


def _inline_runs(token, locale: str) -> list[Run]:
    """Runs of one inline token (markdown-it's flat stream of text, emphasis and link marks)."""
    out: list[Run] = []
    bold = italic = 0
    link = None
    new = Run.model_construct  # the values come from the parser, already of the right types
    for child in token.children or ():
        t = child.type
        if t == "text" or t == "code_inline":
            out.append(new(text=child.content, bold=bold > 0, italic=italic > 0, link=link, line_break=False))
        elif t == "softbreak":
            out.append(new(text=" ", bold=bold > 0, italic=italic > 0, link=link, line_break=False))
        elif t == "hardbreak":
            out.append(new(text="", bold=bold > 0, italic=italic > 0, link=link, line_break=True))
        elif t == "strong_open":
            bold += 1
        elif t == "strong_close":
            bold -= 1
        elif t == "em_open":
            italic += 1
        elif t == "em_close":
            italic -= 1
        elif t == "link_open":
            href = str(child.attrs.get("href", ""))
            link = href if href.startswith(("https://", "http://", "mailto:")) else None
        elif t == "link_close":
            link = None
    return _merge(out, locale)


def _merge(runs: list[Run], locale: str) -> list[Run]:
    # ``runs`` are fresh from _inline_runs and seen by nobody else: they are updated in place (the same
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
    if any(OPEN in r.text for r in merged):  # statements of the decision model: runs of their own, keyed
        merged = _statements(merged)
    french = locale.startswith("fr")
    for i, run in enumerate(merged):
        text = typography(run.text, locale)
        # a space ending this run before "?" or ":" starting the next one (as in "**Puis-je** ?")
        nxt = merged[i + 1].text[:1] if i + 1 < len(merged) else ""
        if nxt and french and text.endswith(" "):
            text = typography(text + nxt, locale)[:-1]
        run.text = text
    return merged


def _statements(runs: list[Run]) -> list[Run]:
    out: list[Run] = []
    for run in runs:
        pieces = split(run.text)
        for i, (text, key) in enumerate(pieces):
            out.append(run.model_copy(update={"text": text, "statement": key,
                                              "line_break": run.line_break and i == 0}))
        if not pieces and run.line_break:
            out.append(run.model_copy(update={"text": ""}))
    return out


def parse(text: str, locale: str) -> list[Block]:
    """Blocks of one clause's rendered markup, parsed afresh (the pack's engine keeps them: see
    :meth:`balises.engine.state.Engine.parse`)."""
    tokens = _PARSER.parse(text)
    blocks, _ = _blocks(tokens, 0, None, locale)
    return blocks


def _blocks(tokens: list, i: int, stop: str | None, locale: str) -> tuple[list[Block], int]:
    """Blocks from ``tokens[i]`` up to the closing token ``stop`` (markdown-it's block stream is flat:
    *_open and *_close tokens around inline ones)."""
    blocks: list[Block] = []
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        t = tok.type
        if t == stop:
            return blocks, i + 1
        if t == "heading_open":
            level = int(tok.tag[1])
            blocks.append(Heading(level=max(2, min(level, 4)), runs=_inline_runs(tokens[i + 1], locale)))
            i += 3
        elif t == "paragraph_open":
            runs = _inline_runs(tokens[i + 1], locale)
            if runs and "".join(r.text for r in runs).strip():
                blocks.append(Paragraph(runs=runs))
            i += 3
        elif t in ("bullet_list_open", "ordered_list_open"):
            block, i = _list(tokens, i, locale)
            blocks.append(block)
        elif t == "blockquote_open":
            inner, i = _blocks(tokens, i + 1, "blockquote_close", locale)
            for b in inner:
                if isinstance(b, Paragraph):
                    b.style = "note"
                blocks.append(b)
        elif t == "table_open":
            block, i = _table(tokens, i, locale)
            blocks.append(block)
        else:  # hr, and anything a disabled rule would have made
            i += 1
    return blocks, i


def _list(tokens: list, i: int, locale: str) -> tuple[ListBlock, int]:
    ordered = tokens[i].type == "ordered_list_open"
    close = "ordered_list_close" if ordered else "bullet_list_close"
    i += 1
    items: list[ListItem] = []
    while tokens[i].type != close:
        # list_item_open … list_item_close
        i += 1
        runs: list[Run] = []
        children: list[ListBlock] = []
        while tokens[i].type != "list_item_close":
            t = tokens[i].type
            if t == "paragraph_open":
                more = _inline_runs(tokens[i + 1], locale)
                if runs and more:
                    more[0].line_break = True  # a second paragraph in the item starts on a new line
                runs.extend(more)
                i += 3
            elif t in ("bullet_list_open", "ordered_list_open"):
                child, i = _list(tokens, i, locale)
                children.append(child)
            elif t == "inline":  # text of a block not expected in a list item (a table, a quote): kept
                extra = _inline_runs(tokens[i], locale)
                if runs and extra:
                    extra[0].line_break = True
                runs.extend(extra)
                i += 1
            else:
                i += 1
        items.append(ListItem(runs=runs, children=children))
        i += 1
    return ListBlock(ordered=ordered, items=items), i + 1


def _table(tokens: list, i: int, locale: str) -> tuple[Table, int]:
    header: list[list[Run]] = []
    rows: list[list[list[Run]]] = []
    in_head = False
    row: list[list[Run]] | None = None
    i += 1
    while tokens[i].type != "table_close":
        t = tokens[i].type
        if t == "thead_open":
            in_head = True
        elif t == "thead_close":
            in_head = False
        elif t == "tr_open":
            row = []
        elif t == "tr_close":
            if in_head:
                header = row or []
            else:
                rows.append(row or [])
        elif t == "inline" and row is not None:
            row.append(_inline_runs(tokens[i], locale))
        i += 1
    return Table(header=header, rows=rows), i + 1
