"""Tracks and their colours."""

from urllib.parse import quote

from django.contrib import admin
from django.utils.html import format_html

from program.admin.base import EditionInitialMixin, RefuseDeletingInUseMixin
from program.admin.conferences import TrackForm
from program.admin.text import ProgramModelAdmin
from program.models import (
    Track,
)


@admin.register(Track)
class TrackAdmin(RefuseDeletingInUseMixin, EditionInitialMixin, ProgramModelAdmin):
    in_use_message = "talks are in this track (listed below). Move them with “Set track” first."
    form = TrackForm
    list_display = ["name", "swatch", "conference", "slug"]
    list_filter = ["conference"]
    list_select_related = ["conference"]
    search_fields = ["name", "slug", "description"]
    ordering = ["-conference__start_date", "name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["conference", "name", "slug", "colour", "description"]

    @admin.display(description="colour", ordering="colour")
    def swatch(self, track):
        # An image rather than an inline style, which a Content-Security-Policy may refuse.
        square = (
            "<svg xmlns='http://www.w3.org/2000/svg' width='16' height='16'>"
            f"<rect width='16' height='16' fill='{track.colour}'/></svg>"
        )
        return format_html(
            '<img src="data:image/svg+xml,{}" width="16" height="16" alt=""> {}',
            quote(square),
            track.colour,
        )
