"""The wizard's steps and questions (``questions.yaml`` beside this file), read once and checked: the wizard
renders them, :func:`balises.contract.profile.json_schema` takes each asked field's title and description from them,
and :func:`markdown` writes their section of docs/profile.md (``python -m balises.contract.docs --write-docs``).

A question's ``visible`` and its variants' ``when`` are conditions in the language of the rules
(balises/contract/conditions.py), evaluated over the wizard's answers so far; its options are the table of
balises/contract/options.yaml that lists its field, which also labels them.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Any, Literal, Mapping

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from balises.contract import conditions, vocabulary
from balises.contract import rules as contract_rules
from balises.contract.paths import FieldPath
from balises.safeyaml import load_data_file
from balises.text import did_you_mean

QUESTIONS_FILE = Path(__file__).with_name("questions.yaml")
DOCS_START, DOCS_END = "<!-- questions:start -->", "<!-- questions:end -->"
WRITE_DOCS = "python -m balises.contract.docs --write-docs"  # docs/profile.md's generated parts
CHOICE_KINDS = ("select", "radio", "multiselect", "checkboxes")
YES_NO_KINDS = ("bool", "yesno")  # a tick box (unticked: no), or a yes/no choice that starts unanswered
Answers = dict[str, Any]


def tr(pair: tuple[str, str], lang: str) -> str:
    """A (fr, en) text in ``lang``."""
    return pair[0] if lang == "fr" else pair[1]


# ---------------------------------------------------------------- read-only values

def _read_only(self, *args, **kwargs):
    raise TypeError("the questions are read once and shared: they are read-only")


class _FrozenDict(dict):
    """A mapping of the file (a condition, the captions), shared by every caller: it refuses changes. Still a
    ``dict``, so that balises.contract.conditions reads it as any condition."""

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _read_only

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class _FrozenList(list):
    __setitem__ = __delitem__ = append = extend = insert = pop = remove = clear = sort = reverse = _read_only
    __iadd__ = __imul__ = _read_only

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return _FrozenDict({k: _frozen(x) for k, x in value.items()})
    if isinstance(value, list):
        return _FrozenList(_frozen(x) for x in value)
    return value


def _fr_en(value: Any) -> Any:
    if not isinstance(value, Mapping):
        raise ValueError("a text is a mapping {fr: …, en: …}")
    unknown = sorted(set(value) - set(vocabulary.LANGUAGE_CODES))
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r}: a text has fr and en")
    missing = [lang for lang in vocabulary.LANGUAGE_CODES if lang not in value]
    if missing:
        raise ValueError(f"missing {missing[0]!r}: a text has fr and en")
    return value["fr"], value["en"]


def _condition(value: dict) -> dict:
    conditions.require_valid(value)
    return _frozen(value)


Text = Annotated[tuple[str, str], BeforeValidator(_fr_en)]  # {fr, en} in the file, (fr, en) once read
Condition = Annotated[dict, AfterValidator(_condition)]


# ---------------------------------------------------------------- the file's model

class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Step(_Data):
    id: str
    title: Text
    intro: Text
    fields: tuple[str, ...]  # the answers checked on leaving the step (path prefixes)


class Variant(_Data):
    when: Condition
    label: Text | None = None
    help: Text | None = None
    why: Text | None = None
    options: dict[str, Text] | None = None  # option labels in the words of a place (« storyboard » in France)

    @model_validator(mode="after")
    def _says_something(self):
        if self.label is None and self.help is None and self.why is None and self.options is None:
            raise ValueError("a variant gives a label, a help, a why, options or several of them")
        return self


class Column(_Data):
    """One answer of each tool (the ``tools`` question's ``columns``: a field of the profile model's Tool)."""

    label: Text  # in the tool's form
    short: Text  # a problem's place: « Outil 2, hébergement »
    asked: bool = False  # decides what the tool may receive: asked, never pre-chosen
    captions: dict[str, Text] | None = None  # one plain sentence per option, under it

    @field_validator("captions")
    @classmethod
    def _freeze(cls, value):
        return _frozen(value)


class Question(_Data):
    path: str  # the answer it sets: "organisation.name"
    step: str
    kind: Literal["text", "select", "radio", "multiselect", "checkboxes", "bool", "yesno", "int", "date", "tools"]
    label: Text
    help: Text  # one sentence, under the question
    why: Text | None = None  # the rest, behind a "Pourquoi ?" disclosure
    optional: bool = False
    # the wizard shows no answer chosen and produces nothing until one is given, although the contract has a
    # default for the files that leave it out: the questions that decide permissions, the stance or the law
    starts_unanswered: bool = False
    min_value: int | None = Field(None, alias="min")
    max_value: int | None = Field(None, alias="max")
    placeholder: Text | None = None  # what an unanswered drop-down says (default "Choisir…")
    captions: dict[str, Text] | None = None  # one plain sentence per option, shown under it
    visible: Condition | None = None
    asked_where_allowed: bool = False
    variants: tuple[Variant, ...] = ()
    columns: dict[str, Column] = {}  # a tools question: each tool's answers

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        FieldPath.parse(value)  # one spelling per field, or a ValueError naming it
        return value

    @field_validator("captions")
    @classmethod
    def _freeze(cls, value):
        return _frozen(value)

    @model_validator(mode="after")
    def _consistent(self):
        if (self.kind in CHOICE_KINDS) != (self.options is not None):
            raise ValueError(f"a {self.kind} question {'needs a field with' if self.kind in CHOICE_KINDS else 'has no'}"
                             f" options ({vocabulary.OPTIONS_FILE.name}: a table whose fields list {self.path})")
        unknown = sorted(set(self.captions or {}) - set(self.table or {}))
        if unknown:
            raise ValueError(f"caption for {unknown[0]!r}, not an option of {self.options}")
        for variant in self.variants:
            unknown = sorted(set(variant.options or {}) - set(self.table or {}))
            if unknown:
                raise ValueError(f"variant label for {unknown[0]!r}, not an option of {self.options}")
        if bool(self.columns) != (self.kind == "tools"):
            raise ValueError("a tools question, and only it, has columns (each tool's answers)")
        for name, column in self.columns.items():
            unknown = sorted(set(column.captions or {}) - set(vocabulary.ENUMERATIONS.get(
                vocabulary.table_name(f"{self.path}.{name}") or "", {})))
            if unknown:
                raise ValueError(f"columns.{name}: caption for {unknown[0]!r}, not an option of {self.path}.{name}")
        if self.asked_where_allowed and not self._other_answers():
            raise ValueError("asked_where_allowed needs options or a yes/no question")
        return self

    @property
    def options(self) -> str | None:
        """The name of the field's table in balises/contract/options.yaml, if the field takes options."""
        return vocabulary.table_name(self.path)

    @property
    def table(self) -> vocabulary.Labels | None:
        """The options' labels (value -> (fr, en))."""
        return vocabulary.ENUMERATIONS[self.options] if self.options else None

    def _other_answers(self) -> list:
        """The answers other than the default that the contract's rules may allow or not."""
        return [True] if self.kind in YES_NO_KINDS else list(self.table or {})

    def _worded(self, part: str, answers: Answers) -> tuple[str, str]:
        for variant in self.variants:
            text = getattr(variant, part)
            if text is not None and conditions.holds(variant.when, answers):
                return text
        return getattr(self, part)

    def label_for(self, answers: Answers, lang: str) -> str:
        return tr(self._worded("label", answers), lang)

    def help_for(self, answers: Answers, lang: str) -> str:
        return tr(self._worded("help", answers), lang)

    def why_for(self, answers: Answers, lang: str) -> str:
        why = self._worded("why", answers)
        return tr(why, lang) if why else ""

    def options_for(self, answers: Answers) -> list[str]:
        """The options the contract's rules allow with these answers."""
        return [o for o in self.table or {} if contract_rules.allows(answers, self.path, o)]

    def hidden_by(self, answers: Answers) -> bool:
        """Whether its ``visible`` condition leaves it out with these answers (its answer is then ignored)."""
        return self.visible is not None and not conditions.holds(self.visible, answers)

    def is_visible(self, answers: Answers) -> bool:
        if self.hidden_by(answers):
            return False
        return not self.asked_where_allowed or any(contract_rules.allows(answers, self.path, value)
                                                   for value in self._other_answers())

    def option_label(self, value: Any, lang: str, answers: Answers | None = None) -> str:
        """An option's label, in the words of the organisation's place where a variant gives them."""
        for variant in self.variants if answers else ():
            if variant.options and value in variant.options and conditions.holds(variant.when, answers):
                return tr(variant.options[value], lang)
        table = self.table
        return tr(table[value], lang) if table and value in table else str(value)

    def caption_for(self, value: Any, lang: str) -> str:
        return tr(self.captions[value], lang) if self.captions and value in self.captions else ""

    def schema_keys(self) -> dict[str, str]:
        """What the JSON Schema says of the field: the question in English, the French beside it."""
        return {"title": self.label[1], "description": self.help[1],
                "x-label-fr": self.label[0], "x-help-fr": self.help[0]}


