import contextvars
import zoneinfo
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.db.models import Exists, F, Max, OuterRef, Prefetch, Q
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from program.colours import validate_colour
from program.text import entered_text, search_text, search_words
from program.times import elapsed


def validate_timezone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            "“%(value)s” is not an IANA timezone name such as America/Los_Angeles.",
            params={"value": value},
        ) from error


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        # Every admin form cleans its instance here, so typed text is stored in NFC and
        # trimmed whichever form it came through (CONTRACT.md "Data"); imports clean their
        # text with the same function.
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            text_field = isinstance(field, models.CharField | models.TextField)
            if text_field and field.editable and isinstance(value, str):
                setattr(self, field.attname, entered_text(value))
        super().clean_fields(exclude)


class TimestampedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """An update is a change too: move updated_at, which auto_now moves only on save().

        Feeds, cached pages and API syncs find changes by updated_at.
        """
        kwargs.setdefault("updated_at", timezone.now())
        return super().update(**kwargs)


class SearchableQuerySet(TimestampedQuerySet):
    """Keeps each row's search_text in step with its searched fields, whatever the write."""

    def update(self, **kwargs):
        searched = self.model.searched_fields
        if not any(name in kwargs for name in searched):
            return super().update(**kwargs)
        # The new values may be expressions: read them back once written.
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            rows = self.model._base_manager.filter(pk__in=pks).values_list("pk", *searched)
            # The base manager's plain QuerySet: no second updated_at or sequence change.
            self.model._base_manager.bulk_update(
                [self.model(pk=pk, search_text=search_text(*texts)) for pk, *texts in rows],
                ["search_text"],
            )
        return count

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.refresh_search_text()
        return super().bulk_create(objs, *args, **kwargs)

    def search(self, query):
        """Rows whose searched fields hold every word of ``query``, ignoring case and
        accents: both sides folded alike (program.text.search_text)."""
        queryset = self
        for word in search_words(query):
            queryset = queryset.filter(self.word_match(word))
        return queryset

    def word_match(self, word):
        return Q(search_text__contains=word)


class SearchableModel(models.Model):
    """A row that public search reads: its searched fields, folded once when written.

    Search compares ``search_text`` (program.text.search_text: case folded, accents
    removed) with the folded query words, so it ignores case and accents across Unicode,
    the same on SQLite and PostgreSQL. It is kept on every ORM write: save() (update_fields
    too), QuerySet.update() and bulk_create() (SearchableQuerySet), and fixtures, whose raw
    saves skip save() (fixture_search_text below).
    """

    searched_fields = ()

    search_text = models.TextField(
        editable=False, default="", help_text="The searched fields, folded for search."
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(self.searched_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def refresh_search_text(self):
        self.search_text = search_text(*(getattr(self, name) for name in self.searched_fields))


@receiver(pre_save)
def fixture_search_text(sender, instance, raw, **kwargs):
    """loaddata saves rows raw, without save(): fold their search text here."""
    if raw and isinstance(instance, SearchableModel):
        instance.refresh_search_text()


class SlugManager(models.Manager.from_queryset(TimestampedQuerySet)):
    """Fixtures refer to rows by slug, so loading one twice updates instead of duplicating."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class ConferenceQuerySet(TimestampedQuerySet):
    def published(self):
        return self.filter(is_published=True)

    def current(self):
        """The edition marked current, or None."""
        return self.filter(is_current=True).first()


class Conference(TimestampedModel):
    """One yearly edition of the conference series."""

    slug = models.SlugField(max_length=50, unique=True, help_text="Used in URLs, e.g. “2026”.")
    # Unique: the yearly menu and the admin tell editions apart by name.
    name = models.CharField(
        max_length=200,
        unique=True,
        error_messages={"unique": "Another edition already has this name."},
    )
    start_date = models.DateField()
    end_date = models.DateField()
    timezone = models.CharField(
        max_length=64,
        validators=[validate_timezone],
        help_text="IANA timezone of the venue, e.g. America/Los_Angeles. "
        "Times are entered and shown in it.",
    )
    venue = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=200, blank=True)
    is_published = models.BooleanField(
        "published", default=False, help_text="Shown in the yearly menu and public pages."
    )
    is_current = models.BooleanField(
        "current edition",
        default=False,
        help_text="Where / and /current/ lead. Marking one edition current unmarks the others.",
    )

    objects = SlugManager.from_queryset(ConferenceQuerySet)()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="conference_end_not_before_start",
            ),
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="conference_single_current",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("program:program", kwargs={"edition": self.slug})

    def natural_key(self):
        return (self.slug,)

    @cached_property
    def tzinfo(self):
        return zoneinfo.ZoneInfo(self.timezone)

    def day_bounds(self, day):
        """The aware start and end of a calendar day in the conference's timezone."""
        start = datetime.combine(day, time.min, tzinfo=self.tzinfo)
        end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=self.tzinfo)
        return start, end


class EditionSlugManager(models.Manager.from_queryset(TimestampedQuerySet)):
    """Rows whose slug is unique within their edition (rooms, tracks)."""

    def get_by_natural_key(self, conference_slug, slug):
        return self.get(conference__slug=conference_slug, slug=slug)


class Room(TimestampedModel):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="rooms")
    slug = models.SlugField(max_length=100)
    name = models.CharField(max_length=200)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveIntegerField(
        blank=True,
        help_text="Rooms are listed in this order, lowest first. "
        "Leave it empty to list the room after the edition's others.",
    )

    objects = EditionSlugManager()

    class Meta:
        ordering = ["conference", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "slug"], name="room_unique_slug_per_conference"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # A room without a position goes after the edition's others (admin forms, inlines).
        if self.position is None:
            self.position = self.next_position(self.conference_id)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.conference.get_absolute_url()}?room={self.slug}"

    @staticmethod
    def next_position(conference_id):
        """The first position after every room of the edition (0 for its first room)."""
        last = Room.objects.filter(conference_id=conference_id).aggregate(last=Max("position"))
        return 0 if last["last"] is None else last["last"] + 1

    def natural_key(self):
        return (self.conference.slug, self.slug)

    natural_key.dependencies = ["program.conference"]


