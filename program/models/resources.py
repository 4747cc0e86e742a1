"""A talk's resources: links to its slides, recording, paper, code..., in the talk's order."""

from urllib.parse import urlsplit

from django.db import models
from django.db.models import Q

from program.machinery.history import ProgramHistoricalRecords
from program.models.base import HTTP_URL, TimestampedModel, TimestampedQuerySet
from program.models.talks import Talk
from program.outputs import uri


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
    # New and changed materials on the changes page and feed, and who changed them.
    history = ProgramHistoricalRecords()

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
