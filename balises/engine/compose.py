"""Profile + pack → decisions → the document model of one policy in one language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from balises.contract import vocabulary
from balises.contract.profile import Profile
from balises.engine import editions
from balises.engine.decisions import DecisionTable, decision_table
from balises.engine.document import Clause, Metadata, PolicyDocument, Section, TraceEntry, TraceSource
from balises.engine.facts import Facts, derive, locale_for
from balises.engine.markup import typography
from balises.engine.pack import Pack, SectionDef
from balises.engine.rules import Decisions, decide
from balises.engine.templating import helpers
from balises.engine.statements import Said
from balises.engine.views import org_names, table_view, worded_table
from balises.errors import BalisesError, PackError

TITLES = {
    "full": ("Politique d'utilisation de l'intelligence artificielle",
             "Policy on the use of artificial intelligence"),
    "short": ("Politique IA", "AI policy"),
}
# what every template may use besides the profile's top-level keys: the context compose() gives each clause
CONTEXT_NAMES = frozenset({
    "org", "facts", "lang", "locale", "jurisdiction", "as_of", "trace", "references", "selected", "section_no",
    "next_review", "length", "table", "label", "labels", "term", "date", "join", "add_months", "org_the", "org_of",
    "org_to", "short", "short_of", "short_to", "params", "variant", "clause_id", "section_number"})
# those that make a clause's text follow the rest of the document (annexes E and F, cross-references, dates)
DOCUMENT_NAMES = frozenset({"trace", "references", "selected", "section_no", "as_of"})
# "full" is the policy to adopt (its numbered sections); the others are the kit's companion documents.
EDITIONS = editions.EDITIONS
LENGTHS = tuple(vocabulary.LENGTHS)


def rule_context(profile: Profile, facts: Facts) -> dict[str, Any]:
    """What rule conditions see: the profile's fields and ``facts``."""
    context = profile.model_dump(mode="python")
    context["facts"] = facts.model_dump(mode="python")
    return context


def choose_language(profile: Profile, pack: Pack, lang: str | None) -> str:
    lang = lang or profile.policy.languages[0]
    if lang not in vocabulary.LANGUAGES:
        raise BalisesError(f"Langue {lang!r} non permise ; langues permises : fr, en.",
                           f"Language {lang!r} not allowed; allowed: fr, en.")
    if lang not in pack.info.languages and lang not in pack.layers[0].languages:
        raise BalisesError(f"Le paquet {pack.label} n'existe pas en {lang!r}.",
                           f"Pack {pack.label} has no {lang!r} edition.")
    return lang


def decisions_for(profile: Profile, pack: Pack, as_of: dt.date, locale: str = "") -> tuple[Facts, Decisions]:
    facts = derive(profile, locale)
    return facts, decide(pack.rules, rule_context(profile, facts), as_of)


def build_trace(pack: Pack, decisions: Decisions, lang: str, locale: str,
                numbers: dict[str, str], jurisdiction: str | None = None) -> list[TraceEntry]:
    entries = []
    for section in pack.sections:
        for clause in section.clauses:
            decision = decisions.clauses.get(clause)
            if decision is None:
                continue
            rules = [pack.rules[r] for r in decision.rules]
            sources, seen = [], set()
            for rule in rules:
                for src in rule.sources:
                    if jurisdiction and not src.shown_in(jurisdiction):
                        continue  # another jurisdiction's study or guideline: never cited here
                    if src.key() not in seen:
                        seen.add(src.key())
                        title = src.reference_en if lang == "en" and src.reference_en else src.reference
                        sources.append(TraceSource(reference=title, url=src.url, status=src.status,
                                                   applies_from=src.applies_from if src.gates else None,
                                                   kind=src.kind, published=src.published,
                                                   decided=src.decided))
            entries.append(TraceEntry(
                section=section.id, section_number=numbers.get(section.id, ""),
                section_title=section.title_for(lang, locale), clause=clause, variant=decision.variant,
                rules=list(decision.rules), why=[r.why.get(lang) for r in rules], sources=sources))
    return entries


def policy_numbers(pack: Pack, decisions: Decisions, length: str) -> dict[str, str]:
    """The policy's section numbers at ``length`` (what every document of the kit refers to)."""
    return section_numbers([sdef for sdef, _ in plan_sections(pack, decisions, "full", length)])


def section_numbers(sections: list[SectionDef]) -> dict[str, str]:
    """The policy's section numbers (1, 2…); a document of the kit has none."""
    numbers, n = {}, 0
    for s in sections:
        if s.kind == "body":
            n += 1
            numbers[s.id] = str(n)
    return numbers