class Questionnaire(_Data):
    steps: tuple[Step, ...]
    questions: tuple[Question, ...]

    @model_validator(mode="after")
    def _known_steps_and_one_question_a_field(self):
        step_ids = [s.id for s in self.steps]
        paths = [q.path for q in self.questions]
        for q in self.questions:
            if q.step not in step_ids:
                raise ValueError(f"question {q.path}: unknown step {q.step!r}; steps: {', '.join(step_ids)}")
            if paths.count(q.path) > 1:
                raise ValueError(f"question {q.path}: asked twice")
        if len(set(step_ids)) != len(step_ids):
            raise ValueError("two steps have the same id")
        return self


@functools.lru_cache(maxsize=1)
def questionnaire() -> Questionnaire:
    return Questionnaire.model_validate(load_data_file(QUESTIONS_FILE))


def steps() -> tuple[Step, ...]:
    return questionnaire().steps


def questions() -> tuple[Question, ...]:
    return questionnaire().questions


def question(path: str) -> Question | None:
    """The question that sets the answer at ``path``, if the wizard asks it."""
    return next((q for q in questions() if q.path == path), None)


# ---------------------------------------------------------------- docs/profile.md

_OPERATORS = {"equals": "is", "not_equals": "is not", "in": "is one of", "not_in": "is none of",
              "contains": "contains", "contains_any": "contains one of", "contains_all": "contains all of",
              "gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}


def _values(operand: Any) -> str:
    items = operand if isinstance(operand, list) else [operand]
    return ", ".join(f"`{str(x).lower() if isinstance(x, bool) else x}`" for x in items)


def describe(cond: dict) -> str:
    """A condition in plain English, for the docs: ``organisation.jurisdiction`` is ``quebec``."""
    for key, joint in (("all", " and "), ("any", " or ")):
        if key in cond:
            return joint.join(describe(c) for c in cond[key])
    if "not" in cond:
        return f"not ({describe(cond['not'])})"
    op = next(k for k in cond if k != "field")
    field, operand = f"`{cond['field']}`", cond[op]
    if op in ("absent", "empty"):
        return f"{field} is {'not ' if operand else ''}{'answered' if op == 'absent' else 'filled in'}"
    if op == "where":
        values = list(vocabulary.options_where(cond["field"], operand))
        return f"{field} is one where `{operand}` holds ({_values(values)})"
    return f"{field} {_OPERATORS[op]} {_values(operand)}"


def _allowed_values(q: Question) -> str:
    if q.table is not None:
        values = f"{'any' if q.kind == 'multiselect' else 'one'} of {_values(list(q.table))}"
    else:
        values = {"bool": "`true`, `false`", "text": "text", "date": "a date (YYYY-MM-DD)",
                  "int": f"a whole number, {q.min_value}..{q.max_value}",
                  "yesno": "`true`, `false`",
                  "tools": "a list of tools (name, vendor, hosting, account, status, uses)"}[q.kind]
    return values + (" (optional)" if q.optional else "")


def _when_asked(q: Question) -> str:
    asked = []
    if q.visible is not None:
        asked.append(f"when {describe(q.visible)}")
    if q.asked_where_allowed:
        rules = [describe(r.require) for r in contract_rules.refusals() if r.field == q.path]
        asked.append(f"where rules.yaml allows an answer ({' and '.join(rules)})")
    asked = asked or ["always"]
    if q.starts_unanswered:
        asked.append("no answer chosen at first: the wizard waits for one")
    for variant in q.variants:
        worded = " and ".join(part for part in ("label", "help", "why", "options")
                              if getattr(variant, part) is not None)
        asked.append(f"{worded} worded for {describe(variant.when)}")
    return "; ".join(asked)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown() -> str:
    """The questions' section of docs/profile.md, between its markers."""
    lines = [DOCS_START, "",
             f"Generated from `balises/contract/questions.yaml` by `{WRITE_DOCS}`: edit the questions there, "
             "not here. Values come from `balises/contract/options.yaml`.", ""]
    for n, step in enumerate(steps(), 1):
        asked = [q for q in questions() if q.step == step.id]
        if not asked:
            continue
        title = step.title[1] if step.title[0] == step.title[1] else f"{step.title[1]} ({step.title[0]})"
        lines += [f"### {n}. {title}", "", "| Field | Question (fr) | Question (en) | Values | Asked |",
                  "| --- | --- | --- | --- | --- |"]
        for q in asked:
            cells = (f"`{q.path}`", q.label[0], q.label[1], _allowed_values(q), _when_asked(q))
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        lines.append("")
    lines.append(DOCS_END)
    return "\n".join(lines)
