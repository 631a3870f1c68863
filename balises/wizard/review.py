"""The review step: the answers as a person reads them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from balises.contract import vocabulary as v
from balises.contract.questions import YES_NO_KINDS, Answers, Question, tr
from balises.wizard.answers import get
from balises.wizard.steps import QUESTION_BY_PATH, questions_for
from balises.wizard.texts import text
from balises.wizard.tools import TOOL_ASKED, TOOL_LABELS

# ---------------------------------------------------------------- the review: the answers as a person reads them

@dataclass(frozen=True)
class Row:
    path: str  # the question's path (tools: "tools")
    label: str
    answer: str
    waiting: bool  # not answered yet


def answer_text(q: Question, value: Any, answers: Answers, lang: str) -> str:
    """One answer in words: the option's label, Oui/Non, a list of labels, a date as people write it."""
    if value is None or (q.kind == "text" and value == ""):
        return text("empty_text" if q.kind == "text" or q.optional else "unanswered", lang)
    if q.kind in YES_NO_KINDS:
        return text("yes" if value else "no", lang).capitalize()
    if isinstance(value, list):
        return ", ".join(q.option_label(x, lang, answers) for x in value) or text("none_chosen", lang)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y") if lang == "fr" else value.isoformat()
    if q.table is not None:
        return q.option_label(value, lang, answers)
    return str(value)


USE_QUESTIONS = tuple(f"uses.{category}" for category in v.USE_CATEGORIES)


def use_label(use: str, lang: str, answers: Answers) -> str:
    """A use's label as its question words it for the organisation's place (a tool's uses too)."""
    for path in USE_QUESTIONS:
        question = QUESTION_BY_PATH[path]
        if use in (question.table or {}):
            return question.option_label(use, lang, answers)
    return str(use)


def tool_text(tool: dict[str, Any], lang: str, answers: Answers | None = None) -> str:
    """A tool's card in one line: vendor, hosting, account, status, uses."""
    parts = [tool.get("vendor") if tool.get("vendor") != tool.get("name") else ""]
    for name, table in (("hosting", v.HOSTING), ("account", v.ACCOUNT), ("status", v.TOOL_STATUS)):
        value = tool.get(name)
        parts.append(tr(table[value], lang) if value in table else f"{tr(TOOL_LABELS[name], lang)} : ?"
                     if lang == "fr" else f"{tr(TOOL_LABELS[name], lang)}: ?")
    uses = [use_label(u, lang, answers or {}) for u in tool.get("uses") or [] if u in v.ALL_USES]
    if uses:
        parts.append(", ".join(uses))
    return " · ".join(p for p in parts if p)


def review_rows(answers: Answers, step_id: str, lang: str) -> list[Row]:
    """The answers of a step as the review lists them: one row per question asked, one per tool."""
    rows = []
    for q in questions_for(step_id, answers):
        if q.kind == "tools":
            for n, tool in enumerate(answers.get("tools") or [], 1):
                waiting = any(tool.get(name) is None for name in TOOL_ASKED)
                rows.append(Row("tools", tool.get("name") or text("tools_unnamed", lang),
                                tool_text(tool, lang, answers), waiting))
            if not answers.get("tools"):
                rows.append(Row("tools", q.label_for(answers, lang), text("none_chosen", lang), False))
            continue
        value = get(answers, q.path)
        waiting = value is None and (q.starts_unanswered or not q.optional) and q.kind != "text"
        rows.append(Row(q.path, q.label_for(answers, lang), answer_text(q, value, answers, lang), waiting))
    return rows
