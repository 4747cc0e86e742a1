"""Editions, with their rooms and tracks inline, and the schedule editor (``get_urls``)."""

from django import forms
from django.contrib import admin
from django.urls import path

from program.admin.schedule import place_view, schedule_view, track_styles_view
from program.admin.text import ProgramModelAdmin, ProgramTabularInline
from program.models import (
    Conference,
    Room,
    Track,
)


class ConferenceForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        start, end = cleaned_data.get("start_date"), cleaned_data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The edition must not end before it starts.")
        return cleaned_data

    def _get_validation_exclusions(self):
        # conference_single_current allows one current edition; ConferenceAdmin.save_model
        # unmarks the previous one in the same transaction, so marking another is not an error.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("is_current")
        return exclusions


class RoomInline(ProgramTabularInline):
    model = Room
    fields = ["name", "slug", "position", "capacity"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0


class TrackForm(forms.ModelForm):
    class Meta:
        model = Track
        fields = ["conference", "name", "slug", "colour", "description"]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}


class TrackInline(ProgramTabularInline):
    model = Track
    form = TrackForm
    fields = ["name", "slug", "colour", "description"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0


@admin.register(Conference)
class ConferenceAdmin(ProgramModelAdmin):
    form = ConferenceForm
    list_display = [
        "name",
        "slug",
        "start_date",
        "end_date",
        "timezone",
        "is_published",
        "is_current",
    ]
    list_filter = ["is_published", "is_current"]
    search_fields = ["name", "slug", "city", "venue"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "name",
        "slug",
        ("start_date", "end_date"),
        "timezone",
        "venue",
        "city",
        "is_published",
        "is_current",
    ]
    inlines = [RoomInline, TrackInline]

    def get_urls(self):
        # The schedule editor and its endpoints check "Can change talk" themselves.
        def view(function):
            wrapped = self.admin_site.admin_view(
                lambda request, object_id: function(request, self, object_id)
            )
            return wrapped

        return [
            path(
                "<path:object_id>/schedule/",
                view(schedule_view),
                name="program_conference_schedule",
            ),
            path(
                "<path:object_id>/schedule/place/",
                view(place_view),
                name="program_conference_schedule_place",
            ),
            path(
                "<path:object_id>/schedule/tracks.css",
                view(track_styles_view),
                name="program_conference_schedule_tracks",
            ),
            *super().get_urls(),
        ]
