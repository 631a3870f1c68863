"""Files in and out: the documents' file names, the answers file written and read back (YAML, JSON, or a
policy .docx produced by Balises)."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any

import yaml

from balises.contract import answers as layered
from balises.contract.paths import FieldPath
from balises.contract.profile import profile_data_from_text, profile_to_data
from balises.contract.questions import Answers
from balises.errors import InputFileError
from balises.problems import Place
from balises.render.embedding import read_payload
from balises.slug import slugify
from balises.text import Bilingual
from balises.wizard.answers import answers_from_profile, set_value, to_profile_data
from balises.wizard.steps import QUESTIONS
from balises.wizard.texts import TEXTS
from balises.wizard.tools import TOOL_ASKED
from balises.wizard.validation import unanswered, validate

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


# ---------------------------------------------------------------- files in and out

_FILE_KINDS = {
    "policy": ("politique-ia", "ai-policy", "docx"),
    "staff_summary": ("aide-memoire-ia", "ai-staff-summary", "docx"),
    "answers": ("reponses-balises", "balises-answers", "yaml"),
    "kit": ("trousse-ia", "ai-kit", "zip"),
}


def file_name(kind: str, organisation: str, lang: str, on: dt.date | None = None) -> str:
    """``theatre-de-la-grande-maree-politique-ia-2026-11-23.docx``"""
    fr, en, ext = _FILE_KINDS[kind]
    on = on or dt.date.today()
    return f"{slugify(organisation, fallback='organisation')}-{fr if lang == 'fr' else en}-{on.isoformat()}.{ext}"


def answers_yaml(answers: Answers, lang: str = "fr", on: dt.date | None = None) -> str:
    """The answers file (YAML) for these answers; normalised by the model when they are valid and complete. A
    question not answered yet is written ``null`` (docs/profile.md), so that resuming the file asks it again
    rather than taking the contract's default."""
    profile, _ = validate(answers)
    waiting = unanswered(answers)
    data = profile_to_data(profile) if profile is not None and not waiting else to_profile_data(answers)
    for problem in waiting:
        FieldPath.parse(problem.place.field).set(data, None)
    on = on or dt.date.today()
    head = (f"# Réponses Balises (schema_version 1), enregistrées le {on.isoformat()}.\n"
            "# Reprenez-les dans l'assistant, ou : balises generate CE_FICHIER -o politique.docx\n"
            if lang == "fr" else
            f"# Balises answers (schema_version 1), saved on {on.isoformat()}.\n"
            "# Load them in the wizard, or: balises generate THIS_FILE -o policy.docx\n")
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


@dataclass
class LoadedAnswers:
    answers: Answers
    message: Bilingual
    notices: list[Bilingual]


def load_answers_file(name: str, data: bytes, pack: Any = None) -> LoadedAnswers:
    """Answers from an uploaded file: YAML/JSON answers, or a policy .docx produced by Balises; the pack's
    ``profile_defaults`` fill what the file leaves out, as in the CLI (balises/contract/answers.py).

    Raises :class:`BalisesError` (with details naming each field) for anything else."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputFileError(f"{TEXTS['upload_too_big'][0]}.", f"{TEXTS['upload_too_big'][1]}.",
                             place=Place(name))
    if not data.strip():
        raise InputFileError(f"{TEXTS['upload_empty'][0]}.", f"{TEXTS['upload_empty'][1]}.",
                             place=Place(name))
    if data[:2] == b"PK" or name.lower().endswith(".docx"):
        payload = read_payload(data, name)
        raw = payload.get("profile")
        made_with = (payload.get("pack") or {}).get("label") or "?"
        date = str(payload.get("generated_on") or "?")
        message = Bilingual(fr=TEXTS["upload_docx_ok"][0].format(name=name, date=date, pack=made_with),
                            en=TEXTS["upload_docx_ok"][1].format(name=name, date=date, pack=made_with))
    else:
        try:
            decoded = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputFileError("le fichier n'est pas du texte UTF-8 (YAML ou JSON attendu).",
                                 "the file is not UTF-8 text (YAML or JSON expected).",
                                 place=Place(name)) from None
        raw = profile_data_from_text(decoded, name)
        message = Bilingual(fr=TEXTS["upload_ok"][0].format(name=name), en=TEXTS["upload_ok"][1].format(name=name))
    raw, waiting = _without_unanswered(raw)
    profile = layered.resolve(raw, pack, name).profile
    answers = answers_from_profile(profile)
    for path in waiting:
        set_value(answers, path, None)
    return LoadedAnswers(answers, message, list(profile.notices))


def _without_unanswered(raw: Any) -> tuple[Any, list[str]]:
    """A file's answers without the questions it says are not answered yet (``null`` where the wizard asks for an
    answer), and their paths: the wizard asks them again. Any other null is left for the model to name."""
    if not isinstance(raw, dict):
        return raw, []
    raw, waiting = copy.deepcopy(raw), []
    for q in QUESTIONS:
        path = FieldPath.parse(q.path)
        parent = FieldPath(path.parts[:-1]).get(raw) if len(path.parts) > 1 else raw
        if q.starts_unanswered and isinstance(parent, dict) and path.parts[-1] in parent \
                and parent[path.parts[-1]] is None:
            del parent[path.parts[-1]]
            waiting.append(q.path)
    for i, tool in enumerate(raw.get("tools") if isinstance(raw.get("tools"), list) else []):
        for name in TOOL_ASKED if isinstance(tool, dict) else ():
            if name in tool and tool[name] is None:
                del tool[name]
                waiting.append(f"tools[{i}].{name}")
    return raw, waiting


def unreadable(name: str, exc: BaseException) -> InputFileError:
    """The message for a file that failed in a way no check foresaw: the file named, the cause in short."""
    cause = f"{type(exc).__name__}: {exc}"[:200]
    return InputFileError(f"fichier illisible ({cause}).", f"unreadable file ({cause}).", place=Place(name))
