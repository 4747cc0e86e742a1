"""Editions, with their rooms and tracks inline, whether each holds changes for release,
its schedule editor (admin/schedule.py) and its Release page (admin/releases.py)."""

from django import forms
from django.contrib import admin, messages
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import ngettext

from program.admin.base import rendered_in
from program.admin.releases import release_url, release_view
from program.admin.rooms import door_screen_link
from program.admin.schedule import place_view, schedule_view, track_styles_view
from program.admin.session_moves import session_move_view
from program.admin.text import ProgramModelAdmin, ProgramTabularInline
from program.models import (
    Conference,
    Room,
    Track,
)
from program.releases import visible_changes


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
    fields = ["name", "slug", "position", "capacity", "stream_url", "screen_notice", "door_screen"]
    readonly_fields = ["door_screen"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0

    @admin.display(description="door screen")
    def door_screen(self, room):
        return door_screen_link(room)


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
        "holds_changes",
        "releases",
        "embed_origins",
        # Speakers' private links (docs/organisers/speaker-links.md).
        "speaker_edit_until",
        "speaker_changes_need_approval",
    ]
    readonly_fields = ["releases"]
    inlines = [RoomInline, TrackInline]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # "Speakers may edit until" is typed and shown in the edition's own time.
        edition = None
        if object_id and str(object_id).isascii() and str(object_id).isdigit():
            edition = Conference.objects.filter(pk=object_id).first()
        return rendered_in(
            edition,
            lambda: super(ConferenceAdmin, self).changeform_view(
                request, object_id, form_url, extra_context
            ),
        )

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
                "<path:object_id>/schedule/sessions/<int:session_id>/move/",
                self.admin_site.admin_view(
                    lambda request, object_id, session_id: session_move_view(
                        request, self, object_id, session_id
                    )
                ),
                name="program_conference_session_move",
            ),
            path(
                "<path:object_id>/schedule/tracks.css",
                view(track_styles_view),
                name="program_conference_schedule_tracks",
            ),
            # Before Django's own: "<id>/" would take "<id>/release/" for an object's address.
            path(
                "<path:object_id>/release/",
                self.admin_site.admin_view(release_view),
                name="program_conference_release",
            ),
            *super().get_urls(),
        ]

    def get_fields(self, request, obj=None):
        """The releases of an edition that exists (none while it is added)."""
        fields = super().get_fields(request, obj)
        return fields if obj is not None else [name for name in fields if name != "releases"]

    @admin.display(description="releases")
    def releases(self, conference):
        """How many changes wait, and the link to the Release page."""
        count = visible_changes(conference).count() if conference.holds_changes else 0
        if not conference.holds_changes:
            waiting = "Changes are public at once."
        elif count:
            waiting = ngettext(
                "%(count)d change waits for release.", "%(count)d changes wait for release.", count
            ) % {"count": count}
        else:
            waiting = "Nothing waits for release."
        return format_html('{} <a href="{}">Release page</a>', waiting, release_url(conference))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """The change page, with the edition's embed snippet under its fields
        (templates/admin/program/conference/change_form.html)."""
        if obj is not None and obj.pk:
            context["embed_snippet"] = embed_snippet(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        """Saves the edition (Conference.save() makes release 1 when holding is switched on,
        and the held changes public when it is switched off), then says which it did."""
        switched = "holds_changes" in form.changed_data
        waiting = visible_changes(obj).count() if switched and not obj.holds_changes else 0
        super().save_model(request, obj, form, change)
        if switched and obj.holds_changes:
            # The release switching on made is the organiser's, as the Release page's are:
            # its list says who made each.
            first = obj.releases.order_by("-number").first()
            first.released_by = request.user
            first.save(update_fields=["released_by"])
        if switched:
            self.message_user(request, holding_message(obj, waiting), messages.SUCCESS)


def embed_snippet(request, conference):
    """What an organiser pastes into their own site to show ``conference``'s program
    (docs/organisers/embedding.md): the frame and the script sizing it, with absolute
    addresses on the host the admin is reached by (templates/program/embed_snippet.html)."""

    def address(name):
        return request.build_absolute_uri(reverse(name, kwargs={"edition": conference.slug}))

    return render_to_string(
        "program/embed_snippet.html",
        {
            "conference": conference,
            "frame_url": address("program:embed-program"),
            "script_url": address("program:embed-script"),
        },
    ).strip()


def holding_message(conference, waiting):
    """What switching holding changes on or off did; ``waiting``: the visible changes held
    before it was switched off."""
    if conference.holds_changes:
        first = conference.releases.order_by("-number").first()
        return (
            f"{conference} holds changes for release now: the program as it stands is "
            f"release {first.number}, “{first.name}”. Talks added, moved, cancelled or removed "
            "wait until you release them on its Release page; titles, abstracts, speakers "
            "and materials are public at once."
        )
    if waiting:
        made_public = ngettext(
            "the change that was waiting is public now",
            "the %(count)d changes that were waiting are public now",
            waiting,
        ) % {"count": waiting}
        return (
            f"{conference} no longer holds changes: {made_public}, and every change is "
            "public as soon as it is saved."
        )
    return (
        f"{conference} no longer holds changes: nothing was waiting, and every change is "
        "public as soon as it is saved."
    )
