"""Properties of generation over many profiles (hypothesis): it succeeds, the Word file is sound and complete,
free text is either refused with the field named or kept, and generation is deterministic and thread-safe.

Generation is in the profile's first language that the pack has templates for (the pack's English clause
templates may be under way), as of a pinned date.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from balises.contract import vocabulary as v
from balises.contract.profile import parse_profile
from balises.engine.document import document_text
from balises.errors import ProfileError
from balises.packs.loader import load_pack
from balises.render.embedding import read_payload
from balises.services.generate import generate

from .conftest import AS_OF

PACK = load_pack()
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                derandomize=False)
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
LEFTOVERS = ("{{", "}}", "{%", "%}", "{#", "BALISES_FOOTER", "Undefined")
CANADA = ("quebec", "canada_other")


def pack_languages(pack) -> list[str]:
    """The languages in which the pack has a template for every clause of its outline."""
    clauses = [c for s in pack.sections for c in s.clauses]
    return [lang for lang in ("fr", "en") if all(pack.template_key(c, lang) in pack.templates for c in clauses)]


def language_for(profile, pack=PACK) -> str:
    available = pack_languages(pack) or ["fr"]
    return next((lang for lang in profile.policy.languages if lang in available), available[0])


# ------------------------------------------------------------------------------------------- strategies

def subset(table: v.Labels):
    values = list(table)
    return st.one_of(st.just([]), st.just(values), st.lists(st.sampled_from(values), unique=True))


def choice(table: v.Labels):
    return st.sampled_from(list(table))


plain_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x2FFF, blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
                     min_size=1, max_size=40).filter(lambda s: s.strip())

tool = st.fixed_dictionaries({
    "name": plain_text,
    "vendor": st.one_of(st.none(), plain_text),
    "hosting": choice(v.HOSTING),
    "account": choice(v.ACCOUNT),
    "status": choice(v.TOOL_STATUS),
    "uses": subset(v.ALL_USES),
})


@st.composite
def profiles(draw, text=plain_text) -> dict:
    """Raw data of a valid profile: every enumeration and list, with the contract's cross-field rules."""
    jurisdiction = draw(choice(v.JURISDICTIONS))
    legal_form = draw(choice(v.LEGAL_FORMS))
    reps = list(v.STAFF_REPRESENTATION) if jurisdiction == "france" else ["none", "union"]
    org = {
        "name": draw(text),
        "jurisdiction": jurisdiction,
        "public_body": legal_form == "public_body",
        "federally_regulated": draw(st.booleans()) if jurisdiction in CANADA else False,
        "sector": draw(choice(v.SECTORS)),
        "legal_form": legal_form,
        "employees": draw(st.one_of(st.sampled_from([0, 1, 9, 10, 19, 20, 49, 50, 249, 250, 1_000_000]),
                                    st.integers(0, 5000))),
        "freelancers": draw(st.booleans()),
        "volunteers": draw(st.booleans()),
        "staff_representation": draw(st.sampled_from(reps)),
        "privacy_officer": draw(st.one_of(st.none(), text)),
        "eu_market": draw(st.booleans()) if jurisdiction == "switzerland" else False,
    }
    return {
        "schema_version": 1,
        "organisation": org,
        "policy": {
            "languages": draw(st.sampled_from([["fr"], ["en"], ["fr", "en"], ["en", "fr"]])),
            "stance": draw(choice(v.STANCES)),
            "owner_role": draw(text),
            "approved_by": draw(text),
            "effective_date": draw(st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31))).isoformat(),
            "review_months": draw(st.integers(3, 36)),
            "version": draw(st.sampled_from(["1.0", "2.3", "2026-12"])),
        },
        "maturity": draw(choice(v.MATURITY)),
        "uses": {"admin": draw(subset(v.ADMIN_USES)), "creative": draw(subset(v.CREATIVE_USES)),
                 "public": draw(subset(v.PUBLIC_USES)), "hr": draw(subset(v.HR_USES)),
                 "model_training": draw(st.booleans())},
        "data": {"personal_data": draw(subset(v.PERSONAL_DATA)),
                 "personal_data_in_ai_tools": draw(choice(v.PERSONAL_DATA_IN_AI_TOOLS)),
                 "confidential_material": draw(subset(v.CONFIDENTIAL_MATERIAL)),
                 "holds_rights_catalogue": draw(st.booleans()), "publishes_online": draw(st.booleans())},
        "tools": draw(st.lists(tool, max_size=6)),
        "commitments": {"disclosure": draw(choice(v.DISCLOSURE)), "human_review": draw(st.booleans()),
                        "environmental": draw(st.booleans()), "training": draw(st.booleans())},
    }


