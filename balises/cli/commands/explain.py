"""``balises explain``: the decision table and why each clause is in the policy."""

from __future__ import annotations

import json

import click

from balises.cli.common import AS_OF, PACK, parse_as_of, fail, echo
from balises.contract import answers
from balises.contract.paths import FieldPath
from balises.contract.vocabulary import LANGUAGE_CODES
from balises.engine.compose import compose, explain_table
from balises.engine.document import heading_text
from balises.errors import BalisesError
from balises.packs.loader import load_pack


@click.command()
@click.argument("profile", type=click.Path())
@click.option("--lang", type=click.Choice(LANGUAGE_CODES), default=None)
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
