"""The decision model: everything the documents of the kit state, decided once.

Computed from the profile, its facts and the pack's decision data (``decisions/*.yaml``): for each declared use,
each class of information and each declared tool, one verdict with its conditions and reasons; the approval
test on every tool (with what the pack's catalogue says the tool offers); what staff may do on the effective
date; whether what a use produces may be published, and how it is labelled; the dates every document states;
who answers questions; and the decisions to take, each with what to decide, who decides, by when and what the
text says meanwhile. Every section, companion document, the wizard's preview and ``balises explain`` render from
it, and ``balises check`` compares the documents with it, so no two places can disagree.

The rules decide (YAML); this module only combines: the most restrictive verdict of the rules that fire wins,
a criterion a tool can never meet on its account prohibits the information it protects, one it must first meet
makes the information wait for that change, a use done with a tool gets the stricter of the use's verdict and
the tool's verdict for the information the use needs, and a use gets the best verdict among its tools.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import OrderedDict
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from balises.contract import conditions, vocabulary
from balises.engine.approval import (
    ApprovalTest,
    Catalogue,
    CriterionResult,
    ToolFacts,
    evaluate,
    parse_catalogue,
    tool_facts,
)
from balises.engine.rules import Source
from balises.errors import PackError
from balises.problems import Place
from balises.text import Bilingual

Verdict = Literal["permitted", "conditional", "ask_first", "prohibited"]
InfoClass = Literal["public", "internal", "confidential", "personal", "sensitive"]
Role = Literal["board", "owner", "lead", "privacy"]
# the decisions to take this module raises (each worded in decisions/conflicts.yaml); the prerequisites of
# decisions/conditions.yaml add their own codes
CONFLICT_CODES = ("effective_date_past", "effective_date_not_lawful", "role_to_name", "committee_to_name",
                  "committee_members", "privacy_to_name", "open_consultation",
                  "prohibited_with_uses", "day_one_nothing", "tool_on_condition", "tool_limited", "use_without_tool",
                  "personal_data_needed", "voice_likeness_without_consent", "model_training")
VERDICT_ORDER: tuple[str, ...] = ("permitted", "conditional", "ask_first", "prohibited")
CLASS_ORDER: tuple[str, ...] = ("public", "internal", "confidential", "personal", "sensitive")
# what a tool's place in the model is: its declared status, as the approval test reads it
TOOL_STANDING = ("approved", "on_condition", "limited", "exception", "under_review", "prohibited")


def stricter(a: str, b: str) -> str:
    return a if VERDICT_ORDER.index(a) >= VERDICT_ORDER.index(b) else b


# --- The pack's decision data ----------------------------------------------------------------------------

class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UseSpec(_Frozen):
    """What one use handles (``decisions/uses.yaml``)."""

    category: Literal[tuple(vocabulary.USE_CATEGORIES)]  # type: ignore[valid-type]
    base: Literal["public", "internal"] = "internal"
    materials: tuple[str, ...] = ()
    personal: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    made_with: tuple[str, ...] = ()  # publishing what these uses produce: their tools serve it too
    always: tuple[str, ...] = ()  # personal information the use handles whatever the answers declare (staff)


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


class ConflictWording(Bilingual):
    """What to decide, and what the text says meanwhile (safe)."""

    safe: Bilingual
    idle: Bilingual | None = None  # what the text says meanwhile when the tool concerned receives nothing yet


class ConflictSpec(ConflictWording):
    """A decision to take: what to decide (fr, en), what the text says meanwhile (safe), where the wizard asks
    it (step, field), who decides and by when (before the adoption, or within the approval test's days after
    the effective date)."""

    step: str
    field: str
    who: Role = "lead"
    # before_adoption: by the effective date; steps_start: by the day the adoption steps must start (the CSE's
    # consultation opens), still before the adoption; after_effective: within the approval test's days
    due: Literal["before_adoption", "steps_start", "after_effective"] = "after_effective"
    one: ConflictWording | None = None  # the wording when a single use is concerned
    short: Bilingual | None = None  # what a use waits for, in a few words ("not yet: first …")
    when: dict | None = None  # a decision the answers alone call for (a condition over the profile and facts)
    declared: Bilingual | None = None  # added when tools are declared for the uses concerned ({declared})

    @model_validator(mode="after")
    def _condition_shape(self):
        conditions.require_valid(self.when)
        return self


class FixedSituation(_Frozen):
    question: Bilingual
    verdict: Verdict
    detail: Bilingual | None = None
    prohibited: "FixedSituation | None" = None  # what a prohibition policy answers instead (or drop: true)
    drop_when_prohibited: bool = False


class Situations(_Frozen):
    """The aide-mémoire's wording (``decisions/situations.yaml``)."""

    situations: dict[str, Bilingual] = Field(default_factory=dict)
    fixed: tuple[FixedSituation, ...] = ()
    answers: dict[str, Bilingual] = Field(default_factory=dict)
    words: dict[str, Bilingual] = Field(default_factory=dict)  # how every document words the model's statements


class AdoptionStep(_Frozen):
    """A step before the policy may apply, where the law sets a time (``decisions/adoption.yaml``)."""

    id: str
    when: dict | None = None
    months: int = Field(0, ge=0, le=24)
    days: int = Field(0, ge=0, le=366)
    why: Bilingual
    decision: str | None = None  # the decision to take it calls for: start it by the date it must start

    @model_validator(mode="after")
    def _condition_shape(self):
        conditions.require_valid(self.when)
        return self


