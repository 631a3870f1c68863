"""`balises check`: every document of a kit read back (visible text and embedded data) and compared with the
decision model recomputed from the answers it embeds. A kit as generated says what the model says, in every
document; an edit that changes a statement (a verdict in the policy, a condition in the register's spreadsheet,
a tool's status in the aide-mémoire) is found and named, with the document and the place."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

from balises.contract.profile import parse_profile
from balises.safeyaml import load_data_file
from balises.services.check import check_path
from balises.services.kit import build_kit, write_kit

from .conftest import EXAMPLES

AS_OF = dt.date(2026, 12, 1)
EXAMPLE_PATHS = sorted(EXAMPLES.glob("*.yaml"))


def _build(pack, out, name: str):
    write_kit(build_kit(parse_profile(load_data_file(EXAMPLES / f"{name}.yaml"), name), pack, AS_OF, pdf=False), out)
    return out


@pytest.fixture(scope="module")
def theatre_kit(pack, tmp_path_factory):
    return _build(pack, tmp_path_factory.mktemp("kit") / "theatre-quebec", "theatre-quebec")


def _kit(pack, tmp_path, name: str = "theatre-quebec", made=None):
    """A kit of its own for a test to edit: a copy of the module's theatre kit, or a new one."""
    out = tmp_path / name
    if made is not None:
        shutil.copytree(made, out)
        return out
    return _build(pack, out, name)


class _Done:
    def __init__(self, result):
        self.returncode = result.exit_code
        self.stdout = result.stdout
        self.stderr = result.stderr


def _cli(*args):
    """The command line in this process (click's runner: the same code path, without a new interpreter)."""
    from click.testing import CliRunner

    from balises.cli.main import main

    return _Done(CliRunner().invoke(main, list(args), catch_exceptions=False))


@pytest.mark.parametrize("path", EXAMPLE_PATHS, ids=[p.stem for p in EXAMPLE_PATHS])
def test_every_example_kit_says_what_the_model_says(path, pack, tmp_path):
    out = _kit(pack, tmp_path, path.stem)
    report = check_path(out, pack)
    assert not report.differences, "\n".join(report.lines())
    assert report.statements > 50
    # every document of the kit was read: Word files, the register's spreadsheets, the calendars
    assert sorted(report.documents) == sorted(p.name for p in out.iterdir())


