"""`balises regenerate` and `balises diff`: a policy remade from its embedded answers, and what changed."""

import csv
import datetime as dt
import io
import json

import docx
from click.testing import CliRunner

from balises.cli.main import main
from balises.contract.profile import load_profile
from balises.packs.loader import load_pack
from balises.render.embedding import read_payload
from balises.services import generate as api
from balises.services.diff import CHANGES_CLAUSE, context_dependent_clauses, diff_documents
from balises.services.regenerate import regenerate

from .conftest import EXAMPLES

STUDIO = EXAMPLES / "animation-studio-france.yaml"


def _old_policy(tmp_path, name="old.docx"):
    path = tmp_path / name
    result = CliRunner().invoke(main, ["generate", str(STUDIO), "-o", str(path), "--as-of", "2026-07-01",
                                       "--lang", "fr"])
    assert result.exit_code == 0, result.output
    return path


def test_regenerate_after_ai_act_art50_reports_only_the_new_clauses(tmp_path):
    old = _old_policy(tmp_path)
    new = tmp_path / "new.docx"
    runner = CliRunner()
    result = runner.invoke(main, ["regenerate", str(old), "-o", str(new), "--as-of", "2026-08-02"])
    assert result.exit_code == 0, result.output
    assert "transparency.ai_act_art50" in result.output and "2026-08-02" in result.output

    result = runner.invoke(main, ["diff", str(old), str(new), "--json"])
    assert result.exit_code == 0, result.output
    changes = json.loads(result.output)["changes"]
    added = [c for c in changes if c["kind"] == "added"]
    assert "transparency.ai_act_art50_deepfakes" in {c["clause"] for c in added}
    assert all(c["clause"].startswith("transparency.ai_act_art50") or "eu-ai-act-art50" in c["reasons"][0]
               or "ai-act-art50" in c["reasons"][0] for c in added), added
    assert [c for c in changes if c["kind"] == "removed"] == []
    # nothing else changed: every other change is explained by a rule starting or ending on 2026-08-02, the
    # date AI Act art. 50 applies (the pack may put art. 50 duties in existing clauses too)
    for change in changes:
        if change["kind"] in ("added", "changed"):
            assert change["reasons"] and all("2026-08-02" in r for r in change["reasons"]), change
    # only what follows the trace (annex of references, why each clause) is updated in consequence
    dependent = context_dependent_clauses(load_pack())
    assert all(c["clause"] in dependent for c in changes if c["kind"] == "updated")

    payload = read_payload(new.read_bytes())
    assert payload["generated_on"] == "2026-08-02"
    assert payload["profile"] == read_payload(old.read_bytes())["profile"]
    text = "\n".join(p.text for p in docx.Document(str(new)).paragraphs)
    assert "Changements depuis la version précédente" in text


def test_regenerate_pure_function_and_no_change(tmp_path):
    profile = load_profile(STUDIO)
    old = api.generate(profile, load_pack(), lang="fr", as_of=dt.date(2026, 9, 1)).docx
    result = regenerate(old, as_of=dt.date(2026, 9, 1))
    assert result.diff.substantive == [] and result.diff.updated == []
    assert result.document.sections[0].clauses[0].id == CHANGES_CLAUSE
    # regenerating a regenerated policy ignores the changes block itself
    again = regenerate(result.docx, as_of=dt.date(2026, 9, 1))
    assert again.diff.changes == []
    assert diff_documents(old, result.docx).changes == []


def test_regenerate_refuses_a_foreign_document(tmp_path):
    other = tmp_path / "other.docx"
    document = docx.Document()
    document.add_paragraph("not ours")
    document.save(str(other))
    result = CliRunner().invoke(main, ["regenerate", str(other), "-o", str(tmp_path / "new.docx")])
    assert result.exit_code == 2 and "not produced by Balises" in result.output
    assert not (tmp_path / "new.docx").exists()


