"""A field of the answers, written one way everywhere: ``organisation.employees``, ``tools[0].name``.

The CLI's messages, the conditions of rules, the wizard's questions, a pack's ``profile_defaults``, the
spreadsheet's columns (``tools.1.name``, counted from 1 for people) and lint all name fields through
:class:`FieldPath`, so a path is parsed, read, written and flattened by one piece of code.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING", "__bool__": lambda self: False})()
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass(frozen=True, order=True)
class FieldPath:
    parts: tuple[str | int, ...]

    @classmethod
    def parse(cls, text: "str | FieldPath") -> "FieldPath":
        """``organisation.name``, ``tools[0].name`` (or the location tuple pydantic gives)."""
        if isinstance(text, FieldPath):
            return text
        if isinstance(text, tuple):
            return cls(tuple(text))
        return _parse(text)

    @classmethod
    def _from_text(cls, text: str) -> "FieldPath":
        parts = tuple(m.group(1) if m.group(1) is not None else int(m.group(2)) for m in _PART.finditer(text))
        path = cls(parts)
        if not parts or str(path) != text:  # one spelling per field: no "a..b", no "tools.[0]"
            raise ValueError(f"not a field path: {text!r}")
        return path

    @property
    def column(self) -> str:
        """The spreadsheet column of this field: tools counted from 1 (``tools.1.name``); a position inside a
        cell's list (``policy.languages[1]``, the second of ``fr;de``) is the cell's own column."""
        parts = list(self.parts)
        while parts and isinstance(parts[-1], int):
            parts.pop()
        return ".".join(str(p + 1) if isinstance(p, int) else p for p in parts)

    def __str__(self) -> str:
        out = ""
        for part in self.parts:
            out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + part
        return out

    def get(self, data: Any, default: Any = None) -> Any:
        node = data
        for part in self.parts:
            if isinstance(part, int):
                if not isinstance(node, (list, tuple)) or not -len(node) <= part < len(node):
                    return default
                node = node[part]
            elif isinstance(node, Mapping) and part in node:
                node = node[part]
            else:
                return default
        return node

    def set(self, data: dict, value: Any) -> None:
        """Write ``value`` in place, creating the mappings on the way (a list grows to reach its index)."""
        node: Any = data
        for part, following in zip(self.parts, self.parts[1:]):
            empty: Any = [] if isinstance(following, int) else {}
            if isinstance(part, int):
                while len(node) <= part:
                    node.append(copy.copy(empty))
                if not isinstance(node[part], (dict, list)):
                    node[part] = empty
                node = node[part]
            else:
                if not isinstance(node.get(part), (dict, list)):
                    node[part] = empty
                node = node[part]
        last = self.parts[-1]
        if isinstance(last, int):
            while len(node) <= last:
                node.append(None)
        node[last] = value

    def replaced(self, data: dict, value: Any) -> dict:
        """A copy of ``data`` with ``value`` at this path; only the mappings on the path are copied, the rest
        is shared (to try an answer without touching the user's)."""
        out = dict(data)
        node = out
        for part in self.parts[:-1]:
            child = node.get(part) if isinstance(node, dict) else None
            if not isinstance(child, dict):
                return _copied_and_set(self, data, value)  # a list on the way: copy the whole
            node[part] = dict(child)
            node = node[part]
        node[self.parts[-1]] = value
        return out

    def startswith(self, other: "FieldPath | str") -> bool:
        prefix = FieldPath.parse(other).parts
        return self.parts[:len(prefix)] == prefix


def _copied_and_set(path: FieldPath, data: dict, value: Any) -> dict:
    out = copy.deepcopy(data)
    path.set(out, value)
    return out


@functools.lru_cache(maxsize=4096)  # conditions name the same few fields thousands of times
def _parse(text: str) -> FieldPath:
    return FieldPath._from_text(text)


def model_fields(model: Any, prefix: tuple = ()) -> Iterator[tuple[FieldPath, Any]]:
    """Every field of a pydantic model with its path and FieldInfo, a nested model's fields after it
    (the profile's fields for lint, the spreadsheet's columns and the contract's defaults)."""
    for name, info in model.model_fields.items():
        path = FieldPath(prefix + (name,))
        yield path, info
        annotation = info.annotation
        if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
            yield from model_fields(annotation, path.parts)


def is_model(info: Any) -> bool:
    return isinstance(info.annotation, type) and hasattr(info.annotation, "model_fields")


def leaves(data: Any, prefix: tuple = ()) -> Iterator[tuple[FieldPath, Any]]:
    """Every answer in ``data`` with its path. A list of plain values is one answer; a list of mappings
    (the tools) is walked item by item."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from leaves(value, prefix + (str(key),))
    elif isinstance(data, list) and data and all(isinstance(item, Mapping) for item in data):
        for i, item in enumerate(data):
            yield from leaves(item, prefix + (i,))
    elif prefix:
        yield FieldPath(prefix), data


def flatten(data: Any) -> dict[FieldPath, Any]:
    return dict(leaves(data))


def nest(flat: Mapping[Any, Any]) -> dict:
    """``{"policy.stance": "x"}`` and ``{"policy": {"stance": "x"}}`` alike, as nested mappings."""
    out: dict = {}
    for key, value in flat.items():
        if isinstance(value, Mapping):
            value = nest(value)
            current = FieldPath.parse(str(key)).get(out)
            if isinstance(current, dict):
                value = merge(current, value)
        FieldPath.parse(key if isinstance(key, FieldPath) else str(key)).set(out, copy.deepcopy(value))
    return out


def merge(*layers: Mapping) -> dict:
    """The layers as one mapping, a later layer winning; mappings merge key by key, lists and values are
    replaced whole (a pack's list of languages is not added to the answers' own)."""
    out: dict = {}
    for layer in layers:
        for key, value in (layer or {}).items():
            if isinstance(value, Mapping) and isinstance(out.get(key), dict):
                out[key] = merge(out[key], value)
            else:
                out[key] = copy.deepcopy(dict(value) if isinstance(value, Mapping) else value)
    return out
