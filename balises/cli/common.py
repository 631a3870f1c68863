"""What every ``balises`` command module shares: the message language, the error exit, the --pack and --as-of
options. :mod:`balises.cli.main` builds the group from the commands of :mod:`balises.cli.packs` and
:mod:`balises.cli.update`; they import these helpers from here, never the group itself."""

from __future__ import annotations

import datetime as dt
import os
import sys

import click

from balises.errors import BalisesError


def _lang() -> str:
    for var in ("BALISES_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


def _fail(exc: BalisesError) -> None:
    click.echo(exc.message(_lang()), err=True)
    sys.exit(2)


def _as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint="--as-of") from None


def _folder_done(result, done: str) -> None:
    """The last lines of a folder's run (regenerate, update): how many were done, the report; exit 1 when a
    policy failed."""
    click.echo(f"{len(result.lines) - len(result.failed)} {done}, {len(result.failed)} failed; "
               f"report: {result.report}")
    if result.failed:
        sys.exit(1)


PACK = click.option("--pack", "pack", type=click.Path(), default=None,
                    help="A pack folder or .zip archive layered over the default pack.")
AS_OF = click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
                     help="Generate as of this date (rules not yet in force are left out). Default: today.")
