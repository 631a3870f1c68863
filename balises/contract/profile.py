"""The organisation profile (answers file), schema_version 1: the contract of docs/profile.md.

Every entry point (CLI, wizard, batch, regeneration) reads a profile through :func:`parse_profile`, so the
rules of the contract are enforced in one place and every error names the field, the bad value and the
allowed values, in French and English.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from balises.contract import questions as wizard_questions
from balises.contract import rules as contract_rules
from balises.contract import vocabulary as v
from balises.contract.paths import MISSING, FieldPath
from balises.errors import ProfileError
from balises.problems import Place, Problem
from balises.safeyaml import load_data_file, parse_json, parse_yaml
from balises.text import Bilingual, did_you_mean


# each answer's options are data (balises/contract/options.yaml, the table listing the field)
Jurisdiction = v.choice("organisation.jurisdiction")
Province = v.choice("organisation.province")
PublicLevel = v.choice("organisation.public_level")
Canton = v.choice("organisation.canton")
Sector = v.choice("organisation.sector")
LegalForm = v.choice("organisation.legal_form")
StaffRepresentation = v.choice("organisation.staff_representation")
NameArticle = v.choice("organisation.name_article")
Language = v.choice("policy.languages")
Stance = v.choice("policy.stance")
Length = v.choice("policy.length")
Maturity = v.choice("maturity")
AdminUse = v.choice("uses.admin")
CreativeUse = v.choice("uses.creative")
PublicUse = v.choice("uses.public")
HrUse = v.choice("uses.hr")
PersonalData = v.choice("data.personal_data")
PersonalDataInTools = v.choice("data.personal_data_in_ai_tools")
Confidential = v.choice("data.confidential_material")
Hosting = v.choice("tools.hosting")
Account = v.choice("tools.account")
ToolStatus = v.choice("tools.status")
AnyUse = v.choice("tools.uses")
Disclosure = v.choice("commitments.disclosure")

# C0 controls (tab and line breaks included: every text of the profile is one line, which a footer, a file
# name, a calendar line or a terminal shows), DEL, C1 controls, Unicode's line and paragraph separators; also
# the XML-illegal surrogates and non-characters (and the three private-use characters that mark the decision
# model's statements in a document)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff\ue000-\ue002]")
_EMAIL = re.compile(r"[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+")
EFFECTIVE_DATES = (dt.date(2000, 1, 1), dt.date(2099, 12, 31))  # policy.effective_date, the wizard's calendar too


def _clean_text(value: Any, max_len: int, required: bool) -> Any:
    if not isinstance(value, str):
        return value  # pydantic's own type error follows
    if _CONTROL.search(value):
        raise PydanticCustomError("control_chars", "contains control characters", {})
    value = value.strip()
    if required and not value:
        raise PydanticCustomError("empty_text", "must not be empty", {})
    if len(value) > max_len:
        raise PydanticCustomError("text_too_long", "too long", {"max_length": max_len, "length": len(value)})
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, validate_default=True)


# the organisation's optional one-line texts and their longest length; empty is "not given"
OPTIONAL_TEXTS = {"short_name": 60, "privacy_officer": 200, "ai_lead_name": 120}


class Organisation(_Strict):
    name: str = Field(description="Name of the organisation, 1..200 characters")
    jurisdiction: Jurisdiction
    # Optional addition to the contract: the province or territory of a canada_other organisation
    province: Province | None = Field(None, description="Province or territory (canada_other only)")
    public_body: bool = False
    # Optional additions (December 2026): the level of a public body and the canton of a Swiss one choose the
    # public-sector privacy act (docs/profile.md)
    public_level: PublicLevel | None = Field(None, description="Level of a public body (canada_other, switzerland)")
    canton: Canton | None = Field(None, description="Canton of a Swiss public body")
    federally_regulated: bool = False
    sector: Sector
    legal_form: LegalForm = "nonprofit"
    employees: int = Field(ge=0, le=1_000_000, description="Salaried headcount")
    freelancers: bool = False
    volunteers: bool = False
    staff_representation: StaffRepresentation = "none"
    privacy_officer: str | None = None
    # Optional additions (December 2026): who staff ask about AI, by name, in the staff summary
    ai_lead_name: str | None = Field(None, description="Name of the AI lead (the referent, or who answers for the AI committee)")
    ai_lead_email: str | None = Field(None, description="E-mail address of the AI lead")
    # Optional addition to the contract: a Swiss organisation placing AI systems on the EU market
    eu_market: bool = Field(False, description="Places AI systems or their output on the EU market (Switzerland)")
    # Optional additions (November 2026): how French names the organisation. Without an article, one is
    # guessed from the name's first word (« Théâtre… » → le); "none" writes the name alone.
    name_article: NameArticle | None = Field(None, description="Article of the full name in French")
    short_name: str | None = Field(None, description="Short name after the first mention, with its article (« le Théâtre »)")

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value):
        return _clean_text(value, 200, required=True)

    @field_validator(*OPTIONAL_TEXTS, mode="before")
    @classmethod
    def _optional_text(cls, value, info):
        return _clean_text(value, OPTIONAL_TEXTS[info.field_name], required=False) or None

    @field_validator("ai_lead_email", mode="before")
    @classmethod
    def _lead_email(cls, value):
        value = _clean_text(value, 254, required=False) or None
        if value is not None and not _EMAIL.fullmatch(value):
            raise PydanticCustomError("email_format", "not an e-mail address", {"value": value})
        return value


# The roles a policy names when the answers leave them out, in the policy's (first) language
ROLE_DEFAULTS: dict[str, tuple[str, str]] = {"owner_role": ("Direction générale", "Executive Director"),
                                             "approved_by": ("Conseil d'administration", "Board of Directors")}


class Policy(_Strict):
    languages: list[Language] = Field(default_factory=lambda: ["fr"], min_length=1)
    stance: Stance = "conditional"
    owner_role: str = ROLE_DEFAULTS["owner_role"][0]
    approved_by: str = ROLE_DEFAULTS["approved_by"][0]
    effective_date: dt.date = Field(default_factory=dt.date.today)
    review_months: int = Field(12, ge=3, le=36)
    # Optional addition to the contract: the policy's own version number, shown in the footer
    version: str = "1.0"
    # Optional addition (November 2026): how long the policy to adopt is (see docs/policy-outline.md)
    length: Length = "standard"
    # Optional addition (December 2026): the day this version was adopted, recorded by
    # `balises update --adopted-on` (docs/update.md); not asked by the wizard
    adopted_on: dt.date | None = None

    @model_validator(mode="before")
    @classmethod
    def _roles_in_the_policy_language(cls, data):
        """An English policy is not "Approved by: Conseil d'administration": a role left out is named in the
        policy's first language."""
        if isinstance(data, dict) and any(role not in data for role in ROLE_DEFAULTS):
            languages = data.get("languages")
            if isinstance(languages, list) and languages and languages[0] == "en":
                data = {**{role: pair[1] for role, pair in ROLE_DEFAULTS.items()}, **data}
        return data

    @field_validator("owner_role", "approved_by", mode="before")
    @classmethod
    def _roles(cls, value):
        return _clean_text(value, 200, required=True)

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        return _clean_text(value, 20, required=True)

    @field_validator("languages")
    @classmethod
    def _unique(cls, value):
        return list(dict.fromkeys(value))

    @field_validator("effective_date", "adopted_on")
    @classmethod
    def _plausible_date(cls, value):
        # year 9999 overflowed the review date; the wizard's calendar offers the same range
        first, last = EFFECTIVE_DATES
        if value is not None and not first <= value <= last:
            raise PydanticCustomError("date_out_of_range", "date out of range",
                                      {"first": first.isoformat(), "last": last.isoformat(), "date": value.isoformat()})
        return value