class DecisionData(_Frozen):
    """Everything the decision model needs from a pack."""

    uses: dict[str, UseSpec] = Field(default_factory=dict)
    sensitive_personal_data: tuple[str, ...] = ()
    rules: tuple[DecisionRule, ...] = ()
    conditions: dict[str, dict[str, str]] = Field(default_factory=dict)
    prerequisites: dict[str, str] = Field(default_factory=dict)  # condition -> the decision it calls for
    case_by_case: tuple[str, ...] = ()  # prerequisites met case by case: they hold no use back on day one
    conflicts: dict[str, ConflictSpec] = Field(default_factory=dict)
    situations: Situations = Field(default_factory=Situations)
    catalogue: Catalogue = Field(default_factory=Catalogue)
    approval: ApprovalTest = Field(default_factory=ApprovalTest)
    adoption: tuple[AdoptionStep, ...] = ()
    sectors: dict[str, dict[str, Bilingual]] = Field(default_factory=dict)  # sector -> word -> wording

    @field_validator("uses")
    @classmethod
    def _known_uses(cls, value):
        unknown = sorted(set(value) - set(vocabulary.ALL_USES))
        if unknown:
            raise ValueError(f"unknown uses {unknown}")
        return value


DECISIONS_DIR = "decisions/"
_KEYS = {"uses", "sensitive_personal_data", "conditions", "prerequisites", "conflicts", "situations", "fixed",
         "answers", "words", "catalogue", "sources", "approval", "adoption", "sectors"}


def parse_decision_files(layers: list[tuple[str, dict[str, Any]]]) -> DecisionData:
    """Merge the ``decisions/*.yaml`` data of each layer (base first); a later layer replaces by key or id.

    ``layers`` holds (source, {file name: parsed YAML}) pairs, so that messages name the file."""
    uses: dict[str, Any] = {}
    sensitive: list[str] = []
    rules: dict[str, DecisionRule] = {}
    conds: dict[str, dict[str, str]] = {}
    prerequisites: dict[str, str] = {}
    case_by_case: list[str] = []
    conflicts: dict[str, Any] = {}
    situations: dict[str, Any] = {}
    catalogue: dict[str, Any] = {"catalogue": {}, "sources": {}}
    approval: dict[str, Any] = {}
    adoption: dict[str, AdoptionStep] = {}
    sectors: dict[str, dict[str, Bilingual]] = {}
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
                            raise PackError(f"règle de décision invalide ({_short(exc)}).",
                                            f"invalid decision rule ({_short(exc)}).",
                                            place=Place(where, line)) from None
                        rules[rule.id] = rule
                    continue
                if not isinstance(data, dict):
                    raise PackError("un tableau associatif ou une liste de règles est attendu.",
                                    "a mapping or a list of rules is expected.", place=Place(where))
                unknown = set(data) - _KEYS
                if unknown:
                    raise PackError(f"clé inconnue {sorted(unknown)[0]!r}.",
                                    f"unknown key {sorted(unknown)[0]!r}.", place=Place(where))
                for key, spec in (data.get("uses") or {}).items():
                    uses[key] = UseSpec.model_validate(spec)
                sensitive = list(data.get("sensitive_personal_data") or sensitive)
                for key, text in (data.get("conditions") or {}).items():
                    # fr and en, and optionally a jurisdiction's own words (fr@france, en@france)
                    extra = {k: str(v) for k, v in dict(text).items() if "@" in str(k)}
                    langs = {k: v for k, v in dict(text).items() if k in vocabulary.LANGUAGE_CODES}
                    conds[key] = Bilingual.model_validate(langs).model_dump() | extra
                for key, spec in (data.get("prerequisites") or {}).items():
                    if isinstance(spec, dict):  # {decision: code, case_by_case: true}
                        prerequisites[str(key)] = str(spec.get("decision"))
                        if spec.get("case_by_case"):
                            case_by_case.append(str(key))
                    else:
                        prerequisites[str(key)] = str(spec)
                for key, spec in (data.get("conflicts") or {}).items():
                    conflicts[key] = ConflictSpec.model_validate(spec)
                for key in ("situations", "fixed", "answers", "words"):
                    if key in data:
                        situations[key] = data[key]
                for entry in data.get("catalogue") or ():
                    catalogue["catalogue"][entry.get("id") if isinstance(entry, dict) else None] = entry
                catalogue["sources"].update(data.get("sources") or {})
                if "approval" in data:
                    approval = data["approval"] or {}
                for step in (data.get("adoption") or {}).get("steps") or ():
                    parsed = AdoptionStep.model_validate(step)
                    adoption[parsed.id] = parsed
                for sector, words in (data.get("sectors") or {}).items():
                    sectors.setdefault(sector, {}).update(
                        {k: Bilingual.model_validate(v) for k, v in (words or {}).items()})
            except ValidationError as exc:
                raise PackError(_short(exc), _short(exc), place=Place(where)) from None
    try:
        return DecisionData(uses=uses, sensitive_personal_data=tuple(sensitive), rules=tuple(rules.values()),
                            conditions=conds, prerequisites=prerequisites, case_by_case=tuple(case_by_case),
                            conflicts=conflicts,
                            situations=Situations.model_validate(situations),
                            catalogue=parse_catalogue({"catalogue": list(catalogue["catalogue"].values()),
                                                       "sources": catalogue["sources"]}),
                            approval=ApprovalTest.model_validate(approval), adoption=tuple(adoption.values()),
                            sectors=sectors)
    except ValidationError as exc:
        raise PackError(_short(exc), _short(exc), place=Place("decisions")) from None


