"""Filters of the JSON API: the program's TalkFilter plus what only API clients need."""

import django_filters
from django_filters.rest_framework import FilterSet

from program.filters import MomentFilter, TalkFilter, keep
from program.models import Conference, Room, Session, Speaker, Talk, TalkSpeaker, Track

# Ordering parameter value -> ORDER BY; each ends in unique keys so pages never overlap.
# Titles sort as people read them, ignoring case and accents (program/machinery/collation.py).
# Public talks: their public start and room (program/models/public_reads.py).
TALK_ORDERINGS = {
    "start": ("public_start", "public_room__position", "title", "id"),
    "-start": ("-public_start", "public_room__position", "title", "id"),
    "title": ("title", "public_start", "id"),
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


class ApiTalkFilter(TalkFilter):
    """TalkFilter plus ``conference``, ``updated_since`` and ``ordering``.

    With ``conference``, the program filters see that edition, exactly as on its program
    page: rooms and talks are looked up in it and ``day`` is read in its timezone.
    """

    conference = conference_filter(field_name="conference")
    updated_since = MomentFilter(
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
            ("title", "By title as people read it, ignoring case and accents"),
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
        "ignoring case and accents, as the talks' `q` matches them.",
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


class ChangesFilter(FilterSet):
    """Changes of one edition, newest first; ``since`` keeps the recent ones."""

    since = MomentFilter(
        method=keep,
        label="Since",
        help_text="Only changes made at or after this moment (ISO 8601; UTC when no offset "
        "is given): the `changed_at` of the newest change an app has seen.",
    )

    class Meta:
        model = Talk
        fields = ["since"]


class SessionFilter(EditionFilter):
    class Meta(EditionFilter.Meta):
        model = Session