class Uses(_Strict):
    admin: list[AdminUse] = Field(default_factory=list)
    creative: list[CreativeUse] = Field(default_factory=list)
    public: list[PublicUse] = Field(default_factory=list)
    hr: list[HrUse] = Field(default_factory=list)
    model_training: bool = False

    @field_validator(*v.USE_CATEGORIES)
    @classmethod
    def _unique(cls, value):
        return list(dict.fromkeys(value))


class Data(_Strict):
    personal_data: list[PersonalData] = Field(default_factory=list)
    personal_data_in_ai_tools: PersonalDataInTools = "never"
    confidential_material: list[Confidential] = Field(default_factory=list)
    holds_rights_catalogue: bool = False
    publishes_online: bool = True

    @field_validator("personal_data", "confidential_material")
    @classmethod
    def _unique(cls, value):
        return list(dict.fromkeys(value))


class Tool(_Strict):
    name: str
    vendor: str | None = None
    hosting: Hosting = "unknown"
    account: Account = "free_consumer"
    status: ToolStatus = "under_review"
    uses: list[AnyUse] = Field(default_factory=list)

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value):
        return _clean_text(value, 100, required=True)

    @field_validator("vendor", mode="before")
    @classmethod
    def _vendor(cls, value):
        return _clean_text(value, 100, required=False) or None

    @field_validator("uses")
    @classmethod
    def _unique(cls, value):
        return list(dict.fromkeys(value))