def _short(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False))
    return str(exc)


# --- The model -------------------------------------------------------------------------------------------

class Reason(_Frozen):
    rule: str
    why: Bilingual
    sources: tuple[Source, ...] = ()


class Condition(_Frozen):
    """A named condition, with its wording ({pi}, {pia}, {officer}, {lead} are filled by each document's
    wording). ``prerequisite``: the decision to take it calls for, when it is done once before first use."""

    id: str
    text: Bilingual
    prerequisite: str | None = None
    blocks: bool = True  # a prerequisite done once before any use; False: met case by case (a client's consent)


class Ruling(_Frozen):
    verdict: Verdict
    conditions: tuple[Condition, ...] = ()
    reasons: tuple[Reason, ...] = ()

    def condition_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.conditions)

    def prerequisites(self) -> tuple[Condition, ...]:
        return tuple(c for c in self.conditions if c.prerequisite)

    def blocking(self) -> tuple[Condition, ...]:
        """The prerequisites that must be done before any use (not those met case by case)."""
        return tuple(c for c in self.conditions if c.prerequisite and c.blocks)


class ToolRuling(_Frozen):
    """One declared tool: the approval test on it, and its verdict for each class of information."""

    index: int  # its place among the answers' tools (statements name a tool by it)
    name: str
    vendor: str | None
    hosting: str
    account: str
    status: str  # as declared
    standing: str  # approved, on_condition, limited, under_review, prohibited: the declared status, tested
    uses: tuple[str, ...]
    hosted_outside: bool
    hosting_unknown: bool
    facts: ToolFacts
    criteria: tuple[CriterionResult, ...]
    needs: tuple[str, ...]  # the classes of information its declared uses need (public at least)
    fixes: tuple[Bilingual, ...] = ()  # what must change before it receives all it needs
    limits: tuple[Bilingual, ...] = ()  # why it can never receive some of what it needs on this account
    classes: dict[str, Ruling]

    def may_receive(self) -> list[str]:
        return [c for c in CLASS_ORDER if self.classes[c].verdict in ("permitted", "conditional")]

    def receives_now(self) -> list[str]:
        """What it may receive on the effective date: approved, and nothing left to do first."""
        if self.status != "approved":
            return []
        return [c for c in self.may_receive() if not self.classes[c].blocking()]

    def criteria_result(self, cls: str) -> str:
        """The approval test's worst result for one class of information (never, to_do, condition, met)."""
        found = {r.for_class(cls)[0] for r in self.criteria}
        return next((x for x in ("never", "to_do", "condition") if x in found), "met")


class UseTool(_Frozen):
    """How one declared tool stands towards one use."""

    tool: str
    verdict: Verdict
    reason: Literal["serves", "on_condition", "under_review", "never", "excluded", "prohibited"]


class UseRuling(_Frozen):
    """One declared use: its verdict as the policy states it, with the tools that may serve it."""

    id: str
    category: str
    needs: InfoClass  # the most protected class of information the use works with here
    verdict: Verdict
    conditions: tuple[Condition, ...]
    reasons: tuple[Reason, ...]
    tools: tuple[str, ...]  # tools through which the use is permitted (with conditions or not)
    pending_tools: tuple[str, ...]  # declared for it but not (yet) usable for it
    pairs: tuple[UseTool, ...] = ()  # every tool declared for it, and why it serves or not
    day_one: bool = False  # may be done on the effective date, with a tool that has nothing left to do first
    day_one_tools: tuple[str, ...] = ()
    waiting_for: tuple[str, ...] = ()  # the decisions to take it waits for (codes), when it is permitted later
    publication: Ruling | None = None  # publishing what it produces, decided apart from producing it

    def condition_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.conditions)


class DecisionToTake(_Frozen):
    """An open question the policy cannot settle: what to decide, who decides, by when, and what the text says
    meanwhile. Wording placeholders left for each document: {pi}, {pia}, {officer}, {lead}, {info}."""

    code: str
    step: str
    field: str
    subject: str
    number: int = 0  # its number in the implementation plan (1, 2…)
    who: Role = "lead"
    due: dt.date | None = None
    before_adoption: bool = False
    uses: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()
    info: str = ""  # the class of information concerned, when one is
    dates: dict[str, dt.date] = Field(default_factory=dict)  # {requested}, {effective}, {first}
    message: Bilingual
    safe: Bilingual
    short: Bilingual | None = None

    def text(self, lang: str) -> str:
        return fill(self.message.get(lang), generic_values(lang, self.info, self.dates))

    def meanwhile(self, lang: str) -> str:
        return fill(self.safe.get(lang), generic_values(lang, self.info, self.dates))


class Dates(_Frozen):
    """The dates every document states."""

    generated_on: dt.date
    requested: dt.date  # the answers' effective date
    effective: dt.date  # what every document says: never in the past, never before the law allows
    earliest: dt.date  # the earliest date the adoption steps allow
    moved: Literal["", "past", "not_lawful"] = ""
    steps: tuple[str, ...] = ()  # the adoption steps with a legal time that apply
    steps_start: dt.date | None = None  # the day they must start at the latest, for the effective date stated
    review: dt.date
    first_approvals: dt.date  # when the tools under review and the fixes are decided at the latest
    training: dt.date  # the first training by role, at the latest (sooner where the AI Act's literacy duty applies)


