"""Custom packs: layering, profile defaults, preamble, lint of the overrides, archives, hostile packs."""

import datetime as dt
import json
import stat
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from balises.cli.main import main
from balises.contract import answers
from balises.contract.profile import load_profile, parse_profile
from balises.engine.compose import compose
from balises.errors import PackError
from balises.packs.authoring import SCAFFOLD, build_archive, init_pack, pack_problems
from balises.packs.loader import default_pack_dir, load_pack, read_layer, read_pack_files
from balises.render.embedding import clause_fingerprints
from balises.services.diff import context_dependent_clauses

from .conftest import EXAMPLES, ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "packs" / "association"
STUDIO = EXAMPLES / "animation-studio-france.yaml"
AS_OF = dt.date(2026, 11, 23)


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


# ---------------------------------------------------------------- layering


def test_fixture_pack_differs_from_default_exactly_at_its_overrides():
    profile = load_profile(STUDIO)
    default = compose(profile, load_pack(), lang="fr", as_of=AS_OF)
    custom_pack = load_pack(FIXTURE)
    custom = compose(answers.load(STUDIO, custom_pack).profile, custom_pack, lang="fr", as_of=AS_OF)

    before = {t.clause: t.model_dump() for t in default.trace}
    after = {t.clause: t.model_dump() for t in custom.trace}
    assert set(after) - set(before) == {"assoc.credits"}  # the added rule's clause
    assert set(before) - set(after) == {"copyright.catalogue_protection"}  # the disabled rule's clause
    assert after["assoc.credits"]["rules"] == ["assoc-credits"]
    assert after["assoc.credits"]["section"] == "transparency"
    assert "catalogue-protection" not in {r for t in custom.trace for r in t.rules}
    for clause in set(before) & set(after):
        assert before[clause] == after[clause], clause  # every other decision is the same

    # text: the overridden clause differs; the rest only where it follows the trace (annexes E and F)
    fp_before = {f["clause"]: f["sha256"] for f in clause_fingerprints(default)}
    fp_after = {f["clause"]: f["sha256"] for f in clause_fingerprints(custom)}
    differ = {c for c in set(fp_before) & set(fp_after) if fp_before[c] != fp_after[c]}
    assert "principles.core" in differ
    assert differ - {"principles.core"} <= context_dependent_clauses(custom_pack)
    assert "association" in " ".join(
        b.model_dump_json() for c in custom.section("principles").clauses for b in c.blocks)


def test_preamble_and_profile_defaults():
    pack = load_pack(FIXTURE)
    doc = compose(load_profile(STUDIO), pack, lang="fr", as_of=AS_OF)
    assert doc.meta.preamble.startswith("Modèle proposé par")
    assert doc.meta.pack_name == "assoc-fixture" and "assoc-fixture 1.2.0" in doc.meta.pack

    minimal = {"organisation": {"name": "Petit Studio", "jurisdiction": "france", "sector": "audiovisual",
                                "employees": 3},
               "commitments": {"disclosure": "legal_minimum"}}
    filled = answers.resolve(minimal, pack)
    assert filled.profile.policy.review_months == 24  # left out by the profile: the pack's default
    assert filled.profile.commitments.disclosure == "legal_minimum"  # given by the profile: kept
    assert filled.profile.organisation.name == "Petit Studio"
    # each answer knows its layer: what explain and the wizard say "from the pack"
    assert filled.origin("policy.review_months") == "pack"
    assert filled.origin("commitments.disclosure") == "answers"
    assert filled.origin("policy.stance") == "contract"
    plain = answers.resolve(minimal, load_pack())
    assert plain.profile.policy.review_months == 12 and plain.origin("policy.review_months") == "contract"
    assert plain.profile == parse_profile(minimal)  # no defaults, the answers alone


def test_fixture_pack_has_no_problem_of_its_own():
    assert pack_problems(FIXTURE) == []


