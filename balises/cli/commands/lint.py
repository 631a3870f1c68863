"""``balises lint``: every problem of a pack in one run."""

from __future__ import annotations

import sys

import click

from balises.cli.common import PACK, fail, message_lang, echo
from balises.errors import BalisesError
from balises.packs.authoring import pack_report, smoke_skipped


@click.command()
@PACK
def lint(pack):
    """Check a pack (the default one, or --pack layered over it): every problem in one run, as file:line:
    message, in French or English (BALISES_LANG or the locale). Exit 1 when problems are found, 2 when the
    pack cannot be read."""
    lang = message_lang()
    note = None
    try:
        problems, summary = pack_report(pack)
        if pack is not None:
            note = smoke_skipped()
    except BalisesError as exc:
        fail(exc)
    for problem in problems:
        echo(problem.text(lang))
    if note:
        echo(note[0] if lang == "fr" else note[1], err=True)
    label = pack or ("paquet par défaut" if lang == "fr" else "default pack")
    if summary:  # how the pack's law sources open (a pack that does not build has its problems listed above)
        echo(summary.text(lang), err=True)
    if problems:
        echo(f"{len(problems)} problème(s) dans {label}." if lang == "fr"
             else f"{len(problems)} problem(s) in {label}.", err=True)
        sys.exit(1)
    echo(f"{label} : aucun problème trouvé." if lang == "fr" else f"{label}: no problem found.")