class Roles(_Frozen):
    """Who answers: the AI lead (a referent, or a committee), the policy's owner, who adopts it."""

    lead_kind: Literal["referent", "committee"]
    lead_name: str | None = None
    lead_email: str | None = None
    owner: str
    approved_by: str
    privacy_officer: str | None = None
    board: bool  # the organisation has a board whose members acknowledge the policy

    @property
    def contact(self) -> str:
        """Who staff ask, by name when the answers give one, else the owner (who acts until the lead is
        named)."""
        return self.lead_name or self.owner


class DecisionTable(_Frozen):
    uses: tuple[UseRuling, ...]
    tools: tuple[ToolRuling, ...]
    to_take: tuple[DecisionToTake, ...]
    classes_held: tuple[str, ...]  # the classes of information the organisation holds: the one scheme
    dates: Dates
    roles: Roles
    stance: str
    labelling: str  # commitments.disclosure: what is labelled
    day_one: tuple[str, ...] = ()  # the uses staff may do on the effective date

    def use(self, use_id: str) -> UseRuling | None:
        return next((u for u in self.uses if u.id == use_id), None)

    def tool(self, name: str) -> ToolRuling | None:
        return next((t for t in self.tools if t.name == name), None)

    def decision(self, code: str) -> list[DecisionToTake]:
        return [d for d in self.to_take if d.code == code]


# --- Computing it ----------------------------------------------------------------------------------------

def _condition(data: DecisionData, cid: str, jurisdiction: str = "") -> Condition:
    texts = data.conditions.get(cid, {})
    own = texts.get(f"fr@{jurisdiction}"), texts.get(f"en@{jurisdiction}")  # the jurisdiction's own words
    return Condition(id=cid, text=Bilingual(fr=own[0] or texts.get("fr", cid), en=own[1] or texts.get("en", cid)),
                     prerequisite=data.prerequisites.get(cid), blocks=cid not in data.case_by_case)


def _rule_out(rules: list[DecisionRule], context: dict, as_of: dt.date, data: DecisionData) -> Ruling | None:
    jurisdiction = context.get("organisation", {}).get("jurisdiction", "")
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
        return None
    if verdict == "prohibited":
        conds = []  # a prohibition has no conditions to meet
    return Ruling(verdict=verdict, conditions=tuple(_condition(data, c, jurisdiction) for c in conds),
                  reasons=tuple(reasons))


def _held(spec: UseSpec, profile_data: dict) -> set[str]:
    """The personal information the use handles here: what the organisation declares, and what the use cannot
    do without (a staff schedule names the staff)."""
    return (set(profile_data["personal_data"]) | set(spec.always)) & set(spec.personal)


def _needs(spec: UseSpec, profile_data: dict, sensitive: tuple[str, ...]) -> str:
    held_personal = _held(spec, profile_data)
    if held_personal & set(sensitive):
        return "sensitive"
    if held_personal and not _anonymised(spec, profile_data, sensitive):
        return "personal"
    if set(profile_data["confidential_material"]) & set(spec.materials):
        return "confidential"
    return spec.base


def _anonymised(spec: UseSpec, profile_data: dict, sensitive: tuple[str, ...]) -> bool:
    """The use works with personal information the organisation admits into a tool only once anonymised: it
    is then no longer personal information, and the use needs only what is left (internal at least)."""
    held = _held(spec, profile_data)
    return (profile_data.get("personal_data_in_ai_tools") == "anonymised_only" and bool(held)
            and not held & set(sensitive))


def _tool_class(rules: list[DecisionRule], base: dict, tool_ctx: dict, cls: str, criteria, as_of: dt.date,
                data: DecisionData) -> Ruling:
    """One tool and one class: the rules' verdict, then the approval test's criteria for that class."""
    ruled = _rule_out(rules, {**base, "tool": tool_ctx, "info": cls}, as_of, data)
    verdict = ruled.verdict if ruled else "ask_first"
    conds = list(ruled.conditions) if ruled else []
    reasons = list(ruled.reasons) if ruled else []
    for result in criteria:
        outcome, text = result.for_class(cls)
        if outcome == "never":
            verdict = "prohibited"
            reasons.append(Reason(rule=f"approval.{result.id}", why=text))
        elif outcome in ("to_do", "condition") and text is not None:
            prerequisite = "tool_on_condition" if outcome == "to_do" else None
            conds.append(Condition(id=f"approval.{result.id}", text=text, prerequisite=prerequisite))
            verdict = stricter(verdict, "conditional")
            if outcome == "to_do":
                reasons.append(Reason(rule=f"approval.{result.id}", why=text))
    if verdict == "prohibited":
        conds = []
    elif verdict == "ask_first":  # a tool under review: its conditions come with its approval
        conds = [c for c in conds if c.id == "await_approval"]
    return Ruling(verdict=verdict, conditions=tuple(conds), reasons=tuple(reasons))


def _exception_only(ruling: Ruling, data: DecisionData) -> Ruling:
    if ruling.verdict not in ("permitted", "conditional"):
        return ruling
    return Ruling(verdict="ask_first", conditions=(_condition(data, "written_exception"),), reasons=(
        Reason(rule="stance.prohibited", why=Bilingual(
            fr="La politique interdit l'IA générative : un outil ne sert que par une exception écrite.",
            en="The policy prohibits generative AI: a tool is used only by a written exception.")),))


def _ideal_tool(tool_ctx: dict) -> dict:
    """The same tool as good as it could be: approved, under contract, hosted where nothing is a transfer, no
    reuse. What even this tool may not receive, the organisation's own choices keep out of every tool."""
    return {**tool_ctx, "status": "approved", "account": "business", "hosting": "self_hosted",
            "hosted_outside": False, "hosting_unknown": False, "reuse": "excluded", "outputs": "user"}


