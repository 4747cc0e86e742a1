"""Speakers, shared by the editions they speak at."""

from django.db import models
from django.db.models import Q
from django.urls import reverse

from program.machinery.collation import READING
from program.machinery.history import ProgramHistoricalRecords
from program.models.base import SearchableModel, SearchableQuerySet, SlugManager, TimestampedModel
from program.models.editions import Conference


def photo_has_size(name):
    """The CHECK ``name``: a photo name always comes with its width and height (a speaker's,
    and a change's new photo), or neither."""
    return models.CheckConstraint(
        condition=Q(photo="", photo_width=None, photo_height=None)
        # IS NOT NULL spelt out: a CHECK whose comparison is NULL passes.
        | (
            ~Q(photo="")
            & Q(photo_width__isnull=False, photo_height__isnull=False)
            & Q(photo_width__gt=0, photo_height__gt=0)
        ),
        name=name,
    )


class Speaker(SearchableModel, TimestampedModel):
    """A person, shared across editions."""

    searched_fields = ("name", "affiliation", "bio")

    slug = models.SlugField(max_length=100, unique=True)
    # Names sort as people read them (program/machinery/collation.py).
    name = models.CharField(max_length=200, db_collation=READING)
    affiliation = models.CharField(max_length=300, blank=True)
    bio = models.TextField(blank=True)
    # Private: where the speaker's link is sent (program/speaker_links.py). In no page, feed,
    # API answer, export or history record.
    email = models.EmailField(
        "e-mail address",
        blank=True,
        help_text="Private: where “Send speakers their links” sends this speaker's link. "
        "Never shown on the site, in feeds or in the API.",
    )
    # The largest size of the photo, re-encoded on upload; the smaller sizes sit beside it
    # (program/photos.py). Written only by program.photos.set_photo, never from an upload name.
    photo = models.FileField(max_length=200, blank=True, editable=False)
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)

    objects = SlugManager.from_queryset(SearchableQuerySet)()
    # Who changed what: an organiser, an import, or the speaker through their link (the
    # record's change reason says so). Never the private e-mail address.
    history = ProgramHistoricalRecords(excluded_fields=["email", "search_text"])

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="speaker_name_idx")]
        constraints = [
            photo_has_size("speaker_photo_has_size"),
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
