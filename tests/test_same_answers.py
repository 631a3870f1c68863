"""The same answers give the same decisions whatever the shell: the CLI, the wizard, batch (a one-row
spreadsheet) and regenerate write byte-identical decision traces, with and without a pack's recommended
answers (one implementation of the answers' layers: balises/contract/answers.py)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from balises import wizard  # noqa: E402
from balises.cli.main import main  # noqa: E402
from balises.packs.loader import load_pack  # noqa: E402
from balises.services import generate as api  # noqa: E402
from balises.services import spreadsheet  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-23"
ASSOCIATION = (ROOT / "tests" / "fixtures" / "packs" / "assoc-restricted.yaml").read_text(encoding="utf-8")


def answers_leaving_out_what_the_pack_recommends() -> dict:
    data = yaml.safe_load((ROOT / "examples" / "theatre-quebec.yaml").read_text(encoding="utf-8"))
    for section, key in (("policy", "stance"), ("policy", "review_months"), ("commitments", "disclosure")):
        data.get(section, {}).pop(key, None)
    data["policy"]["effective_date"] = "2026-12-01"
    return data


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), env={"BALISES_LANG": "en"})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(params=["default pack", "pack with recommended answers"])
def setting(request, tmp_path, monkeypatch):
    pack_args: list[str] = []
    if request.param != "default pack":
        root = tmp_path / "pack"
        (root / "rules").mkdir(parents=True)
        (root / "pack.yaml").write_text(ASSOCIATION, encoding="utf-8")
        pack_args = ["--pack", str(root)]
        monkeypatch.setenv("BALISES_PACK", str(root))
    else:
        monkeypatch.delenv("BALISES_PACK", raising=False)
    data = answers_leaving_out_what_the_pack_recommends()
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return request.param, pack_args, data, answers


def test_cli_wizard_batch_and_regenerate_give_the_same_decision_trace(setting, tmp_path):
    name, pack_args, data, answers = setting
    pack = load_pack(pack_args[1] if pack_args else None)

    # the CLI
    policy, cli_trace = tmp_path / "cli.docx", tmp_path / "cli.trace.json"
    cli("generate", str(answers), "-o", str(policy), "--trace", str(cli_trace), "--as-of", AS_OF, *pack_args)
    traces = {"cli": cli_trace.read_bytes()}

    # the wizard: the file resumed in a session, the profile the review step generates from
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.file_uploader[0].set_value(("answers.yaml", answers.read_bytes(), "application/x-yaml")).run()
    assert not at.exception, at.exception
    profile, problems = wizard.validate(at.session_state["answers"], pack)
    assert profile is not None, problems
    generated = api.generate(profile, pack, as_of=dt.date.fromisoformat(AS_OF))
    traces["wizard"] = api.decision_trace(generated.document)

    # batch: the same answers as one spreadsheet row
    sheet = tmp_path / "one-row.csv"
    row = spreadsheet.flatten(data)
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    out = tmp_path / "batch"
    cli("batch", str(sheet), "-o", str(out), "--traces", "--as-of", AS_OF, "-j", "1", *pack_args)
    [batch_trace] = out.glob("*.trace.json")
    traces["batch"] = batch_trace.read_bytes()

    # regenerate: the CLI's policy made again from the answers it embeds
    cli("regenerate", str(policy), "-o", str(tmp_path / "again.docx"), "--trace", str(tmp_path / "again.json"),
        "--as-of", AS_OF, *pack_args)
    traces["regenerate"] = (tmp_path / "again.json").read_bytes()

    assert len(set(traces.values())) == 1, {k: len(v) for k, v in traces.items()}
    said = yaml.safe_load(traces["cli"])
    recommended = name != "default pack"
    assert (said["answers"]["policy"]["stance"] == "restricted") == recommended
    assert said["answers"]["policy"]["review_months"] == (24 if recommended else 12)
    assert said["answers"]["commitments"]["disclosure"] == ("all_assisted" if recommended else "substantial")


def test_explain_and_the_wizard_say_which_answers_came_from_the_pack(setting):
    name, pack_args, _, answers = setting
    output = cli("explain", str(answers), "--as-of", AS_OF, "--lang", "en", *pack_args)
    if name == "default pack":
        assert "Answers from the pack" not in output
        return
    assert "Answers from the pack assoc-restricted (the file leaves them out)" in output
    assert '  policy.stance: "restricted"' in output and "  policy.review_months: 24" in output
    assert "organisation.name" not in output.split("Answers from the pack")[1]  # the file's own answers

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.context["locale"] = "fr-CA"
    at.run()
    at.button(key="nav_next")  # the first step is open
    at.session_state["step"] = wizard.step_index("position")
    at.run()
    captions = [c.value for c in at.caption]
    said = [c for c in captions if "Réponse recommandée par Association des compagnies (test)" in c]
    assert len(said) == 2, captions  # the stance and the review period; the date and the rest are not
    at.radio(key="q:policy.stance").set_value("conditional").run()
    captions = [c.value for c in at.caption]
    assert len([c for c in captions if "Réponse recommandée par" in c]) == 1  # changed: no longer the pack's
