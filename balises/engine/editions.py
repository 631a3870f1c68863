"""The kit's documents (``editions.yaml`` beside this file), read once: the editions compose() makes, their
file names, how a sentence and the wizard's buttons name them."""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from balises.safeyaml import load_data_file

EDITIONS_FILE = Path(__file__).with_name("editions.yaml")


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Words(_Data):
    fr: str
    en: str


class KitDocument(_Data):
    id: str
    edition: bool = True  # composed from the pack's sections (else made from an edition)
    file: Words | None = None
    named: Words
    button: Words | None = None


@functools.lru_cache(maxsize=1)
def documents() -> tuple[KitDocument, ...]:
    return tuple(KitDocument.model_validate(item) for item in load_data_file(EDITIONS_FILE))


def document(id: str) -> KitDocument:
    return next(d for d in documents() if d.id == id)


EDITIONS: tuple[str, ...] = tuple(d.id for d in documents() if d.edition)
