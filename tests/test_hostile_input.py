"""Hostile input through the command line: every bad input gets a clear message, a non-zero exit (2 for bad
input), no traceback, and nothing lost or half-written.

The cases run ``python -m balises generate`` in a subprocess, as an adviser or a server would. Cases that need a
successful generation use the minimal pack of tests/hostile/pack (one section, one clause), so that they do not
depend on the clause text being edited.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .conftest import ROOT

HOSTILE = Path(__file__).resolve().parent / "hostile"
AS_OF = "2026-11-23"
OLD_CONTENT = b"PK old policy, approved by the board - must survive any failure\n" * 50


def run_cli(*args: str, timeout: float = 60, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "BALISES_LANG": "en", "PYTHONPATH": str(ROOT)}
    env.pop("BALISES_DEBUG", None)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "balises", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def mini_pack(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("pack") / "mini"
    shutil.copytree(HOSTILE / "pack", target)
    shutil.copy(ROOT / "policy_templates" / "reference.docx", target / "policy_templates" / "reference.docx")
    return target


def leftovers(folder: Path) -> list[str]:
    """Temporary files write_atomic might have left (``.name.XXXX.tmp``)."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ----------------------------------------------------------------------------------------------- the table


@dataclass
class Case:
    id: str
    profile: str | None = None  # a file under tests/hostile/, or built by ``make``
    make: object = None  # callable(tmp_path) -> profile path
    output: object = None  # callable(tmp_path) -> output path; default tmp_path / "policy.docx"
    extra: list = field(default_factory=list)
    exit: int = 2
    words: tuple = ()  # all must appear in stderr (case-insensitive)
    skip_if_root: bool = False


def _big_file(tmp: Path) -> Path:
    path = tmp / "big.yaml"
    with open(path, "wb") as fh:
        fh.write(b"schema_version: 1\n# ")
        fh.truncate(50 * 1024 * 1024)  # 50 MB (sparse: cheap to make)
    return path


def _deep_yaml(tmp: Path) -> Path:
    path = tmp / "deep.yaml"
    path.write_text("organisation: " + "[" * 5000 + "]" * 5000 + "\n")
    return path


def _many_tools(tmp: Path) -> Path:
    path = tmp / "tools.yaml"
    tools = "".join(f"  - {{name: Tool{i}}}\n" for i in range(250))
    path.write_text((HOSTILE / "valid.yaml").read_text() + "tools:\n" + tools)
    return path


def _long_name(tmp: Path) -> Path:
    path = tmp / "long.yaml"
    path.write_text((HOSTILE / "valid.yaml").read_text().replace('"Compagnie Hostile"', '"' + "A" * 5000 + '"'))
    return path


def _readonly_dir(tmp: Path) -> Path:
    folder = tmp / "readonly"
    folder.mkdir()
    folder.chmod(0o555)
    return folder / "policy.docx"


