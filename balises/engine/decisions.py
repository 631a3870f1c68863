"""The decision table: for each declared use, each class of information and each declared tool, one verdict.

Computed once from the profile, its facts and the pack's decision rules (``decisions/*.yaml``); every
section, companion document, the wizard's preview and ``balises explain`` render from it, so no two places
can disagree. Answers that contradict each other become *decisions to take*, and the table holds the safe
verdict meanwhile.

The rules decide (YAML); this module only combines: the most restrictive verdict of the rules that fire
wins, a use done with a tool gets the stricter of the use's verdict and the tool's verdict for the
information the use needs, and a use gets the best verdict among its tools.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from balises.contract import vocabulary
from balises.engine import conditions
from balises.engine.rules import Bilingual, Source
from balises.errors import PackError

Verdict = Literal["permitted", "conditional", "ask_first", "prohibited"]
InfoClass = Literal["public", "internal", "confidential", "personal", "sensitive"]
# the kinds of conflicting answers this module detects (each worded in decisions/conflicts.yaml)
CONFLICT_CODES = ("tool_info_mismatch", "approved_free_account", "use_without_tool", "prohibited_with_uses",
                  "voice_likeness_without_consent", "personal_data_needed")
VERDICT_ORDER: tuple[str, ...] = ("permitted", "conditional", "ask_first", "prohibited")
CLASS_ORDER: tuple[str, ...] = ("public", "internal", "confidential", "personal", "sensitive")
CATEGORIES = ("admin", "creative", "public", "hr")


def stricter(a: str, b: str) -> str:
    return a if VERDICT_ORDER.index(a) >= VERDICT_ORDER.index(b) else b


# --- The pack's decision data ----------------------------------------------------------------------------

class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UseSpec(_Frozen):
    """What one use handles (``decisions/uses.yaml``)."""

    category: Literal["admin", "creative", "public", "hr"]
    base: Literal["public", "internal"] = "internal"
    materials: tuple[str, ...] = ()
    personal: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


class DecisionRule(_Frozen):
    id: str
    applies_to: Literal["use", "tool_info"]
    when: dict | None = None
    verdict: Verdict
    conditions: tuple[str, ...] = ()
    why: Bilingual
    sources: tuple[Source, ...] = ()
    applies_from: dt.date | None = None
    applies_until: dt.date | None = None
    file: str = Field("", exclude=True)
    line: int = Field(0, exclude=True)

    @model_validator(mode="after")
    def _condition_shape(self):
        conditions.require_valid(self.when)
        return self

    def in_force(self, as_of: dt.date) -> bool:
        if self.applies_from and as_of < self.applies_from:
            return False
        return not (self.applies_until and as_of >= self.applies_until)


class ConflictWording(_Frozen):
    fr: str
    en: str
    safe: Bilingual


class ConflictSpec(ConflictWording):
    step: str
    field: str
    one: ConflictWording | None = None  # the wording when a single use is concerned


class FixedSituation(_Frozen):
    question: Bilingual
    verdict: Verdict
    detail: Bilingual | None = None


class Situations(_Frozen):
    """The aide-mémoire's wording (``decisions/situations.yaml``)."""

    situations: dict[str, Bilingual] = Field(default_factory=dict)
    fixed: tuple[FixedSituation, ...] = ()
    answers: dict[str, Bilingual] = Field(default_factory=dict)


class DecisionData(_Frozen):
    """Everything the decision table needs from a pack."""

    uses: dict[str, UseSpec] = Field(default_factory=dict)
    sensitive_personal_data: tuple[str, ...] = ()
    rules: tuple[DecisionRule, ...] = ()
    conditions: dict[str, dict[str, str]] = Field(default_factory=dict)
    conflicts: dict[str, ConflictSpec] = Field(default_factory=dict)
    situations: Situations = Field(default_factory=Situations)

    @field_validator("uses")
    @classmethod
    def _known_uses(cls, value):
        unknown = sorted(set(value) - set(vocabulary.ALL_USES))
        if unknown:
            raise ValueError(f"unknown uses {unknown}")
        return value


DECISIONS_DIR = "decisions/"


