"""The CLI contract advisers script: exit codes, messages, atomic output."""

import json
import subprocess
import sys

import docx
from click.testing import CliRunner

from balises.cli.main import main

from .conftest import EXAMPLES, ROOT

THEATRE = str(EXAMPLES / "theatre-quebec.yaml")


def run(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env or {"BALISES_LANG": "en"})


def test_generate_writes_policy_and_trace(tmp_path):
    out, trace = tmp_path / "politique.docx", tmp_path / "trace.json"
    result = run("generate", THEATRE, "-o", str(out), "--trace", str(trace), "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.output
    assert "sections" in result.output and "(fr)" in result.output
    assert docx.Document(str(out)).paragraphs[1].text == "Théâtre de la Grande Marée"
    written = json.loads(trace.read_text(encoding="utf-8"))
    entries = written["clauses"]
    assert {"section", "clause", "rules", "why", "sources"} <= set(entries[0])
    assert any(e["clause"] == "data.qc_law25_efvp" for e in entries)
    assert written["answers"]["organisation"]["name"] == "Théâtre de la Grande Marée"
    assert "grant_writing" in {u["id"] for u in written["decisions"]["uses"]}


def test_generate_in_english_on_request(tmp_path):
    out = tmp_path / "policy.docx"
    assert run("generate", THEATRE, "-o", str(out), "--lang", "en").exit_code == 0
    assert docx.Document(str(out)).paragraphs[0].text == "Policy on the use of artificial intelligence"


def test_explain_prints_section_clause_why_source():
    result = run("explain", THEATRE, "--as-of", "2026-11-23")
    assert result.exit_code == 0
    assert "data.qc_law25_efvp" in result.output
    assert "why:" in result.output and "source:" in result.output
    assert "https://www.legisquebec.gouv.qc.ca" in result.output


def test_schema_is_json():
    schema = json.loads(run("schema").output)
    assert "organisation" in schema["properties"]


def test_missing_file(tmp_path):
    result = run("generate", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "x.docx"))
    assert result.exit_code == 2
    assert "File not found" in result.output
    assert not (tmp_path / "x.docx").exists()


def test_invalid_yaml(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("organisation:\n  name: [oops\n", encoding="utf-8")
    result = run("generate", str(bad), "-o", str(tmp_path / "x.docx"))
    assert result.exit_code == 2 and "invalid YAML" in result.output
    assert "Traceback" not in result.output


def test_invalid_profile_names_the_field_and_keeps_existing_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("organisation:\n  name: X\n  jurisdiction: quebec\n  sector: theatre\n  employees: 3\n",
                   encoding="utf-8")
    out = tmp_path / "policy.docx"
    out.write_bytes(b"previous version")
    result = run("generate", str(bad), "-o", str(out))
    assert result.exit_code == 2
    assert "organisation.sector: value 'theatre' is not allowed" in result.output
    assert out.read_bytes() == b"previous version"
    assert list(tmp_path.iterdir()) == sorted([bad, out]) or set(tmp_path.iterdir()) == {bad, out}


def test_messages_in_french(tmp_path):
    result = run("generate", str(tmp_path / "absent.yaml"), "-o", str(tmp_path / "x.docx"),
                 env={"BALISES_LANG": "fr"})
    assert result.exit_code == 2 and "Fichier introuvable" in result.output


def test_output_is_a_directory(tmp_path):
    result = run("generate", THEATRE, "-o", str(tmp_path))
    assert result.exit_code == 2 and "is a directory" in result.output


def test_bad_date():
    result = run("generate", THEATRE, "-o", "x.docx", "--as-of", "yesterday")
    assert result.exit_code == 2 and "--as-of" in result.output


def test_installed_console_script_runs():
    """The `balises` command exists (pyproject [project.scripts]) and never prints a traceback."""
    result = subprocess.run([sys.executable, "-m", "balises", "generate", "missing.yaml", "-o", "x.docx"],
                            capture_output=True, text=True, cwd=ROOT, env={"BALISES_LANG": "en", "PATH": ""})
    assert result.returncode == 2
    assert "File not found" in result.stderr and "Traceback" not in result.stderr


def test_command_modules_do_not_import_the_group():
    """main.py builds the group from one module per command (balises/cli/commands/): each imports
    balises.cli.common, never the group, and each module is one command of the group, named as its file."""
    modules = sorted(p.stem for p in (ROOT / "balises" / "cli" / "commands").glob("*.py") if p.stem != "__init__")
    code = (f"import sys; import {', '.join('balises.cli.commands.' + m for m in modules)}; "
            "assert 'balises.cli.main' not in sys.modules, 'cycle: a command module imports balises.cli.main'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    names = {c.name for c in main.commands.values()}
    assert {"generate", "explain", "lint", "schema", "pack", "batch", "regenerate", "diff", "test", "update", "check"} == names
    assert set(modules) == names
    for name, command in main.commands.items():
        assert command.callback.__module__ == f"balises.cli.commands.{name}", name
