"""The pack as the engine reads it: what a pack's files say once read, checked and layered (see
:mod:`balises.packs.loader`, which reads them), and the engine that serves it.

Here, in the engine, so that the engine and every stage above it take a pack without importing its reader
(balises/packs/ sits above the engine and the renderer: ARCHITECTURE.md).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from balises.contract.paths import nest
from balises.contract.vocabulary import LANGUAGE_CODES
from balises.engine.decisions import DecisionData
from balises.engine.rules import Rule
from balises.engine.state import Engine
from balises.problems import Problem

_ENGINE_LOCK = threading.Lock()


class PackInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    version: str
    publisher: str | None = None
    description: str | None = None
    languages: list[Literal[LANGUAGE_CODES]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: list(LANGUAGE_CODES), min_length=1)
    extends: str | None = None  # "default", or None for a base pack
    base_version: str | None = None
    disable_rules: list[str] = Field(default_factory=list)
    disable_clauses: list[str] = Field(default_factory=list)
    # answers an association recommends, applied where the profile leaves the question open
    profile_defaults: dict[str, Any] = Field(default_factory=dict)
    preamble: dict[str, str] = Field(default_factory=dict)  # {"fr": "Modèle proposé par …", "en": …}

    @field_validator("profile_defaults")
    @classmethod
    def _answers(cls, value: dict[str, Any]) -> dict[str, Any]:
        nest(value)  # every key a field path (policy.stance), or a ValueError naming the one that is not
        return value


class SectionDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    kind: Literal["body", "annex"] = "body"
    letter: str | None = None
    title: dict[str, str]  # by language, or by locale (fr-CA, fr-FR) where the wording differs
    clauses: list[str]
    staff_edition: bool = True  # in the staff edition (annex F is for advisers)
    editions: list[str] = Field(default_factory=list)  # stand-alone documents made of this section
    # clauses written only from a given length of policy on: {clause: standard|complete}
    lengths: dict[str, Literal["concise", "standard", "complete"]] = Field(default_factory=dict)

    def title_for(self, lang: str, locale: str) -> str:
        return self.title.get(locale) or self.title[lang]


class OutlineAddition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    section: str
    clause: str
    after: str | None = None


@dataclass
class Pack:
    info: PackInfo
    layers: list[PackInfo]
    sections: list[SectionDef]
    rules: dict[str, Rule]
    templates: dict[str, str]  # "fr/transparency.labelling.md" -> template text
    template_files: dict[str, str]  # same key -> where it came from (for messages)
    terms: dict[str, dict[str, str]]
    reference_docx: bytes
    rule_files: dict[str, str] = field(default_factory=dict)  # rule id -> file
    disabled_rules: set[str] = field(default_factory=set)
    decisions: DecisionData = field(default_factory=DecisionData)
    # what was removed from the reference .docx because it reached out of the machine: (where, fr, en)
    reference_findings: list[Problem] = field(default_factory=list)
    # what is compiled from this pack, made on first use (see :attr:`engine`)
    _engine: Engine | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def engine(self) -> Engine:
        """The pack's engine: one per pack object, made on first use, shared by every document, thread and
        session, and gone with the pack (an edited pack is read again by ``load_pack`` as a new pack, with a
        new engine)."""
        engine = self._engine
        if engine is None or engine.pack is not self:  # (a copy of a pack gets its own)
            with _ENGINE_LOCK:
                engine = self._engine
                if engine is None or engine.pack is not self:
                    engine = Engine(self)
                    self._engine = engine
        return engine

    @property
    def label(self) -> str:
        return " + ".join(f"{layer.name} {layer.version}" for layer in self.layers)

    def section(self, section_id: str) -> SectionDef:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)

    def clause_ids(self) -> list[str]:
        return [c for s in self.sections for c in s.clauses]

    def template_key(self, clause: str, lang: str) -> str:
        return f"{lang}/{clause}.md"
