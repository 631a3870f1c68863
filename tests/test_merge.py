"""The three-way merge of an update: what Balises wrote then, what the organisation has now, what Balises
writes today. First on texts (the pure plan), then end to end on a real policy edited with python-docx and
updated across 2 August 2026 (AI Act art. 50), where each row of the issue's merge table is checked in the
Word file: revisions, comments, what stays as the organisation wrote it."""

import datetime as dt

import docx as python_docx
import pytest
from docx.oxml.ns import qn

from balises.contract import answers
from balises.packs.loader import load_pack
from balises.render.docx.redline import body_of, resolved_texts
from balises.render.docx.units import key
from balises.render.merge import plan
from balises.services import generate as api
from balises.services.update import update

from .conftest import EXAMPLES
from .docx_edits import add_after, delete, find, open_docx, save, set_text, text_of

STUDIO = EXAMPLES / "animation-studio-france.yaml"


# ---------------------------------------------------------------- the plan, on texts

def _units(clause_texts):
    return [(c, t) for c, texts in clause_texts for t in texts]


BASE = _units([("", ["Title"]), ("a", ["A1", "A2"]), ("b", ["B1", "B2", "B3"]), ("c", ["C1"])])


def _status(result):
    return {c.clause: c.status for c in result.clauses}


def test_plan_untouched_clause_takes_the_new_text_as_revisions():
    new = _units([("", ["Title"]), ("a", ["A1", "A2 new"]), ("b", ["B1", "B2", "B3"]), ("c", ["C1"])])
    result = plan(BASE, [t for _, t in BASE], new)
    a = next(c for c in result.clauses if c.clause == "a")
    assert a.status == "updated"
    assert [(p.source, p.revision) for p in a.pieces] == [("ours", None), ("ours", "del"), ("new", "ins")]
    assert _status(result)["b"] == "same"


def test_plan_edit_kept_added_paragraph_kept_and_conflict():
    ours = ["Title", "A1", "A2 by the board", "B1", "B2", "B2bis added by the union", "B3", "C1 edited"]
    new = _units([("", ["Title"]), ("a", ["A1", "A2"]), ("b", ["B1", "B2", "B3 new"]), ("c", ["C1 new"])])
    result = plan(BASE, ours, new)
    status = _status(result)
    assert status["a"] == "kept_edit"  # edited, Balises unchanged: no revision
    assert all(p.revision is None for p in result.clauses[0].pieces)
    assert status["b"] == "merged"  # the union's paragraph stays where it was, B3 takes the new text
    b = next(c for c in result.clauses if c.clause == "b")
    assert [(p.source, p.revision) for p in b.pieces] == [("ours", None), ("ours", None), ("ours", None),
                                                          ("ours", "del"), ("new", "ins")]
    assert result.labels[5] == "b"
    c = next(c for c in result.clauses if c.clause == "c")
    assert c.status == "conflict" and c.ours_text == ["C1 edited"] and c.new_text == ["C1 new"]
    assert [(p.source, p.revision) for p in c.pieces] == [("ours", None), ("new", "ins")]


def test_plan_deleted_clause_stays_deleted_unless_the_law_now_requires_it():
    ours = ["Title", "A1", "A2", "C1"]  # clause b deleted by the organisation
    new = _units([("", ["Title"]), ("a", ["A1", "A2"]), ("b", ["B1", "B2 new", "B3"]), ("c", ["C1"])])
    assert _status(plan(BASE, ours, new))["b"] == "kept_deletion"
    required = plan(BASE, ours, new, material={"b"})
    b = next(c for c in required.clauses if c.clause == "b")
    assert b.status == "reinstated" and [p.revision for p in b.pieces] == ["ins"] * 3
    same_text = _units([("", ["Title"]), ("a", ["A1", "A2"]), ("b", ["B1", "B2", "B3"]), ("c", ["C1"])])
    assert _status(plan(BASE, ours, same_text))["b"] == "deleted_by_org"


def test_plan_clause_added_and_removed_by_balises_keep_their_place():
    new = _units([("", ["Title"]), ("a", ["A1", "A2"]), ("n", ["N1"]), ("c", ["C1"])])
    result = plan(BASE, [t for _, t in BASE], new)
    assert [c.clause for c in result.clauses] == ["a", "b", "n", "c"]
    assert _status(result) == {"a": "same", "b": "removed", "n": "added", "c": "same"}
    assert [p.revision for p in result.clauses[1].pieces] == ["del"] * 3


