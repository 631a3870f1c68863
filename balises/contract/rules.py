"""The contract's rules across fields (``rules.yaml`` beside this file), read once, used by the profile
model (refuse), :func:`adjust` (complete, with a notice), the wizard (options and resets) and lint."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from balises.contract import conditions
from balises.contract.paths import FieldPath
from balises.safeyaml import load_data_file
from balises.text import Bilingual

RULES_FILE = Path(__file__).with_name("rules.yaml")


class ContractRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    field: str
    when: dict
    require: dict
    reset: Any = None  # a value, or {current value: new value}; else the first value that keeps the rule
    message: Bilingual | None = None
    adjust: dict[Literal["prepend"], Any] | None = None
    notice: Bilingual | None = None

    @field_validator("when", "require")
    @classmethod
    def _condition(cls, value):
        conditions.require_valid(value)
        return value

    @property
    def path(self) -> FieldPath:
        return FieldPath.parse(self.field)

    def broken_by(self, data: dict) -> bool:
        return conditions.holds(self.when, data) and not conditions.holds(self.require, data)


@functools.lru_cache(maxsize=1)
def contract_rules() -> tuple[ContractRule, ...]:
    return tuple(ContractRule.model_validate(item) for item in load_data_file(RULES_FILE))


@functools.lru_cache(maxsize=1)
def sections() -> frozenset[str]:
    """The parts of the answers the rules read (organisation, policy…): all the model needs to dump."""
    fields = [rule.field for rule in contract_rules()]
    fields += [f for rule in contract_rules() for cond in (rule.when, rule.require)
               for f, _, _ in conditions.fields_of(cond)]
    return frozenset(FieldPath.parse(f).parts[0] for f in fields)


def refusals() -> tuple[ContractRule, ...]:
    return tuple(r for r in contract_rules() if r.adjust is None)


def adjust(data: dict) -> tuple[dict, list[Bilingual]]:
    """``data`` completed where an adjust rule asks (Québec: French added), and the notices."""
    notices = []
    for rule in contract_rules():
        if rule.adjust is None or not rule.broken_by(data):
            continue
        current = rule.path.get(data)
        if not isinstance(current, list):
            continue  # only a given list is completed; a missing one takes the contract's default
        data = copy.deepcopy(data)
        rule.path.set(data, [rule.adjust["prepend"], *current])
        notices.append(rule.notice or Bilingual(fr="", en=""))
    return data, notices


def always_included(data: dict, path: str) -> list:
    """The items an adjust rule adds back to the list at ``path`` with these answers (French, in Québec): the
    wizard ticks them and does not let them be unticked."""
    return [rule.adjust["prepend"] for rule in contract_rules()
            if rule.adjust is not None and rule.field == path and conditions.holds(rule.when, data)]


def broken(data: dict) -> list[ContractRule]:
    """The refusal rules ``data`` breaks, in the file's order."""
    return [rule for rule in refusals() if rule.broken_by(data)]


@functools.lru_cache(maxsize=256)
def _refusals_about(path: str) -> tuple[ContractRule, ...]:
    return tuple(rule for rule in refusals() if rule.field == path)


def allows(data: dict, path: str, value: Any) -> bool:
    """Whether answering ``value`` at ``path`` keeps every rule about that answer (the wizard's options)."""
    rules = _refusals_about(path)
    return not rules or not any(_breaks(rule, data, value) for rule in rules)


def repair(data: dict, candidates: Callable[[str], list]) -> list[tuple[str, str, Any, Any]]:
    """Reset, in place, every answer a rule no longer allows: to the rule's ``reset``, else to the first of
    ``candidates(field)`` that keeps the rule. Returns (rule code, field, old value, new value) per change."""
    changes = []
    for rule in contract_rules():
        if not rule.broken_by(data):
            continue
        path = rule.path
        old = path.get(data)
        if rule.adjust is not None:
            new = [rule.adjust["prepend"], *(old or [])]
        elif isinstance(rule.reset, dict) and old in rule.reset:
            new = rule.reset[old]
        elif rule.reset is not None:
            new = rule.reset
        else:
            new = next((c for c in candidates(rule.field) if not _breaks(rule, data, c)), old)
        if new != old:
            path.set(data, new)
            changes.append((rule.code, rule.field, old, new))
    return changes


def _breaks(rule: ContractRule, data: dict, value: Any) -> bool:
    """Whether answering ``value`` to the rule's field would break it."""
    return rule.broken_by(rule.path.replaced(data, value))