_TABLES: OrderedDict[tuple, tuple] = OrderedDict()  # the last models computed (immutable: shared)
_TABLES_KEPT = 64
_TABLES_LOCK = threading.Lock()


def decision_table(profile: Any, facts: Any, data: DecisionData, as_of: dt.date) -> DecisionTable:
    """The one decision model of ``profile`` (a Profile) with its ``facts``, as of ``as_of``. Every document of a
    kit asks for the same model: it is computed once and kept (it is immutable)."""
    key = (profile.model_dump_json(), facts.model_dump_json(), id(data), as_of)
    with _TABLES_LOCK:
        found = _TABLES.get(key)
        if found is not None and found[0] is data:
            _TABLES.move_to_end(key)
            return found[1]
    table = _decision_table(profile, facts, data, as_of)
    with _TABLES_LOCK:
        _TABLES[key] = (data, table)  # the data held too: its id cannot be reused while the entry lives
        while len(_TABLES) > _TABLES_KEPT:
            _TABLES.popitem(last=False)
    return table


def _decision_table(profile: Any, facts: Any, data: DecisionData, as_of: dt.date) -> DecisionTable:
    base = profile.model_dump(mode="python")
    base["facts"] = facts.model_dump(mode="python")
    use_rules = [r for r in data.rules if r.applies_to == "use"]
    tool_rules = [r for r in data.rules if r.applies_to == "tool_info"]
    dates = _dates(profile, base, data, as_of)
    declared = {u for u in facts.all_uses}
    needs: dict[str, str] = {}
    specs: dict[str, UseSpec] = {}
    for use_id in facts.all_uses:
        spec = data.uses.get(use_id)
        if spec is None:
            raise PackError(f"l'usage {use_id} n'y est pas décrit.", f"use {use_id} is not described there.",
                            place=Place("decisions/uses.yaml"))
        specs[use_id] = spec
        needs[use_id] = _needs(spec, base["data"], data.sensitive_personal_data)

    held = ["public", "internal"]  # the classes of information the organisation holds
    if profile.data.confidential_material:
        held.append("confidential")
    if set(profile.data.personal_data) - set(data.sensitive_personal_data):
        held.append("personal")
    if set(profile.data.personal_data) & set(data.sensitive_personal_data):
        held.append("sensitive")

    tools: list[ToolRuling] = []
    for index, risk in enumerate(facts.tool_risks):
        tfacts = tool_facts(data.catalogue, risk.name, risk.account)
        tool_ctx = {"name": risk.name, "vendor": risk.vendor or tfacts.vendor or risk.name, "account": risk.account,
                    "hosting": risk.hosting, "status": risk.status, "hosted_outside": risk.hosted_outside,
                    "hosting_unknown": risk.hosting_unknown, "uses": list(risk.uses), "reuse": tfacts.reuse,
                    "setting": tfacts.setting, "outputs": tfacts.outputs, "catalogued": tfacts.entry is not None}
        criteria = evaluate(data.approval, tool_ctx, base, CLASS_ORDER)
        classes = {c: _tool_class(tool_rules, base, tool_ctx, c, criteria, as_of, data) for c in CLASS_ORDER}
        if profile.policy.stance == "prohibited":  # a prohibition: a tool serves only a written exception
            classes = {c: _exception_only(r, data) for c, r in classes.items()}
        its_uses = [u for u in risk.uses if u in declared]
        wanted = {"public"} | ({needs[u] for u in its_uses} if its_uses else {"internal"})
        tool_needs = tuple(c for c in CLASS_ORDER if c in wanted)
        fixes: list[Bilingual] = []
        limits: list[Bilingual] = []
        never_classes = {c for c in tool_needs if any(r.for_class(c)[0] == "never" for r in criteria)}
        # what must change first, for every class the organisation holds that the tool may then receive (the
        # policy says "first: …" there): an approved tool is approved on condition, with an owner and a date
        fixable = [c for c in CLASS_ORDER if c in tool_needs or (
            c in held and classes[c].verdict != "prohibited" and risk.status == "approved")]
        for result in criteria:
            for cls in fixable:
                outcome, text = result.for_class(cls)
                if outcome == "to_do" and cls not in never_classes and text and text not in fixes:
                    fixes.append(text)
                if outcome == "never" and text and text not in limits:
                    limits.append(text)
        creative = [u for u in its_uses if specs[u].category == "creative"]
        for result in criteria:  # the rights in the results matter where the tool serves creative uses
            outcome, text = result.for_class("creative")
            if creative and outcome == "never" and text and text not in limits:
                limits.append(text)
        if risk.status == "prohibited":
            standing = "prohibited"
        elif profile.policy.stance == "prohibited":
            standing = "exception"
        elif risk.status == "under_review":
            standing = "under_review"
        else:
            standing = "on_condition" if fixes else "limited" if limits else "approved"
        tools.append(ToolRuling(index=index, name=risk.name, vendor=risk.vendor, hosting=risk.hosting,
                                account=risk.account, status=risk.status, standing=standing, uses=tuple(risk.uses),
                                hosted_outside=risk.hosted_outside, hosting_unknown=risk.hosting_unknown,
                                facts=tfacts, criteria=criteria, needs=tool_needs, fixes=tuple(fixes),
                                limits=tuple(limits), classes=classes))

    conflicts: dict[tuple[str, str], list[str]] = {}  # (code, subject) -> uses

    def flag(code: str, subject: str = "", use: str | None = None) -> None:
        conflicts.setdefault((code, subject), [])
        if use and use not in conflicts[(code, subject)]:
            conflicts[(code, subject)].append(use)

    prohibited_stance = profile.policy.stance == "prohibited"
    rulings: list[UseRuling] = []
    for use_id in facts.all_uses:
        spec, need = specs[use_id], needs[use_id]
        materials = sorted(set(base["data"]["confidential_material"]) & set(spec.materials))
        use_ctx = {"id": use_id, "category": spec.category, "tags": list(spec.tags), "needs": need,
                   "materials": materials,
                   "anonymised": _anonymised(spec, base["data"], data.sensitive_personal_data)}
        own = _rule_out(use_rules, {**base, "use": use_ctx}, as_of, data) or Ruling(verdict="ask_first")
        verdict, conds, reasons = own.verdict, list(own.conditions), list(own.reasons)
        if prohibited_stance:
            flag("prohibited_with_uses", "", use_id)
        if "voice_likeness" in spec.tags and not profile.commitments.voice_likeness_consent:
            flag("voice_likeness_without_consent", "", use_id)
        # what even the best possible tool may not receive, the organisation's own answers keep out of all
        ideal_ctx = _ideal_tool({"name": "", "uses": [use_id]})
        ideal = _rule_out(tool_rules, {**base, "tool": ideal_ctx, "info": need}, as_of, data)
        excluded_everywhere = ideal is not None and ideal.verdict == "prohibited"
        if excluded_everywhere and not prohibited_stance:
            flag("personal_data_needed", need, use_id)
        pairs: list[UseTool] = []
        never_tools: list[str] = []
        best: tuple[tuple[int, int], str, Ruling, str] | None = None
        for tool in tools:
            if use_id not in tool.uses and not set(spec.made_with) & set(tool.uses) & declared:
                continue
            ruling = tool.classes[need]
            # can it ever receive what the use needs, once approved? (an approved twin of the tool)
            never = tool.criteria_result(need) == "never" and not excluded_everywhere
            if tool.status == "prohibited":
                reason = "prohibited"
            elif excluded_everywhere:
                reason = "excluded"
            elif never:
                reason = "never"
            elif tool.status == "under_review":
                reason = "under_review"
            elif ruling.verdict == "prohibited":
                reason = "excluded"
            elif ruling.blocking():
                reason = "on_condition"
            else:
                reason = "serves" if ruling.verdict in ("permitted", "conditional") else "under_review"
            pairs.append(UseTool(tool=tool.name, verdict=ruling.verdict, reason=reason))
            if reason in ("serves", "on_condition"):
                pair = stricter(verdict, ruling.verdict)
                rank = (VERDICT_ORDER.index(pair), len(ruling.blocking()), len(ruling.conditions))
                if best is None or rank < best[0]:
                    best = (rank, pair, ruling, tool.name)
            if reason == "never" and not prohibited_stance:  # it will never serve this use, approved or not
                never_tools.append(tool.name)
        served = [p.tool for p in pairs if p.reason in ("serves", "on_condition")]
        pending = [p.tool for p in pairs if p.reason not in ("serves", "on_condition")]
        if not served and not any(p.reason == "under_review" for p in pairs):
            for name in never_tools:  # no other tool serves it or may: the tool's limit is a decision
                flag("tool_limited", name, use_id)
        if verdict != "prohibited":
            if best is not None:
                verdict = best[1]
                conds.extend(c for c in best[2].conditions if c not in conds)
                reasons.extend(r for r in best[2].reasons if r not in reasons)
            elif excluded_everywhere:
                verdict = "prohibited"
            else:
                verdict = stricter(verdict, "ask_first")
                if not prohibited_stance and not pairs:
                    flag("use_without_tool", "", use_id)
        if verdict == "prohibited":
            conds = []
        own_prerequisites = [c for c in conds if c.prerequisite and c.blocks and c.id not in
                             {x.id for x in (best[2].conditions if best else ())}]
        usable_now = [p.tool for p in pairs if p.reason == "serves"]
        day_one = (verdict in ("permitted", "conditional") and not prohibited_stance and bool(usable_now)
                   and not own_prerequisites)
        waiting = sorted({c.prerequisite for c in conds if c.prerequisite and c.blocks}) if not day_one else []
        rulings.append(UseRuling(id=use_id, category=spec.category, needs=need, verdict=verdict,
                                 conditions=tuple(conds), reasons=tuple(reasons), tools=tuple(served),
                                 pending_tools=tuple(pending), pairs=tuple(pairs), day_one=day_one,
                                 day_one_tools=tuple(usable_now) if day_one else (), waiting_for=tuple(waiting),
                                 publication=_publication(spec, verdict, profile, data)))

    # a tool that meets the public, declared for a public-facing use whose information no tool may receive (a
    # conversational guide declared for the chatbot), receives that information whatever the use: its other
    # public-facing uses wait for that decision, not only for the tool's review
    facing = {u for u, spec in specs.items() if "public_facing" in spec.tags}
    for (code, _), barred_uses in list(conflicts.items()):
        if code != "personal_data_needed":
            continue
        barred = {p.tool for r in rulings if r.id in barred_uses and r.id in facing for p in r.pairs}
        for i, r in enumerate(rulings):
            if (r.id in facing and r.verdict != "prohibited" and not r.day_one and not r.tools
                    and code not in r.waiting_for
                    and any(p.tool in barred and p.reason == "under_review" for p in r.pairs)):
                rulings[i] = r.model_copy(update={"waiting_for": (*r.waiting_for, code)})

    day_one = tuple(u.id for u in rulings if u.day_one)
    roles = _roles(profile)
    if (not day_one and rulings and not prohibited_stance
            and (profile.policy.stance == "encouraged" or profile.maturity == "pioneer")):
        flag("day_one_nothing")
    if roles.lead_name is None:
        flag("committee_to_name" if roles.lead_kind == "committee" else "role_to_name")
    elif roles.lead_kind == "committee":  # its chair is named, but a day-one use waits for its approval
        for r in rulings:
            if r.day_one and "project_approval" in r.condition_ids():
                flag("committee_members", "", r.id)
    if profile.uses.model_training and not prohibited_stance:
        flag("model_training")
    if dates.moved:
        flag(f"effective_date_{dates.moved}")
    for step in data.adoption:  # an adoption step with a legal time: start it in time (data)
        if step.id in dates.steps and step.decision:
            flag(step.decision)
    for code, spec in data.conflicts.items():  # decisions the answers alone call for (data)
        if spec.when is not None and conditions.holds(spec.when, base):
            flag(code)
    for tool in tools:
        if tool.standing == "on_condition":
            flag("tool_on_condition", tool.name)
    for ruling in rulings:  # one decision per prerequisite, for every use it holds back
        for cond in ruling.conditions:
            if cond.prerequisite and cond.prerequisite != "tool_on_condition":
                flag(cond.prerequisite, "", ruling.id)
    # a tool that may receive personal information once something is done first (an impact assessment, a
    # processor contract, a transfer assessed: decisions/verdicts.yaml, tool_info): the same decision, with the tool
    prepared: dict[str, list[tuple[str, Condition]]] = {}
    for tool in tools:
        if tool.standing not in ("approved", "on_condition"):
            continue
        for cls in ("personal", "sensitive"):
            for cond in tool.classes[cls].blocking():
                if cond.prerequisite == "impact_assessment":  # a consent form is the uses' (voices, likenesses)
                    prepared.setdefault(cond.prerequisite, []).append((tool.name, cond))
                    for use in tool.uses:
                        flag(cond.prerequisite, "", use)

    if roles.privacy_officer is None:  # decisions fall to a person nobody designated: designating comes first
        for (code, _), uses in list(conflicts.items()):
            spec = data.conflicts.get(code)
            if spec is not None and spec.who == "privacy":
                for use in uses or [None]:
                    flag("privacy_to_name", "", use)
    to_take = _to_take(conflicts, data, tools, rulings, needs, dates, roles, profile.organisation.sector, prepared)
    return DecisionTable(uses=tuple(rulings), tools=tuple(tools), to_take=tuple(to_take), classes_held=tuple(held),
                         dates=dates, roles=roles, stance=profile.policy.stance,
                         labelling=profile.commitments.disclosure, day_one=day_one)


