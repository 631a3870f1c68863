"""The Word file: structure a reader and Word's navigation pane rely on, embedded answers, LibreOffice."""

import io
import shutil
import subprocess
import zipfile

import docx
import pytest

from balises.contract.paths import merge
from balises.contract.profile import parse_profile
from balises.errors import InputFileError, ProfileError
from balises.render.embedding import read_payload
from balises.services.generate import generate

from .conftest import AS_OF

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def theatre(example_data, pack):
    profile = parse_profile(example_data["theatre-quebec"])
    return profile, generate(profile, pack, lang="fr", as_of=AS_OF)


def test_reopens_with_headings_in_outline_order(theatre, pack):
    _, result = theatre
    document = docx.Document(io.BytesIO(result.docx))
    h1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    body = [s for s in pack.sections if s.kind == "body"]
    assert len(body) == 11
    # the policy to adopt: its numbered sections only (the companion documents are files of their own)
    assert h1 == [s.title_for("fr", "fr-CA") for s in body]
    assert not any(h.startswith("Annexe") for h in h1)
    assert any(p.style.name == "Heading 2" for p in document.paragraphs)
    assert document.paragraphs[0].style.name == "Title"


def test_heading_numbering_toc_and_page_fields(theatre, pack):
    profile, standard = theatre
    with zipfile.ZipFile(io.BytesIO(standard.docx)) as z:
        assert "TOC \\o" not in z.read("word/document.xml").decode()  # a standard policy has no contents list
    result = generate(profile, pack, lang="fr", as_of=AS_OF, length="complete")
    with zipfile.ZipFile(io.BytesIO(result.docx)) as z:
        body = z.read("word/document.xml").decode()
        styles = z.read("word/styles.xml").decode()
        footers = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
        numbering = z.read("word/numbering.xml").decode()
    assert "TOC \\o" in body and 'w:docPartGallery w:val="Table of Contents"' in body
    assert " PAGE " in footers and " NUMPAGES " in footers
    assert "Théâtre de la Grande Marée · Politique IA · version 1.0" in footers
    assert 'w:pStyle w:val="Heading1"' in numbering  # headings are numbered by the style's list
    assert 'w:val="fr-CA"' in styles


def test_document_properties(theatre):
    _, result = theatre
    props = docx.Document(io.BytesIO(result.docx)).core_properties
    assert props.title == "Politique d'utilisation de l'intelligence artificielle"
    assert props.author == "Théâtre de la Grande Marée"
    assert props.language == "fr-CA"


def test_embedded_profile_round_trips(theatre):
    profile, result = theatre
    payload = read_payload(result.docx)
    assert parse_profile(payload["profile"]) == profile
    assert payload["pack"]["name"] == "balises-default"
    assert payload["generated_on"] == AS_OF.isoformat()
    assert [c["clause"] for c in payload["clauses"]] == result.document.clause_ids()


def test_a_foreign_docx_is_not_taken_for_a_policy(tmp_path):
    buf = io.BytesIO()
    docx.Document().save(buf)
    with pytest.raises(InputFileError, match="not produced by Balises"):
        read_payload(buf.getvalue())
    with pytest.raises(InputFileError, match="not a Word document"):
        read_payload(b"plain text")


@pytest.mark.parametrize("name", [
    "Compagnie \x01\x02 du Soleil",        # control characters
    "Ω" * 5000,                             # far too long
])
def test_hostile_names_are_refused_clearly(example_data, name):
    data = merge(example_data["theatre-quebec"], {"organisation": {"name": name}})
    with pytest.raises(ProfileError) as info:
        parse_profile(data)
    assert "organisation.name" in info.value.message("en")


@pytest.mark.parametrize("name", [
    "Théâtre 🎭 des Étoiles ✨",             # emoji
    "مسرح الأمل – Théâtre de l'Espoir",     # right-to-left script
    "*Star* [x](https://evil.example) <b>", # markup
    "Les Productions « L'Aube » & Cie",
])
def test_unusual_names_give_a_clean_document(example_data, pack, name):
    data = merge(example_data["theatre-quebec"], {"organisation": {"name": name}})
    result = generate(parse_profile(data), pack, lang="fr", as_of=AS_OF)
    document = docx.Document(io.BytesIO(result.docx))
    assert document.paragraphs[1].text == name
    text = "\n".join(p.text for p in document.paragraphs)
    assert "evil.example" not in "".join(r.target_ref for r in document.part.rels.values() if r.is_external)
    assert name in text


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_every_example(example_data, pack, tmp_path):
    for stem, data in example_data.items():
        profile = parse_profile(data)
        for lang in profile.policy.languages:
            path = tmp_path / f"{stem}-{lang}.docx"
            path.write_bytes(generate(profile, pack, lang=lang, as_of=AS_OF).docx)
    run = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), *sorted(str(p) for p in tmp_path.glob("*.docx"))],
        capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    for path in tmp_path.glob("*.docx"):
        pdf = path.with_suffix(".pdf")
        assert pdf.exists() and pdf.stat().st_size > 20_000, f"{pdf.name} missing or empty"
        assert pdf.read_bytes().startswith(b"%PDF")
