"""The tools' cards: the common tools offered, a tool's answers and their help, a card's row as profile data,
and each tool's risk reading."""

from __future__ import annotations

from typing import Any

from balises.contract.profile import Tool
from balises.contract.questions import Answers
from balises.engine.facts import ToolRisk, tool_risk
from balises.wizard.steps import jurisdiction
from balises.wizard.texts import text

TOOL_COLUMNS = ("name", "vendor", "hosting", "account", "status", "uses")


# Common tools offered for quick entry (name, vendor, usual hosting of the organisation account)
COMMON_TOOLS: dict[str, dict[str, Any]] = {
    "ChatGPT": {"vendor": "OpenAI", "hosting": "usa"},
    "Claude": {"vendor": "Anthropic", "hosting": "usa"},
    "Microsoft 365 Copilot": {"vendor": "Microsoft", "hosting": "unknown"},
    "Gemini": {"vendor": "Google", "hosting": "usa"},
    "Le Chat": {"vendor": "Mistral AI", "hosting": "eu"},
    "DeepL": {"vendor": "DeepL", "hosting": "eu"},
    "Canva (Magic Studio)": {"vendor": "Canva", "hosting": "unknown"},
    "Adobe Firefly": {"vendor": "Adobe", "hosting": "usa"},
    "Midjourney": {"vendor": "Midjourney", "hosting": "usa"},
    "Otter.ai": {"vendor": "Otter.ai", "hosting": "usa"},
    "ElevenLabs": {"vendor": "ElevenLabs", "hosting": "usa"},
    "Perplexity": {"vendor": "Perplexity AI", "hosting": "usa"},
}


# One line per account type: what a director needs to tell them apart (DeepL Pro, ChatGPT Plus…)
ACCOUNT_HELP: dict[str, tuple[str, str]] = {
    "free_consumer": ("Gratuit, au nom d'une personne : les saisies servent souvent à entraîner le modèle.",
                      "Free, in a person's name: inputs are often used to train the model."),
    "paid_individual": ("Payé par une personne (ChatGPT Plus, DeepL Pro Starter…), sans contrat de l'organisation.",
                        "Paid by a person (ChatGPT Plus, DeepL Pro Starter…), no organisation contract."),
    "business": ("Au nom de l'organisation (ChatGPT Team, Microsoft 365…), avec des conditions sur les données.",
                 "In the organisation's name (ChatGPT Team, Microsoft 365…), with terms on data."),
    "self_hosted": ("Sur vos propres serveurs ou postes : rien ne sort de l'organisation.",
                    "On your own servers or computers: nothing leaves the organisation."),
}
# As the policy says it (policy_templates/*/tools.current.md): a tool under review serves no work until approved
STATUS_HELP: dict[str, tuple[str, str]] = {
    "approved": ("Permis pour les usages cochés ci-dessous.", "Allowed for the uses ticked below."),
    "under_review": ("Ne sert pas au travail avant son approbation.", "Not used for work until approved."),
    "prohibited": ("Ne sert jamais, même avec un compte personnel.", "Never used, not even with a personal account."),
}
TOOL_LABELS = {"name": ("Nom de l'outil", "Tool name"), "vendor": ("Fournisseur", "Vendor"),
               "hosting": ("Où les données sont hébergées", "Where the data is hosted"),
               "account": ("Type de compte", "Account type"), "status": ("Statut", "Status"),
               "uses": ("Usages permis avec cet outil", "Uses allowed with this tool")}


# A tool's answers that decide what it may receive: asked, never pre-chosen (its hosting is suggested for a common
# tool, from the vendor's usual hosting)
TOOL_ASKED = ("hosting", "account", "status")


def blank_tool() -> dict[str, Any]:
    return {"name": "", "vendor": None, "hosting": None, "account": None, "status": None, "uses": []}


def common_tool_row(name: str) -> dict[str, Any]:
    base = COMMON_TOOLS.get(name, {})
    return {**blank_tool(), "name": name, "vendor": base.get("vendor"), "hosting": base.get("hosting")}


def _clean_tool(row: dict[str, Any]) -> dict[str, Any]:
    values = {k: row.get(k) for k in TOOL_COLUMNS}
    out: dict[str, Any] = {}
    name = values["name"]
    out["name"] = "" if name is None else name
    vendor = values["vendor"]
    out["vendor"] = vendor if isinstance(vendor, str) and vendor.strip() else None
    for key in ("hosting", "account", "status"):
        if values[key] not in (None, ""):
            out[key] = values[key]
    uses = values["uses"]
    out["uses"] = list(uses) if isinstance(uses, (list, tuple)) else []
    return out


def tools_from_rows(rows: Any) -> list[dict[str, Any]]:
    """The tools of the cards, one per card (a card left blank is a tool still to name: validation says so);
    a tool's answer not given yet is left out."""
    return [_clean_tool(row) for row in rows or [] if isinstance(row, dict)]


# ---------------------------------------------------------------- tools risk reading

def tool_risks(answers: Answers) -> list[ToolRisk]:
    j = jurisdiction(answers)
    if j is None:
        return []
    out = []
    for row in answers.get("tools") or []:
        if any(row.get(name) is None for name in TOOL_ASKED):
            continue  # no reading before its hosting, account and status are answered
        try:
            tool = Tool.model_validate(_clean_tool(row))
        except Exception:  # noqa: BLE001 — an incomplete row has no reading yet; validation names it
            continue
        out.append(tool_risk(tool, j))
    return out


def risk_reasons(risk: ToolRisk, lang: str) -> str:
    keys = []
    if risk.status == "prohibited":
        keys.append("r_prohibited")
    if risk.hosted_outside:
        keys.append("r_outside")
    if risk.hosting_unknown:
        keys.append("r_unknown")
    if risk.consumer_account:
        keys.append("r_consumer")
    if risk.account == "free_consumer":
        keys.append("r_train")
    return " ; ".join(text(k, lang) for k in keys) if keys else text("r_none", lang)