def test_regenerate_a_folder_of_member_policies(tmp_path):
    old_dir = tmp_path / "old"
    old_dir.mkdir()
    _old_policy(old_dir, "studio-a.docx")
    _old_policy(old_dir, "studio-b.docx")
    (old_dir / "broken.docx").write_bytes(b"not a zip")
    out = tmp_path / "new"
    result = CliRunner().invoke(main, ["regenerate", str(old_dir), "-o", str(out), "--as-of", "2026-08-02",
                                       "--jobs", "2"])
    assert result.exit_code == 1, result.output
    report = list(csv.DictReader(io.StringIO((out / "report.csv").read_text(encoding="utf-8"))))
    assert [r["row"] for r in report] == ["broken.docx", "studio-a.docx", "studio-b.docx"]
    assert report[0]["status"] == "error" and "Word" in report[0]["error"]
    for line in report[1:]:
        assert line["status"] == "ok" and line["file"] == line["row"]
        assert line["changes"].startswith("added transparency.ai_act_art50")
        assert (out / line["file"]).is_file()


# ---------------------------------------------------------------- update that keeps the organisation's edits

import shutil  # noqa: E402
import subprocess  # noqa: E402
import zipfile  # noqa: E402

import pytest  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from lxml import etree  # noqa: E402

from balises.render.docx.redline import resolved_texts  # noqa: E402
from balises.render.docx.units import key  # noqa: E402
from balises.services.update import update  # noqa: E402

from .docx_edits import add_after, find, open_docx, save, set_text, text_of  # noqa: E402

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
EDITED = "Le CSE et les délégués syndicaux est associée"
ADDED = "Les délégués syndicaux reçoivent chaque version de la politique quinze jours avant son adoption."


@pytest.fixture(scope="module")
def studio_july():
    profile = load_profile(STUDIO)
    return api.generate(profile, load_pack(), lang="fr", as_of=dt.date(2026, 7, 1)).docx


def _edit(old: bytes, conflict: bool = False) -> bytes:
    document = open_docx(old)
    p = find(document, "La représentation du personnel est associée")
    set_text(p, p.text.replace("La représentation du personnel est associée", EDITED, 1))
    add_after(p, ADDED)
    if conflict:
        set_text(find(document, "Un usage de l'IA en gestion du personnel"), "Un usage RH de l'IA passe par le CSE.")
    return save(document)


def _assert_edits_recognised(result):
    """Exactly the organisation's edits are recognised: nothing else reads as edited."""
    statuses = {c.clause: c.status for c in result.plan.clauses}
    assert statuses["work.social_dialogue"] == "kept_edit", statuses
    org_statuses = {c: s for c, s in statuses.items() if s not in ("same", "updated", "added", "removed")}
    assert org_statuses == {"work.social_dialogue": "kept_edit"}, org_statuses
    assert result.plan.org_paragraphs == 2
    document = open_docx(result.docx)
    p = find(document, EDITED)._p
    assert p.getnext() is find(document, ADDED)._p
    assert not [a for a in p.iterancestors() if a.tag in (qn("w:ins"), qn("w:del"))]


def test_update_keeps_edits_made_with_python_docx(studio_july):
    result = update(_edit(studio_july), as_of=dt.date(2026, 8, 2))
    _assert_edits_recognised(result)
    # opened and saved without a change: nothing reads as the organisation's
    untouched = update(save(open_docx(studio_july)), as_of=dt.date(2026, 8, 2))
    assert untouched.plan.org_paragraphs == 0
    assert {c.status for c in untouched.plan.clauses} <= {"same", "updated", "added", "removed"}


