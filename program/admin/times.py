"""Typing a talk's start and end in the admin, in conference time, across clock changes.

Django's own date-and-time field refuses every time near a daylight-saving change with one
vague message. Organisers need to enter a session in the hour that repeats when the clocks
go back (01:30 EDT and 01:30 EST are an hour apart), so this field asks which of the two is
meant, and it refuses a time the clocks skip with a message that says so
(program.times.conference_time). The form is rendered and read in the edition's timezone
(TalkAdmin.changeform_view).
"""

import datetime as dt

from django import forms
from django.contrib.admin.widgets import (
    AdminSplitDateTime,
    BaseAdminDateWidget,
    BaseAdminTimeWidget,
)
from django.core.exceptions import ValidationError
from django.utils import timezone

from program.times import (
    SkippedTime,
    clock,
    conference_time,
    day_heading,
    offset_label,
    repeated_times,
)

OCCURRENCES = [
    ("", "—"),
    ("first", "the first (before the clocks go back)"),
    ("second", "the second (after the clocks go back)"),
]


class ConferenceDateTimeWidget(AdminSplitDateTime):
    """The admin's date and time inputs, plus which occurrence of a repeated time."""

    template_name = "admin/program/widgets/conference_datetime.html"

    def __init__(self, attrs=None):
        widgets = [BaseAdminDateWidget, BaseAdminTimeWidget, forms.Select(choices=OCCURRENCES)]
        forms.MultiWidget.__init__(self, widgets, attrs)

    def decompress(self, value):
        if not value:
            return [None, None, ""]
        local = timezone.localtime(value)
        naive = local.replace(tzinfo=None)
        occurrence = ""
        if repeated_times(naive, local.tzinfo):
            occurrence = "second" if local.fold else "first"
        return [naive.date(), naive.time(), occurrence]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["occurrence_label"] = "If this time happens twice:"
        return context


class ConferenceDateTimeField(forms.SplitDateTimeField):
    widget = ConferenceDateTimeWidget

    def __init__(self, **kwargs):
        super().__init__(require_all_fields=False, **kwargs)
        occurrence = forms.ChoiceField(choices=OCCURRENCES, required=False)
        self.fields = (*self.fields, occurrence)

    def compress(self, data_list):
        if not data_list:
            return None
        day, time_of_day, occurrence = data_list
        if day in self.empty_values:
            raise ValidationError(self.error_messages["invalid_date"], code="invalid_date")
        if time_of_day in self.empty_values:
            raise ValidationError(self.error_messages["invalid_time"], code="invalid_time")
        naive = dt.datetime.combine(day, time_of_day)
        zone = timezone.get_current_timezone()
        try:
            moment = conference_time(naive, zone, second=occurrence == "second")
        except SkippedTime as error:
            raise ValidationError(str(error), code="skipped_time") from error
        repeated = repeated_times(naive, zone)
        if repeated and not occurrence:
            first, second = repeated
            raise ValidationError(
                f"{clock(naive)} {naive:%p} on {day_heading(naive)}, {naive.year} happens twice "
                f"in {zone} (the clocks go back): choose below whether you mean the first, "
                f"{moment_with_offset(first)}, or the second, {moment_with_offset(second)}.",
                code="repeated_time",
            )
        return moment


def moment_with_offset(moment):
    """'1:30 AM EDT (UTC-04:00)'."""
    return f"{clock(moment)} {moment:%p %Z} ({offset_label(moment)})"


class MinutesField(forms.IntegerField):
    """A length typed in whole minutes (``45``), stored as a timedelta (Talk.duration): more
    than 0, at most 99 hours 59 minutes (5,999), as the database checks."""

    def prepare_value(self, value):
        if isinstance(value, dt.timedelta):
            return int(value / dt.timedelta(minutes=1))
        return value

    def to_python(self, value):
        minutes = super().to_python(value)
        if minutes is None:
            return None
        if not 0 < minutes <= 5999:
            raise ValidationError(
                "Give the length in minutes, from 1 to 5999 (99 hours 59 minutes).",
                code="minutes",
            )
        return dt.timedelta(minutes=minutes)
