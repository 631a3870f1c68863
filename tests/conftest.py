import copy
import datetime as dt
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
AS_OF = dt.date(2026, 11, 23)


def deep_merge(base: dict, extra: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in (extra or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


@pytest.fixture(scope="session")
def pack():
    from balises.packs.loader import load_pack

    return load_pack()


@pytest.fixture(scope="session")
def example_data():
    from balises.safeyaml import load_data_file

    return {p.stem: load_data_file(p) for p in sorted(EXAMPLES.glob("*.yaml"))}
