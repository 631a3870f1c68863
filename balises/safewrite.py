"""Writing a file safely, for every stage that writes one (a kit, a pack archive, a batch's report, a
spreadsheet): the whole file or nothing, never over one of the command's own inputs, never over a device, and
the files written said truthfully when a command is interrupted."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
import threading
from pathlib import Path

from balises.errors import OutputError


def check_output_path(path: str | Path) -> Path:
    """Refuse an output path that cannot be written, before any work is done."""
    path = Path(path)
    name_max = 255
    with contextlib.suppress(OSError, ValueError):
        name_max = os.pathconf(path.parent if str(path.parent) else ".", "PC_NAME_MAX")
    longest = name_max - len(".XXXXXXXX.tmp") - 1  # the temporary file beside it has a longer name
    if len(os.fsencode(path.name)) > longest:
        raise OutputError(f"Nom de fichier trop long ({len(os.fsencode(path.name))} octets ; au plus {longest}) : "
                          f"{path.name[:40]}…",
                          f"File name too long ({len(os.fsencode(path.name))} bytes; at most {longest}): "
                          f"{path.name[:40]}…")
    if path.is_dir():
        raise OutputError(f"{path} est un dossier : donnez un nom de fichier (.docx).",
                          f"{path} is a directory: give a file name (.docx).")
    _refuse_special(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"Le dossier {parent} n'existe pas.", f"Folder {parent} does not exist.")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"Écriture impossible dans {parent} (permission refusée).",
                          f"Cannot write in {parent} (permission denied).")
    return path


def _refuse_special(path: Path) -> None:
    """Only a regular file (or a symbolic link, which is replaced, never followed) is overwritten: as root,
    ``-o /dev/null`` would otherwise replace the system's /dev/null."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return  # a new file
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode) or stat.S_ISDIR(mode)):
        raise OutputError(f"{path} n'est pas un fichier ordinaire (périphérique, tube ou socket) : rien n'est écrit.",
                          f"{path} is not a regular file (a device, pipe or socket): nothing is written.")


def _file_mode(path: Path) -> int:
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: str | Path, data: bytes) -> Path:
    """Write the whole file or nothing: a temporary file beside the target, then an atomic rename.
    An existing file is replaced only once the new one is complete."""
    path = check_output_path(path)
    # a stop signal between creating the temporary file and recording it would leave it behind: held until
    # it is recorded (the handler then finds it and removes it)
    with _signals_held():
        try:  # a folder that passes the access check may still refuse files (read-only mount, /proc, quota)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                       dir=path.parent if str(path.parent) else ".")
        except OSError as exc:
            raise OutputError(f"Écriture de {path} impossible : {exc.strerror}.",
                              f"Cannot write {path}: {exc.strerror}.") from None
        _PENDING.add(tmp)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _file_mode(path))  # mkstemp creates 0600; a policy is an ordinary document
        _refuse_special(path)  # again: it may have appeared while the file was written
        os.replace(tmp, path)
        WRITTEN.append(path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(f"Écriture de {path} impossible : {exc.strerror}.",
                              f"Cannot write {path}: {exc.strerror}.") from None
        raise
    finally:
        _PENDING.discard(tmp)
    return path


_PENDING: set[str] = set()  # temporary files being written, for a signal handler that must exit at once
WRITTEN: list[Path] = []  # the files this process wrote, for what an interrupted command says it wrote


def check_not_input(output: str | Path, *inputs: str | Path | None) -> None:
    """Refuse to write over one of the command's own inputs (``diff OLD NEW --redline OLD``, a trace named
    like the profile): the same path, or another name of the same file (a link)."""
    out = Path(output)
    for given in inputs:
        if given is None:
            continue
        source = Path(given)
        same = out.resolve() == source.resolve()
        with contextlib.suppress(OSError):
            same = same or os.path.samefile(out, source)
        if same:
            raise OutputError(f"{out} est aussi une entrée de la commande ({source}) : donnez un autre nom au "
                              "fichier à écrire, l'entrée reste telle quelle.",
                              f"{out} is also one of the command's inputs ({source}): give the file to write "
                              "another name; the input is left as it is.")


@contextlib.contextmanager
def _signals_held():
    """SIGINT and SIGTERM held back (delivered on exit) where the platform and the thread allow it."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def remove_pending_temp_files() -> None:
    """Remove the temporary files of writes in progress (a worker told to stop exits without unwinding)."""
    for tmp in list(_PENDING):
        try:
            os.unlink(tmp)
        except OSError:
            pass
        _PENDING.discard(tmp)