def _publication(spec: UseSpec, verdict: str, profile: Any, data: DecisionData) -> Ruling | None:
    """Publishing (or sending outside) what a use produces: decided apart from producing it."""
    if "publishes" not in spec.tags:
        return None
    if verdict == "prohibited" or profile.policy.stance == "prohibited":
        return Ruling(verdict="prohibited")
    label = {"all_assisted": "label_all", "substantial": "label_substantial"}.get(profile.commitments.disclosure,
                                                                                "label_legal")
    return Ruling(verdict="conditional", conditions=(_condition(data, "review_before_publication"),
                                                     _condition(data, label)))


def _dates(profile: Any, base: dict, data: DecisionData, as_of: dt.date) -> Dates:
    from balises.engine.templating import add_months  # the month arithmetic every document uses

    requested = profile.policy.effective_date
    earliest, steps, longest = as_of, [], None
    for step in data.adoption:
        if conditions.holds(step.when, base):
            steps.append(step.id)
            ends = add_months(as_of, step.months) + dt.timedelta(days=step.days)
            if ends > earliest:
                earliest, longest = ends, step
            elif longest is None:
                longest = step
    effective = max(requested, earliest)
    # counted back from the effective date: the last day the longest step may start and still end in time
    start = (max(as_of, add_months(effective - dt.timedelta(days=longest.days), -longest.months)) if longest
             else None)
    moved = "" if effective == requested else ("past" if requested < as_of else "not_lawful")
    fix_days = data.approval.fix_within_days
    return Dates(generated_on=as_of, requested=requested, effective=effective, earliest=earliest, moved=moved,
                 steps=tuple(steps), steps_start=start,
                 review=add_months(effective, profile.policy.review_months),
                 first_approvals=effective + dt.timedelta(days=fix_days),
                 training=add_months(effective, 1 if base["facts"]["ai_act_applies"] else 2))


