"""What `pip install balises` gets: the wheel carries the package's data (the default pack, the scaffold of
`balises pack init`), and the commands that read them work from it, with no source checkout beside it."""

import os
import subprocess
import sys
import zipfile

import pytest

from balises.packs.authoring import SCAFFOLD, init_pack

from .conftest import ROOT

pytest.importorskip("hatchling", reason="hatchling (the build backend) is in the test extras: pip install -e .[test]")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    # the build backend of the venv (test extras), so that building needs no download
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True)
    (path,) = out.glob("balises-*.whl")
    return path


def test_the_wheel_carries_the_pack_init_scaffold(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    scaffold = {p.relative_to(ROOT).as_posix() for p in SCAFFOLD.rglob("*") if p.is_file()}
    assert scaffold and scaffold <= names, sorted(scaffold - names)
    assert "balises/default_pack/policy_templates/reference.docx" in names  # what pack init copies
    assert {"balises/cli/main.py", "balises/cli/commands/pack.py"} <= names


def test_pack_init_from_the_installed_wheel(wheel, tmp_path):
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:  # a pure-Python wheel installs by unpacking it
        z.extractall(site)
    work = tmp_path / "work"  # no source checkout in the current folder or on the path before the wheel's copy
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "BALISES_LANG": "en"}
    where = subprocess.run([sys.executable, "-c", "import balises; print(balises.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert where == str(site / "balises" / "__init__.py")
    result = subprocess.run([sys.executable, "-m", "balises", "pack", "init", "mypack", "--publisher", "Réseau"],
                            cwd=work, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "mypack: pack created (7 files)" in result.stdout

    # the same files, byte for byte, as pack init from the source checkout
    expected = tmp_path / "expected" / "mypack"
    init_pack(expected, publisher="Réseau")
    got = {p.relative_to(work / "mypack"): p.read_bytes() for p in (work / "mypack").rglob("*") if p.is_file()}
    want = {p.relative_to(expected): p.read_bytes() for p in expected.rglob("*") if p.is_file()}
    assert got == want


def test_the_default_pack_is_the_same_files_in_a_checkout_and_in_the_wheel(wheel):
    """In a checkout the default pack's folders sit beside the code and the test suite: it is read from its
    own parts only (the wheel's force-include), not from every file of the repository."""
    import tomllib

    from balises.packs.loader import PACK_PARTS, default_pack_dir, read_pack_files

    shipped = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert set(shipped["force-include"]) == set(PACK_PARTS)
    files = read_pack_files(default_pack_dir())
    assert {name.split("/")[0] for name in files} == set(PACK_PARTS)
    with zipfile.ZipFile(wheel) as z:
        in_wheel = {n.removeprefix("balises/default_pack/") for n in z.namelist()
                    if n.startswith("balises/default_pack/")}
    assert set(files) == in_wheel, sorted(set(files) ^ in_wheel)
