"""Words of each document for every example, in each language and length: `python scripts/measure.py [edition]`."""

import datetime as dt
import sys
from pathlib import Path

from balises.contract.profile import parse_profile
from balises.engine.compose import LENGTHS, compose
from balises.engine.document import body_words
from balises.packs.loader import load_pack
from balises.safeyaml import load_data_file

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 12, 1)

edition = sys.argv[1] if len(sys.argv) > 1 else "full"
pack = load_pack()
for path in sorted((ROOT / "examples").glob("*.yaml")):
    profile = parse_profile(load_data_file(path), path.name)
    for lang in ("fr", "en"):
        counts = [str(body_words(compose(profile, pack, lang=lang, as_of=AS_OF, edition=edition, length=n)))
                  for n in LENGTHS]
        print(f"{path.stem:28} {lang}  " + "  ".join(f"{n}={c}" for n, c in zip(LENGTHS, counts)))
