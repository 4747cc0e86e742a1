"""What the next release of an edition will change, as its Release page shows it first.

The held talks whose change the public will see (releases.visible_changes), each with one
kind of change and where it was and will be in the public program; and the speakers of
those talks, whom organisers may want to tell. A fingerprint of the same rows lets the page
refuse to release changes made after the organiser looked at them.
"""

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from program.models import Conference, Talk
from program.releases import PUBLIC, release, visible_changes
from program.times import when_label

# Each kind of change, in the order the page lists them, with its heading.
KINDS = {
    "added": "Added",
    "moved": "Moved",
    "retimed": "Retimed (same start and room, another end)",
    "cancelled": "Cancelled",
    "reinstated": "Reinstated (no longer cancelled)",
    "removed": "Removed (back to draft)",
}


@dataclass(frozen=True)
class Change:
    """One talk's change: ``kind`` (a key of KINDS); ``before`` and ``after`` say where and
    when the public sees it now and will see it ('Monday, May 18, 9:00–9:25 AM PDT in
    Hall A'), '' where it is not public."""

    talk: Talk
    kind: str
    before: str
    after: str

    @property
    def heading(self):
        return KINDS[self.kind]


@dataclass(frozen=True)
class Preview:
    """``changes``: in KINDS order, then by time and title; ``speakers``: (speaker, [their
    changed talks]) by name; ``fingerprint``: a hex digest of the changed rows' working and
    public values and of the last release's number (equal fingerprints: nothing changed,
    and nothing was released, between two previews)."""

    changes: list
    speakers: list
    fingerprint: str

    def groups(self):
        """[(heading, [Change, ...]), ...] in KINDS order, the kinds present only."""
        return [
            (heading, [change for change in self.changes if change.kind == kind])
            for kind, heading in KINDS.items()
            if any(change.kind == kind for change in self.changes)
        ]


def preview(conference):
    """The Preview of ``conference``'s next release, in three queries (the talks with their
    working and public rooms, their speakers, the last release's number)."""
    talks = visible_changes(conference).for_clashes().select_related("public_room").order_by("pk")
    talks = list(talks)
    # The last release too: a second click on Release, or another organiser's release,
    # would release again what the page showed (a new name, nothing held).
    last = conference.releases.aggregate(last=Max("number"))["last"]
    changes = sorted(
        (change_of(talk) for talk in talks),
        key=lambda change: (
            list(KINDS).index(change.kind),
            change.talk.start or change.talk.public_start,
            change.talk.title,
        ),
    )
    speakers = {}
    for change in changes:
        for speaker in change.talk.ordered_speakers:
            speakers.setdefault(speaker, []).append(change.talk)
    return Preview(
        changes=changes,
        speakers=sorted(speakers.items(), key=lambda item: (item[0].name, item[0].pk)),
        fingerprint=fingerprint(talks, last),
    )


class Outdated(Exception):
    """The held changes are no longer those of the preview the organiser saw."""


def release_as_seen(conference, seen, *, name, note="", by=None):
    """Release ``conference``'s held changes (releases.release) if they are those that a
    Preview whose fingerprint is ``seen`` showed; else raise Outdated, releasing nothing.

    The edition's row, then its talks, are locked first (on PostgreSQL; SQLite has one
    writer): a talk saved meanwhile waits for the release to commit, so the release changes
    exactly what was seen. Returns the Release.
    """
    with transaction.atomic():
        Conference.objects.select_for_update().filter(pk=conference.pk).exists()
        # In key order (no join to rooms, which FOR UPDATE refuses on an outer join).
        talks = Talk.objects.filter(conference=conference).order_by("pk").select_for_update()
        list(talks.values_list("pk", flat=True))
        if preview(conference).fingerprint != seen:
            raise Outdated
        return release(conference, name=name, note=note, by=by)


def change_of(talk):
    """The Change that releasing ``talk`` (a visible change) makes."""
    was_public, will_be_public = talk.public_status in PUBLIC, talk.status in PUBLIC
    before = slot_label(talk, talk.public_start, talk.public_end, talk.public_room)
    after = slot_label(talk, talk.start, talk.end, talk.room)
    if not was_public:
        return Change(talk, "added", "", after)
    if not will_be_public:
        return Change(talk, "removed", before, "")
    if talk.public_status != talk.status:
        kind = "cancelled" if talk.status == Talk.Status.CANCELLED else "reinstated"
    elif talk.start != talk.public_start or talk.room_id != talk.public_room_id:
        kind = "moved"
    else:
        kind = "retimed"
    return Change(talk, kind, before, after)


def slot_label(talk, start, end, room):
    """'Monday, May 18, 9:00–9:25 AM PDT in Hall A', in the edition's timezone."""
    zone = talk.conference.tzinfo
    return f"{when_label(start.astimezone(zone), end.astimezone(zone))} in {room}"


def fingerprint(talks, last_release):
    """A digest of the number of the edition's last release (None without one), and each
    talk's key and working and public status, start, end and room."""
    digest = hashlib.sha256(repr(last_release).encode())
    for talk in sorted(talks, key=lambda talk: talk.pk):
        values = (
            talk.pk,
            talk.status,
            talk.start,
            talk.end,
            talk.room_id,
            talk.public_status,
            talk.public_start,
            talk.public_end,
            talk.public_room_id,
        )
        digest.update(repr(values).encode())
    return digest.hexdigest()
