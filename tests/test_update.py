"""`balises regenerate` and `balises diff`: a policy remade from its embedded answers, and what changed."""

import csv
import datetime as dt
import io
import json

import docx
from click.testing import CliRunner

from balises import api
from balises.cli import main
from balises.embedding import read_payload
from balises.pack import load_pack
from balises.profile import load_profile
from balises.update import CHANGES_CLAUSE, context_dependent_clauses, diff_documents, regenerate

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