def parse_decision_files(layers: list[tuple[str, dict[str, Any]]]) -> DecisionData:
    """Merge the ``decisions/*.yaml`` data of each layer (base first); a later layer replaces by key or id.

    ``layers`` holds (source, {file name: parsed YAML}) pairs, so that messages name the file."""
    uses: dict[str, Any] = {}
    sensitive: list[str] = []
    rules: dict[str, DecisionRule] = {}
    conds: dict[str, dict[str, str]] = {}
    conflicts: dict[str, Any] = {}
    situations: dict[str, Any] = {}
    for source, files in layers:
        for name in sorted(files):
            data, where = files[name], f"{source}/{name}"
            if data is None:
                continue
            try:
                if isinstance(data, list):  # a list of decision rules
                    for item in data:
                        line = getattr(item, "line", 0)
                        try:
                            rule = DecisionRule.model_validate({**item, "file": where, "line": line})
                        except (ValidationError, TypeError) as exc:
                            raise PackError(f"{where}:{line} : règle de décision invalide ({_short(exc)}).",
                                            f"{where}:{line}: invalid decision rule ({_short(exc)}).") from None
                        rules[rule.id] = rule
                    continue
                if not isinstance(data, dict):
                    raise PackError(f"{where} : un tableau associatif ou une liste de règles est attendu.",
                                    f"{where}: a mapping or a list of rules is expected.")
                unknown = set(data) - {"uses", "sensitive_personal_data", "conditions", "conflicts", "situations",
                                       "fixed", "answers"}
                if unknown:
                    raise PackError(f"{where} : clé inconnue {sorted(unknown)[0]!r}.",
                                    f"{where}: unknown key {sorted(unknown)[0]!r}.")
                for key, spec in (data.get("uses") or {}).items():
                    uses[key] = UseSpec.model_validate(spec)
                sensitive = list(data.get("sensitive_personal_data") or sensitive)
                for key, text in (data.get("conditions") or {}).items():
                    conds[key] = Bilingual.model_validate(text).model_dump() | dict(text)
                for key, spec in (data.get("conflicts") or {}).items():
                    conflicts[key] = ConflictSpec.model_validate(spec)
                for key in ("situations", "fixed", "answers"):
                    if key in data:
                        situations[key] = data[key]
            except ValidationError as exc:
                raise PackError(f"{where} : {_short(exc)}", f"{where}: {_short(exc)}") from None
    try:
        return DecisionData(uses=uses, sensitive_personal_data=tuple(sensitive), rules=tuple(rules.values()),
                            conditions=conds, conflicts=conflicts, situations=Situations.model_validate(situations))
    except ValidationError as exc:
        raise PackError(f"decisions : {_short(exc)}", f"decisions: {_short(exc)}") from None


def _short(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False))
    return str(exc)


# --- The table -------------------------------------------------------------------------------------------

class Reason(_Frozen):
    rule: str
    why: Bilingual
    sources: tuple[Source, ...] = ()


class Ruling(_Frozen):
    verdict: Verdict
    conditions: tuple[str, ...] = ()
    reasons: tuple[Reason, ...] = ()


class ToolRuling(_Frozen):
    """One tool: its verdict for each class of information."""

    name: str
    vendor: str | None
    hosting: str
    account: str
    status: str
    uses: tuple[str, ...]
    hosted_outside: bool
    hosting_unknown: bool
    classes: dict[str, Ruling]

    def may_receive(self) -> list[str]:
        return [c for c in CLASS_ORDER if self.classes[c].verdict in ("permitted", "conditional")]


class UseRuling(_Frozen):
    """One declared use: its verdict as the policy states it, with the tools that may serve it."""

    id: str
    category: str
    needs: InfoClass  # the most protected class of information the use works with here
    verdict: Verdict
    conditions: tuple[str, ...]
    reasons: tuple[Reason, ...]
    tools: tuple[str, ...]  # tools through which the use is permitted (with conditions or not)
    pending_tools: tuple[str, ...]  # declared for it but not (yet) usable for it


class DecisionToTake(_Frozen):
    code: str
    step: str
    field: str
    subject: str
    message: Bilingual
    safe: Bilingual

    def text(self, lang: str) -> str:
        return self.message.get(lang)


class DecisionTable(_Frozen):
    uses: tuple[UseRuling, ...]
    tools: tuple[ToolRuling, ...]
    to_take: tuple[DecisionToTake, ...]
    classes_held: tuple[str, ...]  # the classes of information the organisation holds

    def use(self, use_id: str) -> UseRuling | None:
        return next((u for u in self.uses if u.id == use_id), None)

    def tool(self, name: str) -> ToolRuling | None:
        return next((t for t in self.tools if t.name == name), None)


