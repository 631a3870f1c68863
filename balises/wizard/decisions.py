"""Where the wizard shows a decision to take (balises.engine.decisions), and the question that settles it."""

from __future__ import annotations

from typing import Any

from balises.contract.questions import tr
from balises.wizard.steps import QUESTION_BY_PATH, step_of_field

# The decision table names the step of a decision to take in its own words; the wizard's steps by id
_DECISION_STEPS = {"tools": "data_tools", "data": "data_tools", "data_tools": "data_tools", "uses": "uses",
                   "position": "position", "commitments": "commitments", "organisation": "organisation"}


def decision_step(decision: Any) -> str:
    """The wizard step where a decision to take arises (its ``step``, else the step of its ``field``)."""
    return _DECISION_STEPS.get(decision.step) or step_of_field(decision.field)


def decision_answer(decision: Any, lang: str) -> str:
    """The question whose answer settles a decision to take."""
    question = QUESTION_BY_PATH.get(decision.field)
    return tr(question.label, lang) if question else decision.field
