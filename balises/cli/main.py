"""``balises``: the command line advisers script. A thin shell over balises.api.

Exit codes: 0 success; 1 lint found problems; 2 bad input (the message names the field or the file).
"""

from __future__ import annotations

import json
import os
import signal
import sys

import click

from balises.cli import packs as cli_packs
from balises.cli import update as cli_update
from balises.cli.common import AS_OF, PACK, echo, fail, message_lang, parse_as_of
from balises.contract import answers
from balises.contract.paths import FieldPath
from balises.contract.profile import json_schema
from balises.engine.compose import EDITIONS, LENGTHS, compose, explain_table
from balises.engine.document import heading_text
from balises.errors import BalisesError
from balises.packs.authoring import pack_report, smoke_skipped
from balises.packs.loader import load_pack
from balises.services import generate as api
from balises.services.kit import build_kit, write_kit


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="balises")
def main() -> None:
    """Balises: internal AI-use policies for cultural organisations."""


@main.command()
@click.argument("profile", type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(),
              help="The Word file to write (.docx); with --kit, the folder to write the kit into.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None,
              help="Language of the policy. Default: the first of policy.languages (--kit: all of them).")
@AS_OF
@PACK
@click.option("--length", type=click.Choice(LENGTHS), default=None,
              help="concise (≤ 2,000 words), standard (≤ 4,500) or complete (≤ 9,000). Default: policy.length.")
@click.option("--kit", is_flag=True, default=False,
              help="Write the whole kit into the folder -o: policy, aide-mémoire, tool register (.docx, .xlsx), "
                   "disclosure notices, implementation plan, adviser's note, in every language; PDFs when "
                   "LibreOffice is installed.")
@click.option("--no-pdf", is_flag=True, default=False, help="With --kit: Word and spreadsheet files only.")
@click.option("--trace", "trace_path", type=click.Path(), default=None,
              help="Also write the decision trace (JSON): the answers read, the decision table, every clause "
                   "with the rules that chose it and their sources.")
@click.option("--edition", type=click.Choice(EDITIONS), default="full",
              help="The policy (full), or one companion document of the kit on its own.")
def generate(profile, output, lang, as_of, pack, length, kit, no_pdf, trace_path, edition):
    """Generate the policy of PROFILE (YAML or JSON) as a Word document, or its whole kit (--kit)."""
    if kit:
        _generate_kit(profile, output, as_of, pack, length, not no_pdf)
        return
    try:
        api.check_output_path(output)
        api.check_not_input(output, profile)
        if trace_path:
            api.check_output_path(trace_path)
            api.check_not_input(trace_path, profile, output)
        loaded = load_pack(pack)
        prof = answers.load(profile, loaded).profile
        result = api.generate(prof, loaded, lang=lang, as_of=parse_as_of(as_of), edition=edition, length=length)
        api.write_atomic(output, result.docx)
        if trace_path:
            api.write_atomic(trace_path, api.decision_trace(result.document))
    except BalisesError as exc:
        fail(exc)
    lang_used = result.document.meta.lang
    for notice in result.document.notices:
        echo(notice, err=True)
    n_clauses = len(result.document.clause_ids())
    echo(f"{output}: {len(result.document.sections)} sections, {n_clauses} clauses ({lang_used}).")


def _generate_kit(profile, output, as_of, pack, length, pdf: bool) -> None:
    try:
        loaded = load_pack(pack)
        prof = answers.load(profile, loaded).profile
        kit = build_kit(prof, loaded, as_of=parse_as_of(as_of), length=length, pdf=pdf, lang_ui=message_lang())
        written = write_kit(kit, output)
    except BalisesError as exc:
        fail(exc)
    for notice in dict.fromkeys(n for d in kit.documents.values() for n in d.notices):
        echo(notice, err=True)
    for path in written:
        echo(str(path))
    for note in kit.notes:
        echo(note, err=True)


@main.command()
@click.argument("profile", type=click.Path())
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None)
@AS_OF
@PACK
def explain(profile, lang, as_of, pack):
    """Print the decision table (each use, tool and class of information, with its verdict), the decisions
    to take before adoption, then why each clause is in the policy: section, clause, why, source."""
    try:
        loaded = load_pack(pack)
        given = answers.load(profile, loaded)
        doc = compose(given.profile, loaded, lang=lang, as_of=parse_as_of(as_of))
        table_lines = explain_table(given.profile, loaded, doc.meta.lang, parse_as_of(as_of))
    except BalisesError as exc:
        fail(exc)
    for line in table_lines:
        echo(line)
    recommended = given.from_pack()
    if recommended:
        fr = doc.meta.lang == "fr"
        echo(f"\n{'Réponses venues du paquet' if fr else 'Answers from the pack'} {loaded.info.name}"
             f" ({'le fichier ne les donne pas' if fr else 'the file leaves them out'})")
        data = given.profile.model_dump(mode="json")
        for path in recommended:
            echo(f"  {path}: {json.dumps(FieldPath.parse(path).get(data), ensure_ascii=False)}")
    current = None
    for entry in doc.trace:
        if entry.section != current:
            current = entry.section
            echo(f"\n{heading_text(entry.section_number, entry.section_title)}")
        variant = f" [{entry.variant}]" if entry.variant else ""
        echo(f"  {entry.clause}{variant}  ({', '.join(entry.rules)})")
        for why in dict.fromkeys(entry.why):
            echo(f"    why: {why}")
        for src in entry.sources:
            since = f", from {src.applies_from.isoformat()}" if src.applies_from else ""
            since += f", published {src.published.isoformat()}" if src.published else ""
            echo(f"    source: {src.reference} ({src.kind}, {src.status}{since}) {src.url or ''}".rstrip())


@main.command()
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


@main.command()
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


@main.command()
def schema():
    """Print the JSON Schema of the profile (answers file)."""
    echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


for _command in (*cli_packs.COMMANDS, *cli_update.COMMANDS):  # pack, batch, regenerate, diff, test, update
    main.add_command(_command)


class Terminated(KeyboardInterrupt):
    """SIGTERM (a service manager, ``kill``): unwound like Ctrl-C, so that no temporary file is left."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated()


def run() -> None:
    """Console entry point: a user never sees a traceback (BALISES_DEBUG=1 shows it to a developer)."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        # not standalone: click would turn Ctrl-C into "Aborted!" and exit 1 before we could say more
        code = main(standalone_mode=False)
    except (KeyboardInterrupt, click.exceptions.Abort) as exc:
        terminated = (isinstance(exc, Terminated) or isinstance(exc.__context__, Terminated)
                      or getattr(exc, "signum", None) == signal.SIGTERM)
        if api.WRITTEN:  # say truthfully what was written before the interruption (a policy before its trace)
            echo(f"interrupted: {', '.join(str(p) for p in api.WRITTEN)} written; nothing else was written "
                 "(an existing file is left as it was)", err=True)
        else:
            echo("interrupted: no file was written (an existing file is left as it was)", err=True)
        sys.exit(143 if terminated else 130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except Exception as exc:  # noqa: BLE001 - the last net under the CLI
        if os.environ.get("BALISES_DEBUG"):
            raise
        echo(f"internal error ({type(exc).__name__}: {exc}); no file was written. "
             "Please report it with the command you ran.", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    run()
