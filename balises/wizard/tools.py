"""The tools' cards: the common tools offered, a tool's answers and their help, a card's row as profile data,
and each tool's risk reading."""

from __future__ import annotations

from typing import Any

from balises.contract.profile import Tool
from balises.contract.questions import Answers
from balises.engine.facts import ToolRisk, tool_risk
from balises.wizard.steps import QUESTION_BY_PATH, jurisdiction
from balises.wizard.texts import text

TOOL_COLUMNS = tuple(Tool.model_fields)


# Tools offered for quick entry that the pack's catalogue has no facts on: a name and its maker, nothing more
# (decisions/tools.yaml keeps unknown what nobody checked on the vendor's page)
UNCATALOGUED_TOOLS = {"Otter.ai": "Otter.ai", "Perplexity": "Perplexity AI"}


def common_tools(pack: Any) -> dict[str, str]:
    """The tools offered for quick entry, name -> vendor: each tool of the pack's catalogue (decisions/tools.yaml)
    under its first name, in the catalogue's order, then the uncatalogued ones it does not name."""
    catalogue = pack.decisions.catalogue
    tools = {entry.names[0]: entry.vendor for entry in catalogue.entries}
    return tools | {name: vendor for name, vendor in UNCATALOGUED_TOOLS.items() if catalogue.match(name) is None}


# Each tool's answers as the tools question declares them (questions.yaml: columns): their labels, the lines
# under the account types and statuses, the answers asked and never pre-chosen
TOOL_QUESTION_COLUMNS = QUESTION_BY_PATH["tools"].columns
TOOL_LABELS = {name: column.label for name, column in TOOL_QUESTION_COLUMNS.items()}
ACCOUNT_HELP: dict[str, tuple[str, str]] = dict(TOOL_QUESTION_COLUMNS["account"].captions or {})
STATUS_HELP: dict[str, tuple[str, str]] = dict(TOOL_QUESTION_COLUMNS["status"].captions or {})
TOOL_ASKED = tuple(name for name, column in TOOL_QUESTION_COLUMNS.items() if column.asked)


def blank_tool() -> dict[str, Any]:
    """A new tool's row: its name to type, its lists empty, every other answer not given yet."""
    return {name: "" if info.is_required() else info.default_factory() if info.default_factory else None
            for name, info in Tool.model_fields.items()}


def common_tool_row(name: str, vendor: str) -> dict[str, Any]:
    """A common tool's row: its name and vendor; its hosting, account and status are asked (TOOL_ASKED)."""
    return {**blank_tool(), "name": name, "vendor": vendor}


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
