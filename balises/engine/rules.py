"""Rules: when a rule applies, which clauses it selects, why, and on what legal source.

A rule is data (a YAML mapping in ``rules/``)::

    - id: qc-efvp-before-acquisition
      when: {all: [{field: facts.privacy_regime, equals: law25_private}]}
      select:
        - clause: data.qc_efvp
          params: {article: "3.3"}
      excludes: [data.generic_impact_assessment]
      why:
        fr: "Au Québec, toute acquisition d'un système qui traite des renseignements personnels exige une EFVP."
        en: "In Québec, acquiring a system that processes personal information requires a PIA (EFVP)."
      sources:
        - reference: "Act respecting the protection of personal information in the private sector, s. 3.3"
          url: https://www.legisquebec.gouv.qc.ca/fr/document/lc/P-39.1#se:3_3
          kind: statute
          status: V
          applies_from: 2023-09-22

A rule fires when its condition holds and the generation date is on or after its ``applies_from`` (by
default the latest ``applies_from`` of its statutes and regulations) and before its ``applies_until``. A case
has a ``decided`` date, and a study, a charter, a standard, a guideline or a bill a ``published`` date: they
inform a clause, they never decide when the clause applies (a rule that reports one may not start before it,
with its own ``applies_from``). What truly cannot be linked at article level, or dated, says why in the data
(``unlinked``, ``undated``). A source of status NV (not verified) is only
allowed in a rule marked ``conditional: true``, whose text states it conditionally (``balises lint``). Conflicts are
explicit: ``excludes`` removes clauses whatever else selects them; two rules giving one clause different
variants is an error, never settled by file order.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from balises.contract import conditions, vocabulary
from balises.errors import PackError
from balises.problems import Place
from balises.text import Bilingual

SourceKind = Literal["statute", "regulation", "case", "regulator_guidance", "standard", "sector_study", "charter",
                     "bill"]
LEGAL_KINDS = ("statute", "regulation", "case")  # law: its URL must open the article or the decision
GATING_KINDS = ("statute", "regulation")  # the only kinds whose date can gate a rule: a case never does
# where a source belongs; a policy of another jurisdiction never shows a non-legal source of this one
SOURCE_JURISDICTIONS = {
    "quebec": {"quebec"}, "canada": set(vocabulary.jurisdictions_where("canada")), "canada_other": {"canada_other"},
    "eu": set(vocabulary.jurisdictions_where("eu_member")), "france": {"france"}, "belgium": {"belgium"},
    "switzerland": {"switzerland"}, "international": None,
}


class Source(BaseModel):
    """A legal or sector source: what kind of text it is, how it was checked, and its date."""

    model_config = ConfigDict(extra="forbid")
    reference: str
    reference_en: str | None = None  # the English title, where it differs (annex E of an English policy)
    url: str | None = None
    kind: SourceKind = Field(description="statute, regulation, case (law: may gate a rule's date); "
                                         "regulator_guidance, standard, sector_study, charter, bill (never law)")
    status: Literal["V", "V2", "NV"] = Field(
        description="the legal brief's scale: V official text, V2 reputable secondary sources, NV not verified "
                    "(only in a rule marked conditional)")
    applies_from: dt.date | None = Field(None, description="date the provision applies (statute, regulation)")
    published: dt.date | None = Field(None, description="publication date (guidance, standard, study, charter, bill)")
    decided: dt.date | None = Field(None, description="date of the decision (case): it informs, it never gates")
    # what truly cannot be done, said in the data with its reason (balises lint accepts it and counts it)
    unlinked: str | None = Field(None, description="why no official address opens this article or decision")
    undated: str | None = Field(None, description="why the date this provision applies from is not given")
    jurisdiction: Literal["quebec", "canada", "canada_other", "eu", "france", "belgium", "switzerland",
                          "international"] | None = None
    note: str | None = None
    line: int = Field(0, exclude=True)  # where it was read, for lint messages

    @model_validator(mode="before")
    @classmethod
    def _where(cls, data):
        if isinstance(data, dict) and getattr(data, "line", 0) and "line" not in data:
            data = {**data, "line": data.line}
        return data

    @property
    def legal(self) -> bool:
        return self.kind in LEGAL_KINDS

    @property
    def gates(self) -> bool:
        return self.kind in GATING_KINDS and self.applies_from is not None

    def date(self) -> dt.date | None:
        return self.applies_from or self.decided or self.published

    def shown_in(self, jurisdiction: str) -> bool:
        """Law is chosen by the rules' conditions; a non-legal source shows only in its own jurisdiction."""
        if self.legal or not self.jurisdiction:
            return True
        allowed = SOURCE_JURISDICTIONS[self.jurisdiction]
        return allowed is None or jurisdiction in allowed

    def key(self) -> tuple:
        return (self.reference, self.url or "", self.date() or dt.date.min)