class Speaker(SearchableModel, TimestampedModel):
    """A person, shared across editions."""

    searched_fields = ("name", "affiliation", "bio")

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    affiliation = models.CharField(max_length=300, blank=True)
    bio = models.TextField(blank=True)
    # The largest size of the photo, re-encoded on upload; the smaller sizes sit beside it
    # (program/photos.py). Written only by program.photos.set_photo, never from an upload name.
    photo = models.FileField(max_length=200, blank=True, editable=False)
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)

    objects = SlugManager.from_queryset(SearchableQuerySet)()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="speaker_name_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(photo="", photo_width=None, photo_height=None)
                | (~Q(photo="") & Q(photo_width__gt=0, photo_height__gt=0)),
                name="speaker_photo_has_size",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self, conference=None):
        """The speaker's page under an edition they speak at (their latest by default)."""
        if conference is None:
            conference = (
                Conference.objects.filter(talks__speakers=self).order_by("-start_date").first()
            )
        if conference is None:
            return None
        return reverse(
            "program:speaker-detail", kwargs={"edition": conference.slug, "slug": self.slug}
        )

    def natural_key(self):
        return (self.slug,)


class TalkType(TimestampedModel):
    """A kind of session (keynote, poster, ...); organisers add their own in admin."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100, unique=True)

    objects = SlugManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Track(TimestampedModel):
    """A theme that groups talks of one edition ("LLM Serving"); a talk has at most one."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="tracks")
    slug = models.SlugField(max_length=100)
    name = models.CharField(max_length=200)
    colour = models.CharField(
        max_length=7,
        default="#475569",
        validators=[validate_colour],
        help_text="The label's colour, #rrggbb. Its text is black or white, whichever reads "
        "better on it; the name is always shown too.",
    )
    description = models.TextField(blank=True)

    objects = EditionSlugManager()

    class Meta:
        ordering = ["conference", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "slug"], name="track_unique_slug_per_conference"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.colour = self.colour.lower()

    def natural_key(self):
        return (self.conference.slug, self.slug)

    natural_key.dependencies = ["program.conference"]


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

    def word_match(self, word):
        """In the talk's title or abstract, or in one of its speakers' texts."""
        speaker_match = TalkSpeaker.objects.filter(
            talk=OuterRef("pk"), speaker__search_text__contains=word
        )
        return super().word_match(word) | Exists(speaker_match)

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


HISTORY_BATCH = 500  # primary keys per query, well under SQLite's limit of bound variables
# True while a backup is restored (program/backups.py): its talks' history comes with it.
HISTORY_FROM_BACKUP = contextvars.ContextVar("history_from_backup", default=False)
# Talks whose deletion TalkQuerySet.delete() has recorded already.
RECORDED_DELETES = contextvars.ContextVar("recorded_deletes", default=frozenset())


def record_history(talks, pks, *, history_type):
    """One history record for each talk of ``talks`` whose key is in ``pks``, all at one
    moment, written in bulk: "~" after an UPDATE, "-" before a DELETE.

    django-simple-history records saves and deletes from model signals, one INSERT each;
    an UPDATE sends none, and thousands of single INSERTs take seconds.
    """
    history = Talk.history.model
    moment = timezone.now()
    fields = [field.attname for field in history.tracked_fields]
    for first in range(0, len(pks), HISTORY_BATCH):
        rows = talks.filter(pk__in=pks[first : first + HISTORY_BATCH]).values(*fields)
        history.objects.bulk_create(
            history(history_date=moment, history_type=history_type, **row) for row in rows
        )


class ProgramHistoricalRecords(HistoricalRecords):
    """django-simple-history's records, fixtures included, deletes in bulk.

    The library skips saves made by ``loaddata`` (``raw``); reloading the seed edition
    changes talks that attendees have seen, so those saves are recorded too, except while a
    backup, which brings its own history, is restored. Deletes that TalkQuerySet.delete()
    recorded in bulk are not recorded again.
    """

    def post_save(self, instance, created, using=None, **kwargs):
        if HISTORY_FROM_BACKUP.get():
            return
        kwargs["raw"] = False
        super().post_save(instance, created, using=using, **kwargs)

    def post_delete(self, instance, using=None, **kwargs):
        if instance.pk not in RECORDED_DELETES.get():
            super().post_delete(instance, using=using, **kwargs)


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
    title = models.CharField(max_length=300)
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
        # Calendar clients replace an event only when its SEQUENCE grows.
        if not self._state.adding:
            self.sequence += 1
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
    def host(self):
        """'speakerdeck.com': where the link leads, shown beside it."""
        return (urlsplit(self.url).hostname or "").removeprefix("www.")
