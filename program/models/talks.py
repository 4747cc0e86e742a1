"""Talks, their speakers (TalkSpeaker, in order) and their resources (slides, video, paper).

The rules the public pages rely on hold in the database (named constraints) as well as in
``clean()``: a talk ends after it starts and lasts at most MAX_DURATION; it has a slot
(start, end and room) or none (*unscheduled*), and only a draft may have none.

A talk is stored twice over for its place in the program: ``status``, ``start``, ``end``
and ``room`` are the organisers' working version, and ``public_*`` what the public sees.
They are the same unless its edition holds changes for release (program/releases.py):
every path that writes (save(), update(), bulk_create()) copies the working values to the
public ones at once in an edition that does not hold them. Public readers take talks
through published(), listed_in() or scheduled(), whose talks carry the public values in
the working names (PublicTalkIterable), and filter and order on the ``public_*`` names.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from program.machinery.collation import READING
from program.machinery.history import RECORDED_DELETES, ProgramHistoricalRecords, record_history
from program.models.base import (
    SearchableModel,
    SearchableQuerySet,
    TimestampedModel,
)
from program.models.editions import Conference, Room, TalkType, Track
from program.models.public_reads import (
    HELD_FIELDS,
    PUBLIC_NAMES,
    PublicQuery,
    as_public,
    show_public,
)
from program.models.releases import (
    UPDATE_NAMES,
    DeletionHeld,
    EditionChangeMixin,
    public_at_once,
)
from program.models.speakers import Speaker
from program.models.talk_speakers import TalkSpeaker
from program.times import elapsed

# The longest session the frab schedule format can write: its duration is "HH:MM" with at
# most two digits of hours (schedule.xml.xsd, type "duration").
MAX_DURATION = timedelta(hours=99, minutes=59)


TOO_LONG = (
    "A session lasts at most 99 hours 59 minutes, the longest that schedule apps (frab "
    "format) can read; enter a longer one as one session per day."
)


SLOT_INCOMPLETE = (
    "Give the talk a day, start, end and room, or none of them to leave it unscheduled."
)


class TalkQuerySet(SearchableQuerySet):
    def published(self):
        """What the public may see: published and cancelled talks of published editions, as
        the public sees them (the last release of an edition that holds changes).

        Cancelled talks stay visible (marked as cancelled); drafts never leave admin. The
        talks carry their public status, start, end and room in those names; filter and
        order on ``public_status``, ``public_start``, ``public_end``, ``public_room``.
        """
        return self.filter(
            public_status__in=[Talk.Status.PUBLISHED, Talk.Status.CANCELLED],
            conference__is_published=True,
        ).as_public()

    def listed_in(self, conference):
        """The talks an edition's pages list: published and cancelled ones, as published().
        For a published edition the same as ``published().filter(conference=conference)``;
        for one not yet published, what its pages will show once it is (only staff preview
        them)."""
        return self.filter(
            conference=conference,
            public_status__in=[Talk.Status.PUBLISHED, Talk.Status.CANCELLED],
        ).as_public()

    def as_public(self):
        """These talks with their public status, start, end and room in the working names
        (``talk.start`` is ``public_start``...), read-only: save() refuses them. Filter and
        order them on the public names: naming a working one raises WorkingFieldRead
        (program/models/public_reads.py)."""
        return as_public(self)

    @property
    def read_as_public(self):
        """Whether these talks are read as the public sees them (as_public())."""
        return isinstance(self.query, PublicQuery)

    def rows_used(self, rows):
        """The rows of ``rows`` (a QuerySet of rooms, tracks, talk types or speakers) that
        these talks use, as a QuerySet.

        What the public learns of an edition's rooms, tracks, types and speakers is what its
        public talks show: a filter choice, a stylesheet rule or an API row for a room or a
        speaker known only from drafts would tell that they exist (issue 20). The talks are
        probed through an index (EXISTS, or ``id IN`` for speakers) rather than joined and
        made distinct.
        """
        if rows.model is Speaker:
            return rows.filter(
                pk__in=TalkSpeaker.objects.filter(talk__in=self).values("speaker_id")
            )
        room = "public_room" if self.read_as_public else "room"
        link = {Room: room, Track: "track", TalkType: "type"}[rows.model]
        return rows.filter(Exists(self.filter(**{link: OuterRef("pk")})))

    def scheduled(self):
        """Talks that take place: public and not cancelled (frab feeds, "now" views)."""
        return self.published().exclude(public_status=Talk.Status.CANCELLED)

    def for_program(self):
        """Everything a program listing shows, in a fixed number of queries (the public
        room, for talks read as the public sees them)."""
        room = "public_room" if self.read_as_public else "room"
        return self.select_related("conference", "type", room, "track").prefetch_related(
            Prefetch(
                "speaker_links",
                queryset=TalkSpeaker.objects.select_related("speaker").order_by("position"),
                to_attr="ordered_speaker_links",
            )
        )

    def for_clashes(self):
        """What clashes are found and told from: times, rooms and speakers' names, without
        the long texts (an import checks every talk of an edition, 25,000 in a large file)."""
        return (
            self.defer("abstract", "search_text")
            .select_related("conference", "room")
            .prefetch_related(
                Prefetch(
                    "speaker_links",
                    queryset=TalkSpeaker.objects.select_related("speaker")
                    .only("talk_id", "position", "speaker__name")
                    .order_by("position"),
                    to_attr="ordered_speaker_links",
                )
            )
        )

    def for_talk_page(self):
        """A talk page's talk: as for_program(), with its resources."""
        return self.for_program().prefetch_related("resources")

    def term_match(self, term):
        """In the talk's title or abstract, or in one of its speakers' texts."""
        speaker_match = TalkSpeaker.objects.filter(
            self.holds(term, "speaker__search_text"), talk=OuterRef("pk")
        )
        return super().term_match(term) | Exists(speaker_match)

    def update(self, **kwargs):
        """Update the talks, growing each one's SEQUENCE and recording each in its history.

        Calendar clients replace an event only when its SEQUENCE grows, as Talk.save() does.
        django-simple-history records saves and deletes through model signals, which an
        UPDATE statement does not send, so the updated talks are recorded here (bulk
        actions, set_status(), bulk_update() all come through this method). A change to a
        talk's status, start, end or room is public at once in an edition that does not
        hold changes (public_at_once).
        """
        kwargs.setdefault("sequence", F("sequence") + 1)
        kwargs = public_at_once(Talk, kwargs)
        with transaction.atomic(using=self.db):
            # Read first: the update may change what the filter matches (status=draft).
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            record_history(Talk._base_manager.using(self.db), pks, history_type="~")
        return count

    def shown_until_release(self):
        """The talks the public sees in the last release of an edition that holds changes
        (public or cancelled there): deleting one would take it off the public program
        before the release, so delete() refuses them."""
        return self.filter(
            public_status__in=[Talk.Status.PUBLISHED, Talk.Status.CANCELLED],
            conference__holds_changes=True,
        )

    def delete(self, *, with_edition=False):
        """Delete the talks, recording each one's deletion in bulk first (see
        record_history), not one INSERT per talk from the delete signal.

        Raises DeletionHeld, deleting nothing, if some are shown until their edition's
        release (shown_until_release); ``with_edition``: the caller deletes their edition
        in the same transaction, so nothing is refused (deleting the edition itself cascades
        without this method and is never refused).
        """
        with transaction.atomic(using=self.db):
            held = self.shown_until_release()
            if not with_edition and (count := held.count()):
                raise DeletionHeld(list(held.select_related("conference")[:100]), count)
            pks = list(self.values_list("pk", flat=True))
            record_history(Talk._base_manager.using(self.db), pks, history_type="-")
            recorded = RECORDED_DELETES.set(frozenset(pks))
            try:
                return super().delete()
            finally:
                RECORDED_DELETES.reset(recorded)

    def bulk_create(self, objs, *args, **kwargs):
        """Create the talks and their first history records (bulk_create sends no signals).

        Talks whose primary key the database does not return (``ignore_conflicts``) are not
        recorded.
        """
        objs = list(objs)
        holding = set(
            Conference.objects.using(self.db)
            .filter(pk__in={talk.conference_id for talk in objs}, holds_changes=True)
            .values_list("pk", flat=True)
        )
        for talk in objs:
            if talk.conference_id not in holding:
                talk.show_at_once()
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            Talk.history.bulk_history_create(
                [talk for talk in created if talk.pk is not None], default_date=timezone.now()
            )
        return created

    def set_status(self, status):
        """Change the status of many talks at once (update() grows each one's sequence)."""
        return self.update(status=status)

    def overlapping(self, start, end):
        """Talks that share some time with [start, end); touching ends do not overlap
        (public talks by their public times)."""
        if self.read_as_public:
            return self.filter(public_start__lt=end, public_end__gt=start)
        return self.filter(start__lt=end, end__gt=start)

    def unscheduled(self):
        """Talks waiting for a slot: no room, no start, no end."""
        return self.filter(start__isnull=True)