def _wordify(data: bytes) -> bytes:
    """The document as Word saves it: rsids on paragraphs and runs, each run split in two, proofing marks,
    w14:paraId, a _GoBack bookmark, lastRenderedPageBreak, and the custom XML part renamed (item3.xml)."""
    from docx.opc.packuri import PackURI

    document = open_docx(data)
    w14 = "http://schemas.microsoft.com/office/word/2010/wordml"
    body = document.element.body
    for n, p in enumerate(body.iter(qn("w:p"))):
        p.set(qn("w:rsidR"), "00A1%04X" % (n % 65535))
        p.set(qn("w:rsidRDefault"), "00B2C3D4")
        p.set(f"{{{w14}}}paraId", "1%07X" % n)
        for r in list(p.findall(qn("w:r"))):
            r.set(qn("w:rsidRPr"), "00C4D5E6")
            t = r.find(qn("w:t"))
            if t is None or not t.text or len(t.text) < 8:
                continue
            cut = len(t.text) // 2
            second = etree.fromstring(etree.tostring(r))
            second.set(qn("w:rsidR"), "00F0E1D2")
            second.find(qn("w:t")).text = t.text[cut:]
            second.find(qn("w:t")).set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.text = t.text[:cut]
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            r.addnext(second)
            start = etree.SubElement(p, qn("w:proofErr"))
            start.set(qn("w:type"), "spellStart")
            r.addnext(start)
            end = etree.SubElement(p, qn("w:proofErr"))
            end.set(qn("w:type"), "spellEnd")
            second.addnext(end)
        if n == 40:
            first_r = p.find(qn("w:r"))
            if first_r is not None:
                etree.SubElement(first_r, qn("w:lastRenderedPageBreak"))
                first_r.insert(0, first_r[-1])
    go_back = etree.Element(qn("w:bookmarkStart"))
    go_back.set(qn("w:id"), "0")
    go_back.set(qn("w:name"), "_GoBack")
    last_p = list(body.iter(qn("w:p")))[-1]
    last_p.append(go_back)
    end = etree.SubElement(last_p, qn("w:bookmarkEnd"))
    end.set(qn("w:id"), "0")
    for rel in document.part.rels.values():
        if not rel.is_external and rel.target_part.partname.startswith("/customXml/balises"):
            rel.target_part.partname = PackURI("/customXml/item3.xml")
    return save(document)


def test_update_keeps_edits_in_a_word_saved_document(studio_july):
    word = _wordify(_edit(studio_july))
    with zipfile.ZipFile(io.BytesIO(word)) as archive:
        assert "customXml/item3.xml" in archive.namelist()
        xml = archive.read("word/document.xml").decode()
    assert "w:proofErr" in xml and "w:rsidRPr" in xml and "_GoBack" in xml
    _assert_edits_recognised(update(word, as_of=dt.date(2026, 8, 2)))


