"""``balises``: the command line advisers script. A thin shell over balises.api.

Exit codes: 0 success; 1 lint found problems; 2 bad input (the message names the field or the file).

The group only: each command is a module of :mod:`balises.cli.commands` (``pack`` with its subcommands).
"""

from __future__ import annotations

import os
import signal
import sys

import click

from balises import safewrite
from balises.cli.commands.batch import batch
from balises.cli.commands.check import check
from balises.cli.commands.diff import diff
from balises.cli.commands.explain import explain
from balises.cli.commands.generate import generate
from balises.cli.commands.lint import lint
from balises.cli.commands.pack import pack
from balises.cli.commands.regenerate import regenerate
from balises.cli.commands.schema import schema
from balises.cli.commands.test import test_pack
from balises.cli.commands.update import update
from balises.cli.common import echo


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="balises")
def main() -> None:
    """Balises: internal AI-use policies for cultural organisations."""


for _command in (generate, explain, lint, check, schema, pack, batch, regenerate, diff, test_pack, update):
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
        written = safewrite.WRITTEN  # say truthfully what was written before the interruption (a policy first)
        if written:
            echo(f"interrupted: {', '.join(str(p) for p in written)} written; nothing else was written "
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
