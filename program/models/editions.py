"""An edition (Conference) and what belongs to it alone (rooms, tracks); and the talk types
all editions share."""

import zoneinfo
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Max, Q
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.urls import Resolver404, resolve, reverse
from django.utils.functional import cached_property

from program.colours import validate_colour
from program.machinery.collation import READING
from program.machinery.history import (
    HISTORY_FROM_BACKUP,
    last_history_id,
    start_public_history,
)
from program.models.base import (
    HTTP_URL,
    EditionSlugManager,
    SlugManager,
    TimestampedModel,
    TimestampedQuerySet,
    validate_timezone,
)
from program.origins import origins, validate_origins

# The site's own first path segments, which an edition's address would shadow; the database
# refuses these (conference_slug_not_the_sites); validate_edition_slug also asks the URLconf.
SITE_ADDRESSES = ("admin", "api", "current", "healthz", "media", "static")


def validate_edition_slug(value):
    """An edition's slug is the first part of its pages' addresses (/2026/program/): one the
    site answers itself (/api/, the admin's, /current/, static files, photos) would leave
    the edition's pages unreachable. Raises ValidationError."""
    own = {
        *SITE_ADDRESSES,
        *(
            url.strip("/").split("/")[0]
            for url in (settings.ADMIN_PATH, settings.STATIC_URL, settings.MEDIA_URL)
        ),
    }
    try:
        answered_by = resolve(f"/{value}/").view_name
    except Resolver404:
        answered_by = None
    if value in own or answered_by not in (None, "program:edition"):
        raise ValidationError(
            "“%(value)s” is an address the site uses itself (/%(value)s/), so the edition's "
            "pages could not be reached: choose another slug, such as %(value)s-2026.",
            params={"value": value},
        )


class ConferenceQuerySet(TimestampedQuerySet):
    def published(self):
        return self.filter(is_published=True)

    def current(self):
        """The edition marked current, or None."""
        return self.filter(is_current=True).first()

    def update(self, **kwargs):
        """Update the editions; those it publishes start their public history
        (machinery/history.py start_public_history), as Conference.save() does."""
        if "holds_changes" in kwargs:
            # Each edition switched as save() switches it (its first release, or its held
            # changes made public).
            with transaction.atomic(using=self.db):
                for edition in self.exclude(holds_changes=kwargs["holds_changes"]):
                    edition.holds_changes = kwargs["holds_changes"]
                    edition.save(update_fields=["holds_changes"])
                rest = {name: value for name, value in kwargs.items() if name != "holds_changes"}
                count = super().update(**rest) if rest else self.count()
            return count
        if kwargs.get("is_published") is not True:
            return super().update(**kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            publishing = list(self.filter(is_published=False).values_list("pk", flat=True))
            count = super().update(**kwargs)
            if publishing:
                start_public_history(publishing, using=self.db)
        return count


class Conference(TimestampedModel):
    """One yearly edition of the conference series."""

    slug = models.SlugField(
        max_length=50,
        unique=True,
        validators=[validate_edition_slug],
        help_text="Used in URLs, e.g. “2026”.",
    )
    # Unique: the yearly menu and the admin tell editions apart by name.
    name = models.CharField(
        max_length=200,
        unique=True,
        db_collation=READING,
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
    holds_changes = models.BooleanField(
        "hold changes for release",
        default=False,
        help_text="Moves, new, cancelled and removed talks wait until you release them from "
        "the edition's Release page; titles, abstracts, speakers and materials are public at "
        "once. Switching it on makes the program as it stands release 1; switching it off "
        "makes every waiting change public at once.",
    )
    embed_origins = models.TextField(
        "sites that may embed the program",
        blank=True,
        validators=[validate_origins],
        help_text="One web origin per line, such as https://mlsys.org: the sites whose pages "
        "may show this edition's embedded program, timetable, speakers and now in a frame. "
        "Empty: no other site may.",
    )
    speaker_edit_until = models.DateTimeField(
        "speakers may edit until",
        null=True,
        blank=True,
        help_text="When the speakers' private links stop working (e.g. when the program goes "
        "to print). Empty: until you revoke them.",
    )
    speaker_changes_need_approval = models.BooleanField(
        "speakers' changes need approval",
        default=True,
        help_text="A speaker's change to their profile or materials waits for an organiser "
        "to approve it under “Speakers' changes”. Off: it is public at once.",
    )
    # Set whenever the edition is published (save() and QuerySet.update()): its changes
    # page, feed and API leave out the talk records up to this one, written while it was
    # prepared (machinery/history.py start_public_history). 0: all of them count.
    public_history_after = models.PositiveBigIntegerField(
        default=0,
        editable=False,
        help_text="The last talk history record (history_id) written before the edition "
        "was last published.",
    )

    objects = SlugManager.from_queryset(ConferenceQuerySet)()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="conference_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=~Q(slug__in=SITE_ADDRESSES), name="conference_slug_not_the_sites"
            ),
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="conference_single_current",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """Saves the edition; marking it current unmarks the one that was, in one transaction
        (the database refuses two current editions: conference_single_current). Publishing
        it starts its public history (machinery/history.py start_public_history). Holding
        changes switched on makes the program as it stands a release, switched off makes
        the held changes public (program/releases.py)."""
        using = kwargs.get("using")
        adding = self._state.adding
        update_fields = kwargs.get("update_fields")
        publishing = (
            self.is_published and (update_fields is None or "is_published" in update_fields)
        ) and (
            adding
            or Conference._base_manager.using(using).filter(pk=self.pk, is_published=False).exists()
        )
        holding = self.holding_switched(adding, update_fields)
        if not self.is_current and not publishing and holding is None:
            return super().save(*args, **kwargs)
        with transaction.atomic(using=using):
            if self.is_current:
                others = Conference.objects.filter(is_current=True).exclude(pk=self.pk)
                others.update(is_current=False)
            if publishing and adding:
                # No talks yet: its history starts after every record written so far.
                self.public_history_after = last_history_id(using)
            super().save(*args, **kwargs)
            if publishing and not adding:
                self.public_history_after = start_public_history([self.pk], using=using)
            if holding is not None:
                # Imported here: releases work on talks, whose module imports this one.
                from program import releases

                (releases.start_holding if holding else releases.stop_holding)(self)
                self._stored_holds = self.holds_changes

    @classmethod
    def from_db(cls, db, field_names, values):
        edition = super().from_db(db, field_names, values)
        # What save() compares with to see holding switched on or off (holding_switched).
        edition._stored_holds = edition.__dict__.get("holds_changes")
        return edition

    def holding_switched(self, adding, update_fields):
        """True if this save switches holding changes on, False if off, else None."""
        if update_fields is not None and "holds_changes" not in update_fields:
            return None
        if adding:
            return True if self.holds_changes else None
        stored = getattr(self, "_stored_holds", None)
        if stored is None:
            stored = (
                Conference._base_manager.filter(pk=self.pk)
                .values_list("holds_changes", flat=True)
                .first()
            )
        return None if stored is None or stored == self.holds_changes else self.holds_changes

    def get_absolute_url(self):
        return reverse("program:program", kwargs={"edition": self.slug})

    def natural_key(self):
        return (self.slug,)

    @cached_property
    def tzinfo(self):
        return zoneinfo.ZoneInfo(self.timezone)

    def embed_origin_list(self):
        """The origins ``embed_origins`` lists, serialised (program/origins.py)."""
        return origins(self.embed_origins)

    def dates(self):
        """The edition's days, first to last (dates)."""
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + timedelta(days=offset) for offset in range(count)]

    def day_bounds(self, day):
        """The aware start and end of a calendar day in the conference's timezone."""
        start = datetime.combine(day, time.min, tzinfo=self.tzinfo)
        end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=self.tzinfo)
        return start, end


