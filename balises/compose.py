"""Profile + pack → decisions → the document model of one policy in one language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import markup
from .document import Clause, Metadata, PolicyDocument, Section, TraceEntry, TraceSource
from .errors import BalisesError, PackError
from .facts import Facts, derive, locale_for
from .pack import Pack, SectionDef
from .profile import Profile
from .rules import Decisions, decide
from .templating import ClauseRenderer, format_date, helpers

TITLES = {
    "full": ("Politique d'utilisation de l'intelligence artificielle",
             "Policy on the use of artificial intelligence"),
    "short": ("Politique IA", "AI policy"),
}
EDITIONS = ("full", "staff_summary", "tool_register", "disclosure_notices")


def rule_context(profile: Profile, facts: Facts) -> dict[str, Any]:
    """What rule conditions see: the profile's fields and ``facts``."""
    context = profile.model_dump(mode="python")
    context["facts"] = facts.model_dump(mode="python")
    return context


def renderer_for(pack: Pack) -> ClauseRenderer:
    if pack._env is None:  # one sandbox per pack: compiled templates are reused across documents
        pack._env = ClauseRenderer(pack)
    return pack._env


def choose_language(profile: Profile, pack: Pack, lang: str | None) -> str:
    lang = lang or profile.policy.languages[0]
    if lang not in ("fr", "en"):
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
                                                   applies_from=src.applies_from if src.legal else None,
                                                   kind=src.kind, published=src.published))
            entries.append(TraceEntry(
                section=section.id, section_number=numbers[section.id],
                section_title=section.title_for(lang, locale), clause=clause, variant=decision.variant,
                rules=list(decision.rules), why=[r.why.get(lang) for r in rules], sources=sources))
    return entries


def _numbers(sections: list[SectionDef]) -> dict[str, str]:
    numbers, n = {}, 0
    for s in sections:
        if s.kind == "body":
            n += 1
            numbers[s.id] = str(n)
        else:
            numbers[s.id] = s.letter or "?"
    return numbers


def compose(profile: Profile, pack: Pack, lang: str | None = None, as_of: dt.date | None = None,
            edition: str = "full") -> PolicyDocument:
    """The policy of ``profile`` in ``lang`` as of ``as_of`` (default: today)."""
    as_of = as_of or dt.date.today()
    lang = choose_language(profile, pack, lang)
    locale = locale_for(lang, profile.organisation.jurisdiction)
    facts, decisions = decisions_for(profile, pack, as_of, locale)
    numbers = _numbers(pack.sections)
    trace = build_trace(pack, decisions, lang, locale, numbers, profile.organisation.jurisdiction)
    references = _references(trace)
    renderer = renderer_for(pack)
    org = profile.organisation
    base = {
        **profile.model_dump(mode="python"),
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
        "next_review": _next_review(profile),
        **helpers(lang, locale, pack.terms),
    }
    wanted = _edition_sections(pack, edition)
    sections: list[Section] = []
    for sdef in pack.sections:
        if wanted is not None and sdef.id not in wanted:
            continue
        clauses = []
        for clause_id in sdef.clauses:
            decision = decisions.clauses.get(clause_id)
            if decision is None:
                continue
            if not renderer.has(clause_id, lang):
                raise PackError(f"Clause {clause_id} : gabarit {lang} manquant dans {pack.label}.",
                                f"Clause {clause_id}: {lang} template missing in {pack.label}.")
            context = {**base, "params": decision.params, "variant": decision.variant, "clause_id": clause_id,
                       "section_number": numbers[sdef.id]}
            text = renderer.render(clause_id, lang, context)
            blocks = markup.parse(text, locale)
            if blocks:
                clauses.append(Clause(id=clause_id, blocks=blocks, rules=list(decision.rules)))
        if not clauses:
            raise PackError(
                f"La section « {sdef.title_for('fr', locale)} » serait vide pour ce profil : une règle du paquet "
                "doit toujours y choisir une clause.",
                f"Section '{sdef.title_for('en', locale)}' would be empty for this profile: a rule of the pack "
                "must always select a clause there.")
        sections.append(Section(id=sdef.id, kind=sdef.kind, number=numbers[sdef.id],
                                title=sdef.title_for(lang, locale), clauses=clauses,
                                staff_edition=sdef.staff_edition))
    return PolicyDocument(meta=_metadata(profile, pack, lang, locale, as_of, edition), sections=sections,
                          trace=trace, profile=profile.model_dump(mode="json"),
                          notices=[fr if lang == "fr" else en for fr, en in profile.notices])


def _edition_sections(pack: Pack, edition: str) -> set[str] | None:
    if edition == "full":
        return None
    if edition not in EDITIONS:
        raise BalisesError(f"Édition inconnue {edition!r} ; éditions : {', '.join(EDITIONS)}.",
                           f"Unknown edition {edition!r}; editions: {', '.join(EDITIONS)}.")
    ids = {s.id for s in pack.sections if edition in s.editions}
    if not ids:
        raise PackError(f"Le paquet ne définit pas l'édition {edition}.", f"The pack defines no {edition} edition.")
    return ids


def _next_review(profile: Profile) -> dt.date:
    from .templating import add_months

    return add_months(profile.policy.effective_date, profile.policy.review_months)


def _references(trace: list[TraceEntry]) -> list[dict]:
    seen: dict[tuple, dict] = {}
    for entry in trace:
        for src in entry.sources:
            key = (src.reference, src.url)
            if key not in seen:
                seen[key] = {**src.model_dump(mode="python"), "sections": []}
            if entry.section_number not in seen[key]["sections"]:
                seen[key]["sections"].append(entry.section_number)
    return sorted(seen.values(), key=lambda s: s["reference"].lower())


def _metadata(profile: Profile, pack: Pack, lang: str, locale: str, as_of: dt.date, edition: str) -> Metadata:
    fr, en = TITLES["full"]
    title = fr if lang == "fr" else en
    if edition != "full":
        section = next(s for s in pack.sections if edition in s.editions)
        title = section.title_for(lang, locale)
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
        effective_date=profile.policy.effective_date,
        next_review=_next_review(profile),
        generated_on=as_of,
        edition=edition,
        pack=pack.label,
        pack_name=pack.info.name,
        pack_version=pack.info.version,
        approved_by=profile.policy.approved_by,
        owner_role=profile.policy.owner_role,
        footer=footer,
        preamble=preamble,
    )


def effective_label(doc: PolicyDocument) -> str:
    return format_date(doc.meta.effective_date, doc.meta.locale)
