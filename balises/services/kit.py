"""The kit: the policy to adopt and its companion documents, in every language of the policy, from one
decision table. Word files always; the tool register also as a spreadsheet; a PDF of each Word file when
LibreOffice is installed (said plainly when it is not)."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from balises.contract.profile import Profile
from balises.engine import editions
from balises.engine.compose import compose
from balises.engine.document import PolicyDocument
from balises.engine.pack import Pack
from balises.engine.templating import generation_limits
from balises.errors import OutputError
from balises.render.adoption import acknowledgement_document, review_calendar
from balises.render.docx import docx_of
from balises.render.register_xlsx import tool_register_xlsx
from balises.safewrite import write_atomic

# (edition, French file name, English file name), in the order a director reads them (engine/editions.yaml)
DOCUMENTS: tuple[tuple[str, str, str], ...] = tuple((d.id, d.file.fr, d.file.en) for d in editions.documents()
                                                    if d.edition and d.file)
ACK_NAMES = {lang: f"{stem}.{lang}.docx"
             for lang, stem in editions.document("acknowledgement").file.model_dump().items()}
CALENDAR_NAMES = editions.document("calendar").file.model_dump()
PDF_HELP = {
    "fr": "PDF non produits : LibreOffice n'est pas installé (Debian/Ubuntu : apt-get install "
          "libreoffice-writer-nogui). Ou ouvrez chaque fichier .docx dans Word ou LibreOffice et "
          "choisissez Fichier > Exporter au format PDF.",
    "en": "No PDF made: LibreOffice is not installed (Debian/Ubuntu: apt-get install libreoffice-writer-nogui). "
          "Or open each .docx file in Word or LibreOffice and choose File > Export as PDF.",
}


def file_name(edition: str, lang: str, suffix: str = ".docx") -> str:
    for ed, fr, en in DOCUMENTS:
        if ed == edition:
            return f"{fr if lang == 'fr' else en}.{lang}{suffix}"
    raise KeyError(edition)


@dataclass
class Kit:
    files: dict[str, bytes] = field(default_factory=dict)  # file name -> bytes, in reading order
    notes: list[str] = field(default_factory=list)  # what the user should know (no PDF, and how to get one)
    documents: dict[str, PolicyDocument] = field(default_factory=dict)

    def zip_bytes(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in self.files.items():
                info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
        return out.getvalue()


def build_kit(profile: Profile, pack: Pack, as_of: dt.date | None = None, length: str | None = None,
              pdf: bool = True, lang_ui: str = "en") -> Kit:
    """Every document of the kit in every language of ``profile.policy.languages``."""
    kit = Kit()
    defined = {e for s in pack.sections for e in s.editions} | {"full"}
    for lang in profile.policy.languages:
        for edition, _, _ in DOCUMENTS:
            if edition not in defined:  # an older pack without this companion document
                continue
            with generation_limits():  # an untrusted pack's templates: time and size per document
                doc = compose(profile, pack, lang=lang, as_of=as_of, edition=edition, length=length)
            kit.documents[file_name(edition, lang)] = doc
            kit.files[file_name(edition, lang)] = docx_of(doc, pack)
            if edition == "tool_register":
                kit.files[file_name(edition, lang, ".xlsx")] = tool_register_xlsx(profile, pack, as_of, lang)
            if edition == "full":  # the staff's signatures, and the dates to keep, follow from the policy
                ack = acknowledgement_document(doc)
                kit.documents[ACK_NAMES[lang]] = ack
                kit.files[ACK_NAMES[lang]] = docx_of(ack, pack)
                kit.files[CALENDAR_NAMES[lang]] = review_calendar(doc)  # one per language, the same dates
    if pdf:
        converted = to_pdf({n: d for n, d in kit.files.items() if n.endswith(".docx")})
        if converted is None:
            kit.notes.append(PDF_HELP[lang_ui])
        else:
            _number_contents(kit, converted, pack)
            kit.files.update(converted)
    return kit


def _number_contents(kit: Kit, pdfs: dict[str, bytes], pack: Pack) -> None:
    """A policy with a table of contents: its page numbers read from the first PDF, then written into the
    Word file and its PDF again, so that the contents show page numbers everywhere (Word updates the field
    itself on opening as well)."""

    for name, doc in kit.documents.items():
        if not doc.meta.toc:
            continue
        pages = heading_pages(pdfs[Path(name).stem + ".pdf"], doc)
        if not pages:
            continue
        kit.files[name] = docx_of(doc, pack, toc_pages=pages)
        again = to_pdf({name: kit.files[name]})
        if again:
            pdfs.update(again)


def heading_pages(pdf: bytes, doc: PolicyDocument) -> dict[str, int]:
    """Section id -> the page its heading is on (pdftotext, page by page); {} when Poppler is missing."""
    exe = shutil.which("pdftotext")
    if exe is None:
        return {}
    with tempfile.TemporaryDirectory(prefix="balises-toc-") as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        done = subprocess.run([exe, "-layout", str(src), "-"], capture_output=True, timeout=60, check=False)
    pages = done.stdout.decode("utf-8", "replace").split("\f")
    found: dict[str, int] = {}
    # a heading is a line of its own; sections come in order, so each is searched from the previous one's page
    # on, after the page of the contents list (which names every heading too)
    lines = [{" ".join(line.split()) for line in page.splitlines()} for page in pages]
    forms = [{sec.title, f"{sec.number}. {sec.title}"} for sec in doc.sections]
    first = next((i for i, p in enumerate(lines) if sum(bool(f & p) for f in forms) > 2), -1) + 1
    for sec, form in zip(doc.sections, forms):
        for i in range(first, len(lines)):
            if form & lines[i]:
                found[sec.id] = i + 1
                first = i
                break
    return found


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(files: dict[str, bytes], timeout: int = 300) -> dict[str, bytes] | None:
    """PDF of each .docx through LibreOffice (one run for all, a private profile so runs do not collide);
    None when LibreOffice is not installed."""
    exe = soffice()
    if exe is None:
        return None
    with tempfile.TemporaryDirectory(prefix="balises-pdf-") as tmp:
        work = Path(tmp)
        for name, data in files.items():
            (work / name).write_bytes(data)
        profile_dir = (work / "lo-profile").as_uri()
        cmd = [exe, f"-env:UserInstallation={profile_dir}", "--headless", "--norestore", "--convert-to", "pdf",
               "--outdir", str(work / "pdf"), *[str(work / n) for n in files]]
        try:
            subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=timeout, check=False, env={**os.environ, "HOME": tmp})
        except subprocess.TimeoutExpired:
            raise OutputError("LibreOffice n'a pas produit les PDF à temps.",
                              "LibreOffice did not produce the PDFs in time.") from None
        out = {}
        for name in files:
            pdf = work / "pdf" / (Path(name).stem + ".pdf")
            if not pdf.is_file():
                raise OutputError(f"LibreOffice n'a pas converti {name} en PDF.",
                                  f"LibreOffice did not convert {name} to PDF.")
            out[Path(name).stem + ".pdf"] = pdf.read_bytes()
        return out


def write_kit(kit: Kit, out_dir: str | Path) -> list[Path]:
    """Write every file of the kit into ``out_dir`` (created if needed), each atomically."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} existe et n'est pas un dossier.", f"{out} exists and is not a folder.")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"Création du dossier {out} impossible : {exc.strerror}.",
                          f"Cannot create folder {out}: {exc.strerror}.") from None
    return [write_atomic(out / name, data) for name, data in kit.files.items()]
