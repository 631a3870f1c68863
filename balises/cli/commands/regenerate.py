"""``balises regenerate``: a policy (or a folder of them) made again from its embedded answers."""

from __future__ import annotations

import json
from pathlib import Path

import click

from balises import safewrite
from balises.cli.common import (
    AS_OF,
    PACK,
    parse_as_of,
    fail,
    folder_done,
    interrupted,
    message_lang,
    echo,
    one_line,
    progress_bar,
)
from balises.errors import BalisesError
from balises.packs.loader import load_pack
from balises.services import generate as api


@click.command()
@click.argument("old", type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(),
              help="The new Word file (or, when OLD is a folder, the folder for the new policies).")
@PACK
@AS_OF
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None, help="Worker processes for a folder.")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@click.option("--trace", "trace_path", type=click.Path(), default=None,
              help="Also write the new policy's decision trace (JSON), as balises generate --trace does.")
def regenerate(old, output, pack, as_of, jobs, as_json, trace_path):
    """Make OLD.docx again from its embedded answers with the current pack and law, and say what changed.

    Edits made to OLD since it was generated are not kept: `balises update` keeps them.

    OLD may be a folder of policies: each is regenerated into OUTPUT, with report.csv."""
    # lazy: regenerate loads python-docx and batch (~40 ms), not needed at `balises --help`
    from balises.services.batch import Interrupted
    from balises.services.regenerate import read_docx, run_regenerate_folder
    from balises.services.regenerate import regenerate as regen

    try:
        date = parse_as_of(as_of)
        if Path(old).is_dir():
            count = len([p for p in Path(old).iterdir() if p.suffix.lower() == ".docx"])
            try:
                with progress_bar(count, "Regenerating") as bar:
                    result = run_regenerate_folder(old, output, pack_location=pack, as_of=date, jobs=jobs,
                                                   messages=message_lang(), progress=bar.update)
            except Interrupted as exc:
                interrupted(exc)
            for line in result.lines:
                echo(f"{one_line(line['row'])}: {line['status']} {line.get('changes') or line['error']}")
            folder_done(result, "regenerated")
            return
        safewrite.check_output_path(output)
        safewrite.check_not_input(output, old)
        if trace_path:
            safewrite.check_output_path(trace_path)
            safewrite.check_not_input(trace_path, old, output)
        result = regen(read_docx(old), load_pack(pack), as_of=date, source=old)
        safewrite.write_atomic(output, result.docx)
        if trace_path:
            safewrite.write_atomic(trace_path, api.decision_trace(result.document))
    except BalisesError as exc:
        fail(exc)
    lang = message_lang()
    if as_json:
        echo(json.dumps(result.diff.to_dict(), ensure_ascii=False, indent=2))
    else:
        for line in result.diff.lines(lang):
            echo(line)
    echo(f"{output}: written ({result.diff.summary()}).")
