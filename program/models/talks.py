"""Talks, their speakers (TalkSpeaker, in order) and their resources (slides, video, paper).

The rules the public pages rely on hold in the database (named constraints) as well as in
``clean()``: a talk ends after it starts and lasts at most MAX_DURATION.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
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
    TimestampedQuerySet,
)
from program.models.editions import Conference, Room, TalkType, Track
from program.models.speakers import Speaker
from program.outputs import uri
from program.times import elapsed

# The longest session the frab schedule format can write: its duration is "HH:MM" with at
# most two digits of hours (schedule.xml.xsd, type "duration").
MAX_DURATION = timedelta(hours=99, minutes=59)


TOO_LONG = (
    "A session lasts at most 99 hours 59 minutes, the longest that schedule apps (frab "
    "format) can read; enter a longer one as one session per day."
)


class TalkQuerySet(SearchableQuerySet):
    def published(self):
        """What the public may see: published and cancelled talks of published editions.

        Cancelled talks stay visible (marked as cancelled); drafts never leave admin.
        """
        return self.filter(
            status__in=[Talk.Status.PUBLISHED, Talk.Status.CANCELLED],
            conference__is_published=True,
        )

    def listed_in(self, conference):
        """The talks an edition's pages list: published and cancelled ones. For a published
        edition the same as ``published().filter(conference=conference)``; for one not yet
        published, what its pages will show once it is (only staff preview them)."""
        return self.filter(
            conference=conference, status__in=[Talk.Status.PUBLISHED, Talk.Status.CANCELLED]
        )

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
        link = {Room: "room", Track: "track", TalkType: "type"}[rows.model]
        return rows.filter(Exists(self.filter(**{link: OuterRef("pk")})))

    def scheduled(self):
        """Talks that take place: public and not cancelled (frab feeds, "now" views)."""
        return self.published().exclude(status=Talk.Status.CANCELLED)

    def for_program(self):
        """Everything a program listing shows, in a fixed number of queries."""
        return self.select_related("conference", "type", "room", "track").prefetch_related(
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
        actions, set_status(), bulk_update() all come through this method).
        """
        kwargs.setdefault("sequence", F("sequence") + 1)
        with transaction.atomic(using=self.db):
            # Read first: the update may change what the filter matches (status=draft).
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            record_history(Talk._base_manager.using(self.db), pks, history_type="~")
        return count

    def delete(self):
        """Delete the talks, recording each one's deletion in bulk first (see
        record_history), not one INSERT per talk from the delete signal."""
        with transaction.atomic(using=self.db):
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
        """Talks that share some time with [start, end); touching ends do not overlap."""
        return self.filter(start__lt=end, end__gt=start)


class TalkManager(models.Manager.from_queryset(TalkQuerySet)):
    def get_by_natural_key(self, conference_slug, slug):
        return self.get(conference__slug=conference_slug, slug=slug)


class Talk(SearchableModel, TimestampedModel):
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
    start = models.DateTimeField()
    end = models.DateTimeField()
    # RESTRICT: a room or track in use cannot be deleted (its talks would go, or lose it,
    # unseen), yet deleting the whole edition deletes its talks, rooms and tracks together.
    # (PROTECT would refuse the edition too.) The database's foreign key refuses the rest.
    room = models.ForeignKey(Room, on_delete=models.RESTRICT, related_name="talks")
    track = models.ForeignKey(
        Track, on_delete=models.RESTRICT, null=True, blank=True, related_name="talks"
    )
    speakers = models.ManyToManyField(Speaker, through="TalkSpeaker", related_name="talks")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    sequence = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Revision for calendar clients (iCalendar SEQUENCE); grows on each change.",
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
        ]
        indexes = [
            models.Index(fields=["conference", "status", "start"], name="talk_program_idx"),
            models.Index(fields=["room", "start"], name="talk_room_start_idx"),
            models.Index(fields=["updated_at"], name="talk_updated_at_idx"),
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
        # Calendar clients replace an event only when its SEQUENCE grows.
        if not self._state.adding:
            self.sequence += 1
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            super().save(*args, **kwargs)

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
        if self.room_id and self.conference_id and self.room.conference_id != self.conference_id:
            errors["room"] = f"“{self.room}” is a room of another edition."
        if self.track_id and self.conference_id and self.track.conference_id != self.conference_id:
            errors["track"] = f"“{self.track}” is a track of another edition."
        if errors:
            raise ValidationError(errors)

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
        return self.start.astimezone(self.conference.tzinfo)

    @property
    def local_end(self):
        return self.end.astimezone(self.conference.tzinfo)

    @property
    def duration_minutes(self):
        return int((self.end - self.start).total_seconds() // 60)


class TalkSpeakerManager(models.Manager):
    def get_by_natural_key(self, conference_slug, talk_slug, speaker_slug):
        return self.get(
            talk__conference__slug=conference_slug,
            talk__slug=talk_slug,
            speaker__slug=speaker_slug,
        )


class TalkSpeaker(models.Model):
    """A speaker of a talk, in the order the program lists them."""

    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="speaker_links")
    # A speaker with talks cannot be deleted: the talks would lose them unseen.
    speaker = models.ForeignKey(Speaker, on_delete=models.PROTECT, related_name="talk_links")
    position = models.PositiveSmallIntegerField(default=0)

    objects = TalkSpeakerManager()

    class Meta:
        ordering = ["talk", "position"]
        verbose_name = "speaker of the talk"
        verbose_name_plural = "speakers of the talk"
        constraints = [
            models.UniqueConstraint(fields=["talk", "speaker"], name="talkspeaker_unique_speaker"),
        ]

    def __str__(self):
        return f"{self.speaker} in “{self.talk}”"

    def natural_key(self):
        return (*self.talk.natural_key(), self.speaker.slug)

    natural_key.dependencies = ["program.talk", "program.speaker"]


# Its own code, so that a model form keeps this message instead of the form field's generic one.
HTTP_URL = URLValidator(
    schemes=["http", "https"],
    message="Enter a web address that starts with http:// or https://.",
    code="web_address",
)


class Resource(TimestampedModel):
    """Material of a talk (slides, a recording, a paper...): a link, in the talk's order."""

    class Kind(models.TextChoices):
        SLIDES = "slides", "Slides"
        VIDEO = "video", "Video"
        PAPER = "paper", "Paper"
        POSTER = "poster", "Poster"
        CODE = "code", "Code"
        OTHER = "other", "Other"

    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    url = models.URLField("URL", max_length=2000, validators=[HTTP_URL])
    title = models.CharField(max_length=200, blank=True, help_text="Optional, e.g. “Preprint”.")
    position = models.PositiveSmallIntegerField(default=0)

    objects = TimestampedQuerySet.as_manager()

    class Meta:
        ordering = ["talk", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["slides", "video", "paper", "poster", "code", "other"]),
                name="resource_kind_valid",
            ),
            # Only web links: never javascript:, data: or file: in a page or a feed.
            models.CheckConstraint(
                condition=Q(url__istartswith="http://") | Q(url__istartswith="https://"),
                name="resource_url_http",
            ),
        ]
        indexes = [models.Index(fields=["talk", "kind"], name="resource_talk_kind_idx")]

    def __str__(self):
        return self.title or self.get_kind_display()

    @property
    def uri(self):
        """The link as a valid URI, as every output writes it (outputs.uri)."""
        return uri(self.url)

    @property
    def host(self):
        """'speakerdeck.com': where the link leads, shown beside it."""
        return (urlsplit(self.url).hostname or "").removeprefix("www.")
