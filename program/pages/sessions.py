"""Sessions as the public pages show them: a band on the timetable, a heading on the program,
a line on each of their talks' pages (program/models/sessions.py says what a session holds).

A session's talks are not stored: a talk is in a session when its public slot lies within
the session's span in the session's room. The pages already hold their talks as entries
(listing.ProgramEntry), so they read the edition's sessions once (``session_lines``, one
query) and match them to the entries here, without a query per session or per talk.
"""

import datetime as dt
from collections import defaultdict
from typing import NamedTuple

from django.db.models import Exists, OuterRef

from program.links import slug_url
from program.models import Session, Talk, TalkSpeaker
from program.models.sessions import KIND_LABELS
from program.pages.listing import slot_labels


class Chair(NamedTuple):
    name: str
    url: str  # their speaker page in the edition, or "" when they have none there


class SessionLine(NamedTuple):
    """One session, with every label ready to print. Plain values, so hashable."""

    id: int
    title: str
    kind: str  # "talks", "posters" or "other"
    kind_label: str  # "Talk", "Poster", "Other": "Poster session" reads as English
    room_slug: str
    room: str
    start: dt.datetime
    end: dt.datetime
    chairs: tuple  # Chair, by name
    time_label: str  # "9:00 – 10:30 AM", in the edition's timezone
    start_iso: str
    end_iso: str

    @property
    def anchor(self):
        """The id of its heading or band: "session-12"."""
        return f"session-{self.id}"

    def holds(self, entry):
        """Whether a program entry (listing.ProgramEntry) is one of its talks."""
        return (
            entry.room_slug == self.room_slug
            and self.start <= entry.start
            and entry.end <= self.end
        )


def session_lines(conference, sessions=None):
    """The edition's sessions (or those of ``sessions``, a Session QuerySet of it) in time
    order, with their chairs: one query. A chair links to their speaker page when they have
    one in the edition (a public talk there)."""
    speaker_url = slug_url("program:speaker-detail", conference.slug)
    if sessions is None:
        sessions = Session.objects.filter(conference=conference)
    # Talk.objects.listed_in(conference), written out: as a subquery it cost 40 ms a page.
    speaks_here = TalkSpeaker.objects.filter(
        speaker=OuterRef("chairs"),
        talk__conference=conference,
        talk__public_status__in=[Talk.Status.PUBLISHED, Talk.Status.CANCELLED],
    )
    rows = (
        sessions.annotate(chair_speaks=Exists(speaks_here))
        .order_by("start", "room__position", "title", "pk", "chairs__name", "chairs__slug")
        .values_list(
            "pk", "title", "kind", "room__slug", "room__name", "start", "end",
            "chairs__name", "chairs__slug", "chair_speaks",
        )
    )  # fmt: skip
    labels = KIND_LABELS
    lines = {}
    for pk, title, kind, room_slug, room, start, end, name, slug, speaks in rows:
        if pk not in lines:
            lines[pk] = [pk, title, kind, labels[kind], room_slug, room, start, end, []]
        if slug is not None:
            lines[pk][-1].append(Chair(name, speaker_url(slug) if speaks else ""))
    return [
        SessionLine(
            *values[:-1],
            tuple(values[-1]),
            *slot_labels(values[6], values[7], conference.timezone)[1:],
        )
        for values in lines.values()
    ]


def session_of(entry, sessions):
    """The first of ``sessions`` (SessionLine, in time order) holding ``entry``, else None."""
    return next((session for session in sessions if session.holds(entry)), None)


class SessionGroup(NamedTuple):
    """A session's heading and its talks, as the program lists them."""

    session: SessionLine
    entries: list


def group_by_session(entries, sessions):
    """A day's entries (in time order) with each session's talks gathered under it, at the
    place of its first talk: a list of entries and SessionGroups. Talks outside sessions
    stay where they are; a session none of whose talks are listed is left out."""
    rooms = defaultdict(list)
    for session in sessions:
        rooms[session.room_slug].append(session)
    items, groups = [], {}
    for entry in entries:
        session = session_of(entry, rooms[entry.room_slug])
        if session is None:
            items.append(entry)
        elif session.id in groups:
            groups[session.id].entries.append(entry)
        else:
            groups[session.id] = SessionGroup(session, [entry])
            items.append(groups[session.id])
    return items