def compose(profile: Profile, pack: Pack, lang: str | None = None, as_of: dt.date | None = None,
            edition: str = "full", length: str | None = None) -> PolicyDocument:
    """The policy (or one companion document) of ``profile`` in ``lang`` as of ``as_of`` (default: today)."""
    as_of = as_of or dt.date.today()
    lang = choose_language(profile, pack, lang)
    length = length or profile.policy.length
    if length not in LENGTHS:
        raise BalisesError(f"Longueur {length!r} non permise ; longueurs permises : {', '.join(LENGTHS)}.",
                           f"Length {length!r} not allowed; allowed: {', '.join(LENGTHS)}.")
    locale = locale_for(lang, profile.organisation.jurisdiction)
    facts, decisions = decisions_for(profile, pack, as_of, locale)
    table = decision_table(profile, facts, pack.decisions, as_of)
    planned = plan_sections(pack, decisions, edition, length)
    # section numbers are the policy's, in every document of the kit ("see section 4 of the policy")
    policy_plan = planned if edition == "full" else plan_sections(pack, decisions, "full", length)
    numbers = section_numbers([sdef for sdef, _ in policy_plan])
    in_policy = {c for _, chosen in policy_plan for c, _ in chosen}
    trace = [t for t in build_trace(pack, decisions, lang, locale, numbers, profile.organisation.jurisdiction)
             if t.clause in in_policy]
    references = _references(trace)
    engine = pack.engine
    org = profile.organisation
    words = helpers(lang, locale, pack.terms)
    answers = profile.model_dump(mode="python")
    # the one effective date of the model (never past, never before the law allows), whatever a template reads
    answers["policy"]["effective_date"] = table.dates.effective
    base = {
        **answers,
        "org": profile.organisation.model_dump(mode="python"),
        "facts": facts.model_dump(mode="python"),
        "lang": lang,
        "locale": locale,
        "jurisdiction": org.jurisdiction,
        "as_of": as_of,
        "trace": [t.model_dump(mode="python") for t in trace],
        "references": references,
        "selected": decisions.selected,
        "section_no": lambda section_id: numbers.get(section_id, "?"),
        "next_review": table.dates.review,
        "length": length,
        "table": table_view(table, pack, profile, lang, locale, words["term"], said=Said(), sections=numbers),
        **org_names(profile, lang),
        **words,
    }
    sections: list[Section] = []
    for sdef, chosen in planned:
        clauses = []
        for clause_id, decision in chosen:
            if not engine.has(clause_id, lang):
                raise PackError(f"Clause {clause_id} : gabarit {lang} manquant dans {pack.label}.",
                                f"Clause {clause_id}: {lang} template missing in {pack.label}.")
            context = {**base, "params": decision.params, "variant": decision.variant, "clause_id": clause_id,
                       "section_number": numbers.get(sdef.id, "")}
            text = engine.render(clause_id, lang, context)
            blocks = engine.parse(text, locale)
            if blocks:
                clauses.append(Clause(id=clause_id, blocks=blocks, rules=list(decision.rules)))
        if clauses:  # a section with nothing to say for this profile is absent, never padded
            sections.append(Section(id=sdef.id, kind=sdef.kind, number=numbers.get(sdef.id, ""),
                                    title=typography(sdef.title_for(lang, locale), locale), clauses=clauses,
                                    staff_edition=sdef.staff_edition))
    if not sections:
        raise PackError("Le document serait vide pour ce profil : aucune règle du paquet n'y choisit de clause.",
                        "The document would be empty for this profile: no rule of the pack selects a clause.")
    meta = _metadata(profile, pack, lang, locale, as_of, edition, table).model_copy(
        update={"length": length, "toc": edition == "full" and length == "complete"})
    return PolicyDocument(meta=meta, sections=sections,
                          trace=trace, profile=profile.model_dump(mode="json"),
                          decisions=table,
                          notices=[notice.get(lang) for notice in profile.notices])


def plan_sections(pack: Pack, decisions: Decisions, edition: str, length: str) -> list[tuple[SectionDef, list]]:
    """The sections of ``edition`` with the clauses chosen for them at ``length``, in reading order."""
    wanted = _edition_sections(pack, edition)
    rank = LENGTHS.index(length)
    planned = []
    for sdef in pack.sections:
        if sdef.id not in wanted:
            continue
        chosen = [(c, decisions.clauses[c]) for c in sdef.clauses if c in decisions.clauses
                  and LENGTHS.index(sdef.lengths.get(c, "concise")) <= rank]
        if chosen:
            planned.append((sdef, chosen))
    return planned


