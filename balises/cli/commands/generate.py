"""``balises generate``: one policy (or one companion document) as a Word file, or the whole kit."""

from __future__ import annotations

import click

from balises import safewrite
from balises.cli.common import AS_OF, PACK, parse_as_of, fail, message_lang, echo
from balises.contract import answers
from balises.contract.vocabulary import LANGUAGE_CODES
from balises.engine.compose import EDITIONS, LENGTHS
from balises.errors import BalisesError
from balises.packs.loader import load_pack
from balises.services import generate as api
from balises.services.kit import build_kit, write_kit


@click.command()
@click.argument("profile", type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(),
              help="The Word file to write (.docx); with --kit, the folder to write the kit into.")
@click.option("--lang", type=click.Choice(LANGUAGE_CODES), default=None,
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
        safewrite.check_output_path(output)
        safewrite.check_not_input(output, profile)
        if trace_path:
            safewrite.check_output_path(trace_path)
            safewrite.check_not_input(trace_path, profile, output)
        loaded = load_pack(pack)
        prof = answers.load(profile, loaded).profile
        result = api.generate(prof, loaded, lang=lang, as_of=parse_as_of(as_of), edition=edition, length=length)
        safewrite.write_atomic(output, result.docx)
        if trace_path:
            safewrite.write_atomic(trace_path, api.decision_trace(result.document))
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