def _rule_out(rules: list[DecisionRule], context: dict, as_of: dt.date) -> Ruling:
    verdict: str | None = None
    conds: list[str] = []
    reasons: list[Reason] = []
    for rule in sorted(rules, key=lambda r: r.id):
        if not rule.in_force(as_of) or not conditions.holds(rule.when, context):
            continue
        verdict = rule.verdict if verdict is None else stricter(verdict, rule.verdict)
        conds.extend(c for c in rule.conditions if c not in conds)
        reasons.append(Reason(rule=rule.id, why=rule.why, sources=rule.sources))
    if verdict is None:
        return Ruling(verdict="ask_first", conditions=(), reasons=())
    if verdict == "prohibited":
        conds = []  # a prohibition has no conditions to meet
    return Ruling(verdict=verdict, conditions=tuple(conds), reasons=tuple(reasons))


def _needs(spec: UseSpec, profile_data: dict, sensitive: tuple[str, ...]) -> str:
    held_personal = set(profile_data["personal_data"]) & set(spec.personal)
    if held_personal & set(sensitive):
        return "sensitive"
    if held_personal:
        return "personal"
    if set(profile_data["confidential_material"]) & set(spec.materials):
        return "confidential"
    return spec.base


def decision_table(profile: Any, facts: Any, data: DecisionData, as_of: dt.date) -> DecisionTable:
    """The one decision table of ``profile`` (a Profile) with its ``facts``, as of ``as_of``."""
    base = profile.model_dump(mode="python")
    base["facts"] = facts.model_dump(mode="python")
    use_rules = [r for r in data.rules if r.applies_to == "use"]
    tool_rules = [r for r in data.rules if r.applies_to == "tool_info"]

    tools: list[ToolRuling] = []
    for risk in facts.tool_risks:
        tool_ctx = {"name": risk.name, "account": risk.account, "hosting": risk.hosting, "status": risk.status,
                    "hosted_outside": risk.hosted_outside, "hosting_unknown": risk.hosting_unknown,
                    "uses": list(risk.uses)}
        classes = {c: _rule_out(tool_rules, {**base, "tool": tool_ctx, "info": c}, as_of) for c in CLASS_ORDER}
        tools.append(ToolRuling(name=risk.name, vendor=risk.vendor, hosting=risk.hosting, account=risk.account,
                                status=risk.status, uses=tuple(risk.uses), hosted_outside=risk.hosted_outside,
                                hosting_unknown=risk.hosting_unknown, classes=classes))

    conflicts: dict[tuple[str, str], list[str]] = {}  # (code, subject) -> uses

    def flag(code: str, subject: str, use: str | None = None) -> None:
        conflicts.setdefault((code, subject), [])
        if use and use not in conflicts[(code, subject)]:
            conflicts[(code, subject)].append(use)

    prohibited_stance = profile.policy.stance == "prohibited"
    rulings: list[UseRuling] = []
    for use_id in facts.all_uses:
        spec = data.uses.get(use_id)
        if spec is None:
            raise PackError(f"decisions/uses.yaml : l'usage {use_id} n'y est pas décrit.",
                            f"decisions/uses.yaml: use {use_id} is not described there.")
        needs = _needs(spec, base["data"], data.sensitive_personal_data)
        use_ctx = {"id": use_id, "category": spec.category, "tags": list(spec.tags), "needs": needs}
        own = _rule_out(use_rules, {**base, "use": use_ctx}, as_of)
        verdict, conds, reasons = own.verdict, list(own.conditions), list(own.reasons)
        if prohibited_stance:
            flag("prohibited_with_uses", "", use_id)
        if "voice_likeness" in spec.tags and not profile.commitments.voice_likeness_consent:
            flag("voice_likeness_without_consent", "", use_id)
        forbidden_everywhere = (needs in ("personal", "sensitive")
                                and profile.data.personal_data_in_ai_tools == "never")
        if forbidden_everywhere and "people" in spec.tags:
            flag("personal_data_needed", needs, use_id)
        served, pending, best = [], [], None
        for tool in tools:
            if use_id not in tool.uses:
                continue
            ruling = tool.classes[needs]
            pair = stricter(verdict, ruling.verdict)
            if ruling.verdict in ("permitted", "conditional"):
                served.append(tool.name)
                if best is None or VERDICT_ORDER.index(pair) < VERDICT_ORDER.index(best[0]):
                    best = (pair, ruling)
            else:
                pending.append(tool.name)
                # (where the organisation's own choice keeps that information out of every tool, the one
                # decision to take is that choice: personal_data_needed)
                if tool.status == "approved" and ruling.verdict == "prohibited" and not (
                        forbidden_everywhere and "people" in spec.tags):
                    flag("tool_info_mismatch", tool.name, use_id)
        if verdict != "prohibited":
            if best is not None:
                verdict = best[0]
                conds.extend(c for c in best[1].conditions if c not in conds)
                reasons.extend(r for r in best[1].reasons if r not in reasons)
            elif forbidden_everywhere and "people" in spec.tags:
                verdict = "prohibited"
            else:
                verdict = stricter(verdict, "ask_first")
                if not prohibited_stance and not pending:
                    flag("use_without_tool", "", use_id)
        if verdict == "prohibited":
            conds = []
        rulings.append(UseRuling(id=use_id, category=spec.category, needs=needs, verdict=verdict,
                                 conditions=tuple(conds), reasons=tuple(reasons), tools=tuple(served),
                                 pending_tools=tuple(pending)))

    for tool in tools:
        if tool.status == "approved" and tool.account == "free_consumer":
            flag("approved_free_account", tool.name)

    held = ["public", "internal"]
    if profile.data.confidential_material:
        held.append("confidential")
    if set(profile.data.personal_data) - set(data.sensitive_personal_data):
        held.append("personal")
    if set(profile.data.personal_data) & set(data.sensitive_personal_data):
        held.append("sensitive")
    return DecisionTable(uses=tuple(rulings), tools=tuple(tools),
                         to_take=tuple(_to_take(conflicts, data, tools, {r.id: r.needs for r in rulings})),
                         classes_held=tuple(held))


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(text: str, values: dict[str, str]) -> str:
    """Replace {name} placeholders; a pack's text never reaches str.format (no attribute access)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _to_take(conflicts: dict[tuple[str, str], list[str]], data: DecisionData, tools: list[ToolRuling],
             needs: dict[str, str]) -> list[DecisionToTake]:
    out = []
    for (code, subject), uses in conflicts.items():
        spec = data.conflicts.get(code)
        if spec is None:
            raise PackError(f"decisions/conflicts.yaml : le conflit {code} n'y est pas décrit.",
                            f"decisions/conflicts.yaml: conflict {code} is not described there.")
        texts = {}
        wording = spec.one if spec.one is not None and len(uses) == 1 else spec
        tool = next((t for t in tools if t.name == subject), None)
        info = needs[uses[0]] if code == "tool_info_mismatch" and uses else subject if subject in CLASS_ORDER else ""
        for lang in ("fr", "en"):
            values = {
                "tool": subject,
                "uses": join([vocabulary.label(u, lang, "use") for u in uses], lang),
                "account": vocabulary.label(tool.account, lang, "account").lower() if tool else "",
            }
            values["info_lower"] = vocabulary.label(info, lang, "info_class").lower() if info else ""
            texts[lang] = (fill(getattr(wording, lang), values), fill(wording.safe.get(lang), values))
        out.append(DecisionToTake(code=code, step=spec.step, field=spec.field, subject=subject,
                                  message=Bilingual(fr=texts["fr"][0], en=texts["en"][0]),
                                  safe=Bilingual(fr=texts["fr"][1], en=texts["en"][1])))
    return out


def join(items: list[str], lang: str) -> str:
    """« a, b et c » / "a, b, and c". Items that hold a comma or the conjunction themselves ("Transcription
    et procès-verbaux") are quoted, so that the list still reads as one list."""
    items = [i for i in (str(x).strip() for x in items) if i]
    if len(items) < 2:
        return items[0] if items else ""
    conj = " et " if lang == "fr" else " and "
    if any("," in i or conj.strip() in i.split() for i in items):
        items = [f"« {i} »" if lang == "fr" else f"“{i}”" for i in items]
    if lang == "fr":
        return ", ".join(items[:-1]) + " et " + items[-1]
    return ", ".join(items[:-1]) + (", and " if len(items) > 2 else " and ") + items[-1]