def _overlay(tmp_path: Path, pack_yaml: str, files: dict[str, str] | None = None) -> Path:
    root = tmp_path / "pack"
    (root / "rules").mkdir(parents=True)
    (root / "pack.yaml").write_text(pack_yaml, encoding="utf-8")
    for name, text in (files or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_lint_finds_bad_overrides(tmp_path):
    root = _overlay(tmp_path, "name: bad\nversion: '1'\nextends: default\n"
                              "disable_rules: [catalogue-protection, no-such-rule]\n"
                              "disable_clauses: [no.such_clause]\n"
                              "profile_defaults: {policy.stanse: restrictive}\n",
                    {"policy_templates/fr/principles.cor.md": "Texte.\n"})
    problems = [str(p) for p in pack_problems(root)]
    text = "\n".join(problems)
    assert "disable_rules: unknown rule 'no-such-rule'" in text
    assert "without rule catalogue-protection, clause copyright.catalogue_protection is selected by no rule" in text
    assert "disable_clauses: unknown clause 'no.such_clause'" in text
    assert "overrides clause 'principles.cor', which does not exist (did you mean 'principles.core'?)" in text
    assert "profile_defaults: unknown question 'policy.stanse'" in text
    result = CliRunner().invoke(main, ["lint", "--pack", str(root)])
    assert result.exit_code == 1 and "no-such-rule" in result.output


# ---------------------------------------------------------------- authoring and distribution


def test_init_build_and_use_an_archive(tmp_path):
    runner = CliRunner()
    pack_dir = tmp_path / "mypack"
    result = runner.invoke(main, ["pack", "init", str(pack_dir), "--extends", "default",
                                  "--publisher", "Association test"])
    assert result.exit_code == 0, result.output
    for name in ("pack.yaml", "README.md", "policy_templates/reference.docx", "policy_templates/outline.yaml",
                 "rules/my-rules.yaml", "policy_templates/fr/purpose.object.md"):
        assert (pack_dir / name).is_file(), name
    readme = (pack_dir / "README.md").read_text(encoding="utf-8")
    for topic in ("profile_defaults", "preamble", "disable_rules", "reference.docx", "pack build"):
        assert topic in readme
    assert pack_problems(pack_dir) == []

    # the example override keeps the default wording until the author edits it
    profile = load_profile(STUDIO)
    fp = lambda pack: {f["clause"]: f["sha256"] for f in clause_fingerprints(
        compose(profile, pack, lang="fr", as_of=AS_OF))}
    assert fp(load_pack(pack_dir))["purpose.object"] == fp(load_pack())["purpose.object"]

    archive = tmp_path / "mypack-1.0.0.zip"
    result = runner.invoke(main, ["pack", "build", str(pack_dir), "-o", str(archive)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(archive) as z:
        manifest = json.loads(z.read("manifest.json"))
    assert manifest["name"] == "mypack" and manifest["version"] == "1.0.0" and manifest["base_version"]
    assert len(manifest["checksum"]) == 64 and "pack.yaml" in manifest["files"]
    first = archive.read_bytes()
    build_archive(pack_dir, archive)
    assert archive.read_bytes() == first  # reproducible

    out = tmp_path / "out.docx"
    result = runner.invoke(main, ["generate", str(STUDIO), "-o", str(out), "--pack", str(archive),
                                  "--as-of", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert load_pack(archive).info.preamble["fr"].startswith("Modèle proposé par Association test")
    assert runner.invoke(main, ["pack", "verify", str(archive)]).exit_code == 0


def test_init_writes_the_scaffold_folder_filled_in(tmp_path):
    """pack init writes the files of balises/packs/scaffold/ with their $placeholders filled, each example
    clause followed by the default pack's text, and the default reference .docx."""
    target = tmp_path / "Réseau arts"
    written = init_pack(target, publisher="Réseau des arts")
    assert written == sorted(written)
    scaffold = {p.relative_to(SCAFFOLD).as_posix() for p in SCAFFOLD.rglob("*") if p.is_file()}
    assert {p.relative_to(target).as_posix() for p in written} == scaffold | {"policy_templates/reference.docx"}
    base = read_layer(default_pack_dir())
    texts = {p.relative_to(target).as_posix(): p.read_text(encoding="utf-8") for p in written if p.suffix != ".docx"}
    assert not [name for name, text in texts.items() if "$" in text]  # every placeholder filled
    info = load_pack(target).info
    assert (info.name, info.publisher, info.base_version) == ("reseau-arts", "Réseau des arts", base.info.version)
    assert info.preamble["en"] == f"Model policy proposed by Réseau des arts ({dt.date.today().isoformat()})."
    readme = texts["README.md"]
    assert readme.startswith("# Pack « reseau-arts » — Réseau des arts\n")
    assert "`{{ org.name }}`" in readme and "`policy_templates/fr/purpose.object.md`" in readme
    for lang in ("fr", "en"):
        key = f"policy_templates/{lang}/purpose.object.md"
        header = (SCAFFOLD / key).read_text(encoding="utf-8")
        assert texts[key] == header + base.files[key].decode("utf-8") and header.startswith("{#")
    assert (target / "policy_templates/reference.docx").read_bytes() == base.files["policy_templates/reference.docx"]


def _rezip(src: Path, dst: Path, change: dict[str, bytes | None]) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename in change:
                if change[info.filename] is not None:
                    zout.writestr(info.filename, change[info.filename])
            else:
                zout.writestr(info, zin.read(info.filename))
        for name, data in change.items():
            if name not in zin.namelist() and data is not None:
                zout.writestr(name, data)


def test_tampered_archive_is_refused(tmp_path):
    archive, _ = build_archive(FIXTURE, tmp_path / "assoc.zip")
    tampered = tmp_path / "tampered.zip"
    _rezip(archive, tampered, {"policy_templates/fr/assoc.credits.md": b"Autre texte.\n"})
    with pytest.raises(PackError, match="checksum mismatch.*altered: policy_templates/fr/assoc.credits.md"):
        read_pack_files(tampered)
    added = tmp_path / "added.zip"
    _rezip(archive, added, {"rules/extra.yaml": b"[]\n"})
    with pytest.raises(PackError, match="checksum mismatch.*added: rules/extra.yaml"):
        read_pack_files(added)
    bare = tmp_path / "bare.zip"
    _rezip(archive, bare, {"manifest.json": None})
    with pytest.raises(PackError, match="manifest.json missing"):
        read_pack_files(bare)
    result = CliRunner().invoke(main, ["generate", str(STUDIO), "-o", str(tmp_path / "x.docx"),
                                       "--pack", str(tampered)])
    assert result.exit_code == 2 and "checksum mismatch" in result.output
    assert not (tmp_path / "x.docx").exists()


# ---------------------------------------------------------------- hostile packs


def _zip(path: Path, members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for info, data in members:
            z.writestr(info, data)
    return path


PACK_YAML = b"name: hostile\nversion: '1'\nextends: default\n"


def _symlink_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


HOSTILE_ARCHIVES = {
    "traversal": ([("pack.yaml", PACK_YAML), ("../../evil.md", b"pwned")], "outside the pack"),
    "absolute": ([("pack.yaml", PACK_YAML), ("/tmp/evil.md", b"pwned")], "outside the pack"),
    "symlink": ([("pack.yaml", PACK_YAML), (_symlink_info("policy_templates/fr/purpose.object.md"), b"/etc/passwd")],
                "symbolic link refused"),
    "oversized": ([("pack.yaml", PACK_YAML), ("policy_templates/fr/purpose.object.md", b"a" * (2 * 1024 * 1024))],
                  "file too large"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_ARCHIVES))
def test_hostile_archive_is_refused(tmp_path, case):
    members, message = HOSTILE_ARCHIVES[case]
    archive = _zip(tmp_path / f"{case}.zip", members)
    out = tmp_path / "out"
    out.mkdir()
    before = _files(tmp_path)
    result = CliRunner().invoke(main, ["generate", str(STUDIO), "-o", str(out / "p.docx"), "--pack", str(archive)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert _files(tmp_path) == before  # nothing written, inside or outside the output folder
    assert not (tmp_path.parent / "evil.md").exists()


def test_symlink_in_pack_folder_is_refused(tmp_path):
    root = _overlay(tmp_path, PACK_YAML.decode())
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (root / "policy_templates" / "fr").mkdir(parents=True)
    (root / "policy_templates" / "fr" / "purpose.object.md").symlink_to(secret)
    with pytest.raises(PackError, match="symbolic link refused"):
        load_pack(root)


@pytest.mark.parametrize("template", ["{{ ''.__class__.__mro__ }}", "{{ cycler.__init__.__globals__ }}",
                                      "{{ org['__class__'] }}"])
def test_template_reaching_python_internals_is_refused(tmp_path, template):
    root = _overlay(tmp_path, PACK_YAML.decode(), {"policy_templates/fr/purpose.object.md": template + "\n"})
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(main, ["generate", str(STUDIO), "-o", str(out / "p.docx"), "--pack", str(root),
                                       "--lang", "fr"])
    assert result.exit_code == 2, result.output
    assert "purpose.object.md" in result.output
    assert "not allowed" in result.output or "unknown variable" in result.output
    assert list(out.iterdir()) == []
    problems = "\n".join(map(str, pack_problems(root)))
    assert "template reaches a Python internal" in problems


@pytest.mark.parametrize("name,text,message", [
    ("rules/evil.yaml", "- !!python/object/apply:os.system ['touch /tmp/balises-pwned']\n", "YAML tag refused"),
    ("pack.yaml", "name: !!python/object/apply:os.system ['touch /tmp/balises-pwned']\nversion: '1'\n",
     "YAML tag refused"),
    ("rules/bomb.yaml", "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 30) + "]\n" for i in range(8)),
     "too many aliases"),
])
def test_hostile_yaml_is_refused(tmp_path, name, text, message):
    root = _overlay(tmp_path, PACK_YAML.decode(), {name: text})
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(main, ["generate", str(STUDIO), "-o", str(out / "p.docx"), "--pack", str(root)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert list(out.iterdir()) == []
    assert not Path("/tmp/balises-pwned").exists()
    with pytest.raises(PackError, match=message):
        archive = tmp_path / "hostile.zip"
        _zip(archive, [(n, p.read_bytes()) for p in root.rglob("*") if p.is_file()
                       for n in [p.relative_to(root).as_posix()]])
        from balises.packs.loader import (  # a well-formed manifest: the YAML is the problem
            MANIFEST_FILE,
            files_checksum,
        )

        files = read_pack_files(root)
        hashes, checksum = files_checksum(files)
        with zipfile.ZipFile(archive, "a") as z:
            z.writestr(MANIFEST_FILE, json.dumps({"files": hashes, "checksum": checksum}))
        load_pack(archive)
