"""Facts derived from a profile, so that rules stay plain comparisons.

A rule says ``facts.ai_act_applies: {equals: true}`` rather than repeating the list of EU member
jurisdictions; a template reads ``facts.privacy_regime`` rather than re-deciding which law applies.
Everything here is a pure function of the profile.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from balises.contract import conditions, vocabulary
from balises.contract.profile import Organisation, Profile, Tool
from balises.safeyaml import load_data_file

PrivacyRegime = Literal["law25_private", "law25_public", "pipeda", "privacy_act", "pipa_bc", "pipa_ab", "fippa_on",
                        "mfippa_on", "public_on", "fippa_bc", "public_ab", "public_canada", "gdpr", "nlpd",
                        "cantonal", "none"]
REGIMES_FILE = Path(__file__).with_name("privacy_regimes.yaml")


class RegimeRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    regime: PrivacyRegime
    when: dict


@functools.cache
def regime_table() -> tuple[RegimeRow, ...]:
    """The privacy regimes by jurisdiction, public body, level, province and federal status (a data file)."""
    rows = tuple(RegimeRow.model_validate(row) for row in load_data_file(REGIMES_FILE))
    for row in rows:
        conditions.require_valid(row.when)
    return rows


def regimes_for(organisation: Organisation) -> list[str]:
    """Every regime whose row holds: exactly one for answers the contract accepts."""
    # the jurisdiction's row of balises/contract/options.yaml too (jurisdiction.eu_member)
    context = {"organisation": organisation.model_dump(mode="python"),
               "jurisdiction": vocabulary.jurisdiction(organisation.jurisdiction).model_dump()}
    return [row.regime for row in regime_table() if conditions.holds(row.when, context)]


class ToolRisk(BaseModel):
    """The risk reading of one declared tool, for the register and the rules."""

    name: str
    vendor: str | None
    hosting: str
    account: str
    status: str
    uses: list[str]
    hosted_outside: bool  # outside the jurisdiction's protected area (Québec, Canada, EU/EEA, Switzerland)
    hosting_unknown: bool
    consumer_account: bool  # free or individual account: no organisation contract
    level: Literal["high", "medium", "low"]


class Facts(BaseModel):
    eu_member: bool
    ai_act_applies: bool
    gdpr_applies: bool
    canada: bool
    privacy_regime: PrivacyRegime
    locale: str  # set per language by the composer: fr-CA, fr-FR, fr-BE, fr-CH, en-CA, en-GB...
    size_band: Literal["micro", "small", "medium", "large"]
    has_committee: bool
    all_uses: list[str]
    any_creative_use: bool
    any_public_use: bool
    any_hr_use: bool
    any_use: bool
    tool_count: int
    tool_hostings: list[str]
    tools_outside: list[str]
    tools_consumer: list[str]
    tools_unknown_hosting: list[str]
    tools_approved: list[str]
    tools_high_risk: list[str]
    tool_risks: list[ToolRisk]
    personal_data_any: bool
    works_with_performers: bool
    french_language_registration: bool


PERFORMER_SECTORS = {"performing_arts", "music", "audiovisual", "video_games", "presenting_festivals"}


def tool_risk(tool: Tool, jurisdiction: str) -> ToolRisk:
    inside = vocabulary.jurisdiction(jurisdiction).hosting_inside  # None: no statutory area, no transfer
    unknown = tool.hosting == "unknown"
    outside = inside is not None and not unknown and tool.hosting not in inside
    consumer = tool.account in ("free_consumer", "paid_individual")
    score = sum([outside or unknown, consumer, tool.account == "free_consumer"])
    level = "high" if score >= 2 or tool.status == "prohibited" else ("medium" if score == 1 else "low")
    return ToolRisk(name=tool.name, vendor=tool.vendor, hosting=tool.hosting, account=tool.account,
                    status=tool.status, uses=list(tool.uses), hosted_outside=outside, hosting_unknown=unknown,
                    consumer_account=consumer, level=level)


def _regime(profile: Profile) -> str:
    found = regimes_for(profile.organisation)
    if len(found) != 1:  # the table's rows exclude each other: a gap or an overlap is a defect of the table
        raise ValueError(f"{REGIMES_FILE.name}: {len(found)} privacy regimes for these answers ({found})")
    return found[0]


def derive(profile: Profile, locale: str = "") -> Facts:
    org, uses = profile.organisation, profile.uses
    eu = vocabulary.jurisdiction(org.jurisdiction).eu_member
    all_uses = [use for category in vocabulary.USE_CATEGORIES for use in getattr(uses, category)]
    risks = [tool_risk(t, org.jurisdiction) for t in profile.tools]
    n = org.employees
    size = "micro" if n < 10 else "small" if n < 50 else "medium" if n < 250 else "large"
    return Facts(
        eu_member=eu,
        ai_act_applies=eu or (org.jurisdiction == "switzerland" and org.eu_market),
        gdpr_applies=eu,
        canada=vocabulary.jurisdiction(org.jurisdiction).canada,
        privacy_regime=_regime(profile),
        locale=locale,
        size_band=size,
        has_committee=n >= 20,
        all_uses=all_uses,
        any_creative_use=bool(uses.creative),
        any_public_use=bool(uses.public),
        any_hr_use=bool(uses.hr),
        any_use=bool(all_uses) or uses.model_training,
        tool_count=len(profile.tools),
        tool_hostings=sorted({t.hosting for t in profile.tools}),
        tools_outside=[r.name for r in risks if r.hosted_outside],
        tools_consumer=[r.name for r in risks if r.consumer_account],
        tools_unknown_hosting=[r.name for r in risks if r.hosting_unknown],
        tools_approved=[r.name for r in risks if r.status == "approved"],
        tools_high_risk=[r.name for r in risks if r.level == "high"],
        tool_risks=risks,
        personal_data_any=bool(profile.data.personal_data),
        works_with_performers=org.sector in PERFORMER_SECTORS
        or bool({"voice_synthesis", "dubbing_subtitling"} & set(uses.creative))
        or bool({"likeness_real_person", "likeness_deceased_person"} & set(uses.public)),
        french_language_registration=org.jurisdiction == "quebec" and n >= 25,
    )


def locale_for(lang: str, jurisdiction: str) -> str:
    return vocabulary.jurisdiction(jurisdiction).locales[lang]
