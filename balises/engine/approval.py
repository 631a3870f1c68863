"""The approval test, evaluated on every declared tool, with what the pack's catalogue says the tool offers.

The criteria are data (``decisions/approval.yaml``): each says what it checks, for which classes of information
(or for creative uses), and, from the answers and the catalogue (``decisions/tools.yaml``), whether the tool
meets it, meets it on a stated condition, must change something first, or can never meet it on this account.
A fact the catalogue does not hold stays unknown: the criterion then says a neutral condition, never a setting
the tool may not have.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from balises.contract import conditions
from balises.text import Bilingual

InfoClass = Literal["public", "internal", "confidential", "personal", "sensitive"]
Result = Literal["met", "condition", "to_do", "never", "note"]
Reuse = Literal["excluded", "opt_out", "licence", "unknown"]
Outputs = Literal["user", "vendor", "unknown"]
ACCOUNTS = ("free_consumer", "paid_individual", "business", "self_hosted")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- The catalogue ---------------------------------------------------------------------------------------

class CatalogueSource(_Frozen):
    title: str
    url: str
    checked: dt.date
    seen_via: str | None = None


class PlanFacts(_Frozen):
    """What one plan (account type) of a tool offers, as its vendor's pages say."""

    reuse: Reuse = "unknown"
    setting: str | None = None  # the setting that switches reuse off (reuse: opt_out), named as the vendor does
    outputs: Outputs = "unknown"
    source: tuple[str, ...] = ()

    @field_validator("source", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return (value,) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _setting_named(self):
        if self.reuse == "opt_out" and not self.setting:
            raise ValueError("reuse: opt_out needs the setting's name (setting)")
        return self


class CatalogueEntry(_Frozen):
    id: str
    names: tuple[str, ...] = Field(min_length=1)
    vendor: str
    plans: dict[str, PlanFacts] = Field(default_factory=dict)

    @field_validator("plans")
    @classmethod
    def _known_accounts(cls, value):
        unknown = sorted(set(value) - set(ACCOUNTS))
        if unknown:
            raise ValueError(f"unknown account types {unknown} (allowed: {', '.join(ACCOUNTS)})")
        return value


class Catalogue(_Frozen):
    entries: tuple[CatalogueEntry, ...] = ()
    sources: dict[str, CatalogueSource] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _sources_known(self):
        for entry in self.entries:
            for account, plan in entry.plans.items():
                missing = [s for s in plan.source if s not in self.sources]
                if missing:
                    raise ValueError(f"{entry.id}.{account}: unknown source {missing[0]!r}")
        return self

    def match(self, name: str) -> CatalogueEntry | None:
        """The entry whose longest name starts the tool's name (whole words, any case)."""
        words = _words(name)
        best, size = None, 0
        for entry in self.entries:
            for alias in entry.names:
                alias_words = _words(alias)
                if alias_words and words[:len(alias_words)] == alias_words and len(alias_words) > size:
                    best, size = entry, len(alias_words)
        return best


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


class ToolFacts(_Frozen):
    """A declared tool's facts from the catalogue (everything unknown when it is not there)."""

    entry: str | None = None
    vendor: str | None = None
    reuse: Reuse = "unknown"
    setting: str | None = None
    outputs: Outputs = "unknown"
    sources: tuple[CatalogueSource, ...] = ()


def tool_facts(catalogue: Catalogue, name: str, account: str) -> ToolFacts:
    entry = catalogue.match(name)
    if entry is None:
        return ToolFacts()
    plan = entry.plans.get(account)
    if plan is None:
        return ToolFacts(entry=entry.id, vendor=entry.vendor)
    return ToolFacts(entry=entry.id, vendor=entry.vendor, reuse=plan.reuse, setting=plan.setting,
                     outputs=plan.outputs, sources=tuple(catalogue.sources[s] for s in plan.source))


# --- The criteria ----------------------------------------------------------------------------------------

class Outcome(_Frozen):
    when: dict | None = None
    info: tuple[InfoClass, ...] = ()  # the classes this outcome concerns (empty: every class of the criterion)
    result: Result
    text: Bilingual | None = None

    @model_validator(mode="after")
    def _shape(self):
        conditions.require_valid(self.when)
        if self.result in ("condition", "to_do", "never", "note") and self.text is None:
            raise ValueError(f"result {self.result} needs a text")
        return self


class Criterion(_Frozen):
    """One criterion of the approval test (its `when`, a condition over the profile)."""

    id: str
    when: dict | None = None  # listed (and evaluated) only where this holds
    text: Bilingual
    info: tuple[InfoClass, ...] = ()
    scope: Literal["info", "creative"] = "info"
    outcomes: tuple[Outcome, ...] = ()


class ApprovalTest(_Frozen):
    fix_within_days: int = Field(30, ge=0, le=365)
    criteria: tuple[Criterion, ...] = ()


class CriterionResult(_Frozen):
    """One criterion on one tool: its result for each class it concerns (or for creative uses)."""

    id: str
    results: dict[str, Result]  # class of information (or "creative") -> result
    texts: dict[str, Bilingual] = Field(default_factory=dict)  # class -> the text of that result, when it has one

    def for_class(self, cls: str) -> tuple[Result, Bilingual | None]:
        return self.results.get(cls, "met"), self.texts.get(cls)


def _fill(text: Bilingual, values: dict[str, str]) -> Bilingual:
    def sub(s: str) -> str:
        return re.sub(r"\{(vendor|setting)\}", lambda m: values.get(m.group(1)) or m.group(0), s)
    return Bilingual(fr=sub(text.fr), en=sub(text.en))


def evaluate(test: ApprovalTest, tool_context: dict, context: dict, classes: tuple[str, ...]) -> tuple[CriterionResult, ...]:
    """Every evaluated criterion on one tool. ``tool_context`` is what conditions see as ``tool``."""
    values = {"vendor": tool_context.get("vendor") or tool_context.get("name") or "",
              "setting": tool_context.get("setting") or ""}
    ctx = {**context, "tool": tool_context}
    out = []
    for criterion in test.criteria:
        if not criterion.outcomes or not conditions.holds(criterion.when, ctx):
            continue  # said, not evaluated (a need, the privacy checks)
        targets = ("creative",) if criterion.scope == "creative" else tuple(c for c in classes if c in criterion.info)
        results: dict[str, Result] = {}
        texts: dict[str, Bilingual] = {}
        for cls in targets:
            result: Result = "met"
            for outcome in criterion.outcomes:
                if outcome.info and cls not in outcome.info:
                    continue
                if conditions.holds(outcome.when, ctx):
                    result = outcome.result
                    if outcome.text is not None:
                        texts[cls] = _fill(outcome.text, values)
                    break
            results[cls] = result
        out.append(CriterionResult(id=criterion.id, results=results, texts=texts))
    return tuple(out)


def criteria_fields() -> dict[str, list[str] | None]:
    """What an approval criterion may test besides the profile (for lint)."""
    return {"tool.name": None, "tool.vendor": None, "tool.account": list(ACCOUNTS), "tool.hosting": None,
            "tool.status": ["approved", "under_review", "prohibited"], "tool.hosted_outside": None,
            "tool.hosting_unknown": None, "tool.reuse": ["excluded", "opt_out", "licence", "unknown"],
            "tool.setting": None, "tool.outputs": ["user", "vendor", "unknown"], "tool.catalogued": None}


def parse_catalogue(data: dict[str, Any]) -> Catalogue:
    return Catalogue(entries=tuple(CatalogueEntry.model_validate(e) for e in data.get("catalogue") or ()),
                     sources={k: CatalogueSource.model_validate(v) for k, v in (data.get("sources") or {}).items()})
