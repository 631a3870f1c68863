"""``balises schema``: the JSON Schema of the answers file."""

from __future__ import annotations

import json

import click

from balises.cli.common import echo
from balises.contract.profile import json_schema


@click.command()
def schema():
    """Print the JSON Schema of the profile (answers file)."""
    echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))
