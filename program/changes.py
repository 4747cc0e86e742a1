"""What changed in an edition's program, read from the talks' history.

django-simple-history keeps a record of every version of every talk (``Talk.history``:
saves, deletes, and the QuerySet updates and bulk creations that TalkQuerySet records
itself). A change that attendees see is a record compared with the one before it for the
same talk: a talk that became public in the edition was *added*; one that left its public
program was *removed* (back to draft, or moved to another edition) or *deleted*; a public
talk was *cancelled*, *reinstated* or *moved* (start, end or room). Other edits (a typo in
an abstract, a new title) are not listed.

Changes are read from the talks' public status, start, end and room (``public_*``, what
attendees saw), never from the working ones: in an edition that holds changes, a change
shows when it is released, with that release's records (program/releases.py), and is
grouped under the release (``Change.release``); changes made while the edition did not hold
them belong to no release.

Only the edition's public history counts: the records written after it was last published
(``Conference.public_history_after``, machinery/history.py start_public_history). Its
talks as they stood then (reason PUBLISHED), and a talk's first record when a fixture
created it (``loaddata``, reason LOADED), are the starting state, not changes. A talk that
left the program is shown as it last was while public: never a draft title, nor its title
in another edition.

The comparison is one SQL query: each record sees the previous one through LAG() over the
talk's records (in every edition, so that a move to another one shows), and only records
that make a visible change are kept.
"""

import datetime as dt
from typing import NamedTuple

from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Value, When, Window
from django.db.models.functions import Lag

from program.machinery.collation import reading_key
from program.machinery.history import LOADED, PUBLISHED
from program.models import Talk
from program.releases import released_number
from program.times import talk_when

PUBLIC = [Talk.Status.PUBLISHED, Talk.Status.CANCELLED]

# The values a change shows; for a removal, the ones the talk had while public (``before_*``).
SHOWN = ("slug", "title", "public_start", "public_end", "public_room_id")


def public_history(records, conference=None):
    """The ``records`` (HistoricalTalk) of ``conference``'s public history, or with None of
    each record's own edition: none while the edition is unpublished, else those written
    after it was last published."""
    if conference is None:
        return records.filter(
            conference__is_published=True,
            history_id__gt=F("conference__public_history_after"),
        )
    if not conference.is_published:
        return records.none()
    return records.filter(history_id__gt=conference.public_history_after)


class Kind:
    ADDED = "added"
    MOVED = "moved"
    CANCELLED = "cancelled"
    REINSTATED = "reinstated"
    REMOVED = "removed"
    DELETED = "deleted"

    labels = {
        ADDED: "Added",
        MOVED: "Moved",
        CANCELLED: "Cancelled",
        REINSTATED: "Reinstated",
        REMOVED: "Removed",
        DELETED: "Deleted",
    }
    descriptions = {
        ADDED: "A talk was added to the program.",
        MOVED: "A talk moved to another time or room.",
        CANCELLED: "A talk was cancelled; it stays listed, marked as cancelled.",
        REINSTATED: "A cancelled talk takes place after all.",
        REMOVED: "A talk was taken out of the public program (it may come back).",
        DELETED: "A talk was deleted.",
    }
    # The kinds after which a talk is no longer public: apps that sync drop it.
    gone = (REMOVED, DELETED)


class RoomRef(NamedTuple):
    """A room as a change names it: ``slug`` is None for a room deleted since."""

    slug: str | None
    name: str


class Slot(NamedTuple):
    """When and where a talk was: ``start`` and ``end`` aware."""

    start: dt.datetime
    end: dt.datetime
    room: RoomRef


# What the previous record says of the talk in the edition (``before_state``): its status
# there, AWAY in another edition, NULL for none. One LAG() instead of two: the CASE below
# repeats each LAG() it names, and SQLite and PostgreSQL compute every repetition.
AWAY = "away"


def place_here(conference):
    """The talk's public status if the record is of ``conference``, else AWAY."""
    return Case(
        When(conference=conference.pk, then=F("public_status")),
        default=Value(AWAY),
        output_field=CharField(),
    )


