"""Filters of the JSON API: the program's TalkFilter plus what only API clients need."""

import datetime as dt

import django_filters
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import FilterSet

from program.filters import TalkFilter
from program.models import Conference, Room, Speaker, Talk, TalkSpeaker, Track

# Ordering parameter value -> ORDER BY; each ends in unique keys so pages never overlap.
TALK_ORDERINGS = {
    "start": ("start", "room__position", "title", "id"),
    "-start": ("-start", "room__position", "title", "id"),
    "title": (Lower("title"), "title", "start", "id"),
}
DEFAULT_TALK_ORDERING = TALK_ORDERINGS["start"]


def conference_filter(**kwargs):
    """``conference=<edition slug>``, limited to published editions."""
    return django_filters.ModelChoiceFilter(
        queryset=Conference.objects.published(),
        to_field_name="slug",
        label="Conference",
        help_text="An edition slug, e.g. 2026.",
        error_messages={"invalid_choice": "%(value)s is not a known conference."},
        **kwargs,
    )


EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC) + dt.timedelta(days=1)
LATEST = dt.datetime.max.replace(tzinfo=dt.UTC) - dt.timedelta(days=1)


class UpdatedSinceField(IsoDateTimeField):
    default_error_messages = {
        "invalid": "%(value)s is not an ISO 8601 date and time such as 2026-05-18T09:00:00Z "
        "(write + as %%2B in a URL)."
    }

    def to_python(self, value):
        """The moment in UTC, within EARLIEST and LATEST.

        The database compares in UTC, and answers show the moment in an edition's timezone:
        it must exist in every timezone, which the first and last days of the calendar do
        not. Every moment the format allows is valid (the schema says so), so one beyond
        them reads as the nearest that exists: no talk changed or runs before or after it.
        """
        try:
            moment = super().to_python(value)
        except ValidationError as error:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from error
        if moment is None:
            return None
        try:
            moment = moment.astimezone(dt.UTC)
        except OverflowError:  # before the year 1 or after 9999 in UTC
            return EARLIEST if moment.year == 1 else LATEST
        return min(max(moment, EARLIEST), LATEST)


class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    field_class = UpdatedSinceField


class ApiTalkFilter(TalkFilter):
    """TalkFilter plus ``conference``, ``updated_since`` and ``ordering``.

    With ``conference``, the program filters see that edition, exactly as on its program
    page: rooms and talks are looked up in it and ``day`` is read in its timezone.
    """

    conference = conference_filter(field_name="conference")
    updated_since = UpdatedSinceFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Updated since",
        help_text="Only talks changed at or after this moment (ISO 8601; UTC when no offset "
        "is given), to sync what changed since the last `updated_at` seen.",
    )
    ordering = django_filters.ChoiceFilter(
        choices=[
            ("start", "By start time, then room, then title (the default)"),
            ("-start", "Latest first, then room, then title"),
            ("title", "By title, ignoring case"),
        ],
        method="order_talks",
        label="Ordering",
        help_text="The order of the results.",
        error_messages={
            "invalid_choice": "%(value)s is not a known ordering: use start, -start or title."
        },
    )

    class Meta(TalkFilter.Meta):
        fields = [*TalkFilter.Meta.fields, "conference", "updated_since", "ordering"]

    # The schema lists the current values of these parameters as enums.
    schema_enums = ("type", "conference")

    def __init__(self, data=None, queryset=None, *, conference=None, **kwargs):
        if conference is None and data and data.get("conference"):
            conference = Conference.objects.published().filter(slug=data["conference"]).first()
        super().__init__(data, queryset, conference=conference, **kwargs)

    def order_talks(self, queryset, name, value):
        return queryset.order_by(*TALK_ORDERINGS[value])


def speaker_ids(talks):
    """Ids of the speakers of ``talks``, as a subquery.

    ``id IN (subquery)`` is computed once; a correlated EXISTS made SQLite scan an
    edition's talks once per speaker.
    """
    return TalkSpeaker.objects.filter(talk__in=talks).values("speaker_id")


class SpeakerFilter(FilterSet):
    conference = conference_filter(method="filter_conference")
    q = django_filters.CharFilter(
        method="filter_words",
        label="Search",
        max_length=200,
        help_text="Words that must all appear in the speaker's name, affiliation or bio, "
        "ignoring case and accents.",
    )

    class Meta:
        model = Speaker
        fields = ["conference", "q"]

    schema_enums = ("conference",)

    def filter_conference(self, queryset, name, value):
        return queryset.filter(
            pk__in=speaker_ids(Talk.objects.published().filter(conference=value))
        )

    def filter_words(self, queryset, name, value):
        return queryset.search(value)


class EditionFilter(FilterSet):
    """``conference``, for the rows of one edition (rooms, tracks)."""

    conference = conference_filter(field_name="conference")

    class Meta:
        fields = ["conference"]

    schema_enums = ("conference",)


class RoomFilter(EditionFilter):
    class Meta(EditionFilter.Meta):
        model = Room


class TrackFilter(EditionFilter):
    class Meta(EditionFilter.Meta):
        model = Track


def keep(queryset, name, value):
    """A parameter that chooses no rows, read by the view from the cleaned data."""
    return queryset


class NowFilter(TalkFilter):
    """Now and next of one edition: the program filters (``type``...) plus ``at``."""

    at = UpdatedSinceFilter(
        method=keep,
        label="At",
        help_text="The moment to answer for (ISO 8601; UTC when no offset is given). "
        "Default: now, to the minute.",
    )

    class Meta(TalkFilter.Meta):
        fields = [*TalkFilter.Meta.fields, "at"]

    schema_enums = ("type",)


class ChangesFilter(FilterSet):
    """Changes of one edition, newest first; ``since`` keeps the recent ones."""

    since = UpdatedSinceFilter(
        method=keep,
        label="Since",
        help_text="Only changes made at or after this moment (ISO 8601; UTC when no offset "
        "is given): the `changed_at` of the newest change an app has seen.",
    )

    class Meta:
        model = Talk
        fields = ["since"]