class Selection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    clause: str
    params: dict[str, Any] = Field(default_factory=dict)
    variant: str | None = None


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    description: str | None = None
    when: dict | None = None
    select: list[Selection] = Field(default_factory=list)
    excludes: list[str] = Field(default_factory=list)
    why: Bilingual
    sources: list[Source] = Field(default_factory=list)
    applies_from: dt.date | None = None
    applies_until: dt.date | None = None
    # the rule rests on a fact not verified (a source of status NV): its text must say so conditionally
    conditional: bool = False
    # where the rule was read, for messages (not part of the YAML)
    file: str = Field("", exclude=True)
    line: int = Field(0, exclude=True)

    @field_validator("select", mode="before")
    @classmethod
    def _short_form(cls, value):
        if isinstance(value, list):
            return [{"clause": v} if isinstance(v, str) else v for v in value]
        return value

    @model_validator(mode="after")
    def _condition_shape(self):
        conditions.require_valid(self.when)
        if not self.select and not self.excludes:
            raise ValueError("a rule selects or excludes at least one clause")
        return self

    def effective_from(self) -> dt.date | None:
        if self.applies_from:
            return self.applies_from
        # only a statute or a regulation gates a rule: a decision's, a study's or a guideline's date never does
        dates = [s.applies_from for s in self.sources if s.gates]
        return max(dates) if dates else None

    def in_force(self, as_of: dt.date) -> bool:
        start = self.effective_from()
        if start and as_of < start:
            return False
        return not (self.applies_until and as_of >= self.applies_until)

    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.file else self.id

    @property
    def place(self) -> Place:
        return Place(self.file, self.line) if self.file else Place(self.id)


class ClauseDecision(BaseModel):
    """A clause chosen for the document, with everything that chose it."""

    clause: str
    params: dict[str, Any] = Field(default_factory=dict)
    variant: str | None = None
    rules: list[str] = Field(default_factory=list)


class Decisions(BaseModel):
    as_of: dt.date
    clauses: dict[str, ClauseDecision]
    fired: list[str]
    not_yet_in_force: list[str]  # rules whose condition holds but whose date has not come
    excluded: dict[str, list[str]]  # clause -> rules that excluded it

    def selected(self, clause: str) -> bool:
        return clause in self.clauses


def decide(rules: dict[str, Rule], context: dict, as_of: dt.date) -> Decisions:
    """Fire the rules on ``context`` (profile data plus facts) as of ``as_of``."""
    chosen: dict[str, ClauseDecision] = {}
    fired: list[str] = []
    future: list[str] = []
    excluded: dict[str, list[str]] = {}
    for rule_id in sorted(rules):  # sorted so the trace is stable; order never decides content
        rule = rules[rule_id]
        if not conditions.holds(rule.when, context):
            continue
        if not rule.in_force(as_of):
            future.append(rule_id)
            continue
        fired.append(rule_id)
        for clause in rule.excludes:
            excluded.setdefault(clause, []).append(rule_id)
        for sel in rule.select:
            decision = chosen.get(sel.clause)
            if decision is None:
                chosen[sel.clause] = ClauseDecision(clause=sel.clause, params=dict(sel.params),
                                                    variant=sel.variant, rules=[rule_id])
                continue
            if sel.variant and decision.variant and sel.variant != decision.variant:
                raise PackError(
                    f"Conflit de règles : {decision.rules[0]} et {rule_id} choisissent la clause {sel.clause} "
                    f"avec des variantes différentes ({decision.variant} / {sel.variant}).",
                    f"Rule conflict: {decision.rules[0]} and {rule_id} select clause {sel.clause} with different "
                    f"variants ({decision.variant} / {sel.variant}); make one exclude the other.",
                )
            for key, value in sel.params.items():
                if key in decision.params and decision.params[key] != value:
                    raise PackError(
                        f"Conflit de règles : {decision.rules[0]} et {rule_id} donnent deux valeurs au paramètre "
                        f"{key} de la clause {sel.clause}.",
                        f"Rule conflict: {decision.rules[0]} and {rule_id} give parameter {key} of clause "
                        f"{sel.clause} two values.",
                    )
                decision.params[key] = value
            decision.variant = decision.variant or sel.variant
            decision.rules.append(rule_id)
    for clause in excluded:
        chosen.pop(clause, None)
    return Decisions(as_of=as_of, clauses=chosen, fired=fired, not_yet_in_force=future, excluded=excluded)
