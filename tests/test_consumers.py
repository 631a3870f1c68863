"""Real consumers of the Word file: LibreOffice converts every example (and a sample of other profiles) to PDF,
pandoc reads them back, and one page per language is turned into an image.

* pandoc sees the outline: its level-1 headings are the sections' titles, in order;
* the text is all there: the first words of every clause are in what pandoc reads;
* LibreOffice converts each file (a file it refuses gives no PDF), and pdftoppm renders a page of each language.

Set BALISES_PAGES_DIR to keep the page images (to look at them). Skipped, with the reason, when soffice or pandoc
is missing; CI installs them (scripts/test.sh).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from balises.contract.paths import merge
from balises.contract.profile import parse_profile
from balises.engine.document import Heading, ListBlock, Paragraph, Table, block_text
from balises.render.docx.render import LABELS
from balises.services.generate import generate

from .conftest import AS_OF, EXAMPLES
from .test_properties import PACK, pack_languages

pytestmark = pytest.mark.slow

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PANDOC = shutil.which("pandoc")
PDFTOPPM = shutil.which("pdftoppm")

# a sample of profiles beyond the examples: the contract's corners
VARIANTS = {
    "swiss-eu-market": ("museum-quebec-public", {
        "organisation": {"name": "Musée « Léman » & Cie", "jurisdiction": "switzerland", "public_body": False,
                         "legal_form": "nonprofit", "eu_market": True, "staff_representation": "none"}}),
    "france-cse-everything": ("animation-studio-france", {
        "organisation": {"staff_representation": "union_and_cse", "employees": 320},
        "uses": {"hr": ["recruitment_screening", "performance_evaluation", "staff_scheduling",
                        "activity_monitoring"],
                 "public": ["chatbot", "likeness_real_person", "likeness_deceased_person"]},
        "data": {"personal_data": ["audience", "staff", "minors", "sensitive", "biometric"]}}),
    "micro-nothing-declared": ("festival-ontario", {
        "organisation": {"employees": 0, "name": "مهرجان 🎭 Festival"},
        "uses": {"admin": [], "creative": [], "public": [], "hr": []},
        "data": {"personal_data": [], "confidential_material": []}, "tools": []}),
}


def _squash(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _first_words(clause, n: int = 6) -> str | None:
    for block in clause.blocks:
        if isinstance(block, (Paragraph, Heading, ListBlock, Table)):
            for line in block_text(block):
                words = _squash(line).split(" ")
                if any(words):
                    return " ".join(words[:n])
    return None


def _pandoc_json(path: Path) -> dict:
    out = subprocess.run([PANDOC, "-f", "docx", "-t", "json", str(path)], capture_output=True, text=True,
                         timeout=120, check=True)
    return json.loads(out.stdout)


def _inline_text(node) -> str:
    """The text of pandoc JSON inlines (Str and spaces, whatever wraps them)."""
    if isinstance(node, list):
        return "".join(_inline_text(n) for n in node)
    if isinstance(node, dict):
        kind = node.get("t")
        if kind == "Str":
            return node["c"]
        if kind in ("Space", "SoftBreak", "LineBreak"):
            return " "
        return _inline_text(node.get("c", []))
    return ""


def _headings(pandoc: dict, level: int = 1) -> list[str]:
    return [_squash(_inline_text(b["c"][2])) for b in pandoc["blocks"] if b["t"] == "Header" and b["c"][0] == level]


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """Every example in every language the pack has, and the variants: docx written, PDFs made in one run."""
    if not SOFFICE:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    if not PANDOC:
        pytest.skip("pandoc is not installed: apt-get install pandoc")
    from balises.safeyaml import load_data_file

    work = tmp_path_factory.mktemp("consumers")
    examples = {p.stem: load_data_file(p) for p in sorted(EXAMPLES.glob("*.yaml"))}
    profiles = {name: data for name, data in examples.items()}
    for name, (base, extra) in VARIANTS.items():
        profiles[name] = merge(examples[base], extra)
    docs = {}
    for name, data in profiles.items():
        profile = parse_profile(data)
        for lang in pack_languages(PACK) or ["fr"]:
            result = generate(profile, PACK, lang=lang, as_of=AS_OF)
            path = work / f"{name}.{lang}.docx"
            path.write_bytes(result.docx)
            docs[path.stem] = (path, result.document, lang)
    out = work / "pdf"
    out.mkdir()
    profile_dir = work / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile_dir}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(out), *[str(p) for p, _, _ in docs.values()]],
                   capture_output=True, text=True, timeout=600)
    return docs, out


def test_libreoffice_converts_every_document(converted):
    docs, out = converted
    for stem in docs:
        pdf = out / f"{stem}.pdf"
        assert pdf.exists(), f"LibreOffice could not convert {stem}.docx"
        head = pdf.read_bytes()[:5]
        assert head == b"%PDF-" and pdf.stat().st_size > 10_000, stem


def test_pandoc_sees_the_outline_and_all_the_text(converted):
    docs, _ = converted
    for stem, (path, document, lang) in docs.items():
        pandoc = _pandoc_json(path)
        expected = [_squash(s.heading(lang) if s.kind == "annex" else s.title) for s in document.sections]
        # pandoc counts "Table des matières" (TOC Heading, based on Heading 1) as a heading; Word does not (its
        # outline level is 9): it is left out here
        contents = LABELS[lang]["contents"]
        assert [h for h in _headings(pandoc) if h != contents] == expected, stem
        text = _squash(_all_text(pandoc))
        assert _squash(document.meta.title) in text and _squash(document.meta.organisation) in text, stem
        missing = [c.id for s in document.sections for c in s.clauses
                   if (words := _first_words(c)) and words not in text]
        assert not missing, f"{stem}: clauses pandoc does not see: {missing}"


def _all_text(pandoc: dict) -> str:
    """Every inline of the document, blocks separated by spaces (tables and lists included)."""
    parts: list[str] = []

    def walk(node):
        if isinstance(node, list):
            for n in node:
                walk(n)
        elif isinstance(node, dict):
            kind = node.get("t")
            if kind == "Str":
                parts.append(node["c"])
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                parts.append(" ")
            elif kind in ("Para", "Plain", "Header"):
                parts.append(" ")
                walk(node.get("c"))
                parts.append(" ")
            else:
                walk(node.get("c"))

    walk(list(pandoc.get("meta", {}).values()))  # pandoc moves the Title and Subtitle paragraphs there
    walk(pandoc["blocks"])
    return "".join(parts)


def test_a_page_of_each_language_renders(converted, tmp_path):
    if not PDFTOPPM:
        pytest.skip("pdftoppm is not installed: apt-get install poppler-utils")
    docs, out = converted
    keep = os.environ.get("BALISES_PAGES_DIR")
    target = Path(keep) if keep else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    seen = set()
    for stem, (_, _, lang) in docs.items():
        if lang in seen:
            continue
        seen.add(lang)
        for page in (1, 3):  # the title page, and the first page of the body
            prefix = target / f"{stem}-p{page}"
            subprocess.run([PDFTOPPM, "-r", "60", "-f", str(page), "-l", str(page), "-png",
                            str(out / f"{stem}.pdf"), str(prefix)], check=True, capture_output=True, timeout=120)
            pngs = sorted(target.glob(f"{prefix.name}*.png"))
            assert pngs and pngs[0].stat().st_size > 2_000, (stem, page)
    assert seen


def test_footer_page_number_stands_apart_from_the_footer_text(converted):
    """The footer's page number sits at the right margin, never against the organisation's name (a short English
    footer once stopped at the Footer style's centre tab)."""
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        pytest.skip("pdftotext is not installed: apt-get install poppler-utils")
    docs, out = converted
    for stem, (_, document, _) in docs.items():
        text = subprocess.run([pdftotext, "-layout", "-f", "3", "-l", "3", str(out / f"{stem}.pdf"), "-"],
                              capture_output=True, text=True, timeout=60).stdout
        version = re.escape(document.meta.version)
        assert re.search(rf"version {version} {{8,}}Page 3 / \d+", text), (stem, text[-300:])