def _roles(profile: Any) -> Roles:
    org, policy = profile.organisation, profile.policy
    board = org.legal_form in ("nonprofit", "cooperative", "public_body") or bool(
        re.search(r"\b(conseil|board|administrat)", policy.approved_by, re.IGNORECASE))
    return Roles(lead_kind="committee" if org.employees >= 20 else "referent",
                 lead_name=getattr(org, "ai_lead_name", None), lead_email=getattr(org, "ai_lead_email", None),
                 owner=policy.owner_role, approved_by=policy.approved_by, privacy_officer=org.privacy_officer,
                 board=board)


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(text: str, values: dict[str, str]) -> str:
    """Replace {name} placeholders; a pack's text never reaches str.format (no attribute access)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def generic_values(lang: str, info: str = "", dates: dict[str, dt.date] | None = None) -> dict[str, str]:
    """Plain words for the placeholders a document fills with its jurisdiction's terms (for a shell that shows a
    decision without a document: the wizard)."""
    fr = lang == "fr"
    values = {"pi": "informations personnelles" if fr else "personal information",
              "pia": "analyse d'impact" if fr else "impact assessment",
              "officer": "la personne chargée de la protection des informations personnelles" if fr
              else "the person in charge of personal information",
              "lead": "la personne référente en IA" if fr else "the AI lead"}
    if info:
        values["info"] = vocabulary.label(info, lang, "info_class").lower()
    values.update({k: _date(v, lang) for k, v in (dates or {}).items()})
    return values


def _to_take(conflicts: dict[tuple[str, str], list[str]], data: DecisionData, tools: list[ToolRuling],
             rulings: list[UseRuling], needs: dict[str, str], dates: Dates, roles: Roles,
             sector: str, prepared: dict[str, list[tuple[str, Condition]]]) -> list[DecisionToTake]:
    by_tool = {t.name: t for t in tools}
    out = []
    for (code, subject), uses in conflicts.items():
        spec = data.conflicts.get(code)
        if spec is None:
            raise PackError(f"la décision à prendre {code} n'y est pas décrite.",
                            f"decision to take {code} is not described there.",
                            place=Place("decisions/conflicts.yaml"))
        wording = spec.one if spec.one is not None and len(uses) == 1 else spec
        tool = by_tool.get(subject)
        held_back = [r for r in rulings if r.id in uses]
        conds: list[Condition] = []
        tools_concerned: list[str] = [subject] if tool else []
        for r in held_back:
            for c in r.conditions:
                if c.prerequisite == code and c not in conds:
                    conds.append(c)
            tools_concerned.extend(t for t in r.tools if t not in tools_concerned and code != "tool_limited")
        for name, c in prepared.get(code, []) if not subject else []:  # the tools it prepares, and their conditions
            tools_concerned.extend([name] if name not in tools_concerned else [])
            conds.extend([c] if c not in conds else [])
        info = (needs[uses[0]] if uses and code in ("tool_limited", "personal_data_needed")
                else subject if subject in CLASS_ORDER else "")
        texts = {}
        for lang in vocabulary.LANGUAGE_CODES:
            values = {
                "tool": subject,
                "tools": join(tools_concerned, lang),
                "uses": join([sector_label(u, "use", sector, lang, data.sectors) for u in uses], lang),
                "account": vocabulary.label(tool.account, lang, "account").lower() if tool else "",
                "fixes": join([f.get(lang) for f in tool.fixes], lang) if tool else "",
                "limits": join([f.get(lang) for f in tool.limits], lang) if tool else "",
                "receives": join([vocabulary.label(c, lang, "info_class").lower() for c in tool.receives_now()]
                                 or [vocabulary.label("public", lang, "info_class").lower()], lang) if tool else "",
                "conditions": join([c.text.get(lang) for c in conds], lang),
                "owner": roles.owner,
                "contact": roles.contact,
            }
            # a tool under review receives nothing before its approval, and a tool no use may take on the
            # effective date is not used either: the meanwhile says so, as the table and the day one do
            idle = wording.idle is not None and tool is not None and (
                not tool.receives_now()
                or code == "tool_on_condition" and not any(subject in r.day_one_tools for r in rulings))
            safe = wording.idle if idle else wording.safe
            declared = list(dict.fromkeys(p.tool for r in held_back for p in r.pairs
                                          if "public_facing" in data.uses[r.id].tags))
            values["declared"] = join(declared, lang)
            said = fill(getattr(wording, lang), values)
            if spec.declared is not None and declared:
                said += " " + fill(spec.declared.get(lang), values)
            texts[lang] = (said, fill(safe.get(lang), values),
                           fill(spec.short.get(lang), values) if spec.short else "")
        before = spec.due != "after_effective"
        due = {"before_adoption": dates.effective, "steps_start": dates.steps_start or dates.effective,
               "after_effective": dates.first_approvals}[spec.due]
        out.append(DecisionToTake(
            code=code, step=spec.step, field=spec.field, subject=subject, who=spec.who,
            due=due, before_adoption=before,
            uses=tuple(uses), tools=tuple(tools_concerned), info=info,
            dates={"requested": dates.requested, "effective": dates.effective, "first": dates.first_approvals,
                   **({"opens": dates.steps_start} if dates.steps_start else {})},
            message=Bilingual(fr=texts["fr"][0], en=texts["en"][0]),
            safe=Bilingual(fr=texts["fr"][1], en=texts["en"][1]),
            short=Bilingual(fr=texts["fr"][2], en=texts["en"][2]) if spec.short else None))
    order = {code: i for i, code in enumerate(data.conflicts)}
    out.sort(key=lambda d: (not d.before_adoption, d.due, order.get(d.code, 99)))
    return [d.model_copy(update={"number": i + 1}) for i, d in enumerate(out)]


def sector_label(value: str, kind: str, sector: str, lang: str, sectors: dict) -> str:
    """A value of the answers as the sector says it (a label's recordings, a school's students), else its label."""
    for words in (sectors.get(sector, {}), sectors.get("default", {})):
        if value in words:
            text = words[value].get(lang)
            return text[:1].upper() + text[1:]
    return vocabulary.label(value, lang, kind)


def _date(day: dt.date, lang: str) -> str:
    from balises.engine.templating import format_date

    return format_date(day, "fr-FR" if lang == "fr" else "en-GB")


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
