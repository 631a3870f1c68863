"""The update scenario of the README: a policy generated as of one date, edited by the organisation in three
places with python-docx (as a board would in Word), then updated as of a later date.

    python scripts/update_scenario.py PROFILE OUT_DIR [--old 2026-07-01] [--new 2026-08-02]
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import io
from pathlib import Path

import docx

from balises.contract import answers
from balises.packs.loader import load_pack
from balises.services import generate as api
from balises.services.update import update


def find(document, start: str):
    norm = lambda s: " ".join(s.split())
    for p in document.paragraphs:
        if norm(p.text).startswith(norm(start)):
            return p
    raise SystemExit(f"no paragraph starts with {start!r}")


def set_text(paragraph, text: str) -> None:
    for r in paragraph.runs[1:]:
        r._r.getparent().remove(r._r)
    paragraph.runs[0].text = text


def add_after(paragraph, text: str):
    new = copy.deepcopy(paragraph._p)
    paragraph._p.addnext(new)
    from docx.text.paragraph import Paragraph

    added = Paragraph(new, paragraph._parent)
    set_text(added, text)
    return added


# three edits per profile, as a board or a director would make them in Word
EDITS = {
    "theatre-quebec": [
        # a role renamed
        ("replace", "Responsable de la politique : Direction générale. Il lui revient",
         ("Direction générale.", "Direction générale et artistique.")),
        # a paragraph added for the union
        ("add_after", "La représentation du personnel est associée",
         "Le syndicat des employé·e·s reçoit chaque version de la politique trente jours avant son adoption et "
         "peut demander une rencontre."),
        # the public labelling rule rewritten by the board
        ("set", "Le Théâtre signale au public",
         "Le Théâtre signale au public tout contenu publié que l'IA a généré ou sensiblement modifié ; la "
         "direction des communications valide chaque mention."),
    ],
    "animation-studio-france": [
        # the board rewrites the HR paragraph (a clause the law changes on 2 August 2026: AI Act art. 50)
        ("set", "Un usage de l'IA en gestion du personnel",
         "Un usage de l'IA en gestion du personnel n'est mis en place qu'avec l'accord du CSE ; la DRH en tient "
         "le registre."),
        # a role renamed
        ("replace", "La représentation du personnel est associée",
         ("La représentation du personnel", "Le CSE et les délégués syndicaux")),
        # a paragraph added for the union
        ("add_after", "Le CSE et les délégués syndicaux",
         "Les délégués syndicaux reçoivent chaque version de la politique avant son adoption et disposent de "
         "quinze jours pour faire part de leurs observations."),
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("profile")
    parser.add_argument("out")
    parser.add_argument("--old", default="2026-07-01")
    parser.add_argument("--new", default="2026-08-02")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    pack = load_pack()
    profile = answers.load(args.profile, pack).profile
    old = api.generate(profile, pack, lang="fr", as_of=dt.date.fromisoformat(args.old)).docx
    (out / "generated.docx").write_bytes(old)

    document = docx.Document(io.BytesIO(old))
    for action, start, text in EDITS[Path(args.profile).stem]:
        p = find(document, start)
        if action == "replace":  # (start, (old, new)): a phrase replaced in the paragraph
            set_text(p, p.text.replace(text[0], text[1], 1))
        elif action == "set":
            set_text(p, text)
        else:
            add_after(p, text)
    buffer = io.BytesIO()
    document.save(buffer)
    adopted = buffer.getvalue()
    (out / "adopted.docx").write_bytes(adopted)

    result = update(adopted, pack, as_of=dt.date.fromisoformat(args.new), source="adopted.docx")
    (out / "updated.docx").write_bytes(result.docx)
    print("\n".join(result.lines("en")))


if __name__ == "__main__":
    main()
