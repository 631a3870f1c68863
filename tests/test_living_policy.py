"""The living policy keeps the whole document (issue 22): an adopted policy edited the way people edit it
(tests/policy_life.py: Word-like edits with python-docx; LibreOffice macro edits and round trips, slow),
updated across a law date, with a new pack version and with changed answers. For each: the edit kept (or
flagged as a conflict, or reinstated) as the table says; Reject All gives back the adopted text, Accept
All has no paragraph twice outside a marked conflict; numbering, comments, notes, styles, headers and
footers kept; the version and its dates said. Then conflicts that stay visible until settled, adoption
records, changed answers, a policy that lost its embedded data, a dry run, a no-change update, two cycles."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner
from docx.oxml.ns import qn

from balises.cli.main import main
from balises.contract.profile import load_profile, parse_profile
from balises.packs.loader import load_pack
from balises.render.docx import docx_of
from balises.render.docx.redline import open_conflicts, resolve
from balises.render.embedding import read_payload
from balises.services import generate as api
from balises.services.update import check, update

from . import docx_edits as ed
from . import libreoffice as lo
from . import policy_life as pl
from .conftest import EXAMPLES

STUDIO = EXAMPLES / "animation-studio-france.yaml"
REWORDED = Path(__file__).parent / "fixtures" / "packs" / "reworded"
UPDATES = ("law date", "pack change", "answer change")
# what each update does with an edit, where it is not simply kept: the passages it changes too
EXPECTED = {
    ("reword_changed", "law date"): pl.CONFLICT, ("reword_changed", "pack change"): pl.CONFLICT,
    ("delete_required", "law date"): pl.REINSTATED,
    ("pending_insert", "pack change"): pl.CONFLICT,
    ("pending_changed", "law date"): pl.CONFLICT,
    ("table", "answer change"): pl.CONFLICT,
    ("lo_pending_insert", "pack change"): pl.CONFLICT,
    ("lo_reword_changed", "law date"): pl.CONFLICT, ("lo_reword_changed", "pack change"): pl.CONFLICT,
}


def approved_midjourney() -> dict:
    data = yaml.safe_load(STUDIO.read_text(encoding="utf-8"))
    next(t for t in data["tools"] if t["name"] == "Midjourney").update(status="approved", account="business")
    return data


@pytest.fixture(scope="module")
def adopted() -> bytes:
    return api.generate(load_profile(STUDIO), load_pack(), lang="fr", as_of=pl.ADOPTED_ON).docx


@pytest.fixture(scope="module")
def updates():
    pack, reworded = load_pack(), load_pack(str(REWORDED))
    answers = parse_profile(approved_midjourney(), "answers")
    return {"law date": lambda data: update(data, pack, as_of=pl.LAW_DATE),
            "pack change": lambda data: update(data, reworded, as_of=pl.ADOPTED_ON),
            "answer change": lambda data: update(data, pack, as_of=pl.ADOPTED_ON, answers=answers)}, \
        {"law date": pack, "pack change": reworded, "answer change": pack}


def _check_through_every_update(edit: pl.Edit, data: bytes, updates) -> None:
    run, packs = updates
    for name in UPDATES:
        result = run[name](data)
        look = pl.Look(data, result.docx, result.lines("en"))
        assert edit.look(look) == EXPECTED.get((edit.id, name), pl.KEPT), (edit.id, name)
        new_text = docx_of(result.document, packs[name])
        assert pl.problems(data, result.docx, new_text, result.version) == [], (edit.id, name)


@pytest.mark.parametrize("edit", pl.WORD_EDITS, ids=[e.id for e in pl.WORD_EDITS])
def test_each_word_edit_goes_through_a_law_date_a_pack_change_and_an_answer_change(edit, adopted, updates):
    _check_through_every_update(edit, pl.edited(adopted, edit), updates)


# ---------------------------------------------------------------- conflicts that stay visible until settled

def _conflicted(adopted: bytes):
    document = ed.open_docx(adopted)
    ed.set_text(ed.find(document, "Un usage de l'IA en gestion du personnel"), pl.T_HR)
    return update(ed.save(document), as_of=pl.LAW_DATE)


def _without_comments(data: bytes) -> bytes:
    """A copy without its comments (headless LibreOffice aborts on a document with comments)."""
    document = ed.open_docx(data)
    body = document.element.body
    for el in list(body.iter(qn("w:commentRangeStart"), qn("w:commentRangeEnd"))):
        el.getparent().remove(el)
    for ref in list(body.iter(qn("w:commentReference"))):
        ref.getparent().getparent().remove(ref.getparent())
    return ed.save(document)


def _accept_all(data: bytes) -> bytes:
    """Review › Accept All, as Word does it: the body, headers and footers."""
    document = docx.Document(io.BytesIO(data))
    resolve(document.element.body, accept=True)
    for rel in document.part.rels.values():
        if rel.reltype.endswith(("/header", "/footer")):
            resolve(rel.target_part.element, accept=True)
    return ed.save(document)


def test_a_conflict_is_a_comment_and_a_highlight_that_accept_all_keeps(adopted):
    result = _conflicted(adopted)
    accepted = _accept_all(result.docx)
    view = pl.View(accepted, None)
    ours, theirs = view.find(pl.T_HR), view.find("Un usage de l'IA en gestion du personnel n'est mis en place")
    assert ours is not None and theirs is not None  # both versions, side by side…
    for p in (ours, theirs):  # …highlighted…
        assert p.find(".//" + qn("w:highlight")) is not None
    # …under the conflict's comment, that the next update and --check recognise
    assert [c for c in pl.comments(accepted) if c[1].startswith("Balises — conflit")][0][2]
    assert len(open_conflicts(accepted)) == 1
    assert check(accepted).conflicts[0][0] == "work.hr_uses"
    again = update(accepted, as_of=dt.date(2026, 9, 1))
    assert again.carried.open_conflicts == ["work.hr_uses"]
    assert any("still to settle" in line and "work.hr_uses" in line for line in again.lines("en"))
    # Reject All takes the proposal and its highlight away: the organisation's text, as adopted
    rejected = pl.View(result.docx, False)
    assert rejected.find(pl.T_HR) is not None and rejected.find(pl.T_HR).find(".//" + qn("w:highlight")) is None
    assert rejected.find("Un usage de l'IA en gestion du personnel n'est mis en place") is None


def test_a_conflict_settled_by_deleting_its_comment_is_no_longer_flagged(adopted):
    accepted = ed.open_docx(_without_comments(_accept_all(_conflicted(adopted).docx)))
    ed.delete(ed.find(accepted, pl.T_HR))  # the board kept Balises' version
    settled = ed.save(accepted)
    assert check(settled).conflicts == []
    assert update(settled, as_of=dt.date(2026, 9, 1)).carried.open_conflicts == []


def test_update_check_lists_the_conflicts_still_to_settle(adopted, tmp_path):
    path = tmp_path / "v2.docx"
    path.write_bytes(_conflicted(adopted).docx)
    result = CliRunner().invoke(main, ["update", str(path), "--check"])
    assert result.exit_code == 1, result.output
    assert "CONFLICT to settle (work.hr_uses)" in result.output and "Votre version" in result.output
    clean = tmp_path / "v1.docx"
    clean.write_bytes(adopted)
    result = CliRunner().invoke(main, ["update", str(clean), "--check"])
    assert result.exit_code == 0 and "No conflict to settle." in result.output


# ---------------------------------------------------------------- versions as adoption records

def test_the_new_version_and_its_dates_are_in_the_text_the_title_page_the_properties_and_the_history(adopted):
    result = update(adopted, as_of=pl.LAW_DATE, effective=dt.date(2027, 4, 15))
    view = pl.View(result.docx, True)
    assert view.has("La présente politique, version 2.0, entre en vigueur le 15 avril 2027.")
    assert view.has("Version : 2.0") and view.has("En vigueur le : 15 avril 2027")
    properties = docx.Document(io.BytesIO(result.docx)).core_properties
    assert properties.version == "2.0" and properties.content_status == "Version 2.0 à adopter"
    history = [(h.version, h.effective, h.adopted_by) for h in result.document.history]
    assert history == [("1.0", dt.date(2027, 3, 1), "Direction générale, après consultation du CSE"),
                       ("2.0", dt.date(2027, 4, 15), "à adopter (Direction générale, après consultation du CSE)")]
    # rejecting every revision gives the adopted version back, its dates included
    rejected = pl.View(result.docx, False)
    assert rejected.has("La présente politique, version 1.0, entre en vigueur le 1er mars 2027.")
    assert rejected.has("Version : 1.0")


def test_recording_the_adoption_of_a_version_writes_it_everywhere(adopted):
    v2 = update(adopted, as_of=pl.LAW_DATE, effective=dt.date(2027, 1, 15))
    adopted_v2 = _accept_all(v2.docx)
    record = update(adopted_v2, as_of=pl.LAW_DATE, adopted_on=dt.date(2027, 1, 10),
                    adopted_by="Conseil d'administration")
    assert record.version == "2.0" and not record.unchanged
    view = pl.View(record.docx, True)
    assert view.has("Adoption : Conseil d'administration, le 10 janvier 2027.")
    assert view.has("Adoptée par : Conseil d'administration, le 10 janvier 2027")
    assert view.has("La présente politique, version 2.0, entre en vigueur le 15 janvier 2027.")
    assert docx.Document(io.BytesIO(record.docx)).core_properties.content_status == \
        "Version 2.0 adoptée le 10 janvier 2027"
    rows = [(h.version, h.adopted_on, h.adopted_by) for h in record.document.history]
    assert rows[-1] == ("2.0", dt.date(2027, 1, 10), "Conseil d'administration")
    table = next(t for t in docx.Document(io.BytesIO(_accept_all(record.docx))).tables
                 if t.rows[0].cells[0].text == "Version")
    assert [c.text for c in table.rows[-1].cells][:3] == ["2.0", "15 janvier 2027",
                                                          "Conseil d'administration, le 10 janvier 2027"]
    # the next material version is to be adopted again: the adoption of 2.0 stays in the history
    later = update(_accept_all(record.docx), as_of=pl.LAW_DATE, answers=parse_profile(approved_midjourney(), "a"))
    assert later.version == "3.0"
    assert [(h.version, h.adopted_on) for h in later.document.history][-2:] == [
        ("2.0", dt.date(2027, 1, 10)), ("3.0", None)]
    view = pl.View(later.docx, True)  # version 3.0 is not adopted yet: its text says by whom, not when
    assert view.has("Adoption : Direction générale, après consultation du CSE.")
    assert not view.has("Adoption : Conseil d'administration, le 10 janvier 2027.")


# ---------------------------------------------------------------- changed answers

def test_changed_answers_come_in_as_tracked_changes_classified_by_what_they_change(adopted, tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(approved_midjourney(), allow_unicode=True), encoding="utf-8")
    (tmp_path / "adopted.docx").write_bytes(adopted)
    out = tmp_path / "v2.docx"
    result = CliRunner().invoke(main, ["update", str(tmp_path / "adopted.docx"), "--answers", str(answers), "-o",
                                       str(out), "--as-of", "2026-07-01", "--json"])
    assert result.exit_code == 0, result.output
    data = __import__("json").loads(result.output[:result.output.rindex("}") + 1])
    assert data["version"] == "2.0" and data["material"] is True
    midjourney = [a for a in data["answers"] if a["subject"] == "Midjourney"]
    assert midjourney and midjourney[0]["class"] == "restriction_removed"
    assert "may now receive: public information" in midjourney[0]["change"]  # the approval test's answer
    # in France, with a CSE and 80 employees, the CSE is consulted before the new version is adopted
    assert any("L2312-8" in step for step in data["steps"])
    view = pl.View(out.read_bytes(), True)
    assert view.has("Réponses modifiées") and view.has("Midjourney peut désormais recevoir")
    assert view.has("L2312-8")
    inserted = pl.revisions(out.read_bytes(), "Balises")
    assert any(kind == "ins" and "Midjourney" in text for kind, text in inserted)


# ---------------------------------------------------------------- a policy that lost its embedded data

def _without_data(data: bytes) -> bytes:
    """The policy as Google Docs or a copy into a new file gives it back: no embedded data, no bookmarks."""
    document = ed.open_docx(data)
    for rel in list(document.part.rels.values()):
        if rel.reltype.endswith("/customXml"):
            del document.part.rels[rel.rId]
    for b in list(document.element.body.iter(qn("w:bookmarkStart"), qn("w:bookmarkEnd"))):
        b.getparent().remove(b)
    return ed.save(document)


def test_a_policy_that_lost_its_data_is_updated_from_its_base_or_its_answers(adopted, tmp_path):
    edited = pl.edited(adopted, next(e for e in pl.WORD_EDITS if e.id == "add"))
    lost = _without_data(edited)
    with zipfile.ZipFile(io.BytesIO(lost)) as archive:
        assert not [n for n in archive.namelist() if "customXml" in n and n.endswith(".xml")
                    and b"urn:balises" in archive.read(n)]
    (tmp_path / "lost.docx").write_bytes(lost)
    (tmp_path / "original.docx").write_bytes(adopted)
    runner = CliRunner()
    result = runner.invoke(main, ["update", str(tmp_path / "lost.docx"), "-o", str(tmp_path / "x.docx")])
    assert result.exit_code == 2 and "--base ORIGINAL.docx" in result.output
    result = runner.invoke(main, ["update", str(tmp_path / "lost.docx"), "--base", str(tmp_path / "original.docx"),
                                  "-o", str(tmp_path / "v2.docx"), "--as-of", "2026-08-02"])
    assert result.exit_code == 0, result.output
    updated = (tmp_path / "v2.docx").read_bytes()
    assert pl.View(updated, True).has(pl.T_ADDED) and read_payload(updated)["version"] == "2.0"
    assert pl.problems(lost, updated, docx_of(
        update(lost, as_of=pl.LAW_DATE, base_docx=adopted).document, load_pack()), "2.0") == []
    # from the answers alone: the original made again from them (close, and said so)
    from_answers = update(lost, as_of=pl.LAW_DATE, answers=load_profile(STUDIO))
    assert from_answers.version == "2.0" and pl.View(from_answers.docx, True).has(pl.T_ADDED)
    assert any("made again from the answers" in n[1] for n in from_answers.notes)
    assert {c.clause: c.status for c in from_answers.plan.clauses}["work.social_dialogue"] == "kept_edit"


# ---------------------------------------------------------------- a dry run, a no-change update

def test_dry_run_writes_nothing_and_a_no_change_update_gives_the_same_bytes(adopted, tmp_path):
    (tmp_path / "adopted.docx").write_bytes(adopted)
    runner = CliRunner()
    result = runner.invoke(main, ["update", str(tmp_path / "adopted.docx"), "--dry-run", "--as-of", "2026-08-02"])
    assert result.exit_code == 0 and "Dry run: nothing written." in result.output
    assert "Version 1.0 → 2.0" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adopted.docx"]
    result = runner.invoke(main, ["update", str(tmp_path / "adopted.docx"), "-o", str(tmp_path / "same.docx"),
                                  "--as-of", "2026-07-01"])
    assert result.exit_code == 0 and "the same bytes" in result.output, result.output
    assert (tmp_path / "same.docx").read_bytes() == adopted


# ---------------------------------------------------------------- two cycles in a row

def test_two_cycles_law_date_then_changed_answers(adopted):
    edits = [e for e in pl.WORD_EDITS if e.id in ("reword", "add", "comment", "footnote", "pending_insert",
                                                  "style", "renumber", "footer", "title_page")]
    document = ed.open_docx(adopted)
    for edit in edits:
        edit.make(document)
    start = ed.save(document)
    first = update(start, as_of=pl.LAW_DATE)
    assert first.version == "2.0"
    kept = _accept_all(first.docx)  # the board accepts Balises' changes and adopts
    second = update(kept, as_of=dt.date(2026, 9, 1), answers=parse_profile(approved_midjourney(), "answers"),
                    adopted_on=dt.date(2026, 8, 20), adopted_by="Conseil d'administration")
    assert second.version == "3.0"
    assert [(h.version, h.adopted_on) for h in second.document.history] == [
        ("1.0", None), ("2.0", dt.date(2026, 8, 20)), ("3.0", None)]
    look = pl.Look(kept, second.docx, second.lines("en"))
    for edit in edits:
        if edit.id == "reword":  # the paragraph names the adopting body, which changed: both versions, marked
            assert edit.look(look) == pl.CONFLICT
        elif edit.id != "pending_insert":  # its revision was accepted with Balises' in the first cycle
            assert edit.look(look) == pl.KEPT, edit.id
    assert pl.problems(kept, second.docx, docx_of(second.document, load_pack()), "3.0") == []
    assert pl.View(second.docx, True).has("La présente politique, version 3.0")


# ---------------------------------------------------------------- in LibreOffice (slow)

@pytest.fixture(scope="module")
def libreoffice_edits(adopted, tmp_path_factory):
    if not lo.SOFFICE:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    work = tmp_path_factory.mktemp("lo")
    (work / "image.png").write_bytes(ed.png())
    jobs, converted = [], {}
    for edit in pl.LO_EDITS:
        source = work / f"{edit.id}-before.docx"
        top = pl.LO_ON_TOP.get(edit.id)
        source.write_bytes(pl.edited(adopted, pl.Edit("", "", "", top, None)) if top else adopted)
        if edit.make == "convert":
            converted[edit.id] = source
        else:
            jobs.append((edit.make, source, work / f"{edit.id}.docx", lo.DOCX))
    # the .odt round trip: saved as .odt, opened again and saved as .docx
    jobs.append(("save", work / "lo_save-before.docx", work / "roundtrip.odt", lo.ODT))
    lo.run(work, jobs, image=work / "image.png")
    lo.run(work, [("save", work / "roundtrip.odt", work / "odt.docx", lo.DOCX)])
    (work / "conv").mkdir()
    for name, source in converted.items():
        (work / f"{name}.docx").write_bytes(lo.convert(work, [source], "docx:" + lo.DOCX, work / "conv")[0].read_bytes())
    return work


@pytest.mark.slow
@pytest.mark.parametrize("edit", pl.LO_EDITS, ids=[e.id for e in pl.LO_EDITS])
def test_each_libreoffice_edit_goes_through_every_update(edit, libreoffice_edits, updates):
    _check_through_every_update(edit, (libreoffice_edits / f"{edit.id}.docx").read_bytes(), updates)


@pytest.mark.slow
def test_an_odt_round_trip_is_updated_from_its_base(adopted, libreoffice_edits):
    odt = (libreoffice_edits / "odt.docx").read_bytes()
    try:
        read_payload(odt)
        base = None
    except Exception:  # noqa: BLE001 - the .odt round trip lost the embedded data: --base brings it back
        base = adopted
    result = update(odt, as_of=pl.LAW_DATE, base_docx=base)
    assert result.version == "2.0" and result.plan.org_paragraphs == 0
    assert pl.problems(odt, result.docx, docx_of(result.document, load_pack()), "2.0") == []


@pytest.mark.slow
def test_an_odt_round_trip_carrying_an_includepicture_field_is_updated_from_its_base_without_it(adopted,
                                                                                                 libreoffice_edits):
    """Issue 23 on issue 22's recovery path: the policy that came back from .odt (its data lost) is given an
    INCLUDEPICTURE field (a picture fetched from a server whenever the file is opened); updated with --base,
    the field is removed and said, its shown text kept, and nothing else of the document lost."""
    from balises.render.docx.package import clean_adopted

    from .docx_check import active_content

    with zipfile.ZipFile(libreoffice_edits / "odt.docx") as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    body = parts["word/document.xml"].decode()
    field = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> '
             'INCLUDEPICTURE "http://attacker.example/pixel.png" \\d </w:instrText></w:r><w:r><w:fldChar '
             'w:fldCharType="separate"/></w:r><w:r><w:t>Logo du partenaire</w:t></w:r><w:r><w:fldChar '
             'w:fldCharType="end"/></w:r></w:p>')
    at = body.rindex("<w:sectPr")
    parts["word/document.xml"] = (body[:at] + field + body[at:]).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    hostile = out.getvalue()
    assert any("INCLUDEPICTURE" in line for line in active_content(hostile))
    result = update(hostile, as_of=pl.LAW_DATE, base_docx=adopted, source="odt.docx")
    assert active_content(result.docx) == [] and result.version == "2.0"
    assert any("INCLUDEPICTURE" in en for _, en in result.removed)
    assert any("removed from your document" in line and "INCLUDEPICTURE" in line for line in result.lines("en"))
    assert pl.View(result.docx, True).has("Logo du partenaire")
    cleaned = clean_adopted(hostile, "odt.docx").to_bytes()
    assert pl.problems(cleaned, result.docx, docx_of(result.document, load_pack()), "2.0") == []


@pytest.mark.slow
def test_numbering_is_the_same_in_libreoffice_pdf_after_an_update(libreoffice_edits, tmp_path):
    """The issue's first finding: a policy opened and saved in LibreOffice came back with "1.1 Portée" as
    "1. Portée" and principles 2–5 as bullets. Here the LibreOffice-saved policy and its update, every revision
    accepted by LibreOffice itself (Accept All; and Reject All gives the adopted numbers back), are printed by
    LibreOffice: the same numbers before each heading and item."""
    import re
    import subprocess

    saved = libreoffice_edits / "lo_save.docx"
    result = update(saved.read_bytes(), as_of=pl.LAW_DATE)
    (tmp_path / "updated.docx").write_bytes(_without_comments(result.docx))
    (tmp_path / "saved.docx").write_bytes(saved.read_bytes())
    lo.run(tmp_path, [("accept", tmp_path / "updated.docx", tmp_path / "accepted.docx", lo.DOCX),
                      ("reject", tmp_path / "updated.docx", tmp_path / "rejected.docx", lo.DOCX)])
    rejected = [label for label, _ in pl.numbering_labels((tmp_path / "rejected.docx").read_bytes(), None)]
    assert rejected == [label for label, _ in pl.numbering_labels(saved.read_bytes(), None)]
    pdfs = lo.convert(libreoffice_edits, [tmp_path / "saved.docx", tmp_path / "accepted.docx"], "pdf", tmp_path)
    numbered = re.compile(r"^\s*(\d+\.(?:\d+)?|[a-e]\)|•)\s+(\S.{0,40})")

    def labels(pdf: Path) -> dict[str, str]:
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        return {m.group(2).strip(): m.group(1) for m in map(numbered.match, text.splitlines()) if m}

    before, after = labels(pdfs[0]), labels(pdfs[1])
    starting = lambda found, start: next(label for text, label in found.items() if text.startswith(start))
    for found in (before, after):
        assert found["Portée"] == "1.1" and starting(found, "Authenticité et diversité") == "2."
        assert starting(found, "Sobriété") == "5." and found["Principes"] == "2."
    common = [t for t in before if t in after]
    assert len(common) > 30
    assert {t: after[t] for t in common} == {t: before[t] for t in common}


@pytest.mark.slow
def test_libreoffice_own_accept_all_and_reject_all_give_the_merged_and_the_adopted_text(adopted, tmp_path):
    """LibreOffice lists every revision (Balises' and the colleague's, nested ones too) and, resolved from its
    own change records, gives what our Accept All gives and, for Reject All, the adopted document."""
    from .test_redline import lo_paragraphs

    if not lo.SOFFICE:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    ids = ("reword", "reword_changed", "add", "comment", "footnote", "pending_insert", "pending_delete",
           "pending_paragraph", "style", "renumber", "title_page", "table", "delete")
    document = ed.open_docx(adopted)
    for edit in pl.WORD_EDITS:
        if edit.id in ids:
            edit.make(document)
    (tmp_path / "adopted.docx").write_bytes(ed.save(document))
    result = update((tmp_path / "adopted.docx").read_bytes(), as_of=pl.LAW_DATE)
    (tmp_path / "updated.docx").write_bytes(result.docx)
    lo.convert(tmp_path, [tmp_path / "adopted.docx", tmp_path / "updated.docx"], "fodt", tmp_path)
    accepted, kinds, authors = lo_paragraphs(tmp_path / "updated.fodt", "accept")
    assert set(authors) == {"Balises", ed.AUTHOR} and len(kinds) > 20
    footnotes = {t for t, _ in pl.notes(result.docx)}
    assert [t for t in accepted if t not in footnotes] == pl.View(result.docx, True).body_texts()
    assert lo_paragraphs(tmp_path / "updated.fodt", "reject")[0] == lo_paragraphs(tmp_path / "adopted.fodt",
                                                                                   "reject")[0]


@pytest.mark.parametrize("seed", range(8))
def test_random_edits_keep_reject_all_accept_all_comments_numbering_and_version(seed, adopted, updates):
    data, done = pl.random_edits(adopted, seed)
    run, packs = updates
    for name in ("law date", "answer change"):
        result = run[name](data)
        new_text = docx_of(result.document, packs[name])
        assert pl.problems(data, result.docx, new_text, result.version) == [], (name, done)
