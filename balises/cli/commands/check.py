"""``balises check``: a kit folder (or one policy) read back and compared with the decision model."""

from __future__ import annotations

import sys

import click

from balises.cli.common import PACK, fail, message_lang
from balises.errors import BalisesError
from balises.packs.loader import load_pack


@click.command()
@click.argument("path", type=click.Path())
@PACK
def check(path, pack):
    """Check a kit folder (or one policy, .docx) against the decision model: every verdict, tool, condition,
    date and contact its documents state, read back and compared with the model recomputed from the answers
    they embed. Exit 1 when a document says something else, 2 when a file cannot be read."""
    from balises.services.check import check_path  # lazy: the Word and spreadsheet readers

    lang = message_lang()
    try:
        report = check_path(path, load_pack(pack))
    except BalisesError as exc:
        fail(exc)
    for line in report.lines(lang):
        click.echo(line)
    if report.differences:
        sys.exit(1)
