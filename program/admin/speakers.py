"""Speakers: their details, photo and talks of every edition."""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import StrIndex, Substr
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.html import format_html

from program.admin.base import ReadOnlyInline, RefuseDeletingInUseMixin, folded_search, local_when
from program.admin.speaker_history import SpeakerHistoryMixin
from program.admin.speaker_links import (
    links_by_edition,
    new_link_view,
    revoke_view,
    send_speaker_links,
)
from program.admin.text import ProgramModelAdmin, ProgramTabularInline
from program.models import (
    Speaker,
    TalkSpeaker,
)
from program.photos import (
    FULL_SIDE,
    MAX_ASPECT,
    MAX_PHOTO_BYTES,
    delete_files,
    photo_files,
    prepare_photo,
    remove_photo,
    rendition_height,
    rendition_name,
    rendition_widths,
    set_photo,
)
from program.text import search_words


class SpeakerTalkInline(ReadOnlyInline, ProgramTabularInline):
    model = TalkSpeaker
    fk_name = "speaker"
    verbose_name_plural = "talks of this speaker"
    fields = ["talk_link", "edition", "when", "room"]
    readonly_fields = fields
    ordering = ["-talk__start"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("speaker", "talk__conference", "talk__room")
        )

    @admin.display(description="talk")
    def talk_link(self, link):
        url = reverse("admin:program_talk_change", args=[link.talk_id])
        return format_html('<a href="{}">{}</a>', url, link.talk.title)

    @admin.display(description="edition")
    def edition(self, link):
        return link.talk.conference

    @admin.display(description="when")
    def when(self, link):
        return local_when(link.talk)

    @admin.display(description="room")
    def room(self, link):
        return link.talk.room


class SpeakerForm(forms.ModelForm):
    upload = forms.FileField(
        label="New photo",
        required=False,
        # A hint for the file picker; the server checks the content itself.
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=f"JPEG, PNG or WebP, at most {filesizeformat(MAX_PHOTO_BYTES)}, at most "
        f"{MAX_ASPECT} times as tall as wide or as wide as tall; a PNG or WebP at most "
        f"{FULL_SIDE:,} × {FULL_SIDE:,} pixels. It is resized and saved anew in sRGB, without "
        "its metadata (camera, GPS position).",
    )
    remove = forms.BooleanField(label="Remove the photo", required=False)

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        # Checked and resized here, so that a refused file leaves the whole form unsaved.
        self.prepared_photo = prepare_photo(upload) if upload else None
        return upload


@admin.register(Speaker)
class SpeakerAdmin(SpeakerHistoryMixin, RefuseDeletingInUseMixin, ProgramModelAdmin):
    in_use_message = (
        "this speaker is on talks (listed below). Take them off those talks first; a speaker "
        "is shared by every edition."
    )
    form = SpeakerForm
    list_display = ["name", "affiliation", "slug", "has_photo"]
    search_fields = ["name", "affiliation", "bio"]
    search_help_text = "Words in the name, affiliation or bio (any case, any accents)."
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "affiliation", "bio", "email"]}),
        ("Photo", {"fields": ["current_photo", "upload", "remove"]}),
    ]
    readonly_fields = ["current_photo"]
    inlines = [SpeakerTalkInline]
    actions = [send_speaker_links]
    # Their private links per edition, below the form (program/admin/speaker_links.py).
    change_form_template = "admin/program/speaker/change_form.html"

    def get_urls(self):
        # Before Django's own: "<id>/" would take "<id>/links/new/" for an object's address.
        return [
            path(
                "<path:object_id>/links/new/",
                self.admin_site.admin_view(new_link_view(self)),
                name="program_speaker_new_link",
            ),
            path(
                "<path:object_id>/links/revoke/",
                self.admin_site.admin_view(revoke_view(self)),
                name="program_speaker_revoke_link",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        speaker = self.get_object(request, object_id)
        if speaker is not None:
            extra_context = {**(extra_context or {}), "speaker_links": links_by_edition(speaker)}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="photo", boolean=True)
    def has_photo(self, speaker):
        return bool(speaker.photo)

    @admin.display(description="current photo")
    def current_photo(self, speaker):
        if not speaker.photo:
            return "None: pages show the speaker's initials."
        width = rendition_widths(speaker.photo_width)[0]  # the smallest size
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}">',
            speaker.photo.storage.url(rendition_name(speaker.photo.name, width)),
            width,
            rendition_height(width, speaker.photo_width, speaker.photo_height),
            speaker.name,
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.prepared_photo is not None:
            set_photo(speaker=obj, photo=form.prepared_photo)
        elif form.cleaned_data.get("remove") and obj.photo:
            remove_photo(speaker=obj)

    def delete_model(self, request, obj):
        self.delete_queryset(request, Speaker.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        # A deleted speaker's photo leaves the storage too, once the deletion is committed.
        names = [name for speaker in queryset for name in photo_files(speaker)]
        super().delete_queryset(request, queryset)
        transaction.on_commit(lambda: delete_files(names))

    def get_search_results(self, request, queryset, search_term):
        """Every word found in the name, affiliation or bio, names matching first: what
        the talk form's speaker autocomplete lists (the list's own ordering still applies
        on the speaker list)."""
        queryset, duplicates = folded_search(queryset, search_term)
        return name_matches_first(queryset, search_term), duplicates


def name_matches_first(speakers, search_term):
    """``speakers`` ordered by how their name matches the folded ``search_term``: names
    that start with it, then names that hold it elsewhere, then names that hold each of
    its words apart, then the others (a match in the affiliation or bio); by name within
    each.

    The folded name is ``search_text`` up to its first line break (program.text.search_text
    writes the name, affiliation and bio one a line, each word after a space, and the name
    comes first), so the ranking ignores case and accents as the search does.
    """
    words = search_words(search_term)
    if not words:
        return speakers
    query = " ".join(words)
    folded_name = Substr("search_text", 1, StrIndex("search_text", Value("\n")) - 1)
    return speakers.alias(folded_name=folded_name).order_by(
        Case(
            When(folded_name__startswith=" " + query, then=Value(0)),
            When(folded_name__contains=query, then=Value(1)),
            When(Q(*[Q(folded_name__contains=word) for word in words]), then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        ),
        "name",
        "pk",
    )
