"""LibreOffice Writer driven headless, as a colleague would use it: edits by Basic macro (``Life.bas``: tracked
insertions and deletions under the colleague's name, a comment, a footnote, a style of one's own, a list
renumbered a), b)…, the footer, an image, a rewording, a deleted paragraph), saves in .docx or .odt, and its
own Accept All / Reject All; conversions to PDF. One ``soffice`` run per batch of files (it takes seconds)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from xml.sax.saxutils import escape

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
DOCX = "MS Word 2007 XML"
ODT = "writer8"
USER = ("Camille", "Roy")  # tracked changes made in LibreOffice are by this colleague

_LIBRARY = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard"
 library:readonly="false" library:passwordprotected="false">
 <library:element library:name="Life"/>
</library:library>
"""
_MODULE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Life" script:language="StarBasic">{}
</script:module>
"""
_USER = ('<item oor:path="/org.openoffice.UserProfile/Data"><prop oor:name="{}" oor:op="fuse"><value>{}</value>'
         '</prop></item>')


def profile(folder: Path) -> Path:
    """A LibreOffice user profile with the macros and the colleague's name (made once per folder)."""
    root = folder / "lo-profile"
    basic = root / "user" / "basic" / "Standard"
    if (basic / "Life.xba").is_file():
        return root
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{root}", "--headless", "--terminate_after_init"],
                   capture_output=True, timeout=300)
    source = (Path(__file__).parent / "Life.bas").read_text(encoding="utf-8")
    (basic / "Life.xba").write_text(_MODULE.format(escape(source)), encoding="utf-8")
    (basic / "script.xlb").write_text(_LIBRARY, encoding="utf-8")
    registry = root / "user" / "registrymodifications.xcu"
    items = "".join(_USER.format(k, v) for k, v in (("givenname", USER[0]), ("sn", USER[1])))
    # comments hidden: headless LibreOffice (nogui) cannot build their margin windows and aborts
    items += ('<item oor:path="/org.openoffice.Office.Writer/Content/Display"><prop oor:name="Note" '
              'oor:op="fuse"><value>false</value></prop></item>')
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace("</oor:items>", items + "</oor:items>"), encoding="utf-8")
    return root


def run(folder: Path, jobs: list[tuple[str, Path, Path, str]], image: Path | None = None) -> None:
    """Each (operation, input, output, filter) done in one LibreOffice run; operations are Life.bas's."""
    root = profile(folder)
    manifest = folder / "manifest.txt"
    manifest.write_text("".join(f"{op}|{src}|{out}|{flt}\n" for op, src, out, flt in jobs), encoding="utf-8")
    env = {"BALISES_TEST_IMAGE": str(image or ""), "PATH": "/usr/bin:/bin", "HOME": str(folder)}
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{root}", "--headless", "--norestore",
                    f'macro:///Standard.Life.Run("{manifest}")'], capture_output=True, timeout=600, env=env)
    log = folder / "manifest.txt.log"
    errors = log.read_text(encoding="utf-8", errors="replace").strip() if log.is_file() else ""
    missing = [str(out) for _, _, out, _ in jobs if not Path(out).is_file()]
    assert not missing and not errors, f"LibreOffice did not write {missing}: {errors}"


def convert(folder: Path, files: list[Path], to: str, out: Path) -> list[Path]:
    """``soffice --convert-to`` (pdf, fodt, docx…) of ``files`` into ``out``."""
    root = profile(folder)
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{root}", "--headless", "--norestore", "--convert-to",
                    to, "--outdir", str(out), *map(str, files)], capture_output=True, timeout=900)
    ext = to.split(":")[0]
    return [out / f"{Path(f).stem}.{ext}" for f in files]
