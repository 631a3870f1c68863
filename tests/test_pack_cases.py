"""An adviser's pack tested alone: `balises test --pack` runs the pack's own cases; `balises pack verify` reads an
archive as generation does; the smoke test of `lint --pack` finds the sample profiles of an installed wheel."""

import zipfile

import pytest
from click.testing import CliRunner

from balises.cli.main import main
from balises.packs.authoring import build_archive
from balises.packs.cases import parse_case

from .conftest import EXAMPLES, ROOT

WITH_CASES = ROOT / "tests" / "fixtures" / "packs" / "with-cases"
ASSOC = ROOT / "tests" / "fixtures" / "packs" / "association"


def test_pack_cases_one_passing_one_failing(monkeypatch):
    monkeypatch.setenv("BALISES_LANG", "en")
    result = CliRunner().invoke(main, ["test", "--pack", str(WITH_CASES)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("passed") and "france-cse.yaml" in line for line in lines), result.output
    assert any(line.startswith("FAILED") and "wrong-expectation.yaml" in line for line in lines), result.output
    assert "phrases missing: \"Cette phrase n'existe dans aucune politique\"" in result.output
    # the summary names the failing case, and only it
    summary = lines[-1]
    assert summary.startswith("1 of 2 case(s) failed") and "wrong-expectation.yaml" in summary
    assert "france-cse.yaml" not in summary


def test_pack_cases_from_an_archive_with_a_top_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("BALISES_LANG", "fr")
    archive, _ = build_archive(WITH_CASES, tmp_path / "cases.zip")
    nested = tmp_path / "nested.zip"
    _with_top_folder(archive, nested, "cases-fixture-0.1.0/")
    result = CliRunner().invoke(main, ["test", "--pack", str(nested)])
    assert result.exit_code == 1, result.output
    assert "1 cas en échec sur 2" in result.output and "wrong-expectation.yaml" in result.output


def test_a_misspelt_key_in_a_pack_case_is_exit_2_naming_the_file(tmp_path):
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(WITH_CASES, pack)
    (pack / "tests" / "typo.yaml").write_text("description: x\nprofile: examples/theatre-quebec.yaml\n"
                                              "must_contian: [x]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["test", "--pack", str(pack)])
    assert result.exit_code == 2, result.output
    assert "tests/typo.yaml" in result.output and "must_contian" in result.output
    with pytest.raises(Exception, match="must_contian"):
        parse_case(b"description: x\nprofile: {}\nmust_contian: [x]\n", "typo.yaml")


def _with_top_folder(archive, target, top: str) -> None:
    with zipfile.ZipFile(archive) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            zout.writestr(top + info.filename, zin.read(info))


def test_verify_accepts_an_archive_with_a_top_folder_that_generate_accepts(tmp_path):
    archive, manifest = build_archive(ASSOC, tmp_path / "assoc.zip")
    nested = tmp_path / "assoc-nested.zip"
    _with_top_folder(archive, nested, "assoc-fixture-1.2.0/")
    runner = CliRunner()
    generated = runner.invoke(main, ["generate", str(EXAMPLES / "theatre-quebec.yaml"), "-o",
                                     str(tmp_path / "p.docx"), "--pack", str(nested)])
    assert generated.exit_code == 0, generated.output
    verified = runner.invoke(main, ["pack", "verify", str(nested)])
    assert verified.exit_code == 0, verified.output
    assert f"checksum sha256:{manifest['checksum']}" in verified.output
    # and a top folder does not hide tampering
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(nested) as zin, zipfile.ZipFile(tampered, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info.filename, b"Autre.\n" if info.filename.endswith("fr/assoc.credits.md") else data)
    refused = runner.invoke(main, ["pack", "verify", str(tampered)])
    assert refused.exit_code == 2 and "checksum mismatch" in refused.output


def test_verify_refuses_a_folder_with_a_clear_message(tmp_path):
    result = CliRunner().invoke(main, ["pack", "verify", str(ASSOC)])
    assert result.exit_code == 2 and "a .zip archive is expected" in result.output


def test_smoke_test_uses_the_wheel_sample_profiles(tmp_path, monkeypatch):
    """Laid out as a pip install (balises/default_pack/examples, no examples/ beside the package), the smoke
    test still generates the samples; with none at all, lint says it skipped it."""
    import shutil

    from balises.packs import authoring as packtools
    from balises.packs import lint_decisions, loader

    package = tmp_path / "site" / "balises"
    (package / "default_pack").mkdir(parents=True)
    shutil.copy(ROOT / "pack.yaml", package / "default_pack")  # a pack refuses links: the wheel has copies
    for part in ("rules", "policy_templates", "decisions"):
        shutil.copytree(ROOT / part, package / "default_pack" / part)
    (package / "default_pack" / "examples").symlink_to(EXAMPLES)
    monkeypatch.setattr(loader, "__file__", str(package / "packs" / "loader.py"))
    samples = lint_decisions.sample_profiles()
    assert samples and all(p.parent == package / "default_pack" / "examples" for p in samples)
    assert packtools.smoke_skipped() is None

    (package / "default_pack" / "examples").unlink()
    assert lint_decisions.sample_profiles() == []
    monkeypatch.setenv("BALISES_LANG", "en")
    result = CliRunner().invoke(main, ["lint", "--pack", str(ASSOC)])
    assert "Smoke test skipped: no sample profile" in result.output


def test_a_case_whose_profile_does_not_read_fails_and_the_others_run(tmp_path, monkeypatch):
    import shutil

    monkeypatch.setenv("BALISES_LANG", "en")
    pack = tmp_path / "pack"
    shutil.copytree(WITH_CASES, pack)
    (pack / "tests" / "bad-profile.yaml").write_text(
        "description: a profile with a sector that does not exist\n"
        "profile: {organisation: {name: X, jurisdiction: quebec, sector: circus, employees: 3}}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["test", "--pack", str(pack)])
    assert result.exit_code == 1, result.output
    assert "FAILED  " in result.output and "organisation.sector" in result.output
    assert "2 of 3 case(s) failed" in result.output and "bad-profile.yaml" in result.output.splitlines()[-1]


def test_without_a_pack_the_cases_are_the_default_packs_own():
    from balises.packs.cases import pack_case_files

    cases, _, label = pack_case_files(None)
    assert label == str(ROOT)
    assert sorted(cases) == sorted(f"tests/cases/{p.name}" for p in (ROOT / "tests" / "cases").glob("*.yaml"))
    assert len(cases) > 100


def test_the_smoke_test_blames_the_pack_only_for_what_the_default_pack_generates(tmp_path, monkeypatch):
    """An example the pack's template breaks is named; an example the default pack cannot generate either is
    not the pack's fault and is not named."""
    import shutil

    from balises.engine import compose as compose_module
    from balises.packs import authoring

    monkeypatch.setenv("BALISES_LANG", "en")
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "tests" / "hostile" / "pack", pack)
    template = pack / "policy_templates" / "fr" / "purpose.object.md"
    template.write_text(template.read_text(encoding="utf-8") + "{{ org.name.nope.deeper }}\n", encoding="utf-8")
    smoke = [p for p in authoring.pack_problems(pack) if "do not generate" in p.message]
    assert len(smoke) == 1 and "theatre-quebec.yaml (fr)" in smoke[0].message, smoke
    assert "purpose.object.md" in smoke[0].message

    real = compose_module.compose

    def default_cannot_do_the_theatre(profile, pack_, **kw):  # as if the default pack failed on it too
        if profile.organisation.name.startswith("Théâtre") and pack_.info.extends in (None, ""):
            raise authoring.BalisesError("échec", "failure")
        return real(profile, pack_, **kw)

    monkeypatch.setattr(authoring, "compose", default_cannot_do_the_theatre)
    smoke = [p for p in authoring.pack_problems(pack) if "do not generate" in p.message]
    assert len(smoke) == 1 and "theatre-quebec.yaml" not in smoke[0].message
    assert "festival-ontario.yaml (fr)" in smoke[0].message
