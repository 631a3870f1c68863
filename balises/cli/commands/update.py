"""``balises update``: an adopted policy brought up to date, the organisation's document kept whole, Balises'
changes as Word tracked changes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from balises import safewrite
from balises.cli.common import (
    AS_OF,
    PACK,
    echo,
    fail,
    folder_done,
    interrupted,
    message_lang,
    one_line,
    parse_as_of,
)
from balises.errors import BalisesError
from balises.packs.loader import load_pack


def _date(value: str | None, option: str):
    try:
        return parse_as_of(value)
    except click.BadParameter:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option) from None


@click.command()
@click.argument("adopted", type=click.Path())
@click.option("-o", "--output", type=click.Path(), default=None,
              help="The new Word file (or, when ADOPTED is a folder, the folder for the new policies).")
@PACK
@AS_OF
@click.option("--version", "version", default=None, metavar="V",
              help="The new version number. Default: 1.0 → 1.1 for wording changes, 2.0 for material ones.")
@click.option("--answers", "answers_path", type=click.Path(), default=None, metavar="ANSWERS.yaml",
              help="Changed answers: their changes come in as tracked changes, classified (a tool approved for "
                   "more information is material). Also what a policy that lost its embedded data starts from.")
@click.option("--base", "base_path", type=click.Path(), default=None, metavar="ORIGINAL.docx",
              help="The policy as Balises wrote it, for an ADOPTED that lost its embedded data (saved as .odt, "
                   "through Google Docs, pasted into a new file): its paragraphs are aligned with yours.")
@click.option("--effective", default=None, metavar="YYYY-MM-DD",
              help="The day the new version (or, with no change, this one) comes into force.")
@click.option("--adopted-on", "adopted_on", default=None, metavar="YYYY-MM-DD",
              help="The day ADOPTED's version was adopted: recorded in the text, the title page, the properties "
                   "and the history.")
@click.option("--adopted-by", "adopted_by", default=None, metavar="BODY",
              help="The body that adopted it (default: the one the answers name).")
@click.option("--acknowledgements", "ack_path", type=click.Path(), default=None, metavar="FILE.docx",
              help="Also write the staff's acknowledgement sheets for the new version.")
@click.option("--dry-run", is_flag=True, help="Print what would change; write nothing.")
@click.option("--check", "check_only", is_flag=True,
              help="List the conflicts a previous update marked and nobody has settled yet, and the pending "
                   "revisions; write nothing (exit 1 when a conflict is still to settle).")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None, help="Worker processes for a folder.")
@click.option("--json", "as_json", is_flag=True, help="Print the changes and the merge as JSON.")
def update(adopted, output, pack, as_of, version, answers_path, base_path, effective, adopted_on, adopted_by,
           ack_path, dry_run, check_only, jobs, as_json):
    """Bring ADOPTED.docx (as your organisation has it now) up to date with the current pack and law.

    Your document stays as it is (edits, styles, lists, comments, notes, colleagues' pending revisions…);
    Balises' changes come in as tracked changes (author "Balises") with a comment giving the reason; where
    both changed a passage, both versions stay side by side, marked as a conflict until someone settles
    it. ADOPTED may be a folder of members' policies: each is updated into OUTPUT, with report.csv."""
    # lazy: update loads python-docx and batch (~40 ms), not needed at `balises --help`
    from balises.contract import answers as answers_file
    from balises.services.batch import Interrupted
    from balises.services.regenerate import read_docx
    from balises.services.update import acknowledgements, check, run_update_folder
    from balises.services.update import update as do_update

    try:
        folder = Path(adopted).is_dir()
        if folder and (check_only or dry_run):
            raise click.UsageError("--check and --dry-run work on one file; a folder is updated into -o OUTPUT.")
        if check_only:
            result = check(read_docx(adopted), source=adopted)
            for line in result.lines(message_lang()):
                echo(line)
            sys.exit(1 if result.conflicts else 0)
        if output is None and not dry_run:
            raise click.UsageError("Missing option '-o' / '--output' (or give --dry-run or --check).")
        date = parse_as_of(as_of)
        if folder:
            given = [name for name, value in (("--answers", answers_path), ("--base", base_path),
                                              ("--effective", effective), ("--adopted-on", adopted_on),
                                              ("--adopted-by", adopted_by), ("--acknowledgements", ack_path),
                                              ("--version", version)) if value]
            if given:  # each member has its own answers, dates and adoption: never one for all
                raise click.UsageError(f"{', '.join(given)}: for one policy at a time, not for a folder.")
            count = len([p for p in Path(adopted).iterdir() if p.suffix.lower() == ".docx"])
            try:
                with click.progressbar(length=count, label="Updating", file=sys.stderr, show_pos=True) as bar:
                    result = run_update_folder(adopted, output, pack_location=pack, as_of=date, jobs=jobs,
                                               messages=message_lang(), progress=bar.update)
            except Interrupted as exc:
                interrupted(exc)
            for line in result.lines:
                if line["status"] == "ok":
                    echo(f"{one_line(line['row'])}: {line['version']}, material {line['material']}, "
                         f"conflicts {line['conflicts']}" + (f" ({line['to_look_at']})" if line['to_look_at']
                                                             else ""))
                else:
                    echo(f"{one_line(line['row'])}: error {line['error']}")
            folder_done(result, "updated")
            return
        inputs = (adopted, base_path, answers_path)
        if output is not None:  # the adopted version, the original and the answers stay as they are
            safewrite.check_output_path(output)
            safewrite.check_not_input(output, *inputs)
        if ack_path:
            safewrite.check_output_path(ack_path)
            safewrite.check_not_input(ack_path, *inputs, output)
        loaded = load_pack(pack)
        profile = answers_file.load(answers_path, loaded).profile if answers_path else None
        result = do_update(read_docx(adopted), loaded, as_of=date, source=adopted, version=version, answers=profile,
                           base_docx=read_docx(base_path) if base_path else None,
                           effective=_date(effective, "--effective"), adopted_on=_date(adopted_on, "--adopted-on"),
                           adopted_by=adopted_by)
        if not dry_run:
            safewrite.write_atomic(output, result.docx)
            if ack_path:
                safewrite.write_atomic(ack_path, acknowledgements(result, loaded))
    except BalisesError as exc:
        fail(exc)
    if as_json:
        data = result.diff.to_dict()
        data["version"] = result.version
        data["unchanged"] = result.unchanged
        data["merge"] = [{"clause": c.clause, "status": c.status} for c in result.plan.clauses if c.status != "same"]
        data["open_conflicts"] = result.carried.open_conflicts
        data["steps"] = [en for _, en in result.steps]
        data["removed"] = [en for _, en in result.removed]
        echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for line in result.lines(message_lang()):
            echo(line)
    if dry_run:
        echo("Dry run: nothing written." if message_lang() != "fr" else "Essai : rien n'est écrit.")
        return
    if result.same_bytes:
        echo(f"{output}: written, the same bytes as {adopted} (no change).")
        return
    if result.unchanged:
        echo(f"{output}: written, {adopted} less what was removed (no change by Balises).")
        return
    echo(f"{output}: written (version {result.version}; {result.diff.class_summary()}; "
         f"{len(result.conflicts)} conflict(s)" + (f", {len(result.carried.open_conflicts)} still open from "
                                                   "before" if result.carried.open_conflicts else "") + ").")
    if ack_path:
        echo(f"{ack_path}: acknowledgement sheets of version {result.version}.")
