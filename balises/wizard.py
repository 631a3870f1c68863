"""The wizard's logic, without Streamlit: its interface texts (fr/en), the steps and questions (data, read
from balises/contract/questions.yaml), the answers held while the wizard runs, their conversion to profile
data, per-step validation, files in and out.

``app.py`` is the thin Streamlit shell over this module. Validation goes through
:func:`balises.contract.profile.parse_profile`, the same model as the CLI: one source of truth.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import yaml

from balises import problems
from balises.contract import answers as layered
from balises.contract import rules as contract_rules
from balises.contract import vocabulary as v
from balises.contract.paths import FieldPath, flatten
from balises.contract.profile import ROLE_DEFAULTS, Profile, Tool, profile_data_from_text, profile_to_data
from balises.contract.questions import YES_NO_KINDS, Answers, Question, Step, questions, steps, tr
from balises.engine import editions
from balises.engine.facts import ToolRisk, tool_risk
from balises.errors import BalisesError, InputFileError, ProfileError
from balises.render.embedding import read_payload
from balises.slug import slugify
from balises.text import Bilingual, md_text  # noqa: F401 (md_text: the app shows users' and files' text through it)

UI_LANGS = ("fr", "en")
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
TOOL_COLUMNS = tuple(Tool.model_fields)


# ---------------------------------------------------------------- interface texts

TEXTS: dict[str, tuple[str, str]] = {
    "page_title": ("Balises – politique d'utilisation de l'IA", "Balises – AI-use policy"),
    "app_title": ("Balises", "Balises"),
    "tagline": ("La politique d'utilisation de l'IA de votre organisation culturelle, en une dizaine de minutes.",
                "Your cultural organisation's AI-use policy, in about ten minutes."),
    "privacy": ("Confidentialité : aucune statistique d'usage, aucune requête externe, et vos réponses ne sont "
                "jamais écrites sur le disque du serveur — enregistrez-les vous-même (« Enregistrer ou reprendre »).",
                "Privacy: no usage statistics, no external requests, and your answers are never written to the "
                "server's disk — save them yourself (“Save or resume”)."),
    "ui_lang": ("Langue de l'interface", "Interface language"),
    "pack": ("Paquet de règles", "Rule pack"),
    "step_of": ("Étape {n} sur {total} — {name}", "Step {n} of {total} — {name}"),
    "back": ("← Précédent", "← Back"),
    "next": ("Suivant →", "Next →"),
    "error_title": ("Il y a un problème", "There is a problem"),
    "fix_first": ("Répondez à ces questions ou corrigez-les pour continuer :",
                  "Answer or fix these questions to go on:"),
    "why_open": ("Pourquoi ?", "Why?"),
    "optional_more": ("Précisions facultatives", "Optional details"),
    "unanswered": ("Pas encore répondu", "Not answered yet"),
    "none_chosen": ("Aucun choix", "None"),
    "empty_text": ("(vide)", "(empty)"),
    "back_to_review": ("Revenir à la relecture →", "Back to the review →"),
    "edit": ("Modifier", "Change"),
    "answers_title": ("Vos réponses", "Your answers"),
    "answers_help": ("Vérifiez-les : « Modifier » ouvre la question, puis revient ici.",
                     "Check them: “Change” opens the question, then comes back here."),
    "review_todo": ("Avant de produire la politique, répondez à ces questions :",
                    "Before the policy can be produced, answer these questions:"),
    "answer_it": ("Répondre", "Answer"),
    "preview_provisional": ("Aperçu provisoire : {n} question(s) attendent encore votre réponse.",
                            "Provisional preview: {n} question(s) still wait for your answer."),
    "locked_fr": ("toujours inclus au Québec", "always included in Québec"),
    "skip_link": ("Aller au contenu principal", "Skip to main content"),
    "save_title": ("Enregistrer ou reprendre", "Save or resume"),
    "save_answers": ("Télécharger mes réponses (.yaml)", "Download my answers (.yaml)"),
    "save_help": ("Gardez ce fichier : il permet de reprendre le questionnaire ou de mettre la politique à jour "
                  "plus tard.", "Keep this file: it lets you resume the questionnaire or update the policy "
                  "later."),
    "upload": ("Reprendre un fichier de réponses (.yaml, .json) ou une politique Balises (.docx)",
               "Resume from an answers file (.yaml, .json) or a Balises policy (.docx)"),
    "upload_ok": ("Réponses reprises de « {name} ». Vérifiez-les étape par étape.",
                  "Answers loaded from “{name}”. Check them step by step."),
    "upload_docx_ok": ("Réponses reprises de la politique « {name} » (produite le {date} avec {pack}).",
                       "Answers loaded from the policy “{name}” (produced on {date} with {pack})."),
    "upload_bad": ("Le fichier « {name} » n'a pas été repris ; vos réponses actuelles sont conservées.",
                   "The file “{name}” was not loaded; your current answers are kept."),
    "upload_too_big": ("fichier trop volumineux (maximum 2 Mo)", "file too large (at most 2 MB)"),
    "upload_empty": ("fichier vide", "empty file"),
    "preview_title": ("Ce que contiendra votre politique", "What your policy will contain"),
    "preview_caption": ("Mis à jour à chaque réponse : les sections, les clauses retenues et pourquoi.",
                        "Updated with every answer: the sections, the clauses chosen and why."),
    "preview_wait": ("L'aperçu apparaît dès que les questions obligatoires sont remplies (nom, lieu, secteur, "
                     "nombre de salariés).", "The preview appears once the required questions are answered "
                     "(name, location, sector, number of employees)."),
    "preview_counts": ("{sections} sections, {clauses} clauses", "{sections} sections, {clauses} clauses"),
    "clause": ("clause", "clause"),
    "why": ("Pourquoi", "Why"),
    "annex": ("Annexe", "Annex"),
    "tools_risk_title": ("Lecture de risque", "Risk reading"),
    "tools_risk_explain": (
        "Le niveau de chaque outil combine trois signaux : des données hébergées hors de votre zone de "
        "protection (ou en lieu inconnu), un compte individuel sans contrat d'organisation, et un compte gratuit "
        "grand public dont les saisies servent souvent à entraîner le modèle. Deux signaux ou un outil interdit : "
        "risque élevé ; un signal : moyen ; aucun : faible. Le registre des outils (annexe) reprend cette lecture.",
        "Each tool's level combines three signals: data hosted outside your protected area (or somewhere "
        "unknown), an individual account without an organisation contract, and a free consumer account whose "
        "inputs are often used to train the model. Two signals or a prohibited tool: high risk; one signal: "
        "medium; none: low. The tool register (annex) carries this reading."),
    "tools_add": ("Ajouter un outil", "Add a tool"),
    "tools_add_button": ("Ajouter", "Add"),
    "tools_add_help": ("Choisissez un outil courant (fournisseur et hébergement pré-remplis) ou « Autre outil » ; "
                       "précisez ensuite son compte, son statut et ses usages dans sa fiche.",
                       "Pick a common tool (vendor and hosting filled in) or “Other tool”; then set its account, "
                       "status and uses on its card."),
    "tools_other": ("Autre outil (à nommer)", "Other tool (to be named)"),
    "tools_remove": ("Retirer cet outil", "Remove this tool"),
    "tools_unnamed": ("(sans nom)", "(no name)"),
    "tools_uses_help": ("Ceux déclarés à l'étape 3 (tous, si aucun ne l'est).",
                        "Those declared in step 3 (all of them, if none is)."),
    "risk_title_high": ("risque élevé", "high risk"), "risk_title_medium": ("risque moyen", "medium risk"),
    "risk_title_low": ("risque faible", "low risk"),
    "tools_none": ("Aucun outil déclaré : le registre des outils sera vide, à compléter.",
                   "No tool declared: the tool register will be empty, to be completed."),
    "risk_high": ("élevé", "high"), "risk_medium": ("moyen", "medium"), "risk_low": ("faible", "low"),
    "risk_tool": ("Outil", "Tool"), "risk_level": ("Risque", "Risk"), "risk_reasons": ("Pourquoi", "Why"),
    "r_outside": ("hébergé hors de votre zone de protection", "hosted outside your protected area"),
    "r_unknown": ("hébergement inconnu", "hosting unknown"),
    "r_consumer": ("compte individuel, sans contrat d'organisation", "individual account, no organisation contract"),
    "r_train": ("les saisies peuvent servir à entraîner le modèle", "inputs may be used to train the model"),
    "r_prohibited": ("outil interdit", "prohibited tool"),
    "r_none": ("contrat d'organisation, hébergement connu dans votre zone",
               "organisation contract, known hosting in your area"),
    "review_intro": ("Vérifiez vos réponses, puis téléchargez la trousse : la politique à adopter et ses "
                     "documents d'accompagnement.", "Check your answers, then download the kit: the policy to "
                     "adopt and its companion documents."),
    "doc_lang": ("Langue de l'aperçu et des documents", "Language of the preview and documents"),
    "download_policy": ("Politique en {lang_name} (.docx)", "Policy in {lang_name} (.docx)"),
    "download_staff": ("Aide-mémoire du personnel en {lang_name} (.docx)", "Staff summary in {lang_name} (.docx)"),
    "download_answers": ("Télécharger les réponses (.yaml)", "Download the answers (.yaml)"),
    "downloads": ("Télécharger", "Download"),
    "download_kit": ("Télécharger la trousse complète (.zip)", "Download the whole kit (.zip)"),
    "kit_contents": ("La politique à adopter, l'aide-mémoire du personnel, le registre des outils, les mentions de "
                     "transparence, le plan de mise en œuvre, la note explicative, l'accusé de réception et le "
                     "calendrier des révisions — en {langs}.",
                     "The policy to adopt, the staff summary, the tool register, the disclosure notices, the "
                     "implementation plan, the adviser's note, the acknowledgement sheet and the review calendar "
                     "— in {langs}."),
    "one_by_one": ("Les documents un par un", "The documents one by one"),
    "text_preview": ("Aperçu du texte de la politique", "Preview of the policy text"),
    "text_preview_open": ("Lire le texte complet de la politique", "Read the policy's full text"),
    "generation_failed": ("La politique n'a pas pu être produite avec ce paquet :",
                          "The policy could not be produced with this pack:"),
    "pack_failed": ("Le paquet de règles n'a pas pu être chargé :", "The rule pack could not be loaded:"),
    "choose": ("Choisir…", "Choose…"),
    "notices": ("À noter", "Note"),
    "adjusted_cse": ("Représentation du personnel : le CSE n'existe qu'en France ; réponse ramenée à « {value} ».",
                     "Staff representation: a CSE exists only in France; answer changed to “{value}”."),
    "from_pack": ("Réponse recommandée par {publisher} ; vous pouvez la changer.",
                  "Answer recommended by {publisher}; you may change it."),
    "from_pack_short": ("recommandée par {publisher}", "recommended by {publisher}"),
    "tools_row": ("Outils, ligne {n}", "Tools, row {n}"),
    "yes": ("oui", "yes"), "no": ("non", "no"),
    "steps_nav": ("Aller à l'étape", "Go to step"),
    "adds_title": ("Ce que les autres choix ajouteraient à la politique :",
                   "What the other choices would add to the policy:"),
    "adds_chosen": ("Vos choix ajoutent à la politique :", "Your choices add to the policy:"),
    "adds_sections": ("clauses dans {sections}", "clauses in {sections}"),
    "preview_open": ("Voir ce que contiendra la politique", "See what the policy will contain"),
    "upload_button": ("Choisir un fichier", "Choose a file"),
    "upload_limits": ("Fichier .yaml, .yml, .json ou .docx, 2 Mo au plus.",
                      "A .yaml, .yml, .json or .docx file, 2 MB at most."),
    "unsaved": ("Vos réponses ne sont pas enregistrées : quitter la page les efface.",
                "Your answers are not saved: leaving the page erases them."),
    "decisions_title": ("Décision à prendre", "Decision to take"),
    "decisions_all": ("Décisions à prendre avant l'adoption", "Decisions to take before adoption"),
    "decisions_change": ("Réponse à revoir : « {label} » (étape {step})", "Answer to review: “{label}” (step {step})"),
    "decisions_review": ("La politique applique la règle prudente indiquée en attendant ; le plan de mise en œuvre "
                         "reprend ces décisions.", "The policy applies the cautious rule shown meanwhile; the "
                         "implementation plan lists these decisions."),
    "decisions_go": ("Revoir « {label} » (étape {step})", "Review “{label}” (step {step})"),
    "kit_title": ("Les documents d'accompagnement", "The companion documents"),
    "kit_help": ("Préparés avec la politique, à partir des mêmes réponses : à remettre au personnel, à tenir à jour, "
                 "à suivre pour l'adoption.", "Prepared with the policy, from the same answers: to hand to staff, to "
                 "keep up to date, to follow for adoption."),
    "kit_ack": ("Accusé de réception à signer", "Acknowledgement sheet to sign"),
    "kit_calendar": ("Calendrier des révisions", "Review calendar"),
    "kit_pdf": ("Pour un PDF, ouvrez le fichier Word et choisissez Fichier > Exporter au format PDF (ou installez "
                "LibreOffice sur ce serveur : la trousse offrira alors ses PDF).",
                "For a PDF, open the Word file and choose File > Export as PDF (or install LibreOffice on this "
                "server: the kit will then offer its PDFs)."),
    "kit_zip_pdf": ("Toute la trousse avec les PDF (.zip, quelques secondes)",
                    "The whole kit with the PDFs (.zip, a few seconds)"),
    "update_title": ("Mettre à jour une politique adoptée", "Update an adopted policy"),
    "update_help": ("Déposez la politique telle que l'organisation l'a adoptée : vos modifications sont gardées, "
                    "les changements de Balises sont proposés en modifications suivies de Word.",
                    "Give the policy as the organisation adopted it: your edits are kept, Balises' changes are "
                    "proposed as Word tracked changes."),
    "update_upload": ("Politique adoptée (.docx)", "Adopted policy (.docx)"),
    "update_which": ("Avec quelles réponses ?", "With which answers?"),
    "update_file": ("Celles enregistrées dans la politique adoptée", "Those saved in the adopted policy"),
    "update_file_help": ("La politique adoptée, mise à jour pour le droit et les textes nouveaux.",
                         "The adopted policy, brought up to date with new law and text."),
    "update_screen": ("Celles à l'écran (vos réponses actuelles)", "Those on screen (your current answers)"),
    "update_screen_help": ("Pour changer une réponse : reprenez la politique (« Enregistrer ou reprendre »), "
                           "modifiez la réponse, puis revenez ici.",
                           "To change an answer: resume from the policy (“Save or resume”), change the answer, "
                           "then come back here."),
    "update_screen_wait": ("Répondez d'abord aux questions qui attendent (en haut de la page).",
                           "First answer the questions still waiting (at the top of the page)."),
    "update_running": ("Mise à jour en cours…", "Updating…"),
    "update_download": ("Télécharger la version {version} (modifications suivies)",
                        "Download version {version} (tracked changes)"),
    "update_note": ("Détail pour votre conseiller (.txt)", "Details for your adviser (.txt)"),
    "update_nothing": ("Aucun passage ne change : la politique adoptée est à jour.",
                       "No passage changes: the adopted policy is up to date."),
    "update_changes": ("{n} passage(s) changent ({why}).", "{n} passage(s) change ({why})."),
    "update_conflicts": ("{n} conflit(s) avec votre texte ({where}) : votre texte est gardé, le nouveau proposé "
                         "à côté.", "{n} conflict(s) with your text ({where}): your text is kept, the new one "
                         "proposed beside it."),
    "update_kept": ("Vos {n} modification(s) sont gardées.", "Your {n} edit(s) are kept."),
    "update_reinstated": ("{n} passage(s) que vous aviez retirés reviennent, car ils sont maintenant exigés "
                          "({where}).", "{n} passage(s) you had removed come back, as they are now required "
                          "({where})."),
    "update_replaced": ("{n} de vos lignes (page titre, titres) sont remplacées par celles de Balises, en "
                        "modification suivie : la refuser vous les rend.", "{n} of your lines (title page, "
                        "headings) are replaced by Balises', as a tracked change: rejecting it gives them back."),
    "update_version": ("Version {old} → {new} : {what}.", "Version {old} → {new}: {what}."),
    "update_material": ("à faire adopter, avec de nouveaux accusés de réception",
                        "to be adopted again, with new acknowledgements"),
    "update_wording": ("changements de rédaction seulement", "wording changes only"),
    "update_same": ("aucun changement de Balises", "no change by Balises"),
    "update_section": ("section {n}", "section {n}"),
    "update_options": ("Adoption, entrée en vigueur, fichier d'origine (facultatif)",
                       "Adoption, entry into force, original file (optional)"),
    "update_adopted_on": ("Adoptée le (la version déposée)", "Adopted on (the version given)"),
    "update_adopted_by": ("Adoptée par", "Adopted by"),
    "update_effective": ("Entrée en vigueur de la nouvelle version", "The new version comes into force on"),
    "update_base": ("Fichier d'origine, si la politique a perdu ses données (enregistrée en .odt, Google Docs)",
                    "Original file, if the policy lost its data (saved as .odt, Google Docs)"),
    "update_ack": ("Accusés de réception de la version {version}", "Acknowledgement sheets of version {version}"),
}


def text(key: str, lang: str, **kwargs: Any) -> str:
    value = tr(TEXTS[key], lang)
    return value.format(**kwargs) if kwargs else value


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


def resume_step(answers: Answers) -> int:
    """Where a resumed questionnaire opens: the first step with a question waiting or a problem, else the
    review."""
    waiting = step_problems(answers, "review")
    for step in STEPS:
        if any(step_of_field(p.field) == step.id for p in waiting):
            return step_index(step.id)
    return step_index("review")


# The kit's companion documents, as the wizard names them on its buttons (balises/engine/editions.yaml)
EDITION_LABELS: dict[str, tuple[str, str]] = {d.id: (d.button.fr, d.button.en) for d in editions.documents()
                                              if d.button}


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


def common_tool_row(name: str) -> dict[str, Any]:
    base = COMMON_TOOLS.get(name, {})
    return {**blank_tool(), "name": name, "vendor": base.get("vendor"), "hosting": base.get("hosting")}


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


# ---------------------------------------------------------------- validation

@dataclass
class Problem:
    field: str
    label: tuple[str, str]  # the question (or table cell) at fault
    reason: tuple[str, str]  # why, without the field path

    def message(self, lang: str) -> str:
        if lang == "fr":
            return f"« {self.label[0]} » : {self.reason[0]}"
        return f"“{self.label[1]}”: {self.reason[1]}"


def validate(answers: Answers, pack: Any = None) -> tuple[Profile | None, list[Problem]]:
    """The profile (the answers over the pack's, as the CLI reads a file), or the problems the profile model
    found."""
    try:
        return layered.resolve(to_profile_data(answers), pack, "wizard").profile, []
    except ProfileError as exc:
        return None, [_problem(p) for p in exc.problems] or [
            Problem("(profile)", ("Réponses", "Answers"), (exc.fr, exc.en))]


TOOL_FIELD = re.compile(r"^tools\[(\d+)\](?:\.(\w+))?")
_TOOL_LABELS = {name: column.short for name, column in TOOL_QUESTION_COLUMNS.items()}


def field_label(path: str) -> tuple[str, str]:
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


_REASONS = {"missing": ("réponse obligatoire", "an answer is required")}


def _problem(p: problems.Problem) -> Problem:
    """A problem of the contract, named by the wizard's question rather than by its field path."""
    return Problem(p.where, field_label(p.where), _REASONS.get(p.code) or (p.reason("fr"), p.reason("en")))


def _belongs(fieldname: str, prefixes: tuple[str, ...]) -> bool:
    return any(fieldname == p or fieldname.startswith(p + ".") or fieldname.startswith(p + "[")
               for p in prefixes)


def step_of_field(fieldname: str) -> str:
    for step in STEPS:
        if _belongs(fieldname, step.fields):
            return step.id
    return "review"


def unanswered(answers: Answers, step_id: str | None = None) -> list[Problem]:
    """The questions asked (of ``step_id``, else of every step) still waiting for an answer the user must give:
    a choice not made (a question that starts unanswered included), a tool's hosting, account or status."""
    out = []
    for q in QUESTIONS:
        if step_id not in (None, q.step) or q.kind in ("text", "tools"):
            continue
        if get(answers, q.path) is None and (q.starts_unanswered or not q.optional) and q.is_visible(answers):
            out.append(Problem(q.path, q.label, _REASONS["missing"]))
    if step_id in (None, "data_tools"):
        for i, tool in enumerate(answers.get("tools") or []):
            for name in TOOL_ASKED:
                if tool.get(name) is None:
                    path = f"tools[{i}].{name}"
                    out.append(Problem(path, field_label(path), _REASONS["missing"]))
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
        waiting = [p for p in waiting if step_of_field(p.field) == step_id]
    said = {p.field for p in waiting}
    out = waiting + [p for p in refused if p.field not in said
                     and (step_id == "review" or step_of_field(p.field) == step_id)]
    order = {q.path: n for n, q in enumerate(QUESTIONS)}
    return sorted(out, key=lambda p: (step_index(step_of_field(p.field)),
                                      order.get(p.field, order["tools"] if p.field.startswith("tools") else 0)))


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


# ---------------------------------------------------------------- an update in plain words

def update_summary(overview: dict, lang: str) -> list[str]:
    """An update (``Updated.overview()``) as a director reads it: how many passages change and why, conflicts
    with the organisation's text and where, the edits kept, the new version; no clause ids (those are in the
    adviser's note, ``Updated.lines``)."""
    def where(numbers: list[str]) -> str:
        return ", ".join(text("update_section", lang, n=n) for n in numbers) or "—"

    out = []
    changes = overview["changes"]
    if changes:
        sep = " : " if lang == "fr" else ": "
        why = ", ".join(f"{n}{sep}{tr(_CLASS_WORDS[cls], lang)}" for cls, n in changes.items())
        out.append(text("update_changes", lang, n=sum(changes.values()), why=why))
    else:
        out.append(text("update_nothing", lang))
    if overview["conflict_count"]:
        out.append(text("update_conflicts", lang, n=overview["conflict_count"], where=where(overview["conflicts"])))
    if overview["reinstated_count"]:
        out.append(text("update_reinstated", lang, n=overview["reinstated_count"],
                        where=where(overview["reinstated"])))
    if overview["kept"]:
        out.append(text("update_kept", lang, n=overview["kept"]))
    if overview["replaced"]:
        out.append(text("update_replaced", lang, n=overview["replaced"]))
    out += [tr(note, lang) for note in overview["notes"]]  # what was removed from the document, and why
    what = "update_material" if overview["material"] else "update_wording" if overview["changed"] else "update_same"
    out.append(text("update_version", lang, old=overview["old_version"], new=overview["version"],
                    what=text(what, lang)))
    return out


# what a class of change means, in a director's words (balises.services.diff.CLASSES)
_CLASS_WORDS = {"obligation": ("loi ou date nouvelle", "new law or date"),
                "restriction_added": ("règle resserrée", "rule tightened"),
                "restriction_removed": ("règle assouplie", "rule relaxed"),
                "wording": ("rédaction", "wording")}


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
        FieldPath.parse(problem.field).set(data, None)
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
        raise InputFileError(f"{name} : {TEXTS['upload_too_big'][0]}.", f"{name}: {TEXTS['upload_too_big'][1]}.")
    if not data.strip():
        raise InputFileError(f"{name} : {TEXTS['upload_empty'][0]}.", f"{name}: {TEXTS['upload_empty'][1]}.")
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
            raise InputFileError(f"{name} : le fichier n'est pas du texte UTF-8 (YAML ou JSON attendu).",
                                 f"{name}: the file is not UTF-8 text (YAML or JSON expected).") from None
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
    return InputFileError(f"{name} : fichier illisible ({cause}).", f"{name}: unreadable file ({cause}).")


def error_lines(exc: BalisesError, lang: str) -> tuple[str, list[str]]:
    """The headline and one line per problem, in ``lang``; profile problems named by their question."""
    head = exc.fr if lang == "fr" else exc.en
    problems = getattr(exc, "problems", None)
    if problems:
        return head, [_problem(p).message(lang) for p in problems]
    return head, [detail.get(lang) for detail in exc.details]
