"""The kit (`balises generate PROFILE --kit -o DIR`): every document, in every language, predictable names;
the tool register as a spreadsheet; PDFs within the page budgets when LibreOffice is installed."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import sys

import openpyxl
import pytest

from balises.contract.profile import parse_profile
from balises.engine.compose import LENGTHS
from balises.safeyaml import load_data_file
from balises.services.kit import ACK_NAMES, CALENDAR_NAMES, DOCUMENTS, build_kit, file_name

from .conftest import EXAMPLES

AS_OF = dt.date(2026, 12, 1)
PAGES = {"concise": 6, "standard": 12, "complete": 24}
HAS_PDF = bool(shutil.which("soffice") and shutil.which("pdfinfo") and shutil.which("pdftotext"))


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "balises", *args], capture_output=True, text=True, cwd=cwd)


def test_kit_writes_every_document_in_every_language(tmp_path):
    out = tmp_path / "kit"
    done = _cli("generate", str(EXAMPLES / "theatre-quebec.yaml"), "--kit", "--no-pdf", "-o", str(out),
                "--as-of", "2026-12-01")
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in out.iterdir())
    expected = sorted([file_name(ed, lang) for ed, _, _ in DOCUMENTS for lang in ("fr", "en")]
                      + [file_name("tool_register", lang, ".xlsx") for lang in ("fr", "en")]
                      + [ACK_NAMES["fr"], ACK_NAMES["en"], CALENDAR_NAMES["fr"], CALENDAR_NAMES["en"]])
    assert names == expected
    assert "politique-ia.fr.docx" in names and "ai-policy.en.docx" in names


def test_kit_into_a_file_is_refused_with_exit_2(tmp_path):
    target = tmp_path / "a-file"
    target.write_text("x")
    done = _cli("generate", str(EXAMPLES / "theatre-quebec.yaml"), "--kit", "--no-pdf", "-o", str(target))
    assert done.returncode == 2
    assert "a-file" in done.stderr and "Traceback" not in done.stderr
    assert target.read_text() == "x"


def test_the_register_spreadsheet_lists_each_tool_and_keeps_a_formula_as_text(pack):
    data = load_data_file(EXAMPLES / "theatre-quebec.yaml")
    data["tools"].append({"name": "=HYPERLINK(\"http://x\")", "hosting": "eu", "account": "business",
                          "status": "approved", "uses": ["translation"]})
    profile = parse_profile(data, "x")
    kit = build_kit(profile, pack, AS_OF, pdf=False)
    book = openpyxl.load_workbook(io.BytesIO(kit.files["registre-des-outils.fr.xlsx"]))
    tools = book.worksheets[0]
    names = [row[0].value for row in tools.iter_rows(min_row=2)]
    assert names[:3] == ["ChatGPT", "DeepL Pro", "Microsoft 365 Copilot"]
    assert names[3] == "'=HYPERLINK(\"http://x\")"
    assert all(cell.data_type == "s" for row in tools.iter_rows() for cell in row if cell.value)
    uses = book.worksheets[1]
    assert [r[0].value for r in uses.iter_rows(min_row=2)][0] == "Rédaction de demandes de subvention"


def test_without_libreoffice_the_kit_says_how_to_get_pdfs(pack, monkeypatch):
    import balises.services.kit as kit_module

    monkeypatch.setattr(kit_module, "soffice", lambda: None)
    profile = parse_profile(load_data_file(EXAMPLES / "festival-ontario.yaml"), "x")
    kit = build_kit(profile, pack, AS_OF, pdf=True, lang_ui="en")
    assert not any(n.endswith(".pdf") for n in kit.files)
    assert any("LibreOffice" in n and "Export as PDF" in n for n in kit.notes)


def _pages(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "x.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))


@pytest.fixture(scope="module")
def plain_pdfs(pack):
    """(example, length) -> the PDFs of its policy and aide-mémoire, for each length whose kit has no contents
    list to number: build_kit's PDFs are then LibreOffice's conversion of the kit's Word files, made here in
    one LibreOffice run for every example instead of one run per kit. A length with a contents list is left
    out: its kit is built with its PDFs by build_kit itself (the page numbers written in, then converted again)."""
    from balises.services.kit import to_pdf

    docx, where = {}, {}
    for path in sorted(EXAMPLES.glob("*.yaml")):
        profile = parse_profile(load_data_file(path), path.name)
        for length in LENGTHS:
            kit = build_kit(profile, pack, AS_OF, length=length, pdf=False)
            if any(doc.meta.toc for doc in kit.documents.values()):
                continue
            for lang in profile.policy.languages:
                for edition in ("full", "staff_summary"):
                    key = f"{path.stem}.{length}.{file_name(edition, lang)}"
                    docx[key] = kit.files[file_name(edition, lang)]
                    where[key] = (path.stem, length, file_name(edition, lang, ".pdf"))
    converted = to_pdf(docx) if docx else {}
    pdfs: dict[tuple[str, str], dict[str, bytes]] = {}
    for key, (stem, length, name) in where.items():
        pdfs.setdefault((stem, length), {})[name] = converted[key.removesuffix(".docx") + ".pdf"]
    return pdfs


@pytest.mark.slow
@pytest.mark.skipif(not HAS_PDF, reason="LibreOffice and Poppler not installed (scripts/test.sh installs them)")
@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_pdf_pages_within_budget_and_a_one_page_aide_memoire(path, pack, plain_pdfs, tmp_path):
    profile = parse_profile(load_data_file(path), path.name)
    for length in LENGTHS:
        files = plain_pdfs.get((path.stem, length))
        if files is None:  # a kit that numbers its contents: its PDFs as build_kit makes them
            files = build_kit(profile, pack, AS_OF, length=length, pdf=True).files
        for lang in profile.policy.languages:
            policy = _pages(files[file_name("full", lang, ".pdf")], tmp_path)
            assert policy <= PAGES[length], f"{path.stem} [{lang}, {length}]: {policy} pages"
            summary = _pages(files[file_name("staff_summary", lang, ".pdf")], tmp_path)
            assert summary == 1, f"{path.stem} [{lang}]: the aide-mémoire takes {summary} pages"
        if length != "complete":
            continue
        for lang in profile.policy.languages:  # the contents list shows its page numbers in the PDF
            pdf = tmp_path / "c.pdf"
            pdf.write_bytes(files[file_name("full", lang, ".pdf")])
            text = subprocess.run(["pdftotext", "-l", "3", str(pdf), "-"], capture_output=True, text=True).stdout
            assert re.search(r"\.{5,}\s*\d+\s*$", text, re.MULTILINE), f"{path.stem} [{lang}]: no page numbers"
