"""The answers held while the wizard runs: a fresh questionnaire, the suggestions that follow the answers,
answers brought in line with the contract's rules, and their conversion to and from profile data."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from balises.contract import answers as layered
from balises.contract import rules as contract_rules
from balises.contract.paths import FieldPath, flatten
from balises.contract.profile import ROLE_DEFAULTS, Profile, profile_to_data
from balises.contract.questions import YES_NO_KINDS, Answers
from balises.wizard.steps import QUESTION_BY_PATH, QUESTIONS, jurisdiction
from balises.wizard.texts import TEXTS, UI_LANGS
from balises.wizard.tools import tools_from_rows

# ---------------------------------------------------------------- answers

def default_answers(today: dt.date | None = None, pack: Any = None, ui_lang: str = "fr") -> Answers:
    """A fresh questionnaire: the contract's defaults under the pack's recommended answers; required choices
    and the questions that start unanswered left open (None) so that the user makes them, unless the pack
    recommends an answer; text fields empty; the policy's languages and the roles it names suggested from the
    interface's language (:func:`follow_suggestions` keeps them in step with the answers)."""
    answers = layered.start(pack, today)
    answers.pop("schema_version", None)
    recommended = {str(path) for path in flatten(layered.pack_defaults(pack))}
    for question in QUESTIONS:
        if question.starts_unanswered and question.path not in recommended:
            set_value(answers, question.path, None)
        elif question.kind == "text" and get(answers, question.path) is None:
            set_value(answers, question.path, "")
    follow_suggestions(answers, suggestions({}, "fr"), ui_lang)
    return answers


def initial_language(locale: str | None) -> str:
    """The interface's language from the browser's: French for fr-*, English otherwise."""
    return "fr" if (locale or "").lower().startswith("fr") else "en"


# ---------------------------------------------------------------- suggestions that follow the answers

# The policy's language where the place decides it; elsewhere the interface's (Québec: English may be added)
PLACE_LANGUAGE = {"quebec": "fr", "france": "fr", "belgium": "fr", "switzerland": "fr"}


def suggestions(answers: Answers, ui_lang: str) -> dict[str, Any]:
    """What the wizard suggests for answers the user has not given: the policy's languages (from the place and
    the interface) and the roles the policy names, typed in the policy's first language."""
    languages = [PLACE_LANGUAGE.get(jurisdiction(answers) or "", ui_lang)]
    current = (answers.get("policy") or {}).get("languages") or languages
    first = 1 if current[0] == "en" else 0
    return {"policy.languages": languages,
            **{f"policy.{role}": pair[first] for role, pair in ROLE_DEFAULTS.items()}}


def follow_suggestions(answers: Answers, before: dict[str, Any], ui_lang: str) -> list[str]:
    """After an answer or the interface's language changed: every answer still as the wizard suggested it
    (``before``, from :func:`suggestions` before the change) takes the new suggestion; an answer the user gave
    is kept. Returns the paths changed."""
    changed = []
    for path in ("policy.languages", *(f"policy.{role}" for role in ROLE_DEFAULTS)):
        after = suggestions(answers, ui_lang)[path]  # the roles follow the languages just set
        current = get(answers, path)
        untouched = current == before[path] or (path != "policy.languages" and current in ROLE_TEXTS[path])
        if untouched and current != after:
            set_value(answers, path, after)
            changed.append(path)
    return changed


ROLE_TEXTS = {f"policy.{role}": set(pair) for role, pair in ROLE_DEFAULTS.items()}


def settle(answers: Answers, before: dict[str, Any], ui_lang: str) -> tuple[list[str], list[tuple[str, str]]]:
    """After an answer changed (``before``: the suggestions just before): the suggestions follow, then answers a
    rule no longer allows are reset or completed (French added in Québec), then the suggestions follow that.
    Returns the paths changed and what to tell the user."""
    changed = follow_suggestions(answers, before, ui_lang)
    fitted = suggestions(answers, ui_lang)
    notes = []
    for path, note in fit_answers(answers):
        changed.append(path)
        if note[0]:
            notes.append(note)
    changed += follow_suggestions(answers, fitted, ui_lang)
    return changed, notes


