"""The wizard's steps and questions: data, read from balises/contract/questions.yaml (labels, help, options,
when each is asked), and the step a field belongs to."""

from __future__ import annotations

from balises.contract import rules as contract_rules
from balises.contract.questions import Answers, Question, Step, questions, steps

# ---------------------------------------------------------------- steps and questions

# The steps and questions are data (balises/contract/questions.yaml): labels, help, options, when each is asked
STEPS: tuple[Step, ...] = steps()
STEP_IDS = tuple(s.id for s in STEPS)


def step_index(step_id: str) -> int:
    return STEP_IDS.index(step_id)


def jurisdiction(answers: Answers) -> str | None:
    return (answers.get("organisation") or {}).get("jurisdiction")


QUESTIONS: tuple[Question, ...] = questions()
QUESTION_BY_PATH = {q.path: q for q in QUESTIONS}


def questions_for(step_id: str, answers: Answers) -> list[Question]:
    return [q for q in QUESTIONS if q.step == step_id and q.is_visible(answers)]


def locked_options(answers: Answers, path: str) -> list[str]:
    """The options of a list the contract's rules always include with these answers (French, in Québec)."""
    return contract_rules.always_included(answers, path)


def _belongs(fieldname: str, prefixes: tuple[str, ...]) -> bool:
    return any(fieldname == p or fieldname.startswith(p + ".") or fieldname.startswith(p + "[")
               for p in prefixes)


def step_of_field(fieldname: str) -> str:
    for step in STEPS:
        if _belongs(fieldname, step.fields):
            return step.id
    return "review"
