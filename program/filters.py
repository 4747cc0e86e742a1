"""The one TalkFilter: the program page, its feeds and the API all read the same parameters."""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import slug_re
from django.db.models import Q
from django_filters.fields import IsoDateTimeField, ModelMultipleChoiceField
from django_filters.rest_framework import FilterSet

from program.agenda import BadAgendaCode, decode_talks
from program.changes import ids_ever_public, slugs_ever_public
from program.models import Conference, Room, Speaker, Talk, TalkType, Track


def check_slug(field, value):
    """Refuse what no slug can be before asking the database (PostgreSQL refuses NUL)."""
    if not slug_re.fullmatch(str(value)):
        raise ValidationError(
            field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class SlugChoiceField(forms.ModelChoiceField):
    """A choice of a row by slug, where several rows may share it (rooms of different editions).

    The cleaned value is the slug itself, so the filter matches every row that has it.
    """

    def to_python(self, value):
        if value in self.empty_values:
            return None
        check_slug(self, value)
        if not self.queryset.filter(**{self.to_field_name: value}).exists():
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return value

    def validate(self, value):
        forms.Field.validate(self, value)

    def has_changed(self, initial, data):
        return initial != data


class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SlugChoiceField


class SlugMultipleChoiceField(ModelMultipleChoiceField):
    def clean(self, value):
        # An empty value (?type=) means no filter, as it does for every other parameter.
        if isinstance(value, list | tuple):
            value = [item for item in value if item not in self.empty_values]
        return super().clean(value)

    def _check_values(self, value):
        for slug in value:
            check_slug(self, slug)
        return super()._check_values(value)


class SlugMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """Repeatable slug parameter (?type=a&type=b means either)."""

    field_class = SlugMultipleChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)


class DayField(forms.DateField):
    input_formats = ["%Y-%m-%d"]
    default_error_messages = {"invalid": "%(value)s is not a valid date."}

    def to_python(self, value):
        try:
            day = super().to_python(value)
        except ValidationError as error:
            raise self.invalid(value) from error
        # A day's bounds must exist in every timezone: the first and last dates have none.
        if day in (datetime.date.min, datetime.date.max):
            raise self.invalid(value)
        return day

    def invalid(self, value):
        return ValidationError(
            self.error_messages["invalid"], code="invalid", params={"value": value}
        )


class DayFilter(django_filters.DateFilter):
    field_class = DayField


EARLIEST = datetime.datetime.min.replace(tzinfo=datetime.UTC) + datetime.timedelta(days=1)
LATEST = datetime.datetime.max.replace(tzinfo=datetime.UTC) - datetime.timedelta(days=1)


