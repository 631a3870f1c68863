"""``balises update``: an adopted policy brought up to date, the organisation's edits kept, Balises' changes as
Word tracked changes. Registers on the ``balises`` group of :mod:`balises.cli.main`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from balises.cli.common import AS_OF, PACK, _as_of, _fail, _folder_done, _interrupted, _lang, echo, one_line
from balises.errors import BalisesError
from balises.packs.loader import load_pack
from balises.services import generate as api


@click.command()
@click.argument("adopted", type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(),
              help="The new Word file (or, when ADOPTED is a folder, the folder for the new policies).")
@PACK
@AS_OF
@click.option("--version", "version", default=None, metavar="V",
              help="The new version number. Default: 1.0 → 1.1 for wording changes, 2.0 for material ones.")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None, help="Worker processes for a folder.")
@click.option("--json", "as_json", is_flag=True, help="Print the changes and the merge as JSON.")
def update(adopted, output, pack, as_of, version, jobs, as_json):
    """Bring ADOPTED.docx (as your organisation has it now) up to date with the current pack and law.

    Paragraphs you edited or added stay; Balises' changes appear as tracked changes (author "Balises") with a
    comment giving the reason; where both changed a passage, your text stays and the new one is proposed
    beside it. ADOPTED may be a folder of members' policies: each is updated into OUTPUT, with report.csv."""
    # lazy: update loads python-docx and batch (~40 ms), not needed at `balises --help`
    from balises.services.batch import Interrupted
    from balises.services.regenerate import read_docx
    from balises.services.update import run_update_folder
    from balises.services.update import update as do_update

    try:
        date = _as_of(as_of)
        if Path(adopted).is_dir():
            count = len([p for p in Path(adopted).iterdir() if p.suffix.lower() == ".docx"])
            try:
                with click.progressbar(length=count, label="Updating", file=sys.stderr, show_pos=True) as bar:
                    result = run_update_folder(adopted, output, pack_location=pack, as_of=date, jobs=jobs,
                                               messages=_lang(), progress=bar.update)
            except Interrupted as exc:
                _interrupted(exc)
            for line in result.lines:
                if line["status"] == "ok":
                    echo(f"{one_line(line['row'])}: {line['version']}, material {line['material']}, "
                         f"conflicts {line['conflicts']}" + (f" ({line['to_look_at']})" if line['to_look_at']
                                                                   else ""))
                else:
                    echo(f"{one_line(line['row'])}: error {line['error']}")
            _folder_done(result, "updated")
            return
        api.check_output_path(output)
        api.check_not_input(output, adopted)
        result = do_update(read_docx(adopted), load_pack(pack), as_of=date, source=adopted, version=version)
        api.write_atomic(output, result.docx)
    except BalisesError as exc:
        _fail(exc)
    if as_json:
        data = result.diff.to_dict()
        data["version"] = result.version
        data["merge"] = [{"clause": c.clause, "status": c.status} for c in result.plan.clauses if c.status != "same"]
        echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for line in result.lines(_lang()):
            echo(line)
    echo(f"{output}: written (version {result.version}; {result.diff.class_summary()}; "
         f"{len(result.conflicts)} conflict(s)).")


COMMANDS = (update,)  # added to the `balises` group by balises.cli.main