def _bookmarked_runs(document, key_of):
    """(key, run) of every run inside a statement bookmark of a python-docx document."""
    names = {}
    body = document.element.body
    opened: dict[str, str] = {}
    found = []
    for el in body.iter(qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:r")):
        if el.tag == qn("w:bookmarkStart") and (el.get(qn("w:name")) or "").startswith("_BalS_"):
            opened[el.get(qn("w:id"))] = el.get(qn("w:name"))
        elif el.tag == qn("w:bookmarkEnd"):
            opened.pop(el.get(qn("w:id")), None)
        elif el.tag == qn("w:r") and opened:
            for name in opened.values():
                found.append((key_of(name), el))
    del names
    return found


def _keys(path):
    from balises.render.embedding import read_payload

    payload = read_payload(path.read_bytes())
    by_name = {f"_BalS_{s['n']}": s["key"] for s in payload["statements"]}
    return lambda name: by_name.get(name, "")


def _replace_statement(path, key_start: str, new_text: str) -> str:
    """Write ``new_text`` in place of the first statement whose key starts with ``key_start`` (as a person
    editing the document in Word would), keeping the bookmark; returns what it said."""
    document = docx.Document(str(path))
    for key, run in _bookmarked_runs(document, _keys(path)):
        if key.startswith(key_start):
            t = run.find(qn("w:t"))
            if t is not None and t.text and t.text.strip():
                old = t.text
                t.text = new_text
                document.save(str(path))
                return old
    raise AssertionError(f"no statement {key_start} in {path.name}")


def test_a_verdict_flipped_in_the_policy_is_found_and_named(pack, tmp_path, theatre_kit):
    out = _kit(pack, tmp_path, made=theatre_kit)
    old = _replace_statement(out / "politique-ia.fr.docx", "use.translation.verdict", "Interdit")
    report = check_path(out, pack)
    [d] = [d for d in report.differences if d.key == "use.translation.verdict"]
    assert d.document == "politique-ia.fr.docx" and d.says == "Interdit" and d.model == old
    assert "Traduction" in d.place  # the row of the table of uses
    # the other documents still say the model's answer: named as contradicted
    assert "ai-policy.en.docx" in d.others and "registre-des-outils.fr.docx" not in d.others
    assert len(report.differences) == 1, "\n".join(report.lines())


def test_a_condition_removed_from_the_register_spreadsheet_is_found(pack, tmp_path, theatre_kit):
    out = _kit(pack, tmp_path, made=theatre_kit)
    path = out / "registre-des-outils.fr.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["Usages"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "Traduction")
    was = row[header.index("Conditions")].value
    assert was and was != "—"
    row[header.index("Conditions")].value = "—"
    book.save(path)
    report = check_path(out, pack)
    [d] = report.differences
    assert d.document == "registre-des-outils.fr.xlsx" and d.says == "—" and d.model == was
    assert "Traduction" in d.place and "Conditions" in d.place


def test_a_column_removed_from_the_register_spreadsheet_is_found(pack, tmp_path, theatre_kit):
    out = _kit(pack, tmp_path, made=theatre_kit)
    path = out / "tool-register.en.xlsx"
    book = openpyxl.load_workbook(path)
    book["Tools"].delete_cols(7)  # the first class of information
    book.save(path)
    report = check_path(out, pack)
    assert any(d.document == "tool-register.en.xlsx" and d.kind == "missing" for d in report.differences)


def test_a_tool_status_changed_in_the_aide_memoire_is_found(pack, tmp_path, theatre_kit):
    out = _kit(pack, tmp_path, made=theatre_kit)
    _replace_statement(out / "aide-memoire.fr.docx", "tool.0.standing", "approuvé")
    report = check_path(out, pack)
    [d] = report.differences
    assert d.document == "aide-memoire.fr.docx" and d.key == "tool.0.standing" and d.says == "approuvé"
    assert d.model.lower() == "en évaluation"
    assert "politique-ia.fr.docx" in d.others and "registre-des-outils.fr.docx" in d.others


def test_a_date_changed_in_the_acknowledgement_and_a_calendar_event_moved_are_found(pack, tmp_path, theatre_kit):
    out = _kit(pack, tmp_path, made=theatre_kit)
    _replace_statement(out / "accuse-de-reception.fr.docx", "date.effective", "1er janvier 2030")
    ics = out / "calendrier-de-revision.ics"
    ics.write_bytes(ics.read_bytes().replace(b"DTSTART;VALUE=DATE:2027", b"DTSTART;VALUE=DATE:2031", 1))
    report = check_path(out, pack)
    assert {d.document for d in report.differences} == {"accuse-de-reception.fr.docx", "calendrier-de-revision.ics"}


def test_a_statement_deleted_from_a_document_is_missing(pack, tmp_path):
    """The aide-mémoire must answer for every use: a deleted answer is a difference, not a silence."""
    out = _kit(pack, tmp_path)
    path = out / "aide-memoire.fr.docx"
    document = docx.Document(str(path))
    keys = _keys(path)
    for key, run in _bookmarked_runs(document, keys):
        if "use.translation.today" in key:
            paragraph = run.getparent()
            paragraph.getparent().remove(paragraph)
            break
    document.save(str(path))
    report = check_path(out, pack)
    assert any(d.kind == "missing" and d.key == "use.translation.today" and d.document == path.name
               for d in report.differences), "\n".join(report.lines())


def test_an_adopted_policy_edited_alone_names_what_it_now_contradicts(pack, tmp_path, theatre_kit):
    out = _kit(pack, tmp_path, made=theatre_kit)
    policy = out / "politique-ia.fr.docx"
    _replace_statement(policy, "use.translation.verdict", "Interdit")
    done = _cli("check", str(policy))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "politique-ia.fr.docx" in done.stdout and "Interdit" in done.stdout
    assert "staff summary" in done.stdout or "aide-mémoire" in done.stdout


def test_check_exit_codes(pack, tmp_path, theatre_kit):
    out = _kit(pack, tmp_path, made=theatre_kit)
    ok = _cli("check", str(out))
    assert ok.returncode == 0 and "No difference" in ok.stdout, ok.stdout + ok.stderr
    missing = _cli("check", str(tmp_path / "nothing-here"))
    assert missing.returncode == 2 and "nothing-here" in missing.stderr and "Traceback" not in missing.stderr
    not_ours = tmp_path / "other.docx"
    document = docx.Document()
    document.add_paragraph("Une politique écrite à la main.")
    document.save(str(not_ours))
    refused = _cli("check", str(not_ours))
    assert refused.returncode == 2 and "other.docx" in refused.stderr
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    bad = _cli("check", str(broken))
    assert bad.returncode == 2 and "broken.docx" in bad.stderr and "Traceback" not in bad.stderr


def test_a_kit_generated_by_the_cli_passes_its_check(tmp_path):
    """`balises check` is part of `generate --kit`: what the command writes, the check accepts."""
    out = tmp_path / "kit"
    done = _cli("generate", str(EXAMPLES / "animation-studio-france.yaml"), "--kit", "--no-pdf", "-o", str(out),
                "--as-of", "2026-12-01")
    assert done.returncode == 0, done.stderr
    checked = _cli("check", str(out))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "18 document(s)" in checked.stdout


def test_statement_markers_cannot_be_forged_through_an_answer(pack):
    """The private-use characters that mark statements are refused in every answer."""
    data = load_data_file(EXAMPLES / "theatre-quebec.yaml")
    data["organisation"]["name"] = "Théâtre \ue000use.translation.verdict\ue001Interdit\ue002"
    with pytest.raises(Exception, match="organisation.name"):
        parse_profile(data, "x")


@pytest.mark.slow
def test_a_kit_saved_again_by_libreoffice_still_checks(pack, tmp_path, theatre_kit):
    """Word and LibreOffice keep the hidden bookmarks and the embedded data: a kit opened and saved again in
    LibreOffice still says what the model says."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.skip("LibreOffice is not installed")
    out = _kit(pack, tmp_path, made=theatre_kit)
    saved = tmp_path / "saved"
    names = [p.name for p in out.iterdir() if p.suffix == ".docx"]
    subprocess.run([exe, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--convert-to",
                    "docx:MS Word 2007 XML", "--outdir", str(saved), *[str(out / n) for n in names]],
                   capture_output=True, timeout=300, check=False, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    for p in out.iterdir():
        if p.suffix != ".docx":
            shutil.copy(p, saved / p.name)
    report = check_path(saved, pack)
    assert len(report.documents) == len(list(out.iterdir()))
    assert not report.differences, "\n".join(report.lines())


def _questions(path) -> list[str]:
    return [p.text for p in docx.Document(path).paragraphs if "?" in p.text]


@pytest.mark.parametrize("path", EXAMPLE_PATHS, ids=[p.stem for p in EXAMPLE_PATHS])
def test_the_french_and_english_aide_memoires_answer_each_question_alike(path, pack, tmp_path):
    """Review M-20: the museum's French sheet sent the Copilot question to the policy while the English one
    named the check to do, as "to be done first — first: …". Each answer must point to the same place
    (the same section of the policy, the same decisions of the plan) in both languages."""
    import re

    kit = _build(pack, tmp_path / path.stem, path.stem)
    if not (kit / "staff-summary.en.docx").exists():
        pytest.skip(f"{path.stem} writes one language")
    fr, en = _questions(kit / "aide-memoire.fr.docx"), _questions(kit / "staff-summary.en.docx")
    assert len(fr) == len(en) > 3, f"{path.stem}: {len(fr)} questions in French, {len(en)} in English"
    for a, b in zip(fr, en):
        assert re.findall(r"section (\d+)", a) == re.findall(r"section (\d+)", b), f"{path.stem}: {a!r} / {b!r}"
        assert re.findall(r"décisions? ([\d, et]+)\)", a) == re.findall(r"decisions? ([\d, and]+)\)", b) \
            or [x.replace(" et ", " and ") for x in re.findall(r"décisions? ([\d, et]+)\)", a)] == \
            re.findall(r"decisions? ([\d, and]+)\)", b), f"{path.stem}: {a!r} / {b!r}"
        assert "— first:" not in b and "— d'abord :" not in a, f"{path.stem}: {a!r} / {b!r}"
