"""The talk list's filters: the day, the rooms and tracks of the edition filtered on, and
whether a talk has a slot yet."""

import datetime as dt

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Q

from program.admin.base import chosen_edition_id, edition_labeller
from program.models import Conference
from program.times import day_heading


class DayListFilter(admin.SimpleListFilter):
    """The days of the edition filtered on (of every edition otherwise), in conference time.

    A day is a window of aware datetimes per edition (Conference.day_bounds), so the database
    compares plain timestamps: no timezone functions, the same on SQLite and PostgreSQL.
    """

    title = "day"
    parameter_name = "day"

    def lookups(self, request, model_admin):
        editions = Conference.objects.order_by("start_date")
        if (edition_id := chosen_edition_id(request)) is not None:
            editions = editions.filter(pk=edition_id)
        days = sorted({day for edition in editions for day in edition.dates()})
        with_year = len({day.year for day in days}) > 1
        return [
            (day.isoformat(), f"{day_heading(day)}, {day.year}" if with_year else day_heading(day))
            for day in days
        ]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        window = Q()
        try:
            day = dt.date.fromisoformat(self.value())
            # Only editions held that day: a day far from all (9999-12-31) matches nothing.
            editions = Conference.objects.filter(start_date__lte=day, end_date__gte=day)
            for edition in editions.only("pk", "timezone"):
                start, end = edition.day_bounds(day)
                window |= Q(conference=edition, start__gte=start, start__lt=end)
        except (ValueError, OverflowError) as error:  # not a date; the last day there is
            raise IncorrectLookupParameters(error) from error
        return queryset.filter(window) if window else queryset.none()


class EditionRowListFilter(admin.RelatedFieldListFilter):
    """The rooms (or tracks) of the edition filtered on; otherwise all, with the edition
    named where another edition has a room (or track) of the same name."""

    def field_choices(self, field, request, model_admin):
        model = field.related_model
        rows = model.objects.select_related("conference").order_by(
            "-conference__start_date", *model._meta.ordering[1:]
        )
        if (edition_id := chosen_edition_id(request)) is not None:
            return [(row.pk, row.name) for row in rows.filter(conference_id=edition_id)]
        label = edition_labeller(rows)
        return [(row.pk, label(row)) for row in rows]


class ScheduledListFilter(admin.SimpleListFilter):
    """Talks with a slot (a day, time and room) or without one yet (unscheduled drafts)."""

    title = "slot"
    parameter_name = "scheduled"

    def lookups(self, request, model_admin):
        return [("yes", "Scheduled"), ("no", "Unscheduled")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(start__isnull=False)
        if self.value() == "no":
            return queryset.unscheduled()
        return queryset
