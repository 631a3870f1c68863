"""The profile's enumerations, each value with its French and English label, read once from ``options.yaml``.

One table per field serves the profile model (allowed values), the wizard (labels), the templates
(``label()``) and the linter (values a rule may compare with). The upper-case names below are the same
tables under the names older code imports; the data is written only in options.yaml.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from balises.contract.paths import FieldPath
from balises.safeyaml import load_data_file

OPTIONS_FILE = Path(__file__).with_name("options.yaml")

Labels = dict[str, tuple[str, str]]  # value -> (fr, en)


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Data):
    fr: str
    en: str


class Jurisdiction(Option):
    """A jurisdiction: its labels and what the law of the place makes of it."""

    eu_member: bool  # the GDPR and the AI Act apply
    canada: bool  # Canadian law (PIPEDA, federal undertakings)
    locales: dict[Literal["fr", "en"], str]  # how dates and numbers are written, by language of the policy
    hosting_inside: tuple[str, ...] | None  # hosting places that are no transfer; None: no statutory area


class Table(_Data):
    fields: tuple[str, ...] = ()  # the answers (paths) whose values are options of this table
    options: dict[str, Option | Jurisdiction] = {}
    categories: dict[str, str] | None = None  # a union: category -> table (the uses)

    @model_validator(mode="after")
    def _options_or_union(self):
        if bool(self.options) == (self.categories is not None):
            raise ValueError("a table has options, or categories naming other tables, not both")
        for path in self.fields:
            FieldPath.parse(path)
        return self


@functools.lru_cache(maxsize=1)
def _tables() -> dict[str, Table]:
    raw = load_data_file(OPTIONS_FILE)
    tables = {}
    for name, table in raw.items():
        if name == "jurisdiction":
            table = {**table, "options": {k: Jurisdiction.model_validate(x) for k, x in table["options"].items()}}
        tables[name] = Table.model_validate(table)
    for name, table in tables.items():
        for category, part in (table.categories or {}).items():
            if part not in tables or tables[part].categories is not None:
                raise ValueError(f"{OPTIONS_FILE.name}: {name}.categories.{category}: {part!r} is not a table of options")
    return tables


def _labels(name: str) -> Labels:
    table = _tables()[name]
    if table.categories is not None:
        return {v: pair for part in table.categories.values() for v, pair in _labels(part).items()}
    return {value: (o.fr, o.en) for value, o in table.options.items()}


ENUMERATIONS: dict[str, Labels] = {name: _labels(name) for name in _tables()}
# the table of each field that takes options: "organisation.jurisdiction" -> "jurisdiction"
FIELD_TABLES: dict[str, str] = {path: name for name, table in _tables().items() for path in table.fields}
USE_CATEGORIES: dict[str, str] = dict(_tables()["use"].categories or {})  # "admin" -> "admin_use"
# the languages a policy is written in (the `language` table), in the order of every (fr, en) pair
LANGUAGE_CODES: tuple[str, ...] = tuple(ENUMERATIONS["language"])


def table_name(path: str | FieldPath) -> str | None:
    """The table of the answer at ``path`` (``tools[2].hosting`` is ``tools.hosting``'s), if it has options."""
    parts = [p for p in FieldPath.parse(path).parts if not isinstance(p, int)]
    return FIELD_TABLES.get(".".join(parts))


def options_of(path: str) -> Labels:
    """The options of the answer at ``path``, with their labels."""
    name = table_name(path)
    if name is None:
        raise KeyError(f"{path}: no table of {OPTIONS_FILE.name} lists this field")
    return ENUMERATIONS[name]


def option_attributes(path: str) -> tuple[str, ...]:
    """The yes/no attributes the options of the answer at ``path`` carry (a jurisdiction's ``eu_member``)."""
    name = table_name(path)
    table = _tables().get(name) if name else None
    if table is None or not table.options:
        return ()
    row = next(iter(table.options.values()))
    return tuple(k for k, f in type(row).model_fields.items() if f.annotation is bool)


def option_holds(path: str, value: Any, attribute: str) -> bool:
    """Whether the option ``value`` of the answer at ``path`` has the yes/no ``attribute`` (false for a value
    that is no option, or an attribute the table does not have)."""
    if not isinstance(value, str) or attribute not in option_attributes(path):
        return False
    return bool(getattr(_tables()[table_name(path)].options.get(value), attribute, False))


def options_where(path: str, attribute: str) -> tuple[str, ...]:
    """The options of the answer at ``path`` where the yes/no ``attribute`` holds, in the table's order."""
    return tuple(value for value in options_of(path) if option_holds(path, value, attribute))


def choice(path: str) -> Any:
    """The type of the answer at ``path``: one of its table's options (a ``Literal`` built from the data)."""
    return Literal[tuple(options_of(path))]  # type: ignore[valid-type]


def jurisdiction(value: str) -> Jurisdiction:
    return _tables()["jurisdiction"].options[value]  # type: ignore[return-value]


def jurisdictions_where(attribute: str) -> tuple[str, ...]:
    """The jurisdictions where a yes/no attribute holds (``eu_member``, ``canada``), in the table's order."""
    return options_where("organisation.jurisdiction", attribute)


# The same tables under the names older code imports (to be replaced by ENUMERATIONS[name] as it is touched).
JURISDICTIONS = ENUMERATIONS["jurisdiction"]
PROVINCES = ENUMERATIONS["province"]
PUBLIC_LEVELS = ENUMERATIONS["public_level"]
CANTONS = ENUMERATIONS["canton"]
SECTORS = ENUMERATIONS["sector"]
LEGAL_FORMS = ENUMERATIONS["legal_form"]
STAFF_REPRESENTATION = ENUMERATIONS["staff_representation"]
LANGUAGES = ENUMERATIONS["language"]
STANCES = ENUMERATIONS["stance"]
MATURITY = ENUMERATIONS["maturity"]
ADMIN_USES = ENUMERATIONS["admin_use"]
CREATIVE_USES = ENUMERATIONS["creative_use"]
PUBLIC_USES = ENUMERATIONS["public_use"]
HR_USES = ENUMERATIONS["hr_use"]
ALL_USES = ENUMERATIONS["use"]
PERSONAL_DATA = ENUMERATIONS["personal_data"]
PERSONAL_DATA_IN_AI_TOOLS = ENUMERATIONS["personal_data_in_ai_tools"]
CONFIDENTIAL_MATERIAL = ENUMERATIONS["confidential_material"]
HOSTING = ENUMERATIONS["hosting"]
ACCOUNT = ENUMERATIONS["account"]
TOOL_STATUS = ENUMERATIONS["tool_status"]
DISCLOSURE = ENUMERATIONS["disclosure"]
LENGTHS = ENUMERATIONS["length"]
NAME_ARTICLES = ENUMERATIONS["name_article"]
VERDICTS = ENUMERATIONS["verdict"]
TOOL_STANDING = ENUMERATIONS["tool_standing"]
INFO_CLASSES = ENUMERATIONS["info_class"]


def label(value: str, lang: str = "fr", kind: str | None = None) -> str:
    """The label of an enumeration value in ``lang``; the value itself if it is not one.

    ``kind`` names the enumeration where a value is ambiguous ("other" is a sector, a jurisdiction
    and a hosting place)."""
    tables = [ENUMERATIONS[kind]] if kind else ENUMERATIONS.values()
    for table in tables:
        if value in table:
            fr, en = table[value]
            return fr if lang == "fr" else en
    return str(value)
