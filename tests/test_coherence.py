"""Coherence over generated profiles (hypothesis): the decision table gives every declared use exactly one
verdict, and the policy, the aide-mémoire and the tool register say that same verdict; a prohibition stance
never says "you may"; every conflict in the answers is a decision to take in the implementation plan."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from balises.contract import vocabulary as v
from balises.contract.profile import parse_profile
from balises.engine.compose import compose
from balises.engine.decisions import decision_table, sector_label
from balises.engine.document import Table, document_text, runs_text
from balises.engine.facts import derive
from balises.packs.loader import load_pack

from .test_properties import SETTINGS, profiles

PACK = load_pack()
AS_OF = dt.date(2026, 12, 1)
names = st.sampled_from(["Théâtre du Nord", "Compagnie Mue", "Studio Lumen", "Festival Ouest", "Atelier 7"])


def _squash(text: str) -> str:
    return "".join(text.split()).replace("\u00a0", "").replace("\u202f", "")


def _norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@settings(max_examples=25, **SETTINGS)
@given(profiles(text=names), st.sampled_from(["fr", "en"]))
def test_one_verdict_per_use_said_the_same_way_in_the_kit(raw, lang):
    raw["policy"]["languages"] = [lang] if raw["organisation"]["jurisdiction"] != "quebec" else ["fr", lang]
    profile = parse_profile(raw, "generated")
    table = decision_table(profile, derive(profile), PACK.decisions, AS_OF)
    declared = [*profile.uses.admin, *profile.uses.creative, *profile.uses.public, *profile.uses.hr]
    assert sorted(u.id for u in table.uses) == sorted(declared)

    policy = compose(profile, PACK, lang=lang, as_of=AS_OF)
    rows = [_norm(" | ".join(runs_text(c) for c in row)) for s in policy.sections for c in s.clauses
            for b in c.blocks if isinstance(b, Table) for row in b.rows]
    summary = _norm(document_text(compose(profile, PACK, lang=lang, as_of=AS_OF, edition="staff_summary")))
    if profile.policy.stance == "prohibited":
        # a prohibition policy names no use: every use is prohibited but for a written exception (the model's
        # ask_first with its written_exception condition), said once, in the policy and the aide-mémoire alike
        assert all(u.verdict in ("ask_first", "prohibited") for u in table.uses)
        assert all("written_exception" in u.condition_ids() for u in table.uses if u.verdict == "ask_first")
        words = ("sauf exception écrite", "without a written exception", "except by a written exception")
        assert any(w in _norm(document_text(policy)) for w in words)
        assert any(w in summary for w in words)
    for use in (u for u in table.uses if profile.policy.stance != "prohibited"):
        label = _norm(sector_label(use.id, "use", profile.organisation.sector, lang, PACK.decisions.sectors))
        verdict = v.label(use.verdict, lang, "verdict")
        said = [r for r in rows if label in r]
        assert said and all(verdict in r for r in said), (use.id, use.verdict, said)
        assert label[1:] in summary, f"{use.id} is not in the aide-mémoire"

    register = [_norm(" | ".join(runs_text(c) for c in row))
                for s in compose(profile, PACK, lang=lang, as_of=AS_OF, edition="tool_register").sections
                for c in s.clauses for b in c.blocks if isinstance(b, Table) for row in b.rows]
    for tool in table.tools:
        for klass, ruling in tool.classes.items():
            if ruling.verdict == "prohibited":
                label = _norm(v.label(klass, lang, "info_class")).lower()
                for row in (r for r in register if r.startswith(_norm(tool.name))):
                    assert not re.search(r"(may receive|peut recevoir)[^|]*" + re.escape(label), row.lower()), row

    if profile.policy.stance == "prohibited":
        for edition in ("full", "staff_summary"):
            text = document_text(compose(profile, PACK, lang=lang, as_of=AS_OF, edition=edition))
            assert not re.search(r"\b(vous pouvez|you may)\b", text, re.IGNORECASE), edition

    # (compared without spaces: French typography adds no-break spaces inside « » and before « : »)
    plan = _squash(document_text(compose(profile, PACK, lang=lang, as_of=AS_OF, edition="implementation_plan")))
    for decision in table.to_take:
        # its longest wording between the placeholders each document fills with its own terms ({lead}…)
        words = max(re.split(r"\{[a-z_]+\}", decision.message.get(lang)), key=len)
        assert _squash(words)[:40] in plan, decision.code
