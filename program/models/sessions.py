"""Sessions: talks of one room and time span under one title, with their chairs.

A session holds the talks whose public slot lies within its own, in its room
(``Session.talks``): nothing is stored on the talk, so moving a talk in or out of the span
moves it in or out of the session, and a release does the same. Posters of a poster session
share its room and span, each on its ``Talk.board``.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from program.machinery.collation import READING
from program.models.base import TimestampedModel, TimestampedQuerySet
from program.models.editions import Conference, Room
from program.models.speakers import Speaker
from program.models.talks import MAX_DURATION, Talk
from program.times import elapsed

# A kind as the pages say it before "session": "Poster session" (the admin lists the
# kinds as "Talks", "Posters", "Other").
KIND_LABELS = {"talks": "Talk", "posters": "Poster", "other": "Other"}


class Session(TimestampedModel):
    """A titled span of one room: ``Session 3: Systems for LLMs``, chaired by speakers."""

    class Kind(models.TextChoices):
        TALKS = "talks", "Talks"
        POSTERS = "posters", "Posters"
        OTHER = "other", "Other"

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=300, db_collation=READING)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TALKS)
    # RESTRICT as for talks: a room in use cannot be deleted, its edition can.
    room = models.ForeignKey(Room, on_delete=models.RESTRICT, related_name="sessions")
    start = models.DateTimeField()
    end = models.DateTimeField()
    chairs = models.ManyToManyField(
        Speaker,
        blank=True,
        related_name="chaired_sessions",
        help_text="Who chairs the session (speakers of any edition).",
    )

    objects = TimestampedQuerySet.as_manager()

    class Meta:
        ordering = ["start", "room__position", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="session_end_after_start"),
            models.CheckConstraint(
                condition=Q(end__lte=F("start") + MAX_DURATION), name="session_at_most_99_59"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["talks", "posters", "other"]), name="session_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["conference", "start"], name="session_conference_idx")]

    def __str__(self):
        return self.title

    def clean(self):
        """The database's span rules in words, on ``end`` (which then skips the rules'
        "Constraint … is violated")."""
        length = elapsed(self.start, self.end) if self.start and self.end else None
        if length is not None and length <= timedelta(0):
            raise ValidationError({"end": "The session must end after it starts."})
        if length is not None and length > MAX_DURATION:
            raise ValidationError(
                {"end": "A session lasts at most 99 hours 59 minutes: set an earlier end."}
            )

    def talks(self):
        """Its talks as the public sees them: in its room, within its span, in time order.

        As the edition's pages list them (Talk.objects.listed_in), so an edition not yet
        published shows its sessions' talks in the admin and on staff previews too; the
        public reads published editions only.
        """
        return (
            Talk.objects.listed_in(self.conference_id)
            .filter(
                public_room=self.room_id, public_start__gte=self.start, public_end__lte=self.end
            )
            .order_by("public_start", "title", "id")
        )
