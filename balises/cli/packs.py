"""The advisers' and associations' commands: ``balises pack init|build|verify``, ``balises batch``,
``balises regenerate`` and ``balises diff``. They register on the ``balises`` group of :mod:`balises.cli.main`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

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
from balises.packs.authoring import (
    build_archive,
    check_archive_path,
    init_pack,
    pack_problems,
    reference_findings,
    verify_archive,
)
from balises.packs.cases import CaseResult, pack_case_files, parse_case, run_case
from balises.packs.loader import default_pack_dir, load_pack
from balises.services import generate as api


@click.group()
def pack() -> None:
    """Author and distribute a pack (your own wording, rules, defaults and letterhead)."""


@pack.command("init")
@click.argument("directory", type=click.Path())
@click.option("--extends", default="default", show_default=True, help="The pack this one is layered over.")
@click.option("--name", default=None, help="The pack's name (default: the folder's name).")
@click.option("--publisher", default=None, help="Who publishes it (shown in the preamble).")
def pack_init(directory, extends, name, publisher):
    """Create a new pack in DIRECTORY: pack.yaml, an example clause, the reference .docx, a README."""
    try:
        written = init_pack(directory, extends=extends, name=name, publisher=publisher)
    except BalisesError as exc:
        fail(exc)
    for path in written:
        echo(f"  {path}")
    echo(f"{directory}: pack created ({len(written)} files). Read {Path(directory) / 'README.md'}, then "
         f"run `balises lint --pack {directory}`.")


@pack.command("build")
@click.argument("directory", type=click.Path())
@click.option("-o", "--output", type=click.Path(), default=None,
              help="The archive to write. Default: NAME-VERSION.zip in the current folder.")
@click.option("--force", is_flag=True, help="Build even if `balises lint --pack` finds problems.")
def pack_build(directory, output, force):
    """Write the pack in DIRECTORY as one .zip archive with a manifest and checksums."""
    try:
        check_archive_path(directory, output)  # before the lint: a mistake said at once
        problems = pack_problems(directory)
        if problems and not force:
            for problem in problems:
                echo(problem.text(message_lang()), err=True)
            echo(f"{len(problems)} problem(s): fix them (or use --force); no archive written.", err=True)
            sys.exit(1)
        path, manifest = build_archive(directory, output)
    except BalisesError as exc:
        fail(exc)
    echo(f"{path}: {manifest['name']} {manifest['version']} (base {manifest['base_version']}), "
         f"{len(manifest['files'])} files, checksum sha256:{manifest['checksum']}")


@pack.command("verify")
@click.argument("archive", type=click.Path())
def pack_verify(archive):
    """Check a pack archive against its manifest and print its checksum."""
    try:
        manifest = verify_archive(archive)
        found = reference_findings(archive)
    except BalisesError as exc:
        fail(exc)
    if found:  # intact, but its reference document would reach out of the machine
        for line in found:
            echo(line, err=True)
        echo(f"{archive}: {len(found)} problem(s) in the reference document (removed from every policy "
             "generated with this pack).", err=True)
        sys.exit(1)
    echo(f"{archive}: {manifest.get('name')} {manifest.get('version')} (base {manifest.get('base_version')}), "
         f"intact; checksum sha256:{manifest.get('checksum')}")


def _progress(total: int, label: str):
    return click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True, show_eta=True)


@click.command()
@click.argument("source", type=click.Path(), required=False)
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), default=None,
              help="The folder for the policies and report.csv (created if needed).")
@PACK
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None,
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
        with _progress(len(rows), "Generating") as bar:
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
                with _progress(count, "Regenerating") as bar:
                    result = run_regenerate_folder(old, output, pack_location=pack, as_of=date, jobs=jobs,
                                                   messages=message_lang(), progress=bar.update)
            except Interrupted as exc:
                interrupted(exc)
            for line in result.lines:
                echo(f"{one_line(line['row'])}: {line['status']} {line.get('changes') or line['error']}")
            folder_done(result, "regenerated")
            return
        api.check_output_path(output)
        api.check_not_input(output, old)
        if trace_path:
            api.check_output_path(trace_path)
            api.check_not_input(trace_path, old, output)
        result = regen(read_docx(old), load_pack(pack), as_of=date, source=old)
        api.write_atomic(output, result.docx)
        if trace_path:
            api.write_atomic(trace_path, api.decision_trace(result.document))
    except BalisesError as exc:
        fail(exc)
    lang = message_lang()
    if as_json:
        echo(json.dumps(result.diff.to_dict(), ensure_ascii=False, indent=2))
    else:
        for line in result.diff.lines(lang):
            echo(line)
    echo(f"{output}: written ({result.diff.summary()}).")


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
            api.check_output_path(redline_path)
            api.check_not_input(redline_path, old, new)
        loaded = load_pack(pack)
        old_bytes, new_bytes = read_docx(old), read_docx(new)
        result = diff_documents(old_bytes, new_bytes, loaded)
        removed: list[tuple[str, str]] = []
        if redline_path:
            api.write_atomic(redline_path, redline(old_bytes, new_bytes, loaded, removed=removed))
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


@click.command("test")
@PACK
def test_pack(pack):
    """Run a pack's own cases (tests/*.yaml in the pack; without --pack, the default pack's tests/cases/):
    each is a profile with the clauses, phrases and rules its policy must and must not have."""
    fr = message_lang() == "fr"
    try:
        cases, files, label = pack_case_files(pack)
        if not cases:
            raise BalisesError(f"{label} : aucun cas (tests/*.yaml) dans le paquet.",
                               f"{label}: no case (tests/*.yaml) in the pack.")
        loaded = load_pack(pack)
        root = default_pack_dir() if pack is None else None
        results = []
        for name, raw in cases.items():
            where = f"{label}/{name}"
            case = parse_case(raw, where)  # a case that does not read stops the run (exit 2), naming it
            try:
                results.append(run_case(case, loaded, where, files, root))
            except BalisesError as exc:  # its profile does not read or its policy does not generate: it fails
                results.append(CaseResult(where, case.description, [exc.message(message_lang())]))
    except BalisesError as exc:
        fail(exc)
    failed = [r for r in results if not r.passed]
    for result in results:
        status = ("réussi" if fr else "passed") if result.passed else ("ÉCHEC" if fr else "FAILED")
        echo(f"{status}  {one_line(result.name)}: {one_line(result.description)}")
        for failure in result.failures:
            echo(f"    {failure}")
    if failed:
        names = ", ".join(r.name for r in failed)
        echo(f"{len(failed)} cas en échec sur {len(results)} : {names}" if fr
             else f"{len(failed)} of {len(results)} case(s) failed: {names}", err=True)
        sys.exit(1)
    echo(f"{len(results)} cas réussis." if fr else f"{len(results)} case(s) passed.")


COMMANDS = (pack, batch, regenerate, diff, test_pack)  # added to the `balises` group by balises.cli.main
