"""Per-step validation: the questions still waiting for an answer and what the profile model refuses, named
by their question. Validation goes through :func:`balises.contract.answers.resolve`, the same model as the CLI."""

from __future__ import annotations

import re
from typing import Any

from balises.contract import answers as layered
from balises.contract.profile import Profile
from balises.contract.questions import Answers
from balises.errors import BalisesError, ProfileError
from balises.problems import Place, Problem
from balises.wizard.answers import get, to_profile_data
from balises.wizard.steps import QUESTION_BY_PATH, QUESTIONS, STEPS, step_index, step_of_field
from balises.wizard.texts import TEXTS
from balises.wizard.tools import TOOL_ASKED, TOOL_QUESTION_COLUMNS

# ---------------------------------------------------------------- validation

WHOLE = "(profile)"  # the contract's place for a problem of the answers as a whole


def problem_text(problem: Problem, lang: str) -> str:
    """A problem as the wizard says it: named by its question (or table cell), not by its field path."""
    label = field_label(problem.place.field)
    if lang == "fr":
        return f"« {label[0]} » : {problem.reason('fr')}"
    return f"“{label[1]}”: {problem.reason('en')}"


def validate(answers: Answers, pack: Any = None) -> tuple[Profile | None, list[Problem]]:
    """The profile (the answers over the pack's, as the CLI reads a file), or the problems the profile model
    found."""
    try:
        return layered.resolve(to_profile_data(answers), pack, "wizard").profile, []
    except ProfileError as exc:
        return None, [_problem(p) for p in exc.problems] or [Problem(Place(field=WHOLE), exc.en, exc.fr)]


TOOL_FIELD = re.compile(r"^tools\[(\d+)\](?:\.(\w+))?")
_TOOL_LABELS = {name: column.short for name, column in TOOL_QUESTION_COLUMNS.items()}


def field_label(path: str) -> tuple[str, str]:
    if path == WHOLE:
        return "Réponses", "Answers"
    question = QUESTION_BY_PATH.get(path)
    if question is not None:
        return question.label
    m = TOOL_FIELD.match(path)
    if m:
        row = int(m.group(1)) + 1
        col = _TOOL_LABELS.get(m.group(2) or "", ("", ""))
        fr = TEXTS["tools_row"][0].format(n=row) + (f", {col[0].lower()}" if col[0] else "")
        en = TEXTS["tools_row"][1].format(n=row) + (f", {col[1].lower()}" if col[1] else "")
        return fr, en
    return path, path


def _missing(path: str) -> Problem:
    return Problem(Place(field=path), "an answer is required", "réponse obligatoire", "missing")


def _problem(p: Problem) -> Problem:
    """A problem of the contract as the wizard says it: a missing answer in the wizard's words."""
    return _missing(p.where) if p.code == "missing" else p


def unanswered(answers: Answers, step_id: str | None = None) -> list[Problem]:
    """The questions asked (of ``step_id``, else of every step) still waiting for an answer the user must give:
    a choice not made (a question that starts unanswered included), a tool's hosting, account or status."""
    out = []
    for q in QUESTIONS:
        if step_id not in (None, q.step) or q.kind in ("text", "tools"):
            continue
        if get(answers, q.path) is None and (q.starts_unanswered or not q.optional) and q.is_visible(answers):
            out.append(_missing(q.path))
    if step_id in (None, "data_tools"):
        for i, tool in enumerate(answers.get("tools") or []):
            for name in TOOL_ASKED:
                if tool.get(name) is None:
                    out.append(_missing(f"tools[{i}].{name}"))
    return out


def step_problems(answers: Answers, step_id: str, refused: list[Problem] | None = None,
                  waiting: list[Problem] | None = None) -> list[Problem]:
    """What a user must answer or fix before leaving ``step_id`` (everything, on the review step), in the order of
    the questions: the answers still waiting, then what the profile model refuses (``refused`` and ``waiting``:
    those of every step, when already worked out)."""
    if refused is None:
        _, refused = validate(answers)
    if waiting is None:
        waiting = unanswered(answers)
    if step_id != "review":
        waiting = [p for p in waiting if step_of_field(p.place.field) == step_id]
    said = {p.place.field for p in waiting}
    out = waiting + [p for p in refused if p.place.field not in said
                     and (step_id == "review" or step_of_field(p.place.field) == step_id)]
    order = {q.path: n for n, q in enumerate(QUESTIONS)}

    def rank(p: Problem) -> tuple[int, int]:
        path = p.place.field
        among = order.get(path, order["tools"] if path.startswith("tools") else 0)
        return step_index(step_of_field(path)), among
    return sorted(out, key=rank)


def resume_step(answers: Answers) -> int:
    """Where a resumed questionnaire opens: the first step with a question waiting or a problem, else the
    review."""
    waiting = step_problems(answers, "review")
    for step in STEPS:
        if any(step_of_field(p.place.field) == step.id for p in waiting):
            return step_index(step.id)
    return step_index("review")


def error_lines(exc: BalisesError, lang: str) -> tuple[str, list[str]]:
    """The headline and one line per problem, in ``lang``; profile problems named by their question."""
    head = exc.fr if lang == "fr" else exc.en
    problems = getattr(exc, "problems", None)
    if problems:
        return head, [problem_text(_problem(p), lang) for p in problems]
    return head, [detail.get(lang) for detail in exc.details]