class TalkManager(models.Manager.from_queryset(TalkQuerySet)):
    def get_by_natural_key(self, conference_slug, slug):
        return self.get(conference__slug=conference_slug, slug=slug)


class Talk(EditionChangeMixin, SearchableModel, TimestampedModel):
    searched_fields = ("title", "abstract")

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="talks")
    slug = models.SlugField(
        max_length=200, help_text="The title, slugified; unique within the edition."
    )
    # Titles sort as people read them (program/machinery/collation.py).
    title = models.CharField(max_length=300, db_collation=READING)
    type = models.ForeignKey(TalkType, on_delete=models.PROTECT, related_name="talks")
    abstract = models.TextField(blank=True)
    # No start, end and room: the talk is unscheduled, waiting for a slot (drafts only).
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)
    # RESTRICT: a room or track in use cannot be deleted (its talks would go, or lose it,
    # unseen), yet deleting the whole edition deletes its talks, rooms and tracks together.
    # (PROTECT would refuse the edition too.) The database's foreign key refuses the rest.
    room = models.ForeignKey(
        Room, on_delete=models.RESTRICT, null=True, blank=True, related_name="talks"
    )
    duration = models.DurationField(
        null=True,
        blank=True,
        help_text="How long an unscheduled talk lasts once placed (else 30 minutes); a "
        "placed talk lasts from its start to its end.",
    )
    track = models.ForeignKey(
        Track, on_delete=models.RESTRICT, null=True, blank=True, related_name="talks"
    )
    speakers = models.ManyToManyField(Speaker, through="TalkSpeaker", related_name="talks")
    board = models.CharField(max_length=20, blank=True, help_text="A poster's board, e.g. “12”.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    sequence = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Revision for calendar clients (iCalendar SEQUENCE); grows on each change.",
    )

    # What the public sees: the same as the four above, or their last release while the
    # edition holds changes (program/releases.py). Draft: not public.
    public_status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    public_start = models.DateTimeField(null=True, editable=False)
    public_end = models.DateTimeField(null=True, editable=False)
    public_room = models.ForeignKey(
        Room, on_delete=models.RESTRICT, null=True, editable=False, related_name="+"
    )

    objects = TalkManager()
    # Every version of every talk, deleted ones included: the changes page and feed read it.
    # (Not the abstract, and not search_text, which is derived from it.)
    history = ProgramHistoricalRecords(excluded_fields=["abstract", "search_text"])

    class Meta:
        ordering = ["start", "room__position", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="talk_end_after_start"),
            # The longest session a frab file can write (its duration is HH:MM).
            models.CheckConstraint(
                condition=Q(end__lte=F("start") + MAX_DURATION), name="talk_at_most_99_59"
            ),
            models.UniqueConstraint(
                fields=["conference", "slug"], name="talk_unique_slug_per_conference"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "cancelled"]),
                name="talk_status_valid",
            ),
            # A slot is whole or absent: an unscheduled talk has no start, end nor room.
            models.CheckConstraint(
                condition=Q(start__isnull=True, end__isnull=True, room__isnull=True)
                | Q(start__isnull=False, end__isnull=False, room__isnull=False),
                name="talk_slot_whole",
            ),
            # Only a draft waits for a slot: a public talk is somewhere at some time.
            models.CheckConstraint(
                condition=Q(status="draft") | Q(start__isnull=False), name="talk_public_has_slot"
            ),
            models.CheckConstraint(
                condition=Q(duration__gt=timedelta(0), duration__lte=MAX_DURATION)
                | Q(duration__isnull=True),
                name="talk_duration_in_range",
            ),
            models.CheckConstraint(
                condition=Q(public_status__in=["draft", "published", "cancelled"]),
                name="talk_public_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(public_status="draft")
                | Q(
                    public_start__isnull=False,
                    public_end__isnull=False,
                    public_room__isnull=False,
                ),
                name="talk_released_has_slot",
            ),
        ]
        indexes = [
            models.Index(fields=["conference", "status", "start"], name="talk_program_idx"),
            models.Index(fields=["room", "start"], name="talk_room_start_idx"),
            models.Index(fields=["updated_at"], name="talk_updated_at_idx"),
            models.Index(
                fields=["conference", "public_status", "public_start"], name="talk_public_idx"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """Save the talk and its history record together or not at all.

        The record is written by django-simple-history's post_save signal, after the row:
        outside a transaction the row would commit alone if the record failed, and the
        change would never reach the changes page, feed or API. Within a caller's
        transaction no savepoint is taken (no extra queries): a failure then undoes that
        whole transaction. (Deletes need nothing: Django sends post_delete inside the
        deletion's own transaction.)
        """
        if getattr(self, "read_as_public", False):
            raise TypeError(
                "This talk was read as the public sees it (published(), listed_in(), "
                "scheduled()); read it with Talk.objects.get() to change it."
            )
        # Calendar clients replace an event only when its SEQUENCE grows.
        if not self._state.adding:
            self.sequence += 1
        if not self._state.adding:
            kwargs["update_fields"] = self.hide_until_released_in_new_edition(
                kwargs.get("update_fields")
            )
        if not self.conference.holds_changes:
            self.show_at_once()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and set(update_fields) & set(UPDATE_NAMES):
                kwargs["update_fields"] = {*update_fields, *HELD_FIELDS.values()}
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            super().save(*args, **kwargs)
        self.read_in_conference_id = self.conference_id

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        """Reload the talk; one read as the public sees it reloads the public status, start,
        end and room into the working names (a deferred ``talk.start`` comes here too)."""
        if not getattr(self, "read_as_public", False):
            return super().refresh_from_db(using, fields, from_queryset)
        if fields is not None:
            fields = {*fields, *(PUBLIC_NAMES[name] for name in fields if name in PUBLIC_NAMES)}
        super().refresh_from_db(using, fields, from_queryset)
        show_public(self)

    def delete(self, *args, **kwargs):
        """Delete the talk; raises DeletionHeld (deleting nothing) if the public sees it in
        the last release of an edition that holds changes (shown_until_release)."""
        if Talk.objects.filter(pk=self.pk).shown_until_release().exists():
            raise DeletionHeld([self])
        return super().delete(*args, **kwargs)

    def show_at_once(self):
        """Make the working status, start, end and room the public ones (not saved)."""
        for working, public in HELD_FIELDS.items():
            setattr(self, public, getattr(self, working))

    @property
    def is_scheduled(self):
        return self.start is not None

    def get_absolute_url(self):
        return reverse(
            "program:talk-detail", kwargs={"edition": self.conference.slug, "slug": self.slug}
        )

    def natural_key(self):
        return (self.conference.slug, self.slug)

    natural_key.dependencies = [
        "program.conference",
        "program.room",
        "program.talktype",
        "program.track",
    ]

    def clean(self):
        errors = {}
        length = elapsed(self.start, self.end) if self.start and self.end else None
        if length is not None and length <= timedelta(0):
            errors["end"] = "The talk must end after it starts."
        elif length is not None and length > MAX_DURATION:
            errors["end"] = TOO_LONG
        slot = [self.start, self.end, self.room_id]
        if any(value is None for value in slot) and any(value is not None for value in slot):
            errors["__all__"] = SLOT_INCOMPLETE
        elif self.start is None and self.status != self.Status.DRAFT:
            errors["status"] = (
                "Only a draft can wait without a slot: give the talk a day, time and room "
                "before it is public."
            )
        if self.room_id and self.conference_id and self.room.conference_id != self.conference_id:
            errors["room"] = f"“{self.room}” is a room of another edition."
        if self.track_id and self.conference_id and self.track.conference_id != self.conference_id:
            errors["track"] = f"“{self.track}” is a track of another edition."
        if refusal := self.edition_change_refusal():
            errors["conference"] = refusal
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        """As Django's, without the database's slot rule when clean() already told of a
        partial slot in its words (SLOT_INCOMPLETE), which the rule would repeat as
        "Constraint “talk_slot_whole” is violated."."""
        slot = [self.start, self.end, self.room_id]
        if None in slot and any(value is not None for value in slot):
            exclude = {*(exclude or ()), "start", "end", "room"}
        super().validate_constraints(exclude=exclude)

    @property
    def ordered_speakers(self):
        """Speakers in their listed order; uses the for_program() prefetch when present."""
        links = getattr(self, "ordered_speaker_links", None)
        if links is None:
            links = self.speaker_links.select_related("speaker").order_by("position")
        return [link.speaker for link in links]

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def local_start(self):
        return self.start and self.start.astimezone(self.conference.tzinfo)

    @property
    def local_end(self):
        return self.end and self.end.astimezone(self.conference.tzinfo)

    @property
    def duration_minutes(self):
        """Its length in minutes; an unscheduled talk's planned one (duration, else 30)."""
        length = self.end - self.start if self.start else self.duration or timedelta(minutes=30)
        return int(length.total_seconds() // 60)