def test_plan_whitespace_and_non_breaking_spaces_are_not_edits():
    ours = ["Title", "A1", "A2 ", "B1", "B2", "B3", "C1"]
    ours[1] = "A1".replace("A", "A")
    result = plan(_units([("", ["Title"]), ("a", ["A1", "A 2"])]), ["Title", "A1", "A\u00a02"],
                  _units([("", ["Title"]), ("a", ["A1", "A 2"])]))
    assert _status(result) == {"a": "same"}


# ---------------------------------------------------------------- end to end: the merge table in Word

@pytest.fixture(scope="module")
def studio():
    pack = load_pack()
    profile = answers.load(STUDIO, pack).profile
    old = api.generate(profile, pack, lang="fr", as_of=dt.date(2026, 7, 1)).docx
    document = open_docx(old)
    # edited + no change by Balises
    p = find(document, "La représentation du personnel est associée")
    set_text(p, p.text.replace("La représentation du personnel", "Le CSE et les délégués syndicaux", 1))
    # a paragraph added
    add_after(p, "Les délégués syndicaux reçoivent chaque version de la politique quinze jours avant son adoption.")
    # edited + changed by Balises (the HR uses paragraph changes on 2 August 2026)
    set_text(find(document, "Un usage de l'IA en gestion du personnel"),
             "Un usage de l'IA en gestion du personnel n'est mis en place qu'avec l'accord du CSE ; notre "
             "DRH en tient le registre.")
    # deleted, and the law now requires it: the public labelling clause
    for start in ("Le Studio signale au public", "Le règlement européen sur l'IA rend certaines"):
        delete(find(document, start))
    # deleted, nothing changes: the right not to use AI stays out
    delete(find(document, "Aucune personne n'est tenue d'utiliser l'IA"))
    adopted = save(document)
    result = update(adopted, pack, as_of=dt.date(2026, 8, 2))
    return old, adopted, result


def _clause(result, clause_id):
    return next(c for c in result.plan.clauses if c.clause == clause_id)


def _paragraph(document, start):
    return find(document, start)._p


def _revision(p):
    """"ins"/"del" when every text run of the paragraph is inside one, None when none is, "mixed" otherwise."""
    runs = [r for r in p.iter(qn("w:r")) if r.find(qn("w:t")) is not None or r.find(qn("w:delText")) is not None]
    kinds = {r.getparent().tag for r in runs}
    if kinds == {qn("w:ins")}:
        return "ins"
    if kinds == {qn("w:del")}:
        return "del"
    return None if qn("w:ins") not in kinds and qn("w:del") not in kinds else "mixed"


def _comments(data: bytes) -> list[str]:
    document = python_docx.Document(__import__("io").BytesIO(data))
    return ["\n".join(p.text for p in c.paragraphs) for c in document.comments]


def test_untouched_clause_with_law_change_becomes_tracked_insertion_with_the_reason(studio):
    _, _, result = studio
    merged = _clause(result, "transparency.ai_act_art50_deepfakes")
    assert merged.status == "added"
    document = open_docx(result.docx)
    inserted = [p for p in document.paragraphs if _revision(p._p) == "ins"]
    assert any("hypertrucage" in text_of(p).lower() for p in inserted)
    for r in document.element.body.iter(qn("w:ins")):
        assert r.get(qn("w:author")) == "Balises" and r.get(qn("w:date")).startswith("2026-08-02")
    notes = [c for c in _comments(result.docx) if "eu-ai-act-art50-deepfakes" in c]
    assert notes and "2026-08-02" in notes[0] and "Règlement (UE) 2024/1689" in notes[0], notes


def test_edited_clause_without_change_keeps_the_edit_without_revision(studio):
    _, _, result = studio
    assert _clause(result, "work.social_dialogue").status == "kept_edit"
    document = open_docx(result.docx)
    p = _paragraph(document, "Le CSE et les délégués syndicaux est associée")
    assert _revision(p) is None
    added = _paragraph(document, "Les délégués syndicaux reçoivent")
    assert _revision(added) is None and p.getnext() is added  # where the organisation put it