def from_pack(answers: Answers, pack: Any) -> set[str]:
    """The questions whose answer is still the one the pack recommends (the wizard says so under them)."""
    recommended = flatten(layered.pack_defaults(pack))
    return {str(path) for path, value in recommended.items() if _same(path.get(answers), value)}


def _same(answer: Any, recommended: Any) -> bool:
    if isinstance(answer, dt.date) and isinstance(recommended, str):
        return answer.isoformat() == recommended
    return answer == recommended


def get(answers: Answers, path: str) -> Any:
    return FieldPath.parse(path).get(answers)


def set_value(answers: Answers, path: str, value: Any) -> None:
    FieldPath.parse(path).set(answers, value)


_ADJUST_NOTES = {"cse_outside_france": "adjusted_cse"}


def fit_answers(answers: Answers) -> list[tuple[str, tuple[str, str]]]:
    """Bring answers in line with the contract's rules (balises/contract/rules.yaml) after an answer changed:
    an answer a rule no longer allows is reset (to unanswered where the question starts unanswered). Returns
    (path, message) for every answer changed; a message only where the user had chosen it (hidden questions
    are reset silently)."""
    def candidates(path: str) -> list:  # asked only for an answer a rule no longer allows
        question = QUESTION_BY_PATH.get(path)
        if question is None or question.kind in YES_NO_KINDS:  # public_body too: asked as a legal form
            return [None, False, True] if question is not None and question.starts_unanswered else [False, True]
        return [None, *question.options_for(answers)]

    changes = []
    for code, path, _, new in contract_rules.repair(answers, candidates):
        key, question = _ADJUST_NOTES.get(code), QUESTION_BY_PATH.get(path)
        note = tuple(TEXTS[key][i].format(value=question.option_label(new, lang))
                     for i, lang in enumerate(UI_LANGS)) if key and question else ("", "")
        changes.append((path, note))
    return changes


def to_profile_data(answers: Answers) -> dict[str, Any]:
    """The wizard's answers as profile data (the answers-file contract), unanswered choices left out."""
    a = copy.deepcopy(answers)
    data: dict[str, Any] = {"schema_version": 1}
    org = {k: val for k, val in (a.get("organisation") or {}).items() if val is not None}
    for optional in ("privacy_officer", "short_name"):
        value = org.get(optional)
        if not (isinstance(value, str) and value.strip()):
            org.pop(optional, None)
    data["organisation"] = org
    policy = {k: val for k, val in (a.get("policy") or {}).items() if val is not None}
    if isinstance(policy.get("effective_date"), dt.date):
        policy["effective_date"] = policy["effective_date"].isoformat()
    data["policy"] = policy
    if a.get("maturity") is not None:
        data["maturity"] = a["maturity"]
    data["uses"] = {k: val for k, val in (a.get("uses") or {}).items() if val is not None}
    data["data"] = {k: val for k, val in (a.get("data") or {}).items() if val is not None}
    data["tools"] = tools_from_rows(a.get("tools") or [])
    data["commitments"] = {k: val for k, val in (a.get("commitments") or {}).items() if val is not None}
    return data


def answers_from_profile(profile: Profile) -> Answers:
    """Answers for the wizard from a validated profile (a resumed file): every answer as the profile gives it."""
    data = profile_to_data(profile)
    answers = default_answers()
    for section in ("organisation", "policy", "uses", "data", "commitments"):
        answers[section].update(data.get(section) or {})
    answers["maturity"] = data.get("maturity", "follower")
    answers["tools"] = [dict(t) for t in data.get("tools") or []]
    answers["organisation"]["privacy_officer"] = answers["organisation"].get("privacy_officer") or ""
    answers["organisation"]["short_name"] = answers["organisation"].get("short_name") or ""
    answers["policy"]["effective_date"] = profile.policy.effective_date
    if answers["organisation"].get("public_body"):
        answers["organisation"]["legal_form"] = "public_body"  # the wizard asks it as a legal form
    return answers
