"""File names from what people type: one slug rule for the wizard's downloads, batch outputs and packs."""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})  # NFKD keeps them whole


def slugify(text: str | None, max_len: int = 60, fallback: str = "") -> str:
    """``Théâtre de l'Œuvre`` → ``theatre-de-l-oeuvre``: ASCII letters and digits joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", str(text or "").translate(_LIGATURES))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_len].rstrip("-") or fallback