class Commitments(_Strict):
    disclosure: Disclosure = "substantial"
    human_review: bool = True
    environmental: bool = True
    training: bool = True
    # Optional addition (November 2026): written consent (purpose, duration, pay) before any use of a
    # person's voice or likeness; a voice or likeness use without it is a decision to take.
    voice_likeness_consent: bool = True


class Profile(_Strict):
    """An organisation's answers. ``notices`` lists what was adjusted on reading, to tell the user."""

    schema_version: Literal[1] = 1
    organisation: Organisation
    policy: Policy = Field(default_factory=Policy)
    maturity: Maturity = "follower"
    uses: Uses = Field(default_factory=Uses)
    data: Data = Field(default_factory=Data)
    tools: list[Tool] = Field(default_factory=list, max_length=200)
    commitments: Commitments = Field(default_factory=Commitments)
    _notices: list = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _contract_rules(self):
        # the cross-field rules are data (balises/contract/rules.yaml); a model error carries one of them
        data = self.model_dump(mode="json", include=contract_rules.sections())  # only what the rules read
        for rule in contract_rules.broken(data):
            org = data.get("organisation", {})
            raise PydanticCustomError(rule.code, rule.code, {"field": rule.field, "value": rule.path.get(data),
                                                             "legal_form": org.get("legal_form")})
        return self

    @property
    def notices(self) -> list[Bilingual]:
        return list(self._notices)


