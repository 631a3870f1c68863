import datetime as dt
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
AS_OF = dt.date(2026, 11, 23)


def pytest_collection_modifyitems(items):
    """A browser test is a slow test too: ``-m "not slow"`` (scripts/test.sh's fast set) never starts Chromium,
    and the slow set's browser part runs on its own (``-m browser``), after the parallel run."""
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def pack():
    from balises.packs.loader import load_pack

    return load_pack()


@pytest.fixture(scope="session")
def example_data():
    from balises.safeyaml import load_data_file

    return {p.stem: load_data_file(p) for p in sorted(EXAMPLES.glob("*.yaml"))}
