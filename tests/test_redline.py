"""`balises diff OLD NEW --redline OUT`: the new policy with every change from the old one as a Word tracked
change (author Balises, with a comment giving the reason). Accepting every revision gives the new text,
rejecting every one the old text; LibreOffice lists the revisions and, resolved from its own reading, gives
the same two texts."""

import datetime as dt
import io
import shutil
import subprocess
from xml.etree import ElementTree

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn

from balises.cli.main import main
from balises.contract.profile import load_profile
from balises.packs.loader import load_pack
from balises.render.docx.redline import body_of, resolved_texts, revision_count
from balises.render.docx.units import key
from balises.render.embedding import read_payload
from balises.services import generate as api

from .conftest import EXAMPLES

STUDIO = EXAMPLES / "animation-studio-france.yaml"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def policies(tmp_path_factory):
    work = tmp_path_factory.mktemp("redline")
    profile, pack = load_profile(STUDIO), load_pack()
    old, new = work / "old.docx", work / "new.docx"
    old.write_bytes(api.generate(profile, pack, lang="fr", as_of=dt.date(2026, 7, 1)).docx)
    new.write_bytes(api.generate(profile, pack, lang="fr", as_of=dt.date(2026, 8, 2)).docx)
    out = work / "redline.docx"
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--redline", str(out)])
    assert result.exit_code == 0, result.output
    assert "transparency.ai_act_art50_deepfakes" in result.output
    return work, old, new, out


def _texts(units) -> list[str]:
    return [key(t) for t in units if key(t)]


def _frame(*paths) -> set[str]:
    """The title page, contents and headings: made anew each time, not tracked."""
    return {key(u["text"]) for p in paths for u in read_payload(p.read_bytes())["units"] if u["clause"] == ""}


def test_redline_accept_all_gives_the_new_text_and_reject_all_the_old(policies):
    _, old, new, out = policies
    data = out.read_bytes()
    counts = revision_count(data)
    assert counts["ins"] > 0 and counts["del"] > 0 and counts["comments"] >= 5
    assert _texts(resolved_texts(data, accept=True)) == _texts(u.text for u in body_of(new.read_bytes()))
    frame = _frame(old, new)
    rejected = [t for t in _texts(resolved_texts(data, accept=False)) if t not in frame]
    assert rejected == [t for t in _texts(u.text for u in body_of(old.read_bytes())) if t not in frame]
    # the new policy's embedded data: updating the redline later starts from Balises' new text
    assert read_payload(data)["generated_on"] == "2026-08-02"


def test_redline_revisions_are_by_balises_with_a_reason(policies):
    _, _, _, out = policies
    document = docx.Document(io.BytesIO(out.read_bytes()))
    marks = list(document.element.body.iter(qn("w:ins"))) + list(document.element.body.iter(qn("w:del")))
    assert {m.get(qn("w:author")) for m in marks} == {"Balises"}
    comments = ["\n".join(p.text for p in c.paragraphs) for c in document.comments]
    deepfakes = next(c for c in comments if "eu-ai-act-art50-deepfakes" in c)
    assert "2026-08-02" in deepfakes and "Source : Règlement (UE) 2024/1689" in deepfakes
    assert "Changement de fond" in deepfakes
    assert any(c.startswith("Balises — restriction retirée") for c in comments)


def test_redline_refuses_a_foreign_old_document(policies, tmp_path):
    _, _, new, _ = policies
    other = tmp_path / "other.docx"
    document = docx.Document()
    document.add_paragraph("not ours")
    document.save(str(other))
    result = CliRunner().invoke(main, ["diff", str(other), str(new), "--redline", str(tmp_path / "r.docx")])
    assert result.exit_code == 2 and "not produced by Balises" in result.output
    assert not (tmp_path / "r.docx").exists()


# ---------------------------------------------------------------- in LibreOffice

NS = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
      "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
      "dc": "http://purl.org/dc/elements/1.1/"}
T = "{%s}" % NS["text"]
OFFICE = "{%s}" % NS["office"]


