"""Declarative conditions over profile fields: data, never code.

A condition is one of::

    {all: [cond, ...]}          every one holds
    {any: [cond, ...]}          at least one holds
    {not: cond}                 it does not hold
    {field: organisation.employees, gte: 50}
    {field: uses.creative, contains: voice_synthesis}
    {field: organisation.privacy_officer, absent: true}

Operators on a field: ``equals``, ``not_equals``, ``in``, ``not_in``, ``contains``, ``contains_any``,
``contains_all``, ``gt``, ``gte``, ``lt``, ``lte`` (numbers and dates), ``absent`` (no value),
``empty`` (an empty list or no value), ``where`` (the option chosen has this yes/no attribute in its table of
options.yaml: ``{field: organisation.jurisdiction, where: eu_member}``). Fields are dotted paths into the
profile, or ``facts.*`` (see balises/engine/facts.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from balises.contract import vocabulary
from balises.contract.paths import MISSING, FieldPath
from balises.problems import Place
from balises.text import did_you_mean

COMBINATORS = ("all", "any", "not")
OPERATORS = ("equals", "not_equals", "in", "not_in", "contains", "contains_any", "contains_all",
             "gt", "gte", "lt", "lte", "absent", "empty", "where")
LIST_OPERANDS = ("in", "not_in", "contains_any", "contains_all")
ORDER_OPERATORS = ("gt", "gte", "lt", "lte")

_MISSING = MISSING


def check(cond: Any, where: str = "when") -> list[str]:
    """Problems with the shape of a condition (not with its field names: that is the linter's job)."""
    if not isinstance(cond, dict) or not cond:
        return [f"{where}: a condition is a mapping (all / any / not, or field with one operator)"]
    keys = set(cond)
    combos = keys & set(COMBINATORS)
    if combos:
        if len(keys) != 1:
            return [f"{where}: '{next(iter(combos))}' must stand alone, found also {sorted(keys - combos)}"]
        key = next(iter(keys))
        if key == "not":
            return check(cond["not"], f"{where}.not")
        items = cond[key]
        if not isinstance(items, list) or not items:
            return [f"{where}.{key}: a non-empty list of conditions is expected"]
        return [p for i, c in enumerate(items) for p in check(c, f"{where}.{key}[{i}]")]
    if "field" not in cond:
        return [f"{where}: unknown condition keys {sorted(keys)}; use all, any, not, or field with an operator"]
    if not isinstance(cond["field"], str) or not cond["field"]:
        return [f"{where}.field: a dotted field path is expected"]
    ops = keys - {"field"}
    unknown = ops - set(OPERATORS)
    if unknown:
        return [f"{where}: unknown operator {sorted(unknown)}; allowed: {', '.join(OPERATORS)}"]
    if len(ops) != 1:
        return [f"{where}: exactly one operator per field condition, found {sorted(ops) or 'none'}"]
    op = next(iter(ops))
    operand = cond[op]
    if op in LIST_OPERANDS and not isinstance(operand, list):
        return [f"{where}.{op}: a list of values is expected"]
    if op in ORDER_OPERATORS and (isinstance(operand, bool) or not isinstance(operand, (int, float, dt.date))):
        return [f"{where}.{op}: a number or a date (YYYY-MM-DD) is expected"]
    if op in ("absent", "empty") and not isinstance(operand, bool):
        return [f"{where}.{op}: true or false is expected"]
    if op == "where" and not isinstance(operand, str):
        return [f"{where}.where: the name of a yes/no attribute of the field's options is expected"]
    return []


def require_valid(cond: Any) -> None:
    """For a pydantic validator: a condition of the wrong shape is a ValueError listing its problems."""
    if cond is not None:
        problems = check(cond)
        if problems:
            raise ValueError("; ".join(problems))


def fields_of(cond: Any) -> list[tuple[str, str, Any]]:
    """(field, operator, operand) of every field condition inside ``cond``."""
    if not isinstance(cond, dict):
        return []
    if "not" in cond:
        return fields_of(cond["not"])
    for key in ("all", "any"):
        if key in cond and isinstance(cond[key], list):
            return [f for c in cond[key] for f in fields_of(c)]
    if "field" in cond:
        ops = [k for k in cond if k != "field"]
        return [(cond["field"], op, cond[op]) for op in ops]
    return []


def lookup(context: dict, path: str) -> Any:
    return FieldPath.parse(path).get(context, _MISSING)


def holds(cond: dict | None, context: dict) -> bool:
    """Whether ``cond`` holds for ``context`` (a profile dumped to Python data, plus ``facts``)."""
    if cond is None:
        return True
    if "all" in cond:
        return all(holds(c, context) for c in cond["all"])
    if "any" in cond:
        return any(holds(c, context) for c in cond["any"])
    if "not" in cond:
        return not holds(cond["not"], context)
    value = lookup(context, cond["field"])
    op = next(k for k in cond if k != "field")
    operand = cond[op]
    if op == "absent":
        return (value is _MISSING or value is None) == operand
    if op == "empty":
        return (value is _MISSING or value is None or value in ([], "", {})) == operand
    if value is _MISSING:
        return op in ("not_equals", "not_in")
    if op == "where":
        return vocabulary.option_holds(cond["field"], value, operand)
    if op == "equals":
        return value == operand
    if op == "not_equals":
        return value != operand
    if op == "in":
        return value in operand
    if op == "not_in":
        return value not in operand
    items = value if isinstance(value, (list, tuple, set)) else [value]
    if op == "contains":
        return operand in items
    if op == "contains_any":
        return any(o in items for o in operand)
    if op == "contains_all":
        return all(o in items for o in operand)
    try:
        if op == "gt":
            return value > operand
        if op == "gte":
            return value >= operand
        if op == "lt":
            return value < operand
        if op == "lte":
            return value <= operand
    except TypeError:
        return False
    raise ValueError(f"unknown operator {op}")  # check() refuses these before evaluation


def condition_problems(when, fields: dict, where: Place, who_en: str, who_fr: str, problem) -> list:
    """A rule's condition against the fields it may test and their values (clause and decision rules alike)."""
    out = []
    for field, op, operand in fields_of(when):
        if field not in fields:
            out.append(problem(where, f"{who_en}: unknown field {field!r}"
                                      f"{did_you_mean(field, fields, cutoff=0.5)}",
                               f"{who_fr} : champ inconnu {field!r}"
                               f"{did_you_mean(field, fields, 'fr', cutoff=0.5)}"))
            continue
        if op == "where":
            attributes = vocabulary.option_attributes(field)
            if operand not in attributes:
                out.append(problem(where, f"{who_en}: the options of {field} have no yes/no attribute {operand!r}"
                                          f" (they have: {', '.join(attributes) or 'none'})",
                                   f"{who_fr} : les options de {field} n'ont pas d'attribut oui/non {operand!r}"
                                   f" (elles ont : {', '.join(attributes) or 'aucun'})"))
            continue
        allowed = fields[field]
        if allowed and op in ("equals", "not_equals", "in", "not_in", "contains", "contains_any", "contains_all"):
            for value in operand if isinstance(operand, list) else [operand]:
                if str(value) not in allowed:
                    out.append(problem(where, f"{who_en}: {field} has no value {value!r} "
                                              f"(allowed: {', '.join(allowed)})",
                                       f"{who_fr} : {field} n'a pas de valeur {value!r} "
                                       f"(valeurs permises : {', '.join(allowed)})"))
    return out
