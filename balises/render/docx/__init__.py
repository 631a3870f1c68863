"""The Word renderer: the only place that imports python-docx (not :mod:`.package`, which reads any Word file
with zipfile and lxml alone, and so does not load it)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from balises.engine.document import PolicyDocument
    from balises.engine.pack import Pack


def style_ids(pack: Pack) -> Mapping[str, str | None]:
    """The style ids of the pack's reference document, resolved on the first Word file and kept, read only, by the
    pack's engine."""
    from balises.render.docx.render import reference_style_ids  # lazy: python-docx slows the CLI's start

    return pack.engine.kept("docx.style_ids", lambda: MappingProxyType(reference_style_ids(pack.reference_docx)))


def docx_of(document: PolicyDocument, pack: Pack, toc_pages: dict[str, int] | None = None) -> bytes:
    """The Word file of ``document`` on the pack's reference document."""
    from balises.render.docx.render import render_docx  # lazy: python-docx slows the CLI's start

    return render_docx(document, pack.reference_docx, toc_pages, style_ids=style_ids(pack))


def __getattr__(name: str):
    if name == "render_docx":  # loaded when asked for: reading a package needs no python-docx
        from balises.render.docx.render import render_docx

        return render_docx
    raise AttributeError(name)


__all__ = ["docx_of", "render_docx", "style_ids"]
