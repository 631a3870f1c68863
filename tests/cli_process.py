"""The command line run as a user runs it, ``balises ARGS``, in a process of its own under a memory cap and a time
limit, forked from a server process that has already imported Balises (multiprocessing's fork server, which is
single-threaded) rather than started as a new interpreter each time. The code, the arguments, the environment,
the exit code, the output and the exit handlers are the command line's; what is saved is Python's start and
Balises' imports (about 0.3 s) for each of the two hundred attack rows."""

from __future__ import annotations

import atexit
import io
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
from dataclasses import dataclass


@dataclass
class Completed:
    """What ``subprocess.run(..., capture_output=True, text=True)`` gives, the fields the tests read."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str


def _context():
    context = multiprocessing.get_context("forkserver")
    # imported once by the server (if it is not running yet: the wizard's isolated update shares it)
    context.set_forkserver_preload(["balises.cli.main"])
    return context


def _stream(fd: int, like) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.FileIO(fd, "w", closefd=False), encoding=like.encoding, errors=like.errors,
                            write_through=True)


def _child(args: list[str], env: dict, cwd: str, out: str, err: str, memory_cap: int | None) -> None:
    if memory_cap:
        resource.setrlimit(resource.RLIMIT_AS, (memory_cap, memory_cap))
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    for fd, path in ((1, out), (2, err)):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    sys.stdout, sys.stderr = _stream(1, sys.__stdout__), _stream(2, sys.__stderr__)
    sys.argv = ["balises", *args]
    from balises.cli.main import run

    code = 0
    try:
        run()
    except SystemExit as exc:
        code = exc.code
    finally:
        atexit._run_exitfuncs()  # what an interpreter does at exit; a forked child skips it
    sys.exit(code)


def forked_cli(args: list[str], env: dict, cwd: str, seconds: float,
               memory_cap: int | None = None) -> Completed | None:
    """``balises ARGS`` with ``env`` in ``cwd``; None if still running after ``seconds`` (then killed)."""
    folder = tempfile.mkdtemp(prefix="balises-cli-")
    try:
        out, err = os.path.join(folder, "stdout"), os.path.join(folder, "stderr")
        child = _context().Process(target=_child, args=(list(args), dict(env), str(cwd), out, err, memory_cap))
        child.start()
        child.join(seconds)
        if child.is_alive():
            child.kill()
            child.join()
            return None
        with open(out, encoding="utf-8", errors="replace") as fh_out, \
                open(err, encoding="utf-8", errors="replace") as fh_err:
            return Completed(list(args), child.exitcode, fh_out.read(), fh_err.read())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