def change_kind(conference, since=None):
    """The kind of change a history record makes in ``conference`` (the previous record
    annotated as ``before_*`` by LAG), or NULL.

    The first matching rule wins, so a talk cancelled and moved in one save reads as
    cancelled. With ``since``, older records are NULL too: the condition must sit in this
    expression, because a plain filter on the date would hide the earlier records from LAG.
    """
    here = Q(conference=conference.pk)
    is_public = Q(public_status__in=PUBLIC) & ~Q(history_type="-") & here
    was_public = Q(before_state__in=PUBLIC)
    # The first record of the edition's public history, unless it is the starting state
    # (NULL-safe: the reason is NULL or "" for every other path).
    first_record = Q(before_state__isnull=True) & (
        Q(history_change_reason__isnull=True) | ~Q(history_change_reason__in=[LOADED, PUBLISHED])
    )
    came_in = Q(before_state__in=[Talk.Status.DRAFT, AWAY])
    went_out = Q(public_status=Talk.Status.DRAFT) | ~here
    moved = (
        ~Q(public_start=F("before_start"))
        | ~Q(public_end=F("before_end"))
        | ~Q(public_room_id=F("before_room"))
    )
    published = Q(public_status=Talk.Status.PUBLISHED)
    cancelled = Q(public_status=Talk.Status.CANCELLED)
    rules = [
        When(Q(history_type="-") & Q(public_status__in=PUBLIC) & here, then=Value(Kind.DELETED)),
        When(is_public & (first_record | came_in), then=Value(Kind.ADDED)),
        When(was_public & went_out, then=Value(Kind.REMOVED)),
        When(Q(before_state=Talk.Status.PUBLISHED) & cancelled & here, then=Value(Kind.CANCELLED)),
        When(Q(before_state=Talk.Status.CANCELLED) & published & here, then=Value(Kind.REINSTATED)),
        When(was_public & is_public & moved, then=Value(Kind.MOVED)),
    ]  # fmt: skip
    if since is not None:
        rules.insert(0, When(history_date__lt=since, then=Value(None)))
    return Case(*rules, default=Value(None), output_field=CharField())


def edition_changes(conference, since=None):
    """The visible changes to ``conference``'s talks, newest first, as dicts of values.

    Keys: ``history_id``, ``kind``, ``history_date`` (when, UTC), ``id`` (the talk's),
    ``conference_id`` (another edition's when the talk moved there), ``slug``, ``title``,
    ``public_start``, ``public_end``, ``public_room_id`` (as the record has them),
    ``before_slug``, ``before_title``, ``before_start``, ``before_end``, ``before_room`` (the
    room id) as the talk's previous record has them, and ``history_change_reason`` (a
    release's records name it: program.releases.released_number).
    describe_changes shows a removal with the ``before_`` values. A lazy QuerySet: count it
    and slice it for pages.
    """
    history = Talk.history.model
    by_talk = {
        "partition_by": [F("id")],
        "order_by": [F("history_date").asc(), F("history_id").asc()],
    }
    # Every record of the talks that were ever in the edition, in whichever edition.
    talks_here = history.objects.filter(conference=conference).values("id")
    return (
        public_history(history.objects.filter(id__in=talks_here), conference)
        .alias(before_state=Window(Lag(place_here(conference)), **by_talk))
        .annotate(
            before_slug=Window(Lag("slug"), **by_talk),
            before_title=Window(Lag("title"), **by_talk),
            before_start=Window(Lag("public_start"), **by_talk),
            before_end=Window(Lag("public_end"), **by_talk),
            before_room=Window(Lag("public_room_id"), **by_talk),
        )
        .annotate(kind=change_kind(conference, since))
        .filter(kind__isnull=False)
        .order_by("-history_date", "-history_id")
        .values(
            "history_id", "kind", "history_date", "id", "conference_id", "slug", "title",
            "public_start", "public_end", "public_room_id", "before_slug", "before_title",
            "before_start", "before_end", "before_room", "history_change_reason",
        )
    )  # fmt: skip


class Change(NamedTuple):
    """One visible change, ready to show: times are aware, rooms are names."""

    id: int
    kind: str
    changed_at: dt.datetime
    talk_id: int
    slug: str
    title: str
    start: dt.datetime
    end: dt.datetime
    room: RoomRef
    before: Slot | None
    url: str | None
    # The record is of another edition: the talk moved there (and may be added there).
    elsewhere: bool = False
    # The release that made it public (program.models.Release), None outside releases.
    release: object = None

    @property
    def label(self):
        return Kind.labels[self.kind]

    @property
    def gone(self):
        return self.kind in Kind.gone


