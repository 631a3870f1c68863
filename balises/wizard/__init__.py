"""The wizard's logic, without Streamlit: its interface texts (fr/en), the steps and questions (data, read
from balises/contract/questions.yaml), the answers held while the wizard runs, their conversion to profile
data, per-step validation, the review, the tools' cards, the decisions to take, an update in plain words,
files in and out — one module each.

``app.py`` and ``balises_app/`` are the Streamlit shell over this package. Validation goes through
:func:`balises.contract.profile.parse_profile`, the same model as the CLI: one source of truth.

The package's public names are those of the one module it was (``from balises import wizard`` keeps working
for the shell, the tests and the benchmarks); new code may import them from their module.
"""

from balises.contract.questions import Question, tr
from balises.wizard.answers import (
    PLACE_LANGUAGE,
    ROLE_TEXTS,
    answers_from_profile,
    default_answers,
    fit_answers,
    follow_suggestions,
    from_pack,
    get,
    initial_language,
    set_value,
    settle,
    suggestions,
    to_profile_data,
)
from balises.wizard.decisions import decision_answer, decision_step
from balises.wizard.files import (
    MAX_UPLOAD_BYTES,
    LoadedAnswers,
    answers_yaml,
    file_name,
    load_answers_file,
    unreadable,
)
from balises.wizard.review import USE_QUESTIONS, Row, answer_text, review_rows, tool_text, use_label
from balises.wizard.steps import (
    QUESTION_BY_PATH,
    QUESTIONS,
    STEP_IDS,
    STEPS,
    jurisdiction,
    locked_options,
    questions_for,
    step_index,
    step_of_field,
)
from balises.wizard.texts import EDITION_LABELS, TEXTS, UI_LANGS, md_text, text
from balises.wizard.tools import (
    ACCOUNT_HELP,
    STATUS_HELP,
    TOOL_ASKED,
    TOOL_COLUMNS,
    TOOL_LABELS,
    blank_tool,
    common_tool_row,
    common_tools,
    risk_reasons,
    tool_risks,
    tools_from_rows,
)
from balises.wizard.update import update_summary
from balises.wizard.validation import (
    TOOL_FIELD,
    error_lines,
    field_label,
    problem_text,
    resume_step,
    step_problems,
    unanswered,
    validate,
)

__all__ = [
    "ACCOUNT_HELP", "EDITION_LABELS", "MAX_UPLOAD_BYTES", "PLACE_LANGUAGE", "QUESTIONS", "QUESTION_BY_PATH",
    "ROLE_TEXTS", "STATUS_HELP", "STEPS", "STEP_IDS", "TEXTS", "TOOL_ASKED", "TOOL_COLUMNS", "TOOL_FIELD",
    "TOOL_LABELS", "UI_LANGS", "USE_QUESTIONS", "LoadedAnswers", "Question", "Row", "answer_text",
    "answers_from_profile", "answers_yaml", "blank_tool", "common_tool_row", "common_tools",
    "decision_answer", "decision_step", "default_answers", "error_lines", "field_label", "file_name",
    "fit_answers", "follow_suggestions", "from_pack", "get", "initial_language", "jurisdiction",
    "load_answers_file", "locked_options", "md_text", "problem_text", "questions_for", "resume_step",
    "review_rows", "risk_reasons", "set_value", "settle", "step_index", "step_of_field", "step_problems",
    "suggestions", "text", "to_profile_data", "tool_risks", "tool_text", "tools_from_rows", "tr",
    "unanswered", "unreadable", "update_summary", "use_label", "validate",
]