def _edition_sections(pack: Pack, edition: str) -> set[str]:
    if edition == "full":
        return {s.id for s in pack.sections if s.kind == "body"}
    if edition not in EDITIONS:
        raise BalisesError(f"Édition inconnue {edition!r} ; éditions : {', '.join(EDITIONS)}.",
                           f"Unknown edition {edition!r}; editions: {', '.join(EDITIONS)}.")
    ids = {s.id for s in pack.sections if edition in s.editions}
    if not ids:
        raise PackError(f"Le paquet ne définit pas l'édition {edition}.", f"The pack defines no {edition} edition.")
    return ids


def _references(trace: list[TraceEntry]) -> list[dict]:
    """One row per source document (per URL: the same article or study cited by several rules, in different
    words, is listed once, under its shortest wording), with the sections that rest on it."""
    seen: dict[tuple, dict] = {}
    for entry in trace:
        for src in entry.sources:
            key = (src.url, src.applies_from) if src.url else (src.reference,)
            row = seen.get(key)
            if row is None:
                row = seen[key] = {**src.model_dump(mode="python"), "sections": []}
            elif len(src.reference) < len(row["reference"]):
                row["reference"] = src.reference
            if entry.section_number not in row["sections"]:
                row["sections"].append(entry.section_number)
    for row in seen.values():
        row["sections"].sort(key=lambda n: int(n) if n.isdigit() else 0)
    return sorted(seen.values(), key=lambda s: s["reference"].lower())


def _metadata(profile: Profile, pack: Pack, lang: str, locale: str, as_of: dt.date, edition: str,
              table: DecisionTable) -> Metadata:
    fr, en = TITLES["full"]
    title = fr if lang == "fr" else en
    if edition != "full":
        section = next(s for s in pack.sections if edition in s.editions)
        title = typography(section.title_for(lang, locale), locale)  # as the section's heading says it
    org = profile.organisation.name
    version = profile.policy.version
    short = TITLES["short"][0 if lang == "fr" else 1] if edition == "full" else title
    footer = f"{org} · {short} · version {version}"
    preamble = pack.info.preamble.get(lang) if pack.info.preamble else None
    return Metadata(
        title=title,
        subtitle=org,
        organisation=org,
        lang=lang,
        locale=locale,
        version=version,
        effective_date=table.dates.effective,
        next_review=table.dates.review,
        generated_on=as_of,
        edition=edition,
        pack=pack.label,
        pack_name=pack.info.name,
        pack_version=pack.info.version,
        approved_by=profile.policy.approved_by,
        adopted_on=profile.policy.adopted_on,
        owner_role=profile.policy.owner_role,
        footer=footer,
        preamble=preamble,
    )


def explain_table(profile: Profile, pack: Pack, lang: str, as_of: dt.date | None = None) -> list[str]:
    """The decision table and the decisions to take, as lines of text (``balises explain``)."""
    view = worded_table(profile, pack, lang, as_of or dt.date.today())
    fr = lang == "fr"
    lines = ["Tableau de décision" if fr else "Decision table", ""]
    lines.append("Usages" if fr else "Uses")
    for u in view["uses"]:
        tools = f" [{', '.join(u['tools'])}]" if u["tools"] else ""
        lines.append(f"  {u['label']}: {u['verdict_label']}{tools}")
        lines.extend(f"    - {c}" for c in u["conditions"])
    if view["tools"]:
        lines.append("Outils" if fr else "Tools")
    for t in view["tools"]:
        lines.append(f"  {t['name']} ({t['account_label']}, {t['status_label']})")
        lines.extend(f"    {c['label']}: {c['verdict_label']}" for c in t["classes"] if c["id"] in view["held_ids"])
    lines.append("")
    lines.append("Décisions à prendre avant l'adoption" if fr else "Decisions to take before adoption")
    if not view["to_take"]:
        lines.append("  " + ("Aucune." if fr else "None."))
    for d in view["to_take"]:
        who, due = ("qui décide", "pour le") if fr else ("who decides", "by")
        lines.append(f"  {d['number']}. [{d['step']}: {d['field']}] {d['message']} ({who}: {d['who']}; {due} "
                     f"{d['due']}) {d['safe']}")
    lines.append("")
    lines.append("Dès l'entrée en vigueur" if fr else "On the effective date")
    lines.append("  " + (view["day_one"] or ("Aucun usage." if fr else "No use.")))
    return lines
