"""Ctrl-C and SIGTERM sent to a running batch: it stops within a second or two, its workers are gone, the
report says what was done, nothing temporary is left, and the message says truthfully what was written."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT

ROW = {"organisation.jurisdiction": "quebec", "organisation.sector": "performing_arts",
       "organisation.employees": "12", "policy.languages": "fr"}


def _members(tmp: Path, count: int) -> Path:
    path = tmp / "members.csv"
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["organisation.name", *ROW])
        writer.writeheader()
        for i in range(count):
            writer.writerow({"organisation.name": f"Membre {i:03d}", **ROW})
    return path


def _group_alive(pgid: int) -> list[int]:
    """Processes still in the batch's process group (its workers, once the parent has exited)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(entry.name))
    return alive


@pytest.mark.parametrize("signame,to_group,code", [("SIGINT", True, 130), ("SIGTERM", False, 143),
                                                    ("SIGTERM", True, 143)],
                         ids=["ctrl-c", "sigterm-parent", "sigterm-group"])
def test_signal_stops_batch_writes_report_leaves_nothing(tmp_path: Path, signame: str, to_group: bool, code: int):
    out = tmp_path / "out"
    env = {**os.environ, "BALISES_LANG": "en", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "balises", "batch", str(_members(tmp_path, 120)), "-o", str(out),
                             "--as-of", "2026-11-23", "-j", "2"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(list(out.glob("*.docx"))) < 3:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        assert len(list(out.glob("*.docx"))) >= 3, "the batch did not start writing"
        sig = getattr(signal, signame)
        sent = time.monotonic()
        if to_group:
            os.killpg(proc.pid, sig)  # what the terminal does on Ctrl-C
        else:
            proc.send_signal(sig)  # what `kill PID` or a service manager does
        stdout, stderr = proc.communicate(timeout=30)
        stopped = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == code, stderr
    print(f"{signame} stopped in {stopped:.2f} s")
    assert stopped < 1.0, f"took {stopped:.1f} s to stop"  # the issue asks for a second
    assert "Traceback" not in stderr
    time.sleep(0.5)
    assert _group_alive(proc.pid) == [], "worker processes left running"
    assert sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp")) == []
    # the report lists every row: those done (their file exists) and the others, marked as not done
    with open(out / "report.csv", newline="") as fh:
        lines = list(csv.DictReader(fh))
    assert len(lines) == 120
    done = [line for line in lines if line["status"] == "ok"]
    assert done and any(line["status"] == "interrupted" for line in lines)
    for line in done:
        assert (out / line["file"]).is_file()
    written = sorted(p.name for p in out.glob("*.docx"))
    assert written == sorted(line["file"] for line in done)
    assert f"{len(written)} file(s) written" in stderr and "report:" in stderr, stderr


@pytest.mark.parametrize("signame,code", [("SIGINT", 130), ("SIGTERM", 143)], ids=["ctrl-c", "sigterm"])
def test_signal_stops_update_of_a_folder_says_what_it_wrote(tmp_path: Path, signame: str, code: int):
    """`update FOLDER` said "no file was written" after writing 22 to 34 files, left no report and exited 130 on
    SIGTERM: it now stops as a batch does."""
    import shutil

    env = {**os.environ, "BALISES_LANG": "en", "PYTHONPATH": str(ROOT)}
    members = tmp_path / "members"
    members.mkdir()
    subprocess.run([sys.executable, "-m", "balises", "generate", str(ROOT / "tests" / "hostile" / "valid.yaml"),
                    "-o", str(members / "m000.docx"), "--as-of", "2026-11-23"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    for i in range(1, 40):
        shutil.copy(members / "m000.docx", members / f"m{i:03d}.docx")
    out = tmp_path / "updated"
    proc = subprocess.Popen([sys.executable, "-m", "balises", "update", str(members), "-o", str(out),
                             "--as-of", "2026-11-23", "-j", "2"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and len(list(out.glob("*.docx"))) < 3:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        os.killpg(proc.pid, getattr(signal, signame))
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == code, stderr
    assert "no file was written" not in stderr and "Traceback" not in stderr, stderr
    with open(out / "report.csv", newline="") as fh:
        lines = list(csv.DictReader(fh))
    assert len(lines) == 40 and any(line["status"] == "interrupted" for line in lines)
    written = sorted(p.name for p in out.glob("*.docx"))
    assert f"{len(written)} file(s) written" in stderr, stderr
    assert sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp")) == []


def test_ctrl_c_while_the_trace_is_written_names_the_policy_written(tmp_path: Path):
    """The policy is written, then its trace: interrupted between the two, the message said "no file was
    written" although the policy had been replaced."""
    script = """
import os, signal, sys
sys.argv = ["balises", *sys.argv[1:]]
real_fsync, calls = os.fsync, []
def fsync(fd):
    calls.append(fd)
    if len(calls) == 2:  # the second file: the trace
        os.kill(os.getpid(), signal.SIGINT)
    return real_fsync(fd)
os.fsync = fsync
from balises.cli.main import run
run()
"""
    env = {**os.environ, "BALISES_LANG": "en", "PYTHONPATH": str(ROOT)}
    policy, trace = tmp_path / "policy.docx", tmp_path / "trace.json"
    result = subprocess.run([sys.executable, "-c", script, "generate", str(ROOT / "tests" / "hostile" / "valid.yaml"),
                             "-o", str(policy), "--trace", str(trace), "--as-of", "2026-11-23"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 130, result.stderr
    assert policy.is_file() and not trace.exists()
    assert f"interrupted: {policy} written; nothing else was written" in result.stderr, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["policy.docx"]


def test_ctrl_c_between_the_updated_policy_and_its_acknowledgement_sheets_names_the_policy_written(tmp_path: Path):
    """Issue 22's update writes two files (the new version, then --acknowledgements): interrupted between the
    two, the message names the one written, and nothing temporary is left (issue 23's rule)."""
    script = """
import os, signal, sys
sys.argv = ["balises", *sys.argv[1:]]
real_fsync, calls = os.fsync, []
def fsync(fd):
    calls.append(fd)
    if len(calls) == 2:  # the second file: the acknowledgement sheets
        os.kill(os.getpid(), signal.SIGINT)
    return real_fsync(fd)
os.fsync = fsync
from balises.cli.main import run
run()
"""
    env = {**os.environ, "BALISES_LANG": "en", "PYTHONPATH": str(ROOT)}
    adopted = tmp_path / "adopted.docx"
    subprocess.run([sys.executable, "-m", "balises", "generate", str(ROOT / "tests" / "hostile" / "valid.yaml"),
                    "-o", str(adopted), "--as-of", "2026-11-23"], cwd=ROOT, env=env, check=True, capture_output=True)
    new, ack = tmp_path / "new.docx", tmp_path / "ack.docx"
    result = subprocess.run([sys.executable, "-c", script, "update", str(adopted), "-o", str(new),
                             "--acknowledgements", str(ack), "--adopted-on", "2026-11-20"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 130, result.stderr
    assert new.is_file() and not ack.exists()
    assert f"interrupted: {new} written; nothing else was written" in result.stderr, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adopted.docx", "new.docx"]
