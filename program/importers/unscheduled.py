"""What an import does with talks that have no time: a frab event without date and start, a
pretalx talk without a slot, a spreadsheet row with no date, start nor end.

Such a talk is imported *unscheduled*: no start, end nor room, a draft (the database
refuses a public talk without a slot, ``talk_public_has_slot``), lasting the file's
duration once placed. A status the file gives it (``published``) waits: the talk is
imported as a draft and the import says so. A file that leaves a public talk without a
time is refused for that talk: unpublishing is the organisers' decision, not a file's. A
file that gives an unscheduled talk a time places it; it keeps its status, as any talk an
import updates does, and the import says that it is still a draft.
"""

from program.importers.records import problem, quoted
from program.models import Talk
from program.times import moment_label


def unslotting_problems(records, matches):
    """A problem for each record that would take the slot of a public (published or
    cancelled) talk away. ``matches``: id(record) -> the existing talk it updates."""
    problems = []
    for record in records:
        talk = matches.get(id(record))
        if record.unscheduled and talk is not None and talk.status != Talk.Status.DRAFT:
            status = talk.get_status_display().lower()
            problems.append(
                problem(
                    record.where,
                    None,
                    f"{quoted(label(talk))} is {status} and the file gives it no date and time; "
                    "a public talk keeps its slot: give the talk its time in the file, or make "
                    "it a draft in the admin before importing",
                )
            )
    return problems


def imported_status(record, talk, notes):
    """The status the record's talk gets: a draft while unscheduled (``notes`` says so when
    the file wanted it public); else the file's status, or the talk's own, or published
    for a new talk."""
    if record.unscheduled:
        if record.status not in (None, Talk.Status.DRAFT):
            notes.append(
                f"{record.where}: no date and time, so imported as a draft, not "
                f"{record.status}: a talk is public once it has a slot."
            )
        return Talk.Status.DRAFT
    return record.status or (talk.status if talk else Talk.Status.PUBLISHED)


def placing_note(talk, was_unscheduled):
    """The note for a talk an import placed (it waited unscheduled) and left a draft; None
    otherwise."""
    if was_unscheduled and talk.start is not None and talk.status == Talk.Status.DRAFT:
        return (
            f"{quoted(label(talk))}: placed, and still a draft as it was: publish it in the "
            "admin when it is ready."
        )
    return None


def label(talk):
    """'Title (Mon 18 May 09:00, Room)', or 'Title (unscheduled)': how results name a talk."""
    if talk.start is None:
        return f"{talk.title} (unscheduled)"
    start = talk.start.astimezone(talk.conference.tzinfo)
    return f"{talk.title} ({moment_label(start)}, {talk.room.name})"
