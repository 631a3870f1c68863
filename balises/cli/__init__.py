"""The command line (``balises``): thin commands over balises.services."""