def lo_paragraphs(path, mode: str | None = None) -> tuple[list[str], dict[str, str], list[str]]:
    """The paragraphs of a flat ODT that LibreOffice wrote, with its tracked changes resolved the way its
    Accept All (``mode="accept"``) or Reject All (``"reject"``) does; the kinds of the changes; their authors."""
    root = ElementTree.parse(path).getroot()
    text_root = root.find("office:body/office:text", NS)
    kinds, deleted, authors = {}, {}, []
    tracked = text_root.find("text:tracked-changes", NS)
    for region in (tracked if tracked is not None else []):
        for kind in ("insertion", "deletion", "format-change"):
            el = region.find(f"text:{kind}", NS)
            if el is not None:
                kinds[region.get(T + "id")] = kind
                authors.append(el.findtext("office:change-info/dc:creator", "", NS))
                deleted[region.get(T + "id")] = ["".join(p.itertext()) for p in el.findall("text:p", NS)
                                                 + el.findall("text:h", NS)]
    hidden = {"accept": "deletion", "reject": "insertion"}.get(mode)
    out: list[str] = []
    active: set[str] = set()

    def visible() -> bool:
        return not any(kinds.get(i) == hidden for i in active)

    def walk(el, buf: list[str]) -> None:
        for child in el:
            tag = child.tag
            if tag in (OFFICE + "annotation", T + "tracked-changes"):
                pass
            elif tag == T + "change-start":
                active.add(child.get(T + "change-id"))
            elif tag == T + "change-end":
                active.discard(child.get(T + "change-id"))
            elif tag == T + "change":
                if mode == "reject" and kinds.get(child.get(T + "change-id")) == "deletion":
                    out.extend(deleted[child.get(T + "change-id")])
            elif tag in (T + "p", T + "h"):
                inner: list[str] = []
                if child.text and visible():
                    inner.append(child.text)
                walk(child, inner)
                out.append("".join(inner))
            elif tag == T + "s":
                if visible():
                    buf.append(" " * int(child.get(T + "c", "1")))
            elif tag == T + "tab":
                if visible():
                    buf.append("\t")
            elif tag == T + "line-break":
                if visible():
                    buf.append("\n")
            else:
                if child.text and visible() and tag in (T + "span", T + "a"):
                    buf.append(child.text)
                walk(child, buf)
            if child.tail and visible() and tag not in (T + "p", T + "h"):
                buf.append(child.tail)

    walk(text_root, [])
    return [key(t) for t in out if key(t)], kinds, authors


@pytest.mark.slow
def test_libreoffice_lists_the_revisions_and_resolves_them_to_new_and_old(policies):
    if not SOFFICE:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    work, old, new, out = policies
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{work / 'profile'}", "--headless", "--norestore",
                    "--convert-to", "fodt", "--outdir", str(work / "lo"), str(old), str(new), str(out)],
                   capture_output=True, timeout=600)
    accepted, kinds, authors = lo_paragraphs(work / "lo" / "redline.fodt", "accept")
    assert len(kinds) >= 5 and set(kinds.values()) >= {"insertion", "deletion"}
    assert set(authors) == {"Balises"}
    assert accepted == lo_paragraphs(work / "lo" / "new.fodt")[0]
    frame = _frame(old, new)
    rejected = [t for t in lo_paragraphs(work / "lo" / "redline.fodt", "reject")[0] if t not in frame]
    assert rejected == [t for t in lo_paragraphs(work / "lo" / "old.fodt")[0] if t not in frame]


def _outs(texts: list[str], kind: str, placed: bool) -> list:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    from balises.render.docx.redline import Out

    return [Out(parse_xml(f'<w:p {nsdecls("w")}><w:r><w:t>{t}</w:t></w:r></w:p>'), kind, placed) for t in texts]


def test_pairing_deleted_and_new_paragraphs_finds_a_rewording_far_in_a_run():
    """A rewritten paragraph among many deleted ones is paired with its old self (shown as word changes)."""
    from balises.render.docx.redline import _pairs
    from balises.render.docx.revisions import Revisions

    olds = _outs([f"Paragraphe supprimé numéro {i} du texte adopté." for i in range(300)], "del", True)
    olds[250] = _outs(["Les outils approuvés sont listés dans le registre tenu par la direction."], "del", True)[0]
    news = _outs(["Les outils approuvés sont listés dans le registre que tient la direction.",
                  "Un tout autre paragraphe, sans rapport."], "ins", False)
    assert _pairs(olds, news, Revisions("Balises", dt.datetime(2026, 8, 2))) == [(250, 0)]


def test_pairing_a_long_run_of_unequal_counts_tries_a_bounded_number_of_comparisons(monkeypatch):
    """Issue 23 on issue 22's redline: 16,000 deleted one-letter paragraphs against 15,999 new ones, none
    similar, would be 256 million comparisons (minutes); the search stops after a few per paragraph."""
    from balises.render.docx import redline
    from balises.render.docx.revisions import Revisions

    calls = []
    real = Revisions.compare
    monkeypatch.setattr(Revisions, "compare", lambda self, a, b: calls.append(1) or real(self, a, b))
    olds, news = _outs(["a"] * 16_000, "del", True), _outs(["b c d"] * 15_999, "ins", False)
    assert redline._pairs(olds, news, Revisions("Balises", dt.datetime(2026, 8, 2))) == []
    assert len(calls) <= redline.PAIR_TRIALS + 4 * (len(olds) + len(news))