class MomentField(IsoDateTimeField):
    """An ISO 8601 date and time (UTC when no offset is given), cleaned to an aware moment
    in UTC; the API's ``updated_since`` and ``since``, and ``at`` of now and next."""

    default_error_messages = {
        "invalid": "%(value)s is not an ISO 8601 date and time such as 2026-05-18T09:00:00Z "
        "(write + as %%2B in a URL)."
    }

    def to_python(self, value):
        """The moment in UTC, within EARLIEST and LATEST.

        The database compares in UTC, and answers show the moment in an edition's timezone:
        it must exist in every timezone, which the first and last days of the calendar do
        not. Every moment the format allows is valid (the API's schema says so), so one
        beyond them reads as the nearest that exists: no talk changed or runs before or
        after it.
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
            moment = moment.astimezone(datetime.UTC)
        except OverflowError:  # before the year 1 or after 9999 in UTC
            return EARLIEST if moment.year == 1 else LATEST
        return min(max(moment, EARLIEST), LATEST)


class MomentFilter(django_filters.IsoDateTimeFilter):
    field_class = MomentField


class AgendaTalkField(SlugMultipleChoiceField):
    """Talk slugs of a personal agenda; the cleaned value is the list of their talks' ids.

    A slug is a public talk's current one, or one that a public talk of the edition had
    (renamed, deleted or taken back to draft since; program.changes reads the talks'
    history): a shared agenda or a subscribed calendar keeps working and simply loses a
    talk that is gone, while a slug that never named a public talk is refused.
    """

    def __init__(self, *args, conference=None, **kwargs):
        self.conference = conference
        self.ids_by_slug = {}  # once cleaned: {slug: talk id} of the slugs given
        super().__init__(*args, **kwargs)

    def _check_values(self, value):
        slugs = set(value)
        for slug in slugs:
            check_slug(self, slug)
        talks = dict(self.queryset.filter(slug__in=slugs).values_list("slug", "pk"))
        missing = slugs - talks.keys()
        if missing:
            talks |= slugs_ever_public(missing, self.conference)
        for slug in value:
            if slug not in talks:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": slug},
                )
        self.ids_by_slug = talks
        return sorted(set(talks.values()))


class AgendaTalkFilter(SlugMultipleChoiceFilter):
    field_class = AgendaTalkField


class AgendaCodeField(forms.CharField):
    """An agenda code (program.agenda: talk ids, compact); the cleaned value is its ids.

    As with slugs, an id is a public talk's of the edition or one that was (deleted or taken
    back to draft since): those simply drop out; an id that never named one is refused, and
    so is what is no agenda code at all.
    """

    default_error_messages = {
        "invalid_code": "%(value)s %(problem)s",
        "invalid_choice": "%(value)s is not a known talk.",
    }

    def __init__(self, *args, queryset=None, conference=None, **kwargs):
        self.queryset = queryset
        self.conference = conference
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return []
        try:
            ids = decode_talks(value)
        except BadAgendaCode as problem:
            raise ValidationError(
                self.error_messages["invalid_code"],
                code="invalid_code",
                params={"value": value, "problem": str(problem)},
            ) from problem
        # The edition's talks in one query (no IN list of thousands of ids).
        missing = set(ids) - set(self.queryset.values_list("pk", flat=True))
        if missing:
            missing -= ids_ever_public(self.conference)
        if missing:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": min(missing)},
            )
        return ids


class AgendaCodeFilter(django_filters.CharFilter):
    field_class = AgendaCodeField


def invalid_choice(noun):
    return {"invalid_choice": f"%(value)s is not a known {noun}."}


class TalkFilter(FilterSet):
    """Filters of the public program (docs/attendees/filters.md, docs/api/json.md).

    Choices of room, speaker and track are the values public talks use. Pass
    ``conference`` when the talks all belong to one edition: rooms and tracks are then
    those its listed talks use, and ``day`` is read in its timezone.
    """

    q = django_filters.CharFilter(
        method="filter_words",
        label="Search",
        max_length=200,
        help_text="Words that must all appear in the title, abstract, or a speaker's "
        'name, affiliation or bio, ignoring case and accents; a "quoted phrase" in that '
        "order; hyphens inside a word, and English plurals, do not matter; a single letter "
        "starts a word.",
    )
    # Rooms, speakers and tracks are those public talks use (TalkQuerySet.rows_used): one
    # known only from drafts answers as an unknown one does. Types are the site's vocabulary,
    # every one of them published in the API schema's enum, so every type is a choice.
    type = SlugMultipleChoiceFilter(
        field_name="type__slug",
        queryset=TalkType.objects.all(),
        label="Type",
        help_text="A talk type slug; repeat for several (either matches).",
        error_messages={"invalid_choice": "%(value)s is not a known talk type."},
    )
    day = DayFilter(
        method="filter_day",
        label="Day",
        help_text="A day (YYYY-MM-DD) in the conference's timezone.",
    )
    room = SlugChoiceFilter(
        field_name="public_room__slug",
        to_field_name="slug",
        queryset=Talk.objects.published().rows_used(Room.objects.all()),
        label="Room",
        help_text="A room slug.",
        error_messages=invalid_choice("room"),
    )
    speaker = SlugChoiceFilter(
        field_name="speakers__slug",
        to_field_name="slug",
        queryset=Talk.objects.published().rows_used(Speaker.objects.all()),
        label="Speaker",
        help_text="A speaker slug.",
        error_messages=invalid_choice("speaker"),
    )
    track = SlugMultipleChoiceFilter(
        field_name="track__slug",
        queryset=Talk.objects.published().rows_used(Track.objects.all()),
        label="Track",
        help_text="A track slug; repeat for several (either matches).",
        error_messages=invalid_choice("track"),
    )
    talk = AgendaTalkFilter(
        method="filter_talks",
        queryset=Talk.objects.published(),
        label="Talk",
        help_text="A talk slug; repeat for several (a personal agenda).",
        error_messages={"invalid_choice": "%(value)s is not a known talk."},
    )
    talks = AgendaCodeFilter(
        method="filter_talks",
        queryset=Talk.objects.published(),
        label="Talks",
        help_text="A personal agenda as one agenda code: its talks' ids, compact ('d' or 'b' "
        "and URL-safe base64, as the site's agenda links write it); adds to `talk`.",
    )

    class Meta:
        model = Talk
        fields = ["q", "type", "day", "room", "speaker", "track", "talk", "talks"]

    def __init__(self, data=None, queryset=None, *, conference=None, **kwargs):
        self.conference = conference
        super().__init__(data, queryset, **kwargs)
        if conference is not None:
            # Its listed talks: the same as its public ones once it is published (staff
            # preview an edition before).
            listed = Talk.objects.listed_in(conference)
            public = Talk.objects.published() | listed
            self.filters["room"].queryset = listed.rows_used(conference.rooms.all())
            self.filters["speaker"].queryset = public.rows_used(Speaker.objects.all())
            self.filters["track"].queryset = listed.rows_used(conference.tracks.all())
            self.filters["talk"].queryset = listed
            self.filters["talk"].extra["conference"] = conference
            self.filters["talks"].extra["queryset"] = conference.talks.published()
            self.filters["talks"].extra["conference"] = conference

    def filter_words(self, queryset, name, value):
        return queryset.search(value)

    def filter_talks(self, queryset, name, value):
        """``talk`` and ``talks`` name one agenda together: the talks of either, applied once."""
        chosen = self.form.cleaned_data
        if name == "talks" and chosen.get("talk"):
            return queryset  # applied with ``talk``
        ids = set(chosen.get("talk") or ()) | set(chosen.get("talks") or ())
        return queryset.filter(pk__in=ids) if ids else queryset

    def filter_day(self, queryset, name, value):
        if self.conference is not None:
            conferences = [self.conference]
        else:
            conferences = Conference.objects.only("pk", "timezone")
        in_day = Q()
        for conference in conferences:
            # Every talk that runs on the day: one from the evening before, or a hackathon
            # of several days, is on each day it covers.
            day_start, day_end = conference.day_bounds(value)
            in_day |= Q(conference=conference, public_start__lt=day_end, public_end__gt=day_start)
        return queryset.filter(in_day) if in_day else queryset.none()


def keep(queryset, name, value):
    """A parameter that chooses no rows, read by the view from the cleaned data."""
    return queryset


class NowFilter(TalkFilter):
    """Now and next of one edition (the page and the API): the program filters plus ``at``."""

    at = MomentFilter(
        method=keep,
        label="At",
        help_text="The moment to answer for (ISO 8601; UTC when no offset is given). "
        "Default: now, to the minute.",
    )

    class Meta(TalkFilter.Meta):
        fields = [*TalkFilter.Meta.fields, "at"]

    schema_enums = ("type",)
