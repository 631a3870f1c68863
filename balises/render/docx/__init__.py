"""The Word renderer: the only place that imports python-docx (not :mod:`.package`, which reads any Word file
with zipfile and lxml alone, and so does not load it)."""


def __getattr__(name: str):
    if name == "render_docx":  # loaded when asked for: reading a package needs no python-docx
        from balises.render.docx.render import render_docx

        return render_docx
    raise AttributeError(name)


__all__ = ["render_docx"]
