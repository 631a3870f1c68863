"""The ``balises`` commands, one module each (``pack`` holds its three subcommands), registered on the group by
:mod:`balises.cli.main`. They share :mod:`balises.cli.common`, never the group itself."""
