"""The document model: what a policy says, independent of Word. Renderers (docx, preview) read only this."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, Field

from balises.engine.decisions import DecisionTable


class Run(BaseModel):
    text: str
    bold: bool = False
    italic: bool = False
    link: str | None = None
    line_break: bool = False  # a hard line break before this run's text
    statement: str | None = None  # the decision model's statement this text says (balises.engine.statements)


class Paragraph(BaseModel):
    kind: Literal["paragraph"] = "paragraph"
    runs: list[Run]
    style: Literal["body", "note", "quote"] = "body"


class Heading(BaseModel):
    kind: Literal["heading"] = "heading"
    level: int  # 2 = subsection of a section (numbered 7.1), 3 = below
    runs: list[Run]


class ListItem(BaseModel):
    runs: list[Run]
    children: list["ListBlock"] = Field(default_factory=list)


class ListBlock(BaseModel):
    kind: Literal["list"] = "list"
    ordered: bool = False
    items: list[ListItem]


class Table(BaseModel):
    kind: Literal["table"] = "table"
    header: list[list[Run]]
    rows: list[list[list[Run]]]


Block = Annotated[Union[Paragraph, Heading, ListBlock, Table], Field(discriminator="kind")]


class Clause(BaseModel):
    id: str
    blocks: list[Block]
    rules: list[str]


class Section(BaseModel):
    id: str
    kind: Literal["body", "annex"]
    number: str  # "7" for a body section, "A" for an annex
    title: str
    clauses: list[Clause]
    staff_edition: bool = True


def heading_text(number: str, title: str, separator: str = ". ") -> str:
    """A section's heading as text: "7. Title" for a numbered section of the policy; the title alone for a
    section without a number (a document of the kit)."""
    return f"{number}{separator}{title}" if number else title


class TraceSource(BaseModel):
    reference: str
    url: str | None
    status: str
    applies_from: dt.date | None
    kind: str = "statute"
    published: dt.date | None = None  # guidance, studies, charters, bills: shown, never a date of application
    decided: dt.date | None = None  # a case: the day of the decision, shown, never a date of application


class TraceEntry(BaseModel):
    """Why one clause is in the document."""

    section: str
    section_number: str
    section_title: str
    clause: str
    variant: str | None
    rules: list[str]
    why: list[str]
    sources: list[TraceSource]


class Metadata(BaseModel):
    title: str
    subtitle: str
    organisation: str
    lang: str
    locale: str
    version: str
    effective_date: dt.date
    next_review: dt.date | None = None
    generated_on: dt.date
    edition: str = "full"
    pack: str
    pack_name: str
    pack_version: str
    approved_by: str
    owner_role: str
    footer: str
    preamble: str | None = None
    adopted_on: dt.date | None = None  # the day this version was adopted (recorded by an update)
    length: str = "standard"
    toc: bool = False  # a table of contents, where the length warrants it (complete)


class HistoryEntry(BaseModel):
    """One row of the version history, carried from version to version in the embedded data."""

    version: str
    date: dt.date  # the day Balises wrote this version
    adopted_by: str = ""  # the body that adopted it, or what is to be done ("to be adopted (…)")
    summary: str = ""
    adopted_on: dt.date | None = None  # the day it was adopted, once recorded
    effective: dt.date | None = None  # the day it comes into force


class PolicyDocument(BaseModel):
    meta: Metadata
    sections: list[Section]
    trace: list[TraceEntry]
    profile: dict[str, Any]  # the answers, embedded so that the policy can be regenerated
    decisions: DecisionTable | None = None  # the decision table, for the decision trace
    notices: list[str] = Field(default_factory=list)
    history: list[HistoryEntry] = Field(default_factory=list)  # rendered as a table after the last body section

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)

    def clause_ids(self) -> list[str]:
        return [c.id for s in self.sections for c in s.clauses]


def runs_text(runs: list[Run]) -> str:
    return "".join(("\n" if r.line_break else "") + r.text for r in runs)


def block_text(block: Any) -> list[str]:
    """The plain text lines of a block (for search, previews and tests)."""
    if isinstance(block, (Paragraph, Heading)):
        return [runs_text(block.runs)]
    if isinstance(block, ListBlock):
        out = []
        for item in block.items:
            out.append(runs_text(item.runs))
            for child in item.children:
                out.extend(block_text(child))
        return out
    if isinstance(block, Table):
        return [" | ".join(runs_text(c) for c in row) for row in [block.header, *block.rows]]
    return []


def document_text(doc: PolicyDocument) -> str:
    lines = [doc.meta.title, doc.meta.subtitle]
    for s in doc.sections:
        lines.append(s.title)
        for c in s.clauses:
            for b in c.blocks:
                lines.extend(block_text(b))
    return "\n".join(lines)


def body_words(doc: PolicyDocument) -> int:
    """Words of the text a reader reads: headings, paragraphs and lists; tables (of tools, of uses) and the
    cover excluded, as the outline's budgets count them."""
    words = 0
    for s in doc.sections:
        words += len(s.title.split())
        for c in s.clauses:
            for b in c.blocks:
                if not isinstance(b, Table):
                    words += sum(len(line.split()) for line in block_text(b))
    return words


ListItem.model_rebuild()
