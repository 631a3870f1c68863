"""The wizard's logic, without Streamlit: steps, questions and their help texts (fr/en), the answers held
while the wizard runs, their conversion to profile data, per-step validation, files in and out.

``app.py`` is the thin Streamlit shell over this module. Validation goes through
:func:`balises.profile.parse_profile`, the same model as the CLI: one source of truth.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable

import yaml

from . import vocabulary as v
from .embedding import read_payload
from .errors import BalisesError, InputFileError, ProfileError
from .facts import ToolRisk, tool_risk
from .pack import apply_profile_defaults
from .profile import EU_MEMBERS, Profile, Tool, parse_profile, profile_from_text, profile_to_data

UI_LANGS = ("fr", "en")
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
TOOL_COLUMNS = ("name", "vendor", "hosting", "account", "status", "uses")


def tr(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "fr" else pair[1]


# ---------------------------------------------------------------- interface texts

TEXTS: dict[str, tuple[str, str]] = {
    "page_title": ("Balises – politique d'utilisation de l'IA", "Balises – AI-use policy"),
    "app_title": ("Balises", "Balises"),
    "tagline": ("La politique d'utilisation de l'IA de votre organisation culturelle, en une dizaine de minutes.",
                "Your cultural organisation's AI-use policy, in about ten minutes."),
    "privacy": ("Confidentialité : aucune statistique d'usage, aucune requête externe, et vos réponses ne sont "
                "jamais écrites sur le disque du serveur — enregistrez-les vous-même (barre latérale).",
                "Privacy: no usage statistics, no external requests, and your answers are never written to the "
                "server's disk — save them yourself (sidebar)."),
    "ui_lang": ("Langue de l'interface", "Interface language"),
    "ui_lang_help": ("Change la langue des questions seulement ; les langues de la politique se choisissent à "
                     "l'étape 1.", "Changes the language of the questions only; the policy's languages are "
                     "chosen in step 1."),
    "pack": ("Paquet de règles", "Rule pack"),
    "step_of": ("Étape {n} sur {total} — {name}", "Step {n} of {total} — {name}"),
    "back": ("← Précédent", "← Back"),
    "next": ("Suivant →", "Next →"),
    "fix_first": ("Corrigez d'abord ces réponses pour changer d'étape :",
                  "Fix these answers before changing step:"),
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
    "tools_uses_help": ("Les usages proposés sont ceux déclarés à l'étape 3 (tous, si aucun n'est déclaré).",
                        "The uses offered are those declared in step 3 (all of them, if none is declared)."),
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
    "review_intro": ("Relisez l'aperçu puis téléchargez la politique à adopter, l'aide-mémoire du personnel "
                     "et vos réponses.", "Read the preview, then download the policy to adopt, the staff "
                     "summary and your answers."),
    "review_invalid": ("Quelques réponses sont à corriger avant de produire la politique :",
                       "A few answers need fixing before the policy can be produced:"),
    "doc_lang": ("Langue de l'aperçu et des documents", "Language of the preview and documents"),
    "download_policy": ("Politique en {lang_name} (.docx)", "Policy in {lang_name} (.docx)"),
    "download_staff": ("Aide-mémoire du personnel en {lang_name} (.docx)", "Staff summary in {lang_name} (.docx)"),
    "download_answers": ("Télécharger les réponses (.yaml)", "Download the answers (.yaml)"),
    "downloads": ("Vos documents Word", "Your Word documents"),
    "text_preview": ("Aperçu du texte de la politique", "Preview of the policy text"),
    "text_preview_open": ("Lire le texte complet de la politique", "Read the policy's full text"),
    "generation_failed": ("La politique n'a pas pu être produite avec ce paquet :",
                          "The policy could not be produced with this pack:"),
    "pack_failed": ("Le paquet de règles n'a pas pu être chargé :", "The rule pack could not be loaded:"),
    "choose": ("Choisir…", "Choose…"),
    "notices": ("À noter", "Note"),
    "adjusted_cse": ("Représentation du personnel : le CSE n'existe qu'en France ; réponse ramenée à « {value} ».",
                     "Staff representation: a CSE exists only in France; answer changed to “{value}”."),
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
    "kit_zip": ("Toute la trousse, toutes langues (.zip)", "The whole kit, all languages (.zip)"),
    "kit_ack": ("Accusé de réception à signer", "Acknowledgement sheet to sign"),
    "kit_calendar": ("Calendrier des révisions", "Review calendar"),
    "kit_pdf": ("Pour un PDF, ouvrez le fichier Word et choisissez Fichier > Exporter au format PDF (ou installez "
                "LibreOffice sur ce serveur : la trousse offrira alors ses PDF).",
                "For a PDF, open the Word file and choose File > Export as PDF (or install LibreOffice on this "
                "server: the kit will then offer its PDFs)."),
    "kit_zip_pdf": ("Toute la trousse avec les PDF (.zip, quelques secondes)",
                    "The whole kit with the PDFs (.zip, a few seconds)"),
    "update_title": ("Mettre à jour une politique adoptée", "Update an adopted policy"),
    "update_help": ("Déposez la politique telle que l'organisation l'a adoptée (le fichier Word produit par Balises, "
                    "avec vos modifications) : vos modifications sont gardées, et les changements de Balises (droit "
                    "nouveau, meilleur texte) y sont proposés en modifications suivies de Word, chacune avec sa "
                    "raison, à accepter ou refuser.",
                    "Give the policy as the organisation adopted it (the Word file Balises produced, with your "
                    "edits): your edits are kept, and Balises' changes (new law, better text) are proposed as Word "
                    "tracked changes, each with its reason, to accept or reject."),
    "update_upload": ("Politique adoptée (.docx)", "Adopted policy (.docx)"),
    "update_download": ("Télécharger la version {version} (modifications suivies)",
                        "Download version {version} (tracked changes)"),
}


def text(key: str, lang: str, **kwargs: Any) -> str:
    value = tr(TEXTS[key], lang)
    return value.format(**kwargs) if kwargs else value


# ---------------------------------------------------------------- steps and questions

@dataclass(frozen=True)
class Step:
    id: str
    title: tuple[str, str]
    intro: tuple[str, str]
    fields: tuple[str, ...]  # profile paths validated on this step (prefixes)


STEPS: tuple[Step, ...] = (
    Step("organisation", ("Organisation", "Organisation"),
         ("Qui êtes-vous ? Ces réponses choisissent les lois citées et la forme de la gouvernance.",
          "Who are you? These answers choose the laws cited and the shape of governance."),
         ("organisation", "policy.languages")),
    Step("position", ("Position", "Position"),
         ("Où en est votre organisation avec l'IA, quelle règle générale voulez-vous, et qui tient la politique ?",
          "Where does your organisation stand with AI, what general rule do you want, and who owns the policy?"),
         ("maturity", "policy")),
    Step("uses", ("Usages", "Uses"),
         ("Choisissez dans chaque liste ce que l'on fait déjà ou que l'on envisage de faire avec l'IA. Rien n'est "
          "obligatoire.",
          "Pick what people already do or plan to do with AI. Nothing is compulsory."),
         ("uses",)),
    Step("data_tools", ("Données et outils", "Data and tools"),
         ("Quelles informations détenez-vous, et quels outils d'IA sont utilisés ?",
          "What information do you hold, and which AI tools are used?"),
         ("data", "tools")),
    Step("commitments", ("Engagements", "Commitments"),
         ("Ce à quoi l'organisation s'engage envers son public et son équipe.",
          "What the organisation commits to towards its audience and its team."),
         ("commitments",)),
    Step("review", ("Relecture et téléchargement", "Review and download"),
         ("", ""), ()),
)
STEP_IDS = tuple(s.id for s in STEPS)


def step_index(step_id: str) -> int:
    return STEP_IDS.index(step_id)


Answers = dict[str, Any]
Options = Callable[[Answers], list[str]]


@dataclass(frozen=True)
class Question:
    path: str  # dotted path in the profile: "organisation.name"
    step: str
    kind: str  # text | select | radio | multiselect | bool | int | date | tools
    label: tuple[str, str]
    help: tuple[str, str]
    table: dict[str, tuple[str, str]] | None = None  # enumeration labels
    options: Options | None = None  # options for these answers (default: the whole table)
    visible: Callable[[Answers], bool] | None = None
    # label / help replaced for some jurisdictions
    label_by: dict[str, tuple[str, str]] = field(default_factory=dict)
    help_by: dict[str, tuple[str, str]] = field(default_factory=dict)
    min_value: int | None = None
    max_value: int | None = None
    optional: bool = False
    # one plain sentence per option, shown under it (radio questions)
    captions: dict[str, tuple[str, str]] | None = None
    placeholder: tuple[str, str] | None = None  # what an unanswered drop-down says (default "Choisir…")

    def caption_for(self, value: Any, lang: str) -> str:
        return tr(self.captions[value], lang) if self.captions and value in self.captions else ""

    def label_for(self, answers: Answers, lang: str) -> str:
        return tr(self.label_by.get(jurisdiction(answers) or "", self.label), lang)

    def help_for(self, answers: Answers, lang: str) -> str:
        return tr(self.help_by.get(jurisdiction(answers) or "", self.help), lang)

    def options_for(self, answers: Answers) -> list[str]:
        if self.options is not None:
            return self.options(answers)
        return list(self.table or {})

    def is_visible(self, answers: Answers) -> bool:
        return self.visible(answers) if self.visible else True

    def option_label(self, value: Any, lang: str) -> str:
        if self.table and value in self.table:
            return tr(self.table[value], lang)
        return str(value)


def jurisdiction(answers: Answers) -> str | None:
    return (answers.get("organisation") or {}).get("jurisdiction")


def _staff_rep_options(answers: Answers) -> list[str]:
    if jurisdiction(answers) == "france":
        return list(v.STAFF_REPRESENTATION)
    return ["none", "union"]


def _legal_form_options(answers: Answers) -> list[str]:
    return list(v.LEGAL_FORMS)  # "public body" is one of them: no separate question


_CANADA = ("quebec", "canada_other")

QUESTIONS: tuple[Question, ...] = (
    # 1. Organisation
    Question("organisation.name", "organisation", "text",
             ("Nom de l'organisation", "Name of the organisation"),
             ("Il figure sur la page titre, en pied de page et dans les clauses qui désignent l'organisation.",
              "It appears on the title page, in the footer and in the clauses that name the organisation.")),
    Question("organisation.jurisdiction", "organisation", "select",
             ("Où l'organisation est-elle établie ?", "Where is the organisation established?"),
             ("Le lieu choisit les lois citées (Loi 25, LPRPDE, RGPD, règlement européen sur l'IA, nLPD) et le "
              "vocabulaire du document.",
              "The location chooses the laws cited (Québec's Law 25, PIPEDA, GDPR, EU AI Act, Swiss FADP) and "
              "the document's vocabulary."), table=v.JURISDICTIONS),
    Question("organisation.province", "organisation", "select",
             ("Province ou territoire", "Province or territory"),
             ("La Colombie-Britannique et l'Alberta ont leur propre loi sur les renseignements personnels ; "
              "ailleurs, la LPRPDE s'applique aux activités commerciales.",
              "British Columbia and Alberta have their own personal information act; elsewhere, PIPEDA applies "
              "to commercial activities."), table=v.PROVINCES, optional=True,
             visible=lambda a: jurisdiction(a) == "canada_other"),
    Question("organisation.sector", "organisation", "select",
             ("Secteur", "Sector"),
             ("Le secteur ajoute les clauses propres à votre métier (interprètes, catalogues de droits, "
              "collections, information du public).",
              "The sector adds the clauses specific to your field (performers, rights catalogues, collections, "
              "public information)."), table=v.SECTORS),
    Question("organisation.legal_form", "organisation", "select",
             ("Forme juridique", "Legal form"),
             ("Elle détermine qui adopte la politique et, pour un organisme public, les obligations propres au "
              "secteur public.",
              "It determines who adopts the policy and, for a public body, the obligations specific to the "
              "public sector."), table=v.LEGAL_FORMS, options=_legal_form_options,
             help_by={"quebec": (
                 "Elle détermine qui adopte la politique. « Organisme public » (musée d'État, société d'État…) : "
                 "la section sur les renseignements personnels cite la Loi sur l'accès (RLRQ c. A-2.1) plutôt que "
                 "la loi sur le secteur privé (P-39.1).",
                 "It determines who adopts the policy. “Public body” (state museum, Crown corporation…): the "
                 "personal information section cites the Access Act (CQLR c. A-2.1) rather than the "
                 "private-sector act (P-39.1).")}),
    Question("organisation.federally_regulated", "organisation", "bool",
             ("Entreprise de compétence fédérale (radiodiffuseur, par exemple)",
              "Federally regulated undertaking (a broadcaster, for example)"),
             ("Une entreprise fédérale relève de la LPRPDE et du droit fédéral du travail : la politique cite ces "
              "lois plutôt que la loi provinciale.",
              "A federal undertaking falls under PIPEDA and federal labour law: the policy cites them instead of "
              "the provincial act."), visible=lambda a: jurisdiction(a) in _CANADA),
    Question("organisation.eu_market", "organisation", "bool",
             ("Vous mettez des systèmes d'IA ou leurs résultats sur le marché de l'Union européenne",
              "You place AI systems or their output on the European Union market"),
             ("Si oui, le règlement européen sur l'IA vous concerne aussi et la politique ajoute ses obligations, "
              "dont la transparence.",
              "If so, the EU AI Act concerns you too and the policy adds its obligations, transparency among "
              "them."), visible=lambda a: jurisdiction(a) == "switzerland"),
    Question("organisation.employees", "organisation", "int",
             ("Nombre de salariés", "Number of employees"),
             ("La taille choisit la gouvernance : une personne responsable de l'IA sous 20 salariés, un comité à "
              "partir de 20.",
              "Size chooses the governance: one AI lead under 20 employees, a committee from 20."),
             min_value=0, max_value=1_000_000),
    Question("organisation.freelancers", "organisation", "bool",
             ("Vous travaillez régulièrement avec des pigistes, intermittents ou artistes autonomes",
              "You regularly work with freelancers or self-employed artists"),
             ("Si oui, la politique dit ce qu'elle leur demande, comment elle leur est remise et ce qu'elle "
              "protège de leur travail.",
              "If so, the policy says what it asks of them, how they receive it and what it protects of their "
              "work.")),
    Question("organisation.volunteers", "organisation", "bool",
             ("Des bénévoles travaillent avec vous", "Volunteers work with you"),
             ("Si oui, la politique s'applique aussi aux bénévoles et prévoit leur information et leur formation.",
              "If so, the policy also covers volunteers and provides for informing and training them.")),
    Question("organisation.staff_representation", "organisation", "select",
             ("Représentation du personnel", "Staff representation"),
             ("La politique prévoit d'informer et de consulter les représentants du personnel avant d'introduire "
              "un outil qui touche le travail.",
              "The policy provides for informing and consulting staff representatives before introducing a tool "
              "that affects work."),
             table=v.STAFF_REPRESENTATION, options=_staff_rep_options,
             help_by={"france": (
                 "En France, le CSE est consulté avant l'introduction d'une nouvelle technologie : la politique "
                 "prévoit cette consultation.",
                 "In France, the works council (CSE) is consulted before a new technology is introduced: the "
                 "policy provides for it.")}),
    Question("organisation.privacy_officer", "organisation", "text",
             ("Fonction responsable des données personnelles (facultatif)",
              "Role in charge of personal data (optional)"),
             ("Cette fonction est nommée comme contact pour les questions de données ; laissée vide, la politique "
              "rappelle d'en désigner une.",
              "This role is named as the contact for data questions; left empty, the policy reminds you to "
              "appoint one."),
             label_by={"quebec": ("Personne responsable de la protection des renseignements personnels "
                                  "(fonction, facultatif)",
                                  "Person in charge of the protection of personal information (role, optional)"),
                       **{j: ("Délégué·e à la protection des données ou responsable (fonction, facultatif)",
                              "Data protection officer or person in charge (role, optional)") for j in EU_MEMBERS}},
             optional=True),
    Question("policy.languages", "organisation", "multiselect",
             ("Langues de la politique", "Languages of the policy"),
             ("Un document Word est produit pour chaque langue choisie.",
              "One Word document is produced for each language chosen."),
             table=v.LANGUAGES,
             help_by={"quebec": (
                 "Un document Word est produit par langue. Au Québec, le français est toujours inclus : la Charte "
                 "de la langue française (art. 41) exige que les communications écrites au personnel soient en "
                 "français.",
                 "One Word document is produced per language. In Québec, French is always included: the Charter "
                 "of the French language (s. 41) requires written communications to staff to be in French.")}),
    Question("organisation.name_article", "organisation", "select",
             ("Article du nom en français (facultatif)", "Article of the name in French (optional)"),
             ("Pour écrire « adoptée par le Théâtre… » ou « par la Compagnie… ». Laissé vide, il est déduit du "
              "premier mot du nom.",
              "So that French writes « adoptée par le Théâtre… » or « par la Compagnie… ». Left empty, it is "
              "guessed from the name's first word."),
             table=v.NAME_ARTICLES, optional=True, visible=lambda a: "fr" in (get(a, "policy.languages") or []),
             placeholder=("Déduit du nom", "Guessed from the name")),
    Question("organisation.short_name", "organisation", "text",
             ("Nom court, avec son article (facultatif)", "Short name, with its article (optional)"),
             ("Le texte l'emploie après la première mention : « le Théâtre », « la Compagnie ». Laissé vide : "
              "« l'organisation ».",
              "The text uses it after the first mention: “the Theatre”, “the Company”. Left empty: “the "
              "organisation”."), optional=True),
    # 2. Position
    Question("maturity", "position", "radio",
             ("Où en est l'organisation avec l'IA ?", "Where does the organisation stand with AI?"),
             ("Choisissez la phrase qui vous ressemble : elle règle le ton des principes et la feuille de route "
              "en annexe, jamais les obligations légales.",
              "Pick the sentence that sounds like you: it sets the tone of the principles and the roadmap annex, "
              "never the legal duties."), table=v.MATURITY,
             captions={
                 "resistant": ("On s'en méfie et on ne veut pas pousser à l'usage : la politique fixe des limites "
                               "et prend les craintes au sérieux.",
                               "We distrust it and do not want to push its use: the policy sets limits and takes "
                               "fears seriously."),
                 "follower": ("Quelques personnes s'en servent déjà, chacune de son côté : la politique encadre "
                              "ces usages et commence par les tâches administratives.",
                              "A few people already use it, each on their own: the policy frames these uses and "
                              "starts with administrative tasks."),
                 "experimenting": ("On fait des essais : la politique transforme chaque essai en projet pilote "
                                   "(objectif, durée, responsable, bilan).",
                                   "We run trials: the policy turns each one into a pilot (goal, duration, owner, "
                                   "review)."),
                 "pioneer": ("L'IA fait partie du travail courant : la politique documente les usages, suit leurs "
                             "effets sur les métiers et partage les pratiques.",
                             "AI is part of everyday work: the policy documents uses, tracks their effects on "
                             "jobs and shares practices."),
             }),
    Question("policy.stance", "position", "radio",
             ("Règle générale sur l'usage de l'IA", "General rule on the use of AI"),
             ("Elle fixe ce que le personnel peut faire sans demander ; les usages que vous déclarez à l'étape 3 "
              "y sont rangés.",
              "It sets what staff may do without asking; the uses you declare in step 3 are sorted under it."),
             table=v.STANCES,
             captions={
                 "encouraged": ("Les usages déclarés sont permis ; seuls ceux qui touchent la voix ou "
                                "l'interprétation d'une personne, le public ou le personnel restent sous "
                                "conditions.",
                                "Declared uses are allowed; only those touching a person's voice or performance, "
                                "the public or staff stay under conditions."),
                 "conditional": ("Les tâches administratives déclarées sont permises ; la création, le public et "
                                 "le personnel sont permis sous conditions.",
                                 "Declared administrative tasks are allowed; creation, the public and staff are "
                                 "allowed under conditions."),
                 "restricted": ("Seuls les usages déclarés sont admis, chacun sous conditions ; tout autre usage "
                                "attend une approbation.",
                                "Only the declared uses are allowed, each under conditions; any other use awaits "
                                "approval."),
                 "prohibited": ("L'IA générative n'est pas utilisée ; seuls les usages déclarés restent, comme "
                                "exceptions encadrées.",
                                "Generative AI is not used; only the declared uses remain, as framed "
                                "exceptions."),
             }),
    Question("policy.length", "position", "radio",
             ("Longueur de la politique à adopter", "Length of the policy to adopt"),
             ("Les règles sont les mêmes à toute longueur ; seule l'explication change. Les documents "
              "d'accompagnement (aide-mémoire, registre, plan) ne changent pas.",
              "The rules are the same at every length; only the explanation changes. The companion documents "
              "(staff summary, register, plan) do not change."),
             table=v.LENGTHS,
             captions={
                 "concise": ("Pour un petit conseil qui veut l'essentiel : chaque règle en une phrase.",
                             "For a small board that wants the essentials: each rule in one sentence."),
                 "standard": ("Pour la plupart des organisations : chaque règle avec sa raison et son article "
                              "de loi.", "For most organisations: each rule with its reason and legal "
                              "article."),
                 "complete": ("Pour une grande organisation ou un organisme public : critères d'approbation, "
                              "table des matières, détails de mise en œuvre.",
                              "For a large organisation or a public body: approval criteria, table of contents, "
                              "implementation details."),
             }),
    Question("policy.owner_role", "position", "text",
             ("Fonction responsable de la politique", "Role that owns the policy"),
             ("Cette fonction tient la politique à jour et répond aux questions ; elle est nommée dans la section "
              "sur la gouvernance.",
              "This role keeps the policy up to date and answers questions; it is named in the governance "
              "section.")),
    Question("policy.approved_by", "position", "text",
             ("Instance qui adopte la politique", "Body that adopts the policy"),
             ("Elle figure sur la page titre et dans la section sur l'entrée en vigueur.",
              "It appears on the title page and in the section on entry into force.")),
    Question("policy.effective_date", "position", "date",
             ("Date d'entrée en vigueur", "Effective date"),
             ("La date figure sur la page titre et fixe la prochaine révision ; les échéances de formation en "
              "découlent.",
              "The date appears on the title page and sets the next review; training deadlines follow from it.")),
    Question("policy.review_months", "position", "int",
             ("Révision tous les … mois", "Review every … months"),
             ("Le droit de l'IA change vite : la politique prévoit sa propre révision à cet intervalle (3 à 36 "
              "mois).",
              "AI law changes fast: the policy schedules its own review at this interval (3 to 36 months)."),
             min_value=3, max_value=36),
    Question("policy.version", "position", "text",
             ("Version de la politique", "Policy version"),
             ("Affichée en pied de page, elle dit quelle version est en vigueur.",
              "Shown in the footer, it tells which version is in force.")),
    # 3. Uses
    Question("uses.admin", "uses", "multiselect",
             ("Usages administratifs", "Administrative uses"),
             ("Chaque usage déclaré entre dans la liste des usages permis, avec ses précautions.",
              "Each use declared enters the list of permitted uses, with its precautions."), table=v.ADMIN_USES),
    Question("uses.creative", "uses", "multiselect",
             ("Usages en création", "Creative uses"),
             ("Les usages créatifs ajoutent les clauses sur le droit d'auteur, la contribution humaine et les "
              "droits des artistes.",
              "Creative uses add the clauses on copyright, human contribution and artists' rights."),
             table=v.CREATIVE_USES),
    Question("uses.public", "uses", "multiselect",
             ("Usages visibles du public", "Uses the public sees"),
             ("Ce que le public voit ou entend ajoute les obligations de transparence et des avis prêts à "
              "afficher en annexe.",
              "What the public sees or hears adds transparency duties and ready-to-post notices in an annex."),
             table=v.PUBLIC_USES),
    Question("uses.hr", "uses", "multiselect",
             ("Usages qui touchent le personnel", "Uses that affect staff"),
             ("Les usages en gestion du personnel sont encadrés de près : ils ajoutent consultation, information "
              "des personnes et contrôle humain.",
              "Uses in managing staff are closely regulated: they add consultation, informing people and human "
              "oversight."), table=v.HR_USES),
    Question("uses.model_training", "uses", "bool",
             ("Vous entraînez ou affinez des modèles d'IA sur vos contenus ou ceux de tiers",
              "You train or fine-tune AI models on your own or third-party content"),
             ("Si oui, la politique ajoute les règles sur les droits des contenus d'entraînement et leur "
              "documentation.",
              "If so, the policy adds the rules on rights in training content and its documentation.")),
    # 4. Data and tools
    Question("data.personal_data", "data_tools", "multiselect",
             ("Renseignements personnels que vous détenez", "Personal data you hold"),
             ("Chaque catégorie resserre les règles de saisie dans les outils d'IA ; mineurs, données sensibles "
              "et biométrie ajoutent des protections.",
              "Each category tightens what may be entered into AI tools; minors, sensitive and biometric data add "
              "protections."), table=v.PERSONAL_DATA),
    Question("data.personal_data_in_ai_tools", "data_tools", "select",
             ("Des renseignements personnels peuvent-ils être saisis dans un outil d'IA ?",
              "May personal data be entered into an AI tool?"),
             ("Votre réponse devient la règle de la section sur les données personnelles.",
              "Your answer becomes the rule of the personal data section."), table=v.PERSONAL_DATA_IN_AI_TOOLS),
    Question("data.confidential_material", "data_tools", "multiselect",
             ("Documents confidentiels", "Confidential material"),
             ("Ils sont nommés dans la liste de ce qu'on ne saisit jamais dans un outil non approuvé.",
              "They are named in the list of what is never entered into an unapproved tool."),
             table=v.CONFIDENTIAL_MATERIAL),
    Question("data.holds_rights_catalogue", "data_tools", "bool",
             ("Vous détenez un catalogue de droits, des collections ou des archives",
              "You hold a rights catalogue, collections or archives"),
             ("Si oui, la politique protège ces œuvres : pas de versement dans un outil d'IA sans autorisation, "
              "et opposition à leur usage pour entraîner des IA.",
              "If so, the policy protects these works: none is fed to an AI tool without permission, and their "
              "use to train AI is opted out.")),
    Question("data.publishes_online", "data_tools", "bool",
             ("Vous diffusez des contenus (site, réseaux, publications)",
              "You publish content (website, social media, publications)"),
             ("Si oui, la politique dit quand et comment signaler la part de l'IA dans ce que vous diffusez.",
              "If so, the policy says when and how to disclose AI's part in what you publish.")),
    Question("tools", "data_tools", "tools",
             ("Vos outils d'IA", "Your AI tools"),
             ("Chaque outil entre dans le registre des outils (annexe) avec sa lecture de risque ; la politique "
              "fixe les conditions d'usage des outils à risque.",
              "Each tool enters the tool register (annex) with its risk reading; the policy sets conditions of "
              "use for risky tools.")),
    # 5. Commitments
    Question("commitments.disclosure", "commitments", "radio",
             ("Quand signalez-vous l'usage de l'IA ?", "When do you disclose the use of AI?"),
             ("Ce niveau décide des mentions à apposer sur vos contenus et des avis fournis en annexe.",
              "This level decides the mentions put on your content and the notices provided in an annex."),
             table=v.DISCLOSURE,
             captions={
                 "all_assisted": ("Une mention sur tout contenu où l'IA a aidé, même pour une retouche.",
                                  "A mention on any content AI helped with, even a touch-up."),
                 "substantial": ("Une mention quand l'IA a produit une part notable du texte, de l'image ou du son ; "
                                 "pas pour une simple correction.",
                                 "A mention when AI produced a notable part of the text, image or sound; not for a "
                                 "mere correction."),
                 "legal_minimum": ("Seulement ce que la loi exige (hypertrucages, agents conversationnels, textes "
                                   "d'intérêt public).",
                                   "Only what the law requires (deep fakes, chatbots, texts of public interest)."),
             }),
    Question("commitments.human_review", "commitments", "bool",
             ("Tout contenu diffusé ou envoyé à l'extérieur est relu par une personne",
              "Every output published or sent outside is reviewed by a person"),
             ("Si oui, la politique rend cette vérification humaine obligatoire avant toute diffusion.",
              "If so, the policy makes this human check compulsory before anything goes out.")),
    Question("commitments.environmental", "commitments", "bool",
             ("Engagements de sobriété environnementale", "Environmental sobriety commitments"),
             ("Si oui, la section sur l'environnement énumère des gestes concrets de sobriété pour vos usages.",
              "If so, the environment section lists concrete sobriety measures for your uses.")),
    Question("commitments.voice_likeness_consent", "commitments", "bool",
             ("Consentement écrit avant d'utiliser la voix ou l'image d'une personne",
              "Written consent before using a person's voice or likeness"),
             ("Si oui, la politique exige un consentement précis (usage, durée, rémunération). Si non, les usages "
              "de voix ou d'image déclarés restent interdits : une décision à prendre.",
              "If so, the policy requires specific consent (purpose, duration, pay). If not, the voice or "
              "likeness uses declared stay prohibited: a decision to take.")),
    Question("commitments.training", "commitments", "bool",
             ("Plan de formation du personnel", "Staff training plan"),
             ("Si oui, la politique fixe un plan de formation par public, avec des échéances datées.",
              "If so, the policy sets a training plan per audience, with dated deadlines.")),
)
QUESTION_BY_PATH = {q.path: q for q in QUESTIONS}


def questions_for(step_id: str, answers: Answers) -> list[Question]:
    return [q for q in QUESTIONS if q.step == step_id and q.is_visible(answers)]


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


# One line per account type: what a director needs to tell them apart (DeepL Pro, ChatGPT Plus…)
ACCOUNT_HELP: dict[str, tuple[str, str]] = {
    "free_consumer": ("Gratuit, ouvert par une personne avec son courriel : les saisies servent souvent à "
                      "entraîner le modèle.",
                      "Free, opened by a person with their email: inputs are often used to train the model."),
    "paid_individual": ("Payé par carte au nom d'une personne (ChatGPT Plus, DeepL Pro Starter…), sans contrat "
                        "signé par l'organisation.",
                        "Paid by card in a person's name (ChatGPT Plus, DeepL Pro Starter…), with no contract "
                        "signed by the organisation."),
    "business": ("Contrat ou offre équipe au nom de l'organisation (ChatGPT Team, DeepL Pro Advanced, "
                 "Microsoft 365…), avec des conditions sur les données.",
                 "Contract or team plan in the organisation's name (ChatGPT Team, DeepL Pro Advanced, Microsoft "
                 "365…), with terms on data."),
    "self_hosted": ("Installé sur vos propres serveurs ou postes : rien ne sort de l'organisation.",
                    "Installed on your own servers or computers: nothing leaves the organisation."),
}
STATUS_HELP: dict[str, tuple[str, str]] = {
    "approved": ("Approuvé : permis pour les usages indiqués.", "Approved: allowed for the uses given."),
    "under_review": ("En évaluation : essais sans données confidentielles ni personnelles.",
                     "Under review: trials without confidential or personal data."),
    "prohibited": ("Interdit : ne pas utiliser pour le travail.", "Prohibited: not to be used for work."),
}
TOOL_LABELS = {"name": ("Nom de l'outil", "Tool name"), "vendor": ("Fournisseur", "Vendor"),
               "hosting": ("Où les données sont hébergées", "Where the data is hosted"),
               "account": ("Type de compte", "Account type"), "status": ("Statut", "Status"),
               "uses": ("Usages permis avec cet outil", "Uses allowed with this tool")}


def blank_tool() -> dict[str, Any]:
    return {"name": "", "vendor": None, "hosting": "unknown", "account": "free_consumer",
            "status": "under_review", "uses": []}


def resume_step(answers: Answers) -> int:
    """Where a resumed questionnaire opens: the first step with a problem, else the review."""
    _, problems = validate(answers)
    for step in STEPS:
        if any(step_of_field(p.field) == step.id for p in problems):
            return step_index(step.id)
    return step_index("review")


# The kit's companion documents (balises.kit.DOCUMENTS), as the wizard names them on its buttons
EDITION_LABELS: dict[str, tuple[str, str]] = {
    "tool_register": ("Registre des outils", "Tool register"),
    "disclosure_notices": ("Mentions de transparence", "Disclosure notices"),
    "implementation_plan": ("Plan de mise en œuvre", "Implementation plan"),
    "adviser_note": ("Note explicative", "Adviser's note"),
}


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


def with_defaults(answers: Answers, defaults: dict[str, Any]) -> Answers:
    """``answers`` with a pack's recommended answers (``pack_profile_defaults``) written over the blank form."""
    out = copy.deepcopy(answers)
    for key, value in (defaults or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = with_defaults(out[key], value)
        elif key == "effective_date" and isinstance(value, str):
            out[key] = dt.date.fromisoformat(value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def common_tool_row(name: str) -> dict[str, Any]:
    base = COMMON_TOOLS.get(name, {})
    return {"name": name, "vendor": base.get("vendor"), "hosting": base.get("hosting", "unknown"),
            "account": "free_consumer", "status": "under_review", "uses": []}


# ---------------------------------------------------------------- answers

def default_answers(today: dt.date | None = None) -> Answers:
    """A fresh questionnaire: required choices are left open (None) so that the user makes them."""
    today = today or dt.date.today()
    return {
        "organisation": {"name": "", "jurisdiction": None, "province": None, "public_body": False, "federally_regulated": False,
                         "eu_market": False, "sector": None, "legal_form": "nonprofit", "employees": None,
                         "freelancers": False, "volunteers": False, "staff_representation": "none",
                         "privacy_officer": "", "name_article": None, "short_name": ""},
        "policy": {"languages": ["fr"], "stance": "conditional", "owner_role": "Direction générale",
                   "approved_by": "Conseil d'administration", "effective_date": today, "review_months": 12,
                   "version": "1.0", "length": "standard"},
        "maturity": "follower",
        "uses": {"admin": [], "creative": [], "public": [], "hr": [], "model_training": False},
        "data": {"personal_data": [], "personal_data_in_ai_tools": "never", "confidential_material": [],
                 "holds_rights_catalogue": False, "publishes_online": True},
        "tools": [],
        "commitments": {"disclosure": "substantial", "human_review": True, "environmental": True,
                        "training": True, "voice_likeness_consent": True},
    }


def get(answers: Answers, path: str) -> Any:
    node: Any = answers
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def set_value(answers: Answers, path: str, value: Any) -> None:
    parts = path.split(".")
    node = answers
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def fit_answers(answers: Answers) -> list[tuple[str, tuple[str, str]]]:
    """Bring answers in line with the jurisdiction (questions that do not apply there are reset).

    Returns (path, message) for every answer changed that the user had chosen, to tell them; hidden
    questions are reset silently."""
    changes: list[tuple[str, tuple[str, str]]] = []
    org = answers.setdefault("organisation", {})
    j = org.get("jurisdiction")
    if j not in _CANADA and org.get("federally_regulated"):
        org["federally_regulated"] = False
        changes.append(("organisation.federally_regulated", ("", "")))
    if j != "canada_other" and org.get("province"):
        org["province"] = None  # a province is asked only outside Québec, in Canada
    if j != "switzerland" and org.get("eu_market"):
        org["eu_market"] = False
        changes.append(("organisation.eu_market", ("", "")))
    if j != "france" and org.get("staff_representation") in ("cse", "union_and_cse"):
        new = "union" if org["staff_representation"] == "union_and_cse" else "none"
        org["staff_representation"] = new
        changes.append(("organisation.staff_representation",
                        (TEXTS["adjusted_cse"][0].format(value=tr(v.STAFF_REPRESENTATION[new], "fr")),
                         TEXTS["adjusted_cse"][1].format(value=tr(v.STAFF_REPRESENTATION[new], "en")))))
    if j == "quebec":
        policy = answers.setdefault("policy", {})
        langs = list(policy.get("languages") or [])
        if "fr" not in langs:
            policy["languages"] = ["fr", *langs]
            changes.append(("policy.languages", ("", "")))
    # one question, the legal form, answers both "legal form" and "public body"
    public = org.get("legal_form") == "public_body"
    if bool(org.get("public_body")) != public:
        org["public_body"] = public
        changes.append(("organisation.public_body", ("", "")))
    return changes


def _clean_tool(row: dict[str, Any]) -> dict[str, Any] | None:
    values = {k: row.get(k) for k in TOOL_COLUMNS}
    if all(values[k] in (None, "", []) for k in TOOL_COLUMNS):
        return None  # an empty row left in the table
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
    """The tools of the table (list of row mappings), empty rows dropped."""
    if rows is None:
        return []
    if hasattr(rows, "to_dict"):  # a DataFrame
        rows = rows.to_dict("records")
    out = []
    for row in rows:
        if isinstance(row, dict):
            row = {k: (None if _is_nan(x) else x) for k, x in row.items()}
            tool = _clean_tool(row)
            if tool is not None:
                out.append(tool)
    return out


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and value != value


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
    """Answers for the wizard from a validated profile (a resumed file)."""
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


def validate(answers: Answers) -> tuple[Profile | None, list[Problem]]:
    """The profile, or the problems found by the profile model (parse_profile)."""
    try:
        return parse_profile(to_profile_data(answers), "wizard"), []
    except ProfileError as exc:
        return None, [_problem(p) for p in exc.problems] or [
            Problem("(profile)", ("Réponses", "Answers"), (exc.fr, exc.en))]


_TOOL_FIELD = re.compile(r"^tools\[(\d+)\](?:\.(\w+))?")
_TOOL_LABELS = {"name": ("Nom", "Name"), "vendor": ("Fournisseur", "Vendor"),
                "hosting": ("Hébergement", "Hosting"), "account": ("Compte", "Account"),
                "status": ("Statut", "Status"), "uses": ("Usages", "Uses")}


def field_label(path: str) -> tuple[str, str]:
    question = QUESTION_BY_PATH.get(path)
    if question is not None:
        return question.label
    m = _TOOL_FIELD.match(path)
    if m:
        row = int(m.group(1)) + 1
        col = _TOOL_LABELS.get(m.group(2) or "", ("", ""))
        fr = TEXTS["tools_row"][0].format(n=row) + (f", {col[0].lower()}" if col[0] else "")
        en = TEXTS["tools_row"][1].format(n=row) + (f", {col[1].lower()}" if col[1] else "")
        return fr, en
    return path, path


def _strip_field(message: str, fieldname: str) -> str:
    for prefix in (f"{fieldname} : ", f"{fieldname}: "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


_REASONS = {"missing": ("réponse obligatoire", "an answer is required")}


def _problem(p: dict) -> Problem:
    fieldname = p["field"]
    reason = _REASONS.get(p.get("type")) or (_strip_field(p["message_fr"], fieldname),
                                             _strip_field(p["message_en"], fieldname))
    return Problem(fieldname, field_label(fieldname), reason)


def _belongs(fieldname: str, prefixes: tuple[str, ...]) -> bool:
    return any(fieldname == p or fieldname.startswith(p + ".") or fieldname.startswith(p + "[")
               for p in prefixes)


def step_of_field(fieldname: str) -> str:
    for step in STEPS:
        if _belongs(fieldname, step.fields):
            return step.id
    return "review"


def step_problems(answers: Answers, step_id: str) -> list[Problem]:
    """The problems a user must fix before leaving ``step_id`` (all of them on the review step)."""
    _, problems = validate(answers)
    if step_id == "review":
        return problems
    return [p for p in problems if step_of_field(p.field) == step_id]


# ---------------------------------------------------------------- tools risk reading

def tool_risks(answers: Answers) -> list[ToolRisk]:
    j = jurisdiction(answers)
    if j is None:
        return []
    out = []
    for row in tools_from_rows(answers.get("tools") or []):
        try:
            tool = Tool.model_validate(row)
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

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def slugify(name: str, fallback: str = "organisation") -> str:
    name = (name or "").translate(_LIGATURES)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    slug = slug[:60].rstrip("-")
    return slug or fallback


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
    return f"{slugify(organisation)}-{fr if lang == 'fr' else en}-{on.isoformat()}.{ext}"


def answers_yaml(answers: Answers, lang: str = "fr", on: dt.date | None = None) -> str:
    """The answers file (YAML) for these answers; normalised by the model when they are valid."""
    profile, _ = validate(answers)
    data = profile_to_data(profile) if profile is not None else to_profile_data(answers)
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
    message: tuple[str, str]
    notices: list[tuple[str, str]]


def load_answers_file(name: str, data: bytes, pack: Any = None) -> LoadedAnswers:
    """Answers from an uploaded file: YAML/JSON answers, or a policy .docx produced by Balises; the pack's
    ``profile_defaults`` fill what the file leaves out, through the CLI's own function.

    Raises :class:`BalisesError` (with details naming each field) for anything else."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputFileError(f"{name} : {TEXTS['upload_too_big'][0]}.", f"{name}: {TEXTS['upload_too_big'][1]}.")
    if not data.strip():
        raise InputFileError(f"{name} : {TEXTS['upload_empty'][0]}.", f"{name}: {TEXTS['upload_empty'][1]}.")
    if data[:2] == b"PK" or name.lower().endswith(".docx"):
        payload = read_payload(data, name)
        profile = parse_profile(payload.get("profile"), name)
        made_with = (payload.get("pack") or {}).get("label") or "?"
        date = str(payload.get("generated_on") or "?")
        message = (TEXTS["upload_docx_ok"][0].format(name=name, date=date, pack=made_with),
                   TEXTS["upload_docx_ok"][1].format(name=name, date=date, pack=made_with))
    else:
        try:
            decoded = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputFileError(f"{name} : le fichier n'est pas du texte UTF-8 (YAML ou JSON attendu).",
                                 f"{name}: the file is not UTF-8 text (YAML or JSON expected).") from None
        profile = profile_from_text(decoded, name)
        message = (TEXTS["upload_ok"][0].format(name=name), TEXTS["upload_ok"][1].format(name=name))
    if pack is not None:
        profile = apply_profile_defaults(profile, pack)
    return LoadedAnswers(answers_from_profile(profile), message, list(profile.notices))


def error_lines(exc: BalisesError, lang: str) -> tuple[str, list[str]]:
    """The headline and one line per problem, in ``lang``; profile problems named by their question."""
    head = exc.fr if lang == "fr" else exc.en
    problems = getattr(exc, "problems", None)
    if problems:
        return head, [_problem(p).message(lang) for p in problems]
    return head, [fr if lang == "fr" else en for fr, en in exc.details]


# ---------------------------------------------------------------- showing what users and files provide

# the marks that make images, links, directives (:red[…]), formulas ($…$), HTML, tables or emphasis; apostrophes,
# colons and parentheses stay as they are, so that messages read the same in the page's source
_MD_ACTIVE = re.compile(r"([\\`*_\[\]<>!$|~#{}])")


def md_text(value: Any) -> str:
    """A user's or a file's text as literal text inside Streamlit Markdown: ``![x](https://…)`` would make
    every browser showing it fetch a remote image, ``:red[…]`` or ``$…$`` restyle it. CommonMark lets any
    ASCII punctuation be escaped with a backslash; line breaks are kept."""
    return _MD_ACTIVE.sub(r"\\\1", str(value))