@pytest.mark.slow
def test_update_keeps_edits_in_a_libreoffice_saved_document(studio_july, tmp_path):
    if not SOFFICE:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    (tmp_path / "adopted.docx").write_bytes(_edit(studio_july))
    out = tmp_path / "lo"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--norestore",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(tmp_path / "adopted.docx")],
                   capture_output=True, timeout=300)
    saved = (out / "adopted.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(saved)) as archive:  # LibreOffice renames the part: found by namespace
        assert "customXml/balises-policy.xml" not in archive.namelist()
    assert read_payload(saved)["profile"] == read_payload(studio_july)["profile"]
    _assert_edits_recognised(update(saved, as_of=dt.date(2026, 8, 2)))


def test_an_edit_to_the_title_page_is_kept_and_said(studio_july):
    document = open_docx(_edit(studio_july))
    set_text(find(document, "Studio Lumen Animation"), "Studio Lumen Animation SAS")
    result = update(save(document), as_of=dt.date(2026, 8, 2))
    assert [result.ours_texts[i] for i in result.plan.frame_kept] == ["Studio Lumen Animation SAS"]
    assert result.plan.replaced == []
    assert any("your change is kept" in line and "Lumen Animation SAS" in line for line in result.lines("en"))
    texts = [key(t) for t in resolved_texts(result.docx, accept=True)]
    assert "Studio Lumen Animation SAS" in texts and "Version : 2.0" in texts
    _assert_edits_recognised(result)


def test_update_command_writes_the_redline_and_refuses_bad_input(studio_july, tmp_path):
    adopted = tmp_path / "adopted.docx"
    adopted.write_bytes(_edit(studio_july, conflict=True))
    out = tmp_path / "new.docx"
    runner = CliRunner()
    result = runner.invoke(main, ["update", str(adopted), "-o", str(out), "--as-of", "2026-08-02", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[:result.output.rindex("}") + 1])
    assert data["version"] == "2.0" and data["material"] is True
    assert {"clause": "work.hr_uses", "status": "conflict"} in data["merge"]
    assert {c["class"] for c in data["changes"] if c["kind"] != "updated"} == {"obligation", "restriction_removed"}
    text = "\n".join(text_of(p) for p in open_docx(out.read_bytes()).paragraphs)
    assert "Ces changements sont de fond : la politique doit être adoptée à nouveau" in text
    assert "Historique des versions" in text
    # the version the user sets wins
    result = runner.invoke(main, ["update", str(adopted), "-o", str(tmp_path / "v.docx"), "--as-of",
                                  "2026-08-02", "--version", "2026-A"])
    assert result.exit_code == 0 and "version 2026-A" in result.output
    # bad input: exit 2 with a message naming the file
    other = tmp_path / "other.docx"
    document = docx.Document()
    document.add_paragraph("not ours")
    document.save(str(other))
    result = runner.invoke(main, ["update", str(other), "-o", str(tmp_path / "x.docx")])
    assert result.exit_code == 2 and "other.docx" in result.output and "not produced by Balises" in result.output
    result = runner.invoke(main, ["update", str(adopted), "-o", str(adopted)])
    assert result.exit_code == 2 and "another name" in result.output


def test_wording_only_update_moves_the_minor_version(tmp_path):
    # a pack that only rewords one clause: the same rules, another text
    pack_dir = tmp_path / "wording"
    (pack_dir / "policy_templates" / "fr").mkdir(parents=True)
    (pack_dir / "pack.yaml").write_text("name: wording\nversion: '1'\nextends: default\n", encoding="utf-8")
    (pack_dir / "policy_templates" / "fr" / "work.social_dialogue.md").write_text(
        "La représentation du personnel est associée à chaque décision sur l'IA (section 3).\n", encoding="utf-8")
    old = api.generate(load_profile(EXAMPLES / "theatre-quebec.yaml"), load_pack(), lang="fr",
                       as_of=dt.date(2026, 7, 1)).docx
    result = update(old, load_pack(str(pack_dir)), as_of=dt.date(2026, 7, 1))
    assert [c.clause for c in result.diff.changes if not c.versioning] == ["work.social_dialogue"]
    # and the text that says the version: "version 1.1, entre en vigueur le …"
    assert [c.clause for c in result.diff.changes if c.versioning] == ["review.entry_into_force"]
    assert not result.diff.material and result.version == "1.1"
    assert result.document.history[-1].summary == "rédaction seulement : 1"
    text = "\n".join(text_of(p) for p in open_docx(result.docx).paragraphs)
    assert "Changements de rédaction seulement : ni nouvelle adoption ni accusé de réception" in text


@pytest.mark.slow
def test_batch_update_of_twenty_edited_policies(studio_july, tmp_path):
    folder = tmp_path / "members"
    folder.mkdir()
    for i in range(20):
        document = open_docx(studio_july)
        p = find(document, "La représentation du personnel est associée")
        set_text(p, p.text.replace("La représentation du personnel", f"La représentation du personnel du membre {i}", 1))
        add_after(p, f"Paragraphe propre au membre {i}.")
        if i % 4 == 0:
            set_text(find(document, "Un usage de l'IA en gestion du personnel"), f"Règle RH du membre {i}.")
        (folder / f"membre-{i:02d}.docx").write_bytes(save(document))
    (folder / "broken.docx").write_bytes(b"not a zip")
    out = tmp_path / "updated"
    result = CliRunner().invoke(main, ["update", str(folder), "-o", str(out), "--as-of", "2026-08-02", "-j", "2"])
    assert result.exit_code == 1, result.output  # one file failed, the twenty others are done
    report = list(csv.DictReader(io.StringIO((out / "report.csv").read_text(encoding="utf-8"))))
    assert len(report) == 21 and report[0]["row"] == "broken.docx" and report[0]["status"] == "error"
    for line in report[1:]:
        i = int(line["row"][7:9])
        assert line["status"] == "ok" and line["version"] == "2.0" and line["material"] == "yes"
        assert line["obligation"] == "4" and line["restriction_removed"] == "1" and line["wording"] == "0"
        assert line["conflicts"] == ("1" if i % 4 == 0 else "0")
        assert ("work.hr_uses" in line["to_look_at"]) == (i % 4 == 0)
        # nothing lost: the member's own text is in its new policy, outside any revision
        document = open_docx((out / line["file"]).read_bytes())
        for start in (f"La représentation du personnel du membre {i}", f"Paragraphe propre au membre {i}."):
            p = find(document, start)._p
            assert not [a for a in p.iterancestors() if a.tag in (qn("w:ins"), qn("w:del"))]


# ---------------------------------------------------------------- acknowledgement sheet and review calendar

def test_acknowledgement_sheet_has_one_table_to_sign_per_staff_group():
    from balises.engine.compose import compose
    from balises.render.adoption import acknowledgement_document
    from balises.render.docx import render_docx

    pack = load_pack()
    theatre = compose(load_profile(EXAMPLES / "theatre-quebec.yaml"), pack, lang="fr", as_of=dt.date(2026, 7, 1))
    sheet = acknowledgement_document(theatre)
    assert [s.title for s in sheet.sections] == ["Personnel salarié",
                                                 "Pigistes et personnes travaillant à leur compte",
                                                 "Bénévoles", "Membres du conseil d'administration"]
    document = open_docx(render_docx(sheet, pack.reference_docx))
    assert len(document.tables) == 4
    for table in document.tables:
        assert [c.text for c in table.rows[0].cells] == ["Nom", "Fonction", "Date", "Signature"]
        assert len(table.rows) >= 9
    text = "\n".join(p.text for p in document.paragraphs)
    assert "intelligence artificielle du Théâtre de la Grande Marée (version 1.0, en vigueur le 1er février 2027)" in text
    # an organisation without freelancers or volunteers has no sheet for them
    studio = compose(load_profile(STUDIO), pack, lang="en", as_of=dt.date(2026, 7, 1))
    # a company the management approves has no board to sign: the model's roles
    assert [s.title for s in acknowledgement_document(studio).sections] == ["Employees", "Freelancers and contractors"]


def test_review_calendar_has_the_review_and_the_legal_dates_after_the_effective_date():
    from icalendar import Calendar

    from balises.engine.compose import compose
    from balises.render.adoption import review_calendar, watched_dates

    profile = load_profile(STUDIO)
    profile.policy.effective_date = dt.date(2026, 6, 1)
    policy = compose(profile, load_pack(), lang="fr", as_of=dt.date(2026, 8, 2))
    # a past effective date is never written: the model moves it to the earliest lawful date (France, 80
    # employees: the internal rules' two months and a fortnight), and the calendar has the same date as every
    # document
    assert policy.meta.effective_date == dt.date(2026, 10, 17)
    events = {str(e.get("summary")): e for e in Calendar.from_ical(review_calendar(policy)).walk("VEVENT")}
    effective = next(e for s, e in events.items() if s.startswith("Entrée en vigueur de la politique IA"))
    assert effective.decoded("dtstart") == dt.date(2026, 10, 17)
    review = next(e for s, e in events.items() if s.startswith("Révision de la politique IA"))
    assert review.decoded("dtstart") == dt.date(2027, 10, 17)
    # a policy adopted before a law it cites applies: the calendar watches that law's date
    adopted = policy.model_copy(update={"meta": policy.meta.model_copy(update={"effective_date": dt.date(2026, 6, 1)})})
    legal = {day for day, _, _ in watched_dates(adopted)}
    assert dt.date(2026, 8, 2) in legal and all(d > dt.date(2026, 6, 1) for d in legal)
    events = {str(e.get("summary")): e for e in Calendar.from_ical(review_calendar(adopted)).walk("VEVENT")}
    art50 = [s for s, e in events.items() if e.decoded("dtstart") == dt.date(2026, 8, 2)]
    assert any("2024/1689" in s for s in art50)
    # stable: the same policy gives the same file (a newer import updates the events)
    assert review_calendar(policy) == review_calendar(policy)
