"""An update (``Updated.overview()``) in plain words."""

from __future__ import annotations

from balises.contract.questions import tr
from balises.wizard.texts import text

# ---------------------------------------------------------------- an update in plain words

def update_summary(overview: dict, lang: str) -> list[str]:
    """An update (``Updated.overview()``) as a director reads it: how many passages change and why, conflicts
    with the organisation's text and where, the edits kept, the new version; no clause ids (those are in the
    adviser's note, ``Updated.lines``)."""
    def where(numbers: list[str]) -> str:
        return ", ".join(text("update_section", lang, n=n) for n in numbers) or "—"

    out = []
    changes = overview["changes"]
    if changes:
        sep = " : " if lang == "fr" else ": "
        why = ", ".join(f"{n}{sep}{tr(_CLASS_WORDS[cls], lang)}" for cls, n in changes.items())
        out.append(text("update_changes", lang, n=sum(changes.values()), why=why))
    else:
        out.append(text("update_nothing", lang))
    if overview["conflict_count"]:
        out.append(text("update_conflicts", lang, n=overview["conflict_count"], where=where(overview["conflicts"])))
    if overview["reinstated_count"]:
        out.append(text("update_reinstated", lang, n=overview["reinstated_count"],
                        where=where(overview["reinstated"])))
    if overview["kept"]:
        out.append(text("update_kept", lang, n=overview["kept"]))
    if overview["replaced"]:
        out.append(text("update_replaced", lang, n=overview["replaced"]))
    out += [tr(note, lang) for note in overview["notes"]]  # what was removed from the document, and why
    what = "update_material" if overview["material"] else "update_wording" if overview["changed"] else "update_same"
    out.append(text("update_version", lang, old=overview["old_version"], new=overview["version"],
                    what=text(what, lang)))
    return out


# what a class of change means, in a director's words (balises.services.diff.CLASSES)
_CLASS_WORDS = {"obligation": ("loi ou date nouvelle", "new law or date"),
                "restriction_added": ("règle resserrée", "rule tightened"),
                "restriction_removed": ("règle assouplie", "rule relaxed"),
                "wording": ("rédaction", "wording")}
