"""After adoption: the staff's acknowledgement sheet and the review calendar, for the kit.

- :func:`acknowledgement_document`: one sheet per staff group the answers declare (employees, freelancers,
  volunteers, the board), each with a statement and a table to sign (name, role, date, signature);
- :func:`review_calendar`: an iCalendar file (.ics) with the policy's review date and the legal dates it
  watches (the dates its sources apply from that fall after the policy's effective date).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from balises.contract.profile import parse_profile
from balises.engine.document import Clause, Paragraph, PolicyDocument, Run, Section, Table
from balises.engine.templating import format_date
from balises.engine.views import org_names

TITLES = ("Accusé de réception de la politique IA", "Acknowledgement of the AI policy")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def staff_groups(profile: dict, lang: str) -> list[tuple[str, str, int]]:
    """(id, title, rows to sign) for each group the answers declare; the board always signs."""
    fr = lang == "fr"
    org = profile.get("organisation") or {}
    employees = int(org.get("employees") or 0)
    groups = []
    if employees:
        groups.append(("employees", "Personnel salarié" if fr else "Employees", max(8, min(employees, 40))))
    if org.get("freelancers"):
        groups.append(("freelancers", "Pigistes, personnes intermittentes et autonomes" if fr
                       else "Freelancers and contractors", 8))
    if org.get("volunteers"):
        groups.append(("volunteers", "Bénévoles" if fr else "Volunteers", 8))
    groups.append(("board", "Membres du conseil d'administration" if fr else "Board members", 8))
    return groups


def acknowledgement_document(policy: PolicyDocument) -> PolicyDocument:
    """The acknowledgement sheets of ``policy`` (the composed policy the kit renders): one section per staff
    group, to print and sign or to fill in. Renders with :func:`balises.render.docx.render_docx` like the policy."""
    meta = policy.meta
    fr = meta.lang == "fr"
    when = format_date(meta.effective_date, meta.locale)
    of_org = org_names(parse_profile(policy.profile, "policy"), meta.lang)["org_of"]
    statement = (
        f"En signant, je confirme avoir reçu et lu la politique d'utilisation de l'intelligence artificielle "
        f"{of_org} (version {meta.version}, en vigueur le {when}) et je m'engage à la respecter. Pour "
        f"toute question, je m'adresse à : {meta.owner_role}."
        if fr else
        f"By signing, I confirm that I have received and read the policy on the use of artificial intelligence "
        f"of {meta.organisation} (version {meta.version}, in force from {when}) and that I will follow it. For any "
        f"question, I contact: {meta.owner_role}.")
    where = ("La politique et son aide-mémoire sont disponibles auprès de la direction ; chaque nouvelle version "
             "de fond fait l'objet d'un nouvel accusé de réception." if fr else
             "The policy and its staff summary are available from management; each material new version is "
             "acknowledged again.")
    header = [[Run(text=h)] for h in (("Nom", "Fonction", "Date", "Signature") if fr
                                      else ("Name", "Role", "Date", "Signature"))]
    blank = [Run(text="\u00a0"), Run(text="\u00a0", line_break=True)]  # two lines: room to sign
    sections = []
    for group_id, title, rows in staff_groups(policy.profile, meta.lang):
        blocks = [Paragraph(runs=[Run(text=statement)]), Paragraph(style="note", runs=[Run(text=where)]),
                  Table(header=header, rows=[[list(blank) for _ in header] for _ in range(rows)])]
        sections.append(Section(id=f"ack.{group_id}", kind="body", number=str(len(sections) + 1), title=title,
                                clauses=[Clause(id=f"ack.{group_id}", blocks=blocks, rules=[])]))
    title = TITLES[0 if fr else 1]
    new_meta = meta.model_copy(update={"title": title, "edition": "acknowledgement",
                                       "footer": f"{meta.organisation} · {title} · version {meta.version}"})
    return PolicyDocument(meta=new_meta, sections=sections, trace=[], profile=policy.profile)


def watched_dates(policy: PolicyDocument) -> list[tuple[dt.date, str, list[str]]]:
    """(date, source, sections) for every source the policy cites that applies after its effective date."""
    found: dict[tuple[dt.date, str], list[str]] = {}
    for entry in policy.trace:
        for source in entry.sources:
            if source.applies_from and source.applies_from > policy.meta.effective_date:
                sections = found.setdefault((source.applies_from, source.reference), [])
                if entry.section_title not in sections:
                    sections.append(entry.section_title)
    return [(day, ref, sections) for (day, ref), sections in sorted(found.items())]


def review_calendar(policy: PolicyDocument) -> bytes:
    """An .ics file: the policy's next review (with a reminder a month before) and each legal date it
    watches. UIDs are stable, so importing a newer file updates the events instead of doubling them."""
    # lazy: icalendar (~35 ms) only for a kit's calendar, not at `balises --help`
    from icalendar import Alarm, Calendar, Event, vText

    def text(value: str):
        """A text value of the calendar: one line (the profile refuses line breaks in names and roles; a
        source's title or a section's could still hold one), escaped by icalendar (``;``, ``,``, ``\\``), then
        folded at 75 octets. Without this, icalendar stops on an assertion, and with ``python -O`` a line
        break in a name wrote a calendar line of its own."""
        return vText(" ".join(_CONTROL.sub(" ", value).split()))

    meta = policy.meta
    fr = meta.lang == "fr"
    stamp = dt.datetime.combine(meta.generated_on, dt.time(12, 0), tzinfo=dt.timezone.utc)
    org_key = hashlib.sha256(meta.organisation.encode("utf-8")).hexdigest()[:12]
    calendar = Calendar()
    calendar.add("prodid", "-//Balises//AI policy//FR" if fr else "-//Balises//AI policy//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", text(f"{meta.organisation} – {'politique IA' if fr else 'AI policy'}"))

    def event(uid: str, day: dt.date, summary: str, description: str, remind_days: int | None = None) -> None:
        item = Event()
        item.add("uid", f"{uid}-{org_key}@balises")
        item.add("dtstamp", stamp)
        item.add("dtstart", day)
        item.add("dtend", day + dt.timedelta(days=1))
        item.add("summary", text(summary))
        item.add("description", text(description))
        item.add("transp", "TRANSPARENT")
        if remind_days:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", text(summary))
            alarm.add("trigger", dt.timedelta(days=-remind_days))
            item.add_component(alarm)
        calendar.add_component(item)

    if meta.next_review:
        event("review", meta.next_review,
              f"{'Révision de la politique IA' if fr else 'AI policy review'} – {meta.organisation}",
              (f"Réviser la politique (version {meta.version}) : usages, outils, droit applicable. Responsable : "
               f"{meta.owner_role}; adoption : {meta.approved_by}." if fr else
               f"Review the policy (version {meta.version}): uses, tools, applicable law. Owner: {meta.owner_role}; "
               f"approval: {meta.approved_by}."), remind_days=30)
    for day, reference, sections in watched_dates(policy):
        uid = "law-" + hashlib.sha256(f"{day}{reference}".encode("utf-8")).hexdigest()[:12]
        event(uid, day, (f"Entrée en application : {reference}" if fr else f"Applies from today: {reference}"),
              (f"Vérifier les sections concernées de la politique : {', '.join(sections)}. Lancer `balises update` "
               "pour la mettre à jour." if fr else
               f"Check the sections of the policy concerned: {', '.join(sections)}. Run `balises update` to bring "
               "it up to date."), remind_days=14)
    return calendar.to_ical()


__all__ = ["acknowledgement_document", "review_calendar", "staff_groups", "watched_dates"]
