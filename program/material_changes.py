"""New, changed and removed materials of an edition's public talks, read from the
materials' history (``Resource.history``), for the changes page and its Atom feed.

A record is a visible change when it adds a material ("+"), removes one ("-"), or changes
its kind, address or title ("~"; a new place in the talk's list alone is not a change), and
its talk is public in the edition now (a draft's materials are nobody's business; a talk
that left the program is listed by program/changes.py already).

Only the edition's public history counts, as for talks (program/changes.py). Its start is
``Conference.public_history_after``, a *talk* history id, which says nothing of resource
records (their ids are another sequence). So the start is taken as a time: the
``history_date`` of the edition's first talk record after that id, which is one of the
records start_public_history writes while publishing (reason PUBLISHED), each as its talk
stands. The database stamps talk records at commit (machinery/stamps.py), while a
material's record carries the time it was saved (always before its transaction commits):
so a material saved before or while the edition was published is older than that stamp and
is left out, and one saved after the publishing committed is newer and counts. An edition
published without talks has no such record until its first talk is recorded; its materials
count from then on (none could exist before).
"""

import datetime as dt
from typing import NamedTuple

from django.db.models import Case, CharField, F, Q, Subquery, Value, When, Window
from django.db.models.functions import Lag

from program.models import Resource, Talk

KIND_LABELS = dict(Resource.Kind.choices)


class Kind:
    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"

    # "Slides added to LMCache"
    prepositions = {ADDED: "to", CHANGED: "on", REMOVED: "from"}


class MaterialChange(NamedTuple):
    """A material added to, changed on or removed from a public talk."""

    id: int  # the resource's history record
    kind: str  # Kind.ADDED, CHANGED or REMOVED
    changed_at: dt.datetime
    talk_id: int
    talk_title: str
    url: str | None  # the talk's page
    material: str  # "Slides", "Video", ...
    material_title: str
    link: str  # the material's address
    before_link: str | None  # for a change, the address before

    @property
    def label(self):
        """'Slides added', 'Video changed', 'Paper removed'."""
        return f"{self.material} {self.kind}"

    @property
    def title(self):
        return self.talk_title

    @property
    def preposition(self):
        return Kind.prepositions[self.kind]

    @property
    def heading(self):
        """'Slides added to LMCache'."""
        return f"{self.label} {self.preposition} {self.talk_title}"

    @property
    def summary(self):
        """'“Deck”: https://…' (and the address before, when it changed)."""
        named = f"“{self.material_title}”: " if self.material_title else ""
        if self.kind == Kind.CHANGED and self.before_link and self.before_link != self.link:
            return f"{named}{self.link} (was {self.before_link})."
        return f"{named}{self.link}."

    # What the feed asks of every entry (program/feeds/atom.py).
    release = None
    elsewhere = False


def change_kind(start):
    """The kind of change a resource record makes (its previous one annotated as
    ``before_*`` by LAG), or NULL; records from before ``start`` are NULL (a condition here,
    not a filter, so that LAG still sees them)."""
    edited = ~Q(kind=F("before_kind")) | ~Q(url=F("before_url")) | ~Q(title=F("before_title"))
    return Case(
        When(history_date__lte=start, then=Value(None)),
        When(history_type="+", then=Value(Kind.ADDED)),
        When(history_type="-", then=Value(Kind.REMOVED)),
        When(Q(history_type="~") & Q(before_kind__isnull=False) & edited, then=Value(Kind.CHANGED)),
        default=Value(None),
        output_field=CharField(),
    )


def material_changes(conference, *, talk_url, limit=50):
    """The newest ``limit`` material changes of ``conference``'s public talks, newest first,
    as MaterialChange tuples: one query. ``talk_url`` maps a talk's slug to its page."""
    if not conference.is_published:
        return []
    # When the public history started (see the module's docstring): NULL while no talk is
    # recorded, and then no talk is public either.
    start = Subquery(
        Talk.history.model.objects.filter(
            conference=conference, history_id__gt=conference.public_history_after
        )
        .order_by("history_date")
        .values("history_date")[:1]
    )
    public = Talk.objects.published().filter(conference=conference).values("pk")
    by_resource = {
        "partition_by": [F("id")],
        "order_by": [F("history_date").asc(), F("history_id").asc()],
    }
    rows = (
        Resource.history.model.objects.filter(talk_id__in=public)
        .annotate(
            before_kind=Window(Lag("kind"), **by_resource),
            before_url=Window(Lag("url"), **by_resource),
            before_title=Window(Lag("title"), **by_resource),
        )
        .annotate(change=change_kind(start))
        .filter(change__isnull=False)
        .order_by("-history_date", "-history_id")
        .values(
            "history_id", "change", "history_date", "talk_id", "talk__slug", "talk__title",
            "kind", "url", "title", "before_url",
        )[:limit]
    )  # fmt: skip
    return [
        MaterialChange(
            id=row["history_id"],
            kind=row["change"],
            changed_at=row["history_date"],
            talk_id=row["talk_id"],
            talk_title=row["talk__title"],
            url=talk_url(row["talk__slug"]),
            material=KIND_LABELS.get(row["kind"], row["kind"]),
            material_title=row["title"],
            link=row["url"],
            before_link=row["before_url"],
        )
        for row in rows
    ]