@receiver(pre_save, sender=Conference)
def fixture_public_history(sender, instance, raw, using, **kwargs):
    """loaddata saves raw, past save(): a fixture (the seed) lists no
    ``public_history_after``, so keep the stored one, or start the history of an edition it
    creates or publishes as save() does. Nor does it list ``holds_changes``: reloading it
    keeps the edition holding changes or not, as an organiser set it (a raw save switching
    it off would leave the held changes unreleased). A backup brings its own
    (HISTORY_FROM_BACKUP)."""
    if not raw or HISTORY_FROM_BACKUP.get():
        return
    stored = (
        Conference._base_manager.using(using)
        .filter(pk=instance.pk)
        .values_list("is_published", "public_history_after", "holds_changes")
        .first()
    )
    if stored is None:
        instance.public_history_after = last_history_id(using) if instance.is_published else 0
        return
    was_published, instance.public_history_after, instance.holds_changes = stored
    instance._fixture_publishes = instance.is_published and not was_published


@receiver(post_save, sender=Conference)
def fixture_publishes(sender, instance, raw, using, **kwargs):
    if raw and getattr(instance, "_fixture_publishes", False):
        del instance._fixture_publishes
        start_public_history([instance.pk], using=using)


class Room(TimestampedModel):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="rooms")
    slug = models.SlugField(max_length=100)
    name = models.CharField(max_length=200, db_collation=READING)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveIntegerField(
        blank=True,
        help_text="Rooms are listed in this order, lowest first. "
        "Leave it empty to list the room after the edition's others.",
    )
    stream_url = models.URLField(
        "live stream",
        max_length=2000,
        blank=True,
        validators=[HTTP_URL],
        help_text="Optional: where the room is streamed live. “Watch live” links to it "
        "while a talk runs here.",
    )
    screen_notice = models.CharField(
        "door screen notice",
        max_length=200,
        blank=True,
        help_text="Shown large on the room's door screen while set, e.g. “Room full: "
        "overflow in Room 2”. Empty: none.",
    )

    objects = EditionSlugManager()

    class Meta:
        ordering = ["conference", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "slug"], name="room_unique_slug_per_conference"
            ),
            # Only web links in a page or a feed: never javascript:, data: or file:.
            models.CheckConstraint(
                condition=Q(stream_url="")
                | Q(stream_url__istartswith="http://")
                | Q(stream_url__istartswith="https://"),
                name="room_stream_url_http",
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


class TalkType(TimestampedModel):
    """A kind of session (keynote, poster, ...); organisers add their own in admin."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100, unique=True, db_collation=READING)

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
    name = models.CharField(max_length=200, db_collation=READING)
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