def describe_changes(rows, conference, *, talk_url):
    """The rows of ``edition_changes`` as Change tuples: two queries for any number, and one
    more for their releases when some were released.

    ``talk_url`` maps a slug to its page; a change links to the talk's page only while the
    talk is public, by its current slug.
    """
    rows = list(rows)
    numbers = {released_number(row["history_change_reason"]) for row in rows} - {None}
    releases = {}
    if numbers:
        releases = {
            release.number: release for release in conference.releases.filter(number__in=numbers)
        }
    rooms = {
        pk: RoomRef(slug, name)
        for pk, slug, name in conference.rooms.values_list("id", "slug", "name")
    }
    gone_room = RoomRef(None, "a room since removed")
    public = dict(
        Talk.objects.published()
        .filter(conference=conference, pk__in={row["id"] for row in rows})
        .values_list("pk", "slug")
    )
    changes = []
    for row in rows:
        before = None
        if row["kind"] == Kind.MOVED:
            before = Slot(
                row["before_start"], row["before_end"], rooms.get(row["before_room"], gone_room)
            )
        # A removal shows the talk as it was while public: its record now may hold a draft
        # title, or its place in another edition.
        shown = dict(
            zip(("slug", "title", "start", "end", "room_id"), shown_values(row), strict=True)
        )
        slug = public.get(row["id"])
        changes.append(
            Change(
                id=row["history_id"],
                kind=row["kind"],
                changed_at=row["history_date"],
                talk_id=row["id"],
                slug=shown["slug"],
                title=shown["title"],
                start=shown["start"],
                end=shown["end"],
                room=rooms.get(shown["room_id"], gone_room),
                before=before,
                url=talk_url(slug) if slug else None,
                elsewhere=row["conference_id"] != conference.pk,
                release=releases.get(released_number(row["history_change_reason"]))
                if row["conference_id"] == conference.pk
                else None,
            )
        )
    return changes


def shown_values(row):
    """The slug, title, start, end and room id a row of edition_changes shows."""
    if row["kind"] == Kind.REMOVED:
        return [row["before_slug"], row["before_title"], row["before_start"],
                row["before_end"], row["before_room"]]  # fmt: skip
    return [row[name] for name in SHOWN]


def ever_public(conference=None):
    """The records of talks public in ``conference`` (in their own edition with None), in
    its public history (the edition published)."""
    records = Talk.history.model.objects.filter(public_status__in=PUBLIC)
    if conference is not None:
        records = records.filter(conference=conference)
    return public_history(records, conference)


def slugs_ever_public(slugs, conference=None):
    """{slug: talk id} for the ``slugs`` that named a public talk at some time.

    A personal agenda keeps slugs in its URL; a talk renamed since still answers to its
    old slug, and a deleted one is known rather than an error. Only slugs seen while the
    edition was published count.
    """
    records = ever_public(conference).filter(slug__in=slugs)
    return dict(records.values_list("slug", "id").distinct())


def ids_ever_public(conference):
    """The ids of every talk that was public at some time (a set), of ``conference`` if given,
    while its edition was published."""
    return set(ever_public(conference).values_list("id", flat=True).distinct())


class GoneTalk(NamedTuple):
    """A talk of a personal agenda that is no longer public, as it last was."""

    slug: str
    title: str
    kind: str  # Kind.DELETED or Kind.REMOVED

    @property
    def label(self):
        return Kind.labels[self.kind]


def gone_talks(talk_ids, conference):
    """The talks of ``talk_ids`` that are no longer public in ``conference`` (deleted, back
    to draft or moved to another edition), each with its slug and title as they last were
    while public there (never a draft's, nor another edition's), by title: one query.

    Talks never public in the edition's public history are left out.
    """
    records = (
        ever_public(conference)
        .filter(id__in=talk_ids)
        # Correlated on the talk's key: a lookup per record, not a list of the edition's talks.
        .exclude(Exists(Talk.objects.published().filter(conference=conference, pk=OuterRef("id"))))
        .annotate(exists=Exists(Talk.objects.filter(pk=OuterRef("id"))))
        .order_by("id", "-history_date", "-history_id")
        .values_list("id", "slug", "title", "exists")
    )
    latest = {}
    for pk, slug, title, exists in records:
        latest.setdefault(pk, GoneTalk(slug, title, Kind.REMOVED if exists else Kind.DELETED))
    return sorted(latest.values(), key=lambda talk: reading_key(talk.title))


def change_summary(change, tz):
    """One sentence saying what a change did, with times in the timezone ``tz``.

    'From Monday, May 18, 9:00–9:25 AM PDT in Hall A to Tuesday, May 19, 9:00–9:25 AM PDT
    in Hall B.'
    """
    where = f"{talk_when(change, tz)} in {change.room.name}"
    if change.kind == Kind.MOVED:
        return f"From {talk_when(change.before, tz)} in {change.before.room.name} to {where}."
    return {
        Kind.ADDED: f"{where}.",
        Kind.CANCELLED: f"Was to take place {where}.",
        Kind.REINSTATED: f"Takes place after all: {where}.",
        Kind.REMOVED: f"Taken out of the public program; it was {where}.",
        Kind.DELETED: f"Deleted from the program; it was {where}.",
    }[change.kind]