def test_edited_and_changed_is_a_conflict_with_both_texts(studio):
    _, _, result = studio
    merged = _clause(result, "work.hr_uses")
    assert merged.status == "conflict" and merged in result.conflicts
    document = open_docx(result.docx)
    ours = _paragraph(document, "Un usage de l'IA en gestion du personnel n'est mis en place qu'avec l'accord du CSE")
    assert _revision(ours) is None
    proposed = ours.getnext()
    assert _revision(proposed) == "ins"
    assert "".join(proposed.itertext()).startswith("Un usage de l'IA en gestion du personnel n'est mis en place qu'après")
    note = next(c for c in _comments(result.docx) if "conflit" in c)
    assert "notre DRH en tient le registre" in note and "qu'après un examen juridique" in note
    assert result.report()["conflicts"] == 1 and "work.hr_uses" in result.report()["to_look_at"]


def test_deleted_clause_the_law_now_requires_is_reinstated_as_insertion(studio):
    _, _, result = studio
    assert _clause(result, "transparency.public_labelling").status == "reinstated"
    document = open_docx(result.docx)
    assert _revision(_paragraph(document, "Le Studio signale au public")) == "ins"
    assert any("rétablie" in c for c in _comments(result.docx))
    # a deleted clause that nothing requires stays deleted, without a revision
    assert _clause(result, "work.right_not_to_use").status == "deleted_by_org"
    assert not [p for p in document.paragraphs if text_of(p).startswith("Aucune personne n'est tenue d'utiliser")]


def test_accept_all_gives_the_merged_text_and_reject_all_the_adopted_one(studio):
    _, adopted, result = studio
    accepted = [key(t) for t in resolved_texts(result.docx, accept=True) if key(t)]
    rejected = [key(t) for t in resolved_texts(result.docx, accept=False) if key(t)]
    adopted_texts = [key(u.text) for u in body_of(adopted) if key(u.text)]
    # the organisation's edits survive both
    for text in ("Le CSE et les délégués syndicaux est associée", "Les délégués syndicaux reçoivent"):
        assert any(t.startswith(text) for t in accepted) and any(t.startswith(text) for t in rejected)
    # rejecting every revision gives back the adopted clauses (the title page and summary are the new ones)
    body = lambda texts: texts[texts.index(next(t for t in texts if t.startswith("La présente politique"))):]
    new_only = {"Historique des versions"}
    assert [t for t in body(rejected) if t not in new_only and not t.startswith("Version |")] == \
        [t for t in body(adopted_texts)]


def test_version_moves_and_history_is_carried(studio):
    _, _, result = studio
    assert result.diff.material and result.version == "2.0"
    assert [h.version for h in result.document.history] == ["1.0", "2.0"]
    again = update(result.docx, as_of=dt.date(2026, 8, 2))
    assert again.version == "2.0" and not again.diff.changes  # nothing new: the version stays
    assert again.unchanged and again.docx == result.docx  # the same file, byte for byte
    assert [h.version for h in again.document.history] == ["1.0", "2.0"]
    # the conflict of the first update is still marked: it stays to settle
    assert again.carried.open_conflicts == ["work.hr_uses"]
    assert any("work.hr_uses" in line for line in again.lines("en"))


def test_only_closed_bookmark_ranges_tie_a_paragraph_to_a_clause():
    """LibreOffice can split a clause bookmark and leave a start without its end: that start must not
    claim every paragraph after it (an added paragraph far below would join the wrong clause)."""
    from balises.render.docx.units import Unit
    from balises.services.update import _ours_bookmarks

    base = [{"clause": "a", "text": "A1", "bookmark": "_Bal_1"}, {"clause": "b", "text": "B1", "bookmark": "_Bal_2"}]
    units = [Unit(None, "A1", bookmarks=[("_Bal_1", "44")], ends=[]),  # a start LibreOffice left open
             Unit(None, "A1 bis", bookmarks=[("_Bal_1", "45")], ends=["45"]),
             Unit(None, "B1", bookmarks=[("_Bal_2", "46")], ends=[]),
             Unit(None, "B2", ends=["46"]),
             Unit(None, "added far below")]
    assert _ours_bookmarks(units, base) == [None, "a", "b", "b", None]
