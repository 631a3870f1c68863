"""``balises pack init|build|verify``: author and distribute a pack."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from balises.cli.common import fail, message_lang, echo
from balises.errors import BalisesError
from balises.packs.authoring import (
    build_archive,
    check_archive_path,
    init_pack,
    pack_problems,
    reference_findings,
    verify_archive,
)


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
