"""Django admin for organisers: one module per model admin (conferences, rooms, tracks,
speakers, talk types, talks), the import page the talk admin mounts (imports), and what
they share (base: mixins; text: text fields; times: the edition's wall-clock time input).

Importing the modules registers their admins with the site.
"""

from django.contrib import admin

from program.admin import (
    conferences,
    rooms,
    sessions,
    speaker_changes,
    speakers,
    talk_types,
    talks,
    tracks,
)

admin.site.site_header = "Conference program"
admin.site.site_title = "Conference program admin"
admin.site.index_title = "Editions, rooms, tracks, speakers and talks"
# The sidebar repeats the index page and takes a quarter of a laptop screen from the talk
# list (title, status, edition, time, room, type, track, speakers), which must fit beside the
# filters; the breadcrumbs lead back to the index.
admin.site.enable_nav_sidebar = False

__all__ = [
    "conferences",
    "rooms",
    "sessions",
    "speaker_changes",
    "speakers",
    "talk_types",
    "talks",
    "tracks",
]
