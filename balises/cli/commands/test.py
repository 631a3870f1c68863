"""``balises test``: a pack's own cases, each a profile with what its policy must and must not say."""

from __future__ import annotations

import sys

import click

from balises.cli.common import PACK, fail, message_lang, echo, one_line
from balises.errors import BalisesError
from balises.packs.cases import CaseResult, pack_case_files, parse_case, run_case
from balises.packs.loader import default_pack_dir, load_pack
from balises.problems import Place


@click.command("test")
@PACK
def test_pack(pack):
    """Run a pack's own cases (tests/*.yaml in the pack; without --pack, the default pack's tests/cases/):
    each is a profile with the clauses, phrases and rules its policy must and must not have."""
    fr = message_lang() == "fr"
    try:
        cases, files, label = pack_case_files(pack)
        if not cases:
            raise BalisesError("aucun cas (tests/*.yaml) dans le paquet.",
                               "no case (tests/*.yaml) in the pack.", place=Place(label))
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
