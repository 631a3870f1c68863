"""The profile matrix of the check (tests/test_matrix_*.py): jurisdiction × sector × stance × maturity × tools
with every account, hosting and status (names the catalogue knows, and names it does not) × uses × data ×
length × language × effective date (past, near, far). For each profile the whole kit is generated and
`balises check` must find no difference between any document and the decision model."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from balises.contract import vocabulary as v
from balises.contract.profile import parse_profile
from balises.packs.loader import load_pack
from balises.services.check import check_path
from balises.services.kit import build_kit, write_kit

PACK = load_pack()
AS_OF = dt.date(2026, 12, 1)
MATRIX = settings(max_examples=int(os.environ.get("BALISES_MATRIX", "160")), deadline=None, derandomize=True, print_blob=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TOOL_NAMES = ["ChatGPT", "ChatGPT Team", "Claude", "Microsoft 365 Copilot", "Gemini", "Le Chat", "DeepL Pro",
              "Canva", "Adobe Firefly", "Midjourney", "ElevenLabs", "Whisper (local)", "Suno", "Runway",
              "Antidote", "Outil maison", "Perplexity"]


def subset(table):
    values = list(table)
    return st.one_of(st.just([]), st.lists(st.sampled_from(values), unique=True, max_size=5))


tool = st.fixed_dictionaries({
    "name": st.sampled_from(TOOL_NAMES),
    "vendor": st.one_of(st.none(), st.sampled_from(["OpenAI", "Anthropic", "Fournisseur local"])),
    "hosting": st.sampled_from(list(v.HOSTING)),
    "account": st.sampled_from(list(v.ACCOUNT)),
    "status": st.sampled_from(list(v.TOOL_STATUS)),
    "uses": subset(v.ALL_USES),
})


@st.composite
def profiles(draw, jurisdictions: list[str]) -> dict:
    jurisdiction = draw(st.sampled_from(jurisdictions))
    legal_form = draw(st.sampled_from(list(v.LEGAL_FORMS)))
    reps = list(v.STAFF_REPRESENTATION) if jurisdiction == "france" else ["none", "union"]
    tools = draw(st.lists(tool, max_size=5, unique_by=lambda t: t["name"]))
    languages = draw(st.sampled_from([["fr"], ["en"], ["fr", "en"]]))
    if jurisdiction == "quebec" and "fr" not in languages:
        languages = ["fr", *languages]
    return {
        "schema_version": 1,
        "organisation": {
            "name": draw(st.sampled_from(["Théâtre du Nord", "Compagnie Mue", "Studio Lumen", "Festival Ouest",
                                          "Musée de la Baie", "Éditions Nord"])),
            "jurisdiction": jurisdiction,
            "province": draw(st.sampled_from([None, "on", "bc", "ab"])) if jurisdiction == "canada_other" else None,
            "public_body": legal_form == "public_body",
            "federally_regulated": draw(st.booleans()) if jurisdiction in ("quebec", "canada_other") else False,
            "sector": draw(st.sampled_from(list(v.SECTORS))),
            "legal_form": legal_form,
            "employees": draw(st.sampled_from([0, 3, 12, 19, 20, 49, 50, 80, 300])),
            "freelancers": draw(st.booleans()),
            "volunteers": draw(st.booleans()),
            "staff_representation": draw(st.sampled_from(reps)),
            "privacy_officer": draw(st.sampled_from([None, "Direction générale"])),
            "ai_lead_name": draw(st.sampled_from([None, "Alex Roy"])),
            "ai_lead_email": draw(st.sampled_from([None, "ia@exemple.org"])),
        },
        "policy": {
            "languages": languages,
            "stance": draw(st.sampled_from(list(v.STANCES))),
            "effective_date": (AS_OF + dt.timedelta(days=draw(st.sampled_from([-60, 0, 20, 45, 90, 400])))).isoformat(),
            "review_months": draw(st.sampled_from([6, 12, 24])),
            "length": draw(st.sampled_from(list(v.LENGTHS))),
        },
        "maturity": draw(st.sampled_from(list(v.MATURITY))),
        "uses": {"admin": draw(subset(v.ADMIN_USES)), "creative": draw(subset(v.CREATIVE_USES)),
                 "public": draw(subset(v.PUBLIC_USES)), "hr": draw(subset(v.HR_USES)),
                 "model_training": draw(st.booleans())},
        "data": {"personal_data": draw(subset(v.PERSONAL_DATA)),
                 "personal_data_in_ai_tools": draw(st.sampled_from(list(v.PERSONAL_DATA_IN_AI_TOOLS))),
                 "confidential_material": draw(subset(v.CONFIDENTIAL_MATERIAL)),
                 "holds_rights_catalogue": draw(st.booleans()), "publishes_online": draw(st.booleans())},
        "tools": tools,
        "commitments": {"disclosure": draw(st.sampled_from(list(v.DISCLOSURE))),
                        "voice_likeness_consent": draw(st.booleans())},
    }


def kit_checks(raw: dict) -> None:
    """Generate the whole kit of ``raw`` and check it: no document says anything the model does not."""
    raw["organisation"] = {k: val for k, val in raw["organisation"].items() if val is not None}
    profile = parse_profile(raw, "matrix")
    kit = build_kit(profile, PACK, AS_OF, pdf=False)
    with tempfile.TemporaryDirectory(prefix="balises-matrix-") as tmp:
        write_kit(kit, Path(tmp))
        report = check_path(tmp, PACK)
    assert report.documents and not report.differences, "\n".join(report.lines())
    table = next(iter(kit.documents.values())).decisions
    assert table.dates.effective >= AS_OF
    assert [d.number for d in table.to_take] == list(range(1, len(table.to_take) + 1))
