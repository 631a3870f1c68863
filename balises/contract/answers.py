"""Answers in layers: the contract's defaults < the pack's recommended answers < the organisation's own
answers (a file, a spreadsheet row, the wizard's session). One implementation for the CLI, the wizard,
batch and regenerate; each value knows its layer, so the wizard and ``balises explain`` can say "from the
pack".
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, Mapping

from pydantic import BaseModel

from balises.contract.paths import FieldPath, flatten, is_model, merge, model_fields, nest
from balises.contract.profile import Profile, parse_profile, profile_to_data
from balises.safeyaml import load_data_file

Layer = Literal["contract", "pack", "answers"]


@dataclass(frozen=True)
class LayeredAnswers:
    """A validated profile and the layer each of its answers came from (worked out when first asked)."""

    profile: Profile
    given: Mapping[FieldPath, Any]  # the organisation's own answers, flattened
    recommended: Mapping[FieldPath, Any]  # the pack's, flattened

    @functools.cached_property
    def origins(self) -> Mapping[str, Layer]:
        given, recommended = _prefixes(self.given), _prefixes(self.recommended)
        return MappingProxyType({
            str(path): "answers" if _covered(path, given) else "pack" if _covered(path, recommended) else "contract"
            for path in flatten(profile_to_data(self.profile))})

    def origin(self, path: str | FieldPath) -> Layer:
        return self.origins.get(str(FieldPath.parse(path)), "contract")

    def from_pack(self) -> list[str]:
        return [path for path, layer in self.origins.items() if layer == "pack"]


def _default(info: Any) -> Any:
    if info.is_required():
        return None  # a question the organisation must answer
    value = info.get_default(call_default_factory=True)
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value


@functools.lru_cache(maxsize=1)
def _contract_defaults_json() -> Mapping[str, Any]:
    out: dict[str, Any] = {}
    for path, info in model_fields(Profile):
        path.set(out, {} if is_model(info) else _default(info))
    return MappingProxyType(out)


def contract_defaults(today: dt.date | None = None) -> dict[str, Any]:
    """Every answer's default as the contract (the profile model) states it; None where an answer is required."""
    out = merge(_contract_defaults_json())
    out["policy"]["effective_date"] = today or dt.date.today()
    return out


def pack_defaults(pack: Any) -> dict[str, Any]:
    """The answers the pack's layers recommend, nested; a later layer (an extending pack) wins."""
    if pack is None:
        return {}
    return merge(*(nest(layer.profile_defaults) for layer in pack.layers))


def start(pack: Any, today: dt.date | None = None) -> dict[str, Any]:
    """A blank questionnaire: the contract's defaults with the pack's recommended answers over them."""
    out = merge(contract_defaults(today), pack_defaults(pack))
    date = FieldPath.parse("policy.effective_date")
    if isinstance(date.get(out), str):
        date.set(out, dt.date.fromisoformat(date.get(out)))
    return out


def resolve(data: Any, pack: Any, source: str = "profile") -> LayeredAnswers:
    """The organisation's answers (``data``) over the pack's, validated once; each answer's layer recorded."""
    defaults = pack_defaults(pack)
    if not isinstance(data, dict):
        parse_profile(data, source)  # raises: the message says what a profile is
    profile = parse_profile(merge(defaults, data) if defaults else data, source)
    return LayeredAnswers(profile, MappingProxyType(flatten(data)), MappingProxyType(flatten(defaults)))


def _covered(path: FieldPath, layer: dict[int, set]) -> bool:
    """Whether a layer gave this answer (or the whole list or mapping holding it)."""
    return any(path.parts[:n] in keys for n, keys in layer.items())


def _prefixes(layer: Mapping[FieldPath, Any]) -> dict[int, set]:
    out: dict[int, set] = {}
    for p in layer:
        out.setdefault(len(p.parts), set()).add(p.parts)
    return out


def load(path: str | Path, pack: Any) -> LayeredAnswers:
    """An answers file (YAML or JSON) resolved over the pack's recommended answers."""
    return resolve(load_data_file(Path(path)), pack, str(path))
