"""What every ``balises`` command module shares: the message language, the error exit, the --pack and --as-of
options. :mod:`balises.cli.main` builds the group from the commands of :mod:`balises.cli.commands`; they
import these helpers from here, never the group itself."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import sys

import click

from balises.errors import BalisesError


def message_lang() -> str:
    for var in ("BALISES_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


# what a terminal would act on rather than show: C0 controls but tab and line feed (a carriage return
# rewrites the line, ESC starts a sequence: window title, screen clear, colours), DEL, C1 controls (CSI…)
_TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` as a terminal shows it and acts on nothing: each control character written as ``\\uXXXX``
    (which JSON reads back as the same character)."""
    return _TERMINAL_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def one_line(text: str) -> str:
    """A name from a file (a member's file name, a case's description) on one line, and printable."""
    return printable(" ".join(str(text).split()))


def echo(text: str = "", err: bool = False, nl: bool = True) -> None:
    """click.echo for everything the commands print: names, answers and texts from files and packs may hold
    terminal escape sequences, which are shown, never sent to the terminal."""
    click.echo(printable(str(text)), err=err, nl=nl)


def fail(exc: BalisesError) -> None:
    echo(exc.message(message_lang()), err=True)
    sys.exit(2)


def parse_as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint="--as-of") from None


def folder_done(result, done: str) -> None:
    """The last lines of a folder's run (regenerate, update): how many were done, the report; exit 1 when a
    policy failed."""
    echo(f"{len(result.lines) - len(result.failed)} {done}, {len(result.failed)} failed; "
         f"report: {result.report}")
    if result.failed:
        sys.exit(1)


def progress_bar(total: int, label: str):
    """The bar a folder's run (batch, regenerate) draws on stderr, so that stdout keeps only its results."""
    return click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True, show_eta=True)


def interrupted(exc) -> None:
    """Say truthfully what an interrupted batch wrote, then exit 130 (Ctrl-C) or 143 (SIGTERM)."""
    name = "Ctrl-C" if exc.signum == signal.SIGINT else signal.Signals(exc.signum).name
    result = exc.result
    if result is None:
        echo(f"\ninterrupted ({name}): no report written.", err=True)
    else:
        done = sum(1 for line in result.lines if line["status"] == "ok")
        left = sum(1 for line in result.lines if line["status"] == "interrupted")
        echo(f"\ninterrupted ({name}): {result.written} file(s) written, {done} row(s) done, {left} not "
             f"done; report: {result.report}", err=True)
    sys.exit(128 + exc.signum)


PACK = click.option("--pack", "pack", type=click.Path(), default=None,
                    help="A pack folder or .zip archive layered over the default pack.")
AS_OF = click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
                     help="Generate as of this date (rules not yet in force are left out). Default: today.")