CASES = [
    Case("malformed-yaml", "malformed.yaml", words=("malformed.yaml", "invalid YAML")),
    Case("malformed-json", "malformed.json", words=("malformed.json", "invalid JSON")),
    Case("not-utf8", "latin1.yaml", words=("UTF-8",)),
    Case("alias-bomb", "alias_bomb.yaml", words=("alias", "too many")),
    Case("python-tag", "python_tag.yaml", words=("tag refused", "python")),
    Case("file-50MB", make=_big_file, words=("too large", "bytes")),
    Case("deeply-nested", make=_deep_yaml, words=("deep",)),
    Case("not-a-mapping", "not_a_mapping.yaml", words=("mapping",)),
    Case("wrong-types", "wrong_types.yaml",
         words=("organisation.employees", "whole number", "organisation.freelancers", "boolean",
                "policy.languages", "list")),
    Case("unknown-keys", "unknown_keys.yaml",
         words=("organisation.colour", "unknown key", "polcy", "did you mean 'policy'")),
    Case("contract-cse-outside-france", "constraints.yaml", words=("organisation.staff_representation", "CSE")),
    Case("control-characters", "control_chars.yaml", words=("organisation.name", "control characters")),
    Case("too-many-tools", make=_many_tools, words=("tools", "too long", "200")),
    Case("name-too-long", make=_long_name, words=("organisation.name", "too long", "5000")),
    Case("missing-profile", make=lambda tmp: tmp / "nowhere.yaml", words=("File not found",)),
    Case("profile-is-a-directory", make=lambda tmp: tmp, words=("directory",)),
    Case("bad-as-of", "valid.yaml", extra=["--as-of", "2026-13-45"], words=("--as-of", "not a date")),
    Case("bad-lang", "valid.yaml", extra=["--lang", "de"], words=("--lang", "de")),
    Case("bad-edition", "valid.yaml", extra=["--edition", "poster"], words=("--edition", "poster")),
    Case("output-is-a-directory", "valid.yaml", output=lambda tmp: tmp, words=("is a directory", "file name")),
    Case("output-folder-missing", "valid.yaml", output=lambda tmp: tmp / "no" / "such" / "policy.docx",
         words=("does not exist",)),
    Case("output-parent-is-a-file", "valid.yaml", output=lambda tmp: (tmp / "f").write_text("x") and tmp / "f" / "p.docx",
         words=("does not exist",)),
    Case("output-unwritable", "valid.yaml", output=_readonly_dir, words=("permission denied",), skip_if_root=True),
    Case("trace-is-a-directory", "valid.yaml", extra=["--trace", "{tmp}"], words=("is a directory",)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_clearly(case: Case, tmp_path: Path):
    if case.skip_if_root and os.geteuid() == 0:
        pytest.skip("running as root: file permissions do not stop root (the check is os.access)")
    profile = case.make(tmp_path) if case.make else HOSTILE / case.profile
    output = case.output(tmp_path) if case.output else tmp_path / "policy.docx"
    before = sorted(p.name for p in tmp_path.iterdir()) if tmp_path.is_dir() else []
    extra = [a.replace("{tmp}", str(tmp_path)) for a in case.extra]
    result = run_cli("generate", str(profile), "-o", str(output), "--as-of", AS_OF, *extra)
    err = result.stderr + result.stdout
    assert result.returncode == case.exit, err
    assert "Traceback" not in err and "internal error" not in err, err
    for word in case.words:
        assert word.lower() in err.lower(), f"{word!r} not in: {err}"
    # nothing written, nothing half-written
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    if output.parent.is_dir():
        assert leftovers(output.parent) == []
    assert not Path("/tmp/balises-pwned").exists()


def test_message_in_french_names_the_field(tmp_path: Path):
    result = run_cli("generate", str(HOSTILE / "wrong_types.yaml"), "-o", str(tmp_path / "p.docx"),
                     env_extra={"BALISES_LANG": "fr"})
    assert result.returncode == 2
    assert "organisation.employees" in result.stderr and "nombre entier" in result.stderr
    assert "Traceback" not in result.stderr


# ----------------------------------------------------------------------- existing files: replaced or kept


def test_invalid_profile_leaves_existing_output_byte_identical(tmp_path: Path):
    out = tmp_path / "policy.docx"
    out.write_bytes(OLD_CONTENT)
    before = digest(out)
    for bad in ("wrong_types.yaml", "malformed.yaml", "alias_bomb.yaml", "python_tag.yaml"):
        result = run_cli("generate", str(HOSTILE / bad), "-o", str(out), "--as-of", AS_OF)
        assert result.returncode == 2, result.stderr
        assert digest(out) == before, bad
    assert leftovers(tmp_path) == []


def test_existing_output_is_replaced_whole(tmp_path: Path, mini_pack: Path):
    import docx

    out = tmp_path / "policy.docx"
    out.write_bytes(OLD_CONTENT)
    out.chmod(0o640)
    result = run_cli("generate", str(HOSTILE / "valid.yaml"), "-o", str(out), "--as-of", AS_OF,
                     "--pack", str(mini_pack))
    assert result.returncode == 0, result.stderr
    assert "Compagnie Hostile" in "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert out.stat().st_mode & 0o777 == 0o640  # the file keeps its permissions
    assert leftovers(tmp_path) == []


def test_write_failure_after_generation_is_reported(tmp_path: Path, mini_pack: Path):
    """/proc accepts the access check but refuses the file: the write fails after the generation."""
    if not os.access("/proc", os.W_OK):
        pytest.skip("needs a folder that os.access calls writable but that refuses files")
    result = run_cli("generate", str(HOSTILE / "valid.yaml"), "-o", "/proc/balises-policy.docx", "--as-of", AS_OF,
                     "--pack", str(mini_pack))
    err = result.stderr + result.stdout
    assert result.returncode == 2, err
    assert "Traceback" not in err and "/proc/balises-policy.docx" in err
    assert not Path("/proc/balises-policy.docx").exists()


# ------------------------------------------------------------------------------------ interrupted runs

INTERRUPT = """
import os, signal, sys
sys.argv = ["balises", *sys.argv[1:]]
real_fsync = os.fsync
def fsync(fd):
    os.kill(os.getpid(), signal.{signal})   # the user presses Ctrl-C (or the server kills us) mid-write
    return real_fsync(fd)
os.fsync = fsync
from balises.cli import run
run()
"""


def _interrupted(signame: str, tmp_path: Path, mini_pack: Path) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path / "policy.docx"
    out.write_bytes(OLD_CONTENT)
    env = {**os.environ, "BALISES_LANG": "en", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", INTERRUPT.replace("{signal}", signame), "generate", str(HOSTILE / "valid.yaml"),
         "-o", str(out), "--as-of", AS_OF, "--pack", str(mini_pack)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    return result, out


def test_ctrl_c_mid_write_leaves_old_file_and_no_temp_file(tmp_path: Path, mini_pack: Path):
    result, out = _interrupted("SIGINT", tmp_path, mini_pack)
    assert result.returncode == 130, result.stderr
    assert "interrupted: no file was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert out.read_bytes() == OLD_CONTENT
    assert leftovers(tmp_path) == []


def test_killed_mid_write_never_leaves_a_half_written_policy(tmp_path: Path, mini_pack: Path):
    """SIGKILL cannot be cleaned up after; what matters is that the policy itself is never half-written."""
    result, out = _interrupted("SIGKILL", tmp_path, mini_pack)
    assert result.returncode == -signal.SIGKILL
    assert out.read_bytes() == OLD_CONTENT
    for name in leftovers(tmp_path):  # a stray temporary file is named as such, never as the policy
        assert name.startswith(".policy.docx.") and name.endswith(".tmp")


@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), RuntimeError("boom"), KeyboardInterrupt()],
                         ids=["disk-full", "bug", "ctrl-c"])
def test_exception_inside_write_atomic_removes_temp_file(tmp_path: Path, monkeypatch, exc):
    from balises import api
    from balises.errors import OutputError

    out = tmp_path / "policy.docx"
    out.write_bytes(OLD_CONTENT)

    def failing_fsync(fd):
        raise exc

    monkeypatch.setattr(api.os, "fsync", failing_fsync)
    expected = OutputError if isinstance(exc, OSError) else type(exc)
    with pytest.raises(expected) as info:
        api.write_atomic(out, b"new content that must never be seen half-written")
    if isinstance(exc, OSError):
        assert "No space left on device" in str(info.value) and str(out) in str(info.value)
    assert out.read_bytes() == OLD_CONTENT
    assert leftovers(tmp_path) == []
