"""The tool register and the table of uses as a spreadsheet (openpyxl), from the decision table.

Every cell is written as text: a tool name typed as "=HYPERLINK(…)" stays a name, never a formula."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from balises.engine.views import worded_table

HEADERS = {
    "fr": {"tools": "Outils", "uses": "Usages", "tool": "Outil", "vendor": "Fournisseur", "hosting": "Hébergement",
           "account": "Compte", "status": "Statut", "declared": "Usages prévus", "use": "Usage",
           "verdict": "Décision", "conditions": "Conditions", "through": "Outils"},
    "en": {"tools": "Tools", "uses": "Uses", "tool": "Tool", "vendor": "Provider", "hosting": "Hosting",
           "account": "Account", "status": "Status", "declared": "Planned uses", "use": "Use",
           "verdict": "Decision", "conditions": "Conditions", "through": "Tools"},
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """Text a spreadsheet shows as text: a leading formula character is neutralised with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def class_cell(c: dict, lang: str) -> str:
    """One tool and one class of information as the register says it: the answer, then its conditions."""
    return c["short"] + ((" : " if lang == "fr" else ": ") + c["conditions_said"] if c["conditions"] else "")


def register_rows(view: dict, lang: str) -> dict[str, tuple[list[str], list[list[str]]]]:
    """The two sheets of the register (header, rows), from the decision model worded in ``lang``: the same
    columns as the Word register (its tools, the classes of information the organisation holds) and the same
    columns as the policy's table of uses. ``balises check`` reads a spreadsheet back against these."""
    h = HEADERS[lang]
    held = view["held_ids"]
    header = [h["tool"], h["vendor"], h["hosting"], h["account"], h["status"], h["declared"],
              *[view["class_labels"][c][:1].upper() + view["class_labels"][c][1:] for c in held]]
    rows = []
    for t in view["tools"]:
        by_id = {c["id"]: c for c in t["classes"]}
        rows.append([t["name"], t["vendor"], t["hosting_label"], t["account_label"], t["status_label"],
                     "; ".join(t["uses"]), *[class_cell(by_id[c], lang) for c in held]])
    uses = [[u["label"], u["verdict_label"], u["tools_said"], u["conditions_said"]] for u in view["uses"]]
    return {"tools": (header, rows), "uses": ([h["use"], h["verdict"], h["through"], h["conditions"]], uses)}


def tool_register_xlsx(profile: Any, pack: Any, as_of: dt.date | None, lang: str) -> bytes:
    # lazy: openpyxl takes ~200 ms to load, and only a kit or the wizard's register needs it
    import openpyxl
    from openpyxl.styles import Alignment, Font

    view = worded_table(profile, pack, lang, as_of or dt.date.today())
    h = HEADERS[lang]
    sheets = register_rows(view, lang)
    book = openpyxl.Workbook()
    tools = book.active
    tools.title = h["tools"]
    _fill(tools, *sheets["tools"], Font, Alignment)
    uses = book.create_sheet(h["uses"])
    _fill(uses, *sheets["uses"], Font, Alignment)
    book.properties.creator = profile.organisation.name[:250]
    book.properties.title = h["tools"]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(sheet, header: list[str], rows: list[list[str]], Font, Alignment) -> None:
    sheet.append([safe_cell(x) for x in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(x) for x in row])
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.data_type = "s"  # text, never a formula
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, _ in enumerate(header, start=1):
        sheet.column_dimensions[chr(64 + i)].width = 28 if i > 1 else 24
    sheet.freeze_panes = "A2"