_FIELD_MESSAGES: dict[str, tuple[str, str]] = {
    # pydantic error type -> (fr, en); {value}, {allowed}, {hint} and the error's context are available
    "missing": ("champ obligatoire manquant", "required field missing"),
    # null: a question not answered yet (an answers file the wizard saved before the end)
    "unanswered": ("pas encore répondu (null){allowed_hint}", "not answered yet (null){allowed_hint}"),
    "extra_forbidden": ("clé inconnue {value!r}{hint}", "unknown key {value!r}{hint}"),
    "literal_error": ("valeur {value!r} non permise ; valeurs permises : {allowed}{hint}",
                      "value {value!r} is not allowed; allowed values: {allowed}{hint}"),
    "bool_type": ("{value!r} n'est pas un booléen (true ou false)", "{value!r} is not a boolean (true or false)"),
    "bool_parsing": ("{value!r} n'est pas un booléen (true ou false)",
                     "{value!r} is not a boolean (true or false)"),
    "int_type": ("{value!r} n'est pas un nombre entier", "{value!r} is not a whole number"),
    "int_parsing": ("{value!r} n'est pas un nombre entier", "{value!r} is not a whole number"),
    "int_from_float": ("{value!r} n'est pas un nombre entier", "{value!r} is not a whole number"),
    "greater_than_equal": ("{value!r} est trop petit (minimum {ge})", "{value!r} is too small (at least {ge})"),
    "less_than_equal": ("{value!r} est trop grand (maximum {le})", "{value!r} is too large (at most {le})"),
    "string_type": ("{value!r} n'est pas un texte", "{value!r} is not text"),
    "list_type": ("une liste est attendue, pas {value!r}", "a list is expected, not {value!r}"),
    "too_short": ("la liste ne peut pas être vide", "the list must not be empty"),
    "too_long": ("la liste est trop longue (maximum {max_length})", "the list is too long (at most {max_length})"),
    "model_type": ("un tableau associatif (clé: valeur) est attendu, pas {value!r}",
                   "a mapping (key: value) is expected, not {value!r}"),
    "model_attributes_type": ("un tableau associatif (clé: valeur) est attendu, pas {value!r}",
                              "a mapping (key: value) is expected, not {value!r}"),
    "dict_type": ("un tableau associatif (clé: valeur) est attendu, pas {value!r}",
                  "a mapping (key: value) is expected, not {value!r}"),
    "date_type": ("{value!r} n'est pas une date (AAAA-MM-JJ)", "{value!r} is not a date (YYYY-MM-DD)"),
    "date_parsing": ("{value!r} n'est pas une date (AAAA-MM-JJ)", "{value!r} is not a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": ("{value!r} n'est pas une date (AAAA-MM-JJ)",
                                   "{value!r} is not a date (YYYY-MM-DD)"),
    "date_from_datetime_inexact": ("{value!r} n'est pas une date (AAAA-MM-JJ)",
                                   "{value!r} is not a date (YYYY-MM-DD)"),
    "date_out_of_range": ("{date} : date hors de la plage permise ({first} à {last})",
                          "{date}: date outside the allowed range ({first} to {last})"),
    "control_chars": ("contient des caractères de contrôle (saut de ligne, tabulation…) ; une seule ligne de "
                      "texte est attendue", "contains control characters (a line break, a tab…); one line of "
                      "text is expected"),
    "empty_text": ("ne peut pas être vide", "must not be empty"),
    "email_format": ("{value!r} n'est pas une adresse de courriel (nom@domaine.org)",
                     "{value!r} is not an e-mail address (name@domain.org)"),
    "text_too_long": ("texte trop long ({length} caractères ; maximum {max_length})",
                      "text too long ({length} characters; at most {max_length})"),
    "schema_version": ("version de schéma {value!r} inconnue ; version permise : 1",
                       "unknown schema version {value!r}; allowed: 1"),
}


# the type errors a null gets where the contract wants a value (a literal, a yes/no, a number, a text…)
_NULL_REFUSED = ("literal_error", "_type")


@functools.lru_cache(maxsize=1)
def _contract_messages() -> dict[str, tuple[str, str]]:
    return {r.code: (r.message.fr, r.message.en) for r in contract_rules.refusals() if r.message}


def _path(loc: tuple) -> str:
    return str(FieldPath(tuple(loc)))


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The model class that holds the field at ``loc`` (for "did you mean" on unknown keys)."""
    model: Any = Profile
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        ann = field.annotation
        inner = getattr(ann, "__args__", None)
        if inner and isinstance(inner[0], type) and issubclass(inner[0], BaseModel):
            ann = inner[0]
        if not (isinstance(ann, type) and issubclass(ann, BaseModel)):
            return None
        model = ann
    return model


def _short(value: Any) -> Any:
    text = repr(value)
    return value if len(text) <= 80 else text[:77] + "..."


def describe_errors(exc: ValidationError) -> list[Problem]:
    """One problem per error, at its field path, with its reason in French and in English."""
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        etype = err["type"]
        ctx = dict(err.get("ctx") or {})
        value = _short(err.get("input"))
        field = _path(loc)
        allowed: list[str] = []
        if etype == "extra_forbidden":
            value = loc[-1]
            model = _model_at(loc)
            allowed = list(model.model_fields) if model else []
        elif etype == "literal_error":
            allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        elif (etype in _FIELD_MESSAGES or etype in _contract_messages()) and "field" in ctx:
            field = ctx["field"]
            value = ctx.get("value")
        if field == "schema_version" and etype == "literal_error":
            etype = "schema_version"
        elif err.get("input", MISSING) is None and etype.endswith(_NULL_REFUSED):
            etype = "unanswered"
        if not field:
            field = "(profile)"
        template = _FIELD_MESSAGES.get(etype) or _contract_messages().get(etype)
        texts = []
        for i, lang in enumerate(v.LANGUAGE_CODES):
            if template is None:
                text = err["msg"]
            else:
                hint = did_you_mean(value, allowed, lang, aside=False) if allowed else ""
                if etype == "extra_forbidden" and allowed:
                    hint += (" ; clés permises : " if lang == "fr" else "; allowed keys: ") + ", ".join(allowed)
                allowed_hint = ((" ; valeurs permises : " if lang == "fr" else "; allowed values: ")
                                + ", ".join(allowed)) if allowed else ""
                try:
                    text = template[i].format(**{**ctx, "value": value, "allowed": ", ".join(allowed),
                                                  "hint": hint, "allowed_hint": allowed_hint})
                except (KeyError, IndexError, ValueError, TypeError):
                    text = err["msg"]
            texts.append(text)
        problems.append(Problem(Place(field=field), texts[1], texts[0], etype))
    return problems


def parse_profile(data: Any, source: str = "profile") -> Profile:
    """Validate raw data (from YAML, JSON, the wizard or a spreadsheet row) into a :class:`Profile`."""
    if not isinstance(data, dict):
        raise ProfileError(
            "le profil doit être un tableau associatif (clé: valeur) avec organisation, policy…",
            "the profile must be a mapping (key: value) with organisation, policy…", place=Place(source))
    data, notices = contract_rules.adjust(dict(data))
    try:
        profile = Profile.model_validate(data)
        hidden = _hidden_answers(profile, data)
        if hidden:  # answers to questions not asked with these answers: the contract's default stands
            profile = Profile.model_validate(_without(data, hidden))
    except ValidationError as exc:
        problems = describe_errors(exc)
        count = len(problems)
        raise ProfileError(
            f"profil invalide ({count} problème{'s' if count > 1 else ''}).",
            f"invalid profile ({count} problem{'s' if count > 1 else ''}).",
            problems=problems, place=Place(source),
        ) from None
    profile._notices = notices
    return profile


def _default_at(path: FieldPath) -> Any:
    model: Any = Profile
    for part in path.parts[:-1]:
        model = model.model_fields[part].annotation
    info = model.model_fields[path.parts[-1]]
    return None if info.is_required() else info.get_default(call_default_factory=True)


def _hidden_answers(profile: Profile, data: dict) -> list[FieldPath]:
    """The answers given to questions whose ``visible`` condition (questions.yaml) does not hold with these
    answers: the wizard does not ask them, so a value left from an earlier answer (a stale "yes") must not
    change the policy. Only the answers that differ from the contract's default are counted."""
    answers = profile.model_dump(mode="json")
    hidden = []
    for question in wizard_questions.questions():
        path = FieldPath.parse(question.path)
        if (path.get(data, MISSING) is not MISSING and question.hidden_by(answers)
                and _at(profile, path) != _default_at(path)):
            hidden.append(path)
    return hidden


def _at(profile: Profile, path: FieldPath) -> Any:
    node: Any = profile
    for part in path.parts:
        node = getattr(node, part)
    return node


def _without(data: dict, paths: list[FieldPath]) -> dict:
    data = copy.deepcopy(data)
    for path in paths:
        parent = FieldPath(path.parts[:-1]).get(data) if len(path.parts) > 1 else data
        parent.pop(path.parts[-1], None)
    return data


def load_profile(path: str | Path) -> Profile:
    path = Path(path)
    return parse_profile(load_data_file(path), str(path))


def profile_data_from_text(text: str | bytes, source: str = "profile") -> Any:
    """Answers from uploaded text, unvalidated: JSON if it looks like JSON, YAML otherwise."""
    stripped = text.lstrip()[:1] if isinstance(text, str) else text.lstrip()[:1]
    return parse_json(text, source) if stripped in ("{", b"{") else parse_yaml(text, source)


def profile_from_text(text: str | bytes, source: str = "profile") -> Profile:
    return parse_profile(profile_data_from_text(text, source), source)


def profile_to_data(profile: Profile) -> dict:
    """Plain data (JSON types) of a profile, in the contract's key order."""
    return profile.model_dump(mode="json")


def json_schema() -> dict:
    """The contract as a JSON Schema; a field the wizard asks is titled and described by its question
    (balises/contract/questions.yaml), in English, with the French under ``x-label-fr`` and ``x-help-fr``."""
    schema = Profile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Balises organisation profile (schema_version 1)"
    for question in wizard_questions.questions():
        _schema_property(schema, question.path).update(question.schema_keys())
    return schema


def _schema_property(schema: dict, path: str) -> dict:
    """The schema of the field at ``path``: a property of the profile or of one of its parts ($defs)."""
    *parents, name = FieldPath.parse(path).parts
    node, model = schema, Profile
    for part in parents:
        model = model.model_fields[part].annotation
        node = schema["$defs"][model.__name__]
    return node["properties"][name]