# ---------------------------------------------------------------------------------------------- checks

def squash(text: str) -> str:
    """Text without whitespace (the document normalises spaces: one space, no-break before « : » in French)."""
    return "".join(text.split()).replace("\u00a0", "").replace("\u202f", "")


def docx_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def visible_text(data: bytes) -> str:
    parts = docx_parts(data)
    xml = "".join(parts[n].decode("utf-8") for n in parts
                  if n == "word/document.xml" or n.startswith(("word/footer", "word/header")))
    return html.unescape("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)))


def user_texts(profile) -> list[str]:
    org, policy = profile.organisation, profile.policy
    values = [org.name, org.privacy_officer, policy.owner_role, policy.approved_by, policy.version]
    values += [t.name for t in profile.tools] + [t.vendor for t in profile.tools]
    return [squash(x) for x in values if x]


def check_document(profile, result, lang: str) -> None:
    doc = result.document
    # re-opens with python-docx; the policy's sections are the outline's body sections, in order (a section
    # with nothing to say for this profile is absent), each a Heading 1
    document = docx.Document(io.BytesIO(result.docx))
    body = [s.id for s in PACK.sections if s.kind == "body"]
    ids = [s.id for s in doc.sections]
    assert ids == [s for s in body if s in ids] and {"purpose_scope", "uses", "review"} <= set(ids)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [s.heading(lang) if s.kind == "annex" else s.title for s in doc.sections]
    # nothing of the templates left, no XML-illegal character in any part
    # (what a user typed may itself look like a template: it is shown as typed, never evaluated)
    text = squash(document_text(doc)) + squash(visible_text(result.docx))
    for typed in sorted(user_texts(profile), key=len, reverse=True):
        text = text.replace(typed, "")
    for leftover in LEFTOVERS:
        assert leftover not in text, leftover
    for name, part in docx_parts(result.docx).items():
        if name.endswith((".xml", ".rels")):
            decoded = part.decode("utf-8")
            assert not XML_ILLEGAL.search(decoded), name
            assert "BALISES_FOOTER" not in decoded, name
    # the decision trace tells the document's story: same clauses, same order
    assert [t.clause for t in doc.trace] == doc.clause_ids()
    assert [t["clause"] for t in result.trace] == doc.clause_ids()
    # the answers travel with the document
    assert read_payload(result.docx)["profile"]["organisation"]["name"] == profile.organisation.name


@settings(max_examples=35, **SETTINGS)
@given(data=profiles())
def test_any_valid_profile_generates_a_sound_document(data):
    profile = parse_profile(data)
    lang = language_for(profile)
    result = generate(profile, PACK, lang=lang, as_of=AS_OF)
    check_document(profile, result, lang)


# ------------------------------------------------------------------------------------ free text fields

hostile_text = st.one_of(
    st.text(max_size=60),  # anything, control characters included
    st.text(st.sampled_from(list("ab *_[]()<>#|`~!&;:?«»\\\t\n\r\x00\x07\x1b\x7f\x85\u00a0\u202f\u2028"
                                 "\u200f\u202e\ufeff")), max_size=40),
    st.sampled_from(["مسرح الأمل", "תיאטרון הים", "\u202eevil\u202c", "🎭🎨🎬 Studio 👩🏽‍🎤", "Ｆｕｌｌｗｉｄｔｈ",
                     "&amp; &lt;b&gt;", "{{ 7*7 }}", "{% raw %}", "*Star* [x](javascript:alert(1))",
                     "<script>alert(1)</script>", "A" * 201, "B" * 5000, "   ", "", "x\ud800y", "\U0010ffff"]),
    st.text(min_size=150, max_size=400),
)

FREE_FIELDS = {
    "organisation.name": lambda d, t: d["organisation"].__setitem__("name", t),
    "organisation.privacy_officer": lambda d, t: d["organisation"].__setitem__("privacy_officer", t),
    "policy.owner_role": lambda d, t: d["policy"].__setitem__("owner_role", t),
    "policy.approved_by": lambda d, t: d["policy"].__setitem__("approved_by", t),
    "tools[0].name": lambda d, t: d["tools"].__setitem__(0, {**d["tools"][0], "name": t}),
    "tools[0].vendor": lambda d, t: d["tools"].__setitem__(0, {**d["tools"][0], "vendor": t}),
}


@settings(max_examples=40, **SETTINGS)
@given(data=profiles(), field=st.sampled_from(sorted(FREE_FIELDS)), text=hostile_text)
def test_free_text_is_refused_by_name_or_kept(data, field, text):
    if field.startswith("tools") and not data["tools"]:
        data["tools"] = [{"name": "Outil", "hosting": "eu"}]
    FREE_FIELDS[field](data, text)
    try:
        profile = parse_profile(data)
    except ProfileError as exc:
        fields = [p.where for p in exc.problems]
        assert fields == [field], exc.message("en")
        assert exc.message("en").count(field) >= 1
        return
    lang = language_for(profile)
    result = generate(profile, PACK, lang=lang, as_of=AS_OF)
    check_document(profile, result, lang)
    kept = text.strip()
    if field.endswith("vendor") or field.endswith("privacy_officer"):
        kept = kept or None
    # the answer is never lost: the embedded answers hold it exactly
    answers = read_payload(result.docx)["profile"]
    parent, _, key = field.rpartition(".")
    holder = answers["tools"][0] if parent == "tools[0]" else answers[parent]
    assert holder[key] == kept
    # and what the title page shows is the text itself
    if field in ("organisation.name", "policy.owner_role", "policy.approved_by") and kept:
        assert squash(kept) in squash(visible_text(result.docx))


# ------------------------------------------------------------------------------ determinism, threads

def fingerprint(result) -> tuple:
    parts = docx_parts(result.docx)
    return document_text(result.document), result.trace, {n: parts[n] for n in sorted(parts)}


@settings(max_examples=25, **SETTINGS)
@given(data=profiles())
def test_generation_is_deterministic(data):
    profile = parse_profile(data)
    lang = language_for(profile)
    first = generate(profile, PACK, lang=lang, as_of=AS_OF)
    again = generate(parse_profile(data), PACK, lang=lang, as_of=AS_OF)
    assert fingerprint(first) == fingerprint(again)


@pytest.mark.slow
@settings(max_examples=3, **SETTINGS)
@given(batch=st.lists(profiles(), min_size=4, max_size=4))
def test_parallel_generation_matches_serial(batch):
    """20 generations on 8 threads give exactly what the same 20 give one after the other."""
    jobs = [(parse_profile(batch[i % len(batch)]), edition)
            for i, edition in zip(range(20), ["full", "full", "staff_summary", "tool_register",
                                              "disclosure_notices"] * 4)]

    def one(job):
        profile, edition = job
        return fingerprint(generate(profile, PACK, lang=language_for(profile), as_of=AS_OF, edition=edition))

    serial = [one(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(one, jobs))
    assert parallel == serial
