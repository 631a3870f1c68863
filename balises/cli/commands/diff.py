"""``balises diff``: the clauses added, removed and changed between two policies, and why."""

from __future__ import annotations

import json

import click

from balises import safewrite
from balises.cli.common import PACK, fail, message_lang, echo
from balises.errors import BalisesError
from balises.packs.loader import load_pack


@click.command()
@click.argument("old", type=click.Path())
@click.argument("new", type=click.Path())
@PACK
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@click.option("--redline", "redline_path", type=click.Path(), default=None,
              help="Also write NEW as a Word file with every change from OLD as a tracked change and a comment.")
def diff(old, new, pack, as_json, redline_path):
    """List, per section, the clauses added, removed and changed between two policies, and why."""
    # lazy: diff and update load python-docx and batch (~40 ms), not needed at `balises --help`
    from balises.services.diff import diff_documents
    from balises.services.regenerate import read_docx
    from balises.services.update import redline

    try:
        if redline_path:
            safewrite.check_output_path(redline_path)
            safewrite.check_not_input(redline_path, old, new)
        loaded = load_pack(pack)
        old_bytes, new_bytes = read_docx(old), read_docx(new)
        result = diff_documents(old_bytes, new_bytes, loaded)
        removed: list[tuple[str, str]] = []
        if redline_path:
            safewrite.write_atomic(redline_path, redline(old_bytes, new_bytes, loaded, removed=removed))
    except BalisesError as exc:
        fail(exc)
    if redline_path:
        for fr, en in removed:
            echo(f"note: {'retiré' if message_lang() == 'fr' else 'removed'}: {fr if message_lang() == 'fr' else en}", err=True)
        echo(f"{redline_path}: written (tracked changes by Balises).", err=True)
    if as_json:
        echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    for line in result.lines(message_lang()):
        echo(line)
