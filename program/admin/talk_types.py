"""Talk types, shared by every edition."""

from django.contrib import admin

from program.admin.text import ProgramModelAdmin
from program.models import (
    TalkType,
)


@admin.register(TalkType)
class TalkTypeAdmin(ProgramModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug"]
