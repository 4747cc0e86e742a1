"""Rooms, each with the talks it holds, by day, its live stream and its door screen."""

from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from program.admin.base import EditionInitialMixin, RefuseDeletingInUseMixin, local_when
from program.admin.text import ProgramModelAdmin
from program.models import (
    Room,
)


@admin.register(Room)
class RoomAdmin(RefuseDeletingInUseMixin, EditionInitialMixin, ProgramModelAdmin):
    in_use_message = (
        "talks are scheduled in this room, or are in it in the public program until the "
        "edition's next release (listed below). Move them to another room first, then "
        "release the edition's changes if it holds them."
    )
    list_display = ["name", "conference", "position", "capacity", "door_screen"]
    list_filter = ["conference"]
    list_select_related = ["conference"]
    search_fields = ["name", "slug"]
    ordering = ["-conference__start_date", "position", "name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "conference",
        "name",
        "slug",
        "position",
        "capacity",
        "stream_url",
        "screen_notice",
        "door_screen",
        "talk_table",
    ]
    readonly_fields = ["door_screen", "talk_table"]

    def get_queryset(self, request):
        # The door screen's link names the room's edition: read with the room.
        return super().get_queryset(request).select_related("conference")

    @admin.display(description="door screen")
    def door_screen(self, room):
        return door_screen_link(room)

    @admin.display(description="talks in this room")
    def talk_table(self, room):
        # One table from one query: a read-only inline renders a form per talk, too slow for
        # the two hundred talks a room holds in a large edition.
        if room.pk is None:
            return "None yet."
        talks = room.talks.select_related("conference", "type")
        return render_to_string(
            "admin/program/room/_talk_table.html",
            {"talks": [(talk, local_when(talk)) for talk in talks]},
        )


def door_screen_link(room):
    """A link opening the room's door screen in a new tab (docs/organisers/room-screens.md);
    "None yet." for a room not saved. An unpublished edition's screen answers 404 until the
    edition is published, as its other pages do."""
    if room.pk is None:
        return "None yet."
    url = reverse("program:room-screen", args=[room.conference.slug, room.slug])
    note = "" if room.conference.is_published else " (once the edition is published)"
    return format_html('<a href="{}" target="_blank" rel="noopener">Door screen</a>{}', url, note)
