"""``balises batch``: one policy per row of a spreadsheet (or per profile of a folder), with report.csv."""

from __future__ import annotations

import sys

import click

from balises.cli.common import AS_OF, PACK, parse_as_of, fail, interrupted, message_lang, echo, progress_bar
from balises.contract.vocabulary import LANGUAGE_CODES
from balises.errors import BalisesError


@click.command()
@click.argument("source", type=click.Path(), required=False)
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), default=None,
              help="The folder for the policies and report.csv (created if needed).")
@PACK
@click.option("--lang", type=click.Choice(LANGUAGE_CODES), default=None,
              help="Language of every policy. Default: each profile's first language.")
@AS_OF
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None, help="Worker processes (default: all cores).")
@click.option("--template", "template", type=click.Path(), default=None,
              help="Write a template spreadsheet (.csv or .xlsx) with every column and example rows, then stop.")
@click.option("--traces", is_flag=True, default=False,
              help="Also write each policy's decision trace (NAME.trace.json beside NAME.docx).")
def batch(source, out_dir, pack, lang, as_of, jobs, template, traces):
    """One policy per row of SOURCE (.csv, .xlsx, or a folder of profiles) into OUTPUT, with report.csv.

    Exit code 1 when a row failed (the others are generated; report.csv says why, field by field)."""
    # lazy: batch (~15 ms) only for the commands that run it, not at `balises --help`
    from balises.services.batch import Interrupted, run_batch
    from balises.services.spreadsheet import read_rows, write_template

    if template:
        try:
            path = write_template(template)
        except BalisesError as exc:
            fail(exc)
        echo(f"{path}: template written (columns: docs/batch.md).")
        return
    if not source or not out_dir:
        raise click.UsageError("give SOURCE and -o OUTPUT (or --template FILE).")
    try:
        date = parse_as_of(as_of)
        rows = read_rows(source)
        with progress_bar(len(rows), "Generating") as bar:
            result = run_batch(source, out_dir, pack_location=pack, lang=lang, as_of=date, jobs=jobs,
                               messages=message_lang(), progress=bar.update, rows=rows, traces=traces)
    except BalisesError as exc:
        fail(exc)
    except Interrupted as exc:
        interrupted(exc)
    ok = len(result.lines) - len(result.failed)
    echo(f"{ok} policies in {out_dir} ({result.written} written, {ok - result.written} unchanged); "
         f"{len(result.failed)} row(s) failed; report: {result.report}")
    for line in result.failed:
        echo(f"  row {line['row']}: {line['error']}", err=True)
    if result.failed:
        sys.exit(1)
