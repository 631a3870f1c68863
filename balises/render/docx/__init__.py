"""The Word renderer: the only place that imports python-docx."""

from balises.render.docx.render import render_docx

__all__ = ["render_docx"]
